r"""Reader for any CSV of events, given a mapping of its columns onto the canonical ones.

``read_events(path, columns={"id": "event_id", "day": "date", ...})`` renames the user's
columns to canonical names (:data:`sahelmodel.events.COLUMNS`); with ``columns=None`` the file
already uses canonical names, so the output of :meth:`EventTable.to_csv` reads back into an
identical table. Columns not mapped are ignored (and listed in the report's messages).

Parsing per canonical column
----------------------------
* required: ``event_id`` (unique), ``date`` (``2024-03-24``, ``2024-03-24 00:00:00`` or
  ``2024-03-24T00:00:00``), ``event_type`` (the package vocabulary
  :data:`~sahelmodel.events.EVENT_TYPES`, case and separators free, or an ACLED event type),
  ``actor1``;
* ``fatalities``: whole number >= 0 (0 when the column is absent, an error when a value is
  blank); ``fatalities_low/high`` likewise but may be blank; ``date_precision`` 1-5;
  ``type_of_violence`` 1-3; ``latitude``/``longitude`` within range; ``capture_weight`` >= 0;
* ``directed``, ``capture``: ``True/False`` (also ``1/0``, ``yes/no``);
* ``actor1``, ``actor2``, ``capturer``, ``captured_from`` (names or canonical ids) and
  ``assoc_actor1/2`` (``;``-joined) go through the alias table and its place/time rules;
  ``actor1_raw``/``actor2_raw`` are kept from the file when it has them, otherwise they are
  the names as written; ``actor*_kind`` always comes from the alias table;
* ``source_dataset`` is kept when the file has it, otherwise ``csv``.

Examples
--------
>>> import io
>>> text = "id,day,who,whom,kind,deaths\nk1,2024-03-24,IS Sahel,JNIM,Battle,0\n"
>>> table = read_events(io.StringIO(text), columns={"id": "event_id", "day": "date",
...     "who": "actor1", "whom": "actor2", "kind": "event_type", "deaths": "fatalities"})
>>> table.frame.loc[0, ["actor1", "actor2", "event_type", "source_dataset"]].tolist()
['is_sahel', 'jnim', 'battle', 'csv']
"""

from __future__ import annotations

from collections.abc import Mapping

from sahelmodel._validation import check_choice
from sahelmodel.coding.actors import normalise_name, resolve_actors
from sahelmodel.events import COLUMNS, EVENT_TYPES, EventDataError, EventTable
from sahelmodel.io._common import ERRORS, PathOrFrame, Staging, load_raw
from sahelmodel.io.acled import ACLED_EVENT_TYPES

__all__ = ["CSV_PROVENANCE", "read_events"]

#: Provenance of user CSV files: whatever the user says; recorded as ``csv``.
CSV_PROVENANCE: dict[str, str] = {
    "name": "user-supplied CSV of events",
    "publisher": "",
    "home_page": "",
    "licence": "as stated by the file's provider",
    "citation": "",
}

_TYPES = {
    **{normalise_name(k): v for k, v in ACLED_EVENT_TYPES.items()},
    **{normalise_name(e): e for e in EVENT_TYPES},
    "explosion": "remote_violence", "explosions": "remote_violence",
    "protest": "protest_riot", "riot": "protest_riot",
    "battles": "battle",
}
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
_REQUIRED = ("event_id", "date", "event_type", "actor1")


def _check_mapping(columns: Mapping[str, str] | None, header: list[str], source: str) -> dict:
    if columns is None:
        return {}
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns must be a mapping of file columns to canonical names, "
                        f"got {type(columns).__name__}")
    bad = [v for v in columns.values() if v not in COLUMNS]
    if bad:
        raise ValueError(f"columns maps onto names that are not canonical event columns: "
                         f"{bad}; expected names from sahelmodel.events.COLUMNS")
    targets = list(columns.values())
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise ValueError(f"columns maps several file columns onto {twice}")
    absent = [k for k in columns if k not in header]
    if absent:
        raise EventDataError(f"columns names file columns that are not in the file: {absent}",
                             source=source)
    return dict(columns)


