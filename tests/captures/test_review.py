"""Auditing and correcting the coding: the review table, the corrections file, the command."""

import pandas as pd
import pytest

from sahelmodel import EventTable, code_captures
from sahelmodel.cli import main
from sahelmodel.coding import apply_corrections, read_corrections, review_table
from sahelmodel.events import EventDataError

NOTES = [
    ("e1", "jnim", "military_mali",
     "JNIM militants attacked an army post near Boni and seized weapons and two motorbikes."),
    ("e2", "unidentified_armed_group", "civilians",
     "Gunmen stopped a bus near Gao and seized the motorbikes of the passengers."),
    ("e3", "jnim", "military_mali", "JNIM militants attacked an army post near Hombori."),
    ("e4", "military_mali", "jnim",
     "Soldiers clashed with militants near Niono; weapons were seized or destroyed."),
]


@pytest.fixture
def table():
    return EventTable.from_records(
        {"event_id": i, "date": "2022-05-01", "event_type": "battle", "actor1": a1,
         "actor2": a2, "fatalities": 1, "notes": text, "country": "Mali"}
        for i, a1, a2, text in NOTES)


def test_review_table_lists_every_decision_with_its_evidence(table):
    review = review_table(table).set_index("event_id")
    assert list(review.index) == ["e1", "e2", "e4"]  # e3 has no capture clause
    assert review.loc["e1", "decision"] == "capture"
    assert (review.loc["e1", "capturer"], review.loc["e1", "captured_from"]) == (
        "jnim", "military_mali")
    assert review.loc["e1", "materiel"] == "unspecified_arms;motorcycle"
    assert review.loc["e1", "evidence"] == "seized weapons and two motorbikes"
    assert review.loc["e1", "capturer_basis"] == "text:subject"
    assert 0.5 < review.loc["e1", "confidence"] <= 1
    assert review.loc["e2", "decision"] == "looting" and not review.loc["e2", "capture"]
    assert review.loc["e4", "decision"] == "hedged"
    everything = review_table(table, all_events=True)
    assert len(everything) == len(table)
    assert everything.set_index("event_id").loc["e3", "decision"] == "none"


def test_corrections_override_and_are_reported(table):
    coded = code_captures(table)
    fixes = pd.DataFrame({
        "event_id": ["e1", "e4", "e2"],
        "capture": ["", "true", "false"],
        "captured_from": ["", "JNIM: Group for Support of Islam and Muslims", ""],
        "capturer": ["", "Military Forces of Mali (2021-)", ""],
        "materiel": ["assault_rifle;motorcycle", "unspecified_arms", ""],
        "note": ["rifles per the army statement", "confirmed seized", ""],
    })
    fixed, overrides = apply_corrections(coded, fixes)
    frame = fixed.frame.set_index("event_id")
    assert frame.loc["e1", "materiel"] == "assault_rifle;motorcycle"
    assert frame.loc["e1", "capturer"] == "jnim"  # blank keeps the automatic value
    assert bool(frame.loc["e4", "capture"])
    assert (frame.loc["e4", "capturer"], frame.loc["e4", "captured_from"]) == (
        "military_mali", "jnim")
    assert frame.loc["e4", "capture_weight"] == pytest.approx(0.5)
    assert not bool(frame.loc["e2", "capture"])  # was not a capture: nothing changes
    changed = set(zip(overrides["event_id"], overrides["field"], strict=True))
    assert ("e1", "materiel") in changed and ("e4", "capture") in changed
    assert not any(e == "e2" for e, _ in changed)
    assert "corrected for 2 events" in str(fixed.report)
    # the same through code_captures
    again = code_captures(table, corrections=fixes).frame.set_index("event_id")
    pd.testing.assert_frame_equal(again, frame)


def test_corrections_for_unknown_events_warn(table):
    with pytest.warns(UserWarning, match="not in the table"):
        apply_corrections(code_captures(table), pd.DataFrame({"event_id": ["zz"],
                                                              "capture": ["false"]}))


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"id": ["e1"]}), "needs an 'event_id' column"),
        (pd.DataFrame({"event_id": ["e1"], "colour": ["red"]}), "unknown column"),
        (pd.DataFrame({"event_id": ["e1"], "capture": ["maybe"]}), "expected true or false"),
        (pd.DataFrame({"event_id": ["e1"], "materiel": ["lasers"]}), "unknown materiel class"),
        (pd.DataFrame({"event_id": ["e1", "e1"]}), "corrected twice"),
        (pd.DataFrame({"event_id": [""]}), "blank event id"),
    ],
)
def test_bad_corrections_are_named(frame, message):
    with pytest.raises(EventDataError, match=message):
        read_corrections(frame)


def test_bad_correction_row_is_located_in_the_file(tmp_path):
    path = tmp_path / "fix.csv"
    path.write_text("event_id,capture\ne1,true\ne2,perhaps\n")
    with pytest.raises(EventDataError) as info:
        read_corrections(path)
    assert info.value.row == 3 and info.value.column == "capture"
    assert str(path) in str(info.value)


def test_command_line_review_and_corrections(table, tmp_path, capsys):
    events = tmp_path / "events.csv"
    table.to_csv(events)
    review, coded, fixes, overrides = (tmp_path / n for n in
                                       ("review.csv", "coded.csv", "fix.csv", "over.csv"))
    assert main(["code", str(events), "--format", "csv", "--review", str(review),
                 "--out", str(coded)]) == 0
    assert len(pd.read_csv(review)) == 3
    assert "1 of 4 events code an arms capture" in capsys.readouterr().out
    fixes.write_text("event_id,capture,note\ne1,false,not arms\n")
    assert main(["code", str(events), "--format", "csv", "--corrections", str(fixes),
                 "--overrides", str(overrides)]) == 0
    assert set(pd.read_csv(overrides)["field"]) >= {"capture", "capturer"}
    assert main(["code", str(events), "--corrections", str(tmp_path / "none.csv")]) == 2
    fixes.write_text("event_id,capture\ne1,perhaps\n")
    assert main(["code", str(events), "--corrections", str(fixes)]) == 2
    assert "column 'capture'" in capsys.readouterr().err
