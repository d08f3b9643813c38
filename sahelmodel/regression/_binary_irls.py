r"""IRLS for binary-outcome GLMs (logit, probit) with absorbed fixed effects (arrays only).

Model: :math:`P(y_i = 1) = F(\eta_i)`, :math:`\eta_i = o_i + x_i^\top\beta + \sum_f
a_{f, g_f(i)}`, with :math:`F` the logistic (``"logit"``) or standard normal (``"probit"``)
distribution function. Each iteration forms the score :math:`s_i = \partial\ell_i/\partial
\eta_i` and the Fisher weight :math:`w_i = E[-\partial^2\ell_i/\partial\eta_i^2]`,

* logit: :math:`s = y - \mu`, :math:`w = \mu(1 - \mu)`;
* probit: :math:`s = \phi(\eta)(y - \mu)/\{\mu(1-\mu)\}`,
  :math:`w = \phi(\eta)^2/\{\Phi(\eta)\Phi(-\eta)\}`, both computed on the log scale
  (``log_ndtr``) so that they stay finite far in the tails;

the working response :math:`z = \eta - o + s/w`, projects :math:`z` and the columns of
:math:`X` off the fixed effects with weights :math:`w` by calling the package's demeaning core
(:func:`sahelmodel.regression._demean.demean`, warm-started from the previous iteration),
solves weighted least squares for :math:`\beta` (Frisch-Waugh-Lovell) and sets
:math:`\eta = o + z - (\tilde z - \tilde X\beta)`. Step halving guards against a fall of the
log-likelihood. At convergence the score equations of the dummy-variable MLE hold exactly, so
the coefficients equal those of a logit/probit with one dummy per fixed-effect level.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy import special

from sahelmodel.regression._demean import FixedEffects, demean

__all__ = ["BinaryFit", "CollinearBinary", "binary_loglik", "binary_score_weight",
           "first_order_bias", "fit_binary"]

_LOG_2PI_HALF = 0.5 * np.log(2.0 * np.pi)


class CollinearBinary(ValueError):
    """Raised by :func:`fit_binary` (with ``check_collinear``) naming the dependent columns."""

    def __init__(self, mask: np.ndarray) -> None:
        super().__init__(f"collinear columns: {np.flatnonzero(mask).tolist()}")
        self.mask = mask


def binary_mean(eta: np.ndarray, link: str) -> np.ndarray:
    r""":math:`F(\\eta)`: the probability of a one."""
    return special.expit(eta) if link == "logit" else special.ndtr(eta)


def binary_loglik(y: np.ndarray, eta: np.ndarray, link: str) -> np.ndarray:
    r"""Log-likelihood of each observation, :math:`y\\log F(\\eta) + (1-y)\\log F(-\\eta)`."""
    if link == "logit":
        return y * special.log_expit(eta) + (1.0 - y) * special.log_expit(-eta)
    return y * special.log_ndtr(eta) + (1.0 - y) * special.log_ndtr(-eta)


def binary_score_weight(y: np.ndarray, eta: np.ndarray,
                        link: str) -> tuple[np.ndarray, np.ndarray]:
    r"""Score :math:`\partial\ell_i/\partial\eta_i` and Fisher weight, stable in the tails."""
    if link == "logit":
        mu = special.expit(eta)
        return y - mu, mu * (1.0 - mu)
    log_phi = -0.5 * eta * eta - _LOG_2PI_HALF
    lp, lq = special.log_ndtr(eta), special.log_ndtr(-eta)
    # y = 1: phi/Phi(eta); y = 0: -phi/Phi(-eta); fractional y mixes the two
    score = y * np.exp(log_phi - lp) - (1.0 - y) * np.exp(log_phi - lq)
    weight = np.exp(2.0 * log_phi - lp - lq)
    return score, weight


@dataclass(frozen=True)
class BinaryFit:
    """Arrays describing a binary IRLS fit."""

    beta: np.ndarray
    eta: np.ndarray
    mu: np.ndarray
    x_tilde: np.ndarray
    weights: np.ndarray
    score: np.ndarray
    loglik: float
    converged: bool
    n_iter: int
    fe_values: np.ndarray


def _wls(xt: np.ndarray, zt: np.ndarray, w: np.ndarray) -> np.ndarray:
    if xt.shape[1] == 0:
        return np.zeros(0)
    xw = xt * w[:, None]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
            return scipy.linalg.solve(xw.T @ xt, xw.T @ zt, assume_a="pos",
                                      check_finite=False)
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError, scipy.linalg.LinAlgWarning):
        sw = np.sqrt(w)
        return np.linalg.lstsq(xt * sw[:, None], zt * sw, rcond=None)[0]


def collinear_mask(x: np.ndarray, xt: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Columns whose weighted projection is numerically spanned by the earlier ones."""
    sw = np.sqrt(w)[:, None]
    norms = np.maximum(np.linalg.norm(x * sw, axis=0), 1e-300)
    r = scipy.linalg.qr(xt * sw / norms, mode="r", check_finite=False)[0]
    k = x.shape[1]
    resid = np.zeros(k)
    m = min(r.shape[0], k)
    resid[:m] = np.abs(np.diag(r[:m, :m]))
    return resid <= 1e-9


