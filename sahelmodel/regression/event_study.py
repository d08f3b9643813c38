r"""Event studies of counts around events such as arms captures.

Two estimators, both Poisson (or NB2) with unit and period fixed effects.

``method="twfe"`` (distributed leads and lags, Schmidheiny & Siegloch 2023). With event
indicator :math:`e_{it}` and window :math:`[\underline k, \bar k]`,

.. math::

    \log E[y_{it}] = \alpha_i + \lambda_t + \sum_{k=\underline k}^{\bar k} \beta_k\, d^k_{it},
    \qquad d^k_{it} = e_{i,t-k} \ (\underline k < k < \bar k),

with binned end points :math:`d^{\bar k}_{it} = \sum_{s \ge \bar k} e_{i,t-s}` (events at
least :math:`\bar k` periods ago) and :math:`d^{\underline k}_{it} = \sum_{s \ge
|\underline k|} e_{i,t+s}`, and :math:`\beta_{-1} = 0` as reference. Repeated events per unit
are allowed. :math:`\exp(\beta_k)` is the incidence-rate ratio :math:`k` periods after an
event; the leads :math:`k < -1` are placebo coefficients, tested jointly by
:meth:`EventStudyResults.pretrend_test`.

When it is biased: if the effect differs between units first treated at different times
(cohorts) or changes with calendar time, and treatment timing is staggered, the TWFE
coefficients are weighted sums of cohort-specific effects at *other* horizons, with weights
that can be negative (Sun & Abraham 2021; de Chaisemartin & D'Haultfœuille 2020): already
treated units act as controls, leads can show spurious pre-trends and lags can even change
sign. It is unbiased when effects are homogeneous across cohorts.

``method="cohort"`` (heterogeneity-robust; Wooldridge's 2023 extended two-way fixed effects
for Poisson, saturated as in Sun & Abraham's interaction-weighted estimator). The first event
of each unit defines its cohort :math:`g`; units without an event are the controls. Every
(cohort, relative period) cell gets its own coefficient :math:`\tau_{g,k}` (end points
every relative period its own, :math:`k = -1` the reference), so no already-treated unit ever
serves as a control and no effect is assumed constant within a bin. Horizon estimates are the
weighted averages :math:`\beta_k = \sum_{g,r} w_{g,r} \tau_{g,r}` over the cells at relative
period :math:`r = k` (or :math:`r \ge \bar k`, :math:`r \le \underline k` at the end points),
with :math:`w_{g,r}` the cell's share of treated observations, and their covariance follows
linearly, :math:`W V W^\top`. Later events of a
unit are ignored (an absorbing-treatment design).

``method="anchored"`` (a stacked, anchor-matched design for events that can only happen inside
another event, such as captures, which happen in clashes; see
:mod:`sahelmodel.regression._anchored` for its equations and variance). Each treated anchor
(a clash that produced a capture) is compared, at every horizon :math:`h`, with the control
anchors of the same stratum (clashes that produced none), instead of with the unit's other
periods:

.. math::

    E[y_{u,t+h} \mid \text{anchor } a \text{ in } (u, t)] = \mu_{s(u),h}\, e^{\beta_h D_a}.

Identifying assumption: given the stratum (the unit), whether an anchor becomes treated is as
good as random, so control anchors show the treated anchors' outcomes without the treatment,
the continuation of the burst they fell in included. It needs ``anchors``, the count of anchor
events of each unit-period including the treated ones (``hostile_all`` on the dyad panel with
captures as ``event``). No period is a reference: every horizon, ``-1`` included, is
estimated, and the leads are placebo comparisons. This is the estimator to use for captures:
because a capture needs a clash, and clashes come in bursts, the ``twfe`` and ``cohort``
designs attribute the burst's continuation to the capture.

Column contract: on :func:`sahelmodel.dyad_panel` output the defaults ``unit="dyad"``,
``time="period_index"``, ``fixed_effects=("dyad", "period")`` apply; for the actor panel use
``unit="actor"``, ``fixed_effects=("actor", "period")``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sahelmodel._inference import critical_value
from sahelmodel._summary import Summary
from sahelmodel.regression._anchored import AnchoredFit, fit_anchored
from sahelmodel.regression._cohort import fit_cohort
from sahelmodel.regression.models import NegativeBinomial, Poisson
from sahelmodel.regression.results import CountResults

__all__ = [
    "EventStudyResults",
    "event_study",
    "event_time_columns",
    "event_time_columns_reference",
]


def _grid(panel: pd.DataFrame, unit: str, time: str, values: pd.Series) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """Values on a dense unit × time grid (zeros where absent) and each row's grid position."""
    u_codes, _ = pd.factorize(panel[unit], sort=True)
    t = pd.to_numeric(panel[time], errors="coerce").to_numpy()
    if np.isnan(t).any() or not np.allclose(t, np.round(t)):
        raise ValueError(f"time column {time!r} must hold integers (e.g. period_index)")
    t = t.astype(np.int64)
    t0 = int(t.min())
    ti = t - t0
    grid = np.zeros((int(u_codes.max()) + 1, int(ti.max()) + 1))
    if pd.DataFrame({"u": u_codes, "t": ti}).duplicated().any():
        raise ValueError(f"the panel has duplicate ({unit}, {time}) rows")
    grid[u_codes, ti] = values.to_numpy(dtype=float)
    return grid, u_codes, ti


