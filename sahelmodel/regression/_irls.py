r"""IRLS for log-link count models with absorbed fixed effects (arrays only).

Model: :math:`\log \mu_i = o_i + x_i^\top\beta + \sum_f a_{f, g_f(i)}` with offset
:math:`o`, and the families

* ``"poisson"``: :math:`\operatorname{Var}(y) = \mu`;
* ``"nb2"``: negative binomial with :math:`\operatorname{Var}(y) = \mu + \kappa\mu^2`
  (``dispersion`` :math:`\kappa = 1/\theta`, MASS's ``theta``);
* ``"nb1"``: negative binomial with :math:`\operatorname{Var}(y) = (1 + \kappa)\mu`.

Each iteration forms the working response :math:`z = \eta - o + s/w` from the score
:math:`s = \partial\ell/\partial\eta` and a positive weight :math:`w` (the Fisher weight
:math:`\mu/(1 + \kappa\mu)` for Poisson/NB2, the observed curvature floored at a small
positive value for NB1), projects :math:`z` and the columns of :math:`X` off the fixed effects
with weights :math:`w` (Frisch-Waugh-Lovell), solves weighted least squares for
:math:`\beta`, and sets :math:`\eta = o + z - (\tilde z - \tilde X\beta)`. Step halving
guards against a fall in the log-likelihood. For the negative binomial the dispersion is
estimated by maximum likelihood jointly: after every IRLS step it is set to its conditional
maximiser given :math:`\mu` (a one-dimensional Newton search on :math:`\log\kappa`), as
``MASS::glm.nb`` alternates; at convergence both score equations hold.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy import optimize, special

from sahelmodel.regression import _fe_kernels as kern
from sahelmodel.regression._demean import FixedEffects, demean, project

__all__ = ["CollinearColumns", "IRLSFit", "fit_irls", "loglik_obs", "score_weight",
           "separated_ir"]


class CollinearColumns(ValueError):
    """Raised by :func:`fit_irls` (with ``check_collinear``) naming the dependent columns."""

    def __init__(self, mask: np.ndarray) -> None:
        super().__init__(f"collinear columns: {np.flatnonzero(mask).tolist()}")
        self.mask = mask

_MIN_DISP = 1e-10
_MAX_DISP = 1e8


def loglik_obs(y: np.ndarray, mu: np.ndarray, family: str, disp: float,
               log_y_factorial: np.ndarray | None = None) -> np.ndarray:
    """Log-likelihood contribution of each observation."""
    lyf = special.gammaln(y + 1.0) if log_y_factorial is None else log_y_factorial
    if family == "poisson":
        return special.xlogy(y, mu) - mu - lyf
    if family == "nb2":
        theta = 1.0 / disp
        return (special.gammaln(y + theta) - special.gammaln(theta) - lyf
                + theta * (np.log(theta) - np.log(theta + mu)) + special.xlogy(y, mu)
                - special.xlogy(y, theta + mu))
    r = mu / disp
    return (special.gammaln(y + r) - special.gammaln(r) - lyf
            - r * np.log1p(disp) + y * (np.log(disp) - np.log1p(disp)))


def score_weight(y: np.ndarray, mu: np.ndarray, family: str,
                 disp: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Score :math:`\partial\ell_i/\partial\eta_i` and the positive IRLS weight."""
    if family == "poisson":
        return y - mu, mu
    if family == "nb2":
        return (y - mu) / (1.0 + disp * mu), mu / (1.0 + disp * mu)
    r = mu / disp
    score = r * (special.digamma(y + r) - special.digamma(r) - np.log1p(disp))
    curv = -score + r * r * (special.polygamma(1, r) - special.polygamma(1, y + r))
    floor = 1e-3 * mu / (1.0 + disp)
    return score, np.maximum(curv, floor)


def _nb2_theta_score(theta: float, y: np.ndarray, mu: np.ndarray, pw: np.ndarray) -> float:
    r""":math:`\partial\ell/\partial\theta` of NB2 with :math:`\theta = 1/\kappa`.

    Row by row: the slow reference twin of :class:`_NB2Terms` (tests).
    """
    return float(np.dot(pw, special.digamma(y + theta) - special.digamma(theta) + np.log(theta)
                        + 1.0 - np.log(theta + mu) - (y + theta) / (theta + mu)))


