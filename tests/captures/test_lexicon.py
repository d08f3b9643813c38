import re

import pandas as pd
import pytest

from sahelmodel import materiel_lexicon, parse_capture
from sahelmodel.coding._materiel import _check_lexicon
from sahelmodel.coding.captures import MATERIEL_CLASSES


def test_lexicon_schema():
    lex = materiel_lexicon()
    assert list(lex.columns) == ["name", "class", "weight", "countable", "container", "pattern",
                                 "surface", "note"]
    assert lex["name"].is_unique
    assert set(lex["class"]) == set(MATERIEL_CLASSES)  # every class is used
    assert (lex["weight"] > 0).all()
    assert lex["countable"].dtype == bool
    assert (lex["note"].str.len() > 10).all()
    # the copy is independent of the cached table
    lex.loc[0, "weight"] = -1
    assert (materiel_lexicon()["weight"] > 0).all()


def test_every_surface_form_is_matched_by_its_own_pattern_and_parsed_as_itself():
    lex = materiel_lexicon()
    for rec in lex.itertuples(index=False):
        assert re.fullmatch(rec.pattern, rec.surface, re.IGNORECASE), rec.name
        result = parse_capture(f"Militants seized {rec.surface} from the army.")
        assert result.capture, rec.name
        assert [it.name for it in result.items] == [rec.name], rec.name
        assert result.materiel == [rec[1]]


@pytest.mark.parametrize(
    ("phrase", "name", "klass"),
    [
        ("Zastava M05E1 rifles", "zastava_m05e1", "assault_rifle"),
        ("an M70AB2 rifle", "zastava_m70ab2", "assault_rifle"),
        ("Chinese Type 56-1 rifles", "type_56", "assault_rifle"),
        ("three RPG-7 launchers", "rpg_7", "rocket_launcher"),
        ("Bulgarian PG-7V rockets", "pg_7v", "rockets_ammunition"),
        ("RPG-7 rockets", "rpg_7_rocket", "rockets_ammunition"),
        ("AK-47s", "ak_47", "assault_rifle"),
        ("Kalashnikov rifles", "kalashnikov", "assault_rifle"),
        ("a PKM", "pkm", "machine_gun"),
        ("a DShK heavy machine gun", "dshk", "machine_gun"),
        ("12.7 mm machine guns", "dshk", "machine_gun"),
        ("heavy weapons", "heavy_weapons", "unspecified_arms"),
        ("pick-up trucks", "pickup_truck", "vehicle"),
        ("Toyota Land Cruisers", "pickup_truck", "vehicle"),
        ("motorbikes", "motorcycle", "motorcycle"),
        ("motorcycles", "motorcycle", "motorcycle"),
        ("an arms cache", "arms_cache", "unspecified_arms"),
        ("82mm mortar shells", "mortar_round", "rockets_ammunition"),
        ("a mortar", "mortar", "rocket_launcher"),
        ("rocket launchers", "rocket_launcher", "rocket_launcher"),
        ("armoured vehicles", "armoured_vehicle", "vehicle"),
        ("two APCs", "armoured_vehicle", "vehicle"),
        ("an arsenal", "arsenal", "unspecified_arms"),
        ("IED-making materials", "explosives", "explosives"),
        ("communication devices", "military_equipment", "other_military_equipment"),
        ("five AK rifles", "ak_47", "assault_rifle"),
        ("gun trucks", "pickup_truck", "vehicle"),
        ("a rifle", "weapons", "unspecified_arms"),
        ("one gun", "weapons", "unspecified_arms"),
    ],
)
def test_named_materiel(phrase, name, klass):
    result = parse_capture(f"The attackers seized {phrase} from the soldiers.")
    assert [(it.name, it.materiel_class) for it in result.items] == [(name, klass)]


def test_weapons_and_ammunition_gives_both_classes():
    result = parse_capture("Militants looted weapons and ammunition from the army.")
    assert result.materiel == ["unspecified_arms", "ammunition"]
    assert result.weight == pytest.approx(1.5)


def test_counts_and_weights():
    result = parse_capture("Soldiers seized 12 AK-47 rifles, three PKM machine guns, "
                           "1,200 rounds of ammunition and a dozen motorbikes from the "
                           "militants.", actor1="military_mali", actor2="jnim")
    got = {it.name: (it.count, it.weight) for it in result.items}
    assert got == {"ak_47": (12, 12.0), "pkm": (3, 6.0), "ammunition": (1200, 0.5),
                   "motorcycle": (12, 12.0)}
    assert result.weight == pytest.approx(30.5)


def test_plural_without_number_weighs_once_and_repeats_count_once():
    result = parse_capture("Militants seized RPG-7 launchers. The two RPG-7 launchers "
                           "were carried away.", actor1="jnim",
                           actor2="military_mali")
    assert [(it.name, it.count) for it in result.items] == [("rpg_7", 2)]
    assert result.weight == pytest.approx(6.0)


def _frame(**change):
    base = {"name": "x", "class": "vehicle", "weight": "1", "countable": "true",
            "container": "false", "pattern": "carts?", "surface": "carts", "note": "n"}
    base.update(change)
    return pd.DataFrame([base])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"class": "spaceship"}, "class 'spaceship'"),
        ({"weight": "-2"}, "weight must be positive"),
        ({"weight": "heavy"}, "weight must be a number"),
        ({"countable": "maybe"}, "countable"),
        ({"pattern": "(carts"}, "does not compile"),
        ({"pattern": "(carts)"}, "non-capturing"),
        ({"name": "Big Cart"}, "snake_case"),
        ({"pattern": "(?:carts)?"}, "empty string"),
    ],
)
def test_bad_lexicon_rows_are_named(change, message):
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        _check_lexicon(_frame(**change), "materiel.csv")
    assert "materiel.csv, row 2" in str(info.value)


def test_container_names_give_way_to_their_contents():
    listed = parse_capture("Soldiers seized an arsenal including RPG-7 launchers and rockets "
                           "from the militants.", actor1="military_mali", actor2="jnim")
    assert listed.materiel == ["rocket_launcher", "rockets_ammunition"]
    alone = parse_capture("Soldiers seized an arms cache from the militants.",
                          actor1="military_mali", actor2="jnim")
    assert alone.materiel == ["unspecified_arms"]


@pytest.mark.parametrize(
    "phrase", ["machetes", "blade weapons", "material damages", "a radio station"])
def test_look_alikes_are_not_materiel(phrase):
    result = parse_capture(f"Militants seized {phrase} from the army.", actor1="jnim",
                           actor2="military_mali")
    assert not result.capture and result.items == []


def test_bad_lexicon_table():
    with pytest.raises(ValueError, match="missing lexicon column"):
        _check_lexicon(_frame().drop(columns="weight"), "m.csv")
    with pytest.raises(ValueError, match="repeats"):
        _check_lexicon(pd.concat([_frame(), _frame()]), "m.csv")
