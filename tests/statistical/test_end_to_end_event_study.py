"""End to end, replicated: simulate -> notes -> code_captures -> dyad_panel -> event_study.

The world is the calibrated default (its 13 groups, 17 rivalries, places and rates) with the
event-study channel of the capture effect switched on: every capture multiplies the dyad's
clash rate by ``theta = 1.5`` for the 14 days after it. Self- and cross-excitation, the Hawkes
mark multiplier and the capability elasticity of clash rates are switched off, rivalries run
from the start and groups do not attack civilians, so that the TWFE distributed-lag Poisson
event study is correctly specified; its estimand is ``Truth.clash_rate_ratio("W", h)``:
1.5 at horizon 1, 1 + 0.5 * 4/7 at horizon 2 (the 14-day window covers on average 4/7 of the
second week after the capture's week), and 1 at horizons >= 3 and at every lead. Horizon 0
holds the capturing clash itself and is not an estimand.

Captures enter the panel only through the capture coder reading the generated notes.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from sahelmodel import code_captures, dyad_panel, event_study
from sahelmodel.simulate import World

pytestmark = pytest.mark.slow

WINDOW = (-4, 4)
HORIZONS = [-4, -3, -2, 1, 2, 3, 4]


def study_world(capture_step: float) -> World:
    base = World.default()
    return base.replace(
        rivalries=tuple(replace(r, start=None) for r in base.rivalries),
        groups=tuple(replace(g, civilian_rate=0.0) for g in base.groups),
        self_excitation=0.0, spillover=0.0, kappa=1.0, clash_elasticity=0.0,
        capture_step=capture_step, capture_window=14, capture_probability=0.03)


def replicate(world: World, seed: int) -> tuple[pd.DataFrame, pd.Series, tuple[int, int, int]]:
    """One replication: event-study table, truth by horizon, (true, found, matched) captures."""
    events, truth = world.run("2018-01-01", "2023-12-31", rng=seed)
    coded = code_captures(events)
    frame = coded.frame
    found = set(frame.loc[frame["capture"].fillna(False).astype(bool), "event_id"])
    true = set(truth.captures["event_id"])
    panel = dyad_panel(coded, freq="W", capture_clash="count")  # all clashes, as the truth
    panel["capture"] = panel["capture_ij"] + panel["capture_ji"]
    es = event_study(panel, outcome="hostile", event="capture", window=WINDOW, cluster=None)
    lags = [h for h in HORIZONS if h > 0]
    target = pd.concat([truth.clash_rate_ratio("W", lags[:-1]),
                        pd.Series({h: 1.0 for h in HORIZONS if h < 0 or h == lags[-1]})])
    return es.table.loc[HORIZONS], target.loc[HORIZONS], (len(true), len(found),
                                                          len(true & found))


def run_study(capture_step: float, n_rep: int, seed0: int):
    world = study_world(capture_step)
    tables, hits, counts = [], [], []
    for r in range(n_rep):  # replications
        table, target, count = replicate(world, seed0 + r)
        tables.append(table["estimate"].to_numpy())
        hits.append(((table["lower"] <= target) & (target <= table["upper"])).to_numpy())
        counts.append(count)
        truth = target
    return np.array(tables), np.array(hits), np.array(counts), truth


def test_event_study_recovers_the_capture_step_with_nominal_coverage():
    est, hits, counts, truth = run_study(1.5, n_rep=30, seed0=1000)
    coverage = hits.mean(axis=0)
    pooled = hits.mean()
    # 30 replications x 7 horizons: binomial sd of the pooled rate about 0.015 (a little more
    # with the correlation between horizons); every horizon at least 24/30 (binomial p > 0.01)
    assert 0.90 <= pooled <= 0.99, (pooled, coverage)
    assert (coverage >= 0.80).all(), coverage
    # the horizon-1 estimate is centred on log(1.5): within 3 Monte Carlo standard errors
    h1 = est[:, HORIZONS.index(1)]
    assert abs(h1.mean() - np.log(truth.loc[1])) < 3 * h1.std(ddof=1) / np.sqrt(len(h1))
    assert h1.mean() > np.log(1.3)  # and the effect is found, not just covered
    # the capture coder in the loop: recall and precision pooled over replications
    true, found, both = counts.sum(axis=0)
    assert both / true >= 0.95 and both / found >= 0.95, (true, found, both)


def test_event_study_centred_on_no_effect_when_captures_do_nothing():
    est, hits, _, _ = run_study(1.0, n_rep=15, seed0=2000)
    for k, h in enumerate(HORIZONS):
        col = est[:, k]
        se = col.std(ddof=1) / np.sqrt(col.size)
        assert abs(col.mean()) < max(3 * se, 0.02), (h, col.mean(), se)
    assert hits.mean() >= 0.88
