r"""Results of a Hawkes fit: estimates with inference, branching ratio, diagnostics, simulation.

:class:`HawkesResults` follows the package's results contract (``params``, ``std_errors``,
``cov``, ``zstats``, ``pvalues``, ``conf_int(level=)``, ``summary()``, ``to_frame()``, ``nobs``,
``loglik``, ``converged``, ``n_iter``) and adds ``branching_ratio`` with a delta-method interval,
``compensator()``, ``residuals()``, ``ks_test()``, ``qq()``, ``intensity(times)``,
``simulate(rng=)`` and ``capture_response(h)``.

Notes
-----
Estimates are optimised as :math:`\theta = \log x` (the log-linear baseline's coefficients
:math:`\gamma` on their own scale). With :math:`H` the Hessian of the log-likelihood in
:math:`\theta` (central differences of the analytic gradient), the covariance is
:math:`V_\theta = (-H)^{-1}` and, on the natural scale, :math:`V_x = D V_\theta D` with
:math:`D = \operatorname{diag}(\hat x)`; ``std_errors`` are the square roots of its diagonal.

Confidence intervals (:meth:`HawkesResults.conf_int`) never leave the parameter space. With
:math:`q = \Phi^{-1}((1 + \text{level})/2)` and :math:`s_k = \sqrt{(V_\theta)_{kk}}`:

* **log-scale Wald** for a positive parameter: :math:`[\hat x_k e^{-q s_k},\,
  \hat x_k e^{q s_k}]` (:math:`s_k = \operatorname{se}(\hat x_k)/\hat x_k`), never negative;
  coefficients :math:`\gamma` get :math:`\hat\gamma_k \pm q s_k`;
* **profile likelihood**: :math:`\{x_k : 2\{\hat\ell - \ell_p(x_k)\} \le \chi^2_{1}(\text{level})\}`
  with :math:`\ell_p(x_k) = \max_{\theta_{-k}} \ell` (all other parameters re-estimated by
  L-BFGS-B, continued from the neighbouring profile point on the estimate's side). The end
  points are roots of the signed root deviance in :math:`\log x_k`, bracketed by stepping out
  from the estimate (factors of at most :math:`e^2`) and then found by Brent's method; the
  lower end is exactly 0 when the deviance at the lower edge of the
  search region (:math:`x_k = e^{-23}`) is within the critical value, i.e. the boundary is in
  the set, and the upper end is :math:`\infty` when the set reaches the upper edge (or the
  edge of the region where the likelihood can be evaluated: the daily model's decay beyond
  a few per day, where all offspring fall on the next day and the likelihood is flat).

``conf_int(method="auto")`` (the default, also used by ``to_frame`` and ``summary``) uses the
profile interval for a positive parameter whose Wald interval is not trustworthy: the estimate
is at the edge of the search region, the information is not positive definite, :math:`q s_k
\ge 1` (the estimate within :math:`q` standard errors of zero), the search found another
maximum inside the likelihood-ratio set, or the profile is not quadratic at the Wald end
points (signed root deviance there more than 10% away from :math:`\pm q`; two constrained
refits per term: a shape check, not a distance from zero). All other parameters get the Wald
interval. A profile interval also runs on through another maximum of the search inside the
set. ``interval_methods(level)`` says which was used for each term and for the branching
ratio. ``bootstrap(n_boot)`` runs a parametric bootstrap through the runner
(:mod:`sahelmodel.hawkes.bootstrap`); afterwards ``method="bootstrap"`` gives its percentile
(or basic) intervals, or with ``kind="bartlett"`` the profile-likelihood intervals with the
threshold rescaled by the bootstrap Bartlett factor (for weakly identified terms, where the
likelihood ratio is larger than :math:`\chi^2_1` says). ``baseline_sensitivity()`` refits
under other baselines and says which estimates move (:mod:`sahelmodel.hawkes.sensitivity`).

The branching ratio :math:`\rho(\hat A)` (spectral radius of :math:`A_{dk} = \alpha_{dk}\bar
m_k`) gets its standard error by the delta method on :math:`\theta`; its interval is on the
log scale, :math:`\hat\rho\, e^{\pm q\,\operatorname{se}(\hat\rho)/\hat\rho}`, or the
profile likelihood of :math:`\rho` by the same rule (:mod:`sahelmodel.hawkes._profile`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._inference import WaldInference, critical_value, delta_method
from sahelmodel._rng import RNGLike, spawn
from sahelmodel._summary import Summary
from sahelmodel._validation import check_choice, check_level
from sahelmodel.event_times import EventTimes
from sahelmodel.hawkes import diagnostics as diag
from sahelmodel.hawkes._loglik import HawkesArrays, HawkesParams
from sahelmodel.hawkes._problem import Layout
from sahelmodel.hawkes._profile import ProfileMixin

__all__ = ["HawkesResults"]

_INTERVAL_METHODS = ("auto", "wald", "profile", "bootstrap")


def _mean_multiplier(data: HawkesArrays, kappa: np.ndarray) -> np.ndarray:
    """Mean productivity multiplier of the events of each source dimension."""
    w = np.concatenate([[1.0], kappa])[data.cats]
    counts = np.bincount(data.dims, minlength=data.n_dims)
    tot = np.bincount(data.dims, weights=w, minlength=data.n_dims)
    return np.where(counts > 0, tot / np.maximum(counts, 1), 1.0)


def spectral_radius(layout, data: HawkesArrays, theta: np.ndarray) -> float:
    """Branching ratio at ``theta``: spectral radius of the excitation matrix, marks averaged."""
    par = layout.unpack(theta)
    a = par.alpha * _mean_multiplier(data, par.kappa)[None, :]
    return float(np.max(np.abs(np.linalg.eigvals(a))))


@dataclass(frozen=True, eq=False)
class HawkesResults(ProfileMixin, WaldInference):
    """A fitted Hawkes process (see the module docstring for the inference).

    Attributes
    ----------
    params : pandas.Series
        Natural-scale estimates (``mu[...]``, ``alpha[target<-source]`` or ``alpha[relation]``,
        ``decay...``, ``kappa...``).
    cov : pandas.DataFrame
        Their covariance.
    model : Hawkes
        The specification that was fitted.
    event_times : EventTimes
        The data.
    loglik : float
    nobs : int
        Number of events.
    converged : bool
    n_iter : int
    message : str
        Optimiser message.
    cov_ok : bool
        Whether the observed information was positive definite (else the covariance is a
        pseudo-inverse and intervals are unreliable).
    at_bound : tuple of str
        Parameters at the edge of the search region (e.g. a branching ratio shrinking to 0);
        they get no Wald variance (NaN), a profile-likelihood interval from ``conf_int()``,
        and are listed in the summary's notes.
    search : pandas.DataFrame
        Where every start of the search ended (:func:`~sahelmodel.hawkes._search.search`):
        ``start_decay``, ``profile_loglik``, ``loglik``, ``decay``, ``converged``,
        ``n_iter``, ``best``. ``converged`` above is that of the best row.
    decay_profile : pandas.Series
        The decay profile on the search grid (log-likelihood maximised with the decay fixed).
    degenerate_causes : tuple of str
        Why the fit is degenerate (empty when it is not); see :attr:`degenerate`.

    Examples
    --------
    >>> from sahelmodel import Hawkes, simulate_hawkes
    >>> res = Hawkes().fit(simulate_hawkes(0.3, 0.5, 0.5, 3000.0, rng=2))
    >>> list(res.to_frame().columns)
    ['estimate', 'std_error', 'z', 'p_value', 'lower', 'upper']
    >>> res.ks_test().pvalue > 0.01
    True
    """

    params: pd.Series
    cov: pd.DataFrame
    model: Any
    event_times: EventTimes
    loglik: float
    nobs: int
    converged: bool
    n_iter: int
    message: str
    theta: np.ndarray
    cov_theta: np.ndarray
    cov_ok: bool
    at_bound: tuple[str, ...]
    data: HawkesArrays
    layout: Layout
    search: pd.DataFrame | None = None
    decay_profile: pd.Series | None = None
    degenerate_causes: tuple[str, ...] = ()
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    # ----------------------------------------------------------------- parameters
    @property
    def natural(self) -> HawkesParams:
        """Estimates as arrays: ``mu (D, P)``, ``alpha (D, D)``, ``beta (D, D)``, ``kappa``."""
        return self.layout.unpack(self.theta)

    @property
    def adjacency(self) -> pd.DataFrame:
        """Branching ratios ``alpha[target, source]`` as a labelled matrix."""
        names = list(self.event_times.dim_names)
        return pd.DataFrame(self.natural.alpha, index=names, columns=names)

    def _rho(self, theta: np.ndarray) -> float:
        return spectral_radius(self.layout, self.data, theta)

    def _log_rho(self, theta: np.ndarray) -> float:
        with np.errstate(divide="ignore"):
            return float(np.log(self._rho(theta)))

    @property
    def branching_ratio(self) -> float:
        """Spectral radius of the excitation matrix (mean offspring per event)."""
        return self._rho(self.theta)

    @property
    def degenerate(self) -> bool:
        """Whether the fit is degenerate (:attr:`degenerate_causes` says why).

        Degenerate: a decay or a baseline at the edge of the search region, a branching ratio
        of one or more, or a kernel whose mean lag is longer than the window (the excitation
        is then absorbed by the baseline). ``converged`` says only that the optimiser met its
        tolerance at the best maximum found.
        """
        return bool(self.degenerate_causes)

    @property
    def _cov_fixed_bounds(self) -> np.ndarray:
        """``cov_theta`` with parameters at a bound held fixed (zero variance)."""
        return np.nan_to_num(self.cov_theta, nan=0.0)

    @property
    def branching_ratio_std_error(self) -> float:
        """Delta-method standard error of :attr:`branching_ratio`."""
        res = delta_method(self._rho, self.theta, self._cov_fixed_bounds)
        return float(res.std_errors[0])

    def _rho_alone(self) -> int | None:
        """Index of the one parameter the branching ratio equals (one dimension, no marks)."""
        if self.data.n_dims == 1 and self.data.n_cats == 0 and self.layout.relations is None:
            return int(np.arange(self.layout.size)[self.layout.blocks["alpha"]][0])
        return None

    def _rho_gradient(self) -> np.ndarray:
        from sahelmodel.hawkes._profile import _log_rho_grad

        return _log_rho_grad(self._log_rho, self.theta, self._rho_dependencies())

    def _rho_dependencies(self) -> np.ndarray:
        idx = np.arange(self.layout.size)
        keep = [idx[self.layout.blocks["alpha"]]]
        if "kappa" in self.layout.blocks:
            keep.append(idx[self.layout.blocks["kappa"]])
        return np.concatenate(keep)

    def branching_ratio_interval(self, level: float = 0.95, *, method: str = "auto"
                                 ) -> tuple[float, float]:
        r"""Interval ``(lower, upper)`` of the branching ratio.

        ``"wald"``: on the log scale, :math:`\hat\rho\,\exp(\pm q\,\operatorname{se}(\hat\rho)
        /\hat\rho)` (delta method). ``"bootstrap"``: the draws of :meth:`bootstrap`.
        ``"profile"``: profile likelihood of :math:`\rho` (every
        parameter re-estimated with the spectral radius held fixed; with one dimension and
        no marks that is the profile of the excitation). ``"auto"`` (default): the profile
        where the Wald interval is not trustworthy by the same checks as :meth:`conf_int`.
        """
        level = check_level(level)
        check_choice("method", method, _INTERVAL_METHODS)
        if method == "bootstrap":
            boot, kind = self._bootstrap_draws()
            if kind == "bartlett":
                corrected = self._bartlett_level(boot, level)
                return ((np.nan, np.nan) if np.isnan(corrected)
                        else self._profile_interval("rho", corrected))
            return tuple(float(v) for v in self._bootstrap_ci(level).loc["branching_ratio"])
        if self._rho_method(level, method) == "profile":
            return self._profile_interval("rho", level)
        q = critical_value(level)
        est, se = self.branching_ratio, self.branching_ratio_std_error
        if est <= 0.0 or not np.isfinite(se):
            return np.nan, np.nan
        half = q * se / est
        return est * float(np.exp(-half)), est * float(np.exp(min(half, 700.0)))

    def _rho_method(self, level: float, method: str) -> str:
        if method != "auto":
            return "profile" if method == "profile" else "wald_log"
        alone = self._rho_alone()
        if alone is not None:
            return "profile" if self._profile_mask(critical_value(level), "auto")[alone] \
                else "wald_log"
        key = ("rho_shape", level)
        if key not in self._cache:
            q = critical_value(level)
            dep = np.isin(np.asarray(self.layout.names), self.at_bound)[self._rho_dependencies()]
            ok = (self.cov_ok and not dep.any() and self.branching_ratio > 0.0
                  and not self._other_maximum_in_set(q))
            if ok:
                c = self._rho_gradient()
                se = float(np.sqrt(max(c @ self.cov_theta @ c, 0.0)))
                ok = (q * se < 1.0) and self._wald_shape_ok("rho", q, se)
            self._cache[key] = "wald_log" if ok else "profile"
        return self._cache[key]

    @property
    def stationary(self) -> bool:
        """Whether the estimated branching ratio is below one."""
        return self.branching_ratio < 1.0

    @property
    def aic(self) -> float:
        """Akaike information criterion."""
        return -2.0 * self.loglik + 2.0 * self.params.size

    # ----------------------------------------------------------------- intervals
    def conf_int(self, level: float = 0.95, *, method: str = "auto",
                 terms: Any = None) -> pd.DataFrame:
        """Confidence intervals that respect the boundary at zero (see the module Notes).

        Parameters
        ----------
        level : float, default 0.95
            Confidence level in (0, 1).
        method : {"auto", "wald", "profile", "bootstrap"}
            ``"wald"``: Wald intervals on the log scale for positive parameters (natural scale
            for baseline coefficients); NaN for a parameter without Wald variance (at the edge
            of the search region). ``"profile"``: profile-likelihood intervals for every
            parameter (one constrained refit per profile point; slower). ``"auto"``: profile
            intervals where the Wald approximation is not trustworthy (at the edge of the
            search region, information not positive definite, the estimate within ``q``
            standard errors of zero, or a likelihood that is not quadratic enough along the
            term, judged by the profile at the Wald end points), Wald otherwise.
            ``"bootstrap"``: parametric-bootstrap intervals from the last :meth:`bootstrap`
            call (which must come first).
        terms : sequence of str, optional
            Only these terms (default: all); saves the profile refits of the others.

        Returns
        -------
        pandas.DataFrame
            Columns ``lower`` and ``upper`` indexed by term.

        Examples
        --------
        >>> from sahelmodel import Hawkes, simulate_hawkes
        >>> et = simulate_hawkes(0.05, 0.5, 1 / 14, 3650.0, marks=0.02, mark_multiplier=1.0,
        ...                      rng=0)
        >>> res = Hawkes().fit(et)  # seven captures: kappa-hat at the boundary 0
        >>> res.interval_methods()["kappa"]
        'profile'
        >>> lower, upper = res.conf_int().loc["kappa"]
        >>> float(lower), bool(1.0 < upper)
        (0.0, True)
        >>> prof = res.profile_loglik("kappa", [1.0])
        >>> bool(2 * (res.loglik - prof.iloc[0]) <= 3.84)  # kappa = 1 is in the 95% set
        True
        """
        level = check_level(level)
        check_choice("method", method, _INTERVAL_METHODS)
        sel = self._select(terms)
        if method == "bootstrap":
            boot, kind = self._bootstrap_draws()
            if kind != "bartlett":
                return self._bootstrap_ci(level).loc[self.params.index[sel]]
            level = self._bartlett_level(boot, level)
            if np.isnan(level):
                nan = np.full(int(sel.sum()), np.nan)
                return pd.DataFrame({"lower": nan, "upper": nan}, index=self.params.index[sel])
            method = "profile"
        q = critical_value(level)
        se = np.sqrt(np.clip(np.diag(self.cov_theta), 0.0, None))
        th, pos = self.theta, self.layout.positive
        lower = np.where(pos, np.exp(np.minimum(th - q * se, 700.0)), th - q * se)
        upper = np.where(pos, np.exp(np.minimum(th + q * se, 700.0)), th + q * se)
        for k in np.flatnonzero(self._profile_mask(q, method, sel) & sel):
            lower[k], upper[k] = self._profile_interval(int(k), level)
        return pd.DataFrame({"lower": lower, "upper": upper}, index=self.params.index)[sel]

    def _select(self, terms: Any) -> np.ndarray:
        names = list(self.layout.names)
        if terms is None:
            return np.ones(len(names), dtype=bool)
        terms = [terms] if isinstance(terms, str) else list(terms)
        unknown = [t for t in terms if t not in names]
        if unknown:
            raise ValueError(f"terms {unknown} are not parameters; choose from {names}")
        return np.isin(np.asarray(names), terms)

    def interval_methods(self, level: float = 0.95, *, method: str = "auto") -> pd.Series:
        """How each interval is made: ``"profile"``, ``"wald_log"``, ``"wald"`` or ``"bootstrap"``.

        One entry per term of :meth:`conf_int`, and a last one, ``branching_ratio``, for
        :meth:`branching_ratio_interval`.
        """
        level = check_level(level)
        check_choice("method", method, _INTERVAL_METHODS)
        if method == "bootstrap":
            kind = self._bootstrap_draws()[1]  # (refused before bootstrap() has run)
            label = "profile_bartlett" if kind == "bartlett" else "bootstrap"
            return pd.Series(label, index=[*self.params.index, "branching_ratio"],
                             name="interval")
        use = self._profile_mask(critical_value(level), method)
        kind = np.where(use, "profile", np.where(self.layout.positive, "wald_log", "wald"))
        out = pd.Series(kind, index=self.params.index, name="interval")
        out["branching_ratio"] = self._rho_method(level, method)
        return out

    def _profile_mask(self, q: float, method: str, sel: np.ndarray | None = None
                      ) -> np.ndarray:
        if method == "wald":
            return np.zeros(self.theta.size, dtype=bool)
        if method == "profile":
            return np.ones(self.theta.size, dtype=bool)
        se = np.sqrt(np.clip(np.diag(self.cov_theta), 0.0, None))  # NaN stays NaN
        at_bound = np.isin(np.asarray(self.layout.names), self.at_bound)
        shaky = at_bound | ~np.isfinite(se) | (q * np.nan_to_num(se, nan=np.inf) >= 1.0)
        if not self.cov_ok or self._other_maximum_in_set(q):
            shaky[:] = True  # (a second maximum in the set: a quadratic says nothing of it)
        shaky &= self.layout.positive
        checked = self._cache.setdefault(("shape", q), {})
        for k in np.flatnonzero(~shaky & (True if sel is None else sel)):
            if int(k) not in checked:  # two profile refits per term, once
                checked[int(k)] = self._wald_shape_ok(int(k), q, float(se[k]))
            shaky[k] = not checked[int(k)]
        return shaky

    def bootstrap(self, n_boot: int = 199, *, seed: Any = 0, runner: Any = None,
                  kind: str = "percentile", name: str = "hawkes_bootstrap"):
        r"""Parametric bootstrap through the runner; see :func:`~.bootstrap.bootstrap`.

        The draws are kept: afterwards ``conf_int(method="bootstrap")`` and
        ``branching_ratio_interval(method="bootstrap")`` use them, with ``kind``
        (``"percentile"`` or ``"basic"``), and ``interval_methods(method="bootstrap")`` says
        ``"bootstrap"``. With ``kind="bartlett"`` they are the profile-likelihood intervals at
        the threshold :math:`\hat b\,\chi^2_1(\text{level})` (bootstrap Bartlett correction,
        see :mod:`~.bootstrap`; ``interval_methods`` says ``"profile_bartlett"``): the choice
        when a term is weakly identified and the uncorrected likelihood ratio undercovers.
        Returns the :class:`~.bootstrap.HawkesBootstrap`.
        """
        from sahelmodel.hawkes.bootstrap import BOOTSTRAP_KINDS, bootstrap

        check_choice("kind", kind, BOOTSTRAP_KINDS)
        boot = bootstrap(self, n_boot, seed=seed, runner=runner, name=name)
        self._cache["bootstrap"] = (boot, kind)
        return boot

    def baseline_sensitivity(self, baselines: dict | None = None, *, level: float = 0.95):
        """Refit under other baselines; say which estimates move (:mod:`.sensitivity`).

        An explicit call (a few full fits); its notes are added to :meth:`summary`.
        """
        from sahelmodel.hawkes.sensitivity import baseline_sensitivity

        out = baseline_sensitivity(self, baselines, level=level)
        self._cache["sensitivity"] = out
        return out

    def _bootstrap_draws(self):
        if "bootstrap" not in self._cache:
            raise ValueError("method='bootstrap' needs the draws: call res.bootstrap(n_boot, "
                             "seed=...) first")
        return self._cache["bootstrap"]

    @staticmethod
    def _bartlett_level(boot: Any, level: float) -> float:
        """The level of the uncorrected profile interval equal to the corrected one.

        NaN (with the bootstrap's warning) when the Bartlett factor cannot be estimated.
        """
        return min(boot.bartlett_level(level), float(np.nextafter(1.0, 0.0)))

    def _bootstrap_ci(self, level: float) -> pd.DataFrame:
        boot, kind = self._bootstrap_draws()
        return boot.conf_int(level, kind=kind)

    # ----------------------------------------------------------------- diagnostics
    def _continuous(self, what: str) -> None:
        if self.model.timing != "continuous":
            raise ValueError(f"{what} is defined for timing='continuous' fits; the daily model "
                             "has no within-day times to rescale")

    def compensator(self) -> pd.DataFrame:
        """Cumulative compensator at every event: columns ``time``, ``dim``, ``compensator``."""
        self._continuous("compensator()")
        lam = diag.compensator_at_events(self.data, self.natural)
        names = np.asarray(self.event_times.dim_names, dtype=object)
        return pd.DataFrame({"time": self.data.times, "dim": names[self.data.dims],
                             "compensator": lam})

    def residuals(self) -> pd.DataFrame:
        """Time-rescaled residuals (Exp(1) under the model): ``time``, ``dim``, ``residual``."""
        self._continuous("residuals()")
        res = diag.rescaled_residuals(self.data, self.natural)
        names = list(self.event_times.dim_names)
        frames = [pd.DataFrame({"time": self.data.times[self.data.dims == k],
                                "dim": names[k], "residual": r})
                  for k, r in enumerate(res)]
        return pd.concat(frames, ignore_index=True).sort_values("time", kind="stable",
                                                                 ignore_index=True)

    def ks_test(self, *, bootstrap: int = 0, rng: RNGLike = None) -> diag.KSResult:
        """KS test of all time-rescaled residuals against Exp(1).

        Parameters
        ----------
        bootstrap : int, default 0
            Number of parametric-bootstrap replications (simulate the fit, refit with the same
            specification, recompute the statistic) that calibrate the p-value for estimated
            parameters; 0 gives the asymptotic KS p-value, which is then conservative.
        rng : int, numpy.random.Generator or None
            Randomness of the bootstrap.
        """
        self._continuous("ks_test()")
        if self.event_times.has_ties:
            warnings.warn("tied event times give zero residuals; the KS test will reject. "
                          "Fit timing='daily' for day-stamped data.", diag_warning(),
                          stacklevel=2)
        res = diag.ks_exponential(diag.rescaled_residuals(self.data, self.natural))
        b = int(bootstrap)
        if b <= 0:
            return res
        gens = spawn(rng, b)
        exceed = 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", diag_warning())
            for g in gens:  # one refit per bootstrap replication
                sim = self.simulate(rng=g)
                if sim.n_events == 0:
                    continue
                fit = self.model.fit(sim)
                stat = diag.ks_exponential(diag.rescaled_residuals(fit.data, fit.natural))
                exceed += stat.statistic >= res.statistic
        return diag.KSResult(statistic=res.statistic, pvalue=(1.0 + exceed) / (b + 1.0),
                             nobs=res.nobs, bootstrap=b)

    def qq(self) -> pd.DataFrame:
        """Exponential QQ-plot points of the residuals."""
        self._continuous("qq()")
        return diag.qq_data(diag.rescaled_residuals(self.data, self.natural))

    def intensity(self, times: Any) -> pd.DataFrame:
        """Fitted intensity of every dimension at ``times`` (left limits)."""
        self._continuous("intensity()")
        q = np.asarray(times, dtype=float).ravel()
        lam = diag.intensity_at(self.data, self.natural, q)
        return pd.DataFrame(lam, index=pd.Index(q, name="time"),
                            columns=list(self.event_times.dim_names))

    def simulate(self, rng: RNGLike = None, *, end_time: float | None = None) -> EventTimes:
        """Simulate the fitted process on the data's window (or up to ``end_time``)."""
        from sahelmodel.hawkes.bootstrap import simulate_inputs, simulation_inputs

        if self.data.n_cats > 1:
            raise ValueError("simulate() supports at most one mark category")
        if not self.stationary:
            warnings.warn(f"simulating a non-stationary fit (branching ratio "
                          f"{self.branching_ratio:.3f})", diag_warning(), stacklevel=2)
        return simulate_inputs(simulation_inputs(self, end_time), rng)

    def capture_response(self, h: float, *, source: int | str = 0, target: int | str = 0,
                         category: int = 1, level: float = 0.95) -> pd.DataFrame:
        """Response to one marked event (a capture); see :func:`~.response.capture_response`."""
        from sahelmodel.hawkes.response import capture_response

        return capture_response(self, h, source=source, target=target, category=category,
                                level=level)

    # ----------------------------------------------------------------- summary
    def __repr__(self) -> str:
        return (f"<HawkesResults: {self.model.kernel} kernel, {self.model.baseline} baseline, "
                f"{self.nobs} events in {self.data.n_dims} dimensions, branching ratio "
                f"{self.branching_ratio:.4f}, loglik {self.loglik:.4f}>")

    def __str__(self) -> str:
        return self.summary().as_text()

    def summary(self, level: float = 0.95) -> Summary:
        """Summary of the fit (text / HTML / LaTeX)."""
        lo, hi = self.branching_ratio_interval(level)
        info = [("Model", f"Hawkes ({self.model.kernel} kernel, {self.model.baseline} "
                          f"baseline, {self.model.decay} decay, {self.model.timing})"),
                ("Method", self.model.method), ("Events", self.nobs),
                ("Dimensions", self.data.n_dims), ("Log-likelihood", self.loglik),
                ("AIC", self.aic), ("Converged", self.converged),
                ("Degenerate", self.degenerate), ("Iterations", self.n_iter),
                ("Branching ratio", self.branching_ratio),
                (f"Branching ratio {level:.0%} CI", f"[{lo:.4f}, {hi:.4f}]")]
        from sahelmodel.hawkes._assemble import summary_notes

        frame = self.to_frame(level)
        notes = summary_notes(self, level, frame, (lo, hi))
        return Summary.from_results("Hawkes process", info, frame, notes)


def diag_warning():
    """The warning class used for Hawkes fit trouble."""
    from sahelmodel.hawkes.model import HawkesWarning

    return HawkesWarning