def _trigamma(x: np.ndarray) -> np.ndarray:
    """Trigamma for positive arguments: recurrence to x >= 6, then the asymptotic series.

    Relative error below 1e-9 (it only sets Newton's step; the root is found from the exact
    score). Several times faster than ``scipy.special.polygamma(1, x)``.
    """
    x = np.array(x, dtype=float)
    acc = np.zeros_like(x)
    for _ in range(6):  # fixed number of vectorised recurrence steps
        small = x < 6.0
        if not small.any():
            break
        acc[small] += 1.0 / (x[small] * x[small])
        x[small] += 1.0
    inv = 1.0 / x
    inv2 = inv * inv
    series = inv + inv2 / 2 + inv * inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 * (1 / 42 - inv2 / 30)))
    return acc + series


def _nb2_theta_score_and_slope(theta: float, y: np.ndarray, mu: np.ndarray,
                               pw: np.ndarray) -> tuple[float, float]:
    r"""NB2 score in :math:`\theta` and its derivative (row by row: reference twin)."""
    tm = theta + mu
    g = np.dot(pw, special.digamma(y + theta) - special.digamma(theta) + np.log(theta) + 1.0
               - np.log(tm) - (y + theta) / tm)
    h = np.dot(pw, _trigamma(y + theta) - _trigamma(np.array([theta]))[0] + 1.0 / theta
               - 2.0 / tm + (y + theta) / tm**2)
    return float(g), float(h)


class _NB2Terms:
    r"""NB2 score, slope and log-likelihood with the outcome-only terms summed per outcome.

    The terms in :math:`\psi(y + \theta)`, :math:`\psi_1(y + \theta)` and
    :math:`\log\Gamma(y + \theta)` depend on the observation only through :math:`y`: they
    are summed once per distinct outcome, weighted by the total prior weight of the rows with
    that outcome. For integer outcomes the differences with the :math:`\theta` terms are the
    finite sums :math:`\psi(u + \theta) - \psi(\theta) = \sum_{j < u} 1/(\theta + j)`
    (and likewise for :math:`\psi_1` and :math:`\log\Gamma`), free of cancellation. The
    :math:`\mu`-dependent sums take one compiled pass (:mod:`._fe_kernels`).
    """

    def __init__(self, y: np.ndarray, pw: np.ndarray) -> None:
        # (an integer outcome stays integer: no float copy per row)
        self.y = np.ascontiguousarray(y, dtype=None if y.dtype.kind in "iu" else float)
        self.pw = np.ascontiguousarray(pw, dtype=float)  # (empty: unit weights)
        weights = self.pw if self.pw.size else None
        self.wsum = float(self.pw.sum()) if self.pw.size else float(self.y.size)
        top = float(self.y.max(initial=0.0))
        self.integer = (self.y.dtype.kind in "iu" or bool(np.all(self.y == np.round(self.y)))
                        ) and top <= 1e6
        if self.integer:
            sums = np.bincount(self.y.astype(np.int64, copy=False), weights=weights
                               ).astype(float)
            self.uy = np.flatnonzero(sums)
            self.sums = sums[self.uy]
            self.j = np.arange(int(top) + 1, dtype=float)
        else:
            uy, inv = np.unique(self.y, return_inverse=True)
            self.uy, self.sums = uy, np.bincount(inv, weights=weights).astype(float)

    def _diffs(self, theta: float, power: int) -> np.ndarray:
        """Per distinct outcome u: sum_{j<u} of log(theta+j), 1/(theta+j) or 1/(theta+j)^2."""
        t = theta + self.j[:-1]
        terms = np.log(t) if power == 0 else 1.0 / t if power == 1 else 1.0 / (t * t)
        return np.concatenate(([0.0], np.cumsum(terms)))[self.uy]

    def score(self, theta: float, mu: np.ndarray) -> float:
        r""":math:`\partial\ell/\partial\theta`."""
        return self.score_and_slope(theta, mu, slope=False)[0]

    def score_and_slope(self, theta: float, mu: np.ndarray,
                        slope: bool = True) -> tuple[float, float]:
        r"""The score in :math:`\theta` and (when ``slope``) its derivative."""
        a, b, c, d = kern.nb2_mu_sums(self.y, np.ascontiguousarray(mu, dtype=float), self.pw,
                                      theta)
        wsum = self.wsum
        if self.integer:
            dig = float(self.sums @ self._diffs(theta, 1))
        else:
            dig = float(self.sums @ (special.digamma(self.uy + theta)
                                     - special.digamma(theta)))
        g = dig + wsum * (np.log(theta) + 1.0) - a - b
        if not slope:
            return float(g), np.nan
        if self.integer:
            tri = -float(self.sums @ self._diffs(theta, 2))
        else:
            tri = float(self.sums @ (special.polygamma(1, self.uy + theta)
                                     - special.polygamma(1, theta)))
        h = tri + wsum / theta - 2.0 * c + d
        return float(g), float(h)

    def outcome_part(self, theta: float) -> float:
        r""":math:`\sum w [\log\Gamma(y + \theta) - \log\Gamma(\theta)]`, summed per outcome."""
        if self.integer:
            return float(self.sums @ self._diffs(theta, 0))
        return float(self.sums @ (special.gammaln(self.uy + theta) - special.gammaln(theta)))

    def loglik(self, mu: np.ndarray, disp: float, lyf_sum: float) -> float:
        r"""The weighted NB2 log-likelihood (as ``pw @ loglik_obs(...)``).

        ``lyf_sum`` is the constant :math:`\sum w \log y!`.
        """
        theta = 1.0 / disp
        return self.outcome_part(theta) + kern.nb2_loglik_mu(
            self.y, np.ascontiguousarray(mu, dtype=float), self.pw, lyf_sum, theta)


