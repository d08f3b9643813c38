"""Who took from whom: the sentence patterns of ACLED notes, in sentences the project writes.

Each case gives the note, the event's actor fields (actor1, actor2) and the expected capturer
and loser. The actor fields are evidence beside the text, never a fallback that reverses it:
several cases list the actors in the order opposite to the capture.
"""

import pytest

from sahelmodel import parse_capture

ML, BF, NE, NG = "military_mali", "military_burkina_faso", "military_niger", "military_nigeria"

CASES = [
    # "A attacked B, killed five and seized X": the subject of the coordination, never B
    ("JNIM militants attacked a Malian army post near Boni, killed five soldiers and seized "
     "weapons and two motorbikes.", (ML, "jnim"), ("jnim", ML)),
    ("Soldiers attacked a JNIM camp near Diafarabe, killing four militants and recovering "
     "AK-47 rifles.", ("jnim", ML), (ML, "jnim")),
    ("ISWAP clashed with soldiers at a checkpoint in Gubio, killing one soldier and seizing "
     "several weapons and ammunition.", (NG, "iswap"), ("iswap", NG)),
    ("Nigerian police engaged suspected militiamen near Kankara, killing three and recovering "
     "weapons.", ("fulani_militia", NG), (NG, "fulani_militia")),
    # a counted object is not a subject, nor is a name inside a bracket
    ("The Malian army killed 8 'terrorists' (suspected to be JNIM), dismantled 3 bases, "
     "arrested 7 suspects and seized 2 AK-47s and 3 detonators.", (ML, "jnim"), (ML, "jnim")),
    ("JNIM claimed to have killed two Dan Na Ambassagou militiamen and seized two weapons.",
     ("dan_na_ambassagou", "jnim"), ("jnim", "dan_na_ambassagou")),
    # passives with and without an agent
    ("Weapons and ammunition were recovered by the troops after the clash.", ("jnim", ML),
     (ML, "jnim")),
    ("Four militants were killed and weapons, phones and a motorbike were recovered.",
     ("jnim", ML), (ML, "jnim")),
    ("Three soldiers were killed, two taken prisoner, and weapons and ammunition seized.",
     (ML, "jnim"), ("jnim", ML)),
    ("Soldiers clashed with IS Sahel militants near Tiloa. Two militants were captured, and "
     "four motorcycles, communication devices and cash seized.", ("is_sahel", NE),
     (NE, "is_sahel")),
    # elliptic passive
    ("Militants attacked a gendarmerie post; two motorbikes belonging to the gendarmes were "
     "burned and one seized by the assailants.", (NE, "unidentified_armed_group"),
     ("unidentified_armed_group", NE)),
    # operation summaries
    ("The Malian army carried out an operation near Niono. Four 'terrorists' (suspected to be "
     "JNIM) killed, six suspects arrested, three AK rifles and three vehicles seized, and four "
     "IEDs destroyed.", (ML, "jnim"), (ML, "jnim")),
    # claims by a group and by the army
    ("JNIM militants ambushed a Malian army convoy near Diabaly. JNIM claimed responsibility "
     "in a video showing three vehicles and weapons seized.", (ML, "jnim"), ("jnim", ML)),
    ("Militants attacked the post in Boni. The army said it killed 15 militants and seized 20 "
     "motorbikes.", ("jnim", ML), (ML, "jnim")),
    ("Dozens of militants were killed, motorcycles destroyed and equipment seized according "
     "to a government statement.", ("is_sahel", NE), (NE, "is_sahel")),
    ("ISWAP sources report that a number of soldiers were killed and weapons seized.",
     (NG, "iswap"), ("iswap", NG)),
    # joint operations: an associated actor names its side
    ("Nigerien and French forces conducted joint operations, killed twenty militants and "
     "seized and destroyed ten motorbikes and IEDs.", (NE, "is_sahel"), (NE, "is_sahel")),
    # "from" a named party
    ("VDP members seized two motorcycles and a Kalashnikov from the assailants.",
     ("jnim", "vdp"), ("vdp", "jnim")),
    ("Puntland police intercepted a vehicle carrying weapons for Islamic State Somalia "
     "Province near Bosaso.", ("is_somalia", "military_somalia"),
     ("military_somalia", "is_somalia")),
    # pronouns and generic role words refer back
    ("IS-affiliated Boko Haram engaged the Nigerian military and overran their post. 10 "
     "soldiers were killed. They also seized 3 vehicles and weapons.", (NG, "iswap"),
     ("iswap", NG)),
    ("Soldiers of the Malian army attacked JNIM positions. The attackers made off with "
     "rifles.", ("jnim", ML), (ML, "jnim")),
    # state verbs with no agent in a state-versus-group battle
    ("Military forces clashed with Boko Haram elements near Gwoza. Weaponry recovered.",
     (NG, "jas"), (NG, "jas")),
]


