"""Property tests: random malformed files never crash a reader, and rows are always accounted.

Each example builds a CSV text from a reader's layout with random damage: columns left out,
junk values (dates outside pandas' 1677-2262 range, whole numbers beyond 2**53 or with long
decimals, huge floats), mixed date formats, repeated ids, truncated and over-long rows, blank
lines, quoted newlines, a stray quote, a quote left unclosed at the start of any field, a
column repeated with its name in another case, bytes in another encoding; and DataFrames
holding typed junk (huge and infinite floats, out-of-range dates as objects). Whatever the
damage, the only exception allowed to escape is ``EventDataError``; with ``errors="report"``
every data record is either kept or listed as rejected (only problems of the whole file
raise); with ``errors="raise"`` a returned table rejected nothing.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelmodel import EventDataError, read_acled, read_events, read_ucdp_ged
from sahelmodel.events import EVENT_TYPES, EventTable

pytestmark = pytest.mark.properties

# (valid values, junk values) per column; a cell is junk with probability about 1/6.
DATES = (["2020-05-01", "2021-12-31", "2023-01-09"],
         ["05/01/2020 00:00:00", "1 May 2020", "01/05/2020", "2020-02-30", "yesterday", "",
          "2020-05-01T00:00:00", "1899-01-01", "99999-01-01", "3023-05-01", "0202-05-01",
          "0025-01-09", "24 March 3024", "16-Feb-21", "20210216", "44243"])
NUMBERS = (["0", "3", "12"], ["-1", "2.5", "1e3", "x", "", " 7 ", "NaN", "inf",
                              "9007199254740993", "2.0000000000000001", "1e20", "-0.0"])
COORDS = (["13.1", "-1.5", "0", "15.25"], ["95", "-181", "abc", "", "1e400"])
ACTORS = (["JNIM", "IS", "Government of Mali", "Civilians", "GATIA, MSA",
           "Islamic State (Sahel)", "Military Forces of Niger (2023-)"],
          ["Nobody at all", "", "X, Y", "ÉÈ", "IS; JNIM"])
TEXT = (["Mali", "Niger", "Diffa region", "Gao", "Ménaka"],
        ["", 'a "quoted", value', "two\nlines", "x" * 300])

LAYOUTS = {
    "ucdp": {
        "id": (["1", "2", "3", "4", "5", "6"], ["", "1"]),
        "date_start": DATES, "type_of_violence": (["1", "2", "3"], ["0", "4", "", "two"]),
        "side_a": ACTORS, "side_b": ACTORS, "best_est": NUMBERS, "low_est": NUMBERS,
        "high_est": NUMBERS, "country": TEXT, "adm_1": TEXT, "latitude": COORDS,
        "longitude": COORDS, "date_prec": (["1", "5"], ["6", "", "0"]), "source_headline": TEXT,
    },
    "acled": {
        "event_id_cnty": (["MLI1", "MLI2", "BFO3", "NIG4", "MLI5"], ["", "MLI1"]),
        "event_date": DATES,
        "event_type": (["Battles", "Remote violence", "Riots/Protests",
                        "Battle-No change of territory"], ["Fight", ""]),
        "actor1": ACTORS, "assoc_actor_1": (["", "Wagner Group; VDP"], ["Nobody; JNIM", ";"]),
        "actor2": ACTORS, "country": TEXT, "admin1": TEXT, "latitude": COORDS,
        "longitude": COORDS, "fatalities": NUMBERS, "time_precision": (["1", "3"], ["4", ""]),
        "notes": TEXT,
    },
    "generic": {
        "event_id": (["a", "b", "c", "d", "e", "f"], ["", "a"]), "date": DATES,
        "event_type": ([*EVENT_TYPES, "Battles"], ["fight", ""]), "actor1": ACTORS,
        "actor2": ACTORS, "fatalities": NUMBERS, "latitude": COORDS,
        "directed": (["True", "False", ""], ["maybe"]), "capture_weight": NUMBERS,
        "country": TEXT, "assoc_actor1": (["", "jnim;vdp"], ["Nobody", ";;"]),
    },
}
READERS = {"ucdp": read_ucdp_ged, "acled": read_acled, "generic": read_events}


@st.composite
def damaged_files(draw: st.DrawFn, layout: str) -> tuple[bytes, int]:
    """A damaged CSV file of ``layout`` and the number of non-blank data records in it."""
    pools = LAYOUTS[layout]
    names = list(pools)
    header = [n for n in names if draw(st.integers(0, 24)) > 0] or names[:1]
    if draw(st.integers(0, 9)) == 0:  # the same column again, its name in another case
        twin = draw(st.sampled_from(header))
        header = [*header, twin.upper() if twin != twin.upper() else twin.lower()]
    n_rows = draw(st.integers(0, 12))
    lines = []
    for _ in range(n_rows):
        row = [draw(st.sampled_from(pools[c.lower()][draw(st.integers(0, 5)) == 0]))
               for c in header]
        damage = draw(st.sampled_from(["none"] * 6 + ["truncate", "extend", "blank"]))
        if damage == "truncate" and len(row) > 1:
            row = row[: draw(st.integers(1, len(row) - 1))]
        elif damage == "extend":
            row = [*row, "extra"]
        elif damage == "blank":
            row = []
        lines.append(row)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in lines:
        if row:
            writer.writerow(row)
        else:
            out.write("\n")
    text = out.getvalue()
    if draw(st.integers(0, 19)) == 0:  # a stray quote somewhere
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + '"' + text[pos:]
    encoding = draw(st.sampled_from(["utf-8"] * 18 + ["cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    records = list(csv.reader(io.StringIO(text, newline="")))
    n_records = sum(1 for r in records[1:] if r)
    # a quote left open swallows lines into one record; the readers read those lines as
    # records of their own, so the count lies between the csv module's and the lines'
    n_lines = sum(1 for line in io.StringIO(text, newline="").readlines()[1:] if line.strip())
    return data, n_records, max(n_records, n_lines)


def _check(layout: str, data: bytes | pd.DataFrame, n_min: int,
           n_max: int | None = None) -> EventTable | None:
    reader = READERS[layout]
    n_max = n_min if n_max is None else n_max

    def source():
        return data if isinstance(data, pd.DataFrame) else io.BytesIO(data)

    try:
        table = reader(source(), errors="report")
    except EventDataError as err:
        # in report mode only problems of the whole file may raise, never one row's value
        assert err.row is None and err.column is None, str(err)
        table = None
    if table is not None:
        rep = table.report
        assert rep.n_read == rep.n_kept + rep.n_rejected
        assert n_min <= rep.n_read <= n_max
        assert len(rep.rejected) == rep.n_rejected
        assert rep.rejected["row"].is_unique
        if rep.n_rejected:
            lines = 0 if isinstance(data, pd.DataFrame) else data.count(b"\n")
            assert rep.rejected["row"].between(2, n_max + 1 + lines).all()
            assert rep.rejected["reason"].str.len().gt(0).all()
        assert len(table) <= rep.n_kept
        frame = table.frame
        assert (frame["fatalities"] >= 0).all()
        assert frame["event_id"].is_unique
        assert frame["actor1"].notna().all()
        dates = frame["date"]
        assert dates.isna().sum() == 0 and ((dates.dt.year >= 1677) & (dates.dt.year <= 2262)).all()
        assert (frame["fatalities"] < 2**53).all()
    try:
        strict = reader(source(), errors="raise")
    except EventDataError as err:
        assert str(err)
    else:
        assert strict.report.n_rejected == 0
        assert table is not None and len(strict) == len(table)
    return table


@given(damaged_files("ucdp"))
def test_ucdp_reader_on_damaged_files(case: tuple[bytes, int, int]) -> None:
    _check("ucdp", *case)


@given(damaged_files("acled"))
def test_acled_reader_on_damaged_files(case: tuple[bytes, int, int]) -> None:
    _check("acled", *case)


@given(damaged_files("generic"))
def test_generic_reader_on_damaged_files(case: tuple[bytes, int, int]) -> None:
    _check("generic", *case)


@st.composite
def unclosed_quote_files(draw: st.DrawFn) -> tuple[str, bytes, int, int]:
    """A file without quotes or line breaks in its values, then one quote opening any field."""
    layout = draw(st.sampled_from(sorted(LAYOUTS)))
    pools = LAYOUTS[layout]
    header = list(pools)
    n_rows = draw(st.integers(1, 12))
    rows = []
    for _ in range(n_rows):
        rows.append([draw(st.sampled_from([v for v in pools[c][draw(st.integers(0, 5)) == 0]
                                           if '"' not in v and "\n" not in v and "," not in v]
                                          or [""]))
                     for c in header])
    r = draw(st.integers(0, n_rows - 1))
    c = draw(st.integers(0, len(header) - 1))
    rows[r][c] = '"' + rows[r][c]
    text = ",".join(header) + "\n" + "".join(",".join(row) + "\n" for row in rows)
    return layout, text.encode(), r + 2, c


@settings(max_examples=40)
@given(unclosed_quote_files())
def test_unclosed_quote_anywhere_loses_no_line(case: tuple[str, bytes, int, int]) -> None:
    layout, data, row, _ = case
    table = _check(layout, data, data.count(b"\n") - 1)
    if table is None:  # a quote opening the header: a problem of the whole file
        return
    rep = table.report
    assert rep.n_read == data.count(b"\n") - 1  # every line is a row: kept or rejected
    if row - 2 < rep.n_read - 1:  # not the last line: the quote swallowed what followed
        assert row in rep.rejected["row"].tolist()
        reason = rep.rejected.set_index("row").loc[row, "reason"]
        assert "quote" in reason
    assert not table.frame["notes"].str.contains("\n").fillna(False).any()


_JUNK_CELLS = [1e20, -1e20, np.inf, np.nan, 2.5, 3.0, 2**53 + 1, None, "",
               _dt.date(3023, 5, 1), _dt.date(25, 1, 9), pd.Timestamp("2020-05-01"),
               "2.0000000000000001", "x"]


@st.composite
def junk_frames(draw: st.DrawFn) -> tuple[str, pd.DataFrame]:
    """A DataFrame in a reader's layout with typed junk: huge floats, far dates, objects."""
    layout = draw(st.sampled_from(sorted(LAYOUTS)))
    pools = LAYOUTS[layout]
    n_rows = draw(st.integers(0, 8))
    columns = {}
    for name in pools:
        if draw(st.integers(0, 3)) == 0:  # a column of typed junk
            columns[name] = [draw(st.sampled_from(_JUNK_CELLS)) for _ in range(n_rows)]
        else:
            columns[name] = [draw(st.sampled_from(pools[name][draw(st.integers(0, 5)) == 0]))
                             for _ in range(n_rows)]
    frame = pd.DataFrame(columns)
    for name in list(frame.columns):  # numeric columns as numbers, as a user's frame has them
        numeric = pd.to_numeric(frame[name], errors="coerce")
        if len(frame) and numeric.notna().all() and draw(st.booleans()):
            frame[name] = numeric
    return layout, frame


