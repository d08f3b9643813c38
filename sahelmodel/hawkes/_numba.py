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

__all__ = ["HAVE_NUMBA", "decayed_sums_numba", "fused_shared"]


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
