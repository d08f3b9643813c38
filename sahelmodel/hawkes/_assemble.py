r"""Assemble a Hawkes fit's results: observed information, degeneracy checks, summary notes.

A fit is *degenerate* (:func:`degenerate_causes`) when a decay or a baseline sits at the edge
of the search region, when the branching ratio is one or more (no stationary process), or when
the kernel's mean lag :math:`1/\beta` is longer than the window: excitation spread over more
than the whole window is indistinguishable from extra baseline (it is absorbed by it), and
its size is not identified. Each cause is named in a :class:`HawkesWarning` and in the
summary; ``converged`` is kept for what the optimiser reports.
"""

from __future__ import annotations

import textwrap
import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sahelmodel.hawkes.results import HawkesResults, diag_warning

if TYPE_CHECKING:
    from sahelmodel.hawkes.model import _Estimate

__all__ = ["at_bound", "build_results", "degenerate_causes", "summary_notes"]


def _hessian(fun, theta: np.ndarray) -> np.ndarray:
    """Forward differences of the analytic gradient (one evaluation per parameter), symmetrised.

    The truncation error is of the order of the step, ``1e-6`` relative, far below the
    sampling error that the covariance describes.
    """
    exact = getattr(fun, "hessian", None)  # analytic, one compiled pass, where available
    if exact is not None:
        return exact(theta)
    p = theta.size
    h = np.empty((p, p))
    g0 = fun(theta)[1]
    if g0 is None:
        return np.full((p, p), np.nan)
    for k in range(p):  # one gradient evaluation per parameter
        step = 1e-6 * max(1.0, abs(theta[k]))
        up = theta.copy()
        up[k] += step
        gu = fun(up)[1]
        h[:, k] = np.nan if gu is None else (gu - g0) / step
    return 0.5 * (h + h.T)


def at_bound(layout, theta: np.ndarray) -> tuple[str, ...]:
    """Names of the positive parameters at the edge of the search region."""
    from sahelmodel.hawkes.model import _LOG_BOUNDS

    return tuple(n for n, v, pos in zip(layout.names, theta, layout.positive, strict=True)
                 if pos and (v <= _LOG_BOUNDS[0] + 1e-6 or v >= _LOG_BOUNDS[1] - 1e-6))


def degenerate_causes(layout, data, theta: np.ndarray, bound: tuple[str, ...], rho: float
                      ) -> tuple[str, ...]:
    """Why a fit is degenerate, in words (empty when it is not).

    ``bound`` names the parameters at the edge of the search region (:func:`at_bound`) and
    ``rho`` is the branching ratio at ``theta``.
    """
    names = np.asarray(layout.names)
    causes = []
    decay = names[layout.blocks["decay"]]
    stuck = [n for n in decay if n in bound]
    if stuck:
        causes.append(f"decay at the edge of the search region ({', '.join(stuck)})")
    if layout.design is None:  # a piece with events of its own and no baseline left
        counts = np.bincount(data.dims * data.n_pieces + data.piece,
                             minlength=data.n_dims * data.n_pieces)
        mu_names = names[layout.blocks["mu"]]
        mu_theta = theta[layout.blocks["mu"]]
        low_mu = [n for n, th, c in zip(mu_names, mu_theta, counts, strict=True)
                  if n in bound and th < 0 and c > 0]
        if low_mu:
            causes.append(f"baseline at the lower edge of the search region "
                          f"({', '.join(low_mu)}) where there are events: the excitation "
                          "explains every one of them")
    if not rho < 1.0:
        causes.append(f"branching ratio {rho:.3g} >= 1 (non-stationary: no stationary process)")
    window = float(data.end - data.start)
    nat = layout.unpack(theta)
    beta = nat.beta if nat.mix is None else nat.mix[0]
    slow = float(np.min(beta))
    if slow * window < 1.0 and not stuck:
        causes.append(f"excitation absorbed by the baseline: mean lag 1/decay = {1 / slow:.3g} "
                      f"is longer than the window ({window:.3g})")
    return tuple(causes)


