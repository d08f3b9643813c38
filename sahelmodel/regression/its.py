r"""Interrupted time series: segmented Poisson / quasi-Poisson regression with seasonality.

The model for a count :math:`y_t` with population or exposure :math:`E_t`, an intervention
indicator :math:`I_t` (1 from the intervention on) and a time index :math:`t` is

.. math::

    \log E[y_t] = \log E_t + \beta_0 + \beta_1 t + \beta_2 I_t
                   + \beta_3 (t - t_0) I_t
                   + \sum_{k=1}^{K} \{\gamma_k \cos(2\pi k s_t / P)
                                      + \delta_k \sin(2\pi k s_t / P)\},

with :math:`t_0` the first intervention period, :math:`\exp(\beta_2)` the step (rate ratio
at the intervention), :math:`\exp(\beta_3)` the change of the per-period trend, and
:math:`K` harmonic pairs of period :math:`P` in the season variable :math:`s_t` (e.g. the month,
:math:`P = 12`). Quasi-Poisson inference (``scale="pearson"``) scales the covariance by the
Pearson dispersion, as in Lopez Bernal, Cummins & Gasparrini (2017), *Int. J. Epidemiol.*
46(1):348-355.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._validation import check_positive
from sahelmodel.regression.models import Poisson
from sahelmodel.regression.results import CountResults

__all__ = ["harmonics", "interrupted_time_series"]


def harmonics(t: Any, period: float, n_pairs: int) -> pd.DataFrame:
    r"""Sine/cosine pairs for seasonality, as ``tsModel::harmonic`` in R.

    Parameters
    ----------
    t : array_like
        Season variable (e.g. month 1..12, or elapsed periods).
    period : float
        Length of the cycle in units of ``t``.
    n_pairs : int
        Number of harmonic pairs :math:`K`, at most ``period / 2``.

    Returns
    -------
    pandas.DataFrame
        Columns ``cos1, sin1, ..., cosK, sinK`` with :math:`\cos(2\pi k t/P)` and
        :math:`\sin(2\pi k t/P)`; indexed like ``t`` when it is a Series.

    Examples
    --------
    >>> h = harmonics([3, 6], period=12, n_pairs=1)
    >>> h.round(6).to_dict("list")
    {'cos1': [0.0, -1.0], 'sin1': [1.0, 0.0]}
    """
    period = check_positive("period", period)
    if int(n_pairs) != n_pairs or n_pairs < 1:
        raise ValueError(f"n_pairs must be a positive integer, got {n_pairs!r}")
    if n_pairs > period / 2:
        raise ValueError(f"n_pairs must be at most period / 2 = {period / 2}, got {n_pairs}")
    index = t.index if isinstance(t, pd.Series) else None
    x = np.asarray(t, dtype=float)
    cols: dict[str, np.ndarray] = {}
    for k in range(1, int(n_pairs) + 1):  # loop over harmonics (few)
        angle = 2.0 * np.pi * k * x / period
        cols[f"cos{k}"] = np.cos(angle)
        cols[f"sin{k}"] = np.sin(angle)
    return pd.DataFrame(cols, index=index)


def interrupted_time_series(
    data: pd.DataFrame,
    *,
    outcome: str,
    time: str,
    intervention: str,
    offset: str | None = None,
    exposure: str | None = None,
    slope_change: bool = True,
    season: str | None = None,
    period: float = 12,
    n_pairs: int = 0,
    scale: str | float | None = "pearson",
    cov: str = "iid",
) -> CountResults:
    """Segmented Poisson / quasi-Poisson regression of an interrupted time series.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per period.
    outcome, time, intervention : str
        Count column, numeric time index, 0/1 intervention indicator.
    offset, exposure : str, optional
        Offset column (log scale) or exposure column (e.g. population).
    slope_change : bool, default True
        Add the term ``<time>_after`` = :math:`(t - t_0) I_t`.
    season : str, optional
        Column for harmonic seasonality (with ``period`` and ``n_pairs``).
    period, n_pairs
        See :func:`harmonics`; ``n_pairs=0`` adds none.
    scale : {"pearson", None} or float, default "pearson"
        ``"pearson"``: quasi-Poisson; ``None``: Poisson.
    cov : {"iid", "robust"}
        Robust errors require ``scale=None``.

    Returns
    -------
    CountResults
        The step is the term named ``intervention``; its rate ratio is
        ``irr().loc[intervention]``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [10, 12, 11, 13, 20, 22, 21, 25], "t": range(8),
    ...                    "ban": [0, 0, 0, 0, 1, 1, 1, 1]})
    >>> res = interrupted_time_series(df, outcome="y", time="t", intervention="ban",
    ...                               slope_change=False)
    >>> bool(res.irr().loc["ban", "irr"] > 1)
    True
    """
    for col in (outcome, time, intervention, offset, exposure, season):
        if col is not None and col not in data.columns:
            raise KeyError(f"column {col!r} is not in the data")
    frame = data.copy()
    flag = pd.to_numeric(frame[intervention], errors="coerce")
    if not flag.dropna().isin([0, 1]).all():
        raise ValueError(f"intervention column {intervention!r} must be 0/1")
    if flag.nunique() < 2:
        raise ValueError(f"intervention column {intervention!r} is constant: no pre or no post "
                         "period to compare")
    terms = [intervention, time]
    if slope_change:
        t0 = frame.loc[flag == 1, time].min()
        name = f"{time}_after"
        frame[name] = (frame[time] - t0) * flag
        terms.append(name)
    if n_pairs:
        if season is None:
            raise ValueError("n_pairs > 0 needs season=<column>")
        h = harmonics(frame[season], period, n_pairs)
        frame = pd.concat([frame, h.add_prefix("season_")], axis=1)
        terms.extend("season_" + c for c in h.columns)
    formula = f"{outcome} ~ " + " + ".join(terms)
    return Poisson(formula, offset=offset, exposure=exposure, scale=scale, cov=cov).fit(frame)
