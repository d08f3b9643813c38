r"""Compiled passes over the observations for the fixed-effect solvers (numba).

The factors of a sample are held as one ``(n, F)`` integer array ``idx`` of *stacked* level
indices (factor ``f``'s levels shifted by the number of levels of the factors before it), so
that the indicator matrix is :math:`D_{i, \mathrm{idx}[i, f]} = 1`. Each kernel is a single
pass over the rows that touches every factor and every column at once:

* :func:`weighted_sums`: :math:`b = D^\top W X` and the diagonal :math:`D^\top W 1`;
* :func:`normal_product`: :math:`(D^\top W D) P`, computed as :math:`D^\top W (D P)`
  without forming the normal matrix;
* :func:`subtract_effects`: :math:`X - D A` (:func:`subtract_gram` also forms the weighted
  cross-products of the result);
* :func:`weighted_gram`: :math:`\tilde X^\top W \tilde X` and :math:`\tilde X^\top W \tilde z`;
* :func:`poisson_loglik_step`: the Poisson log-likelihood at a damped step of the linear
  predictor, without storing the step (:func:`take_step` applies it in place once accepted);
* :func:`nb2_loglik_step`: the same for the NB2 likelihood's :math:`\mu`-dependent part;
* :func:`count_working`, :func:`count_final`, :func:`linear_predictor`,
  :func:`fixed_part`: the IRLS working quantities written into preallocated buffers (the
  means are recomputed from the linear predictor rather than stored);
* :func:`bipartite_components`: the components of two factors' bipartite graph (the rank of
  two fixed effects) by union-find, without forming the graph.

Optional row arrays (offset, prior weights) are passed as empty arrays when absent, so no
array of zeros or ones of length ``n`` is ever allocated for them.

The slow twins are the numpy expressions in the docstrings; ``tests/regression`` checks each
kernel against them.
"""

from __future__ import annotations

import functools
import math
from types import SimpleNamespace

import numba
import numpy as np

__all__ = [
    "bipartite_components",
    "count_final",
    "count_working",
    "exp_into",
    "fixed_part",
    "for_factors",
    "linear_predictor",
    "nb2_excess",
    "nb2_loglik_mu",
    "nb2_loglik_step",
    "nb2_mu_sums",
    "normal_product",
    "poisson_loglik_step",
    "residual_sums",
    "subtract_effects",
    "subtract_gram",
    "sum_log_factorial",
    "take_step",
    "weighted_gram",
    "weighted_sums",
]

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
    def subtract_effects(idx, x, coef, out):  # type: ignore[no-untyped-def]
        n = idx.shape[0]
        k = x.shape[1]
        for i in range(n):
            for j in range(k):
                v = x[i, j]
                for f in range(n_f):
                    v -= coef[idx[i, f], j]
                out[i, j] = v
        return out

    @numba.jit(**_JIT)
    def subtract_gram(idx, x, coef, w, out):  # type: ignore[no-untyped-def]
        n = idx.shape[0]
        k = x.shape[1]
        gram = np.zeros((k, k))
        v = np.empty(k)
        for i in range(n):
            for j in range(k):
                u = x[i, j]
                for f in range(n_f):
                    u -= coef[idx[i, f], j]
                out[i, j] = u
                v[j] = u
            wi = w[i]
            for a in range(k):
                wa = wi * v[a]
                for c in range(a, k):
                    gram[a, c] += wa * v[c]
        for a in range(k):
            for c in range(a):
                gram[a, c] = gram[c, a]
        return out, gram

    return SimpleNamespace(weighted_sums=weighted_sums, normal_product=normal_product,
                           residual_sums=residual_sums, subtract_effects=subtract_effects,
                           subtract_gram=subtract_gram)


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


def subtract_effects(idx: np.ndarray, x: np.ndarray, coef: np.ndarray,
                     out: np.ndarray | None = None) -> np.ndarray:
    """``x - D @ coef`` (n × k), written into ``out`` when given (it may be ``x``)."""
    out = np.empty(x.shape) if out is None else out
    return for_factors(idx.shape[1]).subtract_effects(idx, x, coef, out)


