r"""Hawkes model specification and maximum-likelihood / EM fitting.

:class:`Hawkes` is a specification: keyword-only settings, no work in ``__init__``, cheap to copy,
so one specification can be fitted to a thousand simulated data sets. ``fit(event_times)``
returns a new :class:`~sahelmodel.hawkes.results.HawkesResults`.

Fitting
-------
Every parameter is positive and optimised on the log scale by L-BFGS-B with the analytic gradient
(:mod:`sahelmodel.hawkes._loglik`, compiled with numba; :mod:`sahelmodel.hawkes.discrete` for
daily counts). The starts come from the decay profile (fits with the decay held fixed on a grid
of decays, :mod:`sahelmodel.hawkes._search`); full fits start from its best local maxima and
the highest maximum is reported, with ``converged`` its optimiser's verdict and ``degenerate``
a separate flag. The covariance is the inverse observed information
:math:`-\nabla^2\ell(\hat\theta)^{-1}` on the log scale, the Hessian obtained by forward
differences of the analytic gradient; the natural-scale
covariance follows by the delta method (:math:`J = \operatorname{diag}(e^{\hat\theta})`).
Confidence intervals respect the boundary at zero: Wald intervals on the log scale, or profile-
likelihood intervals (:func:`profile_fit` maximises over all other parameters with one held
fixed) where the Wald interval's shape is doubtful; see
:meth:`~sahelmodel.hawkes.results.HawkesResults.conf_int`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from sahelmodel._validation import check_choice
from sahelmodel.event_times import EventTimes
from sahelmodel.hawkes._loglik import HawkesArrays, HawkesParams, loglik_and_grad
from sahelmodel.hawkes._problem import Layout, relation_matrices
from sahelmodel.hawkes._sumexp import sumexp_loglik_and_grad
from sahelmodel.hawkes.discrete import daily_counts, daily_loglik_and_grad
from sahelmodel.hawkes.knots import changepoint_knots

__all__ = ["Hawkes", "HawkesFitError", "HawkesWarning", "profile_fit"]

_LOG_BOUNDS = (-23.0, 12.0)  # exp: about 1e-10 .. 1.6e5 on the natural scale


def _blas_single_thread():
    """Limit BLAS to one thread during a fit (its linear algebra is tiny; threads only spin).

    Uses :mod:`threadpoolctl` when installed, else does nothing. The loaded libraries are
    looked up once per process (a lookup reads every shared library's header: about 8 ms,
    more than a fit of a few hundred events) and the controller is reused.
    """
    if not _CONTROLLER:
        try:
            import scipy.optimize  # noqa: F401  (its BLAS is loaded before the lookup)
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - optional
            _CONTROLLER.append(None)
        else:
            _CONTROLLER.append(ThreadpoolController())
    if _CONTROLLER[0] is None:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


_CONTROLLER: list = []  # the process's threadpoolctl controller, made on first use


class HawkesWarning(UserWarning):
    """Numerical or modelling trouble in a Hawkes fit (non-convergence, non-stationarity...)."""


class HawkesFitError(RuntimeError):
    """A Hawkes fit could not be carried out (e.g. a non-finite likelihood at the start)."""


@dataclass(frozen=True, kw_only=True)
class Hawkes:
    r"""Multivariate Hawkes process with exponential kernels, marks and flexible baselines.

    Parameters
    ----------
    kernel : {"exp", "sumexp"}
        Exponential kernel :math:`g(t) = \beta e^{-\beta t}` (integrates to one) with the decay
        estimated, or a sum of ``n_components`` exponentials
        :math:`g(t) = \sum_m w_m \beta_m e^{-\beta_m t}` (:math:`\sum_m w_m = 1`) with all decays
        and weights estimated (shared by all pairs; reported as ``decay[m]`` and
        ``weight_ratio[m/0]`` :math:`= w_m / w_0`).
    n_components : int, default 2
        Number of exponentials for ``kernel="sumexp"``.
    baseline : {"constant", "piecewise", "loglinear"}
        Constant baseline per dimension, constant on pieces of the window (``knots``), or
        log-linear in covariates that are constant on those pieces:
        :math:`\log\mu_d(t) = \gamma_{d0} + x_{p(t)}^\top\gamma_d`.
    knots : int, array_like or "changepoint", optional
        For ``baseline="piecewise"``: the number of equal-length pieces, the interior knot
        times, or ``"changepoint"`` for knots where the pooled event rate changes
        (:func:`~sahelmodel.hawkes.knots.changepoint_knots`). Default: pieces of about 30 time
        units.
    covariates : array_like or pandas.DataFrame, optional
        For ``baseline="loglinear"``: one row per baseline piece (``knots`` gives the pieces),
        one column per covariate (DataFrame column names label the coefficients).
    decay : {"shared", "per_target", "per_pair"}
        One decay for all pairs, one per target dimension, or one per (target, source) pair.
    parametrisation : {"full", "relational"}
        ``"full"``: a free branching ratio per (target, source) pair. ``"relational"``:
        :math:`\alpha_{dk} = \sum_r w_r R^{(r)}_{dk}` with relation matrices ``relations`` (by
        default inertia / retaliation / spill-over between dyads named ``"i|j"``).
    relations : dict of str to array, optional
        Relation matrices ``(D, D)`` of 0/1 for ``parametrisation="relational"``.
    marks : bool, default True
        Estimate a productivity multiplier :math:`\kappa_c` for every positive mark value of
        the data (none if the data carry no marks).
    method : {"mle", "em"}
        Direct maximisation (L-BFGS-B) or the EM algorithm with the branching structure latent
        (constant baseline, full parametrisation, shared decay).
    timing : {"continuous", "daily"}
        Continuous-time likelihood, or the discrete-time model for daily counts
        (:mod:`sahelmodel.hawkes.discrete`), which handles same-day ties.
    backend : {"auto", "numpy", "numba"}
        Core for the sums over the past: ``"auto"`` and ``"numba"`` the compiled one-pass
        recursions (the default), ``"numpy"`` the vectorised reference twin (slower; for
        tests and checks).
    max_iter : int
        Iteration limit of the optimiser (or of EM).
    tol : float
        Convergence tolerance (relative change of the log-likelihood).
    n_starts : int, default 3
        At most this many full fits, started from the best local maxima of the decay profile
        (:mod:`sahelmodel.hawkes._search`); the highest maximum is reported and
        ``HawkesResults.search`` says where every start ended.

    Notes
    -----
    .. math::

        \lambda_d(t) = \mu_d(t) + \sum_k \alpha_{dk} \sum_{j: d_j = k, t_j < t}
            \kappa_{c_j}\, \beta_{dk} e^{-\beta_{dk}(t - t_j)},

    with :math:`\kappa_0 = 1` for unmarked events; :math:`\alpha_{dk}` is the expected number of
    direct offspring in :math:`d` of an ordinary event in :math:`k` and :math:`1/\beta_{dk}` the
    mean lag. The branching ratio is the spectral radius of
    :math:`A_{dk} = \alpha_{dk}\,\bar m_k` where :math:`\bar m_k` is the mean productivity
    multiplier of the events of :math:`k` (one without marks); the process is stationary when it
    is below one.

    Examples
    --------
    >>> from sahelmodel.hawkes.simulate import simulate_hawkes
    >>> et = simulate_hawkes(0.5, 0.4, 1.0, 2000.0, rng=0)
    >>> res = Hawkes().fit(et)
    >>> res.converged, round(res.branching_ratio, 1)
    (True, 0.4)
    >>> lower, upper = res.branching_ratio_interval(0.95)
    """

    kernel: str = "exp"
    n_components: int = 2
    baseline: str = "constant"
    knots: Any = None
    covariates: Any = None
    decay: str = "shared"
    parametrisation: str = "full"
    relations: Any = None
    marks: bool = True
    method: str = "mle"
    timing: str = "continuous"
    backend: str = "auto"
    max_iter: int = 1000
    tol: float = 1e-10
    n_starts: int = 3

    def replace(self, **changes: Any) -> Hawkes:
        """A copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------------ validation / set-up
    def _check(self) -> None:
        check_choice("kernel", self.kernel, ("exp", "sumexp"))
        if self.kernel == "sumexp":
            if int(self.n_components) < 2:
                raise ValueError(f"kernel='sumexp' needs n_components >= 2, got "
                                 f"{self.n_components!r}")
            if self.decay != "shared" or self.method != "mle" or self.timing != "continuous":
                raise ValueError("kernel='sumexp' supports decay='shared' (decays shared by all "
                                 "pairs), method='mle' and timing='continuous'")
        check_choice("baseline", self.baseline, ("constant", "piecewise", "loglinear"))
        if self.baseline == "loglinear" and self.covariates is None:
            raise ValueError("baseline='loglinear' needs covariates= (one row per piece)")
        check_choice("decay", self.decay, ("shared", "per_target", "per_pair"))
        check_choice("parametrisation", self.parametrisation, ("full", "relational"))
        check_choice("method", self.method, ("mle", "em"))
        check_choice("timing", self.timing, ("continuous", "daily"))
        check_choice("backend", self.backend, ("auto", "numpy", "numba"))
        if self.method == "em" and (self.baseline != "constant" or self.decay != "shared"
                                    or self.parametrisation != "full"
                                    or self.timing != "continuous"):
            raise ValueError("method='em' supports baseline='constant', decay='shared', "
                             "parametrisation='full' and timing='continuous'; use method='mle'")
        if int(self.max_iter) < 1:
            raise ValueError(f"max_iter must be a positive integer, got {self.max_iter!r}")
        if int(self.n_starts) < 1:
            raise ValueError(f"n_starts must be a positive integer, got {self.n_starts!r}")

    def _edges(self, et: EventTimes) -> np.ndarray:
        s, e = float(et.start), float(et.end)
        if self.baseline == "constant":
            return np.array([s, e])
        if self.baseline == "loglinear" and self.knots is None:
            n = len(self.covariates) if self.covariates is not None else 1
            return np.linspace(s, e, n + 1)
        knots = self.knots
        if knots is None:
            knots = max(1, round((e - s) / 30.0))
        if isinstance(knots, str):
            check_choice("knots", knots, ("changepoint",))
            return changepoint_knots(et.times, s, e)
        if np.ndim(knots) == 0:
            k = int(knots)
            if k < 1:
                raise ValueError(f"knots must be a positive number of pieces, got {knots!r}")
            return np.linspace(s, e, k + 1)
        inner = np.sort(np.asarray(knots, dtype=float))
        if inner.size and (inner[0] <= s or inner[-1] >= e):
            raise ValueError(f"knots must lie strictly inside the window ({s}, {e}); "
                             f"got {inner.tolist()}")
        return np.concatenate([[s], inner, [e]])

    def _arrays(self, et: EventTimes):
        marks = et.marks if (self.marks and et.marks is not None) else None
        if marks is None or not np.any(marks > 0):
            cats, cat_names = np.zeros(et.n_events, dtype=np.int64), ()
        else:
            values = np.unique(marks[marks > 0])
            cats = np.where(marks > 0, np.searchsorted(values, marks) + 1, 0).astype(np.int64)
            cat_names = tuple(str(v) for v in values)
            if not np.any(cats == 0):
                raise HawkesFitError(
                    "every event is marked: the productivity multiplier kappa is not identified "
                    "separately from the excitation alpha (only their product is); fit with "
                    "marks=False, or with data that also hold unmarked events")
        data = HawkesArrays(times=np.asarray(et.times, dtype=float),
                            dims=np.asarray(et.dims, dtype=np.int64), cats=cats,
                            start=float(et.start), end=float(et.end), n_dims=et.n_dims,
                            n_cats=len(cat_names), edges=self._edges(et))
        relations = None
        if self.parametrisation == "relational":
            rel = self.relations if self.relations is not None else relation_matrices(
                tuple(et.dim_names))
            relations = {str(k): np.asarray(v, dtype=float) for k, v in rel.items()}
            for k, v in relations.items():
                if v.shape != (et.n_dims, et.n_dims):
                    raise ValueError(f"relation {k!r} must have shape {(et.n_dims,) * 2}, "
                                     f"got {v.shape}")
        design, cov_names = None, ()
        if self.baseline == "loglinear":
            cov = self.covariates
            cov_names = (tuple(str(c) for c in cov.columns) if isinstance(cov, pd.DataFrame)
                         else ())
            x = np.asarray(cov, dtype=float)
            x = x[:, None] if x.ndim == 1 else x
            if x.ndim != 2 or x.shape[0] != data.n_pieces:
                raise ValueError(f"covariates must have one row per baseline piece "
                                 f"({data.n_pieces}), got shape {np.shape(cov)}")
            if not np.isfinite(x).all():
                raise ValueError("covariates must be finite")
            cov_names = cov_names or tuple(f"x{j}" for j in range(x.shape[1]))
            design = np.column_stack([np.ones(x.shape[0]), x])
            if np.linalg.matrix_rank(design) < design.shape[1]:
                raise ValueError("covariates are collinear with each other or the constant")
        layout = Layout.build(data, tuple(str(n) for n in et.dim_names), cat_names,
                              self.decay, relations, design, cov_names,
                              int(self.n_components) if self.kernel == "sumexp" else 1)
        return data, layout

    def _backend(self) -> str:
        if self.backend == "auto":
            return "numba"
        return self.backend

    # ------------------------------------------------------------------ likelihood
    def _objective(self, data: HawkesArrays, layout: Layout):
        """``f(theta) -> (loglik, dloglik/dtheta)`` for this specification."""
        if self.timing == "daily":
            day = np.floor(data.times - data.start).astype(np.int64)
            n_days = max(1, int(np.ceil(data.end - data.start)))
            day = np.minimum(day, n_days - 1)
            counts = daily_counts(day, data.dims, data.cats, n_days, data.n_dims, data.n_cats,
                                  data.edges - data.start)

            backend = self._backend()

            def fun(theta):
                par = layout.unpack(theta)
                ll, g, _ = daily_loglik_and_grad(counts, par, backend=backend)
                return ll, (layout.chain(theta, g) if g is not None else None)

            return fun
        backend = self._backend()
        core = sumexp_loglik_and_grad if layout.n_components > 1 else loglik_and_grad

        def fun(theta):
            par = layout.unpack(theta)
            ll, g, _ = core(data, par, backend=backend)
            return ll, (layout.chain(theta, g) if g is not None else None)

        if backend == "numba" and layout.exact_hessian:  # used for the observed information
            fun.hessian = lambda theta: layout.hessian(theta, data)
        return fun

    def _start(self, data: HawkesArrays, layout: Layout) -> np.ndarray:
        d = data.n_dims
        dur = data.end - data.start
        counts = np.bincount(data.dims, minlength=d).astype(float)
        rate = np.maximum(counts, 0.5) / dur
        beta0 = max(float(counts.sum()) / dur / d, 1.0 / dur) * 1.0
        if self.timing == "daily":
            beta0 = min(beta0, 1.0)
        mu = np.repeat((0.6 * rate)[:, None], data.n_pieces, axis=1)
        alpha = np.full((d, d), 0.3 / d)
        mix = None
        if layout.n_components > 1:  # decays spread around the single-exponential guess
            m = layout.n_components
            mix = (beta0 * 10.0 ** np.linspace(0.7, -0.7, m), np.full(m, 1.0 / m))
        par = HawkesParams(mu=mu, alpha=alpha, beta=np.full((d, d), beta0),
                           kappa=np.ones(data.n_cats), mix=mix)
        return np.clip(layout.pack(par), *_bounds(layout).T)

    def _sumexp_starts(self, event_times: EventTimes, layout: Layout) -> list[np.ndarray]:
        """Starts of a sum-of-exponentials fit: the single-exponential fit, decays spread."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", HawkesWarning)
            one = self.replace(kernel="exp")._fit(event_times)
        par = one.natural
        m = layout.n_components
        starts = []
        for spread in (0.5, 1.5)[: max(1, int(self.n_starts))]:
            mix = (float(par.beta.flat[0]) * 10.0 ** np.linspace(spread, -spread, m),
                   np.full(m, 1.0 / m))
            start = HawkesParams(mu=par.mu, alpha=np.maximum(par.alpha, 1e-3), beta=par.beta,
                                 kappa=np.maximum(par.kappa, 1e-3), mix=mix)
            starts.append(np.clip(layout.pack(start), *_bounds(layout).T))
        return starts

    def fit(self, event_times: EventTimes):
        """Fit the model to ``event_times`` and return a ``HawkesResults``.

        Parameters
        ----------
        event_times : EventTimes
            Events with their dimensions and marks.

        Returns
        -------
        HawkesResults

        Raises
        ------
        HawkesFitError
            When the data cannot identify the model: no events, a window of zero length
            (``start == end``), marks on every event (then only the product of the
            multiplier and the excitation is identified: fit with ``marks=False``), or a
            likelihood that is not finite at the starting values.
        """
        with _blas_single_thread():
            return self._fit(event_times)

    def _fit(self, event_times: EventTimes):
        from sahelmodel.hawkes._assemble import build_results

        est = self._estimate(event_times)
        if not est.converged:
            warnings.warn(f"Hawkes {self.method.upper()} did not converge at the best maximum "
                          f"found: {est.message}", HawkesWarning, stacklevel=3)
        return build_results(self, event_times, est)

    def _estimate(self, event_times: EventTimes) -> _Estimate:
        """The search for the maximum, without the results around it (bootstrap refits)."""
        from sahelmodel.hawkes._search import decay_grid, newton_profile, search, start_table

        self._check()
        if not isinstance(event_times, EventTimes):
            raise TypeError(f"fit expects an EventTimes, got {type(event_times).__name__}; "
                            "build one with EventTable.to_event_times(...)")
        if event_times.n_events == 0:
            raise HawkesFitError("cannot fit a Hawkes process to zero events")
        if not float(event_times.end) > float(event_times.start):
            raise HawkesFitError(f"the observation window has zero length (start = end = "
                                 f"{float(event_times.start):g}); a Hawkes process needs "
                                 "start < end")
        data, layout = self._arrays(event_times)
        fun = self._objective(data, layout)
        theta0 = self._start(data, layout)
        ll0, _ = fun(theta0)
        if not np.isfinite(ll0):
            raise HawkesFitError("the log-likelihood is not finite at the starting values")
        bounds = _bounds(layout)

        def full_fit(start: np.ndarray):
            if self.method == "em":
                from sahelmodel.hawkes.em import fit_em

                with warnings.catch_warnings():  # reported once, for the best start
                    warnings.simplefilter("ignore", HawkesWarning)
                    return fit_em(data, layout, start, max_iter=int(self.max_iter),
                                  tol=self.tol, backend=self._backend())
            return _lbfgs(fun, start, data.times.size, int(self.max_iter), self.tol, bounds)

        decay_idx = np.arange(layout.size)[layout.blocks["decay"]]
        if layout.n_components > 1:  # decays spread around the single-exponential fit's
            starts = self._sumexp_starts(event_times, layout)
            (theta, n_iter, converged, message), table = start_table(fun, starts, decay_idx,
                                                                     full_fit)
            profile = None
        else:
            grid = decay_grid(data.times, data.start, data.end, data.n_dims,
                              self.timing == "daily")
            (theta, n_iter, converged, message), table, profile = search(
                fun, theta0, decay_idx, grid, bounds, data.times.size, tol=self.tol,
                max_iter=int(self.max_iter), n_starts=int(self.n_starts), full_fit=full_fit,
                grid_fit=(newton_profile(data, layout, bounds, theta0)
                          if self.timing == "continuous" and self._backend() == "numba"
                          else None))
        return _Estimate(data, layout, fun, theta, n_iter, converged, message, table, profile)


class _Estimate(NamedTuple):
    """Where the search ended: the arrays, the objective and the best maximum found."""

    data: HawkesArrays
    layout: Layout
    fun: Any
    theta: np.ndarray
    n_iter: int
    converged: bool
    message: str
    table: Any  # _search.SearchTable
    profile: tuple[np.ndarray, np.ndarray] | None  # (decays, profile log-likelihood)

    @property
    def loglik(self) -> float:
        """The log-likelihood at ``theta`` (the search evaluated it at every start's end)."""
        return float(self.table.rows[self.table.best]["loglik"])


def _bounds(layout: Layout) -> np.ndarray:
    """Search region: log-scale bounds for positive parameters, wide ones for coefficients."""
    return np.where(layout.positive[:, None], np.array(_LOG_BOUNDS)[None, :],
                    np.array([-50.0, 50.0])[None, :])


def _lbfgs(fun, theta0: np.ndarray, n: int, max_iter: int, tol: float, bounds: np.ndarray):
    """L-BFGS-B on the whole vector: ``(theta, n_iter, converged, message)`` (no warning)."""
    from sahelmodel.hawkes._search import constrained_fit

    _, theta, converged, n_iter, message = constrained_fit(
        fun, theta0, np.zeros(theta0.size, dtype=bool), bounds, n, tol=tol, max_iter=max_iter)
    return theta, n_iter, converged, message


def profile_fit(fun, theta_start: np.ndarray, index: int, value: float, bounds: np.ndarray,
                n: int, tol: float = 1e-10) -> tuple[float, np.ndarray, bool]:
    """Maximise the log-likelihood over every parameter but ``theta[index]``, held at ``value``.

    Parameters
    ----------
    fun : callable
        ``theta -> (loglik, gradient)`` of the specification (``Hawkes._objective``).
    theta_start : numpy.ndarray
        Starting values of the free parameters (warm start; entry ``index`` is ignored).
    index : int
        Position of the fixed parameter in ``theta``.
    value : float
        Its value on the optimisation scale (the logarithm for positive parameters).
    bounds : numpy.ndarray
        ``(p, 2)`` search region (:func:`_bounds`).
    n : int
        Number of events (the objective is scaled by ``1 / n`` as in the fit).
    tol : float
        Relative tolerance on the log-likelihood.

    Returns
    -------
    loglik : float
        The profile log-likelihood at ``value``.
    theta : numpy.ndarray
        The maximiser (with ``theta[index] = value``).
    converged : bool
        Whether L-BFGS-B reported success (or stopped at a stationary point).
    """
    from sahelmodel.hawkes._search import constrained_fit

    base = np.array(theta_start, dtype=float)
    base[index] = value
    fixed = np.zeros(base.size, dtype=bool)
    fixed[index] = True
    ll, theta, converged, _, _ = constrained_fit(fun, base, fixed, bounds, n, tol=tol)
    return ll, theta, converged
