# ruff: noqa: NPY002  (numba-compiled code draws from numba's own generator, seeded per chain)
r"""Compiled Gibbs sampler of the probit latent-factor (AME) network model: arrays in, arrays out.

Model, for directed cells :math:`(i, j, t)`, :math:`i \ne j`, on a complete grid of ``n`` actors
and ``T`` periods (missing cells, coded NaN, are imputed by data augmentation):

.. math::

    z_{ijt} = \beta^\top x_{ijt} + a_i + b_j + u_i^\top v_j + \varepsilon_{ijt},\quad
    y_{ijt} = 1\{z_{ijt} > 0\},

:math:`(a_i, b_i) \sim N(0, \Sigma_{ab})`, :math:`(u_i, v_i) \sim N(0, \Sigma_{uv})`,
:math:`(\varepsilon_{ijt}, \varepsilon_{jit}) \sim N(0, [[1, \rho], [\rho, 1]])`.

Priors: :math:`\beta \sim N(0, \sigma_\beta^2 I)`,
:math:`\Sigma_{uv} \sim IW(\eta_0 + 2R - 2, \eta_0 I)` with :math:`\eta_0 = 4 + 3n/100`
(as ``amen``), :math:`\rho \sim U(-1, 1)`; :math:`\Sigma_{ab} \sim IW(\nu_{ab}, s_{ab} I)` with
``ab_df`` and ``ab_scale`` given by the caller.

One sweep: (1) :math:`\rho` by an adaptive random-walk Metropolis step on
:math:`\operatorname{atanh}\rho` with the latent pairs integrated out, then (2) every pair
:math:`(z_{ijt}, z_{jit})` exactly from its truncated bivariate normal (both in
:mod:`sahelmodel.dyadic._latent_pairs`); (2b) with ``px``, a marginal-augmentation
(PX-DA, Liu and Wu 1999; the generalised Gibbs step of Liu and Sabatti 2000) move along the
scale group :math:`(z, u, v) \mapsto (g z, \sqrt g\, u, \sqrt g\, v)`, which keeps every
sign of :math:`z` and so the data: with :math:`\theta = (\beta, a, b)` integrated out,
:math:`g` is drawn exactly from

.. math::

    f(g) \propto g^{N + nR - 1} \exp\{-g^2 Q/2 - g B/2\},\quad
    Q = w^\top \Omega^{-1} w - h^\top P^{-1} h,\quad
    B = \textstyle\sum_i (u_i, v_i)^\top \Sigma_{uv}^{-1} (u_i, v_i),

(:math:`N` latent cells, :math:`w = z - uv^\top`, :math:`h` and :math:`P` the linear term and
precision of step 3, :math:`Q` the quadratic form of :math:`w` under the marginal
:math:`N(0, \Omega + D P_0^{-1} D^\top)`), which leaves the posterior unchanged and moves the
probit scale that data augmentation alone crosses slowly; (3) :math:`(\beta, a, b)` jointly
from their Gaussian full conditional (the dyadic correlation enters the precision as
:math:`(A - \rho B)/(1-\rho^2)` with :math:`A = \sum d_{ij} d_{ij}^\top`,
:math:`B = \sum d_{ij} d_{ji}^\top` fixed by the design); (4) :math:`\Sigma_{ab}`; (5) each
:math:`u_i` then each :math:`v_j` from its Gaussian full conditional; (5b) with ``shift``,
exact translations between the additive effects and the positions that keep every cell's
mean (:mod:`sahelmodel.dyadic._latent_shift`); (6) :math:`\Sigma_{uv}`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from sahelmodel.dyadic._latent_count import (
    pair_sums,
    update_rho_given_z,
    update_s2,
    update_z_count,
)
from sahelmodel.dyadic._latent_pairs import draw_pairs, update_rho
from sahelmodel.dyadic._latent_shift import shift_moves

__all__ = ["design_moments", "run_chain"]

@numba.njit(cache=True)
def design_moments(x, n_actors):
    """Design cross-products ``A`` and ``B`` of (beta, a, b) over the complete grid.

    ``x`` has shape (T, n, n, p). Returns ``A, B`` of shape (p + 2n, p + 2n) with
    ``A = sum d_ij d_ij'`` and ``B = sum d_ij d_ji'`` over ordered pairs i != j and periods.
    """
    n_t, n, _, p = x.shape
    k = p + 2 * n
    a_mat = np.zeros((k, k))
    b_mat = np.zeros((k, k))
    for t in range(n_t):
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                for r in range(p):
                    xr = x[t, i, j, r]
                    for s in range(p):
                        a_mat[r, s] += xr * x[t, i, j, s]
                        b_mat[r, s] += xr * x[t, j, i, s]
                    # d_ij = (x_ij, e_a(i), e_b(j)); d_ji = (x_ji, e_a(j), e_b(i))
                    a_mat[r, p + i] += xr
                    a_mat[p + i, r] += xr
                    a_mat[r, p + n + j] += xr
                    a_mat[p + n + j, r] += xr
                    b_mat[r, p + j] += xr
                    b_mat[p + i, r] += x[t, j, i, r]
                    b_mat[r, p + n + i] += xr
                    b_mat[p + n + j, r] += x[t, j, i, r]
                a_mat[p + i, p + i] += 1.0
                a_mat[p + n + j, p + n + j] += 1.0
                a_mat[p + i, p + n + j] += 1.0
                a_mat[p + n + j, p + i] += 1.0
                b_mat[p + i, p + j] += 1.0
                b_mat[p + i, p + n + i] += 1.0
                b_mat[p + n + j, p + j] += 1.0
                b_mat[p + n + j, p + n + i] += 1.0
    return a_mat, b_mat


@numba.njit(cache=True)
def _mean_grid(x, beta, a, b, u, v, out):
    n_t, n, _, p = x.shape
    rank = u.shape[1]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            base = a[i] + b[j]
            for r in range(rank):
                base += u[i, r] * v[j, r]
            for t in range(n_t):
                m = base
                for s in range(p):
                    m += beta[s] * x[t, i, j, s]
                out[t, i, j] = m


@numba.njit(cache=True)
def _linear_term(x, z, offset_uv, rho, p, n):
    """H = sum d_ij (w_ij - rho w_ji) with w = z - uv over the grid (before / (1 - rho^2))."""
    n_t = z.shape[0]
    h = np.zeros(p + 2 * n)
    for t in range(n_t):
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                w = (z[t, i, j] - offset_uv[i, j]) - rho * (z[t, j, i] - offset_uv[j, i])
                for s in range(p):
                    h[s] += x[t, i, j, s] * w
                h[p + i] += w
                h[p + n + j] += w
    return h


@numba.njit(cache=True)
def _iw_draw(scale, df):
    """Inverse-Wishart(df, scale) draw via the Bartlett decomposition of its inverse."""
    k = scale.shape[0]
    prec_chol = np.linalg.cholesky(np.linalg.inv(scale))
    lower = np.zeros((k, k))
    for r in range(k):
        lower[r, r] = math.sqrt(np.random.chisquare(df - r))
        for c in range(r):
            lower[r, c] = np.random.normal()
    g = prec_chol @ lower
    return np.linalg.inv(g @ g.T)


@numba.njit(cache=True)
def _draw_gaussian(prec, lin):
    chol = np.linalg.cholesky(prec)
    k = lin.shape[0]
    # mean = prec^{-1} lin, draw = mean + chol^{-T} e
    tmp = np.linalg.solve(chol, lin)
    e = np.empty(k)
    for r in range(k):
        e[r] = np.random.normal()
    return np.linalg.solve(chol.T, tmp + e)


@numba.njit(cache=True)
def _update_factor(resid, own, other, prec_own, prec_cross, rho, n_t, q):
    r"""Draw each row of ``own`` from its Gaussian full conditional given ``other``.

    For the senders' positions (``own = u``, ``other = v``, ``resid`` the residual sums
    :math:`R_{ij} = \sum_t (z_{ijt} - \beta^\top x_{ijt} - a_i - b_j)`) row :math:`k` gets
    precision ``prec_own`` :math:`+ T \sum_{l \ne k} o_l o_l^\top / q` and linear term
    :math:`-`\ ``prec_cross`` :math:`o_k + \sum_{l \ne k} o_l (R_{kl} - \rho(R_{lk} -
    T w_l^\top o_k)) / q` with :math:`o` = ``other``, :math:`w` = ``own`` and
    :math:`q = (1 - \rho^2)\sigma^2`; the receivers' positions are the same update with
    ``resid`` transposed and the roles of ``u`` and ``v`` swapped.
    """
    n, rank = own.shape
    for k in range(n):
        prec = prec_own.copy()
        lin = -(prec_cross @ other[k])
        for m in range(n):
            if m == k:
                continue
            uv_lk = 0.0
            for r in range(rank):
                uv_lk += own[m, r] * other[k, r]
            target = (resid[k, m] - rho * (resid[m, k] - n_t * uv_lk)) / q
            for r in range(rank):
                lin[r] += other[m, r] * target
                for s in range(rank):
                    prec[r, s] += n_t * other[m, r] * other[m, s] / q
        own[k] = _draw_gaussian(prec, lin)


@numba.njit(cache=True)
def _update_uv(resid_sum, u, v, rho, n_t, s_uv, s2):
    rank = u.shape[1]
    q = (1.0 - rho * rho) * s2
    big = np.linalg.inv(s_uv)  # prior precision of (u_i, v_i)
    puu = np.ascontiguousarray(big[:rank, :rank])
    puv = np.ascontiguousarray(big[:rank, rank:])
    puv_t = np.ascontiguousarray(big[rank:, :rank])
    pvv = np.ascontiguousarray(big[rank:, rank:])
    _update_factor(resid_sum, u, v, puu, puv, rho, n_t, q)
    _update_factor(np.ascontiguousarray(resid_sum.T), v, u, pvv, puv_t, rho, n_t, q)


@numba.njit(cache=True)
def _pair_quad(z, uvm, rho):
    """Quadratic form w' Omega^{-1} w of w = z - uv (Omega: the pairs' unit-sd correlation)."""
    n_t, n, _ = z.shape
    tot = 0.0
    for t in range(n_t):
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                w = z[t, i, j] - uvm[i, j]
                tot += w * (w - rho * (z[t, j, i] - uvm[j, i]))
    return tot / (1.0 - rho * rho)


@numba.njit(cache=True)
def _scale_draw(m, q_marg, b_uv):
    r"""Exact draw of :math:`g > 0` with density :math:`\propto g^{m-1} e^{-g^2 Q/2 - g B/2}`.

    Rejection from :math:`\text{Gamma}(m, cQ + B/2)` with :math:`c` the mode: the tangent
    :math:`g^2 \ge 2cg - c^2` bounds the target, and a proposal is accepted with probability
    :math:`e^{-(g - c)^2 Q/2}` (about 0.7 for large :math:`m`).
    """
    c = (-0.5 * b_uv + math.sqrt(0.25 * b_uv * b_uv + 4.0 * q_marg * (m - 1.0))) / (2.0 * q_marg)
    rate = c * q_marg + 0.5 * b_uv
    while True:
        g = np.random.gamma(m, 1.0 / rate)
        if np.random.random() < math.exp(-0.5 * (g - c) * (g - c) * q_marg):
            return g


@numba.njit(cache=True)
def _marginal_quad(z, uvm, rho, prec, lin):
    """Q = w' Omega^{-1} w - lin' prec^{-1} lin: w's quadratic form with (beta, a, b) integrated."""
    half = np.linalg.solve(np.linalg.cholesky(prec), lin)
    return _pair_quad(z, uvm, rho) - half @ half


