import numpy as np
import pandas as pd
import pytest

from sahelmodel.events import COLUMNS, EVENT_TYPES, EventDataError, EventTable, ReadReport


def _rec(**kw):
    base = {"event_id": "e1", "date": "2021-06-05", "actor1": "jnim", "actor2": "is_sahel",
            "event_type": "battle", "fatalities": 4}
    base.update(kw)
    return base


def test_schema_and_defaults():
    t = EventTable.from_records([_rec(), _rec(event_id="e0", date="2021-01-01")])
    f = t.frame
    assert list(f.columns) == list(COLUMNS)
    assert list(f["event_id"]) == ["e0", "e1"]  # sorted by date
    assert f["capture"].tolist() == [False, False]
    assert list(f["event_type"].cat.categories) == list(EVENT_TYPES)
    assert t.report.n_read == t.report.n_kept == 2


def test_frame_is_a_copy():
    t = EventTable.from_records([_rec()])
    f = t.frame
    f.loc[0, "fatalities"] = 99
    assert t.frame.loc[0, "fatalities"] == 4


@pytest.mark.parametrize(
    ("change", "column"),
    [({"fatalities": -1}, "fatalities"), ({"latitude": 95.0}, "latitude"),
     ({"longitude": -181.0}, "longitude"), ({"actor1": None}, "actor1")],
)
def test_invalid_rows_raise_naming_column(change, column):
    with pytest.raises(EventDataError) as info:
        EventTable.from_records([_rec(**change)])
    assert info.value.column == column
    assert column in str(info.value)


def test_duplicate_ids_rejected():
    with pytest.raises(EventDataError, match="more than once"):
        EventTable.from_records([_rec(), _rec()])


def test_unknown_event_type_is_missing_then_rejected():
    with pytest.raises(EventDataError, match="event_type"):
        EventTable.from_records([_rec(event_type="picnic")])


def test_subset_with_columns_and_concat():
    t = EventTable.from_records([_rec(), _rec(event_id="e2", actor1="vdp")])
    s = t.subset(t.frame["actor1"] == "vdp")
    assert len(s) == 1 and s.report.n_kept == 1
    w = t.with_columns(capture=pd.array([True, False], dtype="boolean"))
    assert w.frame["capture"].sum() == 1
    assert len(t.frame[t.frame["capture"]]) == 0  # original unchanged
    both = EventTable.concat([s, t.subset(t.frame["actor1"] == "jnim")])
    assert len(both) == 2
    with pytest.raises(ValueError, match="not canonical"):
        t.with_columns(foo=1)


def test_report_accounting_enforced():
    with pytest.raises(AssertionError):
        ReadReport(n_read=3, n_kept=1, n_rejected=1)


def test_error_message_names_place():
    err = EventDataError("expected a date", source="x.csv", row=7, column="date")
    assert str(err) == "x.csv, row 7, column 'date': expected a date"


def test_csv_round_trip(tmp_path):
    t = EventTable.from_records([_rec(latitude=12.5, longitude=-1.5, notes="a, \"quoted\" note")])
    path = tmp_path / "e.csv"
    t.to_csv(path)
    back = pd.read_csv(path)
    assert back.loc[0, "notes"] == 'a, "quoted" note'
    assert np.isclose(back.loc[0, "latitude"], 12.5)


@pytest.mark.parametrize("value", [2.7, -0.5, None, "many", float("inf")])
def test_fatalities_must_be_whole_non_negative_numbers(value):
    with pytest.raises(EventDataError, match="whole number >= 0") as info:
        EventTable.from_records([_rec(fatalities=value)])
    assert info.value.column == "fatalities"


def test_whole_float_fatalities_are_kept():
    assert EventTable.from_records([_rec(fatalities=3.0)]).frame["fatalities"].tolist() == [3]
