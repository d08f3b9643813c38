# ruff: noqa: NPY002  (numba-compiled code draws from numba's own generator, seeded per chain)
r"""Translation moves between the additive and multiplicative effects of the latent-factor sampler.

In the AME mean :math:`a_i + b_j + u_i^\top v_j` the sender effects and the row means of the
multiplicative term are confounded: :math:`(a_i, v_j) \mapsto (a_i + u_i^\top c, v_j - c)`
leaves every cell's mean unchanged (as does :math:`(b_j, u_i) \mapsto (b_j + v_j^\top d,
u_i - d)` for the receivers), so only the priors :math:`(a_i, b_i) \sim N(0, \Sigma_{ab})`
and :math:`(u_i, v_i) \sim N(0, \Sigma_{uv})` tell these apart. The Gibbs sampler draws the
additive effects given the positions and the positions given the additive effects, and
crosses this direction slowly: on the recovery study's design (40 actors, 20 periods,
rank 2) :math:`\bar u^\top \bar v` had a bulk ESS of 4-21 in 2 × 2,000 kept sweeps on four
data sets, and the sender covariate and the sender/receiver variances, which absorb it,
mixed up to 16 times slower than with the translations. Each translation is a group of
shifts with unit Jacobian, so the generalised Gibbs step of Liu and Sabatti (2000,
*Biometrika* 87) draws :math:`c` from the density
:math:`\propto \pi(T_c(\cdot))`, here Gaussian and drawn exactly
(:func:`translation_moments`), and leaves the posterior unchanged.

An ancillarity-sufficiency interweaving step (Yu and Meng 2011) for :math:`\Sigma_{ab}`
(a non-centred draw of its Cholesky factor) was measured against it and not kept: it sped up
the variances less than the translations and left :math:`\bar u^\top \bar v` as slow.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["shift_moves", "translation_moments"]


@numba.njit(cache=True)
def _gauss(prec, lin):
    chol = np.linalg.cholesky(prec)
    tmp = np.linalg.solve(chol, lin)
    e = np.empty(lin.shape[0])
    for r in range(lin.shape[0]):
        e[r] = np.random.normal()
    return np.linalg.solve(chol.T, tmp + e)


@numba.njit(cache=True)
def translation_moments(e_own, e_other, w_own, w_cross, pos_own, pos_other, g_pp, g_po):
    r"""Precision and linear term of the translation :math:`c` of one side.

    The translation is :math:`e_i \mapsto e_i + p_i^\top c` (``e_own``, ``pos_own``) and
    :math:`q_j \mapsto q_j - c` (``pos_other``): for the senders ``e_own = a``,
    ``e_other = b``, ``pos_own = u``, ``pos_other = v``, ``(w_own, w_cross) =
    (W_{11}, W_{12})`` of :math:`W = \Sigma_{ab}^{-1}` and ``(g_pp, g_po) =
    (G_{vv}, G_{vu})`` of :math:`G = \Sigma_{uv}^{-1}`. Precision
    :math:`w_{own}\sum_i p_i p_i^\top + n G_{pp}`, linear term
    :math:`-\sum_i p_i(w_{own} e_i + w_{cross} e'_i) + \sum_j (G_{pp} q_j + G_{po} p_j)`.
    """
    n, rank = pos_own.shape
    prec = n * g_pp
    lin = np.zeros(rank)
    for i in range(n):
        we = w_own * e_own[i] + w_cross * e_other[i]
        for r in range(rank):
            lin[r] -= pos_own[i, r] * we
            for s in range(rank):
                prec[r, s] += w_own * pos_own[i, r] * pos_own[i, s]
        lin += g_pp @ pos_other[i] + g_po @ pos_own[i]
    return prec, lin


@numba.njit(cache=True)
def shift_moves(a, b, u, v, s_ab, s_uv):
    r"""Translations between the additive and the multiplicative effects, in place.

    The mean :math:`a_i + b_j + u_i^\top v_j` of every cell is unchanged by
    :math:`(a_i, v_j) \mapsto (a_i + u_i^\top c, v_j - c)` and by
    :math:`(b_j, u_i) \mapsto (b_j + v_j^\top d, u_i - d)`, so only the priors of
    :math:`(a, b)` and :math:`(u, v)` depend on :math:`c` and :math:`d`. Each is a group of
    translations with unit Jacobian, and :math:`c` (then :math:`d`) is drawn exactly from
    its Gaussian density :math:`\propto \pi(T_c(\cdot))` (:func:`translation_moments`;
    the generalised Gibbs step of Liu and Sabatti 2000), which leaves the posterior
    unchanged and moves the direction that the additive and multiplicative blocks, drawn
    one given the other, cross slowly.
    """
    rank = u.shape[1]
    w = np.linalg.inv(s_ab)
    g = np.linalg.inv(s_uv)
    guu = np.ascontiguousarray(g[:rank, :rank])
    guv = np.ascontiguousarray(g[:rank, rank:])
    gvu = np.ascontiguousarray(g[rank:, :rank])
    gvv = np.ascontiguousarray(g[rank:, rank:])
    prec, lin = translation_moments(a, b, w[0, 0], w[0, 1], u, v, gvv, gvu)
    c = _gauss(prec, lin)
    for i in range(a.shape[0]):
        a[i] += u[i] @ c
        v[i] -= c
    prec, lin = translation_moments(b, a, w[1, 1], w[1, 0], v, u, guu, guv)
    d = _gauss(prec, lin)
    for j in range(b.shape[0]):
        b[j] += v[j] @ d
        u[j] -= d
