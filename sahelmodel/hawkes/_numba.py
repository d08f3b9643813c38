"""Compiled core (numba, a dependency of the package) for the sums over the past.

Same contract as :func:`sahelmodel.hawkes._loglik.decayed_sums`; this is the default path of
every fit (``backend="auto"``), and the vectorised numpy core is its reference twin, itself
tested against the plain double loops of :mod:`sahelmodel.hawkes._reference`. The recursions
are exact one-pass updates (``s1 <- e (s1 + Δ s0)``, ``s0 <- e s0`` with ``e = exp(-β Δ)``
and ``Δ`` a difference of times), and tied events are added only after every event at that
time has been evaluated.
"""

from __future__ import annotations

import math

import numba
import numpy as np

HAVE_NUMBA = True  # numba is a core dependency; kept for code that still asks

__all__ = ["HAVE_NUMBA", "daily_excl_sums", "decayed_sums_numba",
           "fixed_decay_newton", "fused_shared", "shared_hessian"]


def _shared(t, cols, ncol, beta, want_s1):  # pragma: no cover - compiled
    n = t.size
    s0 = np.zeros((n, ncol))
    s1 = np.zeros((n, ncol))
    st0 = np.zeros(ncol)
    st1 = np.zeros(ncol)
    last = t[0] if n > 0 else 0.0
    g = 0
    for i in range(n):
        if t[i] != t[g]:
            for j in range(g, i):
                st0[cols[j]] += 1.0
            g = i
        delta = t[i] - last
        if delta > 0.0:
            e = np.exp(-beta * delta)
            if want_s1:
                for k in range(ncol):
                    st1[k] = e * (st1[k] + delta * st0[k])
            for k in range(ncol):
                st0[k] = e * st0[k]
            last = t[i]
        for k in range(ncol):
            s0[i, k] = st0[k]
        if want_s1:
            for k in range(ncol):
                s1[i, k] = st1[k]
    return s0, s1


