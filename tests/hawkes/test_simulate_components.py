"""Kernels, baselines and HawkesParams: the building blocks shared by simulation and estimation."""

from __future__ import annotations

import doctest
import importlib
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, stats

from sahelmodel.hawkes import (
    ConstantBaseline,
    ExponentialKernel,
    HawkesParams,
    LogLinearBaseline,
    PiecewiseConstantBaseline,
    SumExponentialKernel,
    auto_knots,
    dyad_relations,
    relational_adjacency,
)

KERNELS = {
    "exp_shared": ExponentialKernel(0.7),
    "exp_target": ExponentialKernel([0.5, 2.0]),
    "exp_pair": ExponentialKernel([[1.0, 0.1], [0.3, 3.0]]),
    "sumexp_shared": SumExponentialKernel([2.0, 0.05], weights=[0.6, 0.4]),
    "sumexp_pair": SumExponentialKernel(
        [1.0, 0.2], weights=[[[0.5, 0.5], [0.9, 0.1]], [[0.2, 0.8], [1.0, 0.0]]]
    ),
}
PAIRS = [(0, 0), (0, 1), (1, 0), (1, 1)]


@pytest.mark.parametrize("name", sorted(KERNELS))
@pytest.mark.parametrize(("target", "source"), PAIRS)
def test_kernel_is_a_density_with_matching_cdf_and_mean(name, target, source):
    k = KERNELS[name]
    total = integrate.quad(lambda t: float(k.density(t, target, source)), 0, np.inf, limit=200)[0]
    assert total == pytest.approx(1.0, abs=1e-8)
    for t in (0.1, 1.0, 7.5, 40.0):
        partial = integrate.quad(lambda s: float(k.density(s, target, source)), 0, t)[0]
        assert float(k.integral(t, target, source)) == pytest.approx(partial, rel=1e-9)
        assert float(k.survival(t, target, source)) == pytest.approx(1 - partial, abs=1e-9)
    mean = integrate.quad(lambda t: t * float(k.density(t, target, source)), 0, np.inf,
                          limit=200)[0]
    assert float(k.mean_lag(target, source)) == pytest.approx(mean, rel=1e-7)
    assert float(k.density(-1.0, target, source)) == 0.0
    assert float(k.integral(-1.0, target, source)) == 0.0


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_kernel_samples_follow_its_cdf(name):
    k = KERNELS[name]
    rng = np.random.default_rng(11)
    for target, source in PAIRS:
        lags = k.sample(np.full(4000, target), np.full(4000, source), rng)
        assert (lags > 0).all()
        p = stats.kstest(lags, lambda t, a=target, b=source: k.integral(t, a, b)).pvalue
        assert p > 1e-3, (name, target, source, p)


def test_kernel_sampling_by_pair_uses_each_pairs_decay():
    k = ExponentialKernel([[1.0, 0.01], [0.01, 1.0]])
    tgt = np.array([0, 0] * 2000)
    src = np.array([0, 1] * 2000)
    lags = k.sample(tgt, src, 3)
    assert lags[src == 0].mean() == pytest.approx(1.0, rel=0.1)
    assert lags[src == 1].mean() == pytest.approx(100.0, rel=0.1)


def test_kernel_arrays_have_the_shared_shape():
    for k in KERNELS.values():
        beta, w = k.decays(2), k.weights(2)
        assert beta.shape == w.shape == (2, 2, k.n_components)
        np.testing.assert_allclose(w.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(KERNELS["exp_target"].decays(2)[:, :, 0],
                                  [[0.5, 0.5], [2.0, 2.0]])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ExponentialKernel(-1.0), "finite and positive"),
        (lambda: ExponentialKernel([[1.0, 2.0]]), "square matrix"),
        (lambda: ExponentialKernel(np.inf), "finite and positive"),
        (lambda: SumExponentialKernel([1.0, 1.0]), "distinct"),
        (lambda: SumExponentialKernel([1.0, 2.0], weights=[0.5, 0.6]), "sum to one"),
        (lambda: SumExponentialKernel([1.0, 2.0], weights=[1.0]), "shape"),
        (lambda: SumExponentialKernel([1.0, 2.0], weights=[1.5, -0.5]), "non-negative"),
        (lambda: ExponentialKernel([1.0, 2.0]).decays(3), "parameters for 2 dimensions"),
        (lambda: ExponentialKernel([1.0, 2.0]).density(1.0, target=2), "target dimensions"),
    ],
)
def test_kernel_errors(build, message):
    with pytest.raises(ValueError, match=message):
        build()