def _name(event: str, k: int) -> str:
    return f"{event}_m{-k}" if k < 0 else f"{event}_p{k}"


def event_time_columns(panel: pd.DataFrame, *, event: str, unit: str, time: str,
                       window: tuple[int, int]) -> pd.DataFrame:
    """Distributed lead/lag regressors :math:`d^k` with binned end points (see module notes).

    Returns
    -------
    pandas.DataFrame
        One column per horizon except the reference ``-1``, named ``<event>_m<k>`` (leads)
        and ``<event>_p<k>`` (lags), indexed like ``panel``.

    Examples
    --------
    >>> df = pd.DataFrame({"u": [0] * 5, "t": range(5), "e": [0, 0, 1, 0, 0]})
    >>> event_time_columns(df, event="e", unit="u", time="t", window=(-2, 1))["e_p1"].tolist()
    [0.0, 0.0, 0.0, 1.0, 1.0]
    """
    lo, hi = _check_window(window)
    ev = pd.to_numeric(panel[event], errors="coerce")
    if ev.isna().any() or (ev < 0).any():
        raise ValueError(f"event column {event!r} must hold non-negative numbers")
    grid, ui, ti = _grid(panel, unit, time, ev)
    n_t = grid.shape[1]
    cum = np.cumsum(grid, axis=1)
    total = cum[:, -1:]
    cols = {}
    for k in range(lo, hi + 1):  # loop over horizons (few), vectorised over the panel
        if k == -1:
            continue
        shifted = np.zeros_like(grid)
        if k == hi:  # events at least hi periods ago: cum[t - hi]
            if hi < n_t:
                shifted[:, hi:] = cum[:, : n_t - hi] if hi > 0 else cum
        elif k == lo:  # events at least |lo| periods ahead: total - cum[t + |lo| - 1]
            m = -lo
            if n_t - m + 1 > 0:
                shifted[:, : n_t - m + 1] = total - cum[:, m - 1:]
        elif abs(k) >= n_t:
            pass  # the panel is too short for this horizon: no event can be that far away
        elif k >= 0:
            shifted[:, k:] = grid[:, : n_t - k]
        else:
            shifted[:, : n_t + k] = grid[:, -k:]
        cols[_name(event, k)] = shifted[ui, ti]
    return pd.DataFrame(cols, index=panel.index)