def _nb_disp_ml(y: np.ndarray, mu: np.ndarray, family: str, pw: np.ndarray,
                start: float, terms: _NB2Terms | None = None) -> float:
    r"""Maximise the weighted log-likelihood over the dispersion given ``mu``.

    NB2: root of the analytic score in :math:`\log\theta` (Brent), bracketed around the
    previous value; if the likelihood still increases as :math:`\kappa \to 0` the data show
    no overdispersion and the lower bound is returned. NB1: bounded Brent search on
    :math:`\log\kappa`.
    """
    lo_k, hi_k = np.log(_MIN_DISP), np.log(_MAX_DISP)
    x0 = float(np.clip(np.log(max(start, _MIN_DISP)), lo_k, hi_k))
    if family == "nb2":
        nb = _NB2Terms(y, pw) if terms is None else terms

        def score(logk: float) -> float:  # d loglik / d log(kappa) = -theta * d/dtheta
            theta = float(np.exp(-logk))
            return -theta * nb.score(theta, mu)

        # first-order test at kappa = 0 (the overdispersion score): none -> Poisson limit
        excess, mu_sq = kern.nb2_excess(nb.y, np.ascontiguousarray(mu, dtype=float), nb.pw)
        if excess <= 0:
            return _MIN_DISP
        # Newton on log(theta) from the previous value (a few steps once warm) ...
        u = -x0
        for _ in range(25 if abs(x0) < np.log(1e6) else 0):  # (the score loses precision
            # at extreme theta, where the bracketing search below takes over)
            theta = float(np.exp(u))
            g, h = nb.score_and_slope(theta, mu)
            if not (h < 0 and np.isfinite(g)):
                break
            step = float(np.clip(-g / (theta * h), -2.0, 2.0))
            u += step
            if abs(u) > np.log(1e6):
                break
            if abs(step) < 1e-11:
                return float(np.exp(-u))
        # ... else a bracketing root search, which also detects the boundaries
        lo_k = np.log(1e-6)  # below this the score is computed with too little precision
        if score(lo_k) <= 0:  # tiny overdispersion: the moment estimate is accurate enough
            return float(np.clip(excess / mu_sq, _MIN_DISP, 1e-6))
        if score(hi_k) >= 0:
            return _MAX_DISP
        a, b = max(x0 - 1.0, lo_k), min(x0 + 1.0, hi_k)
        while score(a) <= 0 and a > lo_k:
            a = max(a - 3.0, lo_k)
        while score(b) >= 0 and b < hi_k:
            b = min(b + 3.0, hi_k)
        return float(np.exp(optimize.brentq(score, a, b, xtol=1e-12, rtol=1e-12)))

    def neg(logk: float) -> float:
        return -float(np.dot(pw, loglik_obs(y, mu, family, float(np.exp(logk)))))

    a, b = max(x0 - 3.0, lo_k), min(x0 + 3.0, hi_k)
    for _ in range(20):
        res = optimize.minimize_scalar(neg, bounds=(a, b), method="bounded",
                                       options={"xatol": 1e-10})
        if res.x - a < 1e-6 and a > lo_k:
            a, b = max(a - 6.0, lo_k), a + 1.0
        elif b - res.x < 1e-6 and b < hi_k:
            a, b = b - 1.0, min(b + 6.0, hi_k)
        else:
            break
    return float(np.exp(res.x))


