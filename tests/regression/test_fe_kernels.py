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
@given(seed=st.integers(0, 10_000), n=st.integers(1, 200), step=st.sampled_from([1.0, 0.5]),
       weighted=st.booleans(), offset=st.booleans())
def test_poisson_passes_match_numpy(seed, n, step, weighted, offset):
    rng = np.random.default_rng(seed)
    y = rng.poisson(2.0, n).astype(float)
    eta, eta_new, off = rng.normal(size=(3, n))
    pw = rng.uniform(0.5, 2.0, n)
    if not weighted:  # an empty array stands for unit weights, without a row of ones
        pw, pw_k = np.ones(n), np.empty(0)
    else:
        pw_k = pw
    if not offset:
        off, off_k = np.zeros(n), np.empty(0)
    else:
        off_k = off
    lyf = special.gammaln(y + 1)
    assert kern.sum_log_factorial(y, pw_k) == pytest.approx(float(pw @ lyf), rel=1e-12)
    ll, dmax = kern.poisson_loglik_step(eta, eta_new, step, y, pw_k, float(pw @ lyf))
    e_ref = eta + step * (eta_new - eta)
    m_ref = np.exp(e_ref)
    ll_ref = float(np.dot(pw, special.xlogy(y, m_ref) - m_ref - lyf))
    assert ll == pytest.approx(ll_ref, rel=1e-12, abs=1e-12)
    assert dmax == pytest.approx(np.abs(e_ref - eta).max(), rel=1e-15)
    moved = kern.take_step(eta.copy(), eta_new, step)
    np.testing.assert_array_equal(moved, e_ref)
    mu = np.exp(eta)
    disp = float(rng.choice([0.0, 0.7]))  # Poisson, NB2
    cols = np.zeros((n, 3))
    w = kern.count_working(y, eta, off_k, pw_k, disp, cols, np.empty(n))
    np.testing.assert_allclose(w, pw * mu / (1 + disp * mu), rtol=1e-14)
    np.testing.assert_allclose(cols[:, 0], eta - off + (y - mu) / mu, rtol=1e-12, atol=1e-12)
    mu_out, score, w_out, cols2 = np.empty(n), np.empty(n), np.empty(n), np.zeros((n, 3))
    kern.count_final(y, eta, off_k, pw_k, disp, cols2, mu_out, score, w_out)
    np.testing.assert_allclose(mu_out, mu, rtol=1e-15)
    np.testing.assert_allclose(kern.exp_into(eta, np.empty(n)), mu, rtol=1e-15)
    np.testing.assert_allclose(score, pw * (y - mu) / (1 + disp * mu), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(w_out, w, rtol=1e-15)
    np.testing.assert_array_equal(cols2[:, 0], cols[:, 0])
    theta = 1.3
    nb_ll, nb_d = kern.nb2_loglik_step(eta, eta_new, step, y, pw_k, float(pw @ lyf), theta)
    nb_ref = float(np.dot(pw, theta * (np.log(theta) - np.log(theta + m_ref))
                          + special.xlogy(y, m_ref) - y * np.log(theta + m_ref) - lyf))
    assert nb_ll == pytest.approx(nb_ref, rel=1e-12, abs=1e-10) and nb_d == dmax
    exc, msq = kern.nb2_excess(y, mu, pw_k)
    assert exc == pytest.approx(float(pw @ ((y - mu) ** 2 - y)), rel=1e-12, abs=1e-10)
    assert msq == pytest.approx(float(pw @ (mu * mu)), rel=1e-12)
    tilde = rng.normal(size=(n, 3))
    beta = rng.normal(size=2)
    np.testing.assert_allclose(kern.linear_predictor(off_k, cols, tilde, beta, np.empty(n)),
                               off + cols[:, 0] - (tilde[:, 0] - tilde[:, 1:] @ beta),
                               rtol=1e-12, atol=1e-12)
    cols[:, 1:] = rng.normal(size=(n, 2))
    np.testing.assert_allclose(kern.fixed_part(eta, off_k, cols, beta, np.empty(n)),
                               eta - off - cols[:, 1:] @ beta, rtol=1e-12, atol=1e-12)


@pytest.mark.properties
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 200), g1=st.integers(1, 30),
       g2=st.integers(1, 30))
def test_bipartite_components_match_scipy(seed, n, g1, g2):
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(seed)
    a = rng.integers(0, g1, n).astype(np.int8 if g1 < 100 else np.int32)
    b = rng.integers(0, g2, n).astype(np.int16)
    adj = sp.csr_matrix((np.ones(n), (a.astype(np.int64), b.astype(np.int64) + g1)),
                        shape=(g1 + g2, g1 + g2))
    assert kern.bipartite_components(a, b, g1, g2) == connected_components(adj, directed=False)[0]


def test_factor_codes_use_the_smallest_integer_type():
    from sahelmodel.regression._demean import code_dtype

    fe = FixedEffects.from_codes([np.arange(300) % 100, np.arange(300), np.zeros(300, int)])
    assert [c.dtype for c in fe.codes] == [np.int8, np.int16, np.int8]
    assert fe.sizes == (100, 300, 1)
    assert code_dtype(128) == np.int8 and code_dtype(129) == np.int16
    assert code_dtype(2**31) == np.int32 and code_dtype(2**31 + 1) == np.int64
    # products of codes (pair keys) do not overflow the small types
    fe2 = FixedEffects.from_codes([np.arange(40_000) % 200, np.arange(40_000) // 200])
    assert fe2.rank() == 200 + 200 - 1


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
    assert terms.loglik(mu, 1 / theta, float(pw @ lyf)) == pytest.approx(ll_ref, rel=1e-11,
                                                                         abs=1e-8)
    # an empty weight array stands for unit weights
    unit = _NB2Terms(y, np.empty(0))
    g1, h1 = unit.score_and_slope(theta, mu)
    g1_ref, h1_ref = _nb2_theta_score_and_slope(theta, y, mu, np.ones(n))
    assert g1 == pytest.approx(g1_ref, abs=1e-9 * n * (1 + 1 / theta))
    assert h1 == pytest.approx(h1_ref, rel=1e-7, abs=1e-9 * n * (1 + 1 / theta) / theta)
    assert unit.loglik(mu, 1 / theta, float(lyf.sum())) == pytest.approx(
        float(loglik_obs(y, mu, "nb2", 1 / theta, lyf).sum()), rel=1e-11, abs=1e-8)