def event_time_columns_reference(panel: pd.DataFrame, *, event: str, unit: str, time: str,
                                 window: tuple[int, int]) -> pd.DataFrame:
    """Slow, loop-based twin of :func:`event_time_columns` (for tests).

    Examples
    --------
    >>> df = pd.DataFrame({"u": [0] * 5, "t": range(5), "e": [0, 0, 1, 0, 0]})
    >>> cols = event_time_columns_reference(df, event="e", unit="u", time="t", window=(-2, 1))
    >>> cols["e_m2"].tolist()  # the event at t = 2 is at least two periods ahead of t = 0
    [1.0, 0.0, 0.0, 0.0, 0.0]
    """
    lo, hi = _check_window(window)
    events = {(u, int(t)): float(e) for u, t, e in zip(panel[unit], panel[time], panel[event],
                                                        strict=True)}
    out = {_name(event, k): np.zeros(len(panel)) for k in range(lo, hi + 1) if k != -1}
    for row, (u, t) in enumerate(zip(panel[unit], panel[time], strict=True)):
        for (uu, s), e in events.items():
            if uu != u or e == 0:
                continue
            k = int(t) - s  # periods since the event at s
            if k >= hi:
                out[_name(event, hi)][row] += e
            elif k <= lo:
                out[_name(event, lo)][row] += e
            elif k != -1:
                out[_name(event, k)][row] += e
    return pd.DataFrame(out, index=panel.index)


def _check_window(window: tuple[int, int]) -> tuple[int, int]:
    lo, hi = (int(w) for w in window)
    if not (lo <= -2 and hi >= 0):
        raise ValueError(f"window must satisfy low <= -2 and high >= 0 (the reference period is "
                         f"-1), got {window!r}")
    return lo, hi