# ---------------------------------------------------------------- baselines
BASELINES = {
    "constant": ConstantBaseline([0.5, 0.0]),
    "piecewise": PiecewiseConstantBaseline([0.0, 10.0, 25.0, 40.0],
                                           [[0.2, 1.0, 0.0], [0.0, 3.0, 0.5]]),
    "loglinear": LogLinearBaseline(np.arange(0.0, 41.0, 4.0),
                                   np.column_stack([np.sin(np.arange(10)), np.arange(10) / 10]),
                                   coef=[[0.5, 1.0], [-0.3, 0.2]], intercept=[-1.0, 0.0]),
}


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_baseline_integral_matches_quadrature(name):
    b = BASELINES[name]
    for a, c in ((0.0, 40.0), (3.3, 17.9), (12.0, 12.5)):
        for d in range(b.n_dims):
            pts = [x for x in b.knots if a < x < c]
            num = integrate.quad(lambda t, d=d: float(b.value(t, d)), a, c, points=pts or None,
                                 limit=200)[0]
            assert float(b.integral(a, c)[d]) == pytest.approx(num, rel=1e-9, abs=1e-12)
    edges, levels = b.pieces(1.0, 39.0)
    np.testing.assert_allclose((levels * np.diff(edges)).sum(axis=1), b.integral(1.0, 39.0))


@pytest.mark.parametrize("name", ["piecewise", "loglinear"])
@given(t=st.floats(0.0, 40.0))
def test_baseline_inverse_cumulative_inverts(name, t):
    b = BASELINES[name]
    y = b.cumulative(t)
    for d in range(b.n_dims):
        back = float(b.inverse_cumulative(y[d], d))
        # the generalised inverse: the earliest time reaching that cumulative value
        assert back <= t + 1e-9
        if np.isfinite(back):
            assert float(b.cumulative(back)[d]) == pytest.approx(float(y[d]), abs=1e-9)
        else:
            assert back == -np.inf and float(y[d]) <= 0.0


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_baseline_upper_bound_dominates(name):
    b = BASELINES[name]
    grid = np.linspace(5.0, 30.0, 501)
    assert (b.value(grid) <= b.upper_bound(5.0, 30.0)[None, :] + 1e-15).all()


def test_piecewise_baseline_extends_edges_and_loglinear_refuses_to():
    b = BASELINES["piecewise"]
    assert b.value(-5.0).tolist() == [0.2, 0.0]
    assert b.value(100.0).tolist() == [0.0, 0.5]
    with pytest.raises(ValueError, match="defined on"):
        BASELINES["loglinear"].value(41.0)


