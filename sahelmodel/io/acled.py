r"""Reader for ACLED (Armed Conflict Location & Event Data) exports.

Layouts read
------------
* the current layout (``event_id_cnty, event_date, ..., event_type, sub_event_type, actor1,
  assoc_actor_1, ..., actor2, assoc_actor_2, ..., fatalities, ...``) with its event types
  "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots"
  and "Strategic developments", both as exported 2019-2022 (numeric ``inter1/inter2`` codes)
  and from 2023 (text ``inter1/inter2`` such as "State forces", ``interaction`` as
  "State forces-Rebel group", ``disorder_type``, ``civilian_targeting``, ``tags``,
  ``timestamp``); columns the package does not use are read and ignored;
* the pre-2019 layout (upper- or lower-case column names, ``ally_actor_1``/``ally_actor_2``
  for associated actors) with its event types "Battle-No change of territory",
  "Battle-Government regains territory", "Battle-Non-state actor overtakes territory",
  "Remote violence", "Riots/Protests", "Violence against civilians", "Strategic development",
  "Headquarters or base established" and "Non-violent transfer of territory"; a message
  about a missing column names the layout the file was read as;
* "monadic" exports, in which an event appears once per actor: rows sharing an
  ``event_id_cnty`` and agreeing on date, time precision, event type, place (country,
  admin1, admin2, location, coordinates), fatalities and notes are merged into one event
  whose sides are the distinct actors in row order (the first is ``actor1``, the second
  ``actor2``, any further ones join ``assoc_actor2``). Rows sharing an id but disagreeing on
  any of those fields are duplicated ids: the later ones are rejected. A row identical to an
  earlier one in every column is a duplicated row, not another actor: it is rejected with
  the row it repeats.

The file may be a CSV file, a zip archive holding one CSV file, or an Excel ``.xlsx`` export
(first sheet; needs python-calamine, ``pip install 'sahelmodel[excel]'``). Dates are read as
``2024-03-24``, ``24 March 2024``, ``24 Mar 2024``, ``24-March-2024``, ``24-Mar-2024``,
``24-Mar-24``, ``24/03/2024`` (day first, as ACLED writes it), ``20240324``,
``2024-03-24 00:00:00``, Excel date cells, or Excel day numbers (``45375``). The format of the
first date is tried first, so a file written in any one of them is read in one pass. A date
outside 1677-2262 (pandas' range; often a typo in the year) rejects its row only.

Column mapping
--------------
``event_id_cnty`` → ``event_id``; ``event_date`` → ``date``; ``time_precision`` →
``date_precision``; ``country, admin1, admin2, location, latitude, longitude`` as named;
``actor1``/``actor2`` through the alias table and its rules (``actor*_raw`` keeps ACLED's
spelling); ``assoc_actor_1/2`` (``ally_actor_1/2``) → ``assoc_actor1/2``; ``fatalities``;
``notes``. ``directed`` is False (ACLED's actor order does not say who initiated an event),
``fatalities_low/high`` and ``type_of_violence`` are missing, ``source_dataset`` is ``acled``.

ACLED's terms of use forbid redistributing its data: the project ships no ACLED rows, and the
tests write their own rows in ACLED's layouts.

Examples
--------
>>> import io
>>> text = ("event_id_cnty,event_date,event_type,actor1,actor2,country,admin1,latitude,"
...         "longitude,fatalities,notes\n"
...         "BFO1,24 March 2024,Battles,Islamic State (Sahel),"
...         "JNIM: Group for Support of Islam and Muslims,Burkina Faso,Centre-Nord,13.1,-1.1,"
...         "0,Clash near Kaya\n")
>>> table = read_acled(io.StringIO(text))
>>> table.frame.loc[0, ["actor1", "actor2", "event_type"]].tolist()
['is_sahel', 'jnim', 'battle']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._validation import check_choice
from sahelmodel.coding.actors import normalise_name
from sahelmodel.events import EventTable
from sahelmodel.io._common import (
    ERRORS,
    PathOrFrame,
    Staging,
    check_columns,
    load_raw,
    lower_columns,
)
from sahelmodel.io._dates import EXCEL_SERIAL

__all__ = ["ACLED_EVENT_TYPES", "ACLED_PROVENANCE", "merge_monadic", "merge_monadic_slow",
           "read_acled"]

#: Licence, citation and home page of ACLED.
ACLED_PROVENANCE: dict[str, str] = {
    "name": "Armed Conflict Location & Event Data (ACLED)",
    "publisher": "ACLED",
    "home_page": "https://acleddata.com/",
    "licence": (
        "ACLED Terms of Use: free for non-commercial use with attribution; the data may not "
        "be redistributed"
    ),
    "citation": (
        "Raleigh, Clionadh, Andrew Linke, Håvard Hegre and Joakim Karlsen (2010). Introducing "
        "ACLED: An Armed Conflict Location and Event Dataset. Journal of Peace Research "
        "47(5): 651-660."
    ),
}

#: ACLED event types, current and pre-2019, mapped onto the package vocabulary.
ACLED_EVENT_TYPES: dict[str, str] = {
    "Battles": "battle",
    "Battle-No change of territory": "battle",
    "Battle-Government regains territory": "battle",
    "Battle-Non-state actor overtakes territory": "battle",
    "Explosions/Remote violence": "remote_violence",
    "Remote violence": "remote_violence",
    "Violence against civilians": "violence_against_civilians",
    "Protests": "protest_riot",
    "Riots": "protest_riot",
    "Riots/Protests": "protest_riot",
    "Strategic developments": "strategic_development",
    "Strategic development": "strategic_development",
    "Headquarters or base established": "strategic_development",
    "Non-violent transfer of territory": "strategic_development",
}

_TYPE_KEYS = {normalise_name(k): v for k, v in ACLED_EVENT_TYPES.items()}
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%d-%b-%y",
                 "%d/%m/%Y", "%Y%m%d", "%Y-%m-%d %H:%M:%S", EXCEL_SERIAL)
_LAYOUT_OF = {"ally_actor_1": "pre-2019 layout", "ally_actor_2": "pre-2019 layout",
              "assoc_actor_1": "current layout", "assoc_actor_2": "current layout"}
_RENAMES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
_REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1", "country", "latitude",
             "longitude", "fatalities")
#: Fields that must agree between the rows of one event in a monadic export.
_SAME_EVENT = ("date", "date_precision", "event_type", "country", "admin1", "admin2",
               "location", "latitude", "longitude", "fatalities", "notes")


def _sides(ids: pd.Series, actor1: pd.Series, assoc1: pd.Series, actor2: pd.Series,
           assoc2: pd.Series) -> pd.DataFrame:
    """Long table of the sides every row names: ``row, event, slot, name, assoc``."""
    n = len(ids)
    long = pd.DataFrame({
        "row": np.concatenate([np.arange(n), np.arange(n)]),
        "slot": np.repeat([0, 1], n),
        "event": pd.concat([ids, ids], ignore_index=True),
        "name": pd.concat([actor1, actor2], ignore_index=True),
        "assoc": pd.concat([assoc1, assoc2], ignore_index=True),
    })
    return long[long["name"].notna()].sort_values(["row", "slot"], kind="stable")


def merge_monadic(ids: pd.Series, actor1: pd.Series, assoc1: pd.Series, actor2: pd.Series,
                  assoc2: pd.Series) -> pd.DataFrame:
    """Merge the rows of each event id into one event's two sides (vectorised).

    Parameters
    ----------
    ids, actor1, assoc1, actor2, assoc2 : pandas.Series
        Aligned row values (raw names; ``assoc*`` are ``;``-joined), in file order.

    Returns
    -------
    pandas.DataFrame
        One row per event id in order of first appearance: ``event``, ``first_row`` (position
        of its first row), ``actor1``, ``assoc1``, ``actor2``, ``assoc2`` (raw names). The
        distinct actors in row order fill ``actor1`` then ``actor2``; further actors and their
        associates are appended to ``assoc2``.

    Examples
    --------
    >>> s = lambda *v: pd.Series(v, dtype="string")
    >>> out = merge_monadic(s("e1", "e1"), s("A", "B"), s(None, "C"), s(None, None),
    ...                     s(None, None))
    >>> out[["actor1", "actor2", "assoc2"]].values.tolist()
    [['A', 'B', 'C']]
    """
    ids = ids.reset_index(drop=True)
    first = ~ids.duplicated()
    events = pd.DataFrame({"event": ids[first].to_numpy(),
                           "first_row": np.flatnonzero(first.to_numpy())})
    if first.all():  # a dyadic export: one row per event, nothing to merge
        sides = {"actor1": actor1, "assoc1": assoc1, "actor2": actor2, "assoc2": assoc2}
        for col, values in sides.items():
            events[col] = values.reset_index(drop=True).astype("string")
        lone = (events["actor1"].isna() & events["actor2"].notna()).to_numpy()
        events.loc[lone, ["actor1", "assoc1"]] = events.loc[lone, ["actor2", "assoc2"]].to_numpy()
        same = (events["actor2"] == events["actor1"]).fillna(False).to_numpy()
        events.loc[lone | same, ["actor2", "assoc2"]] = pd.NA  # a row naming one actor twice
        for k in ("1", "2"):  # associates of a side without an actor are dropped
            events.loc[events[f"actor{k}"].isna().to_numpy(), f"assoc{k}"] = pd.NA
        return events
    long = _sides(ids, *(s.reset_index(drop=True) for s in (actor1, assoc1, actor2, assoc2)))
    long = long.drop_duplicates(["event", "name"], keep="first")
    long["rank"] = long.groupby("event", sort=False).cumcount()
    for k in (0, 1):
        part = long[long["rank"] == k].set_index("event")
        events[f"actor{k + 1}"] = events["event"].map(part["name"])
        events[f"assoc{k + 1}"] = events["event"].map(part["assoc"])
    extra = long[long["rank"] >= 2]
    if len(extra):
        order = np.arange(len(extra))
        pieces = pd.DataFrame({
            "event": np.concatenate([extra["event"].to_numpy(), extra["event"].to_numpy()]),
            "name": pd.concat([extra["name"], extra["assoc"]], ignore_index=True),
            "order": np.concatenate([2 * order, 2 * order + 1]),
        }).dropna(subset=["name"]).sort_values("order")
        joined = pieces.groupby("event", sort=False)["name"].agg(";".join)
        add = events["event"].map(joined)
        events["assoc2"] = events["assoc2"].where(
            add.isna(), events["assoc2"].fillna("").str.cat(add, sep=";").str.strip(";"))
    for col in ("actor1", "assoc1", "actor2", "assoc2"):
        events[col] = events[col].astype("string")
    return events


def merge_monadic_slow(ids: list[Any], actor1: list[Any], assoc1: list[Any], actor2: list[Any],
                       assoc2: list[Any]) -> pd.DataFrame:
    """Row-by-row reference implementation of :func:`merge_monadic` (for tests).

    Examples
    --------
    >>> merge_monadic_slow(["e"], ["A"], [None], ["B"], [None])["actor2"].tolist()
    ['B']
    """
    events: dict[Any, dict[str, Any]] = {}
    for i, event in enumerate(ids):
        rec = events.setdefault(event, {"event": event, "first_row": i, "sides": []})
        for name, assoc in ((actor1[i], assoc1[i]), (actor2[i], assoc2[i])):
            if name is None or name is pd.NA:
                continue
            if name not in [s[0] for s in rec["sides"]]:
                rec["sides"].append((name, assoc))
    rows = []
    for rec in events.values():
        sides = rec["sides"] + [(None, None)] * 2
        out = {"event": rec["event"], "first_row": rec["first_row"],
               "actor1": sides[0][0], "assoc1": sides[0][1],
               "actor2": sides[1][0], "assoc2": sides[1][1]}
        extra = []
        for name, assoc in rec["sides"][2:]:
            extra.append(name)
            if assoc is not None and assoc is not pd.NA:
                extra.append(assoc)
        if extra:
            head = [] if out["assoc2"] is None or out["assoc2"] is pd.NA else [out["assoc2"]]
            out["assoc2"] = ";".join(head + extra)
        rows.append(out)
    frame = pd.DataFrame(rows, columns=["event", "first_row", "actor1", "assoc1", "actor2",
                                        "assoc2"])
    frame["first_row"] = frame["first_row"].astype(np.int64)
    for col in ("actor1", "assoc1", "actor2", "assoc2"):
        frame[col] = frame[col].astype("string")
    return frame


def read_acled(
    path_or_frame: PathOrFrame, *, errors: str = "raise", encoding: str = "utf-8"
) -> EventTable:
    r"""Read an ACLED CSV export into an :class:`~sahelmodel.events.EventTable`.

    Parameters
    ----------
    path_or_frame : path, file object or pandas.DataFrame
        An ACLED export in the current or the pre-2019 layout, dyadic or monadic.
        Files may also be zip archives of one CSV file or ``.xlsx`` workbooks (see
        :mod:`sahelmodel.io`).
    errors : {"raise", "report"}
        ``"raise"``: the first bad row raises :class:`~sahelmodel.events.EventDataError`
        naming the file, the 1-based spreadsheet row, the column and what was expected.
        ``"report"``: bad rows are set aside and listed in ``table.report.rejected``.
    encoding : str
        Text encoding of the file.

    Returns
    -------
    EventTable
        One event per event id, in the canonical schema (see the module docstring). Rows of a
        monadic export merged into one event all count as kept, so
        ``n_read == n_kept + n_rejected`` while ``len(table)`` counts events.

    Raises
    ------
    EventDataError
        For file-level problems (empty file, wrong encoding, missing columns) whatever
        ``errors`` says, and for the first bad row when ``errors="raise"``.

    Notes
    -----
    A row is rejected when ``event_id_cnty`` is missing or repeats an id with different
    event fields, ``event_date`` is not a date, ``event_type`` is not an ACLED type,
    ``actor1`` is missing, ``fatalities`` is not a whole number >= 0, ``time_precision`` is
    not 1-3, or the coordinates are not numbers within [-90, 90] x [-180, 180].

    Examples
    --------
    >>> import io
    >>> text = ("EVENT_ID_CNTY,EVENT_DATE,EVENT_TYPE,ACTOR1,ALLY_ACTOR_1,ACTOR2,COUNTRY,"
    ...         "LATITUDE,LONGITUDE,FATALITIES\n"
    ...         "MLI9,12/05/2017,Remote violence,AQIM,Ansar Dine,Operation Barkhane,Mali,"
    ...         "16.2,-0.1,0\n")
    >>> row = read_acled(io.StringIO(text)).frame.iloc[0]
    >>> row["date"].date(), row["event_type"], row["actor2"]
    (datetime.date(2017, 5, 12), 'remote_violence', 'france')

    Ansar Dine had merged into JNIM on 2 March 2017, so a time rule of the alias table maps
    the associated actor to ``jnim``:

    >>> row["assoc_actor1"]
    'jnim'
    """
    check_choice("errors", errors, ERRORS)
    raw = load_raw(path_or_frame, encoding=encoding)
    layout = _layout(raw.frame)
    lower_columns(raw, _RENAMES, _LAYOUT_OF)
    name, _, detail = layout.partition(" (")
    check_columns(raw, _REQUIRED, layout=f"ACLED {name}")
    columns = set(raw.frame.columns)
    st = Staging(raw, "acled")
    st.messages.append(f"ACLED {name} layout{' (' + detail if detail else ''} read")
    out = st.out
    ids = st.text("event_id_cnty")
    st.required(ids, "event_id_cnty", "an event id")
    out["event_id"] = ids
    out["date"] = st.date("event_date", _DATE_FORMATS)
    out["date_precision"] = st.integer("time_precision" if "time_precision" in columns else None,
                                       minimum=1, maximum=3, what="a time precision 1-3")
    out["event_type"] = st.event_type(
        "event_type", _TYPE_KEYS, "an ACLED event type such as " + ", ".join(
            repr(k) for k in ("Battles", "Explosions/Remote violence",
                              "Violence against civilians", "Remote violence")))
    out["country"] = st.text("country")
    out["admin1"] = st.text("admin1")
    out["admin2"] = st.text("admin2")
    out["location"] = st.text("location")
    out["latitude"] = st.real("latitude", bound=90.0, what="a latitude in [-90, 90]")
    out["longitude"] = st.real("longitude", bound=180.0, what="a longitude in [-180, 180]")
    out["fatalities"] = st.integer("fatalities", required=True, minimum=0,
                                   what="a whole number of deaths >= 0")
    out["notes"] = st.text("notes")
    actor1, actor2 = st.text("actor1"), st.text("actor2")
    assoc1, assoc2 = st.text("assoc_actor_1"), st.text("assoc_actor_2")
    st.required(actor1, "actor1", "an actor name")
    _reject_repeated_rows(st, ids)
    _reject_conflicting_duplicates(st, ids)

    keep = st.ok
    kept_ids = ids[keep].reset_index(drop=True)
    merged = merge_monadic(kept_ids, actor1[keep], assoc1[keep], actor2[keep], assoc2[keep])
    take = np.flatnonzero(keep)[merged["first_row"].to_numpy()]
    events: dict[str, Any] = {
        k: v.iloc[take].reset_index(drop=True) for k, v in out.items() if isinstance(v, pd.Series)
    }
    events["directed"] = False
    for side in (1, 2):
        st.actors(side, merged[f"actor{side}"], merged[f"assoc{side}"], required=False,
                  column=f"actor{side}", target=events)
    shared = kept_ids.duplicated(keep=False)
    if shared.any():
        st.messages.append(
            f"{int(shared.sum())} rows of a monadic export merged into "
            f"{kept_ids[shared].nunique()} events by event_id_cnty"
        )
    frame = pd.DataFrame(events, index=pd.RangeIndex(len(merged)))
    return st.finish(errors, frame=frame)


def _layout(frame: pd.DataFrame) -> str:
    """Name of an export's column layout: pre-2019, current 2019-2022 or current 2023+."""
    lower = {str(c).strip().lower(): c for c in frame.columns}
    if "ally_actor_1" in lower or ("event_id_no_cnty" in lower and "assoc_actor_1" not in lower):
        return "pre-2019"
    inter = [frame[lower[c]] for c in ("inter1", "inter2") if c in lower]
    text_codes = any(
        col.astype(str).str.strip().str.contains(r"[A-Za-z]", regex=True).any() for col in inter
    )
    if text_codes or "civilian_targeting" in lower or "tags" in lower:
        return "current (2023+: text inter codes, civilian_targeting, tags)"
    return "current (2019-2022: numeric inter codes)"