@dataclass(frozen=True)
class EventStudyResults:
    """Incidence-rate ratios by horizon around events.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by horizon (``-1`` is the reference, with ``irr = 1``); columns ``term``,
        ``estimate``, ``std_error``, ``irr``, ``lower``, ``upper``, ``binned``.
    cov : pandas.DataFrame
        Covariance of the horizon estimates (log scale), indexed by horizon.
    fit : CountResults or None
        The underlying regression (``None`` for ``method="anchored"``, which has no single
        regression; its counts are in ``anchored``).
    method : str
    level : float
    baseline_rate : float
        Mean fitted count per unit-period among observations outside every event window
        (used by :func:`capture_effects`).
    dispersion : float or None
    anchored : AnchoredFit or None
        For ``method="anchored"``: anchors, strata and clusters used.
    """

    table: pd.DataFrame
    cov: pd.DataFrame
    fit: CountResults | None
    method: str
    level: float
    window: tuple[int, int]
    baseline_rate: float
    dispersion: float | None
    anchored: AnchoredFit | None = None

    @property
    def nobs(self) -> int:
        """Observations: panel rows fitted, or anchor unit-periods (``anchored``)."""
        return self.anchored.n_anchor_periods if self.fit is None else self.fit.nobs

    @property
    def n_clusters(self) -> int | None:
        """Clusters of the covariance (smallest dimension), ``None`` if not clustered."""
        return self.anchored.n_clusters if self.fit is None else self.fit.n_clusters

    def _leads(self) -> list[int]:
        """Placebo horizons: below the reference -1, or every negative one (``anchored``)."""
        top = 0 if self.method == "anchored" else -1
        return [k for k in self.cov.index if k < top]

    def irr(self) -> pd.DataFrame:
        """Rate ratios by horizon with the interval at ``level``."""
        return self.table[["irr", "lower", "upper"]]

    def __repr__(self) -> str:
        return (f"<EventStudyResults: {self.method}, window {self.window}, "
                f"{self.nobs} observations, level {self.level}>")

    def __str__(self) -> str:
        return self.summary().as_text()

    def summary(self) -> Summary:
        """Rate ratios by horizon, the placebo (pre-trend) test and the fit, as a Summary."""
        if self.fit is None:
            a = self.anchored
            info: list[tuple[str, object]] = [
                ("Method", "anchored (treated vs control anchors, by stratum)"),
                ("Window", f"{self.window[0]} to {self.window[1]} (no reference, none binned)"),
                ("Anchor unit-periods", a.n_anchor_periods),
                ("Treated anchors", round(a.n_treated)),
                ("Control anchors", round(a.n_control)),
                ("Strata", a.n_strata),
                ("Covariance", "sandwich, clustered"),
                ("Clusters", f"{a.cluster} ({a.n_clusters})"),
                ("Baseline rate", self.baseline_rate),
            ]
            notes: list[str] = []
        else:
            info = [
                ("Method", self.method),
                ("Window", f"{self.window[0]} to {self.window[1]} (endpoints binned)"),
                ("Observations", self.fit.nobs),
                ("Covariance", self.fit.cov_type),
                *([("Clusters", ", ".join(f"{nm} ({n})" for nm, n in self.fit.cluster_info))]
                  if self.fit.cluster_info else []),
                ("Baseline rate", self.baseline_rate),
            ]
            notes = list(self.fit.dropped.notes())
            notes.extend(self.fit.cluster_notes())
        if self._leads():
            test = self.pretrend_test()
            notes.append(f"Pre-trend (placebo) test that all leads are zero: chi2 = "
                         f"{test['statistic']:.3f} on {test['df']} df, p = "
                         f"{test['p_value']:.4f}.")
            if not test["reliable"]:
                notes.append(f"WARNING: the pre-trend test is unreliable: {test['reason']}.")
        return Summary("Event study of rate ratios by horizon", tuple(info),
                       (("Horizons", self.table),), tuple(notes))

    def pretrend_test(self) -> dict[str, Any]:
        r"""Joint Wald test that all lead (pre-period) coefficients are zero (placebo test).

        :math:`W = b^\top V^{+} b` on :math:`r = \operatorname{rank}(V)` degrees of freedom,
        with :math:`b` the lead estimates, :math:`V` their covariance and :math:`V^{+}` its
        pseudo-inverse. The test is flagged unreliable when the covariance of the leads is rank
        deficient (:math:`r` below the number of leads: fewer clusters than leads, or a lead
        without variation) or not estimable, or when the covariance is clustered on fewer
        than :data:`~sahelmodel.regression.covariance.FEW_CLUSTERS` clusters: a
        cluster-robust covariance has rank at most :math:`G - 1` and its Wald statistic
        over-rejects with few clusters.

        Returns
        -------
        dict
            ``statistic`` (chi-squared), ``df`` (the rank used), ``p_value``, ``n_leads``,
            ``reliable`` (bool) and ``reason`` (why not, or ``""``).
        """
        from sahelmodel.regression.covariance import FEW_CLUSTERS

        pre = self._leads()
        b = self.table.loc[pre, "estimate"].to_numpy()
        v = self.cov.loc[pre, pre].to_numpy()
        reasons = []
        if not np.all(np.isfinite(v)):
            return {"statistic": float("nan"), "df": 0, "p_value": float("nan"),
                    "n_leads": len(pre), "reliable": False,
                    "reason": "the covariance of the leads cannot be estimated (NaN)"}
        w, vec = np.linalg.eigh((v + v.T) / 2)
        tol = max(w.max(), 0.0) * len(pre) * 1e-10
        keep = w > tol
        rank = int(keep.sum())
        stat = float(np.sum((vec[:, keep].T @ b) ** 2 / w[keep])) if rank else float("nan")
        if rank < len(pre):
            reasons.append(f"the covariance of the {len(pre)} leads has rank {rank}")
        n_cl = self.n_clusters
        if n_cl is not None and n_cl < FEW_CLUSTERS:
            reasons.append(f"only {n_cl} clusters (fewer than {FEW_CLUSTERS})")
        p = float(stats.chi2.sf(stat, rank)) if rank else float("nan")
        return {"statistic": stat, "df": rank, "p_value": p, "n_leads": len(pre),
                "reliable": not reasons, "reason": "; ".join(reasons)}

    def plot(self, ax: Any = None, *, color: str = "C0", label: str | None = None) -> Any:
        """Rate ratios with intervals against horizon (log scale); returns the Axes.

        Never shows the figure; matplotlib is imported only here.
        """
        import matplotlib.pyplot as plt

        if ax is None:  # constrained layout: the axis labels are not clipped when saved
            _, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
        t = self.table
        x = t.index.to_numpy()
        ax.errorbar(x, t["irr"], yerr=[t["irr"] - t["lower"], t["upper"] - t["irr"]], fmt="o",
                    color=color, capsize=2, label=label or self.method)
        ax.axhline(1.0, color="grey", lw=0.8)
        ax.axvline(-0.5, color="grey", lw=0.8, ls="--")
        ax.set_yscale("log")
        from matplotlib.ticker import LogLocator, ScalarFormatter

        ax.yaxis.set_minor_locator(LogLocator(subs=(1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 7.0)))
        ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.yaxis.set_minor_formatter(ScalarFormatter())
        ax.set_xlabel("periods relative to event")
        ax.set_ylabel(f"rate ratio ({round(100 * self.level)}% CI)")
        return ax