def subtract_gram(idx: np.ndarray, x: np.ndarray, coef: np.ndarray, w: np.ndarray,
                  out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(t, t.T @ (w[:, None] * t))`` with ``t = x - D @ coef``, in one pass.

    ``t`` is written into ``out`` when given.
    """
    out = np.empty(x.shape) if out is None else out
    return for_factors(idx.shape[1]).subtract_gram(idx, x, coef, w, out)


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
def poisson_loglik_step(eta: np.ndarray, eta_new: np.ndarray, step: float, y: np.ndarray,
                        pw: np.ndarray, lyf_sum: float) -> tuple[float, float]:
    r"""The Poisson log-likelihood at a damped step, in one pass that stores nothing.

    With ``e = eta + step * (eta_new - eta)`` and ``mu = exp(min(e, 700))``, returns
    ``(sum(pw * (xlogy(y, mu) - mu)) - lyf_sum, max |e - eta|)``, where
    ``lyf_sum = sum(pw * log(y!))``; an empty ``pw`` stands for unit weights.
    """
    n = eta.size
    has_pw = pw.size > 0
    ll = 0.0
    dmax = 0.0
    for i in range(n):
        e = eta[i] + step * (eta_new[i] - eta[i])
        d = abs(e - eta[i])
        if d > dmax:
            dmax = d
        ec = min(e, 700.0)
        m = np.exp(ec)
        wi = pw[i] if has_pw else 1.0
        yi = y[i]
        if yi != 0.0:
            if m > 0.0:  # (xlogy(y, exp(e)) = y * e while exp(e) does not underflow)
                ll += wi * (yi * (ec if m >= 2.3e-308 else np.log(m)) - m)
            else:
                ll += -np.inf
        else:
            ll -= wi * m
    return ll - lyf_sum, dmax


@numba.jit(**_JIT)
def take_step(eta: np.ndarray, eta_new: np.ndarray, step: float) -> np.ndarray:
    """``eta += step * (eta_new - eta)`` in place (the values :func:`poisson_loglik_step` saw)."""
    for i in range(eta.size):
        eta[i] = eta[i] + step * (eta_new[i] - eta[i])
    return eta


@numba.jit(**_JIT)
def count_working(y: np.ndarray, eta: np.ndarray, off: np.ndarray, pw: np.ndarray,
                  disp: float, cols: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""IRLS weights and working response of a log-link Poisson / NB2 model, in one pass.

    With ``mu = exp(min(eta, 700))``: ``w = pw * mu / (1 + disp * mu)`` (``disp = 0``:
    Poisson) and ``cols[:, 0] = eta - off + (y - mu) / mu`` (the score times ``pw`` over
    ``w``, the same for both families); returns ``w`` (written into the given array). An
    empty ``off`` stands for zeros, an empty ``pw`` for ones.
    """
    n = y.size
    has_off = off.size > 0
    has_pw = pw.size > 0
    for i in range(n):
        e = eta[i]
        m = np.exp(min(e, 700.0))
        v = m / (1.0 + disp * m)
        w[i] = pw[i] * v if has_pw else v
        cols[i, 0] = (e - off[i] if has_off else e) + (y[i] - m) / m
    return w


@numba.jit(**_JIT)
def count_final(y: np.ndarray, eta: np.ndarray, off: np.ndarray, pw: np.ndarray, disp: float,
                cols: np.ndarray, mu: np.ndarray, score: np.ndarray, w: np.ndarray) -> None:
    r"""Means, prior-weighted scores, weights and working response at the final predictor.

    ``mu = exp(min(eta, 700))``, ``score = pw * (y - mu) / (1 + disp * mu)``,
    ``w = pw * mu / (1 + disp * mu)`` and ``cols[:, 0] = eta - off + (y - mu) / mu``, written
    into the given arrays (``w`` may be ``mu`` itself for an unweighted Poisson fit, where the
    two are equal; empty ``off`` / ``pw``: zeros / ones).
    """
    has_off = off.size > 0
    has_pw = pw.size > 0
    for i in range(y.size):
        e = eta[i]
        m = np.exp(min(e, 700.0))
        mu[i] = m
        r = y[i] - m
        den = 1.0 + disp * m
        p = pw[i] if has_pw else 1.0
        score[i] = p * r / den
        w[i] = p * m / den
        cols[i, 0] = (e - off[i] if has_off else e) + r / m


@numba.jit(**_JIT)
def exp_into(eta: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """``mu = exp(min(eta, 700))`` written into ``mu``."""
    for i in range(eta.size):
        mu[i] = np.exp(min(eta[i], 700.0))
    return mu


@numba.jit(**_JIT)
def _nb2_row(yi: float, m: float, theta: float, lt: float) -> float:
    """One row's NB2 log-likelihood without its log y! term (``lt`` is log theta)."""
    ltm = np.log(theta + m)
    v = theta * (lt - ltm)
    if yi != 0.0:
        v += yi * (np.log(m) - ltm) if m > 0.0 else -np.inf
    return v


@numba.jit(**_JIT)
def nb2_loglik_step(eta: np.ndarray, eta_new: np.ndarray, step: float, y: np.ndarray,
                    pw: np.ndarray, lyf_sum: float, theta: float) -> tuple[float, float]:
    r"""The :math:`\mu`-dependent NB2 log-likelihood at a damped step, storing nothing.

    As :func:`nb2_loglik_mu` at ``mu = exp(min(e, 700))``, ``e = eta + step * (eta_new -
    eta)``; also returns ``max |e - eta|`` (empty ``pw``: unit weights).
    """
    lt = np.log(theta)
    has_pw = pw.size > 0
    out = 0.0
    dmax = 0.0
    for i in range(y.size):
        e = eta[i] + step * (eta_new[i] - eta[i])
        d = abs(e - eta[i])
        if d > dmax:
            dmax = d
        v = _nb2_row(y[i], np.exp(min(e, 700.0)), theta, lt)
        out += (pw[i] if has_pw else 1.0) * v
    return out - lyf_sum, dmax


@numba.jit(**_JIT)
def nb2_excess(y: np.ndarray, mu: np.ndarray, pw: np.ndarray) -> tuple[float, float]:
    r"""``(sum(pw * ((y - mu)**2 - y)), sum(pw * mu**2))``: the overdispersion score terms."""
    has_pw = pw.size > 0
    a = 0.0
    b = 0.0
    for i in range(y.size):
        p = pw[i] if has_pw else 1.0
        r = y[i] - mu[i]
        a += p * (r * r - y[i])
        b += p * mu[i] * mu[i]
    return a, b


@numba.jit(**_JIT)
def linear_predictor(off: np.ndarray, cols: np.ndarray, tilde: np.ndarray,
                     beta: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``off + z - (tilde[:, 0] - tilde[:, 1:] @ beta)`` with ``z = cols[:, 0]``.

    An empty ``off`` stands for zeros.
    """
    n = cols.shape[0]
    k = beta.size
    has_off = off.size > 0
    for i in range(n):
        v = cols[i, 0] - tilde[i, 0]
        if has_off:
            v += off[i]
        for j in range(k):
            v += tilde[i, j + 1] * beta[j]
        out[i] = v
    return out


@numba.jit(**_JIT)
def fixed_part(eta: np.ndarray, off: np.ndarray, cols: np.ndarray, beta: np.ndarray,
               out: np.ndarray) -> np.ndarray:
    """``eta - off - cols[:, 1:] @ beta``: the summed fixed effects (empty ``off``: zeros)."""
    k = beta.size
    has_off = off.size > 0
    for i in range(eta.size):
        v = eta[i] - off[i] if has_off else eta[i]
        for j in range(k):
            v -= cols[i, j + 1] * beta[j]
        out[i] = v
    return out


@numba.jit(**_JIT)
def bipartite_components(a: np.ndarray, b: np.ndarray, n_a: int, n_b: int) -> int:
    """Connected components of the bipartite graph with an edge ``(a[i], n_a + b[i])`` per row.

    Union-find with path halving over the ``n_a + n_b`` levels (levels without an edge count
    as components of their own), in one pass and without forming the graph.
    """
    parent = np.arange(n_a + n_b)
    for i in range(a.size):
        u = a[i]
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        v = n_a + b[i]
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        if u != v:
            if u < v:
                parent[v] = u
            else:
                parent[u] = v
    count = 0
    for j in range(n_a + n_b):
        if parent[j] == j:
            count += 1
    return count


@numba.jit(**_JIT)
def nb2_mu_sums(y: np.ndarray, mu: np.ndarray, pw: np.ndarray, theta: float
                ) -> tuple[float, float, float, float]:
    r"""The :math:`\mu`-dependent sums of the NB2 score and slope in :math:`\theta`.

    With :math:`t_i = \theta + \mu_i`: :math:`\sum w \log t`, :math:`\sum w (y + \theta)/t`,
    :math:`\sum w / t` and :math:`\sum w (y + \theta)/t^2` (empty ``pw``: unit weights).
    """
    has_pw = pw.size > 0
    a = 0.0
    b = 0.0
    c = 0.0
    d = 0.0
    for i in range(y.size):
        t = theta + mu[i]
        inv = 1.0 / t
        wi = pw[i] if has_pw else 1.0
        q = wi * (y[i] + theta) * inv
        a += wi * np.log(t)
        b += q
        c += wi * inv
        d += q * inv
    return a, b, c, d


@numba.jit(**_JIT)
def nb2_loglik_mu(y: np.ndarray, mu: np.ndarray, pw: np.ndarray, lyf_sum: float,
                  theta: float) -> float:
    r"""The :math:`\mu`-dependent part of the NB2 log-likelihood (and :math:`-\log y!`).

    :math:`\sum w\,[\theta(\log\theta - \log(\theta + \mu)) + y\log\mu
    - y\log(\theta + \mu)] - \sum w \log y!`, with :math:`y \log\mu = 0` at :math:`y = 0`;
    ``lyf_sum`` is :math:`\sum w \log y!` (:func:`sum_log_factorial`); empty ``pw``: unit
    weights.
    """
    lt = np.log(theta)
    has_pw = pw.size > 0
    out = 0.0
    for i in range(y.size):
        out += (pw[i] if has_pw else 1.0) * _nb2_row(y[i], mu[i], theta, lt)
    return out - lyf_sum


@numba.jit(**_JIT)
def sum_log_factorial(y: np.ndarray, pw: np.ndarray) -> float:
    """``sum(pw * log(y!))`` (``math.lgamma(y + 1)``), without a temporary array.

    An empty ``pw`` stands for unit weights.
    """
    has_pw = pw.size > 0
    out = 0.0
    for i in range(y.size):
        if y[i] > 1.0:
            out += (pw[i] if has_pw else 1.0) * math.lgamma(y[i] + 1.0)
    return out
