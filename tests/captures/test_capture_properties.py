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


# ---- the codebook's invariants ---------------------------------------------------------------
GROUPS = [("JNIM militants", "jnim"), ("Islamic State Sahel fighters", "is_sahel"),
          ("Malian soldiers", "military_mali"), ("VDP members", "vdp"),
          ("Dozo hunters", "dozo"), ("ISWAP fighters", "iswap")]
ARMS = [s for s, c in zip(SURFACES, materiel_lexicon()["class"], strict=True)
        if c not in ("vehicle", "motorcycle", "other_military_equipment")]
NEGATIONS = ["did not seize", "tried to seize", "attempted to loot", "failed to carry off",
             "were prevented from seizing", "could not take"]
CIVILIAN_GOODS = ["livestock", "cattle", "cash", "goods", "mobile phones", "food supplies",
                  "fuel", "belongings"]
UNRELATED = ["The region has seen repeated clashes since 2019.",
             "Fatalities are split across two events.",
             "Local sources reported the incident the next day.",
             "The road between the two towns has been closed for weeks."]
pair = st.tuples(st.sampled_from(range(len(GROUPS))), st.sampled_from(range(len(GROUPS)))).filter(
    lambda p: p[0] != p[1])
capture_note = st.builds(
    lambda t, m, k: t.replace("{m}", m).replace("{k}", str(k)),
    st.sampled_from([
        "{A} attacked {B} near Boni, killing {k} and seizing {m}.",
        "{A} ambushed {B} near Djibo and made off with {m}.",
        "{A} overran positions of {B} and carried off {m}.",
        "{A} seized {m} from {B} after a clash near Menaka.",
    ]),
    st.sampled_from(ARMS), st.integers(1, 40))


@given(pair, capture_note)
def test_exchanging_the_names_exchanges_the_direction(p, template):
    (na, a), (nb, b) = GROUPS[p[0]], GROUPS[p[1]]
    forward = parse_capture(template.replace("{A}", na).replace("{B}", nb), actor1=a, actor2=b)
    backward = parse_capture(template.replace("{A}", nb).replace("{B}", na), actor1=a, actor2=b)
    assert forward.capture and backward.capture
    assert (forward.capturer, forward.captured_from) == (a, b)
    assert (backward.capturer, backward.captured_from) == (b, a)
    assert forward.materiel == backward.materiel


@given(pair, capture_note, st.sampled_from(UNRELATED), st.booleans())
def test_an_unrelated_sentence_changes_nothing(p, template, extra, before):
    (na, a), (nb, b) = GROUPS[p[0]], GROUPS[p[1]]
    text = template.replace("{A}", na).replace("{B}", nb)
    longer = f"{extra} {text}" if before else f"{text} {extra}"
    r1 = parse_capture(text, actor1=a, actor2=b)
    r2 = parse_capture(longer, actor1=a, actor2=b)
    assert (r1.capture, r1.capturer, r1.captured_from, r1.materiel, r1.weight) == (
        r2.capture, r2.capturer, r2.captured_from, r2.materiel, r2.weight)


@given(pair, st.sampled_from(NEGATIONS), st.sampled_from(ARMS), st.sampled_from(TAILS))
def test_negations_and_attempts_are_never_captures(p, negation, item, tail):
    (na, a), (nb, b) = GROUPS[p[0]], GROUPS[p[1]]
    result = parse_capture(f"{na} {negation} {item} from {nb}{tail}.", actor1=a, actor2=b)
    assert not result.capture, result


@given(pair, st.sampled_from(["seized", "looted", "carried off", "stole", "took"]),
       st.sampled_from(CIVILIAN_GOODS), st.sampled_from(["villagers", "traders", "herders"]))
def test_civilian_goods_are_never_captures(p, verb, goods, victims):
    (na, a), _ = GROUPS[p[0]], GROUPS[p[1]]
    result = parse_capture(f"{na} attacked {victims} near Gao and {verb} their {goods}.",
                           actor1=a, actor2="civilians")
    assert not result.capture
    vehicles = parse_capture(f"{na} {verb} the motorbikes of {victims} near Gao.",
                             actor1=a, actor2="civilians")
    assert not vehicles.capture and vehicles.decision == "looting"
