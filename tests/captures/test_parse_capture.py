"""Hand-written cases of each kind the coder must get right, positive and negative."""

import dataclasses

import pytest

from sahelmodel import parse_capture

KALAMBA_DESIGN = (
    "After Islamic State Sahel fighters overran JNIM positions at Kalamba near Kaya (Burkina "
    "Faso, 24 March 2024) and carried off Zastava M05E1 and M70AB2 rifles, Chinese Type 56 "
    "rifles, RPG-7 launchers and Bulgarian PG-7V rockets, how much more likely were further "
    "JNIM-IS clashes?"
)
KALAMBA_REPORT = (
    "ISIS militants launched a deadly attack on Al-Qaeda affiliated Jama'at Nusrat al-Islam "
    "wal-Muslimin (JNIM) militants in Kalamba, Kaya, capturing a substantial cache of "
    "military-grade weaponry, including Serbian Zastava M05E1 rifles, RPG-7 Launchers, "
    "Bulgarian PG-7V rockets, and Chinese Type 56 rifles."
)

BF, ML, NE = "military_burkina_faso", "military_mali", "military_niger"

# text, event actors (actor1, actor2, directed), expected (capturer, captured_from, materiel)
POSITIVE = [
    (KALAMBA_DESIGN, (None, None, False),
     ("is_sahel", "jnim", ["assault_rifle", "rocket_launcher", "rockets_ammunition"])),
    (KALAMBA_REPORT, (None, None, False),
     ("is_sahel", "jnim",
      ["unspecified_arms", "assault_rifle", "rocket_launcher", "rockets_ammunition"])),
    (KALAMBA_REPORT, ("is_sahel", "jnim", True),
     ("is_sahel", "jnim",
      ["unspecified_arms", "assault_rifle", "rocket_launcher", "rockets_ammunition"])),
    ("Security forces seized weapons from suspected militants", (BF, "jnim", False),
     (BF, "jnim", ["unspecified_arms"])),
    ("Security forces seized weapons from suspected militants", ("jnim", BF, False),
     (BF, "jnim", ["unspecified_arms"])),
    ("Militants attacked the base and made off with weapons, ammunition and vehicles",
     ("jnim", ML, False), ("jnim", ML, ["unspecified_arms", "ammunition", "vehicle"])),
    ("Militants attacked the base and made off with weapons, ammunition and vehicles",
     (ML, "jnim", False), ("jnim", ML, ["unspecified_arms", "ammunition", "vehicle"])),
    ("JNIM militants attacked positions of the Malian army near Boni, killing 12 and seizing "
     "assault rifles and two RPG-7 launchers", (None, None, False),
     ("jnim", ML, ["assault_rifle", "rocket_launcher"])),
    ("Soldiers recovered weapons abandoned by fleeing jihadists.", (NE, "is_sahel", False),
     (NE, "is_sahel", ["unspecified_arms"])),
    ("Gunmen looted a gendarmerie post and carted away two pick-up trucks and a PKM.",
     ("unidentified_armed_group", BF, False),
     ("unidentified_armed_group", BF, ["vehicle", "machine_gun"])),
    ("Weapons, ammunition and two pick-up trucks were looted from the gendarmerie post by "
     "JNIM.", ("jnim", BF, False), ("jnim", BF, ["unspecified_arms", "ammunition", "vehicle"])),
    ("Suspected JNIM militants took the weapons of the VDP members they killed.",
     ("jnim", "vdp", False), ("jnim", "vdp", ["unspecified_arms"])),
    ("IS claims seizing weapons from army in northern Mali", (ML, "is_sahel", False),
     ("is_sahel", ML, ["unspecified_arms"])),
    ("Soum Province: 13 terrorists neutralized, heavy weapons recovered", (BF, "is_sahel", False),
     (BF, "is_sahel", ["unspecified_arms"])),
    ("Militants burned the vehicles and made off with weapons", ("jnim", ML, False),
     ("jnim", ML, ["unspecified_arms"])),
    ("Militants overran the positions and seized weapons", ("is_sahel", "jnim", True),
     ("is_sahel", "jnim", ["unspecified_arms"])),
    ("VDP members captured two motorcycles and a Kalashnikov from the assailants.",
     ("vdp", "jnim", False), ("vdp", "jnim", ["motorcycle", "assault_rifle"])),
    ("JNIM displayed the spoils seized in the attack on the police station.",
     ("jnim", BF, True), ("jnim", BF, ["unspecified_arms"])),
    ("The attackers stole the soldiers' rifles.", ("jnim", NE, False),
     ("jnim", NE, ["unspecified_arms"])),
    ("JNIM released a video showing weapons captured from the army.", ("jnim", ML, False),
     ("jnim", ML, ["unspecified_arms"])),
    ("Gunmen on motorbikes seized two AK-47 rifles from the gendarmes.",
     ("unidentified_armed_group", BF, False), ("unidentified_armed_group", BF, ["assault_rifle"])),
    ("On 5 May 2022, JNIM militants attacked a FAMa post in Boni (Douentza, Mopti). Twelve "
     "soldiers were killed and the militants took weapons and two vehicles.",
     ("jnim", ML, False), ("jnim", ML, ["unspecified_arms", "vehicle"])),
    ("FAMa, supported by Wagner, neutralised 10 terrorists in Hombori and recovered war "
     "materiel including motorbikes, AK-47s and ammunition.", (ML, "jnim", True),
     (ML, "jnim", ["other_military_equipment", "motorcycle", "assault_rifle", "ammunition"])),
    ("VDP repelled an attack; the assailants abandoned weapons and motorbikes, which were "
     "recovered.", ("jnim", "vdp", True), ("vdp", "jnim", ["unspecified_arms", "motorcycle"])),
    # taken, then destroyed: a capture (the codebook)
    ("Security forces seized and destroyed an arms cache.", ("jnim", BF, False),
     (BF, "jnim", ["unspecified_arms"])),
    ("Soldiers seized weapons and burned them.", ("jnim", BF, False),
     (BF, "jnim", ["unspecified_arms"])),
    ("Militants looted the ammunition and then destroyed it.", ("jnim", BF, False),
     ("jnim", BF, ["ammunition"])),
]

