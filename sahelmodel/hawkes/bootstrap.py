r"""Parametric bootstrap intervals for Hawkes fits, run through :mod:`sahelmodel.runner`.

The fitted model :math:`\hat\theta` is simulated on the data's window ``B`` times, the same
specification is refitted to each simulated data set, and the intervals are read off the
refitted estimates :math:`\hat\theta^*_1, \dots, \hat\theta^*_B`. With :math:`Q^*(p)` the
empirical :math:`p`-quantile of the refitted estimates and :math:`a = 1 - \text{level}`:

* **percentile**: :math:`[Q^*(a/2),\; Q^*(1 - a/2)]`;
* **basic** (reflected about the estimate on the log scale for positive parameters, so the
  interval stays positive): :math:`[\hat x^2 / Q^*(1 - a/2),\; \hat x^2 / Q^*(a/2)]`,
  and :math:`[2\hat\gamma - Q^*(1 - a/2),\; 2\hat\gamma - Q^*(a/2)]` for baseline
  coefficients;
* **bartlett** (a bootstrap Bartlett correction of the likelihood ratio, Rocke 1989): each
  refit also records its likelihood-ratio statistic against the parameters it was simulated
  from, :math:`W^*_b = 2\{\ell^*_b(\hat\theta^*_b) - \ell^*_b(\hat\theta)\}`, which would be
  :math:`\chi^2_p` with mean :math:`p` (the number of parameters) if the likelihood ratio
  were calibrated. The factor :math:`\hat b = \bar W^* / p` rescales the threshold of every
  profile-likelihood interval: the set is :math:`\{2(\ell(\hat\theta) - \ell_p(x)) \le
  \hat b\,\chi^2_{1}(\text{level})\}` (one factor for all terms, estimated from the joint
  statistic). Use it when the data identify a term weakly (a long kernel over a dense
  baseline, an excitation near 0, a few hundred events) and the profile intervals' coverage
  is in doubt. Unlike the percentile and basic intervals it keeps the profile likelihood's
  shape (a set built around the fit's maximum), and only widens or narrows its threshold. It
  is read through ``HawkesResults.conf_int(method="bootstrap")`` after
  ``res.bootstrap(n_boot, kind="bartlett")`` and costs the bootstrap's refits plus the
  profile intervals (Figure 5's paper configuration measures its coverage).

Each replication is one runner task seeded from its own child of the sweep's
:class:`~numpy.random.SeedSequence` (:func:`~sahelmodel.runner.task_seed`), so the draws are
the same under every scheduler (serial, local processes, Dask) and a stored sweep can be
resumed. A refit that fails is recorded with its error and left out (the count is kept);
refits flagged degenerate are kept, since they are part of the estimator's sampling
distribution, and counted. The bootstrap costs ``B`` full fits: with the paper's figure-5
setting (about 14,000 events) each is a few seconds of CPU.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._validation import check_choice, check_level
from sahelmodel.event_times import EventTimes

__all__ = ["BOOTSTRAP_KINDS", "HawkesBootstrap", "bootstrap", "simulate_inputs",
           "simulation_inputs"]

BOOTSTRAP_KINDS = ("percentile", "basic", "bartlett")


def simulation_inputs(res: Any, end_time: float | None = None) -> dict[str, Any]:
    """The fitted process as JSON-like keyword arguments of :func:`simulate_inputs`."""
    par = res.natural
    data = res.data
    if data.n_cats > 1:
        raise ValueError("simulating a fit supports at most one mark category; this fit has "
                         f"{data.n_cats}")
    out: dict[str, Any] = {
        "end_time": float(end_time if end_time is not None else data.end),
        "start": float(data.start), "alpha": np.asarray(par.alpha).tolist(),
        "dim_names": [str(d) for d in res.event_times.dim_names]}
    if data.n_pieces == 1:
        out["mu"] = np.asarray(par.mu[:, 0]).tolist()
    else:
        out["mu"], out["edges"] = np.asarray(par.mu).tolist(), np.asarray(data.edges).tolist()
    if data.n_cats == 1:
        counts = np.bincount(data.dims, minlength=data.n_dims)
        marked = np.bincount(data.dims, weights=(data.cats > 0), minlength=data.n_dims)
        out["marks"] = (marked / np.maximum(counts, 1)).tolist()
        out["kappa"] = float(par.kappa[0])
    beta = np.asarray(par.beta)
    out["decay"] = float(beta[0, 0]) if np.all(beta == beta[0, 0]) else beta.tolist()
    if par.mix is not None:
        out["mix"] = [np.asarray(par.mix[0]).tolist(), np.asarray(par.mix[1]).tolist()]
    return out


def simulate_inputs(inputs: dict[str, Any], rng: Any = None) -> EventTimes:
    """Simulate the process described by :func:`simulation_inputs`."""
    from sahelmodel.hawkes.baseline import PiecewiseConstantBaseline
    from sahelmodel.hawkes.kernels import SumExponentialKernel
    from sahelmodel.hawkes.simulate import simulate_hawkes

    mu = np.asarray(inputs["mu"], dtype=float)
    base = (PiecewiseConstantBaseline(np.asarray(inputs["edges"], dtype=float), mu)
            if "edges" in inputs else mu)
    kernel, decay = None, inputs["decay"]
    if "mix" in inputs:
        kernel = SumExponentialKernel(np.asarray(inputs["mix"][0], dtype=float),
                                      weights=np.asarray(inputs["mix"][1], dtype=float))
        decay = None
    return simulate_hawkes(base, np.asarray(inputs["alpha"], dtype=float),
                           decay if np.ndim(decay) == 0 else np.asarray(decay, dtype=float),
                           inputs["end_time"], kernel=kernel, marks=inputs.get("marks"),
                           mark_multiplier=inputs.get("kappa", 1.0), start=inputs["start"],
                           dim_names=inputs["dim_names"], rng=rng)


def _spec(model: Any) -> dict[str, Any]:
    """The specification's settings as JSON-like task parameters (refused when not)."""
    spec = dataclasses.asdict(model)
    for key, value in spec.items():
        if not (value is None or isinstance(value, (str, int, float, bool))
                or (key == "knots" and np.ndim(value) == 1)):
            raise ValueError(f"bootstrap: the Hawkes setting {key}={type(value).__name__} "
                             "cannot be sent to runner tasks (only plain settings and a "
                             "list of knots); refit without it or bootstrap by hand")
    if spec["knots"] is not None:
        spec["knots"] = np.asarray(spec["knots"], dtype=float).tolist()
    return spec


