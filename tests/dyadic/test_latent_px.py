"""The marginal-augmentation (PX-DA) scale move of the latent-factor sampler.

Three checks: the exact draw of the scale g matches its density, the marginal quadratic form
equals the dense Gaussian one with (beta, a, b) integrated out, and the sampler with the move
has the same stationary distribution as the plain data-augmentation sampler (posterior means
and SDs from long seeded runs of both, compared within their Monte Carlo errors); the last
check also covers the translation moves of :mod:`sahelmodel.dyadic._latent_shift`.
"""

import numba
import numpy as np
import pytest
from scipy import integrate

from sahelmodel.dyadic._latent_gibbs import _marginal_quad, _scale_draw, design_moments
from sahelmodel.dyadic.latent import LatentFactorModel
from sahelmodel.dyadic.latent_simulate import simulate_latent_network


def _design_rows(x, n):
    """Explicit design vectors d_ij = (x_ij, e_a(i), e_b(j)) of the cells, in (t, i, j) order."""
    n_t, _, _, p = x.shape
    rows = []
    for t in range(n_t):
        for i in range(n):
            for j in range(n):
                if i != j:
                    d = np.zeros(p + 2 * n)
                    d[:p], d[p + i], d[p + n + j] = x[t, i, j], 1.0, 1.0
                    rows.append(d)
    return np.array(rows)


@numba.njit(cache=True)
def _many_scales(m, q, b, size, seed):
    np.random.seed(seed)  # noqa: NPY002  (numba's generator)
    out = np.empty(size)
    for k in range(size):
        out[k] = _scale_draw(m, q, b)
    return out


@pytest.mark.parametrize(("m", "q", "b"), [(3.0, 2.0, 1.5), (40.0, 30.0, 25.0),
                                           (5000.0, 4800.0, 300.0)])
def test_scale_draw_matches_its_density(m, q, b):
    def logf(g):
        return (m - 1.0) * np.log(g) - 0.5 * g * g * q - 0.5 * g * b

    mode = (-0.5 * b + np.sqrt(0.25 * b * b + 4.0 * q * (m - 1.0))) / (2.0 * q)
    lo, hi = max(mode - 12 * mode / np.sqrt(m), 1e-12), mode + 12 * mode / np.sqrt(m) + 5.0

    def dens(g):
        return np.exp(logf(g) - logf(mode))

    mass = integrate.quad(dens, lo, hi, limit=200)[0]
    mean = integrate.quad(lambda g: g * dens(g), lo, hi, limit=200)[0] / mass
    var = integrate.quad(lambda g: (g - mean) ** 2 * dens(g), lo, hi, limit=200)[0] / mass
    draws = _many_scales(m, q, b, 40_000, 7)
    assert abs(draws.mean() - mean) < 4.0 * np.sqrt(var / draws.size)
    assert abs(draws.var() / var - 1.0) < 4.0 * np.sqrt(2.0 / draws.size) * 1.5
    # the whole distribution, not only two moments
    cdf = np.vectorize(lambda g: integrate.quad(dens, lo, min(max(g, lo), hi))[0] / mass)
    grid = np.quantile(draws, [0.05, 0.25, 0.5, 0.75, 0.95])
    np.testing.assert_allclose(cdf(grid), [0.05, 0.25, 0.5, 0.75, 0.95], atol=0.01)


def test_marginal_quadratic_form_integrates_out_beta_and_effects():
    rng = np.random.default_rng(3)
    n, n_t, p, rho = 4, 2, 2, 0.35
    x = rng.normal(size=(n_t, n, n, p))
    z = rng.normal(size=(n_t, n, n))
    uv = rng.normal(size=(n, n))
    a_mat, b_mat = design_moments(x, n)
    s_ab = np.array([[0.7, 0.2], [0.2, 0.5]])
    prior = np.zeros((p + 2 * n, p + 2 * n))
    prior[:p, :p] = np.eye(p) / 4.0
    inv_ab = np.linalg.inv(s_ab)
    for i in range(n):
        prior[np.ix_([p + i, p + n + i], [p + i, p + n + i])] = inv_ab
    prec = (a_mat - rho * b_mat) / (1 - rho**2) + prior
    d = _design_rows(x, n)
    # cells in the order of _design_rows; Omega pairs (i, j, t) with (j, i, t)
    cells = [(t, i, j) for t in range(n_t) for i in range(n) for j in range(n) if i != j]
    index = {c: k for k, c in enumerate(cells)}
    omega = np.eye(len(cells))
    for (t, i, j), k in index.items():
        omega[k, index[(t, j, i)]] = rho
    w = np.array([z[t, i, j] - uv[i, j] for t, i, j in cells])
    lin = d.T @ np.linalg.solve(omega, w)
    marginal = omega + d @ np.linalg.solve(prior, d.T)
    dense = w @ np.linalg.solve(marginal, w)
    assert _marginal_quad(z, uv, rho, prec, lin) == pytest.approx(dense, rel=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize(("move", "faster"), [("px", "x_dyad"), ("shift", "var_sender")])
def test_moves_leave_the_posterior_unchanged(move, faster):
    """Same posterior without and with the PX-DA move, and with the translation moves."""
    frame, _ = simulate_latent_network(n_actors=10, n_periods=5, rank=1, rho=0.5, sd_uv=0.7,
                                       rng=5)
    fits = {}
    for on in (False, True):
        res = LatentFactorModel(outcome="y", covariates=["x_dyad", "x_sender"], rank=1,
                                n_chains=4, n_burn=500, n_draws=8000, rng=11,
                                **{move: on}).fit(frame)
        fits[on] = res.to_frame()
    old, new = fits[False], fits[True]
    for name in old.index:
        mcse = np.sqrt(old.std_error[name] ** 2 / old.ess_bulk[name]
                       + new.std_error[name] ** 2 / new.ess_bulk[name])
        assert abs(old.estimate[name] - new.estimate[name]) < 4.0 * mcse, name
        # SD of an SD estimate from ESS draws: about sd * sqrt((kurtosis - 1) / (4 ESS));
        # kurtosis up to about 9 for the variance parameters (skewed, IW posteriors)
        sd_err = np.sqrt(2.0 * (old.std_error[name] ** 2 / old.ess_bulk[name]
                                + new.std_error[name] ** 2 / new.ess_bulk[name]))
        assert abs(old.std_error[name] - new.std_error[name]) < 4.0 * sd_err, name
    # and the move pays on the parameter it targets, at about the same cost per sweep
    assert new.ess_bulk[faster] > old.ess_bulk[faster]
    assert np.isfinite(new.ess_bulk).all()
