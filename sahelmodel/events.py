"""The canonical event table that every reader and the simulator produce.

An :class:`EventTable` is an immutable wrapper around a pandas DataFrame with a fixed,
validated schema (:data:`COLUMNS`), plus the :class:`ReadReport` that accounts for every row of
the source it came from. Loading real data and simulating data end in the same container, so
"load → fit" and "simulate → fit" are one code path.

Schema
------
==================  ==================  ==================================================
column              dtype               meaning
==================  ==================  ==================================================
event_id            string              unique id within the table
date                datetime64[ns]      day of the event (midnight; day resolution)
date_precision      Int64               1 = exact day ... 5 = only the year is known
                                        (UCDP ``date_prec``; ACLED ``time_precision`` 1-3)
country             string              country name
admin1, admin2      string              first and second administrative units
location            string              place name
latitude            float64             WGS84 degrees in [-90, 90]
longitude           float64             WGS84 degrees in [-180, 180]
event_type          category            one of :data:`EVENT_TYPES`
actor1, actor2      string              canonical actor ids (actor2 missing when one-sided)
actor1_raw, ...     string              the names exactly as the source wrote them
actor1_kind, ...    string              actor kind from the alias table (:data:`ACTOR_KINDS`)
assoc_actor1/2      string              ``;``-joined canonical ids of actors on the same side
directed            boolean             True when actor1 is known to have initiated the event
fatalities          int64               best estimate of deaths, >= 0
fatalities_low/high Int64               low and high estimates where the source has them
type_of_violence    Int64               UCDP 1 state-based, 2 non-state, 3 one-sided
notes               string              free text (ACLED notes, UCDP headline)
source_dataset      string              ``acled``, ``ucdp_ged``, ``csv`` or ``simulated``
capture             boolean             an arms capture is reported (see ``code_captures``)
capturer            string              canonical id of the capturing actor, or missing
captured_from       string              canonical id of the actor that lost the materiel
materiel            string              ``;``-joined materiel classes found in the text
capture_weight      float64             capability weight of the materiel taken
==================  ==================  ==================================================

Examples
--------
>>> import pandas as pd
>>> from sahelmodel.events import EventTable
>>> table = EventTable.from_records([
...     {"event_id": "k1", "date": "2024-03-24", "actor1": "is_sahel", "actor2": "jnim",
...      "event_type": "battle", "country": "Burkina Faso", "fatalities": 0},
... ])
>>> len(table), table.frame.loc[0, "actor1"]
(1, 'is_sahel')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from sahelmodel.event_times import EventTimes

__all__ = [
    "ACTOR_KINDS",
    "COLUMNS",
    "EVENT_TYPES",
    "EventDataError",
    "EventTable",
    "ReadReport",
]

#: The event-type vocabulary shared by all sources.
EVENT_TYPES: tuple[str, ...] = (
    "battle",
    "remote_violence",
    "violence_against_civilians",
    "strategic_development",
    "protest_riot",
    "other",
)

#: Actor kinds used in the alias table ``data/actors.csv``.
ACTOR_KINDS: tuple[str, ...] = (
    "state_force",
    "jihadist_group",
    "militia",
    "armed_movement",
    "foreign_force",
    "civilians",
    "unidentified",
)

_STRING = "string"

#: Canonical columns and their pandas dtypes, in order.
COLUMNS: dict[str, str] = {
    "event_id": _STRING,
    "date": "datetime64[ns]",
    "date_precision": "Int64",
    "country": _STRING,
    "admin1": _STRING,
    "admin2": _STRING,
    "location": _STRING,
    "latitude": "float64",
    "longitude": "float64",
    "event_type": "category",
    "actor1": _STRING,
    "actor2": _STRING,
    "actor1_raw": _STRING,
    "actor2_raw": _STRING,
    "actor1_kind": _STRING,
    "actor2_kind": _STRING,
    "assoc_actor1": _STRING,
    "assoc_actor2": _STRING,
    "directed": "boolean",
    "fatalities": "int64",
    "fatalities_low": "Int64",
    "fatalities_high": "Int64",
    "type_of_violence": "Int64",
    "notes": _STRING,
    "source_dataset": _STRING,
    "capture": "boolean",
    "capturer": _STRING,
    "captured_from": _STRING,
    "materiel": _STRING,
    "capture_weight": "float64",
}

#: Columns that must be present and non-missing in every row.
REQUIRED: tuple[str, ...] = ("event_id", "date", "actor1", "event_type", "fatalities")

_DEFAULTS: dict[str, Any] = {
    "directed": False,
    "fatalities": 0,
    "capture": False,
    "capture_weight": 0.0,
    "source_dataset": "csv",
}


class EventDataError(ValueError):
    """Bad event data: names the file, the row, the column and what was expected.

    Rows are counted 1-based as a spreadsheet shows them, the header being row 1, so the first
    data row of a CSV file is row 2.

    Parameters
    ----------
    reason : str
        What was wrong and what was expected.
    source : str, optional
        The file (or ``"<DataFrame>"``).
    row : int, optional
        The 1-based spreadsheet row.
    column : str, optional
        The column name.
    """

    def __init__(
        self,
        reason: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.reason = reason
        self.source = source
        self.row = row
        self.column = column
        where = [
            part
            for part in (
                source,
                None if row is None else f"row {row}",
                None if column is None else f"column {column!r}",
            )
            if part
        ]
        super().__init__(f"{', '.join(where)}: {reason}" if where else reason)


@dataclass(frozen=True)
class ReadReport:
    """Account of every row read from a source.

    Attributes
    ----------
    source : str
        The file read, or ``"<DataFrame>"``.
    n_read : int
        Data rows in the source (header excluded).
    n_kept : int
        Rows that became (part of) events in the table.
    n_rejected : int
        Rows set aside; each is listed in :attr:`rejected`.
    rejected : pandas.DataFrame
        One line per rejected row: ``row`` (1-based spreadsheet row), ``column``, ``value``,
        ``reason``.
    unknown_actors : tuple of str
        Raw actor names not in the alias table; they keep a normalised id and are never dropped.
    messages : tuple of str
        Other notes about the read (for example rows of a monadic export merged into events).

    Notes
    -----
    ``n_read == n_kept + n_rejected`` always holds. Rows of a monadic ACLED export that are
    merged into one event all count as kept; ``len(table)`` gives the number of events.
    """

    source: str = "<DataFrame>"
    n_read: int = 0
    n_kept: int = 0
    n_rejected: int = 0
    rejected: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["row", "column", "value", "reason"])
    )
    unknown_actors: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.n_read != self.n_kept + self.n_rejected:
            raise AssertionError(
                f"row accounting broken for {self.source}: read {self.n_read} != kept "
                f"{self.n_kept} + rejected {self.n_rejected}"
            )

    def __str__(self) -> str:
        lines = [
            f"{self.source}: {self.n_read} rows read, {self.n_kept} kept, "
            f"{self.n_rejected} rejected"
        ]
        for rec in self.rejected.head(20).itertuples(index=False):
            lines.append(f"  row {rec.row}, column {rec.column!r}: {rec.reason}")
        if self.n_rejected > 20:
            lines.append(f"  ... and {self.n_rejected - 20} more (see .rejected)")
        if self.unknown_actors:
            lines.append(f"  {len(self.unknown_actors)} actor names not in the alias table")
        lines.extend(f"  {m}" for m in self.messages)
        return "\n".join(lines)


def _whole_non_negative(col: pd.Series, name: str) -> pd.Series:
    """``col`` as int64, refusing missing, fractional, negative or non-numeric values."""
    values = pd.to_numeric(col, errors="coerce").astype("float64")
    bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values))
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise EventDataError(
            f"expected a whole number >= 0, got {col.iloc[pos]!r} (index {pos})", column=name
        )
    return values.astype("int64")


def _coerce(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly the canonical columns, in order, with canonical dtypes."""
    n = len(frame)
    out: dict[str, Any] = {}
    for name, dtype in COLUMNS.items():
        if name in frame.columns:
            col = frame[name]
        elif name in _DEFAULTS:
            col = pd.Series([_DEFAULTS[name]] * n, index=frame.index)
        else:
            missing = np.nan if dtype == "float64" else None
            col = pd.Series([missing] * n, index=frame.index, dtype=object)
        if name == "date":
            col = pd.to_datetime(col).dt.normalize().astype("datetime64[ns]")
        elif name == "fatalities":
            col = _whole_non_negative(col, name)
        elif name == "event_type":
            bad = col.notna() & ~col.isin(EVENT_TYPES)
            if bad.any():
                raise EventDataError(
                    f"unknown event type {col[bad].iloc[0]!r}; expected one of "
                    f"{', '.join(EVENT_TYPES)}",
                    column="event_type",
                )
            col = pd.Series(pd.Categorical(col, categories=list(EVENT_TYPES)), index=col.index)
        else:
            col = col.astype(dtype)
        out[name] = col
    return pd.DataFrame(out).reset_index(drop=True)


