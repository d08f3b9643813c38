"""Issue 10 item 5: ACLED exports as they come (dates, Excel workbooks, the 2023+ layout).

The rows are the tests' own, written in ACLED's column layouts; no ACLED text is used.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest

from sahelmodel import EventDataError, read_acled, read_ucdp_ged

LAYOUT_2023 = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]


def rows_2023(dates: list[object]) -> list[list[object]]:
    out = []
    for i, date in enumerate(dates):
        out.append([
            f"BFO{i + 1}", date, 2021, 1, "Political violence", "Battles", "Armed clash",
            "JNIM: Group for Support of Islam and Muslims", "", "Rebel group",
            "Military Forces of Burkina Faso (2015-2022)", "VDP", "State forces",
            "State forces-Rebel group", "Civilian targeting" if i % 2 else "", 854,
            "Western Africa", "Burkina Faso", "Sahel", "Soum", "Djibo", "Djibo", 14.1, -1.6, 1,
            "Local source", "Subnational", "Fighters attacked a post; weapons taken.",
            2 + i, "crowd size=no report; local administrators", 1700000000,
        ])
    return out


def csv_text(header: list[str], rows: list[list[object]]) -> io.StringIO:
    frame = pd.DataFrame(rows, columns=header)
    out = io.StringIO(frame.to_csv(index=False))
    out.name = "export.csv"
    return out


@pytest.mark.parametrize("date", ["16-Feb-21", "16 February 2021", "16 Feb 2021",
                                  "2021-02-16", "20210216", "16/02/2021", "16-February-2021"])
def test_a_file_in_any_accepted_date_format_is_read_whole(date):
    table = read_acled(csv_text(LAYOUT_2023, rows_2023([date] * 40)))
    rep = table.report
    assert (rep.n_read, rep.n_kept, rep.n_rejected) == (40, 40, 0)
    assert set(table.frame["date"]) == {pd.Timestamp("2021-02-16")}


def test_mixed_formats_and_a_bad_one():
    dates = ["16-Feb-21", "2021-02-17", "18 February 2021", "20210219", "Feb 20 2021"]
    rep = read_acled(csv_text(LAYOUT_2023, rows_2023(dates)), errors="report").report
    assert rep.rejected[["row", "value"]].values.tolist() == [[6, "Feb 20 2021"]]
    assert "24-Mar-24" in rep.rejected.loc[0, "reason"]  # the message lists the formats


def test_layout_2023_with_text_inter_codes_and_tags():
    table = read_acled(csv_text(LAYOUT_2023, rows_2023(["2021-02-16"] * 3)))
    assert any("2023+" in m for m in table.report.messages)
    f = table.frame
    assert f["actor1"].tolist() == ["jnim"] * 3
    assert f["fatalities"].tolist() == [2, 3, 4]
    assert f["notes"].iloc[0] == "Fighters attacked a post; weapons taken."


def test_pre_2019_layout_named_in_missing_column_message():
    text = ("EVENT_ID_CNTY,EVENT_DATE,EVENT_TYPE,ACTOR1,ALLY_ACTOR_1,COUNTRY,LATITUDE,"
            "LONGITUDE\nMLI1,12/05/2017,Remote violence,AQIM,,Mali,16.2,-0.1\n")
    with pytest.raises(EventDataError, match=r"'fatalities' \(expected the ACLED pre-2019 "
                                             r"layout\)"):
        read_acled(io.StringIO(text))


def workbook(path, dates: list[object], *, date_format: bool = True) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("export")
    fmt = book.add_format({"num_format": "dd-mmm-yy"})
    sheet.write_row(0, 0, LAYOUT_2023)
    for r, row in enumerate(rows_2023(dates), start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, fmt if date_format else None)
            elif value == "":
                continue
            else:
                sheet.write(r, c, value)
    book.close()


def test_xlsx_export_with_date_cells_and_day_numbers(tmp_path):
    pytest.importorskip("python_calamine")
    path = tmp_path / "export.xlsx"
    dates = [dt.datetime(2021, 2, 16), 44244, "2021-02-18", dt.datetime(2021, 2, 19)]
    workbook(path, dates)
    table = read_acled(path)
    assert table.frame["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2021-02-16", "2021-02-17", "2021-02-18", "2021-02-19"]
    assert table.frame["fatalities"].tolist() == [2, 3, 4, 5]
    assert table.report.source == str(path)


def test_xlsx_bad_cell_names_its_spreadsheet_row(tmp_path):
    pytest.importorskip("python_calamine")
    path = tmp_path / "export.xlsx"
    workbook(path, [dt.datetime(2021, 2, 16), "someday", dt.datetime(3023, 1, 1)])
    rep = read_acled(path, errors="report").report
    assert rep.rejected[["row", "column"]].values.tolist() == [[3, "event_date"],
                                                             [4, "event_date"]]


def test_zip_of_one_csv_is_read_and_two_are_refused(tmp_path):
    text = csv_text(LAYOUT_2023, rows_2023(["2021-02-16"] * 2)).getvalue()
    one, two = tmp_path / "one.zip", tmp_path / "two.zip"
    with zipfile.ZipFile(one, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("acled.csv", text)
    with zipfile.ZipFile(two, "w") as z:
        z.writestr("a.csv", text)
        z.writestr("b.csv", text)
    assert len(read_acled(one)) == 2
    with pytest.raises(EventDataError, match=r"exactly one \.csv"):
        read_ucdp_ged(two)
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(EventDataError, match="zip archive is damaged"):
        read_ucdp_ged(tmp_path / "bad.zip")