def _reference_row(table: pd.DataFrame) -> pd.DataFrame:
    ref = pd.DataFrame({"term": ["(reference)"], "estimate": [0.0], "std_error": [0.0],
                        "irr": [1.0], "lower": [1.0], "upper": [1.0], "binned": [False]},
                       index=pd.Index([-1], name="horizon"))
    return pd.concat([table, ref]).sort_index()


def event_study(
    panel: pd.DataFrame,
    *,
    outcome: str,
    event: str,
    window: tuple[int, int] = (-8, 12),
    model: str = "poisson",
    unit: str = "dyad",
    time: str = "period_index",
    fixed_effects: Sequence[str] = ("dyad", "period"),
    cluster: str | Sequence[str] | None = "dyad",
    controls: Sequence[str] = (),
    exposure: str | None = None,
    method: str = "twfe",
    level: float = 0.95,
    rows: np.ndarray | pd.Series | None = None,
    anchors: str | None = None,
    strata: str | None = None,
) -> EventStudyResults:
    """Rate ratios of ``outcome`` by horizon around ``event`` (see module notes).

    Parameters
    ----------
    panel : pandas.DataFrame
        Unit × period panel with integer ``time``.
    outcome, event : str
        Count outcome; event indicator or count (e.g. ``capture_ij``).
    window : (int, int)
        First lead and last lag; the end points are binned.
    model : {"poisson", "nb2"}
    unit, time : str
        Unit identifier and integer period index.
    fixed_effects : sequence of str
        Absorbed factors (default unit and period).
    cluster : str or sequence of str, optional
        Cluster variables (``None``: model-based errors).
    controls : sequence of str
        Additional regressors.
    exposure : str, optional
        Exposure column (e.g. the number of events for lethality).
    method : {"twfe", "cohort", "anchored"}
        Distributed lags, the heterogeneity-robust cohort-interacted estimator, or the
        anchored design for events that happen inside anchor events (captures in clashes;
        needs ``anchors``). Use ``"anchored"`` for captures (see the module notes).
    level : float
    rows : boolean array, optional
        Fit on these rows only, with leads and lags built on the whole panel (e.g. the
        actor-periods with at least one event, for lethality with events as exposure).
    anchors : str, optional
        ``method="anchored"`` only: count of anchor events per unit-period, the ``event``
        ones included (``hostile_all`` on the dyad panel for captures).
    strata : str, optional
        ``method="anchored"`` only: column defining the strata within which treated and
        control anchors are compared (default ``unit``). ``cluster`` there names a column
        grouping the anchor unit-periods (constant within a unit-period; ``None``: each
        anchor unit-period is its own cluster, which holds when the anchors' outcome windows
        do not share shocks beyond the unit-period); ``model`` must be ``"poisson"`` and
        ``fixed_effects`` and ``controls`` are not used.

    Returns
    -------
    EventStudyResults

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> n_u, n_t = 60, 30
    >>> df = pd.DataFrame({"dyad": np.repeat(np.arange(n_u), n_t),
    ...                    "period_index": np.tile(np.arange(n_t), n_u)})
    >>> df["period"] = df["period_index"]
    >>> first = np.where(np.arange(n_u) < 30, rng.integers(8, 22, n_u), -1)
    >>> df["capture"] = (df["period_index"] == first[df["dyad"]]).astype(int)
    >>> post = (first[df["dyad"]] >= 0) & (df["period_index"] >= first[df["dyad"]])
    >>> df["clashes"] = rng.poisson(np.where(post, 2.0, 1.0))
    >>> es = event_study(df, outcome="clashes", event="capture", window=(-3, 3))
    >>> bool(1.5 < es.table.loc[1, "irr"] < 2.7)
    True
    """
    if method not in ("twfe", "cohort", "anchored"):
        raise ValueError(f"method must be 'twfe', 'cohort' or 'anchored', got {method!r}")
    if method == "anchored":
        return _anchored_study(panel, outcome=outcome, event=event, anchors=anchors,
                               window=window, model=model, unit=unit, time=time,
                               cluster=cluster, strata=strata, exposure=exposure, level=level,
                               rows=rows)
    if anchors is not None or strata is not None:
        raise ValueError("anchors and strata apply to method='anchored' only")
    if model not in ("poisson", "nb2"):
        raise ValueError(f"model must be 'poisson' or 'nb2', got {model!r}")
    for col in (outcome, event, unit, time, *fixed_effects, *controls,
                *([cluster] if isinstance(cluster, str) else cluster or ())):
        if col not in panel.columns:
            raise KeyError(f"column {col!r} is not in the panel")
    lo, hi = _check_window(window)
    if pd.to_numeric(panel[time]).nunique() < 2:
        raise ValueError("the panel has a single period: an event study needs several")
    if not (pd.to_numeric(panel[event]) > 0).any():
        raise ValueError(f"event column {event!r} has no events")
    frame = panel.reset_index(drop=True)
    mask = None
    if rows is not None:
        mask = np.asarray(rows, dtype=bool)
        if mask.shape != (len(frame),):
            raise ValueError(f"rows must be a boolean mask of length {len(frame)}")
    kw: dict[str, Any] = {"exposure": exposure}
    if cluster is not None:
        kw.update(cov="cluster", cluster=cluster)
    horizons = [k for k in range(lo, hi + 1) if k != -1]
    if method == "cohort":
        est, v, fit, in_window_all = fit_cohort(
            frame, outcome=outcome, event=event, unit=unit, time=time, window=(lo, hi),
            model=model, fixed_effects=tuple(fixed_effects), controls=tuple(controls),
            spec_kwargs=kw, rows=mask)
        term_labels = [f"{event}[k={k}]" for k in horizons]
        in_window = pd.Series(in_window_all, index=frame.index)
    else:
        d = event_time_columns(frame, event=event, unit=unit, time=time, window=(lo, hi))
        data = pd.concat([frame, d], axis=1)
        if mask is not None:
            data = data[mask]
            d = d[mask]
        rhs = " + ".join([*d.columns, *controls])
        formula = f"{outcome} ~ {rhs}" + (" | " + " + ".join(fixed_effects)
                                          if fixed_effects else "")
        spec = Poisson(formula, **kw) if model == "poisson" else NegativeBinomial(formula, **kw)
        fit = spec.fit(data)
        names = [_name(event, k) for k in horizons]
        missing = [nm for nm in names if nm not in fit.params.index]
        if missing:
            raise ValueError(f"no variation to estimate horizons {missing} (removed as collinear "
                             "or constant within the fixed effects); narrow the window")
        est = fit.params[names].to_numpy()
        v = fit.cov.loc[names, names].to_numpy()
        term_labels = names
        in_window = pd.Series((d.to_numpy() != 0).any(axis=1), index=d.index)
    var = np.diag(v)
    se = np.where(var > 0, np.sqrt(np.abs(var)), np.nan)
    if not np.isfinite(se).all():
        bad = [k for k, s_ in zip(horizons, se, strict=True) if not np.isfinite(s_)]
        warnings.warn(f"event study: the variance at horizon(s) {bad} cannot be estimated "
                      "(zero or negative); their standard errors are NaN", RuntimeWarning,
                      stacklevel=2)
    q = critical_value(level)
    table = pd.DataFrame({"term": term_labels, "estimate": est, "std_error": se,
                          "irr": np.exp(est), "lower": np.exp(est - q * se),
                          "upper": np.exp(est + q * se),
                          "binned": [k in (lo, hi) for k in horizons]},
                         index=pd.Index(horizons, name="horizon"))
    fitted = fit.fitted
    outside = ~in_window.loc[fitted.index].to_numpy()
    base = float(fitted.to_numpy()[outside].mean()) if outside.any() else float("nan")
    return EventStudyResults(
        table=_reference_row(table), cov=pd.DataFrame(v, index=horizons, columns=horizons),
        fit=fit, method=method, level=level, window=(lo, hi), baseline_rate=base,
        dispersion=fit.dispersion)



