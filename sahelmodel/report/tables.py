"""Tables: fitted models side by side, and Monte Carlo summaries against the truth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["compare_results", "monte_carlo_summary"]


def compare_results(results: Mapping[str, Any], *, level: float = 0.95) -> pd.DataFrame:
    """Estimates, standard errors and intervals of several fitted models, one block each.

    Parameters
    ----------
    results : dict
        ``{model name: results}``; each result follows the results contract (``params``,
        ``std_errors``, ``conf_int(level=)``).
    level : float
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        Rows: parameters (union over models); columns: a (model, statistic) MultiIndex with
        statistics ``estimate, std_error, lower, upper``.
    """
    blocks = {}
    for name, res in results.items():
        ci = res.conf_int(level=level)
        blocks[name] = pd.DataFrame({
            "estimate": res.params, "std_error": res.std_errors,
            "lower": ci.iloc[:, 0], "upper": ci.iloc[:, 1],
        })
    return pd.concat(blocks, axis=1)


def monte_carlo_summary(
    estimates: pd.DataFrame,
    truth: Mapping[str, float],
    *,
    lower: pd.DataFrame | None = None,
    upper: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Bias, spread and interval coverage of Monte Carlo estimates.

    Parameters
    ----------
    estimates : pandas.DataFrame
        One row per replication, one column per parameter.
    truth : dict
        True value of each parameter (keys = columns of ``estimates``).
    lower, upper : pandas.DataFrame, optional
        Interval endpoints per replication (same shape; infinite ends are unbounded intervals,
        NaN marks a replication without an interval, left out of the coverage); adds coverage
        and its Monte Carlo standard error.

    Returns
    -------
    pandas.DataFrame
        One row per parameter with ``truth, n, mean, median, bias, relative_bias, sd, rmse``
        (bias and RMSE of the mean) and,
        with intervals, ``coverage, coverage_mcse`` (binomial: sqrt(c(1-c)/n)).

    Examples
    --------
    >>> est = pd.DataFrame({"mu": [0.9, 1.1, 1.0]})
    >>> monte_carlo_summary(est, {"mu": 1.0}).loc["mu", "bias"].round(12)
    np.float64(0.0)
    """
    rows = []
    for name in estimates.columns:
        x = estimates[name].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        t = float(truth[name])
        row = {
            "parameter": name, "truth": t, "n": x.size, "mean": x.mean(),
            "median": float(np.median(x)) if x.size else np.nan,
            "bias": x.mean() - t, "relative_bias": (x.mean() - t) / t if t else np.nan,
            "sd": x.std(ddof=1) if x.size > 1 else np.nan,
            "rmse": float(np.sqrt(np.mean((x - t) ** 2))),
        }
        if lower is not None and upper is not None:
            lo, hi = lower[name].to_numpy(float), upper[name].to_numpy(float)
            ok = ~np.isnan(lo) & ~np.isnan(hi)  # an infinite end is an unbounded interval
            covered = (lo[ok] <= t) & (t <= hi[ok])
            c = covered.mean() if covered.size else np.nan
            row["coverage"] = c
            row["coverage_mcse"] = np.sqrt(c * (1 - c) / covered.size) if covered.size else np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("parameter")