def fit_binary(
    y: np.ndarray,
    x: np.ndarray,
    fe: FixedEffects,
    *,
    link: str = "logit",
    offset: np.ndarray | None = None,
    prior_weights: np.ndarray | None = None,
    tol: float = 1e-10,
    maxiter: int = 100,
    check_collinear: bool = False,
) -> BinaryFit:
    """Fit a logit or probit model by IRLS with absorbed fixed effects.

    Parameters
    ----------
    y : numpy.ndarray
        Outcomes in [0, 1] (binary, or proportions with ``prior_weights`` trials).
    x : numpy.ndarray
        ``(n, k)`` regressors, full column rank after projection off the fixed effects.
    fe : FixedEffects
        Factors to absorb (``FixedEffects((), ())`` for none).
    link : {"logit", "probit"}
    offset, prior_weights : numpy.ndarray, optional
    tol : float
        Convergence when the relative change of the log-likelihood is below ``tol`` and the
        linear predictor changes by less than ``1e-8``.
    maxiter : int
    check_collinear : bool
        Raise :class:`CollinearBinary` on the first iteration for columns that are linear
        combinations of the fixed effects and earlier columns.

    Returns
    -------
    BinaryFit

    Examples
    --------
    >>> y = np.array([0.0, 1, 1, 0, 0, 1, 1, 0])
    >>> x = np.array([[0.0], [1], [0], [1], [0], [1], [1], [0]])
    >>> fit = fit_binary(y, x, FixedEffects.from_codes([np.array([0, 0, 0, 0, 1, 1, 1, 1])]))
    >>> bool(fit.converged), round(float(np.exp(fit.beta[0])), 4)
    (True, 9.0)
    """
    n, k = x.shape
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    pw = np.ones(n) if prior_weights is None else np.asarray(prior_weights, dtype=float)
    mu0 = (pw * y + 0.5) / (pw + 1.0)  # R's binomial()$initialize
    eta = special.logit(mu0) if link == "logit" else special.ndtri(mu0)
    ll = -np.inf
    start = None
    converged = False
    deta = 1.0
    beta = np.zeros(k)
    it = 0
    for it in range(1, maxiter + 1):
        score, w = binary_score_weight(y, eta, link)
        w = np.maximum(w * pw, 1e-300)
        z = eta - off + score * pw / w
        inner_tol = float(np.clip(1e-3 * deta, 1e-12, 1e-6)) if it > 1 else 1e-6
        if it == 1 and check_collinear:
            inner_tol = 1e-12
        tilde, start, _, _ = demean(np.column_stack([z, x]), fe, w, start=start,
                                    tol=inner_tol)
        if it == 1 and check_collinear and k:
            mask = collinear_mask(x, tilde[:, 1:], w)
            if mask.any():
                raise CollinearBinary(mask)
        beta_new = _wls(tilde[:, 1:], tilde[:, 0], w)
        eta_new = off + z - (tilde[:, 0] - tilde[:, 1:] @ beta_new)
        step = 1.0
        for _ in range(30):
            eta_try = eta + step * (eta_new - eta)
            ll_try = float(np.dot(pw, binary_loglik(y, eta_try, link)))
            if np.isfinite(ll_try) and (ll == -np.inf or ll_try >= ll - 1e-9 * abs(ll)):
                break
            step /= 2.0
        deta = float(np.max(np.abs(eta_try - eta))) if n else 0.0
        eta = eta_try
        beta = beta + step * (beta_new - beta) if it > 1 else beta_new * step
        dll = abs(ll_try - ll) / (abs(ll_try) + 0.1) if np.isfinite(ll) else np.inf
        ll = ll_try
        if dll < tol and deta < 1e-8 and it > 1:
            converged = True
            break
    score, w = binary_score_weight(y, eta, link)
    w = np.maximum(w * pw, 1e-300)
    z = eta - off + score * pw / w
    tilde, _, _, dconv = demean(np.column_stack([z, x]), fe, w, start=start)
    beta = _wls(tilde[:, 1:], tilde[:, 0], w)
    return BinaryFit(beta=beta, eta=eta, mu=binary_mean(eta, link), x_tilde=tilde[:, 1:],
                     weights=w, score=score * pw, loglik=ll, converged=converged and dconv,
                     n_iter=it, fe_values=eta - off - x @ beta)