def _anchored_study(panel: pd.DataFrame, *, outcome: str, event: str, anchors: str | None,
                    window: tuple[int, int], model: str, unit: str, time: str,
                    cluster: str | Sequence[str] | None, strata: str | None,
                    exposure: str | None, level: float,
                    rows: np.ndarray | pd.Series | None) -> EventStudyResults:
    """``event_study(method="anchored")``: checks, fit and the results table."""
    if anchors is None:
        raise ValueError("method='anchored' needs anchors=<column counting the anchor events "
                         "of each unit-period, the treated ones included> (e.g. 'hostile_all')")
    if model != "poisson":
        raise ValueError(f"method='anchored' is a Poisson design; got model={model!r}")
    if cluster is not None and not isinstance(cluster, str):
        raise ValueError("method='anchored' takes one cluster column (or None)")
    for col in (outcome, event, anchors, unit, time, *(c for c in (cluster, strata, exposure)
                                                       if c is not None)):
        if col not in panel.columns:
            raise KeyError(f"column {col!r} is not in the panel")
    lo, hi = _check_window(window)
    frame = panel.reset_index(drop=True)
    if frame.duplicated([unit, time]).any():
        raise ValueError(f"the panel has duplicate ({unit}, {time}) rows")
    ev = pd.to_numeric(frame[event], errors="coerce")
    an = pd.to_numeric(frame[anchors], errors="coerce")
    for name, col in ((event, ev), (anchors, an)):
        if col.isna().any() or (col < 0).any():
            raise ValueError(f"column {name!r} must hold non-negative counts")
    if not (ev > 0).any():
        raise ValueError(f"event column {event!r} has no events")
    over = np.flatnonzero((ev > an).to_numpy())
    if over.size:
        r = frame.iloc[over[0]]
        raise ValueError(f"{over.size} {unit}-periods have more {event!r} than {anchors!r} "
                         f"(first: {unit} {r[unit]!r}, {time} {r[time]!r}): every event must "
                         "happen in an anchor event")
    if cluster is not None and frame.groupby([unit, time])[cluster].nunique().gt(1).any():
        raise ValueError(f"cluster column {cluster!r} must be constant within {unit}-periods")
    mask = None
    if rows is not None:
        mask = np.asarray(rows, dtype=bool)
        if mask.shape != (len(frame),):
            raise ValueError(f"rows must be a boolean mask of length {len(frame)}")
    a = fit_anchored(frame, outcome=outcome, event=event, anchors=anchors, unit=unit,
                     time=time, window=(lo, hi), exposure=exposure, strata=strata,
                     cluster=cluster, rows=mask)
    if a.n_control <= 0:
        raise ValueError(f"no control anchors: every anchor event in {anchors!r} is an "
                         f"{event!r} event")
    est = a.estimate
    var = np.diag(a.cov)
    se = np.where(np.isfinite(est) & (var > 0), np.sqrt(np.abs(var)), np.nan)
    bad = [k for k, e, s_ in zip(a.horizons, est, se, strict=True)
           if not (np.isfinite(e) and np.isfinite(s_))]
    if bad:
        warnings.warn(f"event study (anchored): horizon(s) {bad} cannot be estimated (no "
                      "treated or control anchor with an observed outcome there, or no "
                      "outcome among them); their estimates or standard errors are NaN",
                      RuntimeWarning, stacklevel=3)
    q = critical_value(level)
    table = pd.DataFrame({"term": [f"{event}[h={k}]" for k in a.horizons], "estimate": est,
                          "std_error": se, "irr": np.exp(est), "lower": np.exp(est - q * se),
                          "upper": np.exp(est + q * se), "binned": False},
                         index=pd.Index(a.horizons, name="horizon"))
    return EventStudyResults(
        table=table, cov=pd.DataFrame(a.cov, index=a.horizons, columns=a.horizons), fit=None,
        method="anchored", level=level, window=(lo, hi), baseline_rate=a.baseline_rate,
        dispersion=None, anchored=a)
