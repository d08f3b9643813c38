"""simulate_hawkes / simulate: interface, determinism, structure of the output, errors.

Distributional checks (mean intensity, time rescaling, agreement of the two simulators) live in
tests/statistical/test_hawkes_simulation.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import sahelmodel
from sahelmodel.hawkes import (
    HawkesParams,
    LogLinearBaseline,
    PiecewiseConstantBaseline,
    SimulationOverflowError,
    SumExponentialKernel,
    simulate,
    simulate_hawkes,
)
from sahelmodel.hawkes.simulate import _target_table

METHODS = ("branching", "thinning")


@pytest.mark.parametrize("method", METHODS)
def test_univariate_scalars_give_event_times(method):
    et = sahelmodel.simulate_hawkes(0.5, 0.5, 1.0, 200.0, rng=1, method=method)
    assert isinstance(et, sahelmodel.EventTimes)
    assert et.n_dims == 1 and et.marks is None
    assert (et.start, et.end) == (0.0, 200.0)
    assert et.n_events > 0 and (et.times >= 0).all() and (et.times < 200.0).all()
    assert (np.diff(et.times) >= 0).all()


@pytest.mark.parametrize("method", METHODS)
def test_same_seed_same_events_different_seed_different_events(method):
    args = ([0.2, 0.1], [[0.3, 0.2], [0.1, 0.4]], [1.0, 0.5], 300.0)
    a = simulate_hawkes(*args, marks=0.1, mark_multiplier=2.0, rng=5, method=method)
    b = simulate_hawkes(*args, marks=0.1, mark_multiplier=2.0, rng=5, method=method)
    c = simulate_hawkes(*args, marks=0.1, mark_multiplier=2.0, rng=6, method=method)
    assert a == b
    assert a != c
    gen = np.random.default_rng(5)
    d = simulate_hawkes(*args, marks=0.1, mark_multiplier=2.0, rng=gen, method=method)
    assert d == a


@pytest.mark.parametrize("method", METHODS)
def test_window_names_and_marks(method):
    et = simulate_hawkes(
        [0.3, 0.3], np.full((2, 2), 0.2), 1.0, 150.0, start=50.0, marks=[1.0, 0.0],
        dim_names=["jnim|is_sahel", "is_sahel|jnim"], rng=2, method=method,
    )
    assert et.dim_names == ("jnim|is_sahel", "is_sahel|jnim")
    assert (et.start, et.end) == (50.0, 150.0)
    assert (et.times >= 50.0).all()
    # every event of dimension 0 is marked, none of dimension 1
    np.testing.assert_array_equal(et.marks, (et.dims == 0).astype(int))


@pytest.mark.parametrize("method", METHODS)
def test_excitation_flows_only_along_the_adjacency(method):
    # dimension 1 has no immigrants and is excited only by dimension 0; dimension 2 by nothing
    adjacency = np.zeros((3, 3))
    adjacency[1, 0] = 0.8
    et = simulate_hawkes([0.5, 0.0, 0.0], adjacency, 2.0, 400.0, rng=9, method=method)
    counts = et.counts
    assert counts[0] > 0 and counts[1] > 0 and counts[2] == 0
    first0 = et.times[et.dims == 0].min()
    assert et.times[et.dims == 1].min() > first0


@pytest.mark.parametrize("method", METHODS)
def test_zero_levels_of_the_baseline_produce_no_immigrants(method):
    baseline = PiecewiseConstantBaseline([0.0, 100.0, 200.0, 300.0], [1.0, 0.0, 1.0])
    et = simulate_hawkes(baseline, 0.0, 1.0, 300.0, rng=4, method=method)
    inside = (et.times >= 100.0) & (et.times < 200.0)
    assert not inside.any()
    assert (et.times < 100.0).sum() > 50 and (et.times >= 200.0).sum() > 50


@pytest.mark.parametrize("method", METHODS)
def test_every_kernel_and_baseline_runs(method):
    grid = np.arange(0.0, 101.0)
    x = np.sin(grid[:-1] / 10.0)[:, None]
    baseline = LogLinearBaseline(grid, x, coef=[[1.0], [0.5]], intercept=[-1.0, -2.0])
    kernel = SumExponentialKernel([2.0, 0.1], weights=[0.5, 0.5])
    et = simulate_hawkes(baseline, [[0.2, 0.1], [0.3, 0.2]], None, 100.0, kernel=kernel,
                         marks=0.3, mark_multiplier=1.5, rng=8, method=method)
    assert et.n_dims == 2 and et.marks is not None and len(et) > 0


def test_loglinear_baseline_outside_its_grid_raises():
    baseline = LogLinearBaseline([0.0, 10.0], [[0.0]], coef=[0.0])
    with pytest.raises(ValueError, match="defined on"):
        simulate_hawkes(baseline, 0.0, 1.0, 20.0, rng=1)


def test_explosive_process_stops_with_a_clear_error():
    for method in METHODS:
        with pytest.raises(SimulationOverflowError, match="explosive"):
            simulate_hawkes(1.0, 1.5, 1.0, 1e4, rng=1, method=method, max_events=2000)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: simulate_hawkes(0.5, 0.5, 1.0, 0.0), ValueError, "start < end_time"),
        (lambda: simulate_hawkes(0.5, 0.5, 1.0, np.inf), ValueError, "start < end_time"),
        (lambda: simulate_hawkes(0.5, 0.5, 1.0, 10.0, method="ogata"), ValueError, "method"),
        (lambda: simulate_hawkes(0.5, 0.5, 1.0, 10.0, kernel=SumExponentialKernel([1.0])),
         ValueError, "not both"),
        (lambda: simulate_hawkes(0.5, 0.5, None, 10.0), ValueError, "kernel or a decay"),
        (lambda: simulate_hawkes(0.5, [[0.5, 0], [0, 0.5]], [1.0, 2.0, 3.0], 10.0),
         ValueError, "3 dimensions"),
        (lambda: simulate({"baseline": 0.5}, 10.0), TypeError, "HawkesParams"),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_simulate_uses_params_names_and_marks():
    params = HawkesParams(baseline=[0.1, 0.2], adjacency=np.eye(2) * 0.3, kernel=1.0,
                          dim_names=["a", "b"])
    et = simulate(params, 100.0, rng=3)
    assert et.dim_names == ("a", "b") and et.marks is None
    marked = simulate(params.replace(mark_probability=0.5), 100.0, rng=3)
    assert marked.marks is not None and set(np.unique(marked.marks)) <= {0, 1}


def test_target_table_draws_targets_in_proportion_to_each_column():
    adjacency = np.array([[0.0, 0.5, 0.0], [0.2, 0.0, 0.0], [0.6, 0.5, 0.0]])
    totals, flat = _target_table(adjacency)
    np.testing.assert_allclose(totals, [0.8, 1.0, 0.0])
    n = 40_000
    rng = np.random.default_rng(0)
    for k in (0, 1):
        source = np.full(n, k)
        target = np.searchsorted(flat, source + rng.random(n), side="right") - source * 3
        freq = np.bincount(target, minlength=3) / n
        expected = adjacency[:, k] / adjacency[:, k].sum()
        # binomial standard error of a frequency is at most 0.5 / sqrt(n) = 0.0025
        np.testing.assert_allclose(freq, expected, atol=5 * 0.0025)
        assert freq[expected == 0].sum() == 0


@st.composite
def _small_params(draw):
    n = draw(st.integers(1, 3))
    unit = st.floats(0.0, 1.0)
    mu = draw(hnp.arrays(float, n, elements=unit))
    adjacency = draw(hnp.arrays(float, (n, n), elements=st.floats(0.0, 0.4)))
    decay = draw(hnp.arrays(float, (n, n), elements=st.floats(0.1, 5.0)))
    prob = draw(st.none() | hnp.arrays(float, n, elements=unit))
    kappa = draw(st.floats(0.0, 3.0))
    params = HawkesParams(baseline=mu, adjacency=adjacency, kernel=decay,
                          mark_multiplier=kappa, mark_probability=prob)
    assume(params.branching_ratio < 0.95)
    return params


@given(params=_small_params(), start=st.floats(-20.0, 20.0), seed=st.integers(0, 2**32 - 1))
def test_simulated_events_are_well_formed(params, start, seed):
    end = start + 40.0
    for method in METHODS:
        et = simulate(params, end, start=start, rng=seed, method=method)
        assert et.n_dims == params.n_dims
        assert (et.times >= start).all() and (et.times < end).all()
        assert (np.diff(et.times) >= 0).all()
        # immigrant-free dimensions with no incoming excitation stay empty
        silent = (params.baseline.mu == 0) & (params.adjacency.sum(axis=1) == 0)
        assert et.counts[silent].sum() == 0
        if params.mark_probability is None:
            assert et.marks is None
        else:
            p = params.mark_probability[et.dims, 0]
            assert set(np.unique(et.marks)) <= {0, 1}
            assert (et.marks[p == 0] == 0).all() and (et.marks[p == 1] == 1).all()
