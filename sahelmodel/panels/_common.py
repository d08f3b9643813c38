"""Shared machinery of the panels: sparse cell lookups, lags and leads, argument checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from sahelmodel.network._core import lookup

__all__ = ["CellValues", "check_shifts", "shifted_columns"]


class CellValues:
    """Values of a sparse (unit, period) grid, looked up by unit code and period index.

    Missing cells are zero; cells outside the period window are NaN.
    """

    def __init__(self, unit: np.ndarray, period: np.ndarray, values: np.ndarray, n_periods: int):
        self.n_periods = int(n_periods)
        key = np.asarray(unit, dtype=np.int64) * self.n_periods + np.asarray(period, np.int64)
        order = np.argsort(key, kind="stable")
        key, vals = key[order], np.asarray(values, dtype=np.float64)[order]
        self.keys, start = np.unique(key, return_index=True)
        self.values = np.add.reduceat(vals, start) if vals.size else vals

    def get(self, unit: np.ndarray, period: np.ndarray) -> np.ndarray:
        """Values at ``(unit, period)``; NaN where ``period`` lies outside the window."""
        period = np.asarray(period, dtype=np.int64)
        inside = (period >= 0) & (period < self.n_periods)
        row = lookup(self.keys, np.asarray(unit, dtype=np.int64) * self.n_periods + period)
        out = np.where(row >= 0, self.values[np.maximum(row, 0)] if self.values.size else 0.0, 0.0)
        return np.where(inside, out, np.nan)


def check_shifts(name: str, shifts: int | Iterable[int]) -> tuple[int, ...]:
    """Normalise ``lags``/``leads`` (an int k means 1..k) to a sorted tuple of positive ints."""
    if isinstance(shifts, (int, np.integer)) and not isinstance(shifts, bool):
        if shifts < 0:
            raise ValueError(f"{name} must be non-negative, got {shifts}")
        return tuple(range(1, int(shifts) + 1))
    out = []
    for k in shifts:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"{name} must be positive integers, got {k!r}")
        out.append(int(k))
    return tuple(sorted(set(out)))


def shifted_columns(
    grids: dict[str, CellValues],
    unit: np.ndarray,
    period: np.ndarray,
    lags: Sequence[int],
    leads: Sequence[int],
) -> dict[str, np.ndarray]:
    """Lagged and led copies of every grid.

    ``<col>_lag<k>`` is the value at ``period - k`` and ``<col>_lead<k>`` the value at
    ``period + k``; NaN where the shifted period leaves the window.
    """
    out: dict[str, np.ndarray] = {}
    for col, grid in grids.items():
        for k in lags:
            out[f"{col}_lag{k}"] = grid.get(unit, period - k)
        for k in leads:
            out[f"{col}_lead{k}"] = grid.get(unit, period + k)
    return out


def period_frame(periods: pd.DatetimeIndex, period: np.ndarray) -> dict[str, object]:
    """The ``period`` and ``period_index`` identifier columns."""
    return {"period": periods[period], "period_index": np.asarray(period, dtype=np.int64)}