def _reject_repeated_rows(st: Staging, ids: pd.Series) -> None:
    """Reject a row that repeats an earlier kept row in every column.

    A monadic export repeats an event once per actor, so its rows differ in the actor
    columns; a row identical to an earlier one is a duplicated row, not a second actor.
    """
    ok = st.ok
    if not ids[ok].duplicated().any():
        return
    frame = st.raw.frame.reset_index(drop=True)
    codes = pd.Series(pd.util.hash_pandas_object(frame, index=False).to_numpy()).where(ok)
    first = pd.Series(np.arange(st.n)).where(ok).groupby(codes).transform("min")
    pos = first.fillna(0).astype(np.int64).to_numpy()
    repeat = ok & codes.notna().to_numpy() & (pos != np.arange(st.n))
    if repeat.any():  # confirm the hash: the same text in every column
        values = frame.to_numpy(dtype=object)
        where = np.flatnonzero(repeat)
        repeat[where] = (values[where] == values[pos[where]]).all(axis=1)
    if repeat.any():
        reason = ("the row repeats row " + pd.Series(st.rows[pos]).astype(str)
                  + " exactly (a duplicated row, not another actor of a monadic event)"
                  ).to_numpy(dtype=object)
        st.reject(repeat, "event_id_cnty", ids, reason)


def _reject_conflicting_duplicates(st: Staging, ids: pd.Series) -> None:
    """Reject rows sharing an id with an earlier row but differing in an event field."""
    ok = st.ok
    if not ids[ok].duplicated().any():
        return
    keyed = ids.where(ok)
    first_pos = pd.Series(np.arange(st.n), index=ids.index).where(ok).groupby(keyed).transform(
        "min")
    dup = keyed.notna() & (first_pos != np.arange(st.n))
    pos = first_pos.fillna(0).astype(np.int64).to_numpy()
    for col in _SAME_EVENT:
        values = st.out[col].reset_index(drop=True)
        ref = values.iloc[pos].reset_index(drop=True)
        differs = dup.to_numpy() & ~(
            (values == ref).fillna(False).to_numpy() | (values.isna() & ref.isna()).to_numpy()
        )
        if differs.any():
            reason = ("duplicated event id whose " + col + " differs from row "
                      + pd.Series(st.rows[pos]).astype(str)).to_numpy(dtype=object)
            st.reject(differs, "event_id_cnty", ids, reason)