@numba.njit(cache=True)
def _px_move(z, u, v, uvm, lin, prec, rho, s_uv):
    """Draw g and rescale z, uvm by g and u, v by sqrt(g) in place; return g (1 if Q <= 0)."""
    n_t, n, _ = z.shape
    rank = u.shape[1]
    q_marg = _marginal_quad(z, uvm, rho, prec, lin)
    if not q_marg > 0.0:
        return 1.0
    b_uv = 0.0
    if rank > 0:
        inv_uv = np.linalg.inv(s_uv)
        for i in range(n):
            for r in range(2 * rank):
                wr = u[i, r] if r < rank else v[i, r - rank]
                for c in range(2 * rank):
                    wc = u[i, c] if c < rank else v[i, c - rank]
                    b_uv += wr * inv_uv[r, c] * wc
    g = _scale_draw(n_t * n * (n - 1.0) + n * rank, q_marg, b_uv)
    z *= g
    uvm *= g
    sg = math.sqrt(g)
    u *= sg
    v *= sg
    return g


@numba.njit(cache=True)
def _resid_sum(z, x, beta, a, b):
    n_t, n, _, p = x.shape
    out = np.zeros((n, n))
    for t in range(n_t):
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                m = a[i] + b[j]
                for s in range(p):
                    m += beta[s] * x[t, i, j, s]
                out[i, j] += z[t, i, j] - m
    return out