# civilian property taken: looting, never an arms capture (the codebook)
LOOTING = [
    ("Gunmen robbed traders of their motorbikes near Djibo.",
     ("unidentified_armed_group", "civilians")),
    ("Wagner mercenaries and FAMa confiscated motorbikes from herders.", ("wagner", "civilians")),
    ("Armed men on motorbikes stole a motorbike from a trader.",
     ("unidentified_armed_group", "civilians")),
    ("Unknown gunmen attacked road users near the falls and seized two vehicles.",
     ("unidentified_armed_group", "civilians")),
    ("Suspected militants seized a vehicle belonging to an NGO working in the area.",
     ("jnim", "civilians")),
    ("Militants abducted a driver and seized his truck on the road to Gao.",
     ("jnim", "civilians")),
    ("The militants vandalised a motorcycle shop and seized six motorcycles.", ("jnim", ML)),
    ("Soldiers clashed with bandits and recovered looted vehicles.", (ML, "jnim")),
]

NEGATIVE = [
    "Militants seized livestock in Gorom-Gorom.",
    "Militants seized cattle and burned granaries.",
    "No weapons were seized during the raid.",
    "The attackers did not seize any weapons.",
    "The militants seized no weapons.",
    "Soldiers destroyed weapons and motorbikes belonging to the militants.",
    "Weapons were destroyed in the airstrike.",
    "Militants burned the vehicles and fled on motorbikes.",
    "JNIM took control of the town.",
    "Militants captured three soldiers.",
    "Armed men on motorbikes attacked the village, killing 12 civilians.",
    "Young men took up arms to defend the village.",
    "Militants tried to seize weapons but were repelled.",
    "Jihadists failed to loot the ammunition depot.",
    "Soldiers foiled an attempt by militants to loot the armoury.",
    "Armed men seize 2 army camps in northern Mali: officials",
    "Troops recovered the bodies of the soldiers.",
    "An ambush on a military convoy; three vehicles were burned.",
    "Attackers on motorbikes kill 32 Malian villagers, local officials say",
    "IS fighters fled on motorbikes after the clash.",
    "Militants killed 3 people and seized their livestock.",
    "Soldiers prevented the militants from seizing the weapons.",
    "Gunmen set fire to two trucks and a motorbike.",
    "Soldiers found an IED and defused it.",
    "The army discovered and destroyed three landmines near the road.",
    "The incident took place near Djibo; bodies were found near the road.",
    "JNIM took over the military camp.",
    "Protesters took to the streets after the attack.",
    "The attack caused material damages to the school.",
    "Gunmen stole ballot material from the polling station.",
    "Police seized machetes and knives from the youths.",
    "Airstrikes took out a stockpile of weapons near the border.",
    "",
    None,
]