def build_results(model, event_times, est: _Estimate) -> HawkesResults:
    """Assemble :class:`HawkesResults`: observed information, covariances, checks, warnings.

    ``est`` is where the search ended (``Hawkes._estimate``).
    """
    from sahelmodel.hawkes._search import disagreement, profile_series

    data, layout, fun, theta, search = est.data, est.layout, est.fun, est.theta, est.table
    ll = est.loglik
    names = layout.names
    bound = at_bound(layout, theta)
    free = np.array([n not in bound for n in names])
    info = -_hessian(fun, theta)
    cov_theta = np.full_like(info, np.nan)  # parameters at a bound have no Wald variance
    sub = info[np.ix_(free, free)]
    cov_ok = bool(np.all(np.isfinite(sub)))
    if cov_ok and free.any():
        try:
            inv = np.linalg.inv(np.linalg.cholesky(sub))
            cov_theta[np.ix_(free, free)] = inv.T @ inv
        except np.linalg.LinAlgError:
            cov_ok = False
            cov_theta[np.ix_(free, free)] = np.linalg.pinv(sub)
    x = layout.natural_values(theta)
    jac = np.where(layout.positive, x, 1.0)  # d natural / d theta
    cov_nat = cov_theta * np.outer(jac, jac)
    res = HawkesResults(
        params=pd.Series(x, index=list(names), name="estimate"),
        cov=pd.DataFrame(cov_nat, index=list(names), columns=list(names)),
        model=model, event_times=event_times, loglik=float(ll), nobs=int(data.times.size),
        converged=est.converged, n_iter=est.n_iter, message=est.message, theta=theta,
        cov_theta=cov_theta, cov_ok=cov_ok, at_bound=bound, data=data, layout=layout,
        search=search.frame(), decay_profile=profile_series(est.profile))
    res._cache["maxima"] = search.maxima()  # other maxima: kept for the profile intervals
    causes = degenerate_causes(layout, data, theta, bound, res.branching_ratio)
    object.__setattr__(res, "degenerate_causes", causes)
    warn = diag_warning()
    if not cov_ok:
        warnings.warn("the observed information is not positive definite; standard errors "
                      "are unreliable" + (f" (at the bound: {', '.join(bound)})"
                                          if bound else ""), warn, stacklevel=3)
    if bound:
        warnings.warn("parameters at the edge of the search region (" + ", ".join(bound)
                      + "): no standard errors (NaN); held fixed in derived intervals", warn,
                      stacklevel=3)
    if causes:
        warnings.warn("degenerate Hawkes fit: " + "; ".join(causes), warn, stacklevel=3)
    n_max, gap = disagreement(res.search)
    if n_max > 1 and gap < 2.0:
        warnings.warn(f"the starts of the search reached {n_max} different maxima; the "
                      f"runner-up is only {gap:.3g} log-likelihood units below the best "
                      "(see .search)", warn, stacklevel=3)
    return res


def _reach(lo: float, hi: float, positive: bool) -> str:
    if positive and lo == 0.0 and hi == np.inf:
        return "is not identified by these data: its profile likelihood stays within the " \
               "critical value from 0 to infinity"
    if hi == np.inf:
        return "is not bounded above by these data: its interval reaches infinity"
    if positive and lo == 0.0:
        return "is not distinguishable from 0: its interval reaches 0"
    if lo == -np.inf:
        return "is not bounded below by these data: its interval reaches minus infinity"
    return ""


def summary_notes(res: HawkesResults, level: float, frame: pd.DataFrame,
                  rho_ci: tuple[float, float]) -> list[str]:
    """The notes of a Hawkes summary: convergence, degeneracy, search, identification."""
    from sahelmodel.hawkes._search import disagreement

    notes = []
    if not res.converged:
        notes.append(f"The optimiser did not converge at the best maximum found: {res.message}")
    if res.degenerate:
        notes.append("Degenerate fit: " + "; ".join(res.degenerate_causes) + ".")
    if not res.stationary:
        notes.append("Non-stationary fit: branching ratio >= 1.")
    if res.search is not None and len(res.search) > 1:
        n_max, gap = disagreement(res.search)
        if n_max > 1:
            notes.append(f"The {len(res.search)} starts of the search reached {n_max} "
                         f"different maxima; the best is reported ({gap:.3g} log-likelihood "
                         "units above the runner-up).")
    if not res.cov_ok:
        notes.append("Observed information not positive definite: standard errors are "
                     "from a pseudo-inverse and unreliable.")
    if res.at_bound:
        notes.append("At the edge of the search region: " + ", ".join(res.at_bound))
    kinds = res.interval_methods(level)
    prof = [n for n, m in kinds.items() if m == "profile"]
    notes.append("Intervals: Wald on the log scale for positive parameters"
                 + (f"; profile likelihood for {', '.join(prof)} (Wald shape doubtful: near "
                    "the boundary or a likelihood far from quadratic)" if prof else "") + ".")
    pos = dict(zip(res.layout.names, res.layout.positive, strict=True))
    for term, (lo, hi) in [*frame[["lower", "upper"]].iterrows(), ("branching ratio", rho_ci)]:
        text = _reach(float(lo), float(hi), pos.get(str(term), True))
        if text:
            notes.append(f"{term} {text} ({level:.0%} interval [{lo:.4g}, {hi:.4g}]).")
    if "sensitivity" in res._cache:  # run by res.baseline_sensitivity()
        notes.extend(res._cache["sensitivity"].notes)
    if res._cache.get("unconverged"):
        notes.append("Some profile refits stopped short of convergence (their profile "
                     "log-likelihood is a lower bound): "
                     + ", ".join(sorted(res._cache["unconverged"])))
    lines = []  # one note may take several lines of at most 88 characters
    for note in notes:
        lines.extend(textwrap.wrap(note, 88, subsequent_indent="  ", break_long_words=False))
    return lines
