"""Generated notes: the materiel in words, templates, and what the capture coder reads."""

from __future__ import annotations

import numpy as np

from sahelmodel import code_captures
from sahelmodel.simulate import DEFAULT_MATERIEL, World, compose_notes, describe_materiel
from sahelmodel.simulate.notes import group_phrases


def _q(**items):
    q = np.zeros((1, len(DEFAULT_MATERIEL)), dtype=int)
    classes = [m.cls for m in DEFAULT_MATERIEL]
    for k, v in items.items():
        q[0, classes.index(k)] = v
    return q


def test_describe_materiel_counts_articles_and_lists():
    assert describe_materiel(_q(rocket_launcher=1), DEFAULT_MATERIEL)[0] == "an RPG-7 launcher"
    assert describe_materiel(_q(assault_rifle=1), DEFAULT_MATERIEL)[0] == "an AK-47 assault rifle"
    assert describe_materiel(_q(machine_gun=1), DEFAULT_MATERIEL)[0] == "a PKM machine gun"
    text = describe_materiel(_q(assault_rifle=14, ammunition=1, vehicle=2), DEFAULT_MATERIEL)[0]
    assert text == "14 AK-47 assault rifles, two pick-up trucks and ammunition"
    assert describe_materiel(np.zeros((0, 8), int), DEFAULT_MATERIEL).size == 0


def test_group_phrases_by_kind():
    long, short = group_phrases(["JNIM", "VDP", "Military Forces of Mali"],
                                ["jihadist_group", "militia", "state_force"])
    assert long.tolist() == ["JNIM militants", "VDP fighters", "Military Forces of Mali"]
    assert short.tolist() == ["JNIM", "VDP", "Military Forces of Mali"]


def test_compose_notes_every_branch():
    n = 6
    notes = compose_notes(
        is_clash=np.array([True, True, True, True, False, False]),
        attacker_long=np.array(["JNIM militants"] * n, object),
        attacker_short=np.array(["JNIM"] * n, object),
        target_long=np.array(["VDP fighters"] * 4 + ["civilians"] * 2, object),
        target_short=np.array(["VDP"] * 4 + ["civilians"] * 2, object),
        place=np.array(["Djibo (Soum, Sahel)"] * n, object),
        fatalities=np.array([3, 0, 5, 0, 2, 0]),
        capture_by=np.array([0, 0, 1, 1, -1, -1]),
        items=np.array(["two motorbikes"] * n, object),
        rng=np.random.default_rng(1), decoy_share=0.0)
    assert all("two motorbikes" in t for t in notes[:4])
    assert "killing 3" in notes[0] and "No fatalities were reported." in notes[1]
    assert notes[2].endswith("VDP repelled the attack, killing 5, and seized two motorbikes "
                             "from JNIM.")
    assert notes[3].endswith("VDP repelled the attack and seized two motorbikes from JNIM.")
    assert notes[4] == "JNIM militants attacked civilians in Djibo (Soum, Sahel), killing 2."
    assert notes[5].endswith("No fatalities were reported.")
    assert compose_notes(is_clash=np.zeros(0, bool), attacker_long=notes[:0],
                         attacker_short=notes[:0], target_long=notes[:0],
                         target_short=notes[:0], place=notes[:0], fatalities=np.zeros(0),
                         capture_by=np.zeros(0), items=notes[:0],
                         rng=np.random.default_rng(0)).size == 0


def test_capture_coder_reads_the_generated_notes():
    """The capture coder finds the true captures in the notes with high recall and precision
    (the replicated version is in tests/statistical/test_end_to_end_captures.py)."""
    events, truth = World.default().run("2019-01-01", "2021-12-31", rng=21)
    coded = code_captures(events).frame.set_index("event_id")
    found = set(coded.index[coded["capture"].fillna(False).to_numpy(bool)])
    true = set(truth.captures["event_id"])
    assert len(true) > 50
    assert len(found & true) / len(true) >= 0.95
    assert len(found & true) / len(found) >= 0.95
    decoys = coded["notes"].str.contains("livestock|cache was destroyed")
    assert decoys.sum() > 20 and not coded.loc[decoys, "capture"].any()