@pytest.mark.parametrize(("text", "event", "expected"), POSITIVE)
def test_positive_cases(text, event, expected):
    actor1, actor2, directed = event
    result = parse_capture(text, actor1=actor1, actor2=actor2, directed=directed)
    assert result.capture
    assert (result.capturer, result.captured_from, result.materiel) == expected
    assert result.weight > 0
    assert result.evidence and result.evidence in " ".join(str(text).split())


@pytest.mark.parametrize("text", NEGATIVE)
def test_negative_cases(text):
    result = parse_capture(text, actor1="jnim", actor2=BF)
    assert not result.capture, result.evidence
    assert result.decision == "none", result
    assert result.weight == 0 and result.materiel == [] and result.capturer is None


@pytest.mark.parametrize(("text", "event"), LOOTING)
def test_civilian_property_is_looting_not_a_capture(text, event):
    result = parse_capture(text, actor1=event[0], actor2=event[1])
    assert not result.capture and result.decision == "looting", result
    assert result.weight == 0


def test_the_kalamba_materiel_items():
    result = parse_capture(KALAMBA_DESIGN)
    assert [it.name for it in result.items] == [
        "zastava_m05e1", "zastava_m70ab2", "type_56", "rpg_7", "pg_7v"]
    assert result.capturer_basis.startswith("text") and result.captured_from_basis.startswith(
        "text")
    assert result.weight == pytest.approx(1 + 1 + 1 + 3 + 0.5)


def test_counts_in_the_simulator_phrasing():
    result = parse_capture(POSITIVE[7][0])
    assert [(it.name, it.count, it.weight) for it in result.items] == [
        ("assault_rifle", None, 1.0), ("rpg_7", 2, 6.0)]
    assert result.weight == pytest.approx(7.0)
    assert result.capturer_text == "JNIM militants"
    assert result.captured_from_text == "Malian army"


def test_roles_without_event_actors():
    text = "Security forces seized weapons from suspected militants"
    result = parse_capture(text)
    assert result.capture and result.capturer is None and result.captured_from is None
    assert result.capturer_text == "Security forces"
    assert result.capturer_kind == "state_force"
    assert result.captured_from_text == "suspected militants"
    assert result.captured_from_kind is None  # "militants" fits several kinds
    with_country = parse_capture(text, country="Niger")
    assert with_country.capturer == NE and with_country.capturer_basis == "text:subject"
    assert with_country.capturer_text == "Security forces"
    assert with_country.capturer_kind == "state_force"
    assert with_country.captured_from_text == "suspected militants"


def test_nationality_names_the_state_force():
    result = parse_capture("Jihadists seized weapons from Burkinabe soldiers", actor1="jnim")
    assert (result.capturer, result.captured_from) == ("jnim", BF)


