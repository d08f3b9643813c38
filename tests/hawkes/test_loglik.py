"""Vectorised Hawkes likelihood and gradient against the O(N^2) reference and finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelmodel.hawkes._loglik import (
    HawkesArrays,
    HawkesParams,
    decayed_sums,
    excl_sums,
    loglik_and_grad,
)
from sahelmodel.hawkes._reference import loglik_reference, python_recursion
from sahelmodel.hawkes.discrete import daily_counts, daily_loglik_and_grad

BACKENDS = ["numpy", "numba"]


def _flat(g: HawkesParams) -> np.ndarray:
    return np.concatenate([g.mu.ravel(), g.alpha.ravel(), g.beta.ravel(), g.kappa.ravel()])


def _unflat(x: np.ndarray, like: HawkesParams) -> HawkesParams:
    out, i = [], 0
    for a in (like.mu, like.alpha, like.beta, like.kappa):
        out.append(x[i:i + a.size].reshape(a.shape))
        i += a.size
    return HawkesParams(*out)


@st.composite
def problems(draw):
    d = draw(st.integers(1, 3))
    c = draw(st.integers(0, 2))
    p = draw(st.integers(1, 3))
    n = draw(st.integers(0, 60))
    end = 20.0
    grid = draw(st.sampled_from([0.0, 0.5, 1.0]))  # 0: continuous; else rounded -> ties
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, end, n))
    if grid:
        t = np.minimum(np.round(t / grid) * grid, end)
        t = np.sort(t)
    dims = rng.integers(0, max(1, d - 1) if draw(st.booleans()) else d, n)  # maybe empty dims
    cats = rng.integers(0, c + 1, n)
    edges = np.concatenate([[0.0], np.sort(rng.uniform(1.0, end - 1.0, p - 1)), [end]])
    data = HawkesArrays(t, dims.astype(np.int64), cats.astype(np.int64), 0.0, end, d, c, edges)
    decay = draw(st.sampled_from(["shared", "target", "pair"]))
    beta = {"shared": np.full((d, d), rng.uniform(0.2, 3.0)),
            "target": np.repeat(rng.uniform(0.2, 3.0, d)[:, None], d, axis=1),
            "pair": rng.uniform(0.2, 3.0, (d, d))}[decay]
    par = HawkesParams(rng.uniform(0.05, 1.0, (d, p)), rng.uniform(0.0, 0.6, (d, d)), beta,
                       rng.uniform(0.3, 3.0, c))
    return data, par


@pytest.mark.properties
@settings(max_examples=60)
@given(problems())
def test_vectorised_matches_reference(problem):
    data, par = problem
    ll, g, _ = loglik_and_grad(data, par)
    ll_ref, g_ref = loglik_reference(data, par)
    assert ll == pytest.approx(ll_ref, rel=1e-11, abs=1e-10)
    np.testing.assert_allclose(_flat(g), _flat(g_ref), rtol=1e-9, atol=1e-9)


def _central_gradient(fun, x):
    """Central finite differences of a scalar function, step 1e-6 * max(1, |x_k|)."""
    fd = np.empty_like(x)
    for k in range(x.size):
        h = 1e-6 * max(1.0, abs(x[k]))
        up, dn = x.copy(), x.copy()
        up[k] += h
        dn[k] -= h
        fd[k] = (fun(up) - fun(dn)) / (2 * h)
    return fd


@pytest.mark.properties
@settings(max_examples=40)
@given(problems())
def test_gradient_matches_finite_differences(problem):
    data, par = problem
    _, g, _ = loglik_and_grad(data, par)
    fd = _central_gradient(
        lambda x: loglik_and_grad(data, _unflat(x, par), want_grad=False)[0], _flat(par))
    np.testing.assert_allclose(_flat(g), fd, rtol=1e-5, atol=1e-5)


@pytest.mark.properties
@settings(max_examples=40)
@given(problems())
def test_numba_backend_matches_numpy(problem):
    data, par = problem
    a0, a1 = decayed_sums(data, par.beta)
    b0, b1 = decayed_sums(data, par.beta, backend="numba")
    np.testing.assert_allclose(a0, b0, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(a1, b1, rtol=1e-12, atol=1e-13)


@pytest.mark.properties
@settings(max_examples=30)
@given(problems())
def test_daily_gradient_matches_finite_differences(problem):
    data, par = problem
    n_days = 20
    day = np.minimum(np.floor(data.times).astype(np.int64), n_days - 1)
    counts = daily_counts(day, data.dims, data.cats, n_days, data.n_dims, data.n_cats,
                          data.edges)
    ll, g, _ = daily_loglik_and_grad(counts, par)
    assert np.isfinite(ll)
    fd = _central_gradient(
        lambda x: daily_loglik_and_grad(counts, _unflat(x, par), want_grad=False)[0], _flat(par))
    np.testing.assert_allclose(_flat(g), fd, rtol=1e-5, atol=1e-5)


@pytest.mark.properties
@settings(max_examples=40)
@given(problems())
def test_daily_fused_pass_matches_the_numpy_daily_likelihood(problem):
    # the one-pass compiled daily likelihood (shared decay) against its numpy twin
    data, par = problem
    par = HawkesParams(par.mu, par.alpha, np.full_like(par.beta, par.beta.flat[0]), par.kappa)
    n_days = 20
    day = np.minimum(np.floor(data.times).astype(np.int64), n_days - 1)
    counts = daily_counts(day, data.dims, data.cats, n_days, data.n_dims, data.n_cats,
                          data.edges)
    ll, g, lam = daily_loglik_and_grad(counts, par, backend="numpy")
    ll2, g2, lam2 = daily_loglik_and_grad(counts, par, backend="numba")
    assert ll2 == pytest.approx(ll, rel=1e-12, abs=1e-11)
    np.testing.assert_allclose(lam2, lam, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(_flat(g2), _flat(g), rtol=1e-10, atol=1e-11)
    bad = HawkesParams(-par.mu, par.alpha, par.beta, par.kappa)
    assert daily_loglik_and_grad(counts, bad, backend="numba")[:2] == (-np.inf, None)
    # a decay past where e^beta overflows: the kernel is all at lag 1 day, still finite
    huge = HawkesParams(par.mu, par.alpha, np.full_like(par.beta, 1e5), par.kappa)
    _, g3, lam3 = daily_loglik_and_grad(counts, huge, backend="numba")
    yw = counts.yc @ np.concatenate([[1.0], par.kappa])
    lag1 = np.vstack([np.zeros((1, yw.shape[1])), yw[:-1]])
    np.testing.assert_allclose(lam3, par.mu[:, counts.piece].T + lag1 @ par.alpha.T,
                               rtol=1e-12)
    assert np.all(np.isfinite(_flat(g3)))


def test_daily_model_matches_direct_sum():
    # one dimension, three days with counts 2, 0, 1: intensity by the definition
    mu, alpha, beta = 0.3, 0.4, 0.7
    counts = daily_counts(np.array([0, 0, 2]), np.zeros(3, np.int64), np.zeros(3, np.int64),
                          3, 1, 0, np.array([0.0, 3.0]))
    par = HawkesParams(np.array([[mu]]), np.array([[alpha]]), np.array([[beta]]), np.zeros(0))
    phi = lambda lag: np.exp(-beta * (lag - 1)) - np.exp(-beta * lag)  # noqa: E731
    expected = [mu, mu + alpha * 2 * phi(1), mu + alpha * 2 * phi(2)]
    for backend in ("numpy", "numba"):
        _, _, lam = daily_loglik_and_grad(counts, par, backend=backend)
        np.testing.assert_allclose(lam[:, 0], expected, rtol=1e-13)


def test_daily_day_recursion_matches_the_blocked_numpy_sums():
    from sahelmodel.hawkes._numba import daily_excl_sums

    w = np.random.default_rng(3).poisson(0.3, size=(700, 4)).astype(float)
    for beta in (1e-4, 0.05, 2.0):
        a = excl_sums(np.arange(700.0), w, beta)
        b = daily_excl_sums(w, beta)
        np.testing.assert_allclose(b[0], a[0], rtol=1e-11, atol=1e-12)
        np.testing.assert_allclose(b[1], a[1], rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_long_series_matches_python_recursion(backend):
    # > BLOCK**2 events: exercises two levels of block carries; no ties, long window
    rng = np.random.default_rng(5)
    n, d = 5000, 3
    t = np.sort(rng.uniform(0, 20000, n))
    dims = rng.integers(0, d, n)
    mu = rng.uniform(0.05, 0.2, d)
    alpha = rng.uniform(0.0, 0.3, (d, d))
    data = HawkesArrays(t, dims, np.zeros(n, np.int64), 0.0, 20000.0, d, 0,
                        np.array([0.0, 20000.0]))
    par = HawkesParams(mu[:, None], alpha, np.full((d, d), 0.8), np.zeros(0))
    ll, g, _ = loglik_and_grad(data, par, backend=backend)
    ll_py, (gmu, ga, gb) = python_recursion(t.tolist(), dims.tolist(), 20000.0, mu.tolist(),
                                            alpha.tolist(), 0.8)
    assert ll == pytest.approx(ll_py, rel=1e-12)
    np.testing.assert_allclose(g.alpha, ga, rtol=1e-10)
    np.testing.assert_allclose(g.mu[:, 0], gmu, rtol=1e-10)
    assert g.beta.sum() == pytest.approx(gb, rel=1e-10)


def test_excl_sums_precision_far_from_origin():
    # times near 1e6 days with small gaps: differences are taken before scaling by the decay
    t = 1e6 + np.array([0.0, 1e-3, 2e-3, 0.5, 3.0])
    s0, s1 = excl_sums(t, np.ones((5, 1)), 2.0)
    lags = t[:, None] - t[None, :]
    mask = lags > 0
    e = np.where(mask, np.exp(-2.0 * np.where(mask, lags, 0)), 0)
    np.testing.assert_allclose(s0[:, 0], e.sum(axis=1), rtol=1e-14)
    np.testing.assert_allclose(s1[:, 0], (e * np.where(mask, lags, 0)).sum(axis=1), rtol=1e-12)


def test_ties_do_not_excite_each_other():
    t = np.array([1.0, 1.0, 1.0, 2.0])
    s0, _ = excl_sums(t, np.ones((4, 1)), 1.0)
    np.testing.assert_allclose(s0[:, 0], [0, 0, 0, 3 * np.exp(-1.0)])


def test_single_event_and_empty():
    data = HawkesArrays(np.array([3.0]), np.array([0]), np.array([0]), 0.0, 10.0, 2, 0,
                        np.array([0.0, 10.0]))
    par = HawkesParams(np.array([[0.2], [0.1]]), np.full((2, 2), 0.3), np.full((2, 2), 0.5),
                       np.zeros(0))
    ll, _g, _lam = loglik_and_grad(data, par)
    expected = np.log(0.2) - 0.3 * 10 - 2 * 0.3 * (1 - np.exp(-0.5 * 7))
    assert ll == pytest.approx(expected, rel=1e-14)
    empty = HawkesArrays(np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64), 0.0, 10.0,
                         2, 0, np.array([0.0, 10.0]))
    ll0, g0, _ = loglik_and_grad(empty, par)
    assert ll0 == pytest.approx(-3.0)
    np.testing.assert_allclose(g0.mu[:, 0], [-10.0, -10.0])


def test_nonpositive_intensity_is_reported_as_minus_inf():
    data = HawkesArrays(np.array([1.0]), np.array([0]), np.array([0]), 0.0, 2.0, 1, 0,
                        np.array([0.0, 2.0]))
    par = HawkesParams(np.zeros((1, 1)), np.full((1, 1), 0.3), np.ones((1, 1)), np.zeros(0))
    ll, g, _ = loglik_and_grad(data, par)
    assert ll == -np.inf and g is None


@pytest.mark.properties
@settings(max_examples=40)
@given(problems())
def test_numba_fused_likelihood_matches_numpy(problem):
    data, par = problem
    ll, g, _ = loglik_and_grad(data, par)
    ll_nb, g_nb, _ = loglik_and_grad(data, par, backend="numba")
    assert ll_nb == pytest.approx(ll, rel=1e-12, abs=1e-11)
    np.testing.assert_allclose(_flat(g_nb), _flat(g), rtol=1e-10, atol=1e-10)


@pytest.mark.properties
@settings(max_examples=30)
@given(problems(), st.integers(0, 2**32 - 1))
def test_sum_of_exponentials_core(problem, seed):
    import math

    from sahelmodel.hawkes._sumexp import sumexp_loglik_and_grad

    data, par = problem
    rng = np.random.default_rng(seed)
    betas = np.sort(rng.uniform(0.1, 3.0, 2))
    w = rng.dirichlet([1.0, 1.0])
    par = HawkesParams(par.mu, par.alpha, par.beta, par.kappa, mix=(betas, w))
    _, g, lam = sumexp_loglik_and_grad(data, par)
    # direct double sum
    t, dims, cats = data.times, data.dims, data.cats
    wk = np.concatenate([[1.0], par.kappa])
    ref = []
    for i in range(t.size):
        v = par.mu[dims[i], data.piece[i]]
        for j in range(t.size):
            if t[j] < t[i]:
                v += par.alpha[dims[i], dims[j]] * wk[cats[j]] * sum(
                    wm * bm * math.exp(-bm * (t[i] - t[j]))
                    for bm, wm in zip(betas, w, strict=True))
        ref.append(v)
    np.testing.assert_allclose(lam, ref, rtol=1e-12)
    # finite differences of every parameter, including decays and weights

    def f(x):
        sizes = [par.mu.size, par.alpha.size, par.kappa.size, 2, 2]
        parts = np.split(x, np.cumsum(sizes)[:-1])
        p = HawkesParams(parts[0].reshape(par.mu.shape), parts[1].reshape(par.alpha.shape),
                         par.beta, parts[2], mix=(parts[3], parts[4]))
        return sumexp_loglik_and_grad(data, p, want_grad=False)[0]

    x = np.concatenate([par.mu.ravel(), par.alpha.ravel(), par.kappa, betas, w])
    ga = np.concatenate([g.mu.ravel(), g.alpha.ravel(), g.kappa, g.mix[0], g.mix[1]])
    fd = np.array([(f(x + h) - f(x - h)) / 2e-6 for h in np.eye(x.size) * 1e-6])
    np.testing.assert_allclose(ga, fd, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kw", [{}, {"baseline": "piecewise", "knots": 3},
                                {"parametrisation": "relational"}])
def test_analytic_hessian_matches_differences_of_the_numpy_gradient(kw):
    from sahelmodel import EventTimes, Hawkes, simulate_hawkes

    et = simulate_hawkes([0.3, 0.2], [[0.3, 0.1], [0.2, 0.2]], 1.0, 300.0, rng=11)
    rng = np.random.default_rng(1)
    marks = (rng.uniform(size=et.n_events) < 0.2) * rng.integers(1, 3, et.n_events)
    et = EventTimes(et.times, dims=et.dims, marks=marks, end=et.end, dim_names=["a|b", "b|a"])
    model = Hawkes(**kw)
    data, layout = model._arrays(et)
    exact = model._objective(data, layout).hessian
    ref = model.replace(backend="numpy")._objective(data, layout)
    theta = model._start(data, layout) + rng.normal(0.0, 0.2, layout.size)
    fd = np.empty((layout.size, layout.size))
    for k in range(layout.size):  # central differences of the reference twin's gradient
        step = np.zeros(layout.size)
        step[k] = 1e-5
        fd[:, k] = (ref(theta + step)[1] - ref(theta - step)[1]) / 2e-5
    np.testing.assert_allclose(exact(theta), fd, rtol=1e-6, atol=1e-6 * np.abs(fd).max())


@pytest.mark.properties
@settings(max_examples=40)
@given(problems())
def test_cached_fixed_decay_likelihood_matches_the_full_one(problem):
    # the per-decay cache (sums built once) against the full likelihood, unmarked events
    from sahelmodel.hawkes._fixed_decay import FixedDecayLoglik

    data, par = problem
    data = HawkesArrays(data.times, data.dims, np.zeros_like(data.cats), data.start, data.end,
                        data.n_dims, 0, data.edges)
    beta = float(par.beta.flat[0])
    par = HawkesParams(par.mu, par.alpha, np.full_like(par.beta, beta), np.zeros(0))
    ll, g, _ = loglik_and_grad(data, par)
    lik = FixedDecayLoglik(data, beta)
    ll2, gmu, galpha = lik(par.mu, par.alpha)
    assert ll2 == pytest.approx(ll, rel=1e-11, abs=1e-10)
    np.testing.assert_allclose(gmu, g.mu, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(galpha, g.alpha, rtol=1e-10, atol=1e-10)
    if data.times.size:  # a baseline of zero before the first event: not positive
        assert lik(np.zeros_like(par.mu), par.alpha)[0] == -np.inf


def test_cached_fixed_decay_likelihood_refuses_marks_and_bad_decays():
    from sahelmodel.hawkes._fixed_decay import FixedDecayLoglik

    t = np.array([1.0, 2.0])
    marked = HawkesArrays(t, np.zeros(2, np.int64), np.array([0, 1]), 0.0, 3.0, 1, 1,
                          np.array([0.0, 3.0]))
    with pytest.raises(ValueError, match="unmarked"):
        FixedDecayLoglik(marked, 1.0)
    plain = HawkesArrays(t, np.zeros(2, np.int64), np.zeros(2, np.int64), 0.0, 3.0, 1, 0,
                         np.array([0.0, 3.0]))
    with pytest.raises(ValueError, match="positive finite"):
        FixedDecayLoglik(plain, 0.0)
