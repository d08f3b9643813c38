"""The translation moves of the latent-factor sampler (:mod:`sahelmodel.dyadic._latent_shift`).

The translation between additive and multiplicative effects keeps every cell's mean and draws
its shift from the exact Gaussian conditional (checked against the prior evaluated densely);
``test_latent_px.py`` shows that the sampler with the moves has the same posterior as without.
"""

import numba
import numpy as np
import pytest
from scipy import stats

from sahelmodel.dyadic._latent_shift import shift_moves, translation_moments


@numba.njit(cache=True)
def _seed_numba(seed):
    np.random.seed(seed)  # noqa: NPY002  (numba's own generator)


def _random_state(rng, n=7, rank=2):
    a, b = rng.normal(size=n), rng.normal(size=n)
    u, v = rng.normal(size=(n, rank)), rng.normal(size=(n, rank))
    s_ab = stats.wishart(df=5, scale=np.eye(2) / 5).rvs(random_state=rng)
    s_uv = stats.wishart(df=2 * rank + 3, scale=np.eye(2 * rank) / 7).rvs(random_state=rng)
    return a, b, u, v, s_ab, s_uv


def _log_prior(a, b, u, v, s_ab, s_uv):
    ab = stats.multivariate_normal(cov=s_ab).logpdf(np.column_stack([a, b])).sum()
    return ab + stats.multivariate_normal(cov=s_uv).logpdf(np.column_stack([u, v])).sum()


@pytest.mark.parametrize("side", ["sender", "receiver"])
def test_translation_conditional_is_the_prior_along_the_move(side):
    rng = np.random.default_rng(4)
    a, b, u, v, s_ab, s_uv = _random_state(rng)
    rank = u.shape[1]
    w, g = np.linalg.inv(s_ab), np.linalg.inv(s_uv)
    gu, gv = slice(0, rank), slice(rank, 2 * rank)
    if side == "sender":  # a_i += u_i'c, v_j -= c
        prec, lin = translation_moments(a, b, w[0, 0], w[0, 1], u, v, g[gv, gv].copy(),
                                        g[gv, gu].copy())

        def moved(c):
            return a + u @ c, b, u, v - c
    else:  # b_j += v_j'd, u_i -= d
        prec, lin = translation_moments(b, a, w[1, 1], w[1, 0], v, u, g[gu, gu].copy(),
                                        g[gu, gv].copy())

        def moved(c):
            return a, b + v @ c, u - c, v

    base = _log_prior(*moved(np.zeros(rank)), s_ab, s_uv)
    for c in rng.normal(size=(5, rank)):
        dense = _log_prior(*moved(c), s_ab, s_uv) - base
        assert dense == pytest.approx(-0.5 * c @ prec @ c + c @ lin, rel=1e-10, abs=1e-10)


def test_shift_moves_keep_every_cell_mean():
    rng = np.random.default_rng(5)
    a, b, u, v, s_ab, s_uv = _random_state(rng)
    before = a[:, None] + b[None, :] + u @ v.T
    _seed_numba(1)
    a2, b2, u2, v2 = a.copy(), b.copy(), u.copy(), v.copy()
    shift_moves(a2, b2, u2, v2, s_ab, s_uv)
    np.testing.assert_allclose(a2[:, None] + b2[None, :] + u2 @ v2.T, before, atol=1e-12)
    assert np.abs(a2 - a).max() > 1e-3 and np.abs(v2 - v).max() > 1e-3  # it moved

