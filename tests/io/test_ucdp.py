"""UCDP GED reader: the shared Sahel file, both layouts, and every kind of bad input."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from sahelmodel import EventDataError, read_ucdp_ged
from sahelmodel.io import UCDP_GED_PROVENANCE

HEADER = ("id,date_start,type_of_violence,side_a,side_b,best,low,high,country,adm_1,adm_2,"
          "where_coordinates,latitude,longitude,date_prec,source_headline")
GOOD = [
    "1,2020-05-01,2,IS,JNIM,12,10,15,Mali,Gao region,,Tin-Tama,15.9,0.5,1,IS and JNIM clash",
    "2,2020-05-02,1,Government of Niger,IS,3,3,4,Niger,Diffa region,,Bosso,13.7,13.3,2,",
    "3,2020-05-03,3,JNIM,Civilians,1,1,1,Burkina Faso,Sahel region,,Djibo,14.1,-1.6,1,x",
]


def csv_text(*rows: str, header: str = HEADER) -> io.StringIO:
    stream = io.StringIO("\n".join([header, *rows]) + "\n")
    stream.name = "events.csv"
    return stream


@pytest.fixture(scope="module")
def sahel(ucdp_path):
    return read_ucdp_ged(ucdp_path)


def test_shared_file_reads_every_row_and_maps_every_actor(sahel, ucdp_path) -> None:
    rep = sahel.report
    assert (rep.n_read, rep.n_kept, rep.n_rejected) == (4383, 4383, 0)
    assert len(sahel) == 4383
    assert rep.unknown_actors == ()
    f = sahel.frame
    assert f["actor1"].notna().all() and f["actor2"].notna().all()
    assert f["actor1_kind"].notna().all() and f["actor2_kind"].notna().all()
    assert f["event_id"].is_unique
    assert set(f["source_dataset"]) == {"ucdp_ged"}
    assert not f["directed"].any()
    raw = pd.read_csv(ucdp_path, dtype=str, keep_default_na=False)
    assert f["type_of_violence"].value_counts().to_dict() == {1: 2589, 3: 1397, 2: 397}
    assert f["fatalities"].sum() == pd.to_numeric(raw["best_est"]).sum()
    assert f["fatalities_high"].sum() == pd.to_numeric(raw["high_est"]).sum()
    assert f["date"].min() == pd.Timestamp("1989-09-19")
    assert f["date"].max() == pd.Timestamp("2023-12-31")


def test_shared_file_is_filter_friendly_is_jnim_nonstate(sahel) -> None:
    f = sahel.frame
    pair = ((f["actor1"] == "is_sahel") & (f["actor2"] == "jnim")) | (
        (f["actor1"] == "jnim") & (f["actor2"] == "is_sahel"))
    sel = f[pair & (f["type_of_violence"] == 2) & f["date"].dt.year.between(2019, 2023)]
    assert len(sel) == 96
    assert sel["fatalities"].sum() == 1345
    assert sel["fatalities_high"].sum() == 1719
    assert sel.groupby(sel["date"].dt.year).size().to_dict() == {
        2019: 1, 2020: 32, 2021: 15, 2022: 28, 2023: 20}
    assert set(sel["country"]) == {"Burkina Faso", "Mali"}


def test_shared_file_islamic_state_split_by_place(sahel) -> None:
    f = sahel.frame
    is_raw = (f["actor1_raw"] == "IS") | (f["actor2_raw"] == "IS")
    diffa = (f["admin1"] == "Diffa region").fillna(False)
    assert (is_raw & diffa).sum() == 183
    sides = pd.concat([f.loc[is_raw & diffa, ["actor1", "actor1_raw"]].set_axis(["id", "raw"],
                                                                                 axis=1),
                       f.loc[is_raw & diffa, ["actor2", "actor2_raw"]].set_axis(["id", "raw"],
                                                                                axis=1)])
    assert set(sides.loc[sides["raw"] == "IS", "id"]) == {"iswap"}
    outside = is_raw & ~diffa
    sides = pd.concat([f.loc[outside, ["actor1", "actor1_raw"]].set_axis(["id", "raw"], axis=1),
                       f.loc[outside, ["actor2", "actor2_raw"]].set_axis(["id", "raw"], axis=1)])
    assert set(sides.loc[sides["raw"] == "IS", "id"]) == {"is_sahel"}
    assert (sides["raw"] == "IS").sum() == 945
    assert "islamic_state" not in set(f["actor1"]) | set(f["actor2"])


def test_shared_file_coalitions_and_headlines(sahel) -> None:
    f = sahel.frame
    coalition = f[f["actor2_raw"] == "CM-FPR, GATIA, MAA"]
    assert len(coalition) == 6
    assert set(coalition["actor2"]) == {"cm_fpr"}
    assert set(coalition["assoc_actor2"]) == {"gatia;maa"}
    assert f["notes"].notna().mean() > 0.5


def test_official_layout() -> None:
    table = read_ucdp_ged(csv_text(*GOOD))
    f = table.frame.set_index("event_id")
    assert f.loc["1", "actor1"] == "is_sahel" and f.loc["2", "actor2"] == "iswap"
    assert f.loc["3", "event_type"] == "violence_against_civilians"
    assert f.loc["1", "event_type"] == "battle" and f.loc["2", "event_type"] == "battle"
    assert f.loc["1", ["fatalities", "fatalities_low", "fatalities_high"]].tolist() == [12, 10, 15]
    assert f.loc["2", "date_precision"] == 2
    assert f.loc["1", "location"] == "Tin-Tama" and pd.isna(f.loc["2", "notes"])
    assert "export variant" not in " ".join(table.report.messages)


def test_export_variant_layout_with_us_dates_and_active_year() -> None:
    header = HEADER.replace("best,low,high", "best_est,low_est,high_est") + ",active_year"
    rows = [r.replace("2020-05-01", "05/01/2020 00:00:00") + ",True" for r in GOOD]
    f = read_ucdp_ged(csv_text(*rows, header=header)).frame.set_index("event_id")
    assert f.loc["1", "date"] == pd.Timestamp("2020-05-01")
    assert f.loc["1", "fatalities_high"] == 15


def test_dataframe_input_numbers_rows_like_a_file() -> None:
    frame = pd.read_csv(csv_text(*GOOD), dtype=str, keep_default_na=False)
    frame.loc[1, "best"] = "-4"
    with pytest.raises(EventDataError) as err:
        read_ucdp_ged(frame)
    assert (err.value.source, err.value.row, err.value.column) == ("<DataFrame>", 3, "best")


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        ("4,2020-13-01,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,1,", "date_start",
         "expected a date"),
        ("4,,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,1,", "date_start", "missing value"),
        ("4,2020-01-01,4,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,1,", "type_of_violence",
         "1, 2 or 3"),
        ("4,2020-01-01,1,Government of Mali,JNIM,-1,1,1,Mali,,,,14,-4,1,", "best", ">= 0"),
        ("4,2020-01-01,1,Government of Mali,JNIM,2.5,1,1,Mali,,,,14,-4,1,", "best", "whole"),
        ("4,2020-01-01,1,Government of Mali,JNIM,1,x,1,Mali,,,,14,-4,1,", "low", "whole"),
        ("4,2020-01-01,1,Government of Mali,JNIM,1,1,1,Mali,,,,95,-4,1,", "latitude", "[-90, 90]"),
        ("4,2020-01-01,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,east,1,", "longitude",
         "longitude"),
        ("4,2020-01-01,1,,JNIM,1,1,1,Mali,,,,14,-4,1,", "side_a", "actor"),
        ("4,2020-01-01,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,9,", "date_prec", "1-5"),
        ("1,2020-01-01,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,1,", "id",
         "first used on row 2"),
        (",2020-01-01,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,1,", "id", "missing"),
    ],
)
def test_bad_rows_raise_with_file_row_column(row: str, column: str, fragment: str) -> None:
    with pytest.raises(EventDataError) as err:
        read_ucdp_ged(csv_text(*GOOD, row))
    assert err.value.row == 5 and err.value.column == column
    assert err.value.source == "events.csv"
    assert fragment in str(err.value)
    table = read_ucdp_ged(csv_text(*GOOD, row), errors="report")
    rep = table.report
    assert (rep.n_read, rep.n_kept, rep.n_rejected) == (4, 3, 1)
    assert rep.rejected.iloc[0][["row", "column"]].tolist() == [5, column]
    assert len(table) == 3


def test_report_lists_every_bad_row_in_row_order() -> None:
    rows = [*GOOD,
            "4,2020-01-01,1,Government of Mali,JNIM,x,1,1,Mali,,,,14,-4,1,",
            "5,2020-01-01,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,1,",
            "6,bad,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,1,",
            "7,2020-01-01,1,Government of Mali",
            "8,2020-01-01,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,1,,extra"]
    rep = read_ucdp_ged(csv_text(*rows), errors="report").report
    assert rep.n_read == 8 and rep.n_kept == 4 and rep.n_rejected == 4
    assert rep.rejected["row"].tolist() == [5, 7, 8, 9]
    assert "truncated" in rep.rejected.loc[2, "reason"]
    assert rep.rejected.loc[2, "column"] == "side_b"
    assert "17 fields but the header has 16" in rep.rejected.loc[3, "reason"]
    with pytest.raises(EventDataError, match=r"row 5, column 'best'"):
        read_ucdp_ged(csv_text(*rows))


def test_rows_count_records_not_lines() -> None:
    quoted = '4,2020-01-01,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,1,"two\nlines"'
    bad = "5,2020-01-01,1,Government of Mali,JNIM,1,1,1,Mali,,,,14,-4,7,"
    with pytest.raises(EventDataError) as err:
        read_ucdp_ged(csv_text(*GOOD, quoted, bad))
    assert err.value.row == 6


def test_blank_lines_are_skipped_and_said() -> None:
    stream = io.StringIO("\n".join([HEADER, GOOD[0], "", GOOD[1], ""]) + "\n\n")
    table = read_ucdp_ged(stream)
    assert table.report.n_read == 2 and len(table) == 2
    assert any("blank" in m for m in table.report.messages)


def test_missing_columns_are_named() -> None:
    header = HEADER.replace("side_a,", "").replace("latitude,", "")
    rows = [r.split(",", 4)[0] for r in GOOD]
    with pytest.raises(EventDataError, match=r"'side_a', 'latitude'"):
        read_ucdp_ged(csv_text(*rows, header=header), errors="report")
    with pytest.raises(EventDataError, match="best"):
        read_ucdp_ged(csv_text(*GOOD, header=HEADER.replace("best,", "deaths,")))


def test_empty_and_header_only_files(tmp_path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(EventDataError, match=r"empty\.csv: the file is empty"):
        read_ucdp_ged(empty, errors="report")
    only = tmp_path / "header.csv"
    only.write_text(HEADER + "\n")
    table = read_ucdp_ged(only)
    assert len(table) == 0 and table.report.n_read == 0


def test_wrong_encodings(tmp_path) -> None:
    latin = tmp_path / "latin.csv"
    text = "\n".join([HEADER, *GOOD]).replace("Gao region", "Ménaka region") + "\n"
    latin.write_bytes(text.encode("cp1252"))
    with pytest.raises(EventDataError, match=r"byte 0xe9 on line 2 .*encoding='cp1252'"):
        read_ucdp_ged(latin)
    table = read_ucdp_ged(latin, encoding="cp1252")
    assert table.frame.set_index("event_id").loc["1", "admin1"] == "Ménaka region"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(text.encode("utf-16"))
    with pytest.raises(EventDataError, match="UTF-16"):
        read_ucdp_ged(utf16)
    bom = tmp_path / "bom.csv"
    bom.write_bytes(text.encode("utf-8-sig"))
    assert len(read_ucdp_ged(bom)) == 3


def test_repeated_header_column() -> None:
    with pytest.raises(EventDataError, match="'best' appears more than once"):
        read_ucdp_ged(csv_text(GOOD[0] + ",1", header=HEADER + ",best"))


def test_errors_argument_is_checked() -> None:
    with pytest.raises(ValueError, match="errors must be one of"):
        read_ucdp_ged(csv_text(*GOOD), errors="ignore")


def test_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="no such event file"):
        read_ucdp_ged(tmp_path / "nope.csv")


def test_provenance() -> None:
    assert UCDP_GED_PROVENANCE["licence"] == "CC BY 4.0"
    assert "Sundberg" in UCDP_GED_PROVENANCE["citation"]


def test_report_value_column_holds_the_raw_value() -> None:
    row = "4,2020-01-01,1,Government of Mali,JNIM,many,1,1,Mali,,,,14,-4,1,"
    rep = read_ucdp_ged(csv_text(*GOOD, row), errors="report").report
    assert rep.rejected.loc[0, "value"] == "many"
    assert np.issubdtype(rep.rejected["row"].dtype, np.integer)
