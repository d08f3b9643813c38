r"""Recovery of the counterfactual truth by the anchored event study, both capture channels on.

The world is the calibrated default (13 groups, 17 rivalries, self- and cross-excitation,
capability-dependent rates and capture odds, kappa = 2) with the step channel switched on as
well (theta = 1.5 for 28 days after a capture, not compounding: ``capture_cap = 1``),
simulated from March 2020 (every rivalry under way) to December 2023, weekly dyad panel over
the same span, so the panel holds exactly the captures the truth is about.

The estimand of each run is its own ``Truth.clash_effect`` (paired counterfactual simulation of
the same world and seed: every capture's path with and without its effects, here 2 pairs per
capture, whose Monte Carlo error ``mc`` is added to the interval). The estimator is
``event_study(method="anchored")``: capture clashes against the same dyad's clashes without a
capture (outcome ``hostile``, capturing clashes left out; anchors ``hostile_all``), each anchor
dyad-week its own cluster. Checked are the leads -3..-1 (true ratio 1) and the lags 1..4;
horizon 0 holds the anchor clashes themselves (descriptive only).

This in-suite study runs 10 replications; the 100-replication figures (coverage by horizon)
are in ``experiments/records/event_study_recovery.json``, made by
``experiments/event_study_recovery.py``. The tolerances here follow from the standardised
errors :math:`z = (\hat\beta_h - \log \mathrm{IRR}_h) /
\sqrt{\mathrm{se}^2 + \mathrm{mc}^2}`, standard normal if the estimator is centred and its
standard error right: over the 70 (run, horizon) pairs their mean square has standard
deviation :math:`\sqrt{2/70} = 0.17` if independent (more, since horizons of one run are
correlated), and their mean over the 40 lag pairs at most :math:`1/\sqrt{10}` (horizons
perfectly correlated).

Captures enter the panel from the truth's capture table (the capture coder reading the notes is
tested end to end in ``test_end_to_end_event_study.py``), to keep the study's CPU time modest.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from sahelmodel import event_study
from sahelmodel.simulate import World

pytestmark = pytest.mark.slow

START, END = "2020-03-01", "2023-12-31"
WINDOW = (-3, 4)
LEADS, LAGS = [-3, -2, -1], [1, 2, 3, 4]
N_REP = 10


def _study_script():
    """The recovery study's script, whose panel construction the test shares."""
    path = Path(__file__).resolve().parents[2] / "experiments" / "event_study_recovery.py"
    spec = importlib.util.spec_from_file_location("event_study_recovery", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_anchored_event_study_covers_the_counterfactual_truth_with_both_channels_on():
    panel_of = _study_script().panel_of
    world = World.default(capture_step=1.5, capture_cap=1)
    assert world.kappa == 2.0 and world.capture_step == 1.5
    z, truths = [], []
    for r in range(N_REP):  # replications
        events, truth = world.run(START, END, rng=100 + r)
        es = event_study(panel_of(events, truth), outcome="hostile", event="capture",
                         anchors="hostile_all", method="anchored", window=WINDOW,
                         cluster=None).table
        eff = truth.clash_effect("W", range(1, WINDOW[1] + 1), n_draws=2)
        true = np.log(eff["irr"]).reindex(LEADS + LAGS).fillna(0.0)  # leads: ratio 1
        mc = (eff["std_error"] / eff["irr"]).reindex(LEADS + LAGS).fillna(0.0)
        t = es.loc[LEADS + LAGS]
        z.append(((t["estimate"] - true) / np.hypot(t["std_error"], mc)).to_numpy())
        truths.append(true.loc[LAGS].to_numpy())
    z = np.array(z)
    assert (np.mean(truths, axis=0) > 0.03).all(), truths  # both channels raise clashes
    assert np.isfinite(z).all()
    coverage = float(np.mean(np.abs(z) <= 1.959964))
    assert coverage >= 0.84, (coverage, z)  # 95% nominal; >= 11 misses of 70 is 4 sd off
    assert 0.5 < float(np.mean(z**2)) < 1.6, z  # the standard errors neither too small nor big
    assert abs(float(z[:, len(LEADS):].mean())) < 3.0 / np.sqrt(N_REP), z  # centred
