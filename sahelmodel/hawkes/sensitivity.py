r"""Does an estimate move with the baseline? Refit under other baselines and say so in words.

Excitation and a slowly varying baseline compete for the same clustering of events: a burst
can be offspring of earlier events (:math:`\alpha`, :math:`\kappa`) or a period of higher
background (:math:`\mu(t)`). An estimate that changes a lot when only the baseline changes is
identified by the choice of baseline, not by the data. :func:`baseline_sensitivity` refits the
same events under other baselines (by default a constant one, one level per year, and levels
between change points of the pooled event rate) and, for every term the fits share
(excitation, decays, mark multipliers) and the branching ratio, compares the estimates with
the intervals: a term *moves* when the estimate under one baseline lies outside the interval
under another,

.. math::

    \hat x^{(b)} \notin [\ell^{(b')}, u^{(b')}] \quad \text{for some baselines } b \ne b'.

The refits are full fits with their intervals (``conf_int(method="auto")``), so the call costs
a few fits: it is never run by ``fit()``; once run, its notes are added to ``summary()``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._validation import check_level

__all__ = ["BaselineSensitivity", "baseline_sensitivity", "default_baselines"]

DAYS_PER_YEAR = 365.25


def default_baselines(res: Any) -> dict[str, dict[str, Any]]:
    """Constant, one level per year (at least 2) and change-point baselines for ``res``.

    Times are in days; ``yearly`` cuts the window into ``round(length / 365.25)`` equal pieces.
    """
    years = max(2, int(np.rint((res.data.end - res.data.start) / DAYS_PER_YEAR)))
    return {"constant": {"baseline": "constant", "knots": None},
            "yearly": {"baseline": "piecewise", "knots": years},
            "changepoint": {"baseline": "piecewise", "knots": "changepoint"}}


def _shared_terms(names: list[str]) -> list[str]:
    return [n for n in names if not n.startswith(("mu[", "gamma["))]


@dataclass(frozen=True)
class BaselineSensitivity:
    """Estimates and intervals of the shared terms under each baseline.

    Attributes
    ----------
    table : pandas.DataFrame
        Index ``(term, baseline)``; columns ``estimate``, ``lower``, ``upper``.
    moves : pandas.Series
        Per term: whether an estimate under one baseline is outside the interval under another.
    level : float
    notes : tuple of str
        The finding in words, one sentence per term that moves (or one saying none does).
    """

    table: pd.DataFrame
    moves: pd.Series
    level: float
    notes: tuple[str, ...]


def _describe(term: str, rows: pd.DataFrame, level: float) -> str:
    parts = [f"{est:.3g} [{lo:.3g}, {hi:.3g}] under the {b} baseline"
             for b, (est, lo, hi) in rows[["estimate", "lower", "upper"]].iterrows()]
    return (f"{term} moves with the baseline: " + "; ".join(parts) + f" ({level:.0%} "
            "intervals). These data do not separate it from a change in the background "
            "rate: it is identified by the choice of baseline, not by the events.")


def baseline_sensitivity(res: Any, baselines: dict[str, dict[str, Any]] | None = None, *,
                         level: float = 0.95) -> BaselineSensitivity:
    """Refit ``res`` under other baselines and report which estimates move.

    Parameters
    ----------
    res : HawkesResults
        The fit; its own specification is one of the compared fits (named ``"fitted"``
        unless it equals one of ``baselines``).
    baselines : dict, optional
        Name to settings changed on ``res.model`` (``baseline``, ``knots``, ``covariates``).
        Default: :func:`default_baselines`.
    level : float, default 0.95
        Interval level.

    Returns
    -------
    BaselineSensitivity

    Examples
    --------
    A baseline that triples half-way through, and no excitation at all: under a constant
    baseline the step looks like self-excitation.

    >>> import numpy as np
    >>> from sahelmodel import Hawkes, simulate_hawkes
    >>> from sahelmodel.hawkes import PiecewiseConstantBaseline
    >>> base = PiecewiseConstantBaseline([0.0, 365.0, 730.0], [[0.1, 0.6]])
    >>> et = simulate_hawkes(base, 0.05, 1.0, 730.0, rng=1)
    >>> res = Hawkes().fit(et)
    >>> sens = baseline_sensitivity(res, {"yearly": {"baseline": "piecewise", "knots": 2}})
    >>> bool(sens.moves["alpha[0<-0]"])
    True
    """
    level = check_level(level)
    specs = dict(default_baselines(res) if baselines is None else baselines)
    fits: dict[str, Any] = {}
    own = {"baseline": res.model.baseline, "knots": res.model.knots}
    if not any(all(v.get(k, getattr(res.model, k)) == own[k] for k in own)
               for v in specs.values() if "covariates" not in v):
        fits["fitted"] = res
    for name, change in specs.items():
        change = {"covariates": None, "knots": None, **change}
        with warnings.catch_warnings():  # a refit's trouble is in its flags, reported below
            warnings.simplefilter("ignore")
            fits[name] = res.model.replace(**change).fit(res.event_times)
    rows = []
    for name, fit in fits.items():
        terms = _shared_terms(list(fit.params.index))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ci = fit.conf_int(level, terms=terms)
            rho = fit.branching_ratio_interval(level) if fit._rho_alone() is None else None
        for term in terms:
            rows.append((term, name, float(fit.params[term]), *map(float, ci.loc[term])))
        if fit._rho_alone() is None:  # (else it is one of the terms above)
            rows.append(("branching_ratio", name, float(fit.branching_ratio), *rho))
    table = pd.DataFrame(rows, columns=["term", "baseline", "estimate", "lower", "upper"]
                         ).set_index(["term", "baseline"])
    moves = {}
    for term, sub in table.groupby(level="term", sort=False):
        est, lo, hi = (sub[c].to_numpy() for c in ("estimate", "lower", "upper"))
        outside = (est[:, None] < lo[None, :]) | (est[:, None] > hi[None, :])
        moves[term] = bool(np.any(outside & np.isfinite(est)[:, None]))
    moves_s = pd.Series(moves, name="moves")
    notes = [_describe(t, table.loc[t], level) for t, m in moves.items() if m]
    if not notes:
        notes = [f"No estimate moves with the baseline: under {', '.join(fits)} every "
                 f"estimate lies inside the {level:.0%} intervals of the others."]
    for name, fit in fits.items():
        if fit.degenerate:
            notes.append(f"The fit under the {name} baseline is degenerate: "
                         + "; ".join(fit.degenerate_causes) + ".")
    return BaselineSensitivity(table=table, moves=moves_s, level=level, notes=tuple(notes))