def read_events(
    path_or_frame: PathOrFrame,
    *,
    columns: Mapping[str, str] | None = None,
    errors: str = "raise",
    encoding: str = "utf-8",
) -> EventTable:
    r"""Read any CSV of events (or a DataFrame) into an :class:`~sahelmodel.events.EventTable`.

    Parameters
    ----------
    path_or_frame : path, file object or pandas.DataFrame
        The events.
        Files may also be zip archives of one CSV file or ``.xlsx`` workbooks (see
        :mod:`sahelmodel.io`).
    columns : mapping, optional
        ``{file column: canonical column}``. ``None`` means the file already uses the
        canonical names (as :meth:`EventTable.to_csv` writes them).
    errors : {"raise", "report"}
        ``"raise"``: the first bad row raises :class:`~sahelmodel.events.EventDataError`
        naming the file, the 1-based spreadsheet row, the column and what was expected.
        ``"report"``: bad rows are set aside and listed in ``table.report.rejected``.
    encoding : str
        Text encoding of the file.

    Returns
    -------
    EventTable
        The events, with ``table.report`` accounting for every row.

    Raises
    ------
    EventDataError
        For file-level problems (empty file, wrong encoding, required columns missing after
        the mapping) whatever ``errors`` says, and for the first bad row when
        ``errors="raise"``.
    ValueError
        When ``columns`` maps onto names that are not canonical.

    Notes
    -----
    Rejected rows carry the file's own column name (not the canonical one) in the report.

    Examples
    --------
    >>> import io
    >>> text = "event_id,date,actor1,event_type,fatalities\na,2020-01-05,JNIM,battle,-1\n"
    >>> try:
    ...     read_events(io.StringIO(text))
    ... except EventDataError as err:
    ...     print(err)
    <stream>, row 2, column 'fatalities': expected a whole number of deaths >= 0 (got '-1')
    """
    check_choice("errors", errors, ERRORS)
    raw = load_raw(path_or_frame, encoding=encoding)
    mapping = _check_mapping(columns, list(raw.frame.columns), raw.source)
    if columns is None:
        mapping = {c: c for c in raw.frame.columns if c in COLUMNS}
    ignored = [c for c in raw.frame.columns if c not in mapping]
    back = {v: k for k, v in mapping.items()}  # canonical -> file column
    missing = [c for c in _REQUIRED if c not in back]
    if missing:
        listed = ", ".join(repr(c) for c in missing)
        how = "columns= maps no file column onto" if columns is not None else "missing"
        raise EventDataError(f"{how} required canonical column(s) {listed}",
                             source=raw.source)

    st = Staging(raw, "csv")
    if ignored:
        st.messages.append(f"columns not mapped, ignored: {', '.join(map(str, ignored))}")
    out = st.out

    def col(name: str) -> str | None:
        return back.get(name)

    ids = st.text(col("event_id"))
    st.required(ids, col("event_id"), "an event id")
    out["event_id"] = ids
    out["date"] = st.date(col("date"), _DATE_FORMATS)
    out["date_precision"] = st.integer(col("date_precision"), minimum=1, maximum=5,
                                       what="a date precision 1-5")
    out["event_type"] = st.event_type(col("event_type"), _TYPES,
                                      "one of " + ", ".join(EVENT_TYPES))
    for name in ("country", "admin1", "admin2", "location", "notes", "materiel"):
        out[name] = st.text(col(name))
    out["latitude"] = st.real(col("latitude"), bound=90.0, what="a latitude in [-90, 90]")
    out["longitude"] = st.real(col("longitude"), bound=180.0, what="a longitude in [-180, 180]")
    deaths = "a whole number of deaths >= 0"
    if col("fatalities") is None:
        out["fatalities"] = 0
    else:
        out["fatalities"] = st.integer(col("fatalities"), required=True, minimum=0, what=deaths)
    out["fatalities_low"] = st.integer(col("fatalities_low"), minimum=0, what=deaths)
    out["fatalities_high"] = st.integer(col("fatalities_high"), minimum=0, what=deaths)
    out["type_of_violence"] = st.integer(col("type_of_violence"), minimum=1, maximum=3,
                                         what="type_of_violence 1, 2 or 3")
    out["capture_weight"] = st.real(col("capture_weight"), what="a number")
    negative = (out["capture_weight"] < 0).to_numpy()
    if col("capture_weight") is not None:
        st.reject(negative, col("capture_weight"), st.text(col("capture_weight")),
                  "expected a capture weight >= 0")
    else:
        out["capture_weight"] = 0.0
    if col("directed") is not None:
        out["directed"] = st.boolean(col("directed"))
    else:
        out["directed"] = False
    out["capture"] = st.boolean(col("capture")) if col("capture") else False
    out["source_dataset"] = st.text(col("source_dataset"))

    actor1 = st.text(col("actor1"))
    st.required(actor1, col("actor1"), "an actor name")
    for side, names in ((1, actor1), (2, st.text(col("actor2")))):
        assoc = st.text(col(f"assoc_actor{side}")) if col(f"assoc_actor{side}") else None
        st.actors(side, names, assoc, required=False, column=col(f"actor{side}") or "")
        if col(f"actor{side}_raw") is not None:
            out[f"actor{side}_raw"] = st.text(col(f"actor{side}_raw"))
    ctx = {k: out[k] for k in ("country", "admin1", "date", "longitude", "latitude")}
    for name in ("capturer", "captured_from"):
        if col(name) is None:
            continue
        names = st.text(col(name))
        res = resolve_actors(names, source="csv", **ctx)
        out[name] = res["actor"]
        st.unknown_actors |= set(names[~res["known"].to_numpy()].dropna().astype(str))
    st.reject_duplicates(ids, col("event_id") or "event_id")
    return st.finish(errors)