@dataclass(frozen=True)
class IRLSFit:
    """Arrays describing a converged (or not) IRLS fit."""

    beta: np.ndarray
    eta: np.ndarray
    mu: np.ndarray
    dispersion: float
    x_tilde: np.ndarray
    weights: np.ndarray
    score: np.ndarray
    loglik: float
    converged: bool
    n_iter: int
    fe_values: np.ndarray
    suspect_separation: bool = False


def _wls(xt: np.ndarray, zt: np.ndarray, w: np.ndarray,
         cross: np.ndarray | None = None) -> np.ndarray:
    """Weighted least squares by the normal equations (columns are full rank by contract).

    ``cross``, when given, holds the weighted cross-products of ``[zt, xt]`` (formed by the
    projection's last pass).
    """
    if xt.shape[1] == 0:
        return np.zeros(0)
    if cross is not None:
        gram, rhs = cross[1:, 1:], cross[1:, 0]
    else:
        xw = xt * w[:, None]
        gram = xw.T @ xt
        rhs = xw.T @ zt
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", scipy.linalg.LinAlgWarning)
            return scipy.linalg.solve(gram, rhs, assume_a="pos", check_finite=False)
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError, scipy.linalg.LinAlgWarning):
        sw = np.sqrt(w)
        beta, *_ = np.linalg.lstsq(xt * sw[:, None], zt * sw, rcond=None)
        return beta


def _collinear_mask(x: np.ndarray, xt: np.ndarray, w: np.ndarray,
                    cross: np.ndarray | None = None,
                    raw_sq: np.ndarray | None = None) -> np.ndarray:
    """Columns whose weighted projection is (numerically) spanned by the earlier ones.

    With the weighted cross-products ``cross`` of the projected columns and the weighted
    squared norms ``raw_sq`` of the raw ones, a Cholesky factorisation of ``cross`` screens
    first: its squared pivots carry an error of at most about ``n * eps`` times the squared
    norms (summation and factorisation), so a relative residual above ``1e-3`` certifies a
    column as independent (the threshold is ``1e-9``); the QR factorisation of the projected
    columns runs only otherwise.
    """
    if cross is not None and raw_sq is not None:
        try:
            chol = np.linalg.cholesky(cross)
            rel = np.abs(np.diag(chol)) / np.sqrt(np.maximum(raw_sq, 1e-300))
            if np.all(np.isfinite(rel)) and np.all(rel > 1e-3):
                return np.zeros(x.shape[1], dtype=bool)
        except np.linalg.LinAlgError:
            pass
    sw = np.sqrt(w)[:, None]
    norms = np.maximum(np.linalg.norm(x * sw, axis=0), 1e-300)
    # |R_jj| of a QR factorisation = in-order Gram-Schmidt residual norms
    r = scipy.linalg.qr(xt * sw / norms, mode="r", check_finite=False)[0]
    k = x.shape[1]
    resid = np.zeros(k)
    m = min(r.shape[0], k)
    resid[:m] = np.abs(np.diag(r[:m, :m]))
    return resid <= 1e-9