@settings(max_examples=40)
@given(junk_frames())
def test_readers_on_dataframes_with_typed_junk(case: tuple[str, pd.DataFrame]) -> None:
    layout, frame = case
    _check(layout, frame, len(frame))


CSV_TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\x00é')), max_size=60)


@given(CSV_TEXT)
def test_fast_field_counts_equal_the_csv_module(text: str) -> None:
    from sahelmodel.io._fields import field_counts_fast, field_counts_slow

    fast = field_counts_fast(text)
    try:
        slow = field_counts_slow(text)
    except csv.Error:
        assert fast is None
        return
    if fast is not None:
        assert fast.tolist() == slow.tolist()


@given(st.lists(st.lists(st.text(alphabet=st.sampled_from(list('ab ,"\n\r')), max_size=6),
                         min_size=1, max_size=4), max_size=6),
       st.sampled_from(["\n", "\r\n"]))
def test_fast_field_counts_cover_well_formed_files(rows: list, terminator: str) -> None:
    from sahelmodel.io._fields import field_counts_fast, field_counts_slow

    if terminator == "\n":  # the writer quotes a field only for its own terminator's characters
        rows = [[field.replace("\r", "\n") for field in row] for row in rows]
    out = io.StringIO()
    csv.writer(out, lineterminator=terminator).writerows(rows)
    text = out.getvalue()
    fast = field_counts_fast(text)
    assert fast is not None  # files written by a CSV writer take the vectorised path
    assert fast.tolist() == field_counts_slow(text).tolist()


@given(CSV_TEXT, st.integers(1, 7))
def test_fast_field_counts_in_small_blocks(text: str, block: int) -> None:
    # the block-by-block scan carries parity, previous byte and a pending CR across blocks
    from sahelmodel.io import _fields

    whole = _fields.field_counts_fast(text)
    saved = _fields.BLOCK
    _fields.BLOCK = block
    try:
        small = _fields.field_counts_fast(text)
    finally:
        _fields.BLOCK = saved
    assert (whole is None) == (small is None)
    if whole is not None:
        assert whole.tolist() == small.tolist()
