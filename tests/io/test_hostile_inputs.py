"""Issue 14 items 1-5: inputs that used to crash the readers or lose rows silently.

Every case names the file, the row and the column (``EventDataError``) or is set aside in the
report with a reason; the rows around it are kept unchanged. The ACLED rows are written by
the tests in ACLED's layout (ACLED's licence forbids shipping real rows).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from sahelmodel import EventDataError, read_acled, read_events, read_ucdp_ged

UCDP = ("id,date_start,type_of_violence,side_a,side_b,best,country,latitude,longitude,"
        "source_headline")
ACLED = ("event_id_cnty,event_date,event_type,actor1,actor2,country,admin1,latitude,longitude,"
         "fatalities,notes")
GENERIC = "event_id,date,event_type,actor1,actor2,fatalities,notes"


def ucdp_row(i: int, date: str = "2020-05-01", notes: str = "clash", best: str = "3") -> str:
    return f"{i},{date},2,IS,JNIM,{best},Mali,15.9,0.5,{notes}"


def acled_row(i: int, date: str = "2021-02-16", notes: str = "clash", admin1: str = "Gao",
              fatalities: str = "3") -> str:
    return f"MLI{i},{date},Battles,JNIM,Islamic State (Sahel),Mali,{admin1},15.9,0.5," \
           f"{fatalities},{notes}"


def generic_row(i: int, date: str = "2020-05-01", notes: str = "clash") -> str:
    return f"e{i},{date},battle,jnim,is_sahel,3,{notes}"


READERS = {
    "ucdp": (read_ucdp_ged, UCDP, ucdp_row, "date_start", "source_headline"),
    "acled": (read_acled, ACLED, acled_row, "event_date", "notes"),
    "generic": (read_events, GENERIC, generic_row, "date", "notes"),
}


def stream(header: str, rows: list[str], name: str = "events.csv") -> io.StringIO:
    out = io.StringIO(header + "\n" + "".join(r + "\n" for r in rows))
    out.name = name
    return out


# -- item 1: one out-of-range date no longer loses the whole file -----------------------------
@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("date", ["3023-05-01", "0202-05-01", "0025-01-09", "2262-04-12"])
def test_out_of_range_date_is_one_rejected_row(reader, date):
    read, header, row, date_col, _ = READERS[reader]
    rows = [row(1), row(2, date=date), row(3)]
    with pytest.raises(EventDataError) as err:
        read(stream(header, rows))
    assert (err.value.source, err.value.row, err.value.column) == ("events.csv", 3, date_col)
    assert "outside the range 1677-09-22 to 2262-04-11" in str(err.value)
    table = read(stream(header, rows), errors="report")
    rep = table.report
    assert (rep.n_read, rep.n_kept, rep.n_rejected) == (3, 2, 1)
    assert rep.rejected.loc[0, "value"] == date
    assert table.frame["date"].dt.year.tolist() == [2020 if reader != "acled" else 2021] * 2


def test_acled_out_of_range_long_date():
    rows = [acled_row(1, date="24 March 3024"), acled_row(2, date="24 March 2024")]
    rep = read_acled(stream(ACLED, rows), errors="report").report
    assert rep.rejected["reason"].str.contains("outside the range").tolist() == [True]


# -- item 2: an unclosed quote no longer swallows the rest of the file ------------------------
@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("where", ["last", "middle"])
def test_unclosed_quote_sets_aside_one_line(reader, where):
    read, header, row, _, notes_col = READERS[reader]
    rows = [row(i) for i in range(1, 101)]
    if where == "last":
        rows[4] = row(5, notes='"oops, never closed')
        column = notes_col
    else:  # a quote opening the first field
        rows[4] = '"' + rows[4]
        column = header.split(",")[0]
    with pytest.raises(EventDataError) as err:
        read(stream(header, rows))
    assert (err.value.row, err.value.column) == (6, column)
    assert "not closed" in str(err.value)
    table = read(stream(header, rows), errors="report")
    rep = table.report
    assert (rep.n_read, rep.n_kept, rep.n_rejected) == (100, 99, 1)
    assert rep.rejected.loc[0, "row"] == 6
    assert not table.frame["notes"].str.contains("\n").any()


def test_quoted_line_breaks_are_still_values():
    rows = [ucdp_row(1, notes='"two\nlines"'), ucdp_row(2)]
    table = read_ucdp_ged(stream(UCDP, rows))
    assert table.frame["notes"].tolist() == ["two\nlines", "clash"]


def test_unclosed_quote_in_the_header():
    with pytest.raises(EventDataError, match="header row is never closed"):
        read_ucdp_ged(stream('"' + UCDP, [ucdp_row(1)]))


# -- item 3: headers differing only in case ---------------------------------------------------
@pytest.mark.parametrize(("read", "header", "row", "names"), [
    (read_ucdp_ged, UCDP + ",ID", ucdp_row(1) + ",7", ("'id'", "'ID'")),
    (read_acled, ACLED + ",NOTES", acled_row(1) + ",x", ("'notes'", "'NOTES'")),
    (read_acled, ACLED + ",ally_actor_1,assoc_actor_1", acled_row(1) + ",,",
     ("'ally_actor_1' (pre-2019 layout)", "'assoc_actor_1' (current layout)")),
])
def test_case_duplicated_headers_named(read, header, row, names):
    with pytest.raises(EventDataError) as err:
        read(stream(header, [row]))
    assert err.value.source == "events.csv"
    for name in names:
        assert name in str(err.value)
    assert "name the same field" in str(err.value)


def test_case_duplicated_headers_in_a_dataframe():
    frame = pd.read_csv(stream(UCDP, [ucdp_row(1)])).assign(ID=5)
    with pytest.raises(EventDataError, match="'id' and 'ID'"):
        read_ucdp_ged(frame)


# -- item 4: numbers are kept exactly or refused ----------------------------------------------
@pytest.mark.parametrize(("value", "kept"), [
    ("9007199254740993", None), ("2.0000000000000001", None), ("1e20", None),
    ("9007199254740991", 9007199254740991), ("3.000", 3), ("1e3", 1000), ("30E-1", 3),
])
def test_whole_numbers_exact_or_refused(value, kept):
    rows = [ucdp_row(1, best=value), ucdp_row(2)]
    table = read_ucdp_ged(stream(UCDP, rows), errors="report")
    if kept is None:
        assert table.report.rejected[["row", "column", "value"]].values.tolist() == [
            [2, "best", value]]
        with pytest.raises(EventDataError, match=r"row 2, column 'best'"):
            read_ucdp_ged(stream(UCDP, rows))
    else:
        assert int(table.frame["fatalities"].iloc[0]) == kept


@pytest.mark.parametrize("best", [1e20, 2.0**53, np.inf])
def test_dataframe_with_huge_float_is_a_row_error(best):
    frame = pd.read_csv(stream(UCDP, [ucdp_row(1), ucdp_row(2)]))
    frame["best"] = [3.0, best]
    with pytest.raises(EventDataError) as err:
        read_ucdp_ged(frame)
    assert (err.value.source, err.value.row, err.value.column) == ("<DataFrame>", 3, "best")


def test_dataframe_with_huge_integer_is_a_row_error():
    frame = pd.read_csv(stream(UCDP, [ucdp_row(1)]))
    frame["best"] = np.array([2**53 + 1], dtype=np.int64)
    rep = read_ucdp_ged(frame, errors="report").report
    assert rep.rejected["value"].tolist() == [str(2**53 + 1)]


# -- item 5: repeated ACLED rows ---------------------------------------------------------------
def test_exact_repeat_of_an_acled_row_is_rejected_and_said():
    rows = [acled_row(1), acled_row(2), acled_row(1)]
    table = read_acled(stream(ACLED, rows), errors="report")
    rej = table.report.rejected
    assert rej[["row", "column"]].values.tolist() == [[4, "event_id_cnty"]]
    assert "repeats row 2 exactly" in rej.loc[0, "reason"]
    assert len(table) == 2


def test_rows_of_one_id_differing_in_admin1_are_not_merged():
    rows = [acled_row(1, admin1="Gao"), acled_row(1, admin1="Kidal")]
    rep = read_acled(stream(ACLED, rows), errors="report").report
    assert rep.rejected["reason"].tolist() == ["duplicated event id whose admin1 differs from "
                                               "row 2"]