def _validate(frame: pd.DataFrame) -> None:
    """Raise :class:`EventDataError` when a canonical frame breaks the schema's invariants."""
    for name in REQUIRED:
        missing = frame[name].isna()
        if missing.any():
            row = int(np.flatnonzero(missing.to_numpy())[0])
            raise EventDataError(f"required value is missing (index {row})", column=name)
    dup = frame["event_id"].duplicated()
    if dup.any():
        first = frame.loc[dup, "event_id"].iloc[0]
        raise EventDataError(f"event_id {first!r} occurs more than once", column="event_id")
    if (frame["fatalities"] < 0).any():
        raise EventDataError("fatalities must be >= 0", column="fatalities")
    for name, bound in (("latitude", 90.0), ("longitude", 180.0)):
        values = frame[name].to_numpy(dtype=float)
        bad = np.isfinite(values) & (np.abs(values) > bound)
        if bad.any():
            raise EventDataError(f"must lie in [-{bound:g}, {bound:g}]", column=name)


class EventTable:
    """A validated, immutable table of events in the canonical schema.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns named as in :data:`COLUMNS` (missing optional columns are filled with their
        defaults; extra columns are dropped). Required: ``event_id``, ``date``, ``actor1``,
        ``event_type``, ``fatalities``.
    report : ReadReport, optional
        The account of the read that produced the table.

    Notes
    -----
    The table is never changed in place: :attr:`frame` returns a copy, and methods that
    transform events return a new :class:`EventTable`.

    Examples
    --------
    >>> t = EventTable.from_records([{"event_id": "a", "date": "2020-01-05",
    ...     "actor1": "jnim", "actor2": "is_sahel", "event_type": "battle", "fatalities": 3}])
    >>> t.frame["fatalities"].sum()
    np.int64(3)
    """

    __slots__ = ("_frame", "_report")

    def __init__(self, frame: pd.DataFrame, report: ReadReport | None = None) -> None:
        canonical = _coerce(frame)
        _validate(canonical)
        self._frame = canonical.sort_values(["date", "event_id"], kind="stable").reset_index(
            drop=True
        )
        n = len(self._frame)
        self._report = report if report is not None else ReadReport(n_read=n, n_kept=n)

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, Any]], report: ReadReport | None = None
    ) -> EventTable:
        """Build a table from an iterable of dicts keyed by canonical column names."""
        return cls(pd.DataFrame(list(records)), report=report)

    @classmethod
    def concat(cls, tables: Iterable[EventTable]) -> EventTable:
        """Stack several tables (event ids must stay unique)."""
        frames = [t._frame for t in tables]
        if not frames:
            return cls(pd.DataFrame(columns=list(COLUMNS)))
        return cls(pd.concat(frames, ignore_index=True))

    @property
    def frame(self) -> pd.DataFrame:
        """The events as a DataFrame with the canonical columns (a copy)."""
        return self._frame.copy()

    @property
    def report(self) -> ReadReport:
        """The :class:`ReadReport` of the read that produced this table."""
        return self._report

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        if len(self) == 0:
            return "EventTable(0 events)"
        start, end = self._frame["date"].min(), self._frame["date"].max()
        sources = ", ".join(sorted(self._frame["source_dataset"].dropna().unique()))
        return (
            f"EventTable({len(self)} events, {start:%Y-%m-%d} to {end:%Y-%m-%d}, "
            f"{self.actors().size} actors, source: {sources})"
        )

    def actors(self) -> pd.Index:
        """Sorted canonical ids of every actor that appears as actor1 or actor2."""
        both = pd.concat([self._frame["actor1"], self._frame["actor2"]]).dropna()
        return pd.Index(np.sort(both.unique().astype(str)), name="actor")

    def subset(self, mask: Any) -> EventTable:
        """Return a new table with the rows selected by a boolean mask or index labels.

        Examples
        --------
        >>> t = EventTable.from_records([{"event_id": "a", "date": "2020-01-05",
        ...     "actor1": "jnim", "event_type": "battle", "fatalities": 0}])
        >>> len(t.subset(t.frame["actor1"] == "jnim"))
        1
        """
        selected = self._frame.loc[mask]
        n = len(selected)
        return EventTable(selected, report=ReadReport(self._report.source, n, n))

    def with_columns(self, **columns: Any) -> EventTable:
        """Return a new table with canonical columns replaced (keeps the read report)."""
        unknown = set(columns) - set(COLUMNS)
        if unknown:
            raise ValueError(f"not canonical event columns: {sorted(unknown)}")
        frame = self._frame.assign(**columns)
        return EventTable(frame, report=self._report)

    def to_csv(self, path: Any) -> None:
        """Write the canonical columns to CSV (readable again with ``read_events``)."""
        frame = self._frame.copy()
        frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
        frame.to_csv(path, index=False, lineterminator="\n")

    def to_event_times(self, **kwargs: Any) -> EventTimes:
        """Turn the events into point-process data (see :meth:`EventTimes.from_events`)."""
        from sahelmodel.event_times import EventTimes

        return EventTimes.from_events(self, **kwargs)
