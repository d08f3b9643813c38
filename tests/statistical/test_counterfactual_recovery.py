"""Recovery of the counterfactual truth by the event study, both capture channels on.

The world is the calibrated default (13 groups, 17 rivalries, self- and cross-excitation,
capability-dependent rates, kappa = 2) with the step channel switched on as well (theta = 1.5
for 28 days after a capture, not compounding: ``capture_cap = 1``), simulated from March 2020
(every rivalry under way, so no rivalry starts inside the sample) to December 2023; the panel
starts in June 2020, after the Hawkes states have warmed up. The estimand is
``Truth.clash_effect`` (paired counterfactual simulation of the same world and seed: every
capture's path with and without its effects), pooled over replications. The estimator is the
distributed-lag Poisson event study of ``hostile`` (capturing clashes left out, the panel's
default) on the capture indicator with dyad and week fixed effects and model-based errors
(17 dyads are too few clusters for cluster-robust errors, see ``FEW_CLUSTERS``).

Checked are the interior horizons other than 0: the binned end points pool every horizon
beyond them (they are not horizon estimands), and at horizon 0 the capture's own week is
selected on its clashes (more clashes, more chances of a capture).

Captures enter the panel from the truth's capture table (the capture coder reading the notes is
tested end to end in ``test_end_to_end_event_study.py``), to keep the study's CPU time modest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sahelmodel import dyad_panel, event_study
from sahelmodel.simulate import World
from sahelmodel.simulate.counterfactual import paired_capture_effects

pytestmark = pytest.mark.slow

START, END, PANEL_START = "2020-03-01", "2023-12-31", "2020-06-01"
WINDOW = (-4, 5)
CHECKED = [-3, -2, 1, 2, 3, 4]
N_REP = 100
N_TRUTH = 8


def study_world() -> World:
    return World.default(capture_step=1.5, capture_cap=1)


def panel_of(world: World, seed: int) -> pd.DataFrame:
    events, truth = world.run(START, END, rng=seed)
    frame = events.frame.copy()
    caps = truth.captures.set_index("event_id")
    hit = frame["event_id"].isin(caps.index)
    frame["capture"] = hit
    frame.loc[hit, "capturer"] = frame.loc[hit, "event_id"].map(caps["capturer"])
    frame.loc[hit, "captured_from"] = frame.loc[hit, "event_id"].map(caps["captured_from"])
    panel = dyad_panel(type(events)(frame), freq="W", lags=0, start=PANEL_START)
    panel["capture"] = ((panel["capture_ij"] + panel["capture_ji"]) > 0).astype(int)
    return panel


def pooled_truth(world: World) -> pd.Series:
    num = den = 0.0
    for r in range(N_TRUTH):  # replications of the paired counterfactual simulation
        eff = paired_capture_effects(world, START, END, rng=5000 + r, freq="W",
                                     horizons=range(0, WINDOW[1]))
        num = num + eff["factual"] * eff["n_captures"]
        den = den + eff["counterfactual"] * eff["n_captures"]
    out = (num / den).reindex(range(WINDOW[0] + 1, WINDOW[1]))
    return out.fillna(1.0)  # leads: the two paths share their history


@pytest.mark.xfail(strict=True, reason=(
    "measured: the event study is biased against the counterfactual truth because captures "
    "happen when a dyad's self-exciting clash intensity is high (parallel trends fail); over "
    "100 replications coverage was 0.92, 0.87, 0.76, 0.79, 0.85, 0.91 at horizons -3, -2, 1, "
    "2, 3, 4 (30 replications with coded captures: 0.93-1.0)"))
def test_event_study_covers_the_counterfactual_truth_with_both_channels_on():
    world = study_world()
    assert world.kappa == 2.0 and world.capture_step == 1.5
    truth = np.log(pooled_truth(world).loc[CHECKED])
    assert (truth.loc[[1, 2, 3, 4]] > 0.02).all(), truth  # both channels raise clashes
    hits, est = [], []
    for r in range(N_REP):  # replications
        es = event_study(panel_of(world, 100 + r), outcome="hostile", event="capture",
                         window=WINDOW, cluster=None)
        t = es.table.loc[CHECKED]
        hits.append(((t["estimate"] - truth).abs() <= 1.959964 * t["std_error"]).to_numpy())
        est.append(t["estimate"].to_numpy())
    coverage = pd.Series(np.mean(hits, axis=0), index=CHECKED)
    assert ((coverage >= 0.90) & (coverage <= 0.98)).all(), coverage
    # The event study is not exactly centred on the causal truth: captures happen when a
    # dyad's clash intensity is high (self-excitation), which parallel trends do not allow
    # for. In 30 replications the mean bias was -0.06 to +0.06 on the log scale, 0.5 to 0.8
    # standard deviations of the estimates; it must stay below one standard deviation.
    est = np.array(est)
    bias = est.mean(axis=0) - truth.to_numpy()
    assert (np.abs(bias) < est.std(axis=0, ddof=1)).all(), (bias, est.std(axis=0, ddof=1))