def _general(t, dims, cols, ncol, c1, beta, want_s1):  # pragma: no cover - compiled
    # state per (target d, column k), each with its own last-update time
    n = t.size
    d = beta.shape[0]
    s0 = np.zeros((n, ncol))
    s1 = np.zeros((n, ncol))
    st0 = np.zeros((d, ncol))
    st1 = np.zeros((d, ncol))
    last = np.full((d, ncol), t[0] if n > 0 else 0.0)
    g = 0
    for i in range(n):
        if t[i] != t[g]:
            for j in range(g, i):
                k = cols[j]
                src = k // c1
                for tgt in range(d):
                    delta = t[j] - last[tgt, k]
                    if delta > 0.0:
                        e = np.exp(-beta[tgt, src] * delta)
                        st1[tgt, k] = e * (st1[tgt, k] + delta * st0[tgt, k])
                        st0[tgt, k] = e * st0[tgt, k]
                        last[tgt, k] = t[j]
                    st0[tgt, k] += 1.0
            g = i
        tgt = dims[i]
        for k in range(ncol):
            delta = t[i] - last[tgt, k]
            if delta > 0.0:
                e = np.exp(-beta[tgt, k // c1] * delta)
                st1[tgt, k] = e * (st1[tgt, k] + delta * st0[tgt, k])
                st0[tgt, k] = e * st0[tgt, k]
                last[tgt, k] = t[i]
            s0[i, k] = st0[tgt, k]
            s1[i, k] = st1[tgt, k]
    return s0, s1


def _fused(t, dims, cols, piece, ncol, beta, coef, mu, end, want_grad):  # pragma: no cover
    # shared decay: intensity at every event plus the per-(target, column) sums the gradient
    # needs, without (n, columns) intermediates. coef[d, col] = alpha[d, src] beta w[cat].
    n = t.size
    d = coef.shape[0]
    st0 = np.zeros(ncol)
    st1 = np.zeros(ncol)
    a_sum = np.zeros((d, ncol))
    b_sum = np.zeros((d, ncol))
    gmu = np.zeros(mu.shape)
    lam = np.empty(n)
    loglam = 0.0
    last = t[0] if n > 0 else 0.0
    g = 0
    for i in range(n):
        if t[i] != t[g]:
            for j in range(g, i):
                st0[cols[j]] += 1.0
            g = i
        delta = t[i] - last
        if delta > 0.0:
            e = np.exp(-beta * delta)
            for k in range(ncol):
                st1[k] = e * (st1[k] + delta * st0[k])
                st0[k] = e * st0[k]
            last = t[i]
        di = dims[i]
        total = mu[di, piece[i]]
        for k in range(ncol):
            total += coef[di, k] * st0[k]
        lam[i] = total
        if not total > 0.0:
            return lam, -np.inf, gmu, a_sum, b_sum, np.zeros(ncol), np.zeros(ncol)
        loglam += np.log(total)
        if want_grad:
            inv = 1.0 / total
            gmu[di, piece[i]] += inv
            for k in range(ncol):
                a_sum[di, k] += st0[k] * inv
                b_sum[di, k] += (st0[k] - beta * st1[k]) * inv
    # compensator sums per column: sum (1 - e^{-beta (T - t_j)}) and sum (T - t_j) e^{...}
    g0 = np.zeros(ncol)
    g1 = np.zeros(ncol)
    for j in range(n):
        rem = end - t[j]
        g0[cols[j]] -= math.expm1(-beta * rem)
        if want_grad:
            g1[cols[j]] += rem * math.exp(-beta * rem)
    return lam, loglam, gmu, a_sum, b_sum, g0, g1


def _chol_solve(a, b, q, free, damp):  # pragma: no cover - compiled
    # solve (a + damp diag(a))[free, free] x = b[free] (a symmetric positive semi-definite) by
    # Cholesky; entries outside ``free`` are 0 in the result
    idx = np.empty(q, dtype=np.int64)
    m = 0
    for j in range(q):
        if free[j]:
            idx[m] = j
            m += 1
    top = 0.0
    for r in range(m):
        top = max(top, a[idx[r], idx[r]])
    ridge = 1e-13 * top + 1e-300
    low = np.zeros((m, m))
    for r in range(m):
        for c in range(r + 1):
            v = a[idx[r], idx[c]]
            if r == c:
                v += damp * v + ridge
            for k in range(c):
                v -= low[r, k] * low[c, k]
            if r == c:
                low[r, r] = math.sqrt(v if v > ridge else ridge)
            else:
                low[r, c] = v / low[c, c]
    y = np.zeros(m)
    for r in range(m):
        v = b[idx[r]]
        for k in range(r):
            v -= low[r, k] * y[k]
        y[r] = v / low[r, r]
    out = np.zeros(q)
    for r in range(m - 1, -1, -1):
        v = y[r]
        for k in range(r + 1, m):
            v -= low[k, r] * out[idx[k]]
        out[idx[r]] = v / low[r, r]
    return out


def _box_step(h, g, phi, q, free, damp, lb, ub):  # pragma: no cover - compiled
    # maximiser of the quadratic model g.s - s.h.s / 2 (h damped) over the free entries, where
    # an entry whose step would cross its bound is put on the bound and the rest re-solved
    fr = free.copy()
    dlt = np.zeros(q)
    rhs = np.empty(q)
    for _rep in range(q + 1):
        for j in range(q):
            rhs[j] = g[j]
            for k in range(q):
                if not fr[k] and free[k]:
                    rhs[j] -= h[j, k] * dlt[k]
        sol = _chol_solve_jit(h, rhs, q, fr, damp)
        crossed = False
        for j in range(q):
            if fr[j] and phi[j] + sol[j] < lb:
                fr[j] = False
                dlt[j] = lb - phi[j]
                crossed = True
            elif fr[j] and phi[j] + sol[j] > ub:
                fr[j] = False
                dlt[j] = ub - phi[j]
                crossed = True
        if not crossed:
            for j in range(q):
                if fr[j]:
                    dlt[j] = sol[j]
            break
    return dlt


def _linear_values(x, dims, piece, npc, phi, todo):  # pragma: no cover - compiled
    # per target: sum over its events of log(phi_mu[piece] + phi_alpha . x_i); -inf if <= 0
    n, d = x.shape
    f = np.zeros(phi.shape[0])
    for i in range(n):
        t = dims[i]
        if not todo[t]:
            continue
        lam = phi[t, piece[i]]
        for s in range(d):
            lam += phi[t, npc + s] * x[i, s]
        if lam > 0.0:
            f[t] += math.log(lam)
        else:
            f[t] = -np.inf
    return f


def _newton(x, dims, piece, npc, cost, phi0, lb, ub, tol, max_iter):  # pragma: no cover
    # per target d: maximise sum_{i: d_i = d} log(phi_d . z_i) - cost . phi_d over the box
    # [lb, ub], z_i = (onehot(piece_i), x_i): projected Newton steps, damped Levenberg-Marquardt
    # style (the damping grows until the step gains, and shrinks after a gain)
    n, d = x.shape
    q = npc + d
    nt = phi0.shape[0]
    phi = phi0.copy()
    for t in range(nt):
        for j in range(q):
            phi[t, j] = min(max(phi[t, j], lb), ub)
    active = np.ones(nt, dtype=np.bool_)
    f = _linear_values_jit(x, dims, piece, npc, phi, active)
    for t in range(nt):
        for j in range(q):
            f[t] -= cost[j] * phi[t, j]
    damp = np.full(nt, 1e-8)
    n_iter = 0
    g = np.zeros((nt, q))
    h = np.zeros((nt, q, q))  # minus the Hessian
    free = np.ones((nt, q), dtype=np.bool_)
    trial = phi.copy()
    # -log of an affine function is self-concordant: after a full Newton step with decrement
    # lam^2 = dec the next decrement is at most (lam / (1 - lam))^4, below tol when
    # lam <= r / (1 + r), r = tol^(1/4); such a step ends the target without a confirming pass
    r4 = tol ** 0.25
    full_dec = (r4 / (1.0 + r4)) ** 2
    step_dec = np.zeros(nt)
    clipped = np.zeros(nt, dtype=np.bool_)
    for _ in range(max_iter):
        if not active.any():
            break
        n_iter += 1
        g[:] = 0.0
        h[:] = 0.0
        for i in range(n):
            t = dims[i]
            if not active[t]:
                continue
            p = piece[i]
            lam = phi[t, p]
            for s in range(d):
                lam += phi[t, npc + s] * x[i, s]
            inv = 1.0 / lam
            inv2 = inv * inv
            g[t, p] += inv
            h[t, p, p] += inv2
            for s in range(d):
                xs = x[i, s]
                g[t, npc + s] += xs * inv
                v = xs * inv2
                h[t, p, npc + s] += v
                for u in range(d):  # the full square: a contiguous, vectorisable row
                    h[t, npc + s, npc + u] += v * x[i, u]
        for t in range(nt):
            if not active[t]:
                continue
            for j in range(q):
                g[t, j] -= cost[j]
            for j in range(npc):  # the piece rows were filled above the diagonal only
                for k in range(j + 1, q):
                    h[t, k, j] = h[t, j, k]
            for j in range(q):
                free[t, j] = not ((phi[t, j] <= lb and g[t, j] < 0.0)
                                  or (phi[t, j] >= ub and g[t, j] > 0.0))
        searching = active.copy()
        for _ls in range(40):
            if not searching.any():
                break
            for t in range(nt):
                if not searching[t]:
                    continue
                dlt = _box_step_jit(h[t], g[t], phi[t], q, free[t], damp[t], lb, ub)
                dec = 0.0
                clipped[t] = False
                for j in range(q):
                    dec += g[t, j] * dlt[j]
                    trial[t, j] = min(max(phi[t, j] + dlt[j], lb), ub)
                    if trial[t, j] != phi[t, j] + dlt[j]:
                        clipped[t] = True
                step_dec[t] = dec
                if not dec > tol:  # the ascent left (about dec / 2) is negligible: done
                    searching[t] = False
                    active[t] = False
            ft = _linear_values_jit(x, dims, piece, npc, trial, searching)
            for t in range(nt):
                if not searching[t]:
                    continue
                gain = 0.0
                for j in range(q):
                    ft[t] -= cost[j] * trial[t, j]
                    gain += g[t, j] * (trial[t, j] - phi[t, j])
                if ft[t] >= f[t] + 1e-4 * gain and ft[t] >= f[t]:
                    searching[t] = False
                    f[t] = ft[t]
                    for j in range(q):
                        phi[t, j] = trial[t, j]
                    if damp[t] <= 1e-8 and not clipped[t] and step_dec[t] <= full_dec:
                        active[t] = False  # a full step this close: converged (see r4)
                    damp[t] = max(damp[t] * 0.1, 1e-10)
                else:
                    damp[t] *= 10.0
        for t in range(nt):
            if searching[t]:  # no gain even with a step shrunk to a gradient step: stationary
                active[t] = False
    return phi, f, n_iter, not active.any()


def _features(t, cols, d, beta, end):  # pragma: no cover - compiled
    # x[i, k] = beta * sum_{j: t_j < t_i, col_j = k} exp(-beta (t_i - t_j)), and the
    # compensator parts G[k] = sum_{j: col_j = k} (1 - exp(-beta (end - t_j)))
    n = t.size
    x = np.empty((n, d))
    st = np.zeros(d)
    gk = np.zeros(d)
    last = t[0] if n > 0 else 0.0
    g = 0
    for i in range(n):
        if t[i] != t[g]:
            for j in range(g, i):
                st[cols[j]] += beta
            g = i
        delta = t[i] - last
        if delta > 0.0:
            e = math.exp(-beta * delta)
            for k in range(d):
                st[k] *= e
            last = t[i]
        for k in range(d):
            x[i, k] = st[k]
    for j in range(n):
        gk[cols[j]] -= math.expm1(-beta * (end - t[j]))
    return x, gk


def _hessian(t, dims, cols, piece, d, c1, npc, beta, alpha, mu, w, end):  # pragma: no cover
    # natural-scale gradient and Hessian of the log-likelihood for one shared decay; parameter
    # order: mu (d * npc), alpha (d * d), beta, kappa (c1 - 1)
    n = t.size
    ncol = d * c1
    ib = d * npc + d * d
    m = ib + 1 + (c1 - 1)
    grad = np.zeros(m)
    hess = np.zeros((m, m))
    s0 = np.zeros(ncol)
    s1 = np.zeros(ncol)
    s2 = np.zeros(ncol)
    a = np.zeros(d)
    b = np.zeros(d)
    cc = np.zeros(d)
    idx = np.empty(2 + d + c1, dtype=np.int64)
    val = np.empty(2 + d + c1)
    last = t[0] if n > 0 else 0.0
    g = 0
    for i in range(n):
        if t[i] != t[g]:
            for j in range(g, i):
                s0[cols[j]] += 1.0
            g = i
        delta = t[i] - last
        if delta > 0.0:
            e = math.exp(-beta * delta)
            for k in range(ncol):
                s2[k] = e * (s2[k] + 2.0 * delta * s1[k] + delta * delta * s0[k])
                s1[k] = e * (s1[k] + delta * s0[k])
                s0[k] = e * s0[k]
            last = t[i]
        di = dims[i]
        lam = mu[di, piece[i]]
        dbeta = 0.0
        d2beta = 0.0
        for s in range(d):
            a[s] = 0.0
            b[s] = 0.0
            cc[s] = 0.0
            for c in range(c1):
                k = s * c1 + c
                a[s] += w[c] * s0[k]
                b[s] += w[c] * (s0[k] - beta * s1[k])
                cc[s] += w[c] * (beta * s2[k] - 2.0 * s1[k])
            lam += beta * alpha[di, s] * a[s]
            dbeta += alpha[di, s] * b[s]
            d2beta += alpha[di, s] * cc[s]
        inv = 1.0 / lam
        # first derivatives of lam: (index, value) pairs
        idx[0] = di * npc + piece[i]
        val[0] = 1.0
        for s in range(d):
            idx[1 + s] = d * npc + di * d + s
            val[1 + s] = beta * a[s]
        idx[1 + d] = ib
        val[1 + d] = dbeta
        for c in range(1, c1):
            v = 0.0
            for s in range(d):
                v += alpha[di, s] * s0[s * c1 + c]
            idx[1 + d + c] = ib + c
            val[1 + d + c] = beta * v
        nz = 1 + d + c1
        for u in range(nz):
            grad[idx[u]] += val[u] * inv
            vu = val[u] * inv * inv
            for v2 in range(nz):
                hess[idx[u], idx[v2]] -= vu * val[v2]
        # second derivatives of lam, divided by lam
        for s in range(d):
            ia = d * npc + di * d + s
            hess[ia, ib] += b[s] * inv
            hess[ib, ia] += b[s] * inv
            for c in range(1, c1):
                k = s * c1 + c
                hess[ia, ib + c] += beta * s0[k] * inv
                hess[ib + c, ia] += beta * s0[k] * inv
        hess[ib, ib] += d2beta * inv
        for c in range(1, c1):
            v = 0.0
            for s in range(d):
                k = s * c1 + c
                v += alpha[di, s] * (s0[k] - beta * s1[k])
            hess[ib, ib + c] += v * inv
            hess[ib + c, ib] += v * inv
    # compensator: sum_{d,s} alpha_ds sum_c w_c G0[s, c](beta), G0' = G1, G0'' = -G2
    g0 = np.zeros(ncol)
    g1 = np.zeros(ncol)
    g2 = np.zeros(ncol)
    for j in range(n):
        r = end - t[j]
        e = math.exp(-beta * r)
        g0[cols[j]] -= math.expm1(-beta * r)
        g1[cols[j]] += r * e
        g2[cols[j]] += r * r * e
    for dd in range(d):
        for s in range(d):
            ia = d * npc + dd * d + s
            w0 = 0.0
            w1 = 0.0
            w2 = 0.0
            for c in range(c1):
                k = s * c1 + c
                w0 += w[c] * g0[k]
                w1 += w[c] * g1[k]
                w2 += w[c] * g2[k]
            grad[ia] -= w0
            grad[ib] -= alpha[dd, s] * w1
            hess[ia, ib] -= w1
            hess[ib, ia] -= w1
            hess[ib, ib] += alpha[dd, s] * w2
            for c in range(1, c1):
                k = s * c1 + c
                grad[ib + c] -= alpha[dd, s] * g0[k]
                hess[ia, ib + c] -= g0[k]
                hess[ib + c, ia] -= g0[k]
                hess[ib, ib + c] -= alpha[dd, s] * g1[k]
                hess[ib + c, ib] -= alpha[dd, s] * g1[k]
    return grad, hess


def _daily(w, beta):  # pragma: no cover - compiled
    # exclusive sums over strictly earlier whole days (unit spacing):
    # s0[s] = e (s0[s-1] + w[s-1]), s1[s] = e (s1[s-1] + s0[s-1] + w[s-1]), e = exp(-beta)
    n, k = w.shape
    s0 = np.zeros((n, k))
    s1 = np.zeros((n, k))
    e = math.exp(-beta)
    for s in range(1, n):
        for j in range(k):
            a = s0[s - 1, j] + w[s - 1, j]
            s1[s, j] = e * (s1[s - 1, j] + a)
            s0[s, j] = e * a
    return s0, s1


_daily_jit = numba.njit(cache=True, nogil=True)(_daily)
_hessian_jit = numba.njit(cache=True, nogil=True)(_hessian)
_features_jit = numba.njit(cache=True, nogil=True)(_features)
_chol_solve_jit = numba.njit(cache=True, nogil=True)(_chol_solve)
_FAST = {"reassoc", "contract", "arcp"}  # no "nnan"/"ninf": -inf marks a bad step
_box_step_jit = numba.njit(cache=True, nogil=True)(_box_step)
_linear_values_jit = numba.njit(cache=True, nogil=True, fastmath=_FAST)(_linear_values)
_newton_jit = numba.njit(cache=True, nogil=True, fastmath=_FAST)(_newton)
_fused_jit = numba.njit(cache=True, nogil=True, fastmath=True)(_fused)
_shared_jit = numba.njit(cache=True, nogil=True)(_shared)
_general_jit = numba.njit(cache=True, nogil=True)(_general)


def decayed_sums_numba(data, beta: np.ndarray, *, want_s1: bool = True):
    """Compiled :func:`~sahelmodel.hawkes._loglik.decayed_sums`."""
    t = np.ascontiguousarray(data.times, dtype=np.float64)
    cols = np.ascontiguousarray(data.columns, dtype=np.int64)
    c1 = data.n_cats + 1
    ncol = data.n_dims * c1
    beta = np.ascontiguousarray(beta, dtype=np.float64)
    if np.all(beta == beta.flat[0]):
        s0, s1 = _shared_jit(t, cols, ncol, float(beta.flat[0]), want_s1)
    else:
        dims = np.ascontiguousarray(data.dims, dtype=np.int64)
        s0, s1 = _general_jit(t, dims, cols, ncol, c1, beta, want_s1)
    return s0, (s1 if want_s1 else None)


def fused_shared(data, beta: float, coef: np.ndarray, mu: np.ndarray, want_grad: bool):
    """One compiled pass for a shared decay: ``(lam, sum log lam, gmu, A, B, G0, G1)``.

    ``A[d, col] = sum_{i: d_i = d} S0[i, col] / lam_i`` and ``B`` the same with
    ``S0 - beta S1``; ``gmu`` holds ``sum 1 / lam_i`` per dimension and baseline piece;
    ``G0[col] = sum_j (1 - exp(-beta (T - t_j)))`` and ``G1[col] = sum_j (T - t_j)
    exp(-beta (T - t_j))`` over the events of each column (the compensator's parts).
    """
    return _fused_jit(np.ascontiguousarray(data.times, dtype=np.float64),
                      np.ascontiguousarray(data.dims, dtype=np.int64),
                      np.ascontiguousarray(data.columns, dtype=np.int64),
                      np.ascontiguousarray(data.piece, dtype=np.int64),
                      data.n_dims * (data.n_cats + 1), float(beta),
                      np.ascontiguousarray(coef, dtype=np.float64),
                      np.ascontiguousarray(mu, dtype=np.float64), float(data.end), want_grad)


def fixed_decay_newton(data, beta: float, mu0: np.ndarray, alpha0: np.ndarray, lb: float,
                       ub: float, *, tol: float = 1e-9, max_iter: int = 100):
    r"""Maximise the log-likelihood over baseline and excitation with the decay held fixed.

    For an unmarked process with one decay :math:`\beta`, the intensity at event :math:`i`,
    :math:`\lambda_i = \mu_{d_i p_i} + \sum_k \alpha_{d_i k} x_{ik}` with
    :math:`x_{ik} = \beta S^{(0)}_{ik}`, is linear in the parameters of its own target
    :math:`d_i`, and so is the compensator :math:`\sum_p \mu_{dp}|I_p| + \sum_k
    \alpha_{dk} G_k`, :math:`G_k = \sum_{j: d_j = k}(1 - e^{-\beta (T - t_j)})`. The
    log-likelihood is therefore a sum over targets of concave functions of
    :math:`(\mu_d, \alpha_d)`, each maximised over the box ``[lb, ub]`` by projected Newton
    steps (exact Hessian :math:`-\sum_i z_i z_i^\top / \lambda_i^2`, Armijo line search) on
    the sums :math:`x` computed once. ``tol`` bounds the Newton decrement (about twice the
    log-likelihood still to gain) per target; the objective is self-concordant, so a full
    (undamped, unclipped) step with decrement below :math:`(r / (1 + r))^2`,
    :math:`r = \mathrm{tol}^{1/4}`, already leaves less than ``tol`` and ends the target
    without a confirming pass.

    Returns ``(loglik, mu (D, P), alpha (D, D), n_iter, converged)``.
    """
    t = np.ascontiguousarray(data.times, dtype=np.float64)
    cols = np.ascontiguousarray(data.columns, dtype=np.int64)
    d = data.n_dims
    x, gk = _features_jit(t, cols, d, float(beta), float(data.end))
    npc = data.n_pieces
    cost = np.concatenate([np.diff(data.edges), gk])
    phi0 = np.concatenate([np.asarray(mu0, dtype=float).reshape(d, npc),
                           np.asarray(alpha0, dtype=float).reshape(d, d)], axis=1)
    phi, f, n_iter, ok = _newton_jit(x, np.ascontiguousarray(data.dims, dtype=np.int64),
                                     np.ascontiguousarray(data.piece, dtype=np.int64), npc,
                                     cost, phi0, float(lb), float(ub), float(tol), int(max_iter))
    return float(f.sum()), phi[:, :npc].copy(), phi[:, npc:].copy(), int(n_iter), bool(ok)


def shared_hessian(data, beta: float, alpha: np.ndarray, mu: np.ndarray, kappa: np.ndarray):
    r"""Natural-scale gradient and Hessian of the log-likelihood, one shared decay, in one pass.

    Parameters are ordered ``mu (D * P), alpha (D * D), beta, kappa (C)``. With
    :math:`A_{is} = \sum_c w_c S^{(0)}_{i,sc}` (``w = (1, kappa)``), the intensity
    :math:`\lambda_i = \mu_{d_i p_i} + \beta\sum_s \alpha_{d_i s} A_{is}` has first
    derivatives :math:`z_i` and second derivatives :math:`\partial^2\lambda_i` built from the
    lag moments :math:`S^{(m)}_{ik} = \sum_{j} (t_i - t_j)^m e^{-\beta(t_i - t_j)}`,
    :math:`m = 0, 1, 2` (e.g. :math:`\partial^2_\beta (\beta S^{(0)}) = \beta S^{(2)}
    - 2 S^{(1)}`), and :math:`\nabla^2\ell = \sum_i (\partial^2\lambda_i/\lambda_i
    - z_i z_i^\top/\lambda_i^2) - \nabla^2\Lambda`, the compensator's part from
    :math:`\sum_j (T - t_j)^m e^{-\beta (T - t_j)}`. Returns ``(grad, hess)``.
    """
    grad, hess = _hessian_jit(np.ascontiguousarray(data.times, dtype=np.float64),
                              np.ascontiguousarray(data.dims, dtype=np.int64),
                              np.ascontiguousarray(data.columns, dtype=np.int64),
                              np.ascontiguousarray(data.piece, dtype=np.int64), data.n_dims,
                              data.n_cats + 1, data.n_pieces, float(beta),
                              np.ascontiguousarray(alpha, dtype=np.float64),
                              np.ascontiguousarray(mu, dtype=np.float64),
                              np.concatenate([[1.0], np.asarray(kappa, dtype=float)]),
                              float(data.end))
    grad[: data.n_dims * data.n_pieces] -= np.tile(np.diff(data.edges), data.n_dims)
    return grad, hess


def daily_excl_sums(w: np.ndarray, beta: float):
    """Compiled :func:`~sahelmodel.hawkes._loglik.excl_sums` for the times ``0, 1, ..., n - 1``."""
    return _daily_jit(np.ascontiguousarray(w, dtype=np.float64), float(beta))

