r"""Quantities researchers quote about captures, and capability shifts on the actor panel.

:func:`capture_effects` turns event-study coefficients :math:`\beta_k` (log rate ratios
:math:`k` periods after a capture) into

* the multiplicative change of the clash rate at horizon :math:`k`, :math:`\exp(\beta_k)`;
* the probability of at least one clash in the :math:`h` periods :math:`0, \dots, h-1` after a
  capture, with a baseline rate :math:`\lambda_0` per period,

  .. math::

      P_1(h) = 1 - \prod_{k=0}^{h-1} \pi_0(\lambda_0 e^{\beta_k}), \qquad
      P_0(h) = 1 - \pi_0(\lambda_0)^h,

  where :math:`\pi_0(\lambda) = e^{-\lambda}` (Poisson) or
  :math:`(1 + \kappa\lambda)^{-1/\kappa}` (NB2 with dispersion :math:`\kappa`), and the
  difference :math:`P_1 - P_0`. Periods are treated as independent given the rates.

Intervals are delta-method Wald intervals (:func:`sahelmodel._inference.delta_method`) from
the covariance of the :math:`\beta_k`; :math:`\lambda_0` and :math:`\kappa` are held at their
estimates. The baseline rate defaults to the mean fitted count of unit-periods outside every
event window.

:func:`capability_shifts` runs :func:`~sahelmodel.regression.event_study.event_study` on the
actor panel (column contract of :func:`sahelmodel.actor_panel`: ``actor``, ``period``,
``period_index``, ``events``, ``fatalities``, ``admin2_count``, ``share_vs_state``,
``captures``) for tempo (``events``), lethality (``fatalities`` with ``events`` as exposure,
on actor-periods with at least one event), reach (``admin2_count``) and target mix (events
against state forces, ``round(share_vs_state * events)``, with ``events`` as exposure).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._inference import critical_value, delta_method
from sahelmodel._validation import check_level, check_positive
from sahelmodel.regression.event_study import EventStudyResults, event_study
from sahelmodel.regression.results import CountResults

__all__ = ["capability_shifts", "capture_effects"]


def _p_zero(lam: np.ndarray, dispersion: float | None) -> np.ndarray:
    if dispersion is None or dispersion <= 0:
        return np.exp(-lam)
    return (1.0 + dispersion * lam) ** (-1.0 / dispersion)


def capture_effects(
    result: EventStudyResults | CountResults,
    *,
    max_horizon: int | None = None,
    terms: dict[int, str] | None = None,
    baseline_rate: float | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    r"""Rate ratios and probabilities of at least one clash after a capture.

    Parameters
    ----------
    result : EventStudyResults or CountResults
        An event study, or a regression with lag terms named in ``terms``.
    max_horizon : int, optional
        Largest :math:`h` (default: the last non-binned lag of the event study, or the
        largest key of ``terms``).
    terms : dict, optional
        For a :class:`CountResults`: horizon :math:`k \ge 0` → term name.
    baseline_rate : float, optional
        :math:`\lambda_0`; required for a :class:`CountResults`.
    level : float

    Returns
    -------
    pandas.DataFrame
        Indexed by ``h`` (1, 2, ...), columns ``irr, irr_lower, irr_upper`` (rate ratio at
        horizon :math:`k = h - 1`), ``p_with, p_with_lower, p_with_upper, p_without,
        p_diff, p_diff_lower, p_diff_upper``. Probability intervals are delta-method Wald
        intervals clipped to the range a probability (or a difference from ``p_without``) can
        take.

    Examples
    --------
    >>> b = pd.Series([0.5, 0.3], index=["c0", "c1"])
    >>> fit = CountResults.__new__(CountResults)
    >>> object.__setattr__(fit, "params", b)
    >>> object.__setattr__(fit, "cov", pd.DataFrame(np.diag([0.01, 0.01]), b.index, b.index))
    >>> object.__setattr__(fit, "dispersion", None)
    >>> out = capture_effects(fit, terms={0: "c0", 1: "c1"}, baseline_rate=0.2)
    >>> round(float(out.loc[1, "p_without"]), 4), round(float(out.loc[1, "irr"]), 4)
    (0.1813, 1.6487)
    """
    level = check_level(level)
    if isinstance(result, EventStudyResults):
        hi = result.window[1]
        if result.method == "anchored":  # no binned end point: horizon hi is horizon hi
            hi += 1
            warnings.warn("capture_effects: horizon 0 of an anchored event study holds the "
                          "anchor clashes themselves and is descriptive only (see "
                          "event_study); the probabilities include it", UserWarning,
                          stacklevel=2)
        if hi < 1:
            raise ValueError(f"the event study's window ends at {hi}, whose coefficient bins "
                             f"every later period; refit with a window ending at 1 or later")
        last = hi - 1
        horizons = list(range(0, (max_horizon if max_horizon is not None else last + 1)))
        if horizons and horizons[-1] >= hi and hi > 0:
            raise ValueError(f"max_horizon {max_horizon} reaches the binned end point {hi}")
        params = result.table.loc[horizons, "estimate"].to_numpy()
        cov = result.cov.loc[horizons, horizons].to_numpy()
        lam0 = result.baseline_rate if baseline_rate is None else baseline_rate
        disp = result.dispersion
    else:
        if terms is None or baseline_rate is None:
            raise ValueError("with a CountResults give terms={horizon: term} and baseline_rate")
        horizons = sorted(terms)
        if horizons != list(range(len(horizons))):
            raise ValueError(f"terms must cover horizons 0, 1, ..., got {horizons}")
        if max_horizon is not None:
            horizons = horizons[:max_horizon]
        names = [terms[k] for k in horizons]
        params = result.params[names].to_numpy()
        cov = result.cov.loc[names, names].to_numpy()
        lam0 = baseline_rate
        disp = result.dispersion
    lam0 = check_positive("baseline_rate", lam0)
    if not horizons:
        raise ValueError("no post-event horizon to report")
    q = critical_value(level)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    rows = []
    for h in range(1, len(horizons) + 1):  # loop over horizons (few)
        def p_with(b: np.ndarray, h: int = h) -> np.ndarray:
            return 1.0 - np.prod(_p_zero(lam0 * np.exp(b[:h]), disp))

        p0 = 1.0 - float(_p_zero(np.array([lam0]), disp)[0]) ** h
        d = delta_method(lambda b, f=p_with: np.atleast_1d(f(b)), params, cov)
        p1, s1 = float(d.estimate[0]), float(d.std_errors[0])
        rows.append({
            "h": h,
            "irr": float(np.exp(params[h - 1])),
            "irr_lower": float(np.exp(params[h - 1] - q * se[h - 1])),
            "irr_upper": float(np.exp(params[h - 1] + q * se[h - 1])),
            "p_with": p1,
            "p_with_lower": max(p1 - q * s1, 0.0), "p_with_upper": min(p1 + q * s1, 1.0),
            "p_without": p0,
            "p_diff": p1 - p0,
            "p_diff_lower": max(p1 - p0 - q * s1, -p0),
            "p_diff_upper": min(p1 - p0 + q * s1, 1.0 - p0),
        })
    return pd.DataFrame(rows).set_index("h")


def capability_shifts(
    panel: pd.DataFrame,
    *,
    event: str = "captures",
    window: tuple[int, int] = (-4, 8),
    unit: str = "actor",
    time: str = "period_index",
    fixed_effects: Sequence[str] = ("actor", "period"),
    cluster: str | None = "actor",
    outcomes: Sequence[str] = ("tempo", "lethality", "reach", "target_mix"),
    method: str = "anchored",
    **kwargs: Any,
) -> dict[str, EventStudyResults]:
    """Event studies of an actor's tempo, lethality, reach and target mix after captures.

    The default design is the anchored one (``event_study(method="anchored")``): each
    capture is compared with the same actor's clashes (``clashes``) that produced no capture,
    taken or lost (``losses``), because a capture needs a clash and groups capture in their
    most active and deadliest periods, which an actor-FE design credits to the capture. The
    identifying assumption is that which of an actor's clashes end in a capture is as good as
    random given the actor. A capture coded outside any clash counts as its own anchor.

    Parameters
    ----------
    panel : pandas.DataFrame
        Actor × period panel (see the module notes for the columns used).
    event : str
        Capture indicator or count of the actor as capturer.
    window, unit, time, fixed_effects, cluster
        Passed to :func:`~sahelmodel.regression.event_study.event_study` (``fixed_effects``
        and ``cluster`` by ``actor`` apply to ``"twfe"`` and ``"cohort"``; the anchored
        design compares within actor and clusters by anchor actor-period).
    method : {"anchored", "twfe", "cohort"}
    outcomes : sequence of str
        Any of ``"tempo"``, ``"lethality"``, ``"reach"``, ``"target_mix"``.
    **kwargs
        Further :func:`event_study` settings (``model``, ``method``, ``level``).

    Returns
    -------
    dict
        Outcome name → :class:`EventStudyResults`.
    """
    spec = {
        "tempo": ("events", None, None),
        "lethality": ("fatalities", "events", None),
        "reach": ("admin2_count", None, None),
        "target_mix": ("_events_vs_state", "events", None),
    }
    design: dict[str, Any] = {"method": method}
    if method == "anchored":
        for c in ("clashes", "losses"):
            if c not in panel.columns:
                raise KeyError(f"the anchored design needs column {c!r} (see actor_panel); "
                               "or pass method='twfe'")
        panel = panel.assign(_anchors=np.maximum(panel["clashes"] - panel["losses"],
                                                 panel[event]))
        design.update(anchors="_anchors", cluster=None)
    else:
        design.update(fixed_effects=fixed_effects, cluster=cluster)
    out: dict[str, EventStudyResults] = {}
    for name in outcomes:  # loop over outcomes (few)
        if name not in spec:
            raise ValueError(f"unknown outcome {name!r}; choose from {sorted(spec)}")
        col, exposure, _ = spec[name]
        frame = panel
        if name == "target_mix":
            for c in ("share_vs_state", "events"):
                if c not in panel.columns:
                    raise KeyError(f"target_mix needs column {c!r}")
            frame = panel.assign(_events_vs_state=np.round(
                panel["share_vs_state"].fillna(0) * panel["events"]))
        # with exposure, fit on actor-periods with at least one event (leads/lags use all)
        rows = None if exposure is None else (frame[exposure] > 0).to_numpy()
        out[name] = event_study(frame, outcome=col, event=event, window=window, unit=unit,
                                time=time, exposure=exposure, rows=rows, **design, **kwargs)
    return out