def _assoc(text):
    # the joint operation: France is associated with Niger's side
    return "france" if "French forces" in text else None


@pytest.mark.parametrize(("text", "actors", "expected"), CASES)
def test_direction_follows_the_sentence(text, actors, expected):
    result = parse_capture(text, actor1=actors[0], actor2=actors[1], assoc_actor1=_assoc(text))
    assert result.capture, result
    assert (result.capturer, result.captured_from) == expected, result


@pytest.mark.parametrize(("text", "actors", "expected"), CASES)
def test_actor_order_does_not_decide(text, actors, expected):
    swapped = parse_capture(text, actor1=actors[1], actor2=actors[0], assoc_actor2=_assoc(text))
    assert (swapped.capturer, swapped.captured_from) == expected


def test_captures_both_ways_report_the_main_and_the_reverse():
    text = ("Nigerian troops ambushed ISWAP militants near Madagali. Six militants were killed; "
            "weapons and ammunition were recovered. ISWAP claimed the attack, the killing of "
            "10 soldiers and the seizure of two vehicles.")
    result = parse_capture(text, actor1=NG, actor2="iswap")
    assert (result.capturer, result.captured_from) == (NG, "iswap")
    assert (result.reverse_capturer, result.reverse_captured_from) == ("iswap", NG)
    # the source's first actor is the side its report is about
    other = parse_capture(text, actor1="iswap", actor2=NG)
    assert (other.capturer, other.captured_from) == ("iswap", NG)
    assert (other.reverse_capturer, other.reverse_captured_from) == (NG, "iswap")


def test_sides_stay_unknown_when_nothing_says():
    result = parse_capture("JNIM and IS Sahel fighters clashed near Menaka. Weapons were "
                           "seized.", actor1="jnim", actor2="is_sahel")
    assert result.capture
    assert (result.capturer, result.captured_from) == (None, None)
    assert result.confidence < 0.5


def test_evidence_and_confidence_say_how_the_sides_were_read():
    plain = parse_capture("JNIM militants seized weapons from the Malian army.",
                          actor1="jnim", actor2=ML)
    inferred = parse_capture("Four militants were killed and weapons were recovered.",
                             actor1="jnim", actor2=ML)
    assert plain.capturer_basis == "text:subject" and plain.captured_from_basis == "text:from"
    assert inferred.captured_from_basis == "text:casualties"
    assert inferred.capturer_basis == "event"
    assert plain.confidence > inferred.confidence > 0
    assert plain.evidence == "seized weapons from the Malian army"


@pytest.mark.parametrize(
    ("text", "actors", "expected"),
    [
        # ids read in the text pass the readers' place/time rules
        ("Katiba Macina militants seized weapons from the army.", (None, None),
         ("jnim", "military_mali")),
        ("ISWAP (Greater Sahara) militants looted weapons from the Nigerien army.",
         (None, None), ("is_sahel", NE)),
    ],
)
def test_text_ids_follow_the_readers_rules(text, actors, expected):
    result = parse_capture(text, actor1=actors[0], actor2=actors[1], country="Mali"
                           if "Katiba" in text else "Niger", admin1="Tillaberi",
                           date="2021-05-01")
    assert (result.capturer, result.captured_from) == expected


def test_iswap_in_mali_is_is_sahel():
    result = parse_capture("ISWAP militants seized two pick-up trucks from the army.",
                           country="Mali", date="2021-05-01", source="acled")
    assert (result.capturer, result.captured_from) == ("is_sahel", ML)


def test_ambiguous_and_or_actor_is_its_own_side():
    result = parse_capture("Soldiers clashed with Boko Haram/ISWAP militants; five militants "
                           "were killed and weapons recovered.", actor1=NG,
                           actor2="iswap_or_jas")
    assert (result.capturer, result.captured_from) == (NG, "iswap_or_jas")