def test_event_fallback_when_text_names_nobody():
    text = "Weapons and a pick-up truck were taken."
    # directed: actor1 initiated, so it is the capturer
    directed = parse_capture(text, actor1="jnim", actor2=ML, directed=True)
    assert (directed.capturer, directed.captured_from) == ("jnim", ML)
    assert directed.capturer_basis == directed.captured_from_basis == "event"
    # undirected event between two non-state groups: the coder cannot know who took what
    undirected = parse_capture(text, actor1="jnim", actor2="is_sahel")
    assert undirected.capture and undirected.capturer is None and undirected.captured_from is None
    # one-sided event: no owner is named or implied
    single = parse_capture(text, actor1="jnim")
    assert not single.capture and single.decision == "no_owner"


def test_state_verbs_prefer_the_state_actor():
    result = parse_capture("An arms cache was discovered near Menaka.", actor1="is_sahel",
                           actor2=ML)
    assert (result.capturer, result.captured_from) == (ML, "is_sahel")


def test_ambiguous_role_between_two_armed_groups():
    text = "Militants overran the positions and seized weapons"
    result = parse_capture(text, actor1="is_sahel", actor2="jnim", directed=False)
    assert result.capture and result.capturer is None and result.captured_from is None
    named_loser = parse_capture("Militants seized weapons from JNIM", actor1="is_sahel",
                                actor2="jnim")
    assert (named_loser.capturer, named_loser.captured_from) == ("is_sahel", "jnim")


def test_islamic_state_mention_follows_the_event_branch():
    result = parse_capture("Islamic State fighters looted two pick-up trucks from the army",
                           actor1="iswap", actor2="military_nigeria")
    assert (result.capturer, result.captured_from) == ("iswap", "military_nigeria")


def test_kinds_given_explicitly_override_the_alias_table():
    result = parse_capture("Soldiers seized weapons from the rebels", actor1="new_front",
                           actor2="gov_x", actor1_kind="armed_movement",
                           actor2_kind="state_force")
    assert (result.capturer, result.captured_from) == ("gov_x", "new_front")
    assert result.capturer_kind == "state_force"


def test_several_clauses_and_sentences():
    text = ("JNIM militants ambushed a patrol and seized two PKM machine guns. "
            "They also made off with three motorbikes; no ammunition was taken.")
    result = parse_capture(text, actor1="jnim", actor2=ML)
    assert result.materiel == ["machine_gun", "motorcycle"]
    assert result.weight == pytest.approx(2 * 2 + 3 * 1)
    assert result.evidence.count(" | ") == 1


def test_typography_is_normalised():
    text = "IS\u00a0Sahel fighters \u2018carried off\u2019 RPG\u20117 launchers from JNIM"
    result = parse_capture(text)
    assert result.capture and result.materiel == ["rocket_launcher"]
    assert (result.capturer, result.captured_from) == ("is_sahel", "jnim")


def test_result_is_frozen():
    result = parse_capture("Militants seized weapons")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.capture = False  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "classes"),
    [
        ("JNIM militants looted arms from the gendarmerie.", ["unspecified_arms"]),
        ("The assailants carted away weapons and motorbikes.",
         ["unspecified_arms", "motorcycle"]),
        ("The militants took the soldiers' weapons.", ["unspecified_arms"]),
        ("Militants made off with a DShK and two pick-up trucks.", ["machine_gun", "vehicle"]),
        ("Security forces recovered weapons from the militants.", ["unspecified_arms"]),
        ("Soldiers uncovered an arms cache near Diafarabe.", ["unspecified_arms"]),
        ("The army confiscated Kalashnikovs and ammunition.", ["assault_rifle", "ammunition"]),
        ("Gunmen hijacked an army truck.", ["vehicle"]),
        ("IS fighters fled with the weapons of the dead soldiers.", ["unspecified_arms"]),
        ("The seizure of 3 RPG-7 launchers was announced.", ["rocket_launcher"]),
    ],
)
def test_common_acled_phrasing(text, classes):
    result = parse_capture(text, actor1="jnim", actor2=ML)
    assert result.capture and result.materiel == classes
