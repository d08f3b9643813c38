"""End to end, replicated: simulate -> notes -> code_captures -> EventTimes -> Hawkes fit.

The world is the calibrated default restricted to JNIM and the Burkinabe army, the busiest
rivalry (about 0.4 clashes a day), with the Hawkes channel of the capture effect: a clash that
ends in a capture has ``kappa = 2`` times the offspring clashes of an ordinary one
(self-excitation 0.3, mean lag 14 days, the world's discrete daily kernel). The capture step
and the capability elasticity of clash rates are switched off and the rivalry runs from the
start, so the daily discrete-time Hawkes model (``Hawkes(timing="daily")``, whose day-lag
kernel is the world's) is correctly specified; its mark multiplier estimates ``Truth.kappa``.
Capture marks come only from the capture coder reading the generated notes.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from sahelmodel import Hawkes, code_captures
from sahelmodel.simulate import World

pytestmark = pytest.mark.slow

START, END = "2014-01-01", "2023-12-31"


def study_world(kappa: float) -> World:
    base = World.default().restrict(["jnim", "military_burkina_faso"])
    return base.replace(
        rivalries=tuple(replace(r, start=None) for r in base.rivalries),
        groups=tuple(replace(g, civilian_rate=0.0) for g in base.groups),
        clash_elasticity=0.0, kappa=kappa, capture_step=1.0)


def run_study(kappa: float, n_rep: int, seed0: int) -> tuple[np.ndarray, np.ndarray,
                                                              np.ndarray, np.ndarray]:
    world = study_world(kappa)
    est, lower, upper, counts = [], [], [], []
    for r in range(n_rep):  # replications
        events, truth = world.run(START, END, rng=seed0 + r)
        coded = code_captures(events)
        frame = coded.frame
        found = set(frame.loc[frame["capture"].fillna(False).astype(bool), "event_id"])
        true = set(truth.captures["event_id"])
        counts.append((len(true), len(found), len(true & found)))
        times = coded.to_event_times(by="dyad", marks="capture", start=START,
                                     end="2024-01-01")
        res = Hawkes(timing="daily").fit(times)
        assert res.converged
        name = next(k for k in res.params.index if k.startswith("kappa"))
        ci = res.conf_int()
        est.append(res.params[name])
        lower.append(ci.loc[name, "lower"])
        upper.append(ci.loc[name, "upper"])
    return np.array(est), np.array(lower), np.array(upper), np.array(counts)


def test_hawkes_recovers_the_capture_multiplier_with_nominal_coverage():
    est, lower, upper, counts = run_study(2.0, n_rep=30, seed0=3000)
    covered = (lower <= 2.0) & (2.0 <= upper)
    # 30 replications: at least 24 covered is consistent with 95% (binomial p > 0.01)
    assert covered.sum() >= 24, (covered.mean(), est)
    assert np.median(est) > 1.3  # the multiplier is found, not just covered
    true, found, both = counts.sum(axis=0)
    assert both / true >= 0.95 and both / found >= 0.95, (true, found, both)


def test_hawkes_multiplier_centred_on_one_without_capture_effects():
    """With kappa = 1 the estimates are centred on 1. The mean is the statistic: with about
    130 captures in ten years the sampling spread of kappa-hat is wide (sd about 1.2), so a good
    share of replications end at the boundary kappa-hat = 0 and the median is pulled down."""
    est, _, _, _ = run_study(1.0, n_rep=20, seed0=4000)
    se = est.std(ddof=1) / np.sqrt(est.size)
    assert abs(est.mean() - 1.0) < 3 * se, (est.mean(), se, est)
    assert se < 0.5  # the check has some power


def test_relational_hawkes_on_the_whole_calibrated_world():
    """One seeded run of all 17 rivalries of the default world (rivalries on from the start,
    no capability elasticity of clash rates, no attacks on civilians): the relational daily
    Hawkes model (inertia = self-excitation, spill-over = dyads sharing a group) has the
    world's form, and its 95% intervals hold the true kappa, self-excitation and spill-over.
    Seed 5 is the first and only seed this check was run with. The decay is not asserted: its
    estimate (0.092, interval 0.0714-0.112 against the true 1/14 = 0.0714) sits at the edge,
    the small-sample upward bias of the decay MLE (250-year runs of one dyad give 0.069-0.076)."""
    base = World.default()
    world = base.replace(rivalries=tuple(replace(r, start=None) for r in base.rivalries),
                         groups=tuple(replace(g, civilian_rate=0.0) for g in base.groups),
                         clash_elasticity=0.0)
    events, truth = world.run(START, END, rng=5)
    times = code_captures(events).to_event_times(by="dyad", marks="capture", start=START,
                                                 end="2024-01-01")
    res = Hawkes(parametrisation="relational", timing="daily").fit(times)
    assert res.converged
    ci = res.conf_int()
    truth_values = {"kappa": truth.kappa, "alpha[inertia]": world.self_excitation,
                    "alpha[spillover]": world.spillover}
    for name, value in truth_values.items():
        key = next(k for k in ci.index if k.startswith(name))
        assert ci.loc[key, "lower"] <= value <= ci.loc[key, "upper"], (name, ci.loc[key], value)