def refit_simulated(rng: np.random.Generator, *, inputs: dict[str, Any],
                    spec: dict[str, Any], theta: list[float] | None = None
                    ) -> dict[str, Any]:
    """One bootstrap replication (a runner task): simulate the fitted model, refit it.

    Returns the refitted estimates (``theta``, on the optimisation scale), the branching ratio,
    ``converged`` and ``degenerate``, or ``error`` when the simulation or the refit failed.
    With ``theta`` (the simulated parameters on the optimisation scale) also ``deviance``,
    the refit's likelihood-ratio statistic ``2 (l*(theta*) - l*(theta))`` (floored at 0: the
    refit's maximum is at least the value at ``theta``; NaN when it cannot be evaluated).
    """
    from sahelmodel.hawkes._assemble import at_bound, degenerate_causes
    from sahelmodel.hawkes.model import Hawkes, HawkesFitError, _blas_single_thread
    from sahelmodel.hawkes.results import spectral_radius
    from sahelmodel.hawkes.simulate import SimulationOverflowError

    try:
        et = simulate_inputs(inputs, rng)
        # the search alone: a refit needs its maximum and flags, not standard errors
        with warnings.catch_warnings(), _blas_single_thread():
            warnings.simplefilter("ignore")  # trouble of a refit is recorded in its flags
            est = Hawkes(**spec)._estimate(et)
            rho = spectral_radius(est.layout, est.data, est.theta)
            degenerate = bool(degenerate_causes(est.layout, est.data, est.theta,
                                                at_bound(est.layout, est.theta), rho))
    except (HawkesFitError, SimulationOverflowError, ValueError, ArithmeticError,
            np.linalg.LinAlgError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    out = {"error": "", "theta": est.theta.tolist(), "branching_ratio": rho,
           "converged": bool(est.converged), "degenerate": degenerate,
           "n_events": int(et.n_events)}
    if theta is not None:
        dev = np.nan
        if len(theta) == est.theta.size:
            with np.errstate(all="ignore"):
                at_truth = float(est.fun(np.asarray(theta, dtype=float))[0])
            if np.isfinite(at_truth):
                dev = max(2.0 * (est.loglik - at_truth), 0.0)
        out["deviance"] = dev
    return out


@dataclass(frozen=True)
class HawkesBootstrap:
    """Parametric-bootstrap draws of a Hawkes fit (see the module docstring).

    Attributes
    ----------
    draws : pandas.DataFrame
        One row per successful replication: natural-scale estimates of every term and
        ``branching_ratio``.
    estimate : pandas.Series
        The original fit's estimates, same columns.
    positive : pandas.Series
        Whether each column is a positive parameter (log-scale reflection for ``basic``).
    n_boot : int
        Replications asked for.
    n_failed : int
        Replications whose simulation or refit failed (left out).
    n_degenerate : int
        Kept replications whose refit was flagged degenerate.
    errors : tuple of str
        The distinct errors of the failed replications.
    deviance : numpy.ndarray
        Each successful replication's likelihood-ratio statistic against the simulated
        parameters (NaN where it could not be evaluated); see :attr:`bartlett_factor`.
    """

    draws: pd.DataFrame
    estimate: pd.Series
    positive: pd.Series
    n_boot: int
    n_failed: int
    n_degenerate: int
    errors: tuple[str, ...] = ()
    deviance: np.ndarray = dataclasses.field(default_factory=lambda: np.empty(0))

    @property
    def bartlett_factor(self) -> float:
        r"""Bootstrap Bartlett factor :math:`\hat b = \bar W^* / p`.

        NaN, with a warning, below 10 finite statistics. Above 1: the likelihood ratio is
        larger than :math:`\chi^2` says and the uncorrected profile intervals are too short.
        """
        dev = np.asarray(self.deviance, dtype=float)
        dev = dev[np.isfinite(dev)]
        if dev.size < 10:
            warnings.warn(f"bootstrap: only {dev.size} finite likelihood-ratio statistics of "
                          f"{self.n_boot} replications; the Bartlett factor is NaN",
                          RuntimeWarning, stacklevel=2)
            return float("nan")
        return float(dev.mean() / (len(self.estimate) - 1))  # (less the branching ratio)

    def bartlett_level(self, level: float = 0.95) -> float:
        r"""The level whose uncorrected threshold is the corrected one.

        That is :math:`F_{\chi^2_1}(\hat b\, \chi^2_1(\text{level}))`.
        """
        from scipy import stats

        b = self.bartlett_factor
        return float(stats.chi2.cdf(b * stats.chi2.ppf(check_level(level), 1), 1))

    def conf_int(self, level: float = 0.95, *, kind: str = "percentile") -> pd.DataFrame:
        """Bootstrap intervals ``lower``, ``upper`` of every term and the branching ratio.

        NaN (with a warning) when fewer than 10 replications succeeded.
        """
        level = check_level(level)
        check_choice("kind", kind, BOOTSTRAP_KINDS)
        if kind == "bartlett":
            raise ValueError("kind='bartlett' rescales the profile-likelihood intervals, which "
                             "need the fit: use res.bootstrap(n_boot, kind='bartlett') and "
                             "then res.conf_int(method='bootstrap')")
        a = 1.0 - level
        cols = self.draws.columns
        if len(self.draws) < 10:
            warnings.warn(f"bootstrap: only {len(self.draws)} of {self.n_boot} replications "
                          "succeeded; intervals are NaN", RuntimeWarning, stacklevel=2)
            nan = np.full(len(cols), np.nan)
            return pd.DataFrame({"lower": nan, "upper": nan}, index=cols)
        lo_q = self.draws.quantile(a / 2.0)
        hi_q = self.draws.quantile(1.0 - a / 2.0)
        if kind == "percentile":
            return pd.DataFrame({"lower": lo_q, "upper": hi_q})
        est, pos = self.estimate[cols], self.positive[cols]
        with np.errstate(divide="ignore"):
            lower = np.where(pos, est**2 / hi_q, 2.0 * est - hi_q)
            upper = np.where(pos, est**2 / lo_q, 2.0 * est - lo_q)
        return pd.DataFrame({"lower": lower, "upper": upper}, index=cols)


def bootstrap(res: Any, n_boot: int = 199, *, seed: Any = 0, runner: Any = None,
              name: str = "hawkes_bootstrap") -> HawkesBootstrap:
    """Parametric bootstrap of a Hawkes fit: simulate it ``n_boot`` times and refit.

    Parameters
    ----------
    res : HawkesResults
        The fit (continuous timing; at most one mark category).
    n_boot : int, default 199
        Number of replications.
    seed : int or numpy.random.SeedSequence, default 0
        Seed of the sweep; replication ``i`` uses child ``i``.
    runner : sahelmodel.runner.Runner, optional
        How the replications run (default: serial). A runner with ``out_dir`` stores every
        replication and can resume; ``scheduler="dask://HOST:PORT"`` scales out.
    name : str
        Name of the sweep (its folder under the runner's ``out_dir``).

    Returns
    -------
    HawkesBootstrap

    Examples
    --------
    >>> from sahelmodel import Hawkes, simulate_hawkes
    >>> res = Hawkes().fit(simulate_hawkes(0.5, 0.4, 1.0, 1000.0, rng=1))
    >>> boot = bootstrap(res, n_boot=20, seed=3)
    >>> ci = boot.conf_int(0.9)
    >>> bool(ci.loc["branching_ratio", "lower"] < res.branching_ratio
    ...      < ci.loc["branching_ratio", "upper"])
    True
    """
    from sahelmodel.runner import Runner, Task

    if int(n_boot) < 1:
        raise ValueError(f"n_boot must be a positive integer, got {n_boot!r}")
    if res.model.timing != "continuous":
        raise ValueError("bootstrap needs a continuous-time fit (timing='continuous'); "
                         f"this one has timing={res.model.timing!r}")
    if not res.branching_ratio < 1.0:
        raise ValueError(f"bootstrap: the fit is not stationary (branching ratio "
                         f"{res.branching_ratio:.4g} >= 1), so simulating it does not "
                         "describe its sampling distribution; see res.degenerate_causes")
    params = {"inputs": simulation_inputs(res), "spec": _spec(res.model),
              "theta": np.asarray(res.theta, dtype=float).tolist()}
    width = max(5, len(str(int(n_boot) - 1)))
    tasks = [Task(f"b{i:0{width}d}", params) for i in range(int(n_boot))]
    rows = (runner or Runner(scheduler="serial")).map(refit_simulated, tasks, seed=seed,
                                                      name=name)
    ok = [r for r in rows if not r["error"]]
    names = list(res.params.index)
    theta = np.array([r["theta"] for r in ok], dtype=float).reshape(len(ok), len(names))
    pos = np.asarray(res.layout.positive, dtype=bool)
    with np.errstate(over="ignore"):
        nat = np.where(pos, np.exp(theta), theta)
    draws = pd.DataFrame(nat, columns=names)
    draws["branching_ratio"] = [r["branching_ratio"] for r in ok]
    estimate = res.params.copy()
    estimate["branching_ratio"] = res.branching_ratio
    positive = pd.Series([*pos, True], index=draws.columns)
    return HawkesBootstrap(draws=draws, estimate=estimate, positive=positive,
                           n_boot=int(n_boot), n_failed=len(rows) - len(ok),
                           n_degenerate=sum(bool(r["degenerate"]) for r in ok),
                           errors=tuple(sorted({r["error"] for r in rows if r["error"]})),
                           deviance=np.array([r.get("deviance", np.nan) for r in ok],
                                             dtype=float))
