r"""Cached fixed-decay likelihood: kernel sums computed once per decay, then O(n D) evaluations.

With one decay :math:`\beta` held fixed, an unmarked exponential-kernel process has intensity

.. math::

    \lambda_i = \mu_{d_i p_i} + \sum_k \alpha_{d_i k}\, x_{ik}, \qquad
    x_{ik} = \beta \sum_{j: t_j < t_i,\ d_j = k} e^{-\beta (t_i - t_j)},

linear in :math:`(\mu, \alpha)`, and compensator :math:`\sum_{d,p} \mu_{dp}|I_p| +
\sum_{d,k}\alpha_{dk} G_k`, :math:`G_k = \sum_{j: d_j = k}(1 - e^{-\beta (T - t_j)})`. The
sums :math:`x` and :math:`G` depend on the decay only, so :class:`FixedDecayLoglik` builds them
once (the same compiled pass as the decay profile's Newton fits,
:func:`~sahelmodel.hawkes._numba.fixed_decay_newton`) and every later evaluation of the
log-likelihood and its gradient in :math:`(\mu, \alpha)` is one pass over the events with no
exponentials: the design of tick's ``ModelHawkesExpKernLogLik`` and intensify's
``MvExpRecursiveLogLik``. :func:`~sahelmodel.hawkes._loglik.loglik_and_grad` is its reference
twin.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from sahelmodel.hawkes._loglik import HawkesArrays

__all__ = ["FixedDecayLoglik"]


def _evaluate(x, piece, offsets, mu, alpha, gmu, galpha):  # pragma: no cover - compiled
    # events sorted by target: one row of alpha per block; sum of log lam and its gradient
    nt = offsets.size - 1
    d = x.shape[1]
    ll = 0.0
    for t in range(nt):
        for i in range(offsets[t], offsets[t + 1]):
            p = piece[i]
            lam = mu[t, p]
            for s in range(d):
                lam += alpha[t, s] * x[i, s]
            if not lam > 0.0:
                return -np.inf
            ll += math.log(lam)
            inv = 1.0 / lam
            gmu[t, p] += inv
            for s in range(d):
                galpha[t, s] += x[i, s] * inv
    return ll


_evaluate_jit = numba.njit(cache=True, nogil=True,
                           fastmath={"reassoc", "contract", "arcp"})(_evaluate)


class FixedDecayLoglik:
    r"""Log-likelihood and gradient in :math:`(\mu, \alpha)` with one decay held fixed.

    Parameters
    ----------
    data : HawkesArrays
        Unmarked events (``n_cats == 0``).
    beta : float
        The decay, held fixed; the kernel is :math:`\beta e^{-\beta t}`, so :math:`\alpha`
        is a branching ratio.

    Notes
    -----
    Building costs one pass with an exponential per event and stores ``n x D`` sums (8 n D
    bytes); each call is then one pass of ``n D`` multiply-adds and a logarithm per event.

    Examples
    --------
    >>> import numpy as np
    >>> from sahelmodel.hawkes._loglik import HawkesArrays, HawkesParams, loglik_and_grad
    >>> t = np.array([0.5, 1.0, 2.5, 4.0])
    >>> data = HawkesArrays(t, np.array([0, 1, 0, 1]), np.zeros(4, np.int64), 0.0, 5.0, 2, 0,
    ...                     np.array([0.0, 5.0]))
    >>> lik = FixedDecayLoglik(data, 1.5)
    >>> mu, alpha = np.full((2, 1), 0.4), np.full((2, 2), 0.2)
    >>> ll, gmu, galpha = lik(mu, alpha)
    >>> ref = loglik_and_grad(data, HawkesParams(mu, alpha, np.full((2, 2), 1.5), np.zeros(0)))
    >>> bool(np.isclose(ll, ref[0]))
    True
    """

    def __init__(self, data: HawkesArrays, beta: float) -> None:
        from sahelmodel.hawkes._numba import _features_jit

        if data.n_cats:
            raise ValueError("FixedDecayLoglik takes unmarked events (n_cats = 0); got "
                             f"{data.n_cats} mark categories")
        if not (np.isfinite(beta) and beta > 0):
            raise ValueError(f"beta must be a positive finite decay; got {beta!r}")
        self.n_dims = int(data.n_dims)
        self.n_pieces = int(data.n_pieces)
        self.beta = float(beta)
        dims = np.asarray(data.dims, dtype=np.int64)
        x, self.g = _features_jit(np.ascontiguousarray(data.times, dtype=np.float64),
                                  np.ascontiguousarray(dims), self.n_dims, self.beta,
                                  float(data.end))
        order = np.argsort(dims, kind="stable")
        self.x = np.ascontiguousarray(x[order])
        self.piece = np.ascontiguousarray(np.asarray(data.piece, dtype=np.int64)[order])
        self.offsets = np.concatenate([[0], np.cumsum(np.bincount(dims, minlength=self.n_dims))]
                                      ).astype(np.int64)
        self.lengths = np.diff(np.asarray(data.edges, dtype=float))

    def __call__(self, mu: np.ndarray, alpha: np.ndarray
                 ) -> tuple[float, np.ndarray | None, np.ndarray | None]:
        """``(loglik, d loglik / d mu (D, P), d loglik / d alpha (D, D))``.

        ``loglik`` is ``-inf`` (gradients ``None``) when an intensity is not positive.
        """
        mu = np.ascontiguousarray(mu, dtype=np.float64).reshape(self.n_dims, self.n_pieces)
        alpha = np.ascontiguousarray(alpha, dtype=np.float64).reshape(self.n_dims, self.n_dims)
        gmu = np.zeros_like(mu)
        galpha = np.zeros_like(alpha)
        part = _evaluate_jit(self.x, self.piece, self.offsets, mu, alpha, gmu, galpha)
        if not np.isfinite(part):
            return -np.inf, None, None
        ll = part - float(mu.sum(axis=0) @ self.lengths) - float(alpha.sum(axis=0) @ self.g)
        gmu -= self.lengths[None, :]
        galpha -= self.g[None, :]
        return float(ll), gmu, galpha
