r"""Search for the global maximum of a Hawkes likelihood: a decay profile picks the starts.

With the decays held fixed, the exponential-kernel log-likelihood of a constant-baseline,
unmarked process is concave in :math:`(\mu, \alpha)` (the intensity is linear in them, the
compensator linear), so a fit with the decay fixed finds its own maximum from any start. The
awkward direction is the decay: a kernel much shorter than the true one explains the data
almost as well by a slightly larger baseline and almost no excitation, and a start on that
side settles on a lower local maximum (in the setting of Mohler et al. 2011, baseline 5.7 a
day against a decay of 0.1 a day, one fit in seven did so from the event-rate start).

:func:`search` therefore

1. evaluates the *decay profile* :math:`\ell_p(\beta) = \max_{\mu, \alpha, \kappa}\ell` on a
   geometric grid of decays (:func:`decay_grid`, from a mean lag of a third of the window to a
   hundredth of the mean gap between events), each point a cheap fit with the decay fixed;
2. starts a full fit (every parameter free) from each local maximum of the grid profile within
   :data:`PROFILE_MARGIN` log-likelihood units of the best, best first (at most ``n_starts``);
3. keeps the highest maximum and reports, in a table, where every start ended, so that starts
   that disagree are visible (:func:`disagreement`).

A sum-of-exponentials kernel scales all its decays together along the grid; per-target and
per-pair decays move together. The search is the same for the daily model (decays above a few
per day are cut from its grid: all offspring then fall on the next day and its likelihood is
flat there).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import optimize

__all__ = ["PROFILE_MARGIN", "SearchTable", "constrained_fit", "decay_grid", "disagreement",
           "profile_series", "search", "start_table"]

PROFILE_MARGIN = 10.0  # log-likelihood units: grid peaks further below the best are not started
POINTS_PER_DECADE = 2
_SAME_LOGLIK = 1e-3  # full fits within this many log-likelihood units reached the same maximum


def decay_grid(times: np.ndarray, start: float, end: float, n_dims: int, daily: bool
               ) -> np.ndarray:
    """Geometric grid of decays for the decay profile.

    From :math:`3/(T - S)` (mean lag a third of the window; slower kernels act like baseline)
    to 100 times the event rate per dimension (mean lag a hundredth of the mean gap), at
    :data:`POINTS_PER_DECADE` points per decade; the daily model stops at 3 per day.
    """
    dur = float(end - start)
    rate = max(times.size / dur / max(n_dims, 1), 1.0 / dur)
    lo, hi = 3.0 / dur, 100.0 * rate
    if daily:
        hi = min(hi, 3.0)
    hi = max(hi, 10.0 * lo)
    n = max(3, int(np.ceil(POINTS_PER_DECADE * np.log10(hi / lo))) + 1)
    return np.geomspace(lo, hi, n)


def constrained_fit(fun, theta_start: np.ndarray, fixed: np.ndarray, bounds: np.ndarray, n: int,
                    *, tol: float = 1e-10, max_iter: int = 1000):
    """Maximise ``fun`` over the entries of ``theta`` not in ``fixed`` (held at their start).

    Returns ``(loglik, theta, converged, n_iter, message)``. ``converged`` is L-BFGS-B's
    success, or a projected gradient of the scaled objective below ``1e-6`` (a line search
    that cannot improve on a stationary point, e.g. a warm start at the optimum, is a success).
    """
    base = np.array(theta_start, dtype=float)
    free = ~np.asarray(fixed, dtype=bool)
    scale = 1.0 / max(n, 1)

    def obj(z):
        th = base.copy()
        th[free] = z
        ll, g = fun(th)
        if not np.isfinite(ll) or g is None:
            return 1e300, np.zeros_like(z)
        return -ll * scale, -g[free] * scale

    lo, hi = bounds[free, 0], bounds[free, 1]
    z0 = np.clip(base[free], lo, hi)
    from sahelmodel.hawkes.model import _blas_single_thread

    # BLAS threads only spin in L-BFGS-B's small updates (2.5 ms a call on 2 busy cores)
    with warnings.catch_warnings(), _blas_single_thread():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow far out: handled above
        res = optimize.minimize(obj, z0, jac=True, method="L-BFGS-B",
                                bounds=list(zip(lo, hi, strict=True)),
                                options={"maxiter": max_iter, "ftol": tol, "gtol": 1e-9,
                                         "maxcor": 30})
    out = base.copy()
    out[free] = res.x
    pg = np.where(((res.x <= lo) & (res.jac > 0)) | ((res.x >= hi) & (res.jac < 0)), 0.0,
                  res.jac)
    converged = bool(res.success) or float(np.max(np.abs(pg), initial=0.0)) <= 1e-6
    return float(fun(out)[0]), out, converged, int(res.nit), str(res.message)


def newton_profile(data, layout, bounds: np.ndarray, theta0: np.ndarray):
    r"""Exact fixed-decay fits by Newton steps, when the specification allows it, else ``None``.

    With the decay fixed, an unmarked exponential-kernel process with a constant or piecewise
    baseline and a full excitation matrix has a log-likelihood that is a sum over targets of
    concave functions of :math:`(\mu_d, \alpha_d)`
    (:func:`~sahelmodel.hawkes._numba.fixed_decay_newton`), so each grid point is solved by a
    few projected Newton steps on sums computed once. Returns ``fit(beta, start) -> (loglik,
    theta)`` with ``start`` a ``theta`` (its baseline and excitation are the Newton start).
    The loglik is the exact maximum at ``beta``; the returned ``theta``, a start for full fits
    and for the next grid point, keeps every baseline and excitation at least ``1e-4`` times
    its moment start ``theta0`` (on the log scale an entry at the lower bound has a vanishing
    gradient, and a full fit started there would not move it).
    """
    if (layout.n_components > 1 or layout.decay != "shared" or layout.design is not None
            or layout.relations is not None or "kappa" in layout.blocks
            or data.times.size == 0):
        return None
    from sahelmodel.hawkes._loglik import HawkesParams
    from sahelmodel.hawkes._numba import fixed_decay_newton

    d = data.n_dims
    lb, ub = float(np.exp(bounds[0, 0])), float(np.exp(bounds[0, 1]))
    free = np.ones(layout.size, dtype=bool)
    free[layout.blocks["decay"]] = False
    floor = np.where(free, theta0 + np.log(1e-4), -np.inf)

    def fit(beta: float, start: np.ndarray):
        par = layout.unpack(start)
        ll, mu, alpha, _, _ = fixed_decay_newton(data, beta, par.mu, par.alpha, lb, ub, tol=1e-4)
        theta = layout.pack(HawkesParams(mu=mu, alpha=alpha, beta=np.full((d, d), beta),
                                         kappa=np.zeros(0)))
        return ll, np.clip(np.maximum(theta, floor), bounds[:, 0], bounds[:, 1])

    return fit


def _grid_theta(theta0: np.ndarray, decay_idx: np.ndarray, offsets: np.ndarray, beta: float
                ) -> np.ndarray:
    th = theta0.copy()
    th[decay_idx] = np.log(beta) + offsets
    return th


def search(fun, theta0: np.ndarray, decay_idx: np.ndarray, grid: np.ndarray, bounds: np.ndarray,
           n: int, *, tol: float, max_iter: int, n_starts: int, full_fit, grid_fit=None):
    """Decay profile on ``grid``, then full fits from its best local maxima.

    Parameters
    ----------
    fun : callable
        ``theta -> (loglik, gradient)``.
    theta0 : numpy.ndarray
        Moment start; its decay entries give the offsets between decays (zero for one decay).
    decay_idx : numpy.ndarray
        Positions of the decay parameters in ``theta``.
    grid : numpy.ndarray
        Decays of the profile.
    bounds : numpy.ndarray
        ``(p, 2)`` search region.
    n : int
        Number of events (objective scale).
    tol, max_iter : float, int
        Tolerance and iteration limit of the full fits.
    n_starts : int
        At most this many full fits.
    full_fit : callable
        ``theta_start -> (theta, n_iter, converged, message)``: the full fit (L-BFGS-B or EM).
    grid_fit : callable, optional
        ``(decay, theta_start) -> (loglik, theta)``: an exact fit with the decay fixed
        (:func:`newton_profile`); the grid is then walked from the fastest decay down, each
        point started from its neighbour's maximum (the problem at a fixed decay is concave,
        so the start changes only the work). Without it every point is an L-BFGS-B fit from
        the moment start.

    Returns
    -------
    best : tuple
        ``(theta, n_iter, converged, message)`` of the highest maximum found.
    table : SearchTable
        One row per start: ``start_decay``, ``profile_loglik`` (the grid value),
        ``loglik``, ``decay`` (first decay at the end), ``converged``, ``n_iter``, ``theta``;
        the row of the reported maximum has ``best = True`` (``table.frame()``).
    profile : tuple of numpy.ndarray
        The grid and its profile (``-inf`` where it cannot be evaluated): see
        :func:`profile_series`.
    """
    offsets = theta0[decay_idx] - np.max(theta0[decay_idx])
    fixed = np.zeros(theta0.size, dtype=bool)
    fixed[decay_idx] = True
    prof = np.full(grid.size, -np.inf)
    thetas: list[np.ndarray] = [theta0] * grid.size
    if grid_fit is not None:
        th = theta0
        for k in range(grid.size - 1, -1, -1):
            ll, th = grid_fit(float(grid[k]), th)
            prof[k] = ll if np.isfinite(ll) else -np.inf
            thetas[k] = th
    for k, beta in enumerate(grid if grid_fit is None else ()):
        # one L-BFGS-B fit per grid decay, the decay held fixed, from the moment start
        # (not warm-started along the grid: an excitation shrunk towards 0 at a short decay has
        # a vanishing log-scale gradient, and a fit started there would stay put)
        th = np.clip(_grid_theta(theta0, decay_idx, offsets, float(beta)), bounds[:, 0],
                     bounds[:, 1])
        ll, th, _, _, _ = constrained_fit(fun, th, fixed, bounds, n, tol=1e-7, max_iter=100)
        prof[k] = ll if np.isfinite(ll) else -np.inf
        thetas[k] = th
    finite = np.isfinite(prof)
    if not finite.any():
        best_start = [theta0]
        order = np.array([-1])
    else:
        padded = np.concatenate([[-np.inf], prof, [-np.inf]])
        peak = finite & (prof >= padded[:-2]) & (prof >= padded[2:])
        top = float(prof[finite].max())
        cand = np.flatnonzero(peak & (prof >= top - PROFILE_MARGIN))
        order = cand[np.argsort(-prof[cand], kind="stable")][: max(1, int(n_starts))]
        best_start = [thetas[i] for i in order]
    rows, fits = [], []
    for i, th in zip(order, best_start, strict=True):
        theta, n_iter, converged, message = full_fit(th)
        ll = float(fun(theta)[0])
        fits.append((theta, n_iter, converged, message))
        rows.append({"start_decay": float(grid[i]) if i >= 0 else float(np.exp(th[decay_idx[0]])),
                     "profile_loglik": float(prof[i]) if i >= 0 else np.nan,
                     "loglik": ll, "decay": float(np.exp(theta[decay_idx[0]])),
                     "converged": bool(converged), "n_iter": int(n_iter),
                     "theta": tuple(theta)})
    lls = np.array([row["loglik"] for row in rows])
    lls = np.where(np.isfinite(lls), lls, -np.inf)
    # starts within _SAME_LOGLIK of the highest reached the same maximum: the one started
    # from the highest profile peak is kept (on a flat likelihood the others only wander)
    j = int(np.flatnonzero(lls >= lls.max() - _SAME_LOGLIK)[0])
    return fits[j], SearchTable(rows, j), (grid, prof)


class SearchTable:
    """Where each start of a search ended, made into a table only when asked (:meth:`frame`).

    A bootstrap refit needs only the best maximum; the fit's results show the table.
    """

    def __init__(self, rows: list[dict], best: int):
        self.rows, self.best = rows, best

    def frame(self) -> pd.DataFrame:
        """One row per start (see :func:`search`), without ``theta``.

        The row of the reported maximum has ``best = True``.
        """
        cols = [c for c in self.rows[0] if c != "theta"]
        table = {c: [row[c] for row in self.rows] for c in cols}
        table["best"] = [i == self.best for i in range(len(self.rows))]
        return pd.DataFrame(table)

    def maxima(self) -> list[np.ndarray]:
        """Where each start ended, on the optimisation scale."""
        return [np.asarray(row["theta"], dtype=float) for row in self.rows]


def profile_series(profile: tuple[np.ndarray, np.ndarray] | None) -> pd.Series | None:
    """The grid profile of :func:`search` as a series indexed by decay."""
    if profile is None:
        return None
    grid, prof = profile
    return pd.Series(prof, index=pd.Index(grid, name="decay"), name="profile_loglik")


def disagreement(table: pd.DataFrame) -> tuple[int, float]:
    """Distinct maxima reached by the starts and how far the runner-up is below the best.

    Returns ``(n_maxima, gap)``: full fits whose log-likelihoods differ by more than
    ``1e-3`` count as different maxima; ``gap`` is the best log-likelihood minus the second
    highest distinct maximum (``inf`` when every start reached the same one).
    """
    lls = np.sort(table["loglik"].to_numpy(dtype=float)[np.isfinite(table["loglik"])])[::-1]
    if lls.size == 0:
        return 0, np.inf
    distinct = [lls[0]]
    for v in lls[1:]:
        if distinct[-1] - v > _SAME_LOGLIK:
            distinct.append(v)
    gap = distinct[0] - distinct[1] if len(distinct) > 1 else np.inf
    return len(distinct), float(gap)


def start_table(fun, starts: list[np.ndarray], decay_idx: np.ndarray, full_fit):
    """Full fits from given starts; the best and a table like :func:`search`'s."""
    rows, fits = [], []
    for th in starts:
        fit = full_fit(th)
        fits.append(fit)
        rows.append({"start_decay": float(np.exp(th[decay_idx[0]])), "profile_loglik": np.nan,
                     "loglik": float(fun(fit[0])[0]),
                     "decay": float(np.exp(fit[0][decay_idx[0]])),
                     "converged": bool(fit[2]), "n_iter": int(fit[1]),
                     "theta": tuple(fit[0])})
    lls = np.array([row["loglik"] for row in rows])
    j = int(np.argmax(np.where(np.isfinite(lls), lls, -np.inf)))
    return fits[j], SearchTable(rows, j)