def separated_ir(y: np.ndarray, x: np.ndarray, fe: FixedEffects, *, maxiter: int = 100,
                 tol: float = 1e-6) -> tuple[np.ndarray, bool]:
    r"""Zero-outcome observations separated by the regressors and fixed effects jointly.

    The iterative rectifier of Correia, Guimarães & Zylkin (2021, *Stata Journal* 21(1)):
    an observation with :math:`y_i = 0` is separated when some linear combination
    :math:`z = X\gamma + D a` is :math:`\ge 0` everywhere, :math:`= 0` wherever
    :math:`y > 0` and :math:`> 0` at :math:`i` (its Poisson MLE of :math:`\eta_i` is
    :math:`-\infty`). Starting from :math:`u = 1\{y = 0\}`, regress :math:`u` on
    :math:`[X, D]` by least squares with weight ``heavy`` on positive outcomes (which forces
    the fit there to zero); stop when every fitted value is non-negative (the positive ones are
    separated), otherwise replace :math:`u` by the positive part of the fit and repeat.

    Returns
    -------
    separated : numpy.ndarray
        Boolean mask.
    converged : bool

    Examples
    --------
    >>> y = np.array([0.0, 0, 1, 2]); x = np.array([[1.0], [2], [0], [0]])
    >>> separated_ir(y, x, FixedEffects((), ()))[0].tolist()
    [True, True, False, False]
    """
    zero = y == 0
    if not zero.any():
        return np.zeros(y.size, dtype=bool), True
    for heavy in (1e8, 1e10, 1e12):
        w = np.where(zero, 1.0, heavy)
        # (conjugate gradients: weights spanning 1 .. 1e12 defeat the direct solver's ridge)
        xt = demean(x, fe, w, method="cg")[0] if x.shape[1] else np.zeros((y.size, 0))
        u = zero.astype(float)
        start = None
        for _ in range(maxiter):
            ut, start, _, _ = demean(u, fe, w, start=start, tol=1e-14, method="cg")
            resid = ut - xt @ _wls(xt, ut, w) if xt.shape[1] else ut
            fit = u - resid
            if np.abs(fit[~zero]).max(initial=0.0) > tol / 10:
                break  # weight not heavy enough for a valid certificate
            fit[np.abs(fit) < tol] = 0.0
            fit[~zero] = 0.0
            if (fit >= 0).all():
                return fit > 0, True
            u = np.maximum(fit, 0.0)
            if not u.any():
                return np.zeros(y.size, dtype=bool), True
        else:
            return np.zeros(y.size, dtype=bool), False
    return np.zeros(y.size, dtype=bool), False


