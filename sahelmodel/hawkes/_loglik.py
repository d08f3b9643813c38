r"""Vectorised log-likelihood and analytic gradient of exponential-kernel Hawkes processes.

Private array core: plain numpy arrays in, plain arrays out (no pandas, no result objects).

Model
-----
Events :math:`(t_i, d_i, c_i)` on :math:`[S, T]` (time, dimension, mark category; category 0 is
an ordinary event, category :math:`c \ge 1` multiplies the productivity by :math:`\kappa_c`).
The intensity of dimension :math:`d` is

.. math::

    \lambda_d(t) = \mu_{d,p(t)} + \sum_k \alpha_{dk}\,\beta_{dk}
        \sum_{j:\,d_j = k,\ t_j < t} \kappa_{c_j} e^{-\beta_{dk}(t - t_j)},

with :math:`\kappa_0 = 1`, a baseline constant on the pieces :math:`p` of a partition of
:math:`[S, T]`, branching ratios :math:`\alpha_{dk}` (expected direct offspring in :math:`d` of an
ordinary event in :math:`k`) and decays :math:`\beta_{dk}` (mean lag :math:`1/\beta_{dk}`). The
log-likelihood is

.. math::

    \ell = \sum_i \log \lambda_{d_i}(t_i) - \sum_d \int_S^T \lambda_d(t)\,dt, \qquad
    \int_S^T \lambda_d = \sum_p \mu_{dp} |I_p|
        + \sum_k \alpha_{dk} \sum_{j: d_j = k} \kappa_{c_j}\bigl(1 - e^{-\beta_{dk}(T - t_j)}\bigr).

Only strictly earlier events excite (``t_j < t``): tied events do not excite one another, which
is the left-continuous intensity of the continuous-time model.

Sums over the past
------------------
Everything reduces to, for every event :math:`i` and source column :math:`k`,

.. math::

    S^{(0)}_{ik} = \sum_{j: t_j < t_i} W_{jk} e^{-\beta (t_i - t_j)}, \qquad
    S^{(1)}_{ik} = \sum_{j: t_j < t_i} W_{jk} (t_i - t_j) e^{-\beta (t_i - t_j)}.

:func:`excl_sums` computes them without a Python loop per event: tied times are merged, events are
cut into blocks of ``BLOCK`` consecutive times, sums inside a block are a masked
``BLOCK × BLOCK`` product of kernel values (every exponent is a *difference of times* times a
decay, never a difference of large products, so no precision is lost on long windows), and the
contribution of earlier blocks is carried by the same computation applied recursively to the block
aggregates. Exclusive sums are obtained by shifting, never by subtracting an inclusive sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = ["HawkesArrays", "HawkesParams", "decayed_sums", "excl_sums", "loglik_and_grad"]

BLOCK = 8
_CHUNK = 16384  # blocks per vectorised chunk (bounds memory to ~_CHUNK * BLOCK**2 floats)


@dataclass(frozen=True)
class HawkesArrays:
    """Event data as arrays.

    Attributes
    ----------
    times : ndarray of float, sorted ascending
    dims : ndarray of int, in ``0 .. n_dims - 1``
    cats : ndarray of int, mark category per event in ``0 .. n_cats`` (0 = unmarked)
    start, end : float
        Observation window.
    n_dims, n_cats : int
        Number of dimensions and of *marked* categories (``kappa`` has ``n_cats`` entries).
    edges : ndarray of float
        Baseline piece edges ``start = e_0 < ... < e_P = end``.
    """

    times: np.ndarray
    dims: np.ndarray
    cats: np.ndarray
    start: float
    end: float
    n_dims: int
    n_cats: int
    edges: np.ndarray

    @property
    def n_pieces(self) -> int:
        """Number of baseline pieces."""
        return self.edges.size - 1

    @cached_property
    def piece(self) -> np.ndarray:
        """Baseline piece of every event."""
        return np.clip(np.searchsorted(self.edges, self.times, side="right") - 1, 0,
                       self.n_pieces - 1)

    @cached_property
    def columns(self) -> np.ndarray:
        """Source column of every event: ``dim * (n_cats + 1) + cat``."""
        return self.dims * (self.n_cats + 1) + self.cats


@dataclass(frozen=True)
class HawkesParams:
    """Natural-scale parameters: ``mu (D, P)``, ``alpha, beta (D, D)``, ``kappa (C,)``.

    ``mix = (decays (M,), weights (M,))`` for a sum-of-exponentials kernel (``beta`` unused).
    """

    mu: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    kappa: np.ndarray
    mix: tuple[np.ndarray, np.ndarray] | None = None  # (decays, weights) of a sum of exps


def _block_local(tb: np.ndarray, wb: np.ndarray, beta: float, want_s1: bool):
    """Within-block exclusive sums for blocks ``tb (nb, B)``, weights ``wb (nb, B, K)``."""
    lag = tb[:, :, None] - tb[:, None, :]
    mask = np.tri(tb.shape[1], k=-1, dtype=bool)[None]
    ker = np.where(mask, np.exp(-beta * np.maximum(lag, 0.0)), 0.0)
    s0 = ker @ wb
    s1 = (ker * lag) @ wb if want_s1 else None
    return s0, s1


def excl_sums(t: np.ndarray, w: np.ndarray, beta: float, *, want_s1: bool = True):
    """Exclusive exponentially decayed sums over strictly earlier times.

    Parameters
    ----------
    t : ndarray, shape (n,)
        Sorted times (ties allowed: tied times do not contribute to one another).
    w : ndarray, shape (n, K)
        Weights.
    beta : float
        Decay rate.
    want_s1 : bool
        Also return the lag-weighted sums.

    Returns
    -------
    s0, s1 : ndarray, shape (n, K)
        ``s0[i] = sum_{t_j < t_i} w_j exp(-beta (t_i - t_j))``, ``s1`` the same with an extra
        factor ``(t_i - t_j)`` (``None`` if not requested).
    """
    n, k = w.shape
    if n == 0:
        return np.zeros((0, k)), (np.zeros((0, k)) if want_s1 else None)
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(t[1:], t[:-1], out=new[1:])
    if new.all():
        return _excl_unique(t, w, beta, want_s1)
    first = np.flatnonzero(new)
    inv = np.cumsum(new) - 1
    s0, s1 = _excl_unique(t[first], np.add.reduceat(w, first, axis=0), beta, want_s1)
    return s0[inv], (s1[inv] if want_s1 else None)


def _excl_unique(t: np.ndarray, w: np.ndarray, beta: float, want_s1: bool):
    n, k = w.shape
    nb = -(-n // BLOCK)
    pad = nb * BLOCK - n
    tp = np.concatenate([t, np.full(pad, t[-1])]) if pad else t
    wp = np.concatenate([w, np.zeros((pad, k))]) if pad else w
    tb = tp.reshape(nb, BLOCK)
    wb = wp.reshape(nb, BLOCK, k)
    s0 = np.empty((nb, BLOCK, k))
    s1 = np.empty((nb, BLOCK, k)) if want_s1 else None
    for lo in range(0, nb, _CHUNK):  # a loop over chunks of blocks, not over events
        hi = min(nb, lo + _CHUNK)
        a, b = _block_local(tb[lo:hi], wb[lo:hi], beta, want_s1)
        s0[lo:hi] = a
        if want_s1:
            s1[lo:hi] = b
    if nb > 1:
        tau = tb[:, 0]
        # aggregates of block s evaluated at the start of block s + 1 (lags >= 0)
        lag_next = tau[1:, None] - tb[:-1]
        e_next = np.exp(-beta * lag_next)
        agg0 = np.einsum("sb,sbk->sk", e_next, wb[:-1])
        cols = [agg0]
        if want_s1:
            cols.append(np.einsum("sb,sbk->sk", e_next * lag_next, wb[:-1]))
        x = np.concatenate(cols, axis=1)
        # carry into block s (s >= 1) at time tau_s: inclusive sum over the aggregates 0..s-1
        r0, r1 = _excl_unique(tau[1:], x, beta, want_s1)
        r0 = r0 + x
        carry0 = r0[:, :k]
        dt = tb[1:] - tau[1:, None]
        f = np.exp(-beta * dt)
        tmp = f[:, :, None] * carry0[:, None, :]  # one (n, K) temporary, reused in place
        s0[1:] += tmp
        if want_s1:
            carry1 = r0[:, k:] + r1[:, :k]
            tmp *= dt[:, :, None]
            s1[1:] += tmp
            np.multiply(f[:, :, None], carry1[:, None, :], out=tmp)
            s1[1:] += tmp
    s0 = s0.reshape(nb * BLOCK, k)[:n]
    s1 = s1.reshape(nb * BLOCK, k)[:n] if want_s1 else None
    return s0, s1


def _decay_groups(beta: np.ndarray):
    """Group (target, source) pairs by decay value: ``[(value, targets, sources), ...]``."""
    d = beta.shape[0]
    values, inverse = np.unique(beta, return_inverse=True)
    inverse = inverse.reshape(d, d)
    groups = []
    for g, value in enumerate(values):
        rows, cols = np.nonzero(inverse == g)
        groups.append((float(value), rows, cols))
    return groups


def decayed_sums(data: HawkesArrays, beta: np.ndarray, *, want_s1: bool = True,
                 backend: str = "numpy"):
    """Sums over the past for every event, per source column, at the event's own decays.

    Returns ``s0, s1`` of shape ``(n, D * (C + 1))``: column ``k * (C + 1) + c`` collects
    unit-weight sources of dimension ``k`` and category ``c``, decayed at ``beta[d_i, k]``.
    """
    if backend == "numba":
        from sahelmodel.hawkes._numba import decayed_sums_numba

        return decayed_sums_numba(data, beta, want_s1=want_s1)
    n, d, c1 = data.times.size, data.n_dims, data.n_cats + 1
    ncol = d * c1
    onehot = np.zeros((n, ncol))
    onehot[np.arange(n), data.columns] = 1.0
    groups = _decay_groups(beta)
    if len(groups) == 1:
        return excl_sums(data.times, onehot, groups[0][0], want_s1=want_s1)
    s0 = np.zeros((n, ncol))
    s1 = np.zeros((n, ncol)) if want_s1 else None
    for value, rows, srcs in groups:  # one pass per distinct decay value
        targets = np.unique(rows)
        cols = np.unique((srcs[:, None] * c1 + np.arange(c1)[None, :]).ravel())
        a, b = excl_sums(data.times, onehot[:, cols], value, want_s1=want_s1)
        for tgt in targets:
            keep_src = np.unique(srcs[rows == tgt])
            sel_cols = np.isin(cols // c1, keep_src)
            ev = data.dims == tgt
            s0[np.ix_(ev, cols[sel_cols])] = a[np.ix_(ev, sel_cols)]
            if want_s1:
                s1[np.ix_(ev, cols[sel_cols])] = b[np.ix_(ev, sel_cols)]
    return s0, s1


def _rowsum(rows: np.ndarray, vals: np.ndarray, d: int) -> np.ndarray:
    """``out[r] = sum of vals[i] over i with rows[i] == r`` for ``vals (n, K)``."""
    return np.stack([np.bincount(rows, weights=vals[:, k], minlength=d)
                     for k in range(vals.shape[1])], axis=1)


def _weights(kappa: np.ndarray) -> np.ndarray:
    return np.concatenate([[1.0], np.asarray(kappa, dtype=float)])


def loglik_and_grad(data: HawkesArrays, par: HawkesParams, *, want_grad: bool = True,
                    backend: str = "numpy", sums=None):
    """Log-likelihood and its gradient with respect to every natural-scale parameter.

    Parameters
    ----------
    data : HawkesArrays
    par : HawkesParams
    want_grad : bool
        Compute the gradient (else ``grad`` is ``None``).
    backend : {"numpy", "numba"}
        Core for the sums over the past.
    sums : tuple, optional
        Precomputed ``decayed_sums(data, par.beta)`` (reused when only ``mu``/``alpha``/``kappa``
        change).

    Returns
    -------
    loglik : float
        ``-inf`` if some intensity at an event is not positive.
    grad : HawkesParams or None
        Partial derivatives with the same shapes as ``par``.
    lam : ndarray
        Intensity at every event.
    """
    d, c1 = data.n_dims, data.n_cats + 1
    mu, alpha, beta = par.mu, par.alpha, par.beta
    wcat = _weights(par.kappa)
    shared = bool(np.all(beta == beta.flat[0]))
    if backend == "numba" and sums is None and data.times.size > 0 and shared:
        return _fused_loglik_and_grad(data, par, wcat, want_grad)
    s0, s1 = sums if sums is not None else decayed_sums(data, beta, want_s1=want_grad,
                                                       backend=backend)
    n = data.times.size
    piece = data.piece
    lengths = np.diff(data.edges)
    # compensator parts
    rem = data.end - data.times
    src_col = data.columns
    g0 = np.zeros((d, d * c1))  # sum_j 1[col_j] (1 - exp(-beta_{d k_j} (T - t_j)))
    g1 = np.zeros((d, d * c1))  # sum_j 1[col_j] (T - t_j) exp(-beta (T - t_j))
    if n and shared:  # one pass serves every target
        b = float(beta.flat[0])
        m1 = -np.expm1(-b * rem)
        g0[:] = np.bincount(src_col, weights=m1, minlength=d * c1)[None, :]
        if want_grad:
            g1[:] = np.bincount(src_col, weights=rem * np.exp(-b * rem),
                                minlength=d * c1)[None, :]
    elif n:
        bsrc = beta[:, data.dims]  # (D, n)
        for tgt in range(d):  # one vectorised pass per target dimension
            m1 = -np.expm1(-bsrc[tgt] * rem)
            g0[tgt] = np.bincount(src_col, weights=m1, minlength=d * c1)
            if want_grad:
                g1[tgt] = np.bincount(src_col, weights=rem * np.exp(-bsrc[tgt] * rem),
                                      minlength=d * c1)
    g0 = g0.reshape(d, d, c1)
    g1 = g1.reshape(d, d, c1)
    comp = float(np.sum(mu * lengths[None, :]) + np.sum(alpha * (g0 @ wcat)))
    if n == 0:
        grad = None
        if want_grad:
            grad = HawkesParams(mu=-np.broadcast_to(lengths, mu.shape).copy(),
                                alpha=-(g0 @ wcat), beta=np.zeros_like(beta),
                                kappa=-np.einsum("dk,dkc->c", alpha, g0)[1:])
        return -comp, grad, np.zeros(0)
    di = data.dims
    s0r = s0.reshape(n, d, c1)
    sw0 = s0 if c1 == 1 else s0r @ wcat  # (n, D) kappa-weighted sums per source dimension
    ab = alpha * beta
    ab_i = ab[di]
    lam = mu[di, piece] + np.einsum("nk,nk->n", ab_i, sw0)
    if not np.all(lam > 0) or not np.all(np.isfinite(lam)):
        return -np.inf, None, lam
    ll = float(np.sum(np.log(lam)) - comp)
    if not want_grad:
        return ll, None, lam
    inv = 1.0 / lam
    p = mu.shape[1]
    gmu = np.bincount(di * p + piece, weights=inv, minlength=d * p).reshape(d, p)
    gmu -= lengths[None, :]
    # d/d alpha_{dk}: sum_{i in d} beta_dk sw0_ik / lam_i - comp part
    sw1 = s1 if c1 == 1 else s1.reshape(n, d, c1) @ wcat
    ga = _rowsum(di, sw0 * inv[:, None], d)
    bi = float(beta.flat[0]) if shared else beta[di]
    gb = _rowsum(di, (sw0 - bi * sw1) * inv[:, None], d)
    galpha = beta * ga - g0 @ wcat
    gbeta = alpha * gb - alpha * (g1 @ wcat)
    # d/d kappa_c: sum_i sum_k ab[d_i,k] s0[i,k,c] / lam_i - sum_{d,k} alpha_dk g0[d,k,c]
    if c1 == 1:
        gk = -np.einsum("dk,dkc->c", alpha, g0)
    else:
        gk = (np.einsum("nk,nkc->c", ab_i * inv[:, None], s0r)
              - np.einsum("dk,dkc->c", alpha, g0))
    grad = HawkesParams(mu=gmu, alpha=galpha, beta=gbeta, kappa=gk[1:])
    return ll, grad, lam


def _fused_loglik_and_grad(data: HawkesArrays, par: HawkesParams, wcat: np.ndarray,
                           want_grad: bool):
    """:func:`loglik_and_grad` for one shared decay: one compiled pass does the sums.

    The compensator's parts do not depend on the target, so they are kept per source column
    (``f0``, ``f1``) instead of repeated for every target.
    """
    from sahelmodel.hawkes._numba import fused_shared

    d, c1 = data.n_dims, data.n_cats + 1
    mu, alpha = par.mu, par.alpha
    b = float(par.beta.flat[0])
    coef = (alpha * b)[:, :, None] * wcat[None, None, :]
    lam, loglam, gmu_f, a_sum, b_sum, f0, f1 = fused_shared(
        data, b, coef.reshape(d, d * c1), mu, want_grad)
    lengths = np.diff(data.edges)
    f0 = f0.reshape(d, c1)
    w0 = f0 @ wcat  # (D,) per source: sum_j w_j (1 - exp(-beta (T - t_j)))
    comp = float(np.sum(mu * lengths[None, :]) + np.sum(alpha * w0[None, :]))
    if not np.isfinite(loglam):
        return -np.inf, None, lam
    ll = float(loglam - comp)
    if not want_grad:
        return ll, None, lam
    a3 = a_sum.reshape(d, d, c1)
    w1 = f1.reshape(d, c1) @ wcat
    galpha = b * (a3 @ wcat) - w0[None, :]
    gbeta = alpha * (b_sum.reshape(d, d, c1) @ wcat) - alpha * w1[None, :]
    gk = (b * np.einsum("dk,dkc->c", alpha, a3[:, :, 1:]) - alpha.sum(axis=0) @ f0[:, 1:]
          if c1 > 1 else np.zeros(0))
    return ll, HawkesParams(mu=gmu_f - lengths[None, :], alpha=galpha, beta=gbeta, kappa=gk), lam