def test_loglinear_values():
    b = BASELINES["loglinear"]
    x = b.covariates[2]
    assert float(b.value(9.0, 0)) == pytest.approx(np.exp(-1.0 + 0.5 * x[0] + 1.0 * x[1]))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ConstantBaseline(-1.0), "non-negative"),
        (lambda: PiecewiseConstantBaseline([0, 1, 1], [1, 2]), "strictly increasing"),
        (lambda: PiecewiseConstantBaseline([0, 1, 2], [1, 2, 3]), "needs 2 levels"),
        (lambda: LogLinearBaseline([0, 1], [[1.0], [2.0]], coef=[1.0]), r"shape \(1, P\)"),
        (lambda: LogLinearBaseline([0, 1], [[1.0]], coef=[1.0, 2.0]), "coef must have"),
        (lambda: LogLinearBaseline([0, 1], [[1000.0]], coef=[1.0]), "overflows"),
        (lambda: auto_knots([], 0.0, 1.0, 0), "at least 1"),
        (lambda: auto_knots([0.5], 0.0, 1.0, 3, method="quantile"), "at least 3 events"),
    ],
)
def test_baseline_errors(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_auto_knots():
    assert auto_knots([], 0.0, 90.0, 3).tolist() == [0.0, 30.0, 60.0, 90.0]
    times = np.r_[np.linspace(0, 10, 50), np.linspace(80, 90, 50)]
    knots = auto_knots(times, 0.0, 100.0, 2, method="quantile")
    assert knots[0] == 0.0 and knots[-1] == 100.0 and 10.0 <= knots[1] <= 80.0


# ---------------------------------------------------------------- parameters
def test_params_coerce_scalars_and_compute_stationary_quantities():
    p = HawkesParams(baseline=0.2, adjacency=[[0.3, 0.2], [0.1, 0.4]], kernel=0.5)
    assert isinstance(p.baseline, ConstantBaseline) and p.baseline.mu.tolist() == [0.2, 0.2]
    assert isinstance(p.kernel, ExponentialKernel)
    eig = np.linalg.eigvals(p.adjacency)
    assert p.branching_ratio == pytest.approx(np.max(np.abs(eig)))
    np.testing.assert_allclose(
        (np.eye(2) - p.adjacency) @ p.mean_intensity(), [0.2, 0.2], rtol=1e-12
    )
    marked = p.replace(mark_multiplier=3.0, mark_probability=[0.5, 0.0])
    np.testing.assert_allclose(marked.effective_adjacency, [[0.6, 0.2], [0.2, 0.4]])
    assert marked.branching_ratio > p.branching_ratio
    assert p == HawkesParams(baseline=[0.2, 0.2], adjacency=p.adjacency, kernel=0.5)
    with pytest.raises(Exception):  # noqa: B017 - frozen dataclass
        p.mark_multiplier = 2.0  # type: ignore[misc]


def test_params_with_several_mark_levels():
    p = HawkesParams(baseline=[0.1, 0.2], adjacency=np.full((2, 2), 0.2), kernel=1.0,
                     mark_multiplier=[3.0, 0.5], mark_probability=[[0.1, 0.2], [0.0, 0.4]])
    assert p.n_mark_levels == 2
    assert p.mark_weights.tolist() == [1.0, 3.0, 0.5]
    np.testing.assert_allclose(p.mark_factor, [1 - 0.3 + 0.3 + 0.1, 1 - 0.4 + 0.2])
    shared = p.replace(mark_probability=[0.1, 0.2])  # (M,): the same for every dimension
    assert shared.mark_probability.tolist() == [[0.1, 0.2], [0.1, 0.2]]
    one = HawkesParams(baseline=[0.1, 0.2], adjacency=np.eye(2) * 0.2, kernel=1.0,
                       mark_multiplier=2.0, mark_probability=[0.02, 0.1])
    assert one.mark_probability.shape == (2, 1) and one.mark_multiplier.tolist() == [2.0]
    with pytest.raises(ValueError, match=re.escape("sum to 1.1 > 1")):
        p.replace(mark_probability=[[0.5, 0.6], [0.0, 0.0]])
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        p.replace(mark_probability=[0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="mark_multiplier"):
        p.replace(mark_multiplier=[[1.0]])


def test_params_mean_intensity_for_a_varying_baseline_uses_its_average():
    b = PiecewiseConstantBaseline([0.0, 50.0, 100.0], [0.2, 1.0])
    p = HawkesParams(baseline=b, adjacency=0.5, kernel=1.0)
    assert p.mean_intensity(0.0, 100.0).tolist() == pytest.approx([1.2])
    with pytest.raises(ValueError, match="needs start and end"):
        p.mean_intensity()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"adjacency": [[0.1, 0.2]]}, "square"),
        ({"adjacency": [[0.1, -0.2], [0.0, 0.1]]}, r"adjacency\[0, 1\]"),
        ({"baseline": [0.1, 0.2, 0.3]}, "3 dimensions but adjacency is 2 x 2"),
        ({"kernel": [1.0, 2.0, 3.0]}, "parameters for 3 dimensions"),
        ({"mark_multiplier": -1.0}, "mark_multiplier"),
        ({"mark_probability": 1.5}, "mark_probability"),
        ({"dim_names": ["a"]}, "2 unique labels"),
    ],
)
def test_params_errors(kwargs, message):
    args = {"baseline": [0.1, 0.2], "adjacency": np.eye(2) * 0.3, "kernel": 1.0}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        HawkesParams(**args)


def test_mean_intensity_refuses_an_explosive_process():
    p = HawkesParams(baseline=0.1, adjacency=1.2, kernel=1.0)
    assert not p.is_stationary
    with pytest.raises(ValueError, match="not stationary"):
        p.mean_intensity()


def test_relations_between_directed_dyads():
    dyads = ["jnim|is_sahel", "is_sahel|jnim", "jnim|fama", ("fama", "mnla"), "x|y"]
    rel = dyad_relations(dyads)
    expected = np.array(
        [
            [1, 2, 3, 0, 0],
            [2, 1, 3, 0, 0],
            [3, 3, 1, 3, 0],
            [0, 0, 3, 1, 0],
            [0, 0, 0, 0, 1],
        ]
    )
    np.testing.assert_array_equal(rel, expected)
    adj = relational_adjacency(dyads, inertia=0.4, retaliation=0.2, spillover=0.05)
    np.testing.assert_allclose(adj, np.array([0.0, 0.4, 0.2, 0.05])[expected])


def test_relations_between_undirected_dyads():
    rel = dyad_relations(["a|b", "c|a", "c|d"], directed=False)
    np.testing.assert_array_equal(rel, [[1, 3, 0], [3, 1, 3], [0, 3, 1]])
    with pytest.raises(ValueError, match="unique"):
        dyad_relations(["a|b", "b|a"], directed=False)
    with pytest.raises(ValueError, match="no retaliation"):
        relational_adjacency(["a|b"], retaliation=0.1, directed=False)
    with pytest.raises(ValueError, match="with itself"):
        dyad_relations(["a|a"])
    with pytest.raises(ValueError, match=re.escape("'i|j' or a pair")):
        dyad_relations(["abc"])


@pytest.mark.parametrize(
    "module",
    [
        "sahelmodel.event_times",
        "sahelmodel.hawkes.baseline",
        "sahelmodel.hawkes.kernels",
        "sahelmodel.hawkes.params",
        "sahelmodel.hawkes.simulate",
    ],
)
def test_docstring_examples_run(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
