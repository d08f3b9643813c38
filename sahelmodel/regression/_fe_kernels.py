r"""Compiled passes over the observations for the fixed-effect solvers (numba).

The factors of a sample are held as one ``(n, F)`` integer array ``idx`` of *stacked* level
indices (factor ``f``'s levels shifted by the number of levels of the factors before it), so
that the indicator matrix is :math:`D_{i, \mathrm{idx}[i, f]} = 1`. Each kernel is a single
pass over the rows that touches every factor and every column at once:

* :func:`weighted_sums`: :math:`b = D^\top W X` and the diagonal :math:`D^\top W 1`;
* :func:`normal_product`: :math:`(D^\top W D) P`, computed as :math:`D^\top W (D P)`
  without forming the normal matrix;
* :func:`subtract_effects`: :math:`X - D A`;
* :func:`weighted_gram`: :math:`\tilde X^\top W \tilde X` and :math:`\tilde X^\top W \tilde z`;
* :func:`poisson_step`: a damped step of the linear predictor, the means and the Poisson
  log-likelihood.

The slow twins are the numpy expressions in the docstrings; ``tests/regression`` checks each
kernel against them.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numba
import numpy as np

__all__ = ["for_factors", "linear_predictor", "normal_product", "poisson_step", "poisson_working",
           "residual_sums", "subtract_effects", "weighted_gram", "weighted_sums"]

_JIT = {"nopython": True, "nogil": True, "cache": True, "fastmath": False}


@functools.cache
def for_factors(n_f: int) -> SimpleNamespace:
    """The passes that read the level indices, compiled for ``n_f`` factors.

    The number of factors is a compile-time constant of each kernel (the loops over the
    factors unroll, which makes the passes several times faster than with a run-time count).
    """

    @numba.jit(**_JIT)
    def weighted_sums(idx, w, x, n_levels):  # type: ignore[no-untyped-def]
        n = idx.shape[0]
        k = x.shape[1]
        b = np.zeros((n_levels, k))
        diag = np.zeros(n_levels)
        for i in range(n):
            wi = w[i]
            for f in range(n_f):
                diag[idx[i, f]] += wi
            for j in range(k):
                v = wi * x[i, j]
                for f in range(n_f):
                    b[idx[i, f], j] += v
        return b, diag

    @numba.jit(**_JIT)
    def normal_product(idx, w, p):  # type: ignore[no-untyped-def]
        n = idx.shape[0]
        k = p.shape[1]
        out = np.zeros_like(p)
        for i in range(n):
            wi = w[i]
            for j in range(k):
                s = 0.0
                for f in range(n_f):
                    s += p[idx[i, f], j]
                s *= wi
                for f in range(n_f):
                    out[idx[i, f], j] += s
        return out

    @numba.jit(**_JIT)
    def residual_sums(idx, w, x, coef):  # type: ignore[no-untyped-def]
        n = idx.shape[0]
        k = x.shape[1]
        b = np.zeros((coef.shape[0], k))
        r = np.zeros((coef.shape[0], k))
        diag = np.zeros(coef.shape[0])
        for i in range(n):
            wi = w[i]
            for f in range(n_f):
                diag[idx[i, f]] += wi
            for j in range(k):
                v = x[i, j]
                s = v
                for f in range(n_f):
                    s -= coef[idx[i, f], j]
                s *= wi
                v *= wi
                for f in range(n_f):
                    g = idx[i, f]
                    r[g, j] += s
                    b[g, j] += v
        return b, r, diag

    @numba.jit(**_JIT)
    def subtract_effects(idx, x, coef):  # type: ignore[no-untyped-def]
        n = idx.shape[0]
        k = x.shape[1]
        out = np.empty((n, k))
        for i in range(n):
            for j in range(k):
                v = x[i, j]
                for f in range(n_f):
                    v -= coef[idx[i, f], j]
                out[i, j] = v
        return out

    return SimpleNamespace(weighted_sums=weighted_sums, normal_product=normal_product,
                           residual_sums=residual_sums, subtract_effects=subtract_effects)


def weighted_sums(idx: np.ndarray, w: np.ndarray, x: np.ndarray, n_levels: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """``(D.T @ (w[:, None] * x), D.T @ w)`` for stacked level indices ``idx`` (n × F)."""
    return for_factors(idx.shape[1]).weighted_sums(idx, w, x, n_levels)


def normal_product(idx: np.ndarray, w: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``D.T @ (w[:, None] * (D @ p))``: the normal matrix times ``p`` (G × k)."""
    return for_factors(idx.shape[1]).normal_product(idx, w, p)


