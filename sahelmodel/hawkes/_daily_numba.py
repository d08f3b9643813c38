"""Compiled one-pass likelihood of the daily-count Hawkes model for one shared decay.

The reference twin is the numpy form of :func:`~sahelmodel.hawkes.discrete.daily_loglik_and_grad`
(blocked sums over earlier days, :func:`~sahelmodel.hawkes._loglik.excl_sums`).
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["daily_fused"]


def _daily_fused(yc, piece, mu, alpha, beta, wcat, lam, gmu, galpha, gbeta, gk
                 ):  # pragma: no cover - compiled
    # one pass over the days for one shared decay. Carried per (source, category) column:
    # u[s] = sum_{s' < s} e^{-beta (s - s' - 1)} y[s'] and v[s] = sum (s - s') e^{...} y[s']
    # (u = e^beta S0, v = e^beta S1: the kernel (e^beta - 1) e^{-beta l} is (1 - e) e^{-beta
    # (l - 1)}, finite for every decay), u <- e u + y, v <- e (v + u) + y
    n, d, c1 = yc.shape
    e = math.exp(-beta)
    q = -math.expm1(-beta)  # 1 - e
    u = np.zeros((d, c1))
    v = np.zeros((d, c1))
    uw = np.zeros(d)
    vw = np.zeros(d)
    ll = 0.0
    ok = True
    for s in range(n):
        for k in range(d):
            a0 = 0.0
            a1 = 0.0
            for c in range(c1):
                a0 += wcat[c] * u[k, c]
                a1 += wcat[c] * v[k, c]
            uw[k] = a0
            vw[k] = a1
        p = piece[s]
        for dd in range(d):
            x = mu[dd, p]
            for k in range(d):
                x += alpha[dd, k] * q * uw[k]
            lam[s, dd] = x
            if not (x > 0.0 and x < np.inf):
                ok = False
                continue
            y = 0.0
            for c in range(c1):
                y += yc[s, dd, c]
            if y > 0.0:
                ll += y * math.log(x)
            ll -= x
            r = y / x - 1.0
            gmu[dd, p] += r
            for k in range(d):
                galpha[dd, k] += q * r * uw[k]
                gbeta[dd, k] += alpha[dd, k] * r * (uw[k] - q * vw[k])
                ra = r * alpha[dd, k] * q
                for c in range(c1):
                    gk[c] += ra * u[k, c]
        for k in range(d):
            for c in range(c1):
                v[k, c] = e * (v[k, c] + u[k, c]) + yc[s, k, c]
                u[k, c] = e * u[k, c] + yc[s, k, c]
    return ll, ok


_daily_fused_jit = numba.njit(cache=True, nogil=True)(_daily_fused)


def daily_fused(yc: np.ndarray, piece: np.ndarray, mu: np.ndarray, alpha: np.ndarray,
                beta: float, kappa: np.ndarray):
    r"""Daily-count log-likelihood and gradient for one shared decay, in one compiled pass.

    Same model and result as :func:`~sahelmodel.hawkes.discrete.daily_loglik_and_grad`
    (its numpy form, built on the blocked sums over earlier days, is the reference twin):
    :math:`\lambda_{ds} = \mu_{d,p(s)} + (e^\beta - 1)\sum_k \alpha_{dk} \sum_c w_c
    S^{(0)}_{skc}` with the day recursions of
    :func:`~sahelmodel.hawkes._numba.daily_excl_sums` carried along (scaled by
    :math:`e^\beta`, so the kernel stays finite at every decay where the numpy form
    overflows past :math:`\beta \approx 700`), and no ``(n_days, D, D, C + 1)`` arrays
    are built. Returns ``(sum (y log lam - lam), ok, lam,
    gmu, galpha, gbeta, gk)``, ``ok`` False when an intensity is not positive and finite
    (the terms of such a day are left out); ``gk`` has one entry per category, the
    unmarked one first.
    """
    yc = np.ascontiguousarray(yc, dtype=np.float64)
    n, d, c1 = yc.shape
    mu = np.ascontiguousarray(mu, dtype=np.float64)
    lam = np.empty((n, d))
    gmu = np.zeros(mu.shape)
    galpha = np.zeros((d, d))
    gbeta = np.zeros((d, d))
    gk = np.zeros(c1)
    ll, ok = _daily_fused_jit(yc, np.ascontiguousarray(piece, dtype=np.int64), mu,
                              np.ascontiguousarray(alpha, dtype=np.float64), float(beta),
                              np.concatenate([[1.0], np.asarray(kappa, dtype=float)]), lam,
                              gmu, galpha, gbeta, gk)
    return float(ll), bool(ok), lam, gmu, galpha, gbeta, gk