def fit_irls(
    y: np.ndarray,
    x: np.ndarray,
    fe: FixedEffects,
    *,
    family: str = "poisson",
    offset: np.ndarray | None = None,
    prior_weights: np.ndarray | None = None,
    dispersion: float | None = None,
    tol: float = 1e-10,
    maxiter: int = 200,
    stop_on_separation: bool = False,
    check_collinear: bool = False,
    solver: str = "cg",
    work: np.ndarray | None = None,
) -> IRLSFit:
    """Fit a log-link count model by IRLS with absorbed fixed effects.

    Parameters
    ----------
    y : numpy.ndarray
        Non-negative counts, length ``n``.
    x : numpy.ndarray
        ``(n, k)`` regressors of full column rank after projection off the fixed effects
        (the caller drops collinear columns).
    fe : FixedEffects
        Factors to absorb (``FixedEffects((), ())`` for none).
    family : {"poisson", "nb2", "nb1"}
    offset : numpy.ndarray, optional
    prior_weights : numpy.ndarray, optional
    dispersion : float, optional
        Negative binomial dispersion held fixed; estimated by ML when ``None``.
    tol : float
        Convergence when the relative change of the log-likelihood is below ``tol`` and the
        linear predictor and the log dispersion change by less than ``1e-8``.
    maxiter : int
    stop_on_separation : bool
        Stop early (``suspect_separation=True``, not converged) when, after 8 iterations,
        some zero-outcome observation has a fitted mean below ``1e-10`` times the mean
        outcome: the signature of separation, which the caller then resolves.
    check_collinear : bool
        On the first iteration, raise :class:`CollinearColumns` for the columns that are
        (numerically) linear combinations of the fixed effects and of earlier columns: the
        in-order Gram-Schmidt residual norm of the weighted projected column, relative to the
        column's weighted norm, is at most ``1e-9`` (exact collinearity does not depend on
        the weights, so the first iteration's projection serves).
    solver : {"cg", "auto", "direct"}
        Solver of the fixed-effect normal equations (see
        :func:`~sahelmodel.regression._demean.solve_normal`). Conjugate gradients with warm
        starts keep the nearly unidentified directions of a nearly separated fit where they
        were; a direct solve recomputes them each iteration, which can stall convergence, so
        a fit not converged after 25 iterations continues with conjugate gradients.
    work : numpy.ndarray, optional
        A C-ordered ``(n, k + 1)`` buffer whose columns ``1..k`` hold ``x`` (the design
        builder's layout): used as the ``[z, X]`` working array instead of a copy. Its
        column 0 is overwritten.

    Memory: besides the inputs, the Poisson fit holds five rows-long float arrays (the
    linear predictor, its proposal, the weights, and the ``[z, X]`` / projected
    ``(n, k + 1)`` pair); the means, the line-search points and the offset/weight defaults are
    never stored per row during the iterations.

    Returns
    -------
    IRLSFit

    Examples
    --------
    >>> y = np.array([0.0, 2, 1, 4]); x = np.array([[0.0], [1], [0], [1]])
    >>> fit = fit_irls(y, x, FixedEffects.from_codes([np.array([0, 0, 1, 1])]))
    >>> round(float(np.exp(fit.beta[0])), 6)
    6.0
    """
    n, k = x.shape
    fused = family in ("poisson", "nb2")  # compiled passes, means recomputed from eta
    if not (fused and y.dtype.kind in "iu"):  # (the compiled passes read integer counts)
        y = np.asarray(y, dtype=float)
    none = np.empty(0)
    if fused:  # (absent offsets and weights stay absent: empty arrays in the compiled passes)
        off = none if offset is None else np.ascontiguousarray(offset, dtype=float)
        pw = none if prior_weights is None else np.ascontiguousarray(prior_weights, dtype=float)
    else:
        off = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
        pw = np.ones(n) if prior_weights is None else np.asarray(prior_weights, dtype=float)
    estimate_disp = family != "poisson" and dispersion is None
    disp = 0.0 if family == "poisson" else (1.0 if dispersion is None else float(dispersion))
    ybar = float(np.average(y, weights=pw)) if pw.size else float(np.mean(y))
    # (the compiled passes need only the constant sum of log y!, not one value per row)
    lyf = None if fused else special.gammaln(y + 1.0)
    eta = np.add(y, ybar)  # log of the start (y + ybar) / 2, built in place
    eta *= 0.5
    # (the Poisson passes recompute the means from eta; NB2 keeps them for the dispersion)
    mu = None if family == "poisson" else eta.copy()
    np.log(eta, out=eta)
    terms = _NB2Terms(y, pw) if family == "nb2" else None
    if estimate_disp:
        disp = _nb_disp_ml(y, mu, family, pw, max(float(np.var(y) - ybar) / ybar**2, 0.1),
                           terms)
    ll = -np.inf  # the starting values are not in the model space: accept the first step
    start = None
    converged = False
    suspect = False
    deta = 1.0
    zero = y == 0
    beta = np.zeros(k)
    it = 0
    if work is not None and work.shape == (n, k + 1) and work.flags.c_contiguous:
        cols = work  # [z, X]: the caller's design buffer already holds X in columns 1..k
    else:
        cols = np.empty((n, k + 1))  # [z, X], C-ordered for the compiled passes
        cols[:, 1:] = x
    if fused:
        y = np.ascontiguousarray(y)
        lyf_sum = kern.sum_log_factorial(y, pw)
        w_buf = np.empty(n)
    else:
        lyf_sum = None
    eta_new = np.empty(n)
    tilde = np.empty((n, k + 1))  # (buffers reused by every iteration)
    for it in range(1, maxiter + 1):
        if fused:
            w = kern.count_working(y, eta, off, pw, disp, cols, w_buf)
        else:
            score, w = score_weight(y, mu, family, disp)
            w = w * pw
            cols[:, 0] = eta - off + score * pw / w
        if it > 25:
            solver = "cg"
        # inexact inner solves while far from the optimum, tight ones near it (as ppmlhdfe)
        # (the outer error after a Newton step is of order deta**2: ask for a little less)
        inner_tol = float(np.clip(1e-4 * deta**2, 1e-12, 1e-6)) if it > 1 else 1e-6
        if it == 1 and check_collinear:
            inner_tol = 1e-12
        tilde, start, n_cg, _, cross = project(cols, fe, w, start=start, tol=inner_tol,
                                               method=solver, gram=True, out=tilde)
        if n_cg == 0 and inner_tol > 1e-12 and it > 1 and fe.n_factors > 1 \
                and (solver == "cg" or fe.direct_cost() is None):
            # the warm start already met the loose tolerance: this step would not move, so
            # solve tightly now rather than spend an iteration learning it
            inner_tol = 1e-12
            tilde, start, _, _, cross = project(cols, fe, w, start=start, tol=inner_tol,
                                                method=solver, gram=True, out=tilde)
        if it == 1 and check_collinear and k:
            raw_sq = np.diag(kern.weighted_gram(cols, w))[1:]
            mask = _collinear_mask(x, tilde[:, 1:], w, cross[1:, 1:], raw_sq)
            if mask.any():
                raise CollinearColumns(mask)
        beta_new = _wls(tilde[:, 1:], tilde[:, 0], w, cross)
        eta_new = kern.linear_predictor(off if fused else np.ascontiguousarray(off), cols,
                                        tilde, beta_new, eta_new)
        step = 1.0
        for _ in range(30):
            if family == "poisson":  # log-likelihood at the step, one pass, nothing stored
                ll_try, deta = kern.poisson_loglik_step(eta, eta_new, step, y, pw, lyf_sum)
            elif fused:
                ll_try, deta = kern.nb2_loglik_step(eta, eta_new, step, y, pw, lyf_sum,
                                                    1.0 / disp)
                ll_try += terms.outcome_part(1.0 / disp)
            else:
                eta_try = eta + step * (eta_new - eta)
                mu_try = np.exp(np.minimum(eta_try, 700.0))
                ll_try = float(np.dot(pw, loglik_obs(y, mu_try, family, disp, lyf)))
                deta = float(np.max(np.abs(eta_try - eta))) if n else 0.0
            if np.isfinite(ll_try) and (ll == -np.inf or ll_try >= ll - 1e-9 * abs(ll)):
                break
            step /= 2.0
        if fused:  # the accepted step, in place (a full step: the buffers swap roles)
            if step == 1.0:
                eta, eta_new = eta_new, eta
            else:
                kern.take_step(eta, eta_new, step)
            if mu is not None:
                kern.exp_into(eta, mu)
        else:
            eta, mu = eta_try, mu_try
        beta = beta + step * (beta_new - beta) if it > 1 else beta_new * step
        old_disp = disp
        if estimate_disp:
            disp = _nb_disp_ml(y, mu, family, pw, disp, terms)
        ll_new = ((terms.loglik(mu, disp, lyf_sum) if fused
                   else float(np.dot(pw, loglik_obs(y, mu, family, disp, lyf))))
                  if estimate_disp else ll_try)
        dll = abs(ll_new - ll) / (abs(ll_new) + 0.1) if np.isfinite(ll) else np.inf
        ddisp = abs(np.log(disp / old_disp)) if estimate_disp else 0.0
        ll = ll_new
        # (a loose inner solve can leave eta unchanged: only a tight one certifies the step)
        if dll < tol and deta < 1e-8 and ddisp < 1e-8 and it > 1 and inner_tol <= 1e-9:
            converged = True
            break
        if stop_on_separation and it >= 8 and zero.any():
            # smallest fitted mean among the zero outcomes (mu = exp(eta), monotone)
            low = float(np.min(eta, where=zero, initial=np.inf))
            if np.exp(min(low, 700.0)) < 1e-10 * ybar:
                suspect = True
                break
    # final projection of X at the converged weights (for the covariance)
    w = None
    if fused:
        score = np.empty(n)
        if mu is None:  # Poisson: the weight buffer becomes the means (and, unweighted, w)
            mu = w_buf
            w = mu if not pw.size else np.empty(n)
        else:
            w = w_buf
        kern.count_final(y, eta, off, pw, disp, cols, mu, score, w)
    else:
        score, w = score_weight(y, mu, family, disp)
        w = w * pw
        cols[:, 0] = eta - off + score * pw / w
        score = score * pw
    tilde, _, _, dconv, cross = project(cols, fe, w, start=start, method=solver, gram=True,
                                        out=tilde)
    beta = _wls(tilde[:, 1:], tilde[:, 0], w, cross)
    fe_values = kern.fixed_part(eta, np.ascontiguousarray(off), cols, beta, eta_new)
    return IRLSFit(beta=beta, eta=eta, mu=mu, dispersion=disp, x_tilde=tilde[:, 1:],
                   weights=w, score=score, loglik=ll, converged=converged and dconv,
                   n_iter=it, fe_values=fe_values, suspect_separation=suspect)
