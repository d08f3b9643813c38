import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sahelmodel.dyadic._latent_pairs import (
    bvn_upper,
    draw_pairs,
    pair_loglik,
    pair_loglik_ratio,
)
from sahelmodel.dyadic.latent import LatentFactorModel
from sahelmodel.dyadic.latent_simulate import simulate_latent_network


def _scipy_upper(h, k, r):
    return stats.multivariate_normal(cov=[[1, r], [r, 1]]).cdf([-h, -k])


@settings(max_examples=60, deadline=None)
@given(h=st.floats(-4, 4), k=st.floats(-4, 4),
       r=st.floats(-0.999, 0.999).filter(lambda v: abs(v) > 1e-6))
def test_bvn_upper_matches_scipy(h, k, r):
    got = bvn_upper(np.array([h]), np.array([k]), r)[0]
    assert got == pytest.approx(_scipy_upper(h, k, r), abs=1e-7)


def test_bvn_upper_edge_cases():
    inf = np.inf
    got = bvn_upper(np.array([-inf, 0.3, inf, 0.2]), np.array([0.5, -inf, 0.0, 0.4]), 0.5)
    np.testing.assert_allclose(got, [stats.norm.sf(0.5), stats.norm.sf(0.3), 0.0,
                                     _scipy_upper(0.2, 0.4, 0.5)], atol=1e-12)


def _grid(rng, n=6, n_t=2, missing=0.2):
    mu = rng.normal(scale=1.2, size=(n_t, n, n))
    y = (rng.random((n_t, n, n)) < 0.4).astype(float)
    y[rng.random((n_t, n, n)) < missing] = np.nan
    return y, mu


def test_collapsed_likelihood_and_its_ratio():
    rng = np.random.default_rng(0)
    y, mu = _grid(rng)
    # reference: product over pairs of the orthant probability, from scipy
    ref = 0.0
    for t in range(y.shape[0]):
        for i in range(y.shape[1]):
            for j in range(i + 1, y.shape[1]):
                y1, y2 = y[t, i, j], y[t, j, i]
                if np.isnan(y1) or np.isnan(y2):
                    continue
                s1, s2 = 2 * y1 - 1, 2 * y2 - 1
                ref += np.log(_scipy_upper(-s1 * mu[t, i, j], -s2 * mu[t, j, i], s1 * s2 * 0.4))
    assert pair_loglik(y, mu, 0.4) == pytest.approx(ref, abs=1e-8)
    for prop in (0.35, 0.41, 0.49):
        assert pair_loglik_ratio(y, mu, 0.4, prop) == pytest.approx(
            pair_loglik(y, mu, prop) - pair_loglik(y, mu, 0.4), abs=1e-7)


@numba.njit(cache=True)
def _seed_numba(seed):
    np.random.seed(seed)  # noqa: NPY002  (numba's own generator, used by draw_pairs)


def test_pair_draws_follow_the_truncated_bivariate_normal():
    # one pair per configuration, repeated over many "periods"; compare with naive rejection
    rng = np.random.default_rng(1)
    _seed_numba(2)  # numba's generator is seeded from the OS otherwise
    rho, n_t = 0.6, 20000
    configs = [(1.0, 1.0, -1.5, -1.0), (1.0, 0.0, -0.5, 1.0), (0.0, 0.0, 0.3, -0.2),
               (np.nan, 1.0, -0.5, -1.0), (np.nan, np.nan, 0.2, 0.1)]
    for y1, y2, m1, m2 in configs:
        y = np.full((n_t, 2, 2), np.nan)
        y[:, 0, 1], y[:, 1, 0] = y1, y2
        mu = np.zeros((n_t, 2, 2))
        mu[:, 0, 1], mu[:, 1, 0] = m1, m2
        z = np.zeros_like(mu)
        prob = np.zeros_like(mu)
        draw_pairs(y, mu, z, rho, prob)
        e = rng.multivariate_normal([m1, m2], [[1, rho], [rho, 1]], size=400000)
        keep = np.ones(len(e), dtype=bool)
        for col, obs in ((0, y1), (1, y2)):
            if not np.isnan(obs):
                keep &= (e[:, col] > 0) == (obs == 1)
        ref = e[keep]
        got = np.column_stack([z[:, 0, 1], z[:, 1, 0]])
        se = ref.std(axis=0) / np.sqrt(n_t)
        assert (np.abs(got.mean(axis=0) - ref.mean(axis=0)) < 4.5 * se).all(), (y1, y2)
        assert np.allclose(got.std(axis=0), ref.std(axis=0), rtol=0.04), (y1, y2)
        if np.isnan(y1):  # Rao-Blackwellised P(y1 = 1 | y2)
            assert prob[0, 0, 1] == pytest.approx((ref[:, 0] > 0).mean(), abs=0.01)


def test_held_out_cell_uses_the_observed_reverse_cell():
    frame, _ = simulate_latent_network(n_actors=15, n_periods=6, rank=0, rho=0.85, rng=4)
    rng = np.random.default_rng(0)
    # hide one direction of 15% of the pairs; the reverse direction stays observed
    lo = frame.sender < frame.receiver
    hide = lo & (rng.random(len(frame)) < 0.15)
    train = frame.assign(y=np.where(hide, np.nan, frame.y))
    res = LatentFactorModel(outcome="y", covariates=["x_dyad"], rank=0, n_chains=2,
                            n_burn=150, n_draws=200, rng=1).fit(train)
    held = frame[hide]
    p_rho = res.predict_proba(held)
    p_marg = res.predict_proba(held.drop(columns="period"))  # no period: marginal formula
    rev = frame.set_index(["period", "sender", "receiver"]).y
    y_rev = rev.loc[list(zip(held.period, held.receiver, held.sender, strict=True))].to_numpy()
    # with rho = 0.85 the reverse outcome moves the probability in its direction
    assert (p_rho - p_marg)[y_rev == 1].mean() > 0.05
    assert (p_rho - p_marg)[y_rev == 0].mean() < -0.02

    def log_score(p):
        return np.mean(np.log(np.where(held.y == 1, p, 1 - p)))

    assert log_score(p_rho) > log_score(p_marg)


def test_poisson_log_normal_counts_are_recovered():
    frame, truth = simulate_latent_network(n_actors=20, n_periods=6, rank=1, rho=0.5,
                                           family="poisson", var_error=0.5,
                                           beta=(-0.5, 0.5, 0.3), rng=11)
    res = LatentFactorModel(outcome="y", covariates=["x_dyad", "x_sender"], rank=1,
                            family="poisson", n_chains=2, n_burn=200, n_draws=300,
                            rng=3).fit(frame)
    names = ["intercept", "x_dyad", "x_sender", "rho", "var_error"]
    true = np.r_[truth["beta"], truth["rho"], 0.5]
    z = (res.params[names] - true) / res.std_errors[names]
    assert (z.abs() < 4).all(), z
    # predictions: P(y >= 1) and mean counts of a held-in cell set track the data
    p = res.predict_proba(frame.drop(columns="period"))
    mu = res.predict_mean(frame.drop(columns="period"))
    assert ((p > 0) & (p < 1)).all() and (mu > 0).all()
    assert abs(mu.mean() - frame.y.mean()) < 0.15 * frame.y.mean()
    assert stats.spearmanr(mu, frame.y).statistic > 0.4
    with pytest.raises(ValueError, match="count"):
        LatentFactorModel(outcome="y", family="poisson").fit(frame.assign(y=frame.y + 0.5))
