"""Paired counterfactual simulation: the branches part only through a capture's effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sahelmodel.simulate import World
from sahelmodel.simulate._engine import EngineState, simulate_day
from sahelmodel.simulate.counterfactual import paired_capture_effects

START, END = "2022-01-01", "2022-06-30"


def test_no_capture_effects_means_identical_paths():
    w = World.default(kappa=1.0, capture_step=1.0, clash_elasticity=0.0,
                          tempo_elasticity=0.0, capture_slope=0.0)
    eff = paired_capture_effects(w, START, END, rng=4, horizons=range(-2, 4))
    assert (eff["irr"] == 1.0).all() and (eff["extra"] == 0.0).all()
    assert (eff["n_captures"] > 0).all()


def test_effects_raise_clashes_and_leads_are_one():
    w = World.default(capture_step=1.5, capture_cap=1)
    eff = paired_capture_effects(w, START, END, rng=4, horizons=range(-2, 4), n_draws=2)
    assert (eff.loc[[-2, -1], "irr"] == 1.0).all()
    post = eff.loc[[1, 2, 3]]
    # theta = 1.5 for 28 days and kappa = 2: above 1 at every horizon, and pooled over the
    # three horizons by more than 3 Monte Carlo standard errors (31 captures, 2 draws each)
    assert (post["irr"] > 1).all(), post
    z = (post["irr"] - 1).sum() / np.sqrt((post["std_error"] ** 2).sum())
    assert z > 3, (z, post)
    assert (post["factual"] > post["counterfactual"]).all()


def test_truth_reruns_the_same_world_and_seed():
    w = World.default(capture_step=1.5, capture_cap=1)
    _, truth = w.run(START, END, rng=9)
    eff = truth.clash_effect("W", [0, 1])
    again = paired_capture_effects(w, START, END, rng=9, horizons=[0, 1])
    pd.testing.assert_frame_equal(eff, again)
    assert int(eff["n_captures"].iloc[0]) == len(truth.captures)
    _, unseeded = w.run(START, END, rng=np.random.default_rng(9))
    with pytest.raises(ValueError, match="not seeded with an int"):
        unseeded.clash_effect()
    with pytest.raises(TypeError, match="Generator"):
        paired_capture_effects(w, START, END, rng=np.random.default_rng(1))


def test_remove_capture_takes_back_exactly_its_effects():
    w = World.default(capture_step=1.5, capture_cap=1)
    inp = w._engine_input(pd.Timestamp(START), 10)
    st = EngineState.initial(inp)
    before = st.copy()
    st.state[0] += (1 - inp.kernel_keep) * (inp.kappa - 1)
    st.recent[0] += 1
    st.ring[3 % inp.capture_window, 0] += 1
    st.cap[0] += 2.0 * inp.capability_keep
    st.cap[1] -= 2.0 * inp.capability_keep
    st.remove_capture(inp, 3, 0, 0, 1, 2.0)
    for name in ("cap", "state", "recent", "ring"):
        np.testing.assert_allclose(getattr(st, name), getattr(before, name), atol=1e-12)
    day = simulate_day(inp, 0, st, np.random.default_rng(0))
    assert day.clashes.shape == (len(w.rivalries),)
