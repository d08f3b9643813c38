r"""EM algorithm for exponential-kernel Hawkes processes (branching structure latent).

Each event is either an immigrant (probability :math:`\mu_{d_i}/\lambda_i`) or the child of an
earlier event :math:`j` (probability :math:`\alpha_{d_i d_j}\kappa_{c_j}\beta e^{-\beta(t_i -
t_j)}/\lambda_i`). The E-step needs only the sums over the past of
:mod:`sahelmodel.hawkes._loglik` (no :math:`N \times N` matrix of branching probabilities):

.. math::

    \hat n^{0}_d = \sum_{i: d_i = d} \frac{\mu_d}{\lambda_i}, \quad
    \hat n_{dkc} = \sum_{i: d_i = d} \frac{\alpha_{dk}\kappa_c\beta S^{(0)}_{ikc}}{\lambda_i},
    \quad \hat L = \sum_i \sum_{k,c} \frac{\alpha_{d_i k}\kappa_c\beta S^{(1)}_{ikc}}{\lambda_i}

(expected immigrants, children by source and mark category, and total parent-child lag). The
M-step (a conditional maximisation, so the likelihood never decreases) sets
:math:`\mu_d = \hat n^0_d/(T - S)`, :math:`\alpha_{dk} = \sum_c \hat n_{dkc} / \sum_c \kappa_c
G_{kc}`, :math:`\kappa_c = \sum_{dk} \hat n_{dkc} / \sum_{dk} \alpha_{dk} G_{kc}` with
:math:`G_{kc} = \sum_{j: d_j = k, c_j = c} (1 - e^{-\beta(T - t_j)})`, and solves
:math:`\hat n/\beta - \hat L - \sum_{dk}\alpha_{dk}\sum_j \kappa_{c_j}(T - t_j)
e^{-\beta(T - t_j)} = 0` for the shared decay by safeguarded Newton steps. Each iteration costs
one likelihood evaluation and works for many dimensions, where quasi-Newton steps on
:math:`D^2` parameters are slow to converge.
"""

from __future__ import annotations

import warnings

import numpy as np

from sahelmodel.hawkes._loglik import HawkesArrays, decayed_sums
from sahelmodel.hawkes._problem import Layout

__all__ = ["fit_em"]


def _beta_step(beta, n_child, lag_total, alpha, rem, src, cat_w, data):
    """Solve the decay equation of the M-step by a few safeguarded Newton steps."""
    # weight per event of the edge term: sum_d alpha[d, src_j] * kappa_{c_j}
    a_src = alpha.sum(axis=0)[src] * cat_w
    for _ in range(50):
        e = np.exp(-beta * rem)
        f = n_child / beta - lag_total - float(np.sum(a_src * rem * e))
        fp = -n_child / beta**2 + float(np.sum(a_src * rem * rem * e))
        if fp >= 0:
            new = beta * (2.0 if f > 0 else 0.5)
        else:
            new = beta - f / fp
            new = min(max(new, 0.5 * beta), 2.0 * beta)
        if abs(new - beta) <= 1e-12 * beta:
            return new
        beta = new
    return beta


def fit_em(data: HawkesArrays, layout: Layout, theta0: np.ndarray, *, max_iter: int,
           tol: float, backend: str = "numpy"):
    """Run EM from ``theta0``; returns ``(theta, n_iter, converged, message)``."""
    from sahelmodel.hawkes._loglik import loglik_and_grad
    from sahelmodel.hawkes.model import _LOG_BOUNDS, HawkesWarning

    par = layout.unpack(theta0)
    d, c1 = data.n_dims, data.n_cats + 1
    n = data.times.size
    dur = data.end - data.start
    mu = par.mu[:, 0].copy()
    alpha = par.alpha.copy()
    beta = float(par.beta[0, 0])
    kappa = par.kappa.copy()
    rem = data.end - data.times
    src = data.dims
    di = data.dims
    ll_old = -np.inf
    converged = False
    message = f"EM reached max_iter={max_iter}"
    it = 0
    lo, hi = np.exp(_LOG_BOUNDS[0]), np.exp(_LOG_BOUNDS[1])
    for it in range(1, max_iter + 1):  # noqa: B007 - EM iterations, each fully vectorised
        wcat = np.concatenate([[1.0], kappa])
        s0, s1 = decayed_sums(data, np.full((d, d), beta), backend=backend)
        s0 = s0.reshape(n, d, c1)
        s1 = s1.reshape(n, d, c1)
        a_i = alpha[di]  # (n, D)
        lam = mu[di] + beta * np.einsum("nk,nkc,c->n", a_i, s0, wcat)
        ll = float(np.sum(np.log(lam)) - mu.sum() * dur
                   - np.sum(alpha[:, src] * (wcat[data.cats] * -np.expm1(-beta * rem))[None]))
        if np.isfinite(ll_old) and abs(ll - ll_old) <= tol * max(1.0, abs(ll)):
            converged = True
            message = f"EM converged: log-likelihood change below tol={tol:g}"
            break
        ll_old = ll
        inv = 1.0 / lam
        n0 = np.bincount(di, weights=mu[di] * inv, minlength=d)
        child = np.einsum("nk,nkc,n->nkc", a_i, s0, beta * inv) * wcat[None, None, :]
        n_dkc = np.stack([np.stack([np.bincount(di, weights=child[:, k, c], minlength=d)
                                    for c in range(c1)], axis=1) for k in range(d)], axis=1)
        lag_total = float(np.einsum("nk,nkc,c,n->", a_i, s1, wcat, beta * inv))
        mass = -np.expm1(-beta * rem)
        g = np.stack([np.bincount(src, weights=mass * (data.cats == c), minlength=d)
                      for c in range(c1)], axis=1)  # (D, C+1)
        mu = np.clip(n0 / dur, lo, hi)
        alpha = np.clip(n_dkc.sum(axis=2) / np.maximum(g @ wcat, 1e-300)[None, :], lo, hi)
        if c1 > 1:
            denom = np.einsum("dk,kc->c", alpha, g)[1:]
            kappa = np.clip(n_dkc.sum(axis=(0, 1))[1:] / np.maximum(denom, 1e-300), lo, hi)
        wcat = np.concatenate([[1.0], kappa])
        beta = float(np.clip(_beta_step(beta, float(n_dkc.sum()), lag_total, alpha, rem, src,
                                        wcat[data.cats], data), lo, hi))
    if not converged:
        warnings.warn(f"Hawkes EM did not converge in {max_iter} iterations", HawkesWarning,
                      stacklevel=3)
    par = par.__class__(mu=mu[:, None], alpha=alpha, beta=np.full((d, d), beta), kappa=kappa)
    theta = np.clip(layout.pack(par), *_LOG_BOUNDS)
    # final log-likelihood check through the shared core
    ll_final, _, _ = loglik_and_grad(data, layout.unpack(theta), want_grad=False,
                                     backend=backend)
    if not np.isfinite(ll_final):
        converged = False
        message = "EM ended at a point with a non-finite log-likelihood"
    return theta, it, converged, message
