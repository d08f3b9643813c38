"""Property tests: random malformed files never crash a reader, and rows are always accounted.

Each example builds a CSV text from a reader's layout with random damage: columns left out,
junk values, mixed date formats, repeated ids, truncated and over-long rows, blank lines,
quoted newlines, a stray quote, bytes in another encoding. Whatever the damage, the only
exception allowed to escape is ``EventDataError``; with ``errors="report"`` every data record
is either kept or listed as rejected (only problems of the whole file raise); with
``errors="raise"`` a returned table rejected nothing.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahelmodel import EventDataError, read_acled, read_events, read_ucdp_ged
from sahelmodel.events import EVENT_TYPES

pytestmark = pytest.mark.properties

# (valid values, junk values) per column; a cell is junk with probability about 1/6.
DATES = (["2020-05-01", "2021-12-31", "2023-01-09"],
         ["05/01/2020 00:00:00", "1 May 2020", "01/05/2020", "2020-02-30", "yesterday", "",
          "2020-05-01T00:00:00", "1899-01-01", "99999-01-01"])
NUMBERS = (["0", "3", "12"], ["-1", "2.5", "1e3", "x", "", " 7 ", "NaN", "inf"])
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
    n_rows = draw(st.integers(0, 12))
    lines = []
    for _ in range(n_rows):
        row = [draw(st.sampled_from(pools[c][draw(st.integers(0, 5)) == 0])) for c in header]
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
    return data, n_records


def _check(layout: str, data: bytes, n_records: int) -> None:
    reader = READERS[layout]
    try:
        table = reader(io.BytesIO(data), errors="report")
    except EventDataError as err:
        # in report mode only problems of the whole file may raise, never one row's value
        assert err.row is None and err.column is None, str(err)
        table = None
    if table is not None:
        rep = table.report
        assert rep.n_read == rep.n_kept + rep.n_rejected
        assert rep.n_read == n_records
        assert len(rep.rejected) == rep.n_rejected
        assert rep.rejected["row"].is_unique
        if rep.n_rejected:
            assert rep.rejected["row"].between(2, n_records + 1 + data.count(b"\n")).all()
            assert rep.rejected["reason"].str.len().gt(0).all()
        assert len(table) <= rep.n_kept
        frame = table.frame
        assert (frame["fatalities"] >= 0).all()
        assert frame["event_id"].is_unique
        assert frame["actor1"].notna().all()
    try:
        strict = reader(io.BytesIO(data), errors="raise")
    except EventDataError as err:
        assert str(err)
    else:
        assert strict.report.n_rejected == 0
        assert table is not None and len(strict) == len(table)


@given(damaged_files("ucdp"))
def test_ucdp_reader_on_damaged_files(case: tuple[bytes, int]) -> None:
    _check("ucdp", *case)


@given(damaged_files("acled"))
def test_acled_reader_on_damaged_files(case: tuple[bytes, int]) -> None:
    _check("acled", *case)


@given(damaged_files("generic"))
def test_generic_reader_on_damaged_files(case: tuple[bytes, int]) -> None:
    _check("generic", *case)


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
