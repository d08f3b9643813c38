"""Shared machinery of the panels: sparse cell lookups, lags and leads, argument checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = ["DenseGrid", "check_shifts", "period_frame", "shifted_columns"]


class DenseGrid:
    """Values of a (unit, period) grid held as a dense units × periods array.

    Cells outside the period window read as NaN, so lags and leads past the data are missing
    rather than zero.
    """

    def __init__(self, values: np.ndarray):
        self.values = np.asarray(values, dtype=np.float64)
        self.n_periods = self.values.shape[1]

    @classmethod
    def from_cells(
        cls, unit: np.ndarray, period: np.ndarray, weights: np.ndarray | None,
        n_units: int, n_periods: int,
    ) -> DenseGrid:
        """Sum ``weights`` (default 1) over cells ``(unit, period)``; negative units ignored."""
        unit = np.asarray(unit, dtype=np.int64)
        keep = unit >= 0
        flat = unit[keep] * n_periods + np.asarray(period, dtype=np.int64)[keep]
        w = None if weights is None else np.asarray(weights, dtype=np.float64)[keep]
        summed = np.bincount(flat, weights=w, minlength=n_units * n_periods)
        return cls(summed.astype(np.float64).reshape(n_units, n_periods))

    def get(self, unit: np.ndarray, period: np.ndarray) -> np.ndarray:
        """Values at ``(unit, period)``; NaN where ``period`` lies outside the window."""
        period = np.asarray(period, dtype=np.int64)
        out = self.values[unit, np.clip(period, 0, max(self.n_periods - 1, 0))]
        out[(period < 0) | (period >= self.n_periods)] = np.nan
        return out


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
    grids: dict[str, DenseGrid],
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
