r"""Log-likelihood and gradient for a sum-of-exponentials kernel (array core).

Kernel :math:`g(t) = \sum_m w_m \beta_m e^{-\beta_m t}` with :math:`\sum_m w_m = 1` and decays
shared by all pairs, so

.. math::

    \lambda_d(t) = \mu_d(t) + \sum_m w_m \beta_m \sum_k \alpha_{dk}
        \sum_{j: d_j = k,\ t_j < t} \kappa_{c_j} e^{-\beta_m (t - t_j)},

and the compensator's excitation part is
:math:`\sum_m w_m \sum_k \alpha_{dk} \sum_j \kappa_{c_j}(1 - e^{-\beta_m (T - t_j)})`. Each
component reuses the exclusive decayed sums of :mod:`sahelmodel.hawkes._loglik`.
"""

from __future__ import annotations

import numpy as np

from sahelmodel.hawkes._loglik import HawkesArrays, HawkesParams, _rowsum, decayed_sums

__all__ = ["components", "sumexp_loglik_and_grad"]


def components(par: HawkesParams) -> list[HawkesParams]:
    """Single-exponential pieces whose excitations add up to ``par``'s (baseline in the first).

    For an exponential kernel this is ``[par]``.
    """
    if par.mix is None:
        return [par]
    betas, weights = par.mix
    d = par.alpha.shape[0]
    out = []
    for m, (b, w) in enumerate(zip(betas, weights, strict=True)):
        out.append(HawkesParams(mu=par.mu if m == 0 else np.zeros_like(par.mu),
                                alpha=par.alpha * w, beta=np.full((d, d), b),
                                kappa=par.kappa))
    return out


def sumexp_loglik_and_grad(data: HawkesArrays, par: HawkesParams, *, want_grad: bool = True,
                           backend: str = "numpy"):
    """Log-likelihood, natural-scale gradient and intensity at every event.

    The gradient's ``mix`` holds the derivatives with respect to the decays and the weights.
    """
    betas, weights = par.mix
    d, c1, n = data.n_dims, data.n_cats + 1, data.times.size
    mu, alpha = par.mu, par.alpha
    wcat = np.concatenate([[1.0], par.kappa])
    lengths = np.diff(data.edges)
    rem = data.end - data.times
    cols = data.columns
    n_m = betas.size
    g0 = np.empty((n_m, d, c1))
    g1 = np.empty((n_m, d, c1))
    for m, b in enumerate(betas):  # one pass per kernel component
        g0[m] = np.bincount(cols, weights=-np.expm1(-b * rem), minlength=d * c1).reshape(d, c1)
        g1[m] = np.bincount(cols, weights=rem * np.exp(-b * rem),
                            minlength=d * c1).reshape(d, c1)
    g0w = g0 @ wcat  # (M, D): kappa-weighted compensator mass per source
    g1w = g1 @ wcat
    comp = float(np.sum(mu * lengths[None, :]) + np.sum(weights[:, None, None] * alpha[None]
                                                         * g0w[:, None, :]))
    if n == 0:
        grad = None
        if want_grad:
            grad = HawkesParams(
                mu=-np.broadcast_to(lengths, mu.shape).copy(),
                alpha=-np.einsum("m,mk->k", weights, g0w)[None, :].repeat(d, axis=0),
                beta=np.zeros_like(par.beta),
                kappa=-np.einsum("m,dk,mkc->c", weights, alpha, g0)[1:],
                mix=(np.zeros(n_m), -np.einsum("dk,mk->m", alpha, g0w)))
        return -comp, grad, np.zeros(0)
    di = data.dims
    a_i = alpha[di]  # (n, D)
    sums = []
    exc = np.empty((n_m, n))
    for m, b in enumerate(betas):
        s0, s1 = decayed_sums(data, np.full((d, d), b), want_s1=want_grad, backend=backend)
        s0 = s0.reshape(n, d, c1)
        sw0 = s0 @ wcat
        exc[m] = np.einsum("nk,nk->n", a_i, sw0)
        sums.append((s0, sw0, None if s1 is None else s1.reshape(n, d, c1) @ wcat))
    lam = mu[di, data.piece] + (weights * betas) @ exc
    if not np.all(lam > 0) or not np.all(np.isfinite(lam)):
        return -np.inf, None, lam
    ll = float(np.sum(np.log(lam)) - comp)
    if not want_grad:
        return ll, None, lam
    inv = 1.0 / lam
    p = mu.shape[1]
    gmu = np.bincount(di * p + data.piece, weights=inv, minlength=d * p).reshape(d, p)
    gmu -= lengths[None, :]
    galpha = -np.einsum("m,mk->k", weights, g0w)[None, :].repeat(d, axis=0)
    gk = -np.einsum("m,dk,mkc->c", weights, alpha, g0)
    gbeta = np.empty(n_m)
    gw = np.empty(n_m)
    for m, (b, w) in enumerate(zip(betas, weights, strict=True)):
        s0, sw0, sw1 = sums[m]
        galpha += w * b * _rowsum(di, sw0 * inv[:, None], d)
        gbeta[m] = (w * float(np.sum(np.einsum("nk,nk->n", a_i, sw0 - b * sw1) * inv))
                    - w * float(np.sum(alpha * g1w[m][None, :])))
        gw[m] = b * float(exc[m] @ inv) - float(np.sum(alpha * g0w[m][None, :]))
        gk += w * b * np.einsum("nk,nkc->c", a_i * inv[:, None], s0)
    grad = HawkesParams(mu=gmu, alpha=galpha, beta=np.zeros_like(par.beta), kappa=gk[1:],
                        mix=(gbeta, gw))
    return ll, grad, lam
