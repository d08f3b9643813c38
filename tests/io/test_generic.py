"""read_events: column mappings, canonical files and the to_csv round trip."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from sahelmodel import EventDataError, EventTable, read_events, read_ucdp_ged

MAPPING = {"id": "event_id", "day": "date", "who": "actor1", "whom": "actor2",
           "kind": "event_type", "deaths": "fatalities", "place": "location",
           "lat": "latitude", "lon": "longitude", "nation": "country", "region": "admin1"}


def stream(text: str) -> io.StringIO:
    out = io.StringIO(text)
    out.name = "mine.csv"
    return out


def test_mapping_renames_and_resolves_actors() -> None:
    text = ("id,day,who,whom,kind,deaths,place,lat,lon,nation,region,extra\n"
            "k1,2023-09-27,Islamic State Sahel,JNIM,Battles,6,Kalamba,13.2,-0.9,Burkina Faso,"
            "Centre-Nord,x\n"
            "k2,2023-09-28,IS,Civilians,violence against civilians,1,Diffa,13.3,12.6,Niger,"
            "Diffa,y\n")
    table = read_events(stream(text), columns=MAPPING)
    f = table.frame.set_index("event_id")
    assert f.loc["k1", ["actor1", "actor2", "event_type"]].tolist() == ["is_sahel", "jnim",
                                                                        "battle"]
    assert f.loc["k2", ["actor1", "event_type"]].tolist() == ["iswap",
                                                              "violence_against_civilians"]
    assert f.loc["k1", "actor1_raw"] == "Islamic State Sahel"
    assert f.loc["k1", "fatalities"] == 6 and f.loc["k1", "location"] == "Kalamba"
    assert set(f["source_dataset"]) == {"csv"}
    assert any("extra" in m for m in table.report.messages)


def test_fatalities_default_and_optional_columns() -> None:
    text = "event_id,date,actor1,event_type\na,2020-01-05,JNIM,battle\n"
    f = read_events(stream(text)).frame
    assert f.loc[0, "fatalities"] == 0 and not f.loc[0, "capture"]
    assert f.loc[0, "capture_weight"] == 0.0


def test_round_trip_of_a_hand_made_table(tmp_path) -> None:
    table = EventTable.from_records([
        {"event_id": "k1", "date": "2024-03-24", "actor1": "is_sahel", "actor2": "jnim",
         "actor1_raw": "Islamic State (Sahel)", "event_type": "battle", "fatalities": 4,
         "fatalities_low": 3, "fatalities_high": 9, "latitude": 13.090001, "longitude": -1.08,
         "country": "Burkina Faso", "notes": 'Overran "positions", seized\nRPG-7s',
         "capture": True, "capturer": "is_sahel", "captured_from": "jnim",
         "materiel": "assault_rifle;rocket_launcher", "capture_weight": 2.5,
         "directed": True, "date_precision": 1, "assoc_actor2": "ansaroul_islam",
         "source_dataset": "csv"},
        {"event_id": "k2", "date": "2024-03-25", "actor1": "new_front", "event_type": "other",
         "fatalities": 0, "type_of_violence": 3, "source_dataset": "simulated"},
    ])
    path = tmp_path / "events.csv"
    table.to_csv(path)
    back = read_events(path)
    frame = table.frame.assign(
        actor1_kind=["jihadist_group", pd.NA], actor2_kind=["jihadist_group", pd.NA],
        actor2_raw=table.frame["actor2_raw"],
    )
    frame["actor1_kind"] = frame["actor1_kind"].astype("string")
    frame["actor2_kind"] = frame["actor2_kind"].astype("string")
    pd.testing.assert_frame_equal(back.frame, frame)
    assert back.report.unknown_actors == ("new_front",)


def test_round_trip_of_the_shared_file(ucdp_path, tmp_path) -> None:
    table = read_ucdp_ged(ucdp_path)
    path = tmp_path / "sahel.csv"
    table.to_csv(path)
    back = read_events(path)
    pd.testing.assert_frame_equal(back.frame, table.frame)
    assert back.report.n_rejected == 0


def test_dataframe_input() -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "day": pd.to_datetime(["2020-01-01", "2020-02-01"]),
                          "who": ["VDP", "Koglweogo"], "kind": ["battle", "battle"],
                          "deaths": [1, 2]})
    f = read_events(frame, columns={"id": "event_id", "day": "date", "who": "actor1",
                                    "kind": "event_type", "deaths": "fatalities"}).frame
    assert f["actor1"].tolist() == ["vdp", "koglweogo"]
    assert f["fatalities"].tolist() == [1, 2]


def test_bad_values_name_the_files_own_column() -> None:
    text = "id,day,who,kind,deaths\na,2020-01-05,JNIM,battle,1\nb,05.01.2020,JNIM,battle,1\n"
    mapping = {"id": "event_id", "day": "date", "who": "actor1", "kind": "event_type",
               "deaths": "fatalities"}
    with pytest.raises(EventDataError) as err:
        read_events(stream(text), columns=mapping)
    assert (err.value.source, err.value.row, err.value.column) == ("mine.csv", 3, "day")
    assert "2024-03-24" in str(err.value)


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        ("b,2020-01-05,JNIM,fight,1,,", "event_type", "battle, remote_violence"),
        ("b,2020-01-05,JNIM,battle,1,maybe,", "directed", "True or False"),
        ("b,2020-01-05,JNIM,battle,1,,-0.5", "capture_weight", ">= 0"),
        ("a,2020-01-05,JNIM,battle,1,,", "event_id", "first used on row 2"),
        ("b,2020-01-05,,battle,1,,", "actor1", "missing"),
        ("b,2020-01-05,JNIM,battle,,,", "fatalities", "missing"),
    ],
)
def test_bad_rows(line: str, column: str, fragment: str) -> None:
    text = ("event_id,date,actor1,event_type,fatalities,directed,capture_weight\n"
            "a,2020-01-05,JNIM,battle,1,False,0\n" + line + "\n")
    with pytest.raises(EventDataError) as err:
        read_events(stream(text))
    assert (err.value.row, err.value.column) == (3, column)
    assert fragment in str(err.value)
    rep = read_events(stream(text), errors="report").report
    assert (rep.n_read, rep.n_kept, rep.n_rejected) == (2, 1, 1)


def test_mapping_problems() -> None:
    text = "id,day\na,2020-01-01\n"
    with pytest.raises(ValueError, match="not canonical"):
        read_events(stream(text), columns={"id": "identifier"})
    with pytest.raises(ValueError, match="several file columns"):
        read_events(stream(text), columns={"id": "event_id", "day": "event_id"})
    with pytest.raises(EventDataError, match="not in the file: \\['when'\\]"):
        read_events(stream(text), columns={"when": "date"})
    with pytest.raises(EventDataError, match="'event_type', 'actor1'"):
        read_events(stream(text), columns={"id": "event_id", "day": "date"})
    with pytest.raises(TypeError, match="mapping"):
        read_events(stream(text), columns=["id"])  # type: ignore[arg-type]


def test_capturer_names_are_resolved() -> None:
    text = ("event_id,date,actor1,actor2,event_type,capture,capturer,captured_from\n"
            "a,2024-03-24,IS Sahel,JNIM,battle,yes,Islamic State (Sahel),GSIM\n")
    f = read_events(stream(text)).frame
    assert f.loc[0, ["capture", "capturer", "captured_from"]].tolist() == [True, "is_sahel",
                                                                          "jnim"]


def test_shipped_case_files_read_cleanly() -> None:
    from sahelmodel._paths import data_dir

    files = sorted((data_dir() / "cases").glob("*.csv"))
    assert files, "data/cases holds no CSV event records"
    for path in files:
        table = read_events(path)
        assert table.report.n_rejected == 0, path
        assert table.report.unknown_actors == (), path
        assert len(table) == table.report.n_read


def test_long_values_are_shortened_in_messages() -> None:
    text = "event_id,date,actor1,event_type\na," + "9" * 200 + ",JNIM,battle\n"
    with pytest.raises(EventDataError) as err:
        read_events(stream(text))
    assert "..." in str(err.value) and len(str(err.value)) < 250


def test_required_column_present_but_not_mapped() -> None:
    text = "event_id,date,actor1,event_type\na,2020-01-05,JNIM,battle\n"
    with pytest.raises(EventDataError, match=r"columns= maps no file column onto .*'date'"):
        read_events(stream(text), columns={"event_id": "event_id", "actor1": "actor1",
                                           "event_type": "event_type"})
    with pytest.raises(EventDataError, match=r"missing required canonical column.*'actor1'"):
        read_events(stream("event_id,date,event_type\na,2020-01-05,battle\n"))


def test_unknown_capturer_is_reported() -> None:
    text = ("event_id,date,actor1,event_type,capturer\n"
            "a,2024-03-24,JNIM,battle,Katiba Serma\n")
    table = read_events(stream(text))
    assert table.frame.loc[0, "capturer"] == "katiba_serma"
    assert table.report.unknown_actors == ("Katiba Serma",)
