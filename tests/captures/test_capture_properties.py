"""Property tests: any text is coded without error, results are consistent, and the fast
table path agrees with the row-by-row reference on random mixtures of phrases."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahelmodel import EventTable, code_captures, materiel_lexicon, parse_capture
from sahelmodel.coding.captures import MATERIEL_CLASSES, code_captures_slow

pytestmark = pytest.mark.properties

SURFACES = materiel_lexicon()["surface"].tolist()
SUBJECTS = ["JNIM militants", "Soldiers", "The attackers", "IS Sahel fighters", "Gunmen",
            "VDP members", "Villagers", "Group 7 fighters", ""]
VERBS = ["seized", "made off with", "looted", "carried off", "recovered", "destroyed",
         "did not seize", "burned", "took", "were seen with", "captured", "tried to loot"]
TAILS = ["", " from the army", " from JNIM", " and burned them", " before fleeing",
         ", killing 4", " near Djibo", " belonging to the militants"]
ACTORS = [None, "jnim", "is_sahel", "military_mali", "vdp", "civilians", "group_7"]

phrase = st.builds(
    lambda s, v, n, m, t: f"{s} {v} {n}{m}{t}".strip() + ".",
    st.sampled_from(SUBJECTS), st.sampled_from(VERBS),
    st.sampled_from(["", "two ", "12 ", "no ", "a "]), st.sampled_from([*SURFACES, "livestock"]),
    st.sampled_from(TAILS),
)
note = st.lists(phrase, min_size=0, max_size=3).map(" ".join)


@given(st.text(max_size=300))
def test_any_text_is_coded_without_error(text):
    result = parse_capture(text)
    assert isinstance(result.capture, bool)


@given(note, st.sampled_from(ACTORS), st.sampled_from(ACTORS), st.booleans())
def test_results_are_consistent(text, actor1, actor2, directed):
    result = parse_capture(text, actor1=actor1, actor2=actor2, directed=directed)
    assert result.decision in ("capture", "looting", "hedged", "no_owner", "none")
    assert result.capture == (result.decision == "capture")
    if not result.capture:
        assert result.weight == 0 and result.confidence == 0
        if result.decision == "none":
            assert not result.materiel and not result.items and result.capturer is None
        return
    assert 0 < result.confidence <= 1
    assert result.materiel and set(result.materiel) <= set(MATERIEL_CLASSES)
    assert result.weight == pytest.approx(sum(it.weight for it in result.items))
    assert result.weight > 0
    assert list(dict.fromkeys(it.materiel_class for it in result.items)) == result.materiel
    assert result.capturer is None or result.capturer != result.captured_from
    assert result.evidence
    for it in result.items:
        assert it.count is None or it.count >= 1


@given(st.lists(st.tuples(note, st.sampled_from(ACTORS[1:]), st.sampled_from(ACTORS),
                          st.booleans()), min_size=1, max_size=12))
def test_fast_table_path_equals_reference(rows):
    table = EventTable.from_records(
        {"event_id": f"e{i}", "date": "2023-01-01", "event_type": "battle", "actor1": a1,
         "actor2": a2, "directed": d, "fatalities": 0, "notes": text}
        for i, (text, a1, a2, d) in enumerate(rows)
    )
    pd.testing.assert_frame_equal(code_captures(table).frame, code_captures_slow(table).frame)
