"""Auditing and correcting the capture coding: a review table out, a corrections file in.

Automatic coding is a first pass. A researcher who builds a paper on captures reads the cases
that matter (the captures themselves, the low-confidence ones, the looting set apart) and
fixes what the coder got wrong. This module supports that loop:

1. :func:`review_table` lists, per event with a capture clause, the decision
   (``capture``, ``looting``, ``hedged``, ``no_owner``), capturer, captured_from, materiel,
   confidence, what gave each side (``text:subject``, ``text:casualties``, ``event``, ...), the
   words naming them, a capture the same text reports the other way, and the evidence span;
   :func:`write_review` saves it as CSV for a spreadsheet.
2. The researcher writes a *corrections file*: a CSV with an ``event_id`` column and any of
   ``capture`` (true/false), ``capturer``, ``captured_from`` (actor ids or names, resolved with
   the alias table), ``materiel`` (``;``-joined classes of
   :data:`~sahelmodel.coding.MATERIEL_CLASSES`) and a free ``note``. A blank cell keeps the
   automatic value; ``capture = false`` removes a capture.
3. :func:`apply_corrections` (or ``code_captures(events, corrections=PATH)``) applies it over
   the automatic coding and returns the overrides, field by field, so that what was changed is
   on record.

Examples
--------
>>> import pandas as pd
>>> from sahelmodel.events import EventTable
>>> from sahelmodel.coding import code_captures
>>> t = EventTable.from_records([{"event_id": "e1", "date": "2022-05-01", "actor1": "jnim",
...     "actor2": "military_mali", "event_type": "battle", "fatalities": 3,
...     "notes": "JNIM militants attacked an army post and seized weapons."}])
>>> review_table(t)[["event_id", "decision", "capturer", "captured_from"]]
  event_id decision capturer  captured_from
0       e1  capture     jnim  military_mali
>>> fix = pd.DataFrame({"event_id": ["e1"], "materiel": ["assault_rifle"]})
>>> coded, overrides = apply_corrections(code_captures(t), fix)
>>> coded.frame.loc[0, "materiel"], overrides[["field", "automatic", "corrected"]].values.tolist()
('assault_rifle', [['materiel', 'unspecified_arms', 'assault_rifle']])
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from sahelmodel.coding._materiel import MATERIEL_CLASSES, materiel_lexicon
from sahelmodel.coding.actors import actor_id
from sahelmodel.coding.captures import capture_results
from sahelmodel.events import EventDataError, EventTable

__all__ = ["CORRECTION_COLUMNS", "apply_corrections", "read_corrections", "review_table",
           "write_review"]

#: Columns a corrections file may have (``event_id`` is required, the others optional).
CORRECTION_COLUMNS = ("event_id", "capture", "capturer", "captured_from", "materiel", "note")
_REVIEW_COLUMNS = [
    "event_id", "date", "country", "actor1", "actor2", "decision", "capture", "capturer",
    "captured_from", "materiel", "capture_weight", "confidence", "capturer_basis",
    "captured_from_basis", "capturer_text", "captured_from_text", "reverse_capturer",
    "reverse_captured_from", "evidence",
]
_TRUE = {"true", "1", "yes", "y", "t"}


def _blank(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)

_FALSE = {"false", "0", "no", "n", "f"}


def review_table(events: EventTable, *, all_events: bool = False) -> pd.DataFrame:
    """The coder's decision, sides, confidence and evidence for each event, for review.

    Parameters
    ----------
    events : EventTable
    all_events : bool
        Include events whose text has no capture clause (decision ``"none"``); by default only
        events with a capture clause are listed.

    Returns
    -------
    pandas.DataFrame
        One row per event: the columns listed in the module notes.
    """
    frame = events.frame
    results = capture_results(events)
    table = pd.DataFrame({
        "event_id": frame["event_id"],
        "date": frame["date"].dt.strftime("%Y-%m-%d"),
        "country": frame["country"],
        "actor1": frame["actor1"],
        "actor2": frame["actor2"],
        "decision": [r.decision for r in results],
        "capture": [r.capture for r in results],
        "capturer": [r.capturer for r in results],
        "captured_from": [r.captured_from for r in results],
        "materiel": [";".join(r.materiel) for r in results],
        "capture_weight": [r.weight for r in results],
        "confidence": [r.confidence for r in results],
        "capturer_basis": [r.capturer_basis for r in results],
        "captured_from_basis": [r.captured_from_basis for r in results],
        "capturer_text": [r.capturer_text for r in results],
        "captured_from_text": [r.captured_from_text for r in results],
        "reverse_capturer": [r.reverse_capturer for r in results],
        "reverse_captured_from": [r.reverse_captured_from for r in results],
        "evidence": [r.evidence for r in results],
    }, columns=_REVIEW_COLUMNS)
    if not all_events:
        table = table[table["decision"] != "none"].reset_index(drop=True)
    return table


def write_review(events: EventTable, path: str | Path, *, all_events: bool = False) -> Path:
    """Write :func:`review_table` to a CSV file; return its path."""
    path = Path(path)
    review_table(events, all_events=all_events).to_csv(path, index=False)
    return path


def read_corrections(corrections: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read and check a corrections file; return it with canonical values.

    Parameters
    ----------
    corrections : path or DataFrame
        CSV (or DataFrame) with an ``event_id`` column and any of ``capture``, ``capturer``,
        ``captured_from``, ``materiel``, ``note``.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`CORRECTION_COLUMNS`; ``capture`` as a nullable boolean, actor
        names resolved to ids, materiel classes checked; missing cells are ``pd.NA``.

    Raises
    ------
    EventDataError
        For a missing ``event_id`` column, an unknown column, a blank or repeated event id, a
        ``capture`` that is not true/false, or an unknown materiel class, naming the file,
        row (spreadsheet numbering) and column.
    """
    if isinstance(corrections, pd.DataFrame):
        raw, source = corrections.astype(object), "<corrections DataFrame>"
    else:
        source = str(corrections)
        raw = pd.read_csv(corrections, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    if "event_id" not in raw.columns:
        raise EventDataError("a corrections file needs an 'event_id' column", source=source,
                             column="event_id")
    unknown = [c for c in raw.columns if c not in CORRECTION_COLUMNS]
    if unknown:
        raise EventDataError(f"unknown column(s) {unknown}; a corrections file has "
                             f"{', '.join(CORRECTION_COLUMNS)}", source=source,
                             column=unknown[0])
    out = pd.DataFrame({c: pd.Series(pd.NA, index=raw.index, dtype=object)
                        for c in CORRECTION_COLUMNS})
    for col in raw.columns:
        out[col] = raw[col].astype(object).map(
            lambda v: pd.NA if _blank(v) or not str(v).strip() else str(v).strip()
        ).astype(object)
    classes = set(MATERIEL_CLASSES)
    for i, rec in enumerate(out.to_dict("records")):
        row = i + 2
        if _blank(rec["event_id"]):
            raise EventDataError("blank event id", source=source, row=row, column="event_id")
        if not _blank(rec["capture"]):
            low = str(rec["capture"]).lower()
            if low not in _TRUE | _FALSE:
                raise EventDataError(f"expected true or false, got {rec['capture']!r}",
                                     source=source, row=row, column="capture")
            out.at[i, "capture"] = low in _TRUE
        for side in ("capturer", "captured_from"):
            if not _blank(rec[side]):
                out.at[i, side] = actor_id(rec[side])
        if not _blank(rec["materiel"]):
            parts = [p.strip() for p in str(rec["materiel"]).split(";") if p.strip()]
            bad = [p for p in parts if p not in classes]
            if bad:
                raise EventDataError(
                    f"unknown materiel class {bad[0]!r}; expected ;-joined classes of "
                    f"{', '.join(MATERIEL_CLASSES)}",
                    source=source, row=row, column="materiel")
            out.at[i, "materiel"] = ";".join(dict.fromkeys(parts))
    dup = out["event_id"].duplicated(keep=False)
    if dup.any():
        first = out.index[dup][1]
        raise EventDataError(f"event {out.at[first, 'event_id']!r} is corrected twice",
                             source=source, row=int(first) + 2, column="event_id")
    out["capture"] = out["capture"].astype("boolean")
    return out


def _class_weights() -> dict[str, float]:
    """Weight of one unit of each class: its lightest lexicon entry."""
    lex = materiel_lexicon()
    return lex.groupby("class")["weight"].min().to_dict()


def apply_corrections(events: EventTable, corrections: str | Path | pd.DataFrame
                      ) -> tuple[EventTable, pd.DataFrame]:
    r"""Apply a corrections file over a coded table.

    Parameters
    ----------
    events : EventTable
        A table already coded by :func:`~sahelmodel.coding.code_captures`.
    corrections : path or DataFrame
        See :func:`read_corrections`.

    Returns
    -------
    table : EventTable
        The table with the corrections applied (the read report notes how many).
    overrides : pandas.DataFrame
        One row per changed field: ``event_id``, ``field``, ``automatic``, ``corrected``,
        ``note``.

    Notes
    -----
    ``capture = false`` clears the event's capture columns. A capture whose materiel is
    corrected (or that a correction adds) weighs :math:`\sum_c w_c`, one unit of each class
    :math:`c` at the weight of its lightest lexicon entry, since a corrections file gives
    classes, not counts. Corrections naming events absent from the table are reported in a
    warning, not applied.
    """
    fixes = read_corrections(corrections)
    frame = events.frame
    index = pd.Index(frame["event_id"].astype(str))
    missing = fixes.loc[~fixes["event_id"].isin(index), "event_id"].tolist()
    if missing:
        warnings.warn(f"{len(missing)} corrections name events not in the table (not applied): "
                      f"{', '.join(map(str, missing[:10]))}", UserWarning, stacklevel=2)
    weights = _class_weights()
    changes = []
    cols = {c: [None if _blank(v) else v for v in frame[c].astype(object)] for c in
            ("capture", "capturer", "captured_from", "materiel", "capture_weight")}
    position = {eid: i for i, eid in enumerate(index)}
    for rec in fixes[fixes["event_id"].isin(index)].to_dict("records"):
        i = position[rec["event_id"]]
        before = {c: cols[c][i] for c in cols}
        after = dict(before)
        if not _blank(rec["capture"]):
            after["capture"] = bool(rec["capture"])
        for c in ("capturer", "captured_from", "materiel"):
            if not _blank(rec[c]):
                after[c] = rec[c]
        if not after["capture"]:
            after.update(capturer=None, captured_from=None, materiel=None, capture_weight=0.0)
        elif after["materiel"] != before["materiel"] or not before["capture"]:
            classes = str(after["materiel"] or "").split(";")
            after["capture_weight"] = float(sum(weights.get(c, 0.0) for c in classes if c))
        for c in cols:
            old, new = before[c], after[c]
            if not (_blank(old) and _blank(new)) and old != new:
                changes.append({"event_id": rec["event_id"], "field": c, "automatic": old,
                                "corrected": new, "note": rec["note"]})
                cols[c][i] = new
    overrides = pd.DataFrame(changes, columns=["event_id", "field", "automatic", "corrected",
                                               "note"])
    table = events.with_columns(
        capture=pd.array(cols["capture"], dtype="boolean"),
        capturer=pd.array(cols["capturer"], dtype="string"),
        captured_from=pd.array(cols["captured_from"], dtype="string"),
        materiel=pd.array(cols["materiel"], dtype="string"),
        capture_weight=pd.to_numeric(pd.Series(cols["capture_weight"]), errors="coerce")
        .fillna(0.0).to_numpy(dtype=float),
    )
    n_events = overrides["event_id"].nunique()
    report = dataclasses.replace(table.report, messages=(
        *table.report.messages,
        f"capture coding corrected for {n_events} events ({len(overrides)} fields overridden)",
    ))
    return EventTable(table.frame, report=report), overrides
