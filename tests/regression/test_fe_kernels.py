"""The compiled passes of the fixed-effect solvers against their numpy twins."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from sahelmodel.regression import _fe_kernels as kern
from sahelmodel.regression._demean import FixedEffects, demean, demean_reference


def _problem(seed: int, n: int, sizes: tuple[int, ...], k: int):
    rng = np.random.default_rng(seed)
    fe = FixedEffects.from_codes([rng.integers(0, g, n) for g in sizes])
    x = rng.normal(size=(n, k)) * rng.uniform(0.1, 10, k)
    w = np.exp(rng.normal(size=n))
    coef = rng.normal(size=(sum(fe.sizes), k))
    return fe, x, w, coef


@pytest.mark.properties
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 200),
       sizes=st.lists(st.integers(1, 15), min_size=1, max_size=3), k=st.integers(1, 4))
def test_passes_match_numpy(seed, n, sizes, k):
    fe, x, w, coef = _problem(seed, n, tuple(sizes), k)
    d = fe.indicator().toarray()
    np.testing.assert_array_equal(fe.stacked, np.column_stack(
        [c + o for c, o in zip(fe.codes, np.cumsum((0, *fe.sizes[:-1])), strict=True)]))
    b, diag = kern.weighted_sums(fe.stacked, w, x, d.shape[1])
    np.testing.assert_allclose(b, d.T @ (w[:, None] * x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(diag, d.T @ w, rtol=1e-12)
    a = d.T @ (w[:, None] * d)
    np.testing.assert_allclose(kern.normal_product(fe.stacked, w, coef), a @ coef,
                               rtol=1e-12, atol=1e-12)
    b2, r, diag2 = kern.residual_sums(fe.stacked, w, x, coef)
    np.testing.assert_allclose(b2, b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r, b - a @ coef, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(diag2, diag, rtol=1e-12)
    np.testing.assert_allclose(kern.subtract_effects(fe.stacked, x, coef), x - d @ coef,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(kern.weighted_gram(x, w), x.T @ (w[:, None] * x),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.properties
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 200), step=st.sampled_from([1.0, 0.5]))
def test_poisson_passes_match_numpy(seed, n, step):
    rng = np.random.default_rng(seed)
    y = rng.poisson(2.0, n).astype(float)
    eta, eta_new, off = rng.normal(size=(3, n))
    pw = rng.uniform(0.5, 2.0, n)
    lyf = special.gammaln(y + 1)
    e_out, m_out = np.empty(n), np.empty(n)
    ll, dmax = kern.poisson_step(eta, eta_new, step, y, pw, float(pw @ lyf), e_out, m_out)
    e_ref = eta + step * (eta_new - eta)
    m_ref = np.exp(e_ref)
    np.testing.assert_allclose(e_out, e_ref, rtol=1e-15)
    np.testing.assert_allclose(m_out, m_ref, rtol=1e-15)
    ll_ref = float(np.dot(pw, special.xlogy(y, m_ref) - m_ref - lyf))
    assert ll == pytest.approx(ll_ref, rel=1e-12, abs=1e-12)
    assert dmax == pytest.approx(np.abs(e_ref - eta).max(), rel=1e-15)
    mu = np.exp(eta)
    cols = np.zeros((n, 3))
    w = kern.poisson_working(y, eta, mu, off, pw, cols, np.empty(n))
    np.testing.assert_allclose(w, pw * mu, rtol=1e-15)
    np.testing.assert_allclose(cols[:, 0], eta - off + (y - mu) / mu, rtol=1e-12, atol=1e-12)
    tilde = rng.normal(size=(n, 3))
    beta = rng.normal(size=2)
    np.testing.assert_allclose(kern.linear_predictor(off, cols, tilde, beta, np.empty(n)),
                               off + cols[:, 0] - (tilde[:, 0] - tilde[:, 1:] @ beta),
                               rtol=1e-12, atol=1e-12)


def test_warm_started_projection_matches_reference():
    fe, x, w, coef = _problem(3, 400, (30, 12, 5), 3)
    cold, a, _, ok = demean(x, fe, w, method="cg")
    assert ok
    warm, _, _, ok2 = demean(x, fe, w, start=a + 0.01 * coef, method="cg")
    ref = demean_reference(x, fe, w)
    assert ok2
    np.testing.assert_allclose(cold, ref, atol=1e-9)
    np.testing.assert_allclose(warm, ref, atol=1e-9)


@pytest.mark.properties
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 300),
       theta=st.floats(0.05, 1e4), integer=st.booleans())
def test_nb2_grouped_terms_match_per_row_formulas(seed, n, theta, integer):
    from sahelmodel.regression._irls import (
        _nb2_theta_score,
        _nb2_theta_score_and_slope,
        _NB2Terms,
        loglik_obs,
    )

    rng = np.random.default_rng(seed)
    mu = np.exp(rng.normal(0.0, 1.0, n))
    y = rng.negative_binomial(2.0, 2.0 / (2.0 + mu)).astype(float)
    if not integer:
        y = y + rng.uniform(0, 1, n) * (y > 0)
    pw = rng.uniform(0.5, 2.0, n)
    lyf = special.gammaln(y + 1)
    terms = _NB2Terms(y, pw)
    g_ref, h_ref = _nb2_theta_score_and_slope(theta, y, mu, pw)
    g, h = terms.score_and_slope(theta, mu)
    scale = float(pw.sum()) * (1 + 1 / theta)
    assert g == pytest.approx(_nb2_theta_score(theta, y, mu, pw), abs=1e-9 * scale)
    assert g == pytest.approx(g_ref, abs=1e-9 * scale)
    assert h == pytest.approx(h_ref, rel=1e-7, abs=1e-9 * scale / theta)
    ll_ref = float(np.dot(pw, loglik_obs(y, mu, "nb2", 1 / theta, lyf)))
    assert terms.loglik(mu, 1 / theta, lyf) == pytest.approx(ll_ref, rel=1e-11, abs=1e-8)