def first_order_bias(x_tilde: np.ndarray, eta: np.ndarray, fe: FixedEffects, link: str,
                     prior_weights: np.ndarray | None = None) -> np.ndarray:
    r"""Leading incidental-parameter bias of the fixed-effect logit/probit coefficients.

    The analytical correction of Fernández-Val & Weidner (2016, *J. Econometrics* 192(1)) for
    strictly exogenous regressors (no spectral term), with one term per absorbed factor, as
    implemented by R's ``alpaca::biasCorr`` (Stammann) for two-way panels:

    .. math::

        \hat b = -\tfrac12\, \hat H^{-1} \sum_f \sum_{g \in f}
        \frac{\sum_{i \in g} \tilde x_i\, \zeta_i}{\sum_{i \in g} \omega_i},
        \qquad \hat H = \tilde X^\top \Omega \tilde X,

    with :math:`\omega_i = h_i \partial_\eta\mu_i` and :math:`\zeta_i = h_i
    \partial^2_\eta\mu_i`, :math:`h_i = \partial_\eta\mu_i / \{\mu_i(1-\mu_i)\}` (so
    :math:`h = 1` for the logit), and :math:`\tilde X` the regressors projected off the
    fixed effects with weights :math:`\omega`. The corrected estimate is
    :math:`\hat\beta - \hat b`. (The sign is checked by simulation in
    ``tests/dyadic/test_glm_bias.py``: the uncorrected two-way estimates overshoot, as the
    theory says, and the correction removes most of the overshoot.)

    Returns
    -------
    numpy.ndarray
        :math:`\hat b`, one entry per column of ``x_tilde``.
    """
    pw = np.ones(eta.size) if prior_weights is None else prior_weights
    if link == "logit":
        mu = special.expit(eta)
        d1 = mu * (1.0 - mu)
        h = np.ones_like(mu)
        d2 = d1 * (1.0 - 2.0 * mu)
    else:
        phi = np.exp(-0.5 * eta * eta - _LOG_2PI_HALF)
        d1 = phi
        h = np.exp(np.log(phi) - special.log_ndtr(eta) - special.log_ndtr(-eta))
        d2 = -eta * phi
    omega = pw * h * d1
    zeta = pw * h * d2
    total = np.zeros(x_tilde.shape[1])
    for codes, size in zip(fe.codes, fe.sizes, strict=True):
        den = np.bincount(codes, weights=omega, minlength=size)
        for j in range(x_tilde.shape[1]):  # loop over regressors (few)
            num = np.bincount(codes, weights=x_tilde[:, j] * zeta, minlength=size)
            total[j] += float(np.sum(num[den > 0] / den[den > 0]))
    hess = x_tilde.T @ (x_tilde * omega[:, None])
    return -0.5 * np.linalg.solve(hess, total)
