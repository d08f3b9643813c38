"""Point-process data: event times in days, a dimension per event, optional marks.

:class:`EventTimes` is the container that Hawkes simulation and estimation share. It holds

* ``times``: float event times in days (``unit``), sorted ascending; ties are allowed (daily
  data such as UCDP GED and ACLED record days, so several events share one time);
* ``dims``: the integer dimension of each event in ``0 .. n_dims - 1`` (an event stream such as
  the hostile events of one directed dyad, the attacks of one group, or one event type);
* ``marks``: optional integer marks (``0``/``1`` for booleans, e.g. ``1`` = an arms capture);
* ``start`` and ``end``: the observation window ``[start, end]``; every time lies in it;
* ``dim_names``: one label per dimension (e.g. ``"jnim|is_sahel"``).

It is immutable: arrays are read-only copies and every transformation returns a new object.

Dimensions built from an :class:`~sahelmodel.events.EventTable` (``by=``)
--------------------------------------------------------------------------
=====================  ========================================================================
``by``                 dimension label of an event
=====================  ========================================================================
``None``               ``"all"``: one dimension
``"dyad"``             undirected dyad ``"i|j"`` with ``i < j`` (as in ``dyad_panel``'s ``dyad``)
``"directed_dyad"``    ``"actor1|actor2"`` in the order the source records them (actor1 is the
                       initiator when the ``directed`` column is True)
``"actor"``            ``actor1``
a column name          the value of that column (e.g. ``"event_type"``, ``"country"``)
a callable             ``by(frame)`` returns one label per row of ``table.frame``
=====================  ========================================================================

Time is measured from ``origin`` (default: the first event's day) in units of ``unit`` (default
one day): an event on the origin day has time 0. A day is observed in full, so the default
``end`` is the last event's day plus one unit.

Examples
--------
>>> import numpy as np
>>> et = EventTimes([0.5, 1.0, 2.5], dims=[0, 1, 0], end=3.0, dim_names=["a", "b"])
>>> et.counts.tolist(), et.n_dims
([2, 1], 2)
>>> [x.tolist() for x in et.split()]
[[0.5, 2.5], [1.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from sahelmodel.events import EventTable

__all__ = ["EventTimes"]

_BY_SPECIAL = ("dyad", "directed_dyad", "actor")


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr = np.array(arr, copy=True)
    arr.setflags(write=False)
    return arr


class EventTimes:
    """Times, dimensions and marks of events observed on a window ``[start, end]``.

    Parameters
    ----------
    times : array_like of float
        Event times (days unless told otherwise). Need not be sorted: events are sorted by time
        (stably, so tied events keep their order).
    dims : array_like of int, optional
        Dimension of each event, in ``0 .. n_dims - 1``. Default: all zero (one dimension).
    marks : array_like of int or bool, optional
        A non-negative integer mark per event (booleans become 0/1), or ``None``.
    start : float, default 0.0
        Start of the observation window.
    end : float, optional
        End of the observation window; default the last event time (or ``start`` if empty).
    n_dims : int, optional
        Number of dimensions (may exceed ``max(dims) + 1`` so that empty dimensions are kept).
        Default: ``len(dim_names)`` if given, else ``max(dims) + 1`` (1 when empty).
    dim_names : sequence of str, optional
        One unique label per dimension; default ``"0", "1", ...``.
    origin : pandas.Timestamp, optional
        Calendar date of time 0 (kept for converting back to dates).
    unit : str, default "D"
        The unit of time as a pandas timedelta unit (``"D"`` days, ``"h"`` hours, ``"W"`` weeks).

    Raises
    ------
    ValueError
        If times are not finite, dimensions are out of range or not integers, marks are
        negative, lengths differ, or an event lies outside ``[start, end]``.

    Examples
    --------
    >>> et = EventTimes([3.0, 1.0], dims=[1, 0], marks=[True, False], end=5.0)
    >>> et.times.tolist(), et.dims.tolist(), et.marks.tolist()
    ([1.0, 3.0], [0, 1], [0, 1])
    """

    __slots__ = ("_dim_names", "_dims", "_end", "_marks", "_origin", "_start", "_times", "_unit")

    def __init__(
        self,
        times: Any,
        dims: Any = None,
        marks: Any = None,
        *,
        start: float = 0.0,
        end: float | None = None,
        n_dims: int | None = None,
        dim_names: Sequence[str] | None = None,
        origin: Any = None,
        unit: str = "D",
    ) -> None:
        t = np.asarray(times, dtype=float).reshape(-1) if np.ndim(times) else np.asarray(
            [times], dtype=float
        )
        if np.ndim(times) > 1:
            raise ValueError(f"times must be one-dimensional, got shape {np.shape(times)}")
        bad = ~np.isfinite(t)
        if bad.any():
            raise ValueError(
                f"times has {int(bad.sum())} non-finite values (first at position "
                f"{int(np.flatnonzero(bad)[0])})"
            )
        n = t.size
        d = self._as_int_array("dims", np.zeros(n, dtype=np.int64) if dims is None else dims, n)
        m = None if marks is None else self._as_int_array("marks", marks, n)
        if m is not None and (m < 0).any():
            raise ValueError(
                f"marks must be non-negative integers; position {int(np.flatnonzero(m < 0)[0])} "
                f"has {int(m[m < 0][0])}"
            )
        if dim_names is not None:
            names = tuple(str(x) for x in dim_names)
            if len(set(names)) != len(names):
                raise ValueError(f"dim_names must be unique, got {list(names)}")
            if n_dims is not None and int(n_dims) != len(names):
                raise ValueError(
                    f"n_dims={n_dims} disagrees with {len(names)} dim_names {list(names)}"
                )
            n_dims = len(names)
        if n_dims is None:
            n_dims = max(int(d.max()) + 1, 1) if n else 1
        n_dims = int(n_dims)
        if n_dims < 1:
            raise ValueError(f"n_dims must be at least 1, got {n_dims}")
        out = (d < 0) | (d >= n_dims)
        if out.any():
            i = int(np.flatnonzero(out)[0])
            raise ValueError(
                f"dims must lie in 0..{n_dims - 1}; position {i} has dimension {int(d[i])}"
            )
        start_f = float(start)
        end_f = (float(t.max()) if n else start_f) if end is None else float(end)
        if not (np.isfinite(start_f) and np.isfinite(end_f)) or end_f < start_f:
            raise ValueError(
                f"the window must satisfy start <= end with finite values, got start={start!r}, "
                f"end={end!r}"
            )
        outside = (t < start_f) | (t > end_f)
        if outside.any():
            i = int(np.flatnonzero(outside)[0])
            raise ValueError(
                f"{int(outside.sum())} event times lie outside the window [{start_f:g}, "
                f"{end_f:g}] (first: position {i}, time {t[i]:g})"
            )
        if n > 1 and (np.diff(t) < 0).any():
            order = np.argsort(t, kind="stable")
            t, d = t[order], d[order]
            m = None if m is None else m[order]
        self._times = _readonly(t)
        self._dims = _readonly(d)
        self._marks = None if m is None else _readonly(m)
        self._start = start_f
        self._end = end_f
        self._dim_names = (
            tuple(str(i) for i in range(n_dims)) if dim_names is None else names
        )
        self._origin = None if origin is None else pd.Timestamp(origin)
        pd.Timedelta(1, unit=unit)  # validates the unit
        self._unit = unit

    @staticmethod
    def _as_int_array(name: str, values: Any, n: int) -> np.ndarray:
        arr = np.asarray(values).reshape(-1)
        if arr.size != n:
            raise ValueError(f"{name} has {arr.size} entries but there are {n} event times")
        if arr.dtype == bool:
            return arr.astype(np.int64)
        if arr.dtype.kind in "iu":
            return arr.astype(np.int64)
        try:
            as_float = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be integers, got dtype {arr.dtype}") from None
        bad = ~np.isfinite(as_float) | (as_float != np.round(as_float))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"{name} must be integers; position {i} has {arr[i]!r}")
        return as_float.astype(np.int64)

    # ------------------------------------------------------------------ accessors
    @property
    def times(self) -> np.ndarray:
        """Sorted event times (read-only float array)."""
        return self._times

    @property
    def dims(self) -> np.ndarray:
        """Dimension of each event (read-only int64 array)."""
        return self._dims

    @property
    def marks(self) -> np.ndarray | None:
        """Mark of each event (read-only int64 array) or ``None``."""
        return self._marks

    @property
    def start(self) -> float:
        """Start of the observation window."""
        return self._start

    @property
    def end(self) -> float:
        """End of the observation window."""
        return self._end

    @property
    def duration(self) -> float:
        """Length ``end - start`` of the observation window."""
        return self._end - self._start

    @property
    def n_dims(self) -> int:
        """Number of dimensions (including empty ones)."""
        return len(self._dim_names)

    @property
    def dim_names(self) -> tuple[str, ...]:
        """Label of each dimension."""
        return self._dim_names

    @property
    def origin(self) -> pd.Timestamp | None:
        """Calendar date of time 0, when built from dated events."""
        return self._origin

    @property
    def unit(self) -> str:
        """Unit of time (a pandas timedelta unit)."""
        return self._unit

    @property
    def n_events(self) -> int:
        """Number of events."""
        return int(self._times.size)

    def __len__(self) -> int:
        return self.n_events

    @property
    def counts(self) -> np.ndarray:
        """Number of events in each dimension, shape ``(n_dims,)``."""
        return np.bincount(self._dims, minlength=self.n_dims)

    @property
    def marked_counts(self) -> np.ndarray:
        """Number of events with a non-zero mark in each dimension (zeros if unmarked)."""
        if self._marks is None:
            return np.zeros(self.n_dims, dtype=np.int64)
        return np.bincount(self._dims[self._marks > 0], minlength=self.n_dims)

    @property
    def has_ties(self) -> bool:
        """True when at least two events share a time."""
        return bool(self.n_events > 1 and (np.diff(self._times) == 0).any())

    def split(self) -> list[np.ndarray]:
        """Event times of each dimension, as a list of ``n_dims`` sorted arrays."""
        order = np.argsort(self._dims, kind="stable")
        bounds = np.cumsum(self.counts)[:-1]
        return np.split(self._times[order], bounds)

    def dim_index(self, name: str) -> int:
        """Index of the dimension called ``name``."""
        try:
            return self._dim_names.index(str(name))
        except ValueError:
            raise KeyError(
                f"no dimension named {name!r}; dimensions are {list(self._dim_names)[:10]}"
                + (" ..." if self.n_dims > 10 else "")
            ) from None

    def select(self, dims: Sequence[int | str]) -> EventTimes:
        """Keep only the given dimensions (indices or names), renumbered in the order given.

        Examples
        --------
        >>> et = EventTimes([1.0, 2.0], dims=[0, 1], end=3.0, dim_names=["a", "b"])
        >>> et.select(["b"]).dim_names, len(et.select(["b"]))
        (('b',), 1)
        """
        idx = [self.dim_index(d) if isinstance(d, str) else int(d) for d in dims]
        for i in idx:
            if not 0 <= i < self.n_dims:
                raise ValueError(f"dimension {i} is out of range 0..{self.n_dims - 1}")
        if len(set(idx)) != len(idx):
            raise ValueError(f"dimensions to select must be unique, got {list(dims)}")
        new_index = np.full(self.n_dims, -1, dtype=np.int64)
        new_index[idx] = np.arange(len(idx))
        keep = new_index[self._dims] >= 0
        return self._replace(
            times=self._times[keep],
            dims=new_index[self._dims[keep]],
            marks=None if self._marks is None else self._marks[keep],
            dim_names=[self._dim_names[i] for i in idx],
        )

    def restrict(self, start: float | None = None, end: float | None = None) -> EventTimes:
        """The events within a shorter window ``[start, end]`` (defaults: the current ones)."""
        s = self._start if start is None else float(start)
        e = self._end if end is None else float(end)
        if s < self._start or e > self._end:
            raise ValueError(
                f"[{s:g}, {e:g}] is not inside the observed window [{self._start:g}, "
                f"{self._end:g}]"
            )
        keep = (self._times >= s) & (self._times <= e)
        return self._replace(
            times=self._times[keep],
            dims=self._dims[keep],
            marks=None if self._marks is None else self._marks[keep],
            start=s,
            end=e,
        )

    def _replace(self, **kw: Any) -> EventTimes:
        args: dict[str, Any] = {
            "times": self._times,
            "dims": self._dims,
            "marks": self._marks,
            "start": self._start,
            "end": self._end,
            "dim_names": self._dim_names,
            "origin": self._origin,
            "unit": self._unit,
        }
        args.update(kw)
        times = args.pop("times")
        return EventTimes(times, **args)

    def to_frame(self) -> pd.DataFrame:
        """The events as a DataFrame with columns ``time, dim, dim_name, mark`` (and ``date``).

        ``mark`` is present only for marked data; ``date`` only when :attr:`origin` is known.

        Examples
        --------
        >>> EventTimes([1.5], dim_names=["x"], end=2.0).to_frame().columns.tolist()
        ['time', 'dim', 'dim_name']
        """
        frame = pd.DataFrame(
            {
                "time": self._times,
                "dim": self._dims,
                "dim_name": pd.Categorical.from_codes(self._dims, categories=self._dim_names),
            }
        )
        if self._marks is not None:
            frame["mark"] = self._marks
        if self._origin is not None:
            frame["date"] = self._origin + pd.to_timedelta(self._times, unit=self._unit)
        return frame

    def __repr__(self) -> str:
        marks = "" if self._marks is None else f", {int((self._marks > 0).sum())} marked"
        return (
            f"EventTimes({self.n_events} events in {self.n_dims} dimensions on "
            f"[{self._start:g}, {self._end:g}]{marks})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EventTimes):
            return NotImplemented
        same_marks = (self._marks is None and other._marks is None) or (
            self._marks is not None
            and other._marks is not None
            and np.array_equal(self._marks, other._marks)
        )
        return (
            np.array_equal(self._times, other._times)
            and np.array_equal(self._dims, other._dims)
            and same_marks
            and self._start == other._start
            and self._end == other._end
            and self._dim_names == other._dim_names
        )

    __hash__ = None  # type: ignore[assignment]

    # ------------------------------------------------------------------ from events
    @classmethod
    def from_events(
        cls,
        table: EventTable,
        *,
        by: str | Callable[[pd.DataFrame], Any] | None = None,
        marks: str | Callable[[pd.DataFrame], Any] | None = None,
        origin: Any = None,
        unit: str = "D",
        start: Any = None,
        end: Any = None,
        dim_names: Sequence[str] | None = None,
        missing: str = "raise",
    ) -> EventTimes:
        """Build point-process data from an :class:`~sahelmodel.events.EventTable`.

        Parameters
        ----------
        table : EventTable
            The events.
        by : str or callable, optional
            What makes a dimension: ``None`` (one dimension), ``"dyad"``, ``"directed_dyad"``,
            ``"actor"``, any column name, or ``by(frame) -> labels`` (see the module docstring).
        marks : str or callable, optional
            A boolean or integer column (e.g. ``"capture"``) or ``marks(frame) -> values``.
        origin : date-like, optional
            The date of time 0; default the earliest event date (or ``start`` when given).
        unit : str, default "D"
            Unit of time.
        start, end : date-like, optional
            The observation window as dates. Default: ``origin`` and the last event's date plus
            one unit (the last day is observed in full).
        dim_names : sequence of str, optional
            Fix the dimensions and their order (dimensions without events are kept). Events
            whose label is not listed raise, or are dropped with ``missing="drop"``.
        missing : {"raise", "drop"}
            What to do with events whose label or mark is missing (e.g. a one-sided event when
            ``by="dyad"``) or whose label is not in ``dim_names``.

        Returns
        -------
        EventTimes

        Raises
        ------
        sahelmodel.events.EventDataError
            Naming the column and the first offending row when labels or marks are missing,
            marks are not integers, or events fall outside ``[start, end]``.

        Examples
        --------
        >>> from sahelmodel.events import EventTable
        >>> t = EventTable.from_records([
        ...     {"event_id": "a", "date": "2024-03-24", "actor1": "is_sahel", "actor2": "jnim",
        ...      "event_type": "battle", "fatalities": 5, "capture": True},
        ...     {"event_id": "b", "date": "2024-03-30", "actor1": "jnim", "actor2": "is_sahel",
        ...      "event_type": "battle", "fatalities": 2, "capture": False},
        ... ])
        >>> et = EventTimes.from_events(t, by="directed_dyad", marks="capture")
        >>> et.times.tolist(), et.dim_names, et.marks.tolist(), et.end
        ([0.0, 6.0], ('is_sahel|jnim', 'jnim|is_sahel'), [1, 0], 7.0)
        """
        from sahelmodel.events import EventDataError

        if missing not in ("raise", "drop"):
            raise ValueError(f"missing must be 'raise' or 'drop', got {missing!r}")
        frame = table.frame
        labels = _labels(frame, by).astype("string")  # labels compare as text
        keep = labels.notna().to_numpy().copy()
        mark_values = None
        if marks is not None:
            mark_series = _mark_values(frame, marks)
            keep &= mark_series.notna().to_numpy()
            mark_values = mark_series
        if dim_names is not None:
            names = [str(x) for x in dim_names]
            known = labels.isin(names).to_numpy()
        else:
            names = None
            known = np.ones(len(frame), dtype=bool)
        if missing == "raise":
            bad = ~keep | ~known
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                what = (
                    "the dimension label is missing"
                    if not labels.notna().iloc[i]
                    else "the mark is missing"
                    if not keep[i]
                    else f"label {labels.iloc[i]!r} is not in dim_names"
                )
                raise EventDataError(
                    f"{what} for event {frame['event_id'].iloc[i]!r} (table position {i}; "
                    f"{int(bad.sum())} such events); pass missing='drop' to leave them out",
                    column=by if isinstance(by, str) and by in frame.columns else None,
                )
        keep &= known
        all_dates = frame["date"]
        frame = frame.loc[keep]
        labels = labels[keep].astype(str)
        if names is None:
            names = sorted(labels.unique())
            if not names:
                names = ["all"] if by is None else []
        if not names:
            raise EventDataError("no events left to build any dimension from")
        dates = frame["date"]
        t0 = _as_day(origin) if origin is not None else (
            _as_day(start) if start is not None else (
                all_dates.min() if len(all_dates) else None
            )
        )
        if t0 is None:
            raise EventDataError("an empty table needs origin (or start) and end")
        step = pd.Timedelta(1, unit=unit)
        times = ((dates - t0) / step).to_numpy(dtype=float)
        start_t = 0.0 if start is None else (_as_day(start) - t0) / step
        if end is None:
            # the window is the table's, even when some events were dropped
            # the last day is observed in full, whatever the time unit
            end_t = ((all_dates.max() + pd.Timedelta(days=1) - t0) / step
                     if len(all_dates) else start_t)
        else:
            end_t = (_as_day(end) - t0) / step
        outside = (times < start_t) | (times > end_t)
        if outside.any():
            i = int(np.flatnonzero(outside)[0])
            raise EventDataError(
                f"{int(outside.sum())} events fall outside the window; first "
                f"{frame['event_id'].iloc[i]!r} on {dates.iloc[i]:%Y-%m-%d}",
                column="date",
            )
        code = pd.Categorical(labels, categories=names).codes.astype(np.int64)
        mark_arr = None
        if mark_values is not None:
            column = marks if isinstance(marks, str) else None
            try:
                raw = pd.to_numeric(mark_values[keep]).to_numpy(dtype=float)
            except (TypeError, ValueError):
                raise EventDataError(
                    "marks must be booleans or non-negative integers", column=column
                ) from None
            bad = (raw != np.round(raw)) | (raw < 0)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise EventDataError(
                    f"marks must be booleans or non-negative integers, got {raw[i]!r} for event "
                    f"{frame['event_id'].iloc[i]!r}",
                    column=column,
                )
            mark_arr = raw.astype(np.int64)
        return cls(
            times,
            dims=code,
            marks=mark_arr,
            start=start_t,
            end=end_t,
            dim_names=names,
            origin=t0,
            unit=unit,
        )


def _as_day(value: Any) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _labels(frame: pd.DataFrame, by: Any) -> pd.Series:
    """One dimension label (or missing) per row of ``frame``."""
    if by is None:
        return pd.Series("all", index=frame.index, dtype=object)
    if callable(by):
        values = by(frame)
        series = pd.Series(np.asarray(values, dtype=object), index=frame.index)
        if len(series) != len(frame):
            raise ValueError(f"by(frame) returned {len(series)} labels for {len(frame)} events")
        return series.where(series.notna(), None)
    if not isinstance(by, str):
        raise TypeError(f"by must be None, a column name or a callable, got {type(by).__name__}")
    a1 = frame["actor1"].astype(object)
    a2 = frame["actor2"].astype(object)
    both = a1.notna() & a2.notna()
    if by == "directed_dyad":
        out = a1.astype(str) + "|" + a2.astype(str)
        return out.where(both, None).astype(object)
    if by == "dyad":
        lo = np.where(a1.astype(str) <= a2.astype(str), a1.astype(str), a2.astype(str))
        hi = np.where(a1.astype(str) <= a2.astype(str), a2.astype(str), a1.astype(str))
        out = pd.Series(lo, index=frame.index, dtype=object) + "|" + hi
        return out.where(both, None).astype(object)
    if by == "actor":
        return a1.where(a1.notna(), None)
    if by not in frame.columns:
        raise ValueError(
            f"by={by!r} is neither one of {', '.join(_BY_SPECIAL)} nor an event column; columns "
            f"are {', '.join(frame.columns)}"
        )
    col = frame[by].astype(object)
    return col.where(col.notna(), None)


def _mark_values(frame: pd.DataFrame, marks: Any) -> pd.Series:
    if callable(marks):
        values = pd.Series(np.asarray(marks(frame), dtype=object), index=frame.index)
        if len(values) != len(frame):
            raise ValueError(f"marks(frame) returned {len(values)} values for {len(frame)} events")
        return values
    if not isinstance(marks, str) or marks not in frame.columns:
        raise ValueError(f"marks must be an event column name or a callable, got {marks!r}")
    return frame[marks].astype(object)
