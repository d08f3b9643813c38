"""Generic role words ("the attackers", "the assailants", "the raiders") name the attacker.

When the event is ``directed`` the attacker is ``actor1``, whatever its kind: a state force or a
militia that attacks and carries off weapons is the capturer. When it is not, the words refer
back to whoever the text says attacked ("Soldiers ... attacked JNIM positions. The attackers
made off with ..."); a text that says nothing about who attacked leaves the parties unknown
rather than guessing that attackers are militants.
"""

import pytest

from sahelmodel import EventTable, code_captures, parse_capture

ML, BF = "military_mali", "military_burkina_faso"

# (attacker words, attacker id, defender words, defender id)
ATTACKS = [
    ("Soldiers of the Malian army", ML, "JNIM positions", "jnim"),                 # state
    ("Military Forces of Burkina Faso", BF, "positions of JNIM militants", "jnim"),  # state
    ("VDP fighters", "vdp", "Islamic State Sahel militants", "is_sahel"),           # militia
    ("Dozo hunters", "dozo", "a JNIM camp", "jnim"),                                # militia
    ("JNIM militants", "jnim", "a Malian army post", ML),                           # jihadist
    ("Islamic State Sahel fighters", "is_sahel", "JNIM positions", "jnim"),         # jihadist
]
ROLE_WORDS = ["The attackers", "The assailants", "The raiders"]


def _note(att, dfd, role):
    return f"{att} attacked {dfd} near Boni, killing 5. {role} made off with assault rifles."


@pytest.mark.parametrize("role", ROLE_WORDS)
@pytest.mark.parametrize(("att", "a", "dfd", "d"), ATTACKS)
@pytest.mark.parametrize("directed", [True, False])
def test_role_word_is_the_attacker(att, a, dfd, d, role, directed):
    result = parse_capture(_note(att, dfd, role), actor1=a, actor2=d, directed=directed)
    assert result.capture and result.materiel == ["assault_rifle"]
    assert (result.capturer, result.captured_from) == (a, d)


@pytest.mark.parametrize(("att", "a", "dfd", "d"), ATTACKS)
def test_undirected_event_listed_defender_first(att, a, dfd, d):
    # the order of the event's actors says nothing when the event is not directed
    result = parse_capture(_note(att, dfd, "The attackers"), actor1=d, actor2=a, directed=False)
    assert (result.capturer, result.captured_from) == (a, d)


@pytest.mark.parametrize(
    ("a", "d"), [(ML, "jnim"), ("vdp", "is_sahel"), ("jnim", BF), ("koglweogo", "jnim")])
def test_directed_event_gives_the_attacker_whatever_its_kind(a, d):
    # the text does not say who attacked: the event's initiator does
    text = "Fighting broke out near Djibo. The assailants carried off two pick-up trucks."
    result = parse_capture(text, actor1=a, actor2=d, directed=True)
    assert (result.capturer, result.captured_from) == (a, d)
    assert result.capturer_basis.startswith("text")


@pytest.mark.parametrize(("a", "d"), [(ML, "jnim"), ("vdp", "is_sahel"), ("jnim", BF)])
def test_undirected_event_without_an_attacker_in_the_text_is_not_guessed(a, d):
    text = "Fighting broke out near Djibo. The assailants carried off two pick-up trucks."
    result = parse_capture(text, actor1=a, actor2=d, directed=False)
    assert result.capture
    assert (result.capturer, result.captured_from) == (None, None)


@pytest.mark.parametrize("directed", [True, False])
def test_role_word_as_the_loser(directed):
    text = ("Soldiers attacked a JNIM camp near Boni; JNIM repelled the attack and seized "
            "weapons from the attackers.")
    result = parse_capture(text, actor1=ML, actor2="jnim", directed=directed)
    assert (result.capturer, result.captured_from) == ("jnim", ML)


@pytest.mark.parametrize("directed", [True, False])
def test_passive_attack_names_the_attacker_after_by(directed):
    text = ("A JNIM camp was attacked by Malian soldiers near Boni. The attackers made off with "
            "motorbikes.")
    result = parse_capture(text, actor1=ML, actor2="jnim", directed=directed)
    assert (result.capturer, result.captured_from) == (ML, "jnim")


@pytest.mark.parametrize(
    ("text", "a", "d"),
    [("VDP fighters from a nearby village attacked IS Sahel militants near Djibo. The "
      "attackers made off with rifles.", "vdp", "is_sahel"),
     ("Soldiers launched a deadly attack on a JNIM camp; the raiders carried off motorbikes.",
      ML, "jnim"),
     ("After a new attack by JNIM on the village, Dozo hunters stormed a JNIM camp. The "
      "assailants took two pick-up trucks.", "dozo", "jnim")],
)
def test_the_last_attacker_named_before_the_role_word(text, a, d):
    result = parse_capture(text, actor1=d, actor2=a, directed=False)
    assert (result.capturer, result.captured_from) == (a, d)


def test_repelled_attack_is_not_an_attack_by_the_subject():
    # "repelled the attack" names the defender; "the attackers" stay the other side
    text = ("JNIM militants clashed with soldiers near Boni. The soldiers repelled the attack. "
            "The attackers fled with rifles.")
    result = parse_capture(text, actor1="jnim", actor2=ML, directed=True)
    assert (result.capturer, result.captured_from) == ("jnim", ML)


def test_table_coding_agrees_for_state_attackers():
    records = [
        {"event_id": f"e{i:03d}", "date": "2021-05-01", "event_type": "battle", "actor1": a,
         "actor2": d, "directed": directed, "fatalities": 5, "notes": _note(att, dfd, role)}
        for i, ((att, a, dfd, d), role, directed) in enumerate(
            (x, r, dr) for x in ATTACKS for r in ROLE_WORDS for dr in (True, False))
    ]
    coded = code_captures(EventTable.from_records(records)).frame.set_index("event_id")
    ids = [r["event_id"] for r in records]
    assert coded.loc[ids, "capture"].all()
    assert coded.loc[ids, "capturer"].tolist() == [r["actor1"] for r in records]
    assert coded.loc[ids, "captured_from"].tolist() == [r["actor2"] for r in records]