@numba.njit(cache=True)
def run_chain(y, x, a_mat, b_mat, rank, n_burn, n_keep, thin, seed, prior_beta_var, ab_df,
              ab_scale, count, px, shift):
    r"""Run one chain; return the kept draws and the Rao-Blackwellised missing-cell probabilities.

    Parameters are plain arrays: ``y`` (T, n, n) with 0/1 (probit) or counts (``count``
    true: Poisson log-normal, :mod:`sahelmodel.dyadic._latent_count`, with the error variance
    :math:`\sigma^2` sampled; 1 for the probit) and NaN for missing cells (the diagonal is
    ignored), ``x`` (T, n, n, p), ``a_mat``/``b_mat`` from :func:`design_moments`.
    Returns ``beta (K, p), rho (K,), s_ab (K, 2, 2), s_uv (K, 2R, 2R), a (K, n), b (K, n),
    u (K, n, R), v (K, n, R), prob (T, n, n), s2 (K,)`` where ``prob`` averages
    :math:`P(y_{ijt} \ge 1 \mid \text{rest})` over kept sweeps for missing cells.
    """
    np.random.seed(seed)
    n_t, n, _, p = x.shape
    k = p + 2 * n
    eta0 = 4.0 + 3.0 * n / 100.0
    beta = np.zeros(p)
    a = np.zeros(n)
    b = np.zeros(n)
    u = np.zeros((n, rank))
    v = np.zeros((n, rank))
    for i in range(n):
        for r in range(rank):
            u[i, r] = 0.1 * np.random.normal()
            v[i, r] = 0.1 * np.random.normal()
    rho = 0.0
    s_ab = np.eye(2)
    s_uv = np.eye(2 * rank) if rank > 0 else np.eye(1)
    z = np.zeros((n_t, n, n))
    for t in range(n_t):
        for i in range(n):
            for j in range(n):
                obs = y[t, i, j]
                if obs == obs:
                    if count:
                        z[t, i, j] = math.log(obs + 0.5)
                    else:
                        z[t, i, j] = 0.5 if obs > 0.5 else -0.5
    mu = np.zeros((n_t, n, n))
    uvm = np.zeros((n, n))
    scratch = np.zeros((n_t, n, n))
    prob = np.zeros((n_t, n, n))
    out_beta = np.zeros((n_keep, p))
    out_rho = np.zeros(n_keep)
    out_sab = np.zeros((n_keep, 2, 2))
    out_suv = np.zeros((n_keep, max(2 * rank, 1), max(2 * rank, 1)))
    out_a = np.zeros((n_keep, n))
    out_b = np.zeros((n_keep, n))
    out_u = np.zeros((n_keep, n, rank))
    out_v = np.zeros((n_keep, n, rank))
    total = n_burn + n_keep * thin
    kept = 0
    n_pairs = 0.5 * n_t * n * (n - 1)
    log_step = math.log(2.4 / math.sqrt(max(1.0, n_pairs)))
    s2 = 1.0
    out_s2 = np.ones(n_keep)
    step = math.exp(log_step)
    prior_prec = np.zeros((k, k))
    for s in range(p):
        prior_prec[s, s] = 1.0 / prior_beta_var
    for it in range(total):
        _mean_grid(x, beta, a, b, u, v, mu)
        collect = it >= n_burn and (it - n_burn) % thin == thin - 1
        if count:  # log-rates cell by cell, then rho and sigma^2 given them
            update_z_count(y, mu, z, rho, s2, prob if collect else scratch)
            s_sq, s_c = pair_sums(z, mu)
            rho = update_rho_given_z(s_sq / s2, s_c / s2, n_pairs, rho)
            s2 = update_s2(s_sq, s_c, 2.0 * n_pairs, rho)
        else:  # block (rho, z): rho with z integrated out, then z exactly given rho
            rho, acc = update_rho(y, mu, rho, step)
            if it < n_burn:  # Robbins-Monro adaptation of the step to 44% acceptance
                log_step += (acc - 0.44) / math.sqrt(it + 1.0)
                step = math.exp(log_step)
            draw_pairs(y, mu, z, rho, prob if collect else scratch)
        # (beta, a, b) jointly
        for i in range(n):
            for j in range(n):
                m = 0.0
                for r in range(rank):
                    m += u[i, r] * v[j, r]
                uvm[i, j] = m
        q = (1.0 - rho * rho) * s2
        inv_ab = np.linalg.inv(s_ab)
        prec = (a_mat - rho * b_mat) / q + prior_prec
        for i in range(n):
            prec[p + i, p + i] += inv_ab[0, 0]
            prec[p + n + i, p + n + i] += inv_ab[1, 1]
            prec[p + i, p + n + i] += inv_ab[0, 1]
            prec[p + n + i, p + i] += inv_ab[1, 0]
        lin = _linear_term(x, z, uvm, rho, p, n) / q
        if px:  # marginal augmentation: rescale (z, u, v) with (beta, a, b) integrated out
            lin *= _px_move(z, u, v, uvm, lin, prec, rho, s_uv)
        theta = _draw_gaussian(prec, lin)
        beta[:] = theta[:p]
        a[:] = theta[p : p + n]
        b[:] = theta[p + n :]
        scat = ab_scale * np.eye(2)
        for i in range(n):
            scat[0, 0] += a[i] * a[i]
            scat[0, 1] += a[i] * b[i]
            scat[1, 0] += a[i] * b[i]
            scat[1, 1] += b[i] * b[i]
        s_ab = _iw_draw(scat, ab_df + n)
        if rank > 0:
            rs = _resid_sum(z, x, beta, a, b)
            _update_uv(rs, u, v, rho, n_t, s_uv, s2)
            if shift:  # translate between the additive and the multiplicative effects
                shift_moves(a, b, u, v, s_ab, s_uv)
            scat_uv = eta0 * np.eye(2 * rank)
            for i in range(n):
                for r in range(rank):
                    for c in range(rank):
                        scat_uv[r, c] += u[i, r] * u[i, c]
                        scat_uv[r, rank + c] += u[i, r] * v[i, c]
                        scat_uv[rank + r, c] += v[i, r] * u[i, c]
                        scat_uv[rank + r, rank + c] += v[i, r] * v[i, c]
            s_uv = _iw_draw(scat_uv, eta0 + 2 * rank - 2 + n)
        if collect:
            out_beta[kept] = beta
            out_rho[kept] = rho
            out_s2[kept] = s2
            out_sab[kept] = s_ab
            if rank > 0:
                out_suv[kept] = s_uv
            out_a[kept] = a
            out_b[kept] = b
            out_u[kept] = u
            out_v[kept] = v
            kept += 1
    if n_keep > 0:
        prob /= n_keep
    return out_beta, out_rho, out_sab, out_suv, out_a, out_b, out_u, out_v, prob, out_s2
