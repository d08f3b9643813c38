r"""Profile likelihood of Hawkes fits: end points, the Wald shape check, the branching ratio.

* :func:`profile_ends` finds the end points of :math:`\{t : 2\{\hat\ell - \ell_p(t)\} \le
  \chi^2_1(\text{level})\}` as roots of the signed root deviance, bracketed by stepping out
  from the estimate (steps of at most 2 on the log scale) and found by Brent's method; an end
  is ``None`` when the set reaches the edge of the search region (or of the region where the
  likelihood can be evaluated).
* Whether a Wald interval can be trusted is decided by the profile itself
  (``HawkesResults._wald_shape_ok``): at the Wald end points :math:`\hat t \pm q s` a
  quadratic profile has signed root deviance exactly :math:`\pm q`; the Wald interval is
  kept when both are within :data:`SHAPE_TOL` of :math:`q` (relative). Two constrained refits
  per term, reused by the profile interval when the check fails. A skewed or flattening
  likelihood fails it, whatever the distance from zero.
* :func:`rho_profile_fit` maximises the likelihood with the branching ratio (the spectral
  radius of :math:`A = \alpha\,\operatorname{diag}(\bar m)`) held fixed. The spectral radius
  is homogeneous of degree one in :math:`\alpha`, so the constraint is met exactly by
  rescaling: :math:`\alpha = \alpha' \rho_0 / \rho(\alpha', \kappa)`, and the other parameters
  and the direction :math:`\alpha'` are free.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = ["SHAPE_TOL", "ProfileMixin", "profile_ends", "rho_profile_fit"]

SHAPE_TOL = 0.1
_BLAS_DEPTH = [0]  # nesting of _single_blas: only the outermost call sets the limit


def _single_blas(method):
    """Run ``method`` with BLAS limited to one thread, as the fit is.

    The refits' linear algebra is tiny (L-BFGS-B's updates, 2 x 2 eigenproblems); BLAS
    threads only spin there (3x the CPU of the daily model's profile intervals on 2 cores).
    """

    @functools.wraps(method)
    def wrapped(*args, **kwargs):
        if _BLAS_DEPTH[0]:
            return method(*args, **kwargs)
        from sahelmodel.hawkes.model import _blas_single_thread

        _BLAS_DEPTH[0] += 1
        try:
            with _blas_single_thread():
                return method(*args, **kwargs)
        finally:
            _BLAS_DEPTH[0] -= 1

    return wrapped


def profile_ends(root_dev, t_hat: float, se: float, lo_b: float, hi_b: float, crit: float,
                 probe_lower: bool, sides: tuple[bool, bool] = (True, True)
                 ) -> tuple[float | None, float | None]:
    r"""End points ``(lower, upper)`` of a profile set on the optimisation scale.

    ``root_dev(t)`` is the signed root deviance minus :math:`\sqrt{\chi^2_1}` (NaN where the
    likelihood cannot be evaluated); ``None`` marks an end at the edge of the search region.
    ``probe_lower`` probes the lower edge after the first step (for positive parameters,
    whose boundary :math:`x = 0` is the common case). ``sides`` says which ends to find
    (``(lower, upper)``; an end not asked for is ``None``).
    """
    step0 = float(np.clip(se if np.isfinite(se) else 1.0, 0.05, 1.0)) * np.sqrt(crit)
    max_step = 2.0  # on the log scale: profile points at most a factor e^2 apart

    def end(direction: float, edge: float, probe_edge: bool) -> float | None:
        inside, step, far = t_hat, step0, edge
        while True:
            t = float(np.clip(inside + direction * step, min(inside, far), max(inside, far)))
            r = root_dev(t)
            if np.isnan(r):  # not computable: the region ends before t
                far, step = t, 0.5 * abs(t - inside)
                if step < 1e-3:
                    return None
                continue
            if r > 0.0:
                if abs(t - inside) < 1e-9:
                    return t
                try:
                    return float(optimize.brentq(root_dev, min(inside, t), max(inside, t),
                                                 xtol=1e-4, rtol=1e-8))
                except ValueError:  # the inner point re-evaluated above 0 (refit noise at
                    return t  # a root within tolerance): keep the outer point, the wider end
            if t == far:
                return None  # the set reaches the edge of the search region
            if probe_edge:  # one step did not leave the set: is the boundary in it?
                probe_edge = False
                if root_dev(edge) <= 0.0:  # (NaN: unknown, keep stepping)
                    return None
            inside, step = t, min(2.0 * step, max_step)

    upper = end(1.0, hi_b, False) if t_hat < hi_b and sides[1] else None
    lower = end(-1.0, lo_b, probe_lower) if t_hat > lo_b and sides[0] else None
    return lower, upper


def _log_rho_grad(log_rho, theta: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Forward differences of ``log_rho`` in the entries ``idx`` (eigenvalues are cheap)."""
    base = log_rho(theta)
    out = np.zeros(theta.size)
    for j in idx:
        th = theta.copy()
        h = 1e-7 * max(1.0, abs(th[j]))
        th[j] += h
        out[j] = (log_rho(th) - base) / h
    return out


def rho_profile_fit(fun, log_rho, theta_start: np.ndarray, value: float, alpha_idx: np.ndarray,
                    dep_idx: np.ndarray, bounds: np.ndarray, n: int, tol: float = 1e-10):
    """Maximise the log-likelihood with ``log_rho(theta) = value`` (log branching ratio).

    Parameters
    ----------
    fun : callable
        ``theta -> (loglik, gradient)``.
    log_rho : callable
        ``theta -> log`` spectral radius; homogeneous: adding ``c`` to every entry of
        ``alpha_idx`` adds ``c``.
    theta_start : numpy.ndarray
        Warm start.
    value : float
        The fixed log branching ratio.
    alpha_idx, dep_idx : numpy.ndarray
        Positions of the log excitation parameters, and of every parameter the branching
        ratio depends on (excitation and multipliers).
    bounds : numpy.ndarray
        ``(p, 2)`` search region.
    n : int
        Number of events (objective scale).
    tol : float
        Relative tolerance.

    Returns
    -------
    loglik, theta, converged
        ``theta`` satisfies the constraint.
    """
    lo = bounds[:, 0].copy()
    hi = bounds[:, 1].copy()
    lo[alpha_idx], hi[alpha_idx] = lo[alpha_idx] - 40.0, hi[alpha_idx] + 40.0  # direction only
    scale = 1.0 / max(n, 1)

    def constrained(z):
        th = z.copy()
        th[alpha_idx] += value - log_rho(z)
        return th

    def obj(z):
        th = constrained(z)
        if np.any(th[alpha_idx] < bounds[alpha_idx, 0]) or np.any(
                th[alpha_idx] > bounds[alpha_idx, 1]):
            return 1e300, np.zeros_like(z)
        with np.errstate(all="ignore"):
            ll, g = fun(th)
        if not np.isfinite(ll) or g is None:
            return 1e300, np.zeros_like(z)
        d = _log_rho_grad(log_rho, z, dep_idx)
        gz = g - float(g[alpha_idx].sum()) * d
        return -ll * scale, -gz * scale

    from sahelmodel.hawkes.model import _blas_single_thread

    z0 = np.clip(np.asarray(theta_start, dtype=float), lo, hi)
    with _blas_single_thread():
        res = optimize.minimize(obj, z0, jac=True, method="L-BFGS-B",
                                bounds=list(zip(lo, hi, strict=True)),
                                options={"maxiter": 1000, "ftol": tol, "gtol": 1e-9,
                                         "maxcor": 30})
    th = constrained(np.asarray(res.x, dtype=float))
    with np.errstate(all="ignore"):
        ll = float(fun(th)[0]) if res.fun < 1e299 else -np.inf
    pg = np.where(((res.x <= lo) & (res.jac > 0)) | ((res.x >= hi) & (res.jac < 0)), 0.0,
                  res.jac)
    converged = bool(res.success) or float(np.max(np.abs(pg), initial=0.0)) <= 1e-6
    return ll, th, converged


class ProfileMixin:
    """Profile-likelihood methods of :class:`~sahelmodel.hawkes.results.HawkesResults`."""

    def _other_maximum_in_set(self, q: float) -> bool:
        """Whether the search found another maximum inside the likelihood-ratio set."""
        fun = self._objective()
        return any(self.loglik - float(fun(t)[0]) <= 0.5 * q * q
                   and not np.allclose(t, self.theta, atol=1e-3)
                   for t in self._cache.get("maxima", []))

    @_single_blas
    def _wald_shape_ok(self, k: int | str, q: float, se: float) -> bool:
        r"""Whether the profile deviance at the Wald end points is close to its critical value.

        At :math:`\hat t \pm q\,s` (log scale) a quadratic profile has signed root deviance
        exactly :math:`\pm q`; the Wald interval is trusted when both are within
        :data:`~sahelmodel.hawkes._profile.SHAPE_TOL` of it (relative). A skewed or flattening
        likelihood fails, whatever the distance from zero.
        """
        t_hat = self._t_hat(k)
        lo_b, hi_b = self._search_bounds()[0 if k == "rho" else k]
        fun = self._objective()
        for t in (t_hat + q * se, t_hat - q * se):
            if not lo_b < t < hi_b:
                return False
            ll = self._profile_point(fun, k, t)
            if not np.isfinite(ll):
                return False
            r = np.sqrt(max(2.0 * (self.loglik - ll), 0.0))
            if abs(r / q - 1.0) > SHAPE_TOL:
                return False
        return True

    def _search_bounds(self) -> np.ndarray:
        from sahelmodel.hawkes.model import _bounds

        return _bounds(self.layout)

    def _objective(self):
        if "objective" not in self._cache:
            self._cache["objective"] = self.model._objective(self.data, self.layout)
        return self._cache["objective"]

    def _t_hat(self, k: int | str) -> float:
        return self._log_rho(self.theta) if k == "rho" else float(self.theta[k])

    def _profile_point(self, fun, k: int | str, value: float) -> float:
        """Profile log-likelihood at ``theta[k] = value`` (``k = "rho"``: log branching ratio).

        Warm-started from the nearest point between the estimate and ``value``.
        """
        from sahelmodel.hawkes.model import profile_fit

        t_hat = self._t_hat(k)
        points = self._cache.setdefault(("points", k), {t_hat: self.theta})
        # continuation from the estimate: start from the nearest point between the estimate
        # and ``value`` (never from one beyond it, which may sit in a degenerate optimum such
        # as an excitation shrunk to zero, where the log-scale gradient vanishes)
        between = [t for t in points if (t - t_hat) * (value - t_hat) >= 0.0
                   and abs(t - t_hat) <= abs(value - t_hat)]
        start = points[min(between, key=lambda t: abs(t - value))]
        tol = min(self.model.tol, 1e-10)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # checked below
            if k == "rho":
                alpha_idx = np.arange(self.layout.size)[self.layout.blocks["alpha"]]
                ll, theta, ok = rho_profile_fit(fun, self._log_rho, start, value, alpha_idx,
                                                self._rho_dependencies(),
                                                self._search_bounds(), self.nobs, tol)
            else:
                ll, theta, ok = profile_fit(fun, start, k, value, self._search_bounds(),
                                            self.nobs, tol)
        if not np.isfinite(ll):  # the model cannot be evaluated there (overflow)
            return -np.inf
        if not ok:  # a finite point short of the maximum: recorded, reported in the summary
            name = "branching ratio" if k == "rho" else self.layout.names[k]
            self._cache.setdefault("unconverged", set()).add(name)
        points[float(value)] = theta
        return ll

    @_single_blas
    def profile_loglik(self, term: str, values: Any) -> pd.Series:
        """Profile log-likelihood of one parameter at natural-scale ``values``.

        Every other parameter is re-estimated with ``term`` held at each value.

        Parameters
        ----------
        term : str
            A name from ``params.index``, or ``"branching_ratio"``.
        values : array_like
            Values of the parameter (0 for a positive parameter means the lower edge of the
            search region, :math:`e^{-23}`).

        Returns
        -------
        pandas.Series
            Profile log-likelihood indexed by the values (``-inf`` where the likelihood cannot
            be evaluated, e.g. a daily-model kernel that overflows at an extreme decay).
        """
        names = list(self.layout.names)
        if term not in [*names, "branching_ratio"]:
            raise ValueError(f"term {term!r} is not a parameter; choose from "
                             f"{[*names, 'branching_ratio']}")
        k: int | str = "rho" if term == "branching_ratio" else names.index(term)
        v = np.atleast_1d(np.asarray(values, dtype=float))
        lo, hi = self._search_bounds()[0 if k == "rho" else k]
        if k == "rho" or self.layout.positive[k]:
            if np.any(v < 0):
                raise ValueError(f"{term} is positive; got negative values")
            t = np.clip(np.log(np.maximum(v, np.exp(lo))), lo, hi)
        else:
            t = np.clip(v, lo, hi)
        fun = self._objective()
        return pd.Series([self._profile_point(fun, k, float(x)) for x in t], index=v,
                         name="profile_loglik")

    @_single_blas
    def _profile_interval(self, k: int | str, level: float) -> tuple[float, float]:
        if k == "rho" and self._rho_alone() is not None:
            k = self._rho_alone()
        key = ("interval", k, level)
        if key not in self._cache:
            self._cache[key] = self._find_profile_interval(k, level)
        return self._cache[key]

    def _find_profile_interval(self, k: int | str, level: float) -> tuple[float, float]:
        crit = float(stats.chi2.ppf(level, 1))
        t_hat = self._t_hat(k)
        lo_b, hi_b = self._search_bounds()[0 if k == "rho" else k]
        if k == "rho":  # the excitation's search region, shifted by the mean multiplier
            hi_b = hi_b + max(0.0, t_hat - float(np.max(self.theta[self.layout.blocks["alpha"]])))
            c = self._rho_gradient()
            se = float(np.sqrt(max(c @ self._cov_fixed_bounds @ c, 0.0)))
        else:  # a non-positive variance (the fit has warned about its information) gives
            # no Wald scale: the profile search then steps out from the estimate's bounds
            var = float(self.cov_theta[k, k])
            se = float(np.sqrt(var)) if var > 0 else np.nan
        positive = k == "rho" or bool(self.layout.positive[k])
        if not np.isfinite(t_hat):  # a branching ratio of exactly zero
            t_hat = lo_b
        # the reference is the best of the fit and the profile at the estimate (a refit from
        # the estimate can only improve on it)
        fun = self._objective()
        ref = max(self.loglik, self._profile_point(fun, k, t_hat))

        def root_dev(t: float) -> float:  # signed-root deviance minus its critical value
            ll = self._profile_point(fun, k, t)
            if not np.isfinite(ll):
                return np.nan
            return np.sqrt(max(2.0 * (ref - ll), 0.0)) - np.sqrt(crit)

        lower, upper = profile_ends(root_dev, t_hat, se, lo_b, hi_b, crit, positive)
        # another maximum of the search inside the likelihood-ratio set puts its value of the
        # term in the set too (the profile there is at least its likelihood): the interval
        # runs on from it (the hull of a set that a dip between the maxima may split)
        for other in self._cache.get("maxima", []):
            if not ref - float(fun(other)[0]) <= 0.5 * crit:
                continue
            t_o = self._log_rho(other) if k == "rho" else float(other[k])
            points = self._cache.setdefault(("points", k), {t_hat: self.theta})
            if upper is not None and t_o > upper:
                points[t_o] = other
                upper = profile_ends(root_dev, t_o, se, lo_b, hi_b, crit, False, (False, True))[1]
            elif lower is not None and t_o < lower:
                points[t_o] = other
                lower = profile_ends(root_dev, t_o, se, lo_b, hi_b, crit, positive,
                                     (True, False))[0]
        if positive:
            return (0.0 if lower is None else float(np.exp(lower)),
                    np.inf if upper is None else float(np.exp(upper)))
        return (-np.inf if lower is None else lower, np.inf if upper is None else upper)

