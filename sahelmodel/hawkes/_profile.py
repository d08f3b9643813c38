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

import numpy as np
from scipy import optimize

__all__ = ["SHAPE_TOL", "profile_ends", "rho_profile_fit"]

SHAPE_TOL = 0.1


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
                return float(optimize.brentq(root_dev, min(inside, t), max(inside, t),
                                             xtol=1e-4, rtol=1e-8))
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

    z0 = np.clip(np.asarray(theta_start, dtype=float), lo, hi)
    res = optimize.minimize(obj, z0, jac=True, method="L-BFGS-B",
                            bounds=list(zip(lo, hi, strict=True)),
                            options={"maxiter": 1000, "ftol": tol, "gtol": 1e-9, "maxcor": 30})
    th = constrained(np.asarray(res.x, dtype=float))
    with np.errstate(all="ignore"):
        ll = float(fun(th)[0]) if res.fun < 1e299 else -np.inf
    pg = np.where(((res.x <= lo) & (res.jac > 0)) | ((res.x >= hi) & (res.jac < 0)), 0.0,
                  res.jac)
    converged = bool(res.success) or float(np.max(np.abs(pg), initial=0.0)) <= 1e-6
    return ll, th, converged