def residual_sums(idx: np.ndarray, w: np.ndarray, x: np.ndarray, coef: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Right-hand side and residual at a warm start in one pass.

    Returns ``(b, b - A @ coef, D.T @ w)`` with ``b = D.T @ (w[:, None] * x)`` and
    ``A = D.T @ W @ D``.
    """
    return for_factors(idx.shape[1]).residual_sums(idx, w, x, coef)


def subtract_effects(idx: np.ndarray, x: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``x - D @ coef`` (n × k)."""
    return for_factors(idx.shape[1]).subtract_effects(idx, x, coef)


@numba.jit(**_JIT)
def weighted_gram(xz: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``xz.T @ (w[:, None] * xz)`` for the ``(n, k + 1)`` array of ``[z, X]`` columns."""
    n, m = xz.shape
    out = np.zeros((m, m))
    for i in range(n):
        wi = w[i]
        for a in range(m):
            v = wi * xz[i, a]
            for c in range(a, m):
                out[a, c] += v * xz[i, c]
    for a in range(m):
        for c in range(a):
            out[a, c] = out[c, a]
    return out


@numba.jit(**_JIT)
def poisson_step(eta: np.ndarray, eta_new: np.ndarray, step: float, y: np.ndarray,
                 pw: np.ndarray, lyf: np.ndarray, eta_out: np.ndarray,
                 mu_out: np.ndarray) -> tuple[float, float]:
    r"""Damped step and the Poisson log-likelihood at it, in one pass.

    ``eta_out = eta + step * (eta_new - eta)``, ``mu_out = exp(min(eta_out, 700))`` and
    returns ``(sum(pw * (xlogy(y, mu) - mu - lyf)), max |eta_out - eta|)``.
    """
    n = eta.size
    ll = 0.0
    dmax = 0.0
    for i in range(n):
        e = eta[i] + step * (eta_new[i] - eta[i])
        d = abs(e - eta[i])
        if d > dmax:
            dmax = d
        eta_out[i] = e
        ec = min(e, 700.0)
        m = np.exp(ec)
        mu_out[i] = m
        yi = y[i]
        if yi != 0.0:
            if m > 0.0:
                ll += pw[i] * (yi * np.log(m) - m - lyf[i])
            else:
                ll += -np.inf
        else:
            ll += pw[i] * (-m - lyf[i])
    return ll, dmax


@numba.jit(**_JIT)
def poisson_working(y: np.ndarray, eta: np.ndarray, mu: np.ndarray, off: np.ndarray,
                    pw: np.ndarray, cols: np.ndarray) -> np.ndarray:
    r"""Poisson IRLS weights ``w = pw * mu`` and working response ``cols[:, 0]``.

    ``z = eta - off + (y - mu) / mu`` (the score times ``pw`` over ``w``); returns ``w``.
    """
    n = y.size
    w = np.empty(n)
    for i in range(n):
        m = mu[i]
        w[i] = pw[i] * m
        cols[i, 0] = eta[i] - off[i] + (y[i] - m) / m
    return w


@numba.jit(**_JIT)
def linear_predictor(off: np.ndarray, cols: np.ndarray, tilde: np.ndarray,
                     beta: np.ndarray) -> np.ndarray:
    """``off + z - (tilde[:, 0] - tilde[:, 1:] @ beta)`` with ``z = cols[:, 0]``."""
    n = off.size
    k = beta.size
    out = np.empty(n)
    for i in range(n):
        v = off[i] + cols[i, 0] - tilde[i, 0]
        for j in range(k):
            v += tilde[i, j + 1] * beta[j]
        out[i] = v
    return out
