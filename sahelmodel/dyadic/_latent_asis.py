# ruff: noqa: NPY002  (numba-compiled code draws from numba's own generator, seeded per chain)
r"""Interweaving (ASIS) step for the sender/receiver covariance of the latent-factor sampler.

The sampler draws :math:`\Sigma_{ab}` given the additive effects, the centred (sufficient)
parameterisation :math:`(a_i, b_i) \sim N(0, \Sigma_{ab})`. The ancillarity-sufficiency
interweaving strategy of Yu and Meng (2011, "To center or not to center: that is not the
question", *JCGS* 20) follows it with a draw in the non-centred (ancillary) parameterisation
:math:`(a_i, b_i) = L \tilde e_i`, :math:`\tilde e_i \sim N(0, I)`, with :math:`L` the lower
Cholesky factor of :math:`\Sigma_{ab}`: the :math:`\tilde e_i` are held fixed and
:math:`l = (l_{11}, l_{21}, l_{22})` is drawn given them and the latent :math:`z`.

With :math:`\theta_{ab} = (a_1, \ldots, a_n, b_1, \ldots, b_n) = M l` (rows
:math:`a_i`: :math:`(\tilde e_{i1}, 0, 0)`, rows :math:`b_i`: :math:`(0, \tilde e_{i1},
\tilde e_{i2})`), the likelihood of :math:`z` is Gaussian in :math:`l` with precision
:math:`M^\top P_{ab} M` and linear term :math:`M^\top (h_{ab} - P_{ab,\beta}\beta)`, where
:math:`P` and :math:`h` are the data precision and linear term of :math:`(\beta, a, b)` in
the sampler's joint step. The prior of :math:`l` is the :math:`IW(\nu, sI)` prior of
:math:`\Sigma_{ab} = LL^\top` times the Jacobian :math:`4 l_{11}^2 l_{22}`:

.. math::

    \log p(l) = -(\nu + 1)\log l_{11} - (\nu + 2)\log l_{22}
    - \tfrac{s}{2}\,\operatorname{tr}(L^{-\top} L^{-1}) + \text{const}.

:math:`l` is updated by an independence Metropolis-Hastings step whose proposal is the
Gaussian likelihood itself, so a proposal is accepted with probability
:math:`\min\{1, p(l^*)/p(l)\}` (and rejected when a diagonal entry is not positive); the
step leaves the posterior unchanged.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["asis_ab", "shift_moves", "translation_moments"]


@numba.njit(cache=True)
def _log_prior_chol(l11, l21, l22, df, scale):
    """Log density, up to a constant, of the Cholesky factor of an IW(df, scale I) matrix."""
    tr_inv = 1.0 / (l11 * l11) + l21 * l21 / (l11 * l11 * l22 * l22) + 1.0 / (l22 * l22)
    return (-(df + 1.0) * math.log(l11) - (df + 2.0) * math.log(l22) - 0.5 * scale * tr_inv)


@numba.njit(cache=True)
def asis_ab(a, b, s_ab, beta, data_prec, lin, df, scale):
    """Non-centred draw of the Cholesky factor of ``s_ab``; updates ``a, b`` in place.

    ``data_prec`` is the likelihood precision of (beta, a, b) (prior excluded) and ``lin``
    the linear term, both on the current latent ``z``. Returns the (possibly unchanged)
    ``s_ab`` and 1.0 if the proposal was accepted, else 0.0.
    """
    n = a.shape[0]
    p = beta.shape[0]
    chol = np.linalg.cholesky(s_ab)
    l11, l21, l22 = chol[0, 0], chol[1, 0], chol[1, 1]
    e1 = a / l11
    e2 = (b - l21 * e1) / l22
    design = np.zeros((2 * n, 3))
    design[:n, 0] = e1
    design[n:, 1] = e1
    design[n:, 2] = e2
    p_ab = np.ascontiguousarray(data_prec[p:, p:])
    h = lin[p:] - np.ascontiguousarray(data_prec[p:, :p]) @ beta
    prec = design.T @ (p_ab @ design)
    lin_l = design.T @ h
    chol_p = np.linalg.cholesky(prec)
    tmp = np.linalg.solve(chol_p, lin_l)
    e = np.empty(3)
    for r in range(3):
        e[r] = np.random.normal()
    prop = np.linalg.solve(chol_p.T, tmp + e)
    if not (prop[0] > 0.0 and prop[2] > 0.0):
        return s_ab, 0.0
    log_ratio = (_log_prior_chol(prop[0], prop[1], prop[2], df, scale)
                 - _log_prior_chol(l11, l21, l22, df, scale))
    if math.log(np.random.random()) >= log_ratio:
        return s_ab, 0.0
    a[:] = prop[0] * e1
    b[:] = prop[1] * e1 + prop[2] * e2
    new = np.empty((2, 2))
    new[0, 0] = prop[0] * prop[0]
    new[0, 1] = prop[0] * prop[1]
    new[1, 0] = new[0, 1]
    new[1, 1] = prop[1] * prop[1] + prop[2] * prop[2]
    return new, 1.0


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
