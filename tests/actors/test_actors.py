"""Tests of the alias table, name normalisation and place/time rules."""

from __future__ import annotations

import pandas as pd
import pytest

from sahelmodel.coding.actors import (
    ActorRegistry,
    actor_id,
    actor_kind,
    actor_rules,
    alias_table,
    normalise_name,
    resolve_actors,
    resolve_actors_slow,
)
from sahelmodel.events import ACTOR_KINDS

ISSUE_ALIASES = {
    "jnim": [
        "JNIM", "Jama'at Nusrat al-Islam wal-Muslimin", "Group for Support of Islam and Muslims",
        "GSIM", "JNIM: Group for Support of Islam and Muslims",
    ],
    "is_sahel": [
        "Islamic State (Greater Sahara)", "ISGS", "Islamic State (Sahel)",
        "Islamic State (West Africa) - Greater Sahara Faction", "Islamic State Sahel Province",
    ],
    "iswap": ["Islamic State (West Africa)", "ISWAP", "Islamic State West Africa Province"],
    "military_burkina_faso": [
        "Military Forces of Burkina Faso (2022-)", "Government of Burkina Faso",
        "Police Forces of Burkina Faso (2015-2022)",
    ],
    "military_mali": ["Military Forces of Mali (2021-)", "Government of Mali", "FAMa"],
    "military_niger": ["Military Forces of Niger (2023-)", "Government of Niger"],
    "vdp": ["VDP: Volunteers for the Defense of the Homeland", "VDP"],
    "koglweogo": ["Koglweogo", "Koglweogo Militia"],
    "dozo": ["Dozos (Mali)", "Dozo Communal Militia (Burkina Faso)", "Dozo"],
    "dan_na_ambassagou": ["Dan na Ambassagou", "Dan Na Ambassagou"],
    "ansaroul_islam": ["Ansaroul Islam"],
    "aqim": ["AQIM", "AQIM: Al Qaeda in the Islamic Maghreb"],
    "cma": ["CMA", "CMA: Coordination of Azawad Movements"],
    "gatia": ["GATIA", "GATIA: Imghad Tuareg and Allies Self-Defense Group"],
    "msa": ["MSA", "MSA: Movement for the Salvation of Azawad"],
    "wagner": ["Wagner Group", "Africa Corps"],
    "civilians": ["Civilians", "Civilians (Mali)", "Civilians (Burkina Faso)"],
    "unidentified_armed_group": [
        "Unidentified Armed Group (Burkina Faso)", "Unidentified Armed Group (Mali)",
    ],
    "france": ["Military Forces of France", "Operation Barkhane"],
    "islamic_state": ["IS", "Islamic State"],
}


@pytest.mark.parametrize(
    ("expected", "name"), [(k, n) for k, names in ISSUE_ALIASES.items() for n in names]
)
def test_issue_aliases_resolve(expected: str, name: str) -> None:
    assert actor_id(name) == expected


@pytest.mark.parametrize(
    "variant",
    [
        "jnim", "  JNIM ", "J.N.I.M", "jama’at nusrat al‑islam wal‑muslimin",
        "JAMA'AT  NUSRAT AL-ISLAM WAL-MUSLIMIN", "Groupe de soutien a l'Islam et aux musulmans",
    ],
)
def test_case_punctuation_accents_whitespace(variant: str) -> None:
    assert actor_id(variant) == "jnim"


def test_accents_and_apostrophes_normalise() -> None:
    assert normalise_name("Tillabéri  Region") == "tillaberi region"
    assert normalise_name("Côte d’Ivoire") == "cote divoire"
    assert actor_id("Government of Côte d'Ivoire") == actor_id("government of cote divoire")


def test_unknown_names_keep_a_normalised_id_and_are_flagged() -> None:
    out = resolve_actors(["Front Nouveau (Mali) (2023-)", "JNIM"])
    assert out["actor"].tolist() == ["front_nouveau_mali", "jnim"]
    assert out["known"].tolist() == [False, True]
    assert actor_id("Front Nouveau (Mali)") == "front_nouveau_mali"


def test_blank_names_are_missing_not_unknown() -> None:
    out = resolve_actors(["", "   ", None, float("nan")])
    assert out["actor"].isna().all()
    assert out["known"].all()


def test_prefix_fallback_for_subunits() -> None:
    assert actor_id("Police Forces of Burkina Faso (2022-) Gendarmerie") == "military_burkina_faso"
    assert actor_id("Military Forces of Mali (2021-) Prison Guards") == "military_mali"
    # one-word aliases are never used as prefixes
    assert actor_id("IS Khorasan Province") != "islamic_state"


def test_coalitions_split_into_actor_and_associates() -> None:
    out = resolve_actors(["GATIA, MSA", "CM-FPR, GATIA, MAA", "ARLA, FIAA, FPLA", "JNIM, Nobody"])
    assert out["actor"].tolist()[:3] == ["gatia", "cm_fpr", "arla"]
    assert out["assoc"].tolist()[:3] == ["msa", "gatia;maa", "fiaa;fpla"]
    assert out["known"].tolist() == [True, True, True, False]


def test_alias_table_is_consistent() -> None:
    table = alias_table()
    assert list(table.columns) == ["actor_id", "name", "kind", "country_scope", "aliases", "note"]
    assert table["actor_id"].is_unique
    assert set(table["kind"]) <= set(ACTOR_KINDS)
    # every display name and every alias resolves to its own row
    for rec in table.itertuples(index=False):
        assert actor_id(rec.name) == rec.actor_id
        for alias in rec.aliases.split(";"):
            assert actor_id(alias) == rec.actor_id, alias
    # a copy: changing it does not change the table
    table.loc[0, "kind"] = "civilians"
    assert alias_table().loc[0, "kind"] == "jihadist_group"


def test_actor_kind() -> None:
    assert actor_kind("jnim") == "jihadist_group"
    assert actor_kind("military_mali") == "state_force"
    assert actor_kind("vdp") == "militia"
    assert actor_kind("wagner") == "foreign_force"
    assert actor_kind("civilians") == "civilians"
    assert actor_kind("not_an_actor") is pd.NA


def test_rules_reassign_islamic_state_by_place() -> None:
    out = resolve_actors(
        ["IS", "IS", "IS", "IS", "IS", "IS"],
        source="ucdp_ged",
        country=["Niger", "Niger", "Mali", "Nigeria", "Niger", "Burkina Faso"],
        admin1=["Diffa region", "Tillabéri region", "Ménaka region", "Borno", "", ""],
        longitude=[12.6, 1.5, 2.0, 13.1, 12.9, -1.0],
    )
    assert out["actor"].tolist() == ["iswap", "is_sahel", "is_sahel", "iswap", "iswap", "is_sahel"]
    assert out["rule"].tolist()[:2] == ["is_diffa", "is_central_sahel"]
    assert (out["kind"] == "jihadist_group").all()


def test_rules_without_context_leave_the_id() -> None:
    assert resolve_actors(["IS"])["actor"].tolist() == ["islamic_state"]


def test_source_restricted_rule() -> None:
    kw = {"country": ["Mali"], "admin1": ["Menaka"]}
    assert resolve_actors(["Islamic State (West Africa)"], source="acled", **kw)["actor"][0] == (
        "is_sahel"
    )
    assert resolve_actors(["Islamic State (West Africa)"], source="ucdp_ged", **kw)["actor"][0] == (
        "iswap"
    )


def test_time_rule_merges_into_jnim() -> None:
    out = resolve_actors(
        ["Ansar Dine", "Ansar Dine", "Ansar Dine"],
        date=["2017-03-01", "2017-03-02", None],
    )
    assert out["actor"].tolist() == ["ansar_dine", "jnim", "ansar_dine"]


def test_shipped_rules_reference_known_actors() -> None:
    rules = actor_rules()
    ids = set(alias_table()["actor_id"])
    assert set(rules["actor"]) <= ids and set(rules["becomes"]) <= ids


def _registry(aliases: list[str], rules: pd.DataFrame | None = None) -> ActorRegistry:
    actors = pd.DataFrame({
        "actor_id": ["a_front", "b_group", "c_side"], "name": ["A Front", "B Group", "C Side"],
        "kind": ["armed_movement", "militia", "state_force"], "country_scope": ["", "", ""],
        "aliases": aliases,
    })
    if rules is None:
        return ActorRegistry(actors, source="t.csv")
    return ActorRegistry(actors, rules, source="t.csv", rules_source="r.csv")


def test_alias_collision_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"t\.csv, row 3, column 'aliases'.*already belongs"):
        _registry(["AF;Shared name", "shared-name", ""])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": ["armed_movement", "rebels", "state_force"]}, "column 'kind'"),
        ({"actor_id": ["a_front", "B Group", "c_side"]}, "not snake_case"),
        ({"actor_id": ["a_front", "a_front", "c_side"]}, "repeated"),
    ],
)
def test_bad_alias_tables(change: dict, message: str) -> None:
    actors = pd.DataFrame({
        "actor_id": ["a_front", "b_group", "c_side"], "name": ["A", "B", "C"],
        "kind": ["armed_movement", "militia", "state_force"], "country_scope": [""] * 3,
        "aliases": [""] * 3,
    }).assign(**change)
    with pytest.raises(ValueError, match=message):
        ActorRegistry(actors)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"actor": "zz", "becomes": "b_group"}, "unknown actor id 'zz'"),
        ({"actor": "a_front", "becomes": "b_group", "source": "gdelt"}, "column 'source'"),
        ({"actor": "a_front", "becomes": "b_group", "date_from": "March"}, "column 'date_from'"),
        ({"actor": "a_front", "becomes": "b_group", "lon_min": "east"}, "column 'lon_min'"),
    ],
)
def test_bad_rules(rule: dict, message: str) -> None:
    with pytest.raises(ValueError, match=rf"r\.csv, row 2, {message}|{message}"):
        _registry(["", "", ""], pd.DataFrame([rule]))


def test_first_matching_rule_wins_and_bounds_are_inclusive() -> None:
    rules = pd.DataFrame([
        {"rule": "r1", "actor": "a_front", "becomes": "b_group", "lon_min": "10", "lat_max": "5"},
        {"rule": "r2", "actor": "a_front", "becomes": "c_side", "date_to": "2020-01-31"},
    ])
    reg = _registry(["", "", ""], rules)
    out = resolve_actors(
        ["A Front"] * 4, registry=reg, longitude=[10.0, 9.9, 11, None], latitude=[5.0, 0, 6, 0],
        date=["2021-01-01", "2020-01-31", "2020-02-01", "2019-01-01"],
    )
    assert out["actor"].tolist() == ["b_group", "c_side", "a_front", "c_side"]
    assert out["rule"].tolist()[:2] == ["r1", "r2"]
    # a rule never chains: b_group produced by r1 is not rewritten by later rules
    assert out["kind"].tolist()[0] == "militia"


def test_fast_resolver_matches_slow_reference_on_mixed_input() -> None:
    names = ["IS", "Islamic State (West Africa)", "Ansar Dine", "JNIM", "", None, "Nobody",
             "GATIA, MSA", "IS", "Civilians (Niger)"] * 7
    n = len(names)
    countries = (["Niger", "Mali", "Nigeria", "", None, "Burkina Faso", "Niger"] * 10)[:n]
    admin1 = (["Diffa region", "Tillaberi", "", None, "Menaka", "Sahel", "Gao"] * 10)[:n]
    dates = (["2016-01-01", "2018-05-05", None, "junk", "2017-03-02"] * 14)[:n]
    lons = ([12.0, None, 1.0, 13.0, "x", 3.0, 11.0] * 10)[:n]
    for source in ("acled", "ucdp_ged", None):
        kw = {"source": source, "country": countries, "admin1": admin1, "date": dates,
              "longitude": lons}
        fast = resolve_actors(names, **kw)
        slow = resolve_actors_slow(names, **kw)
        pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow)


def test_context_length_mismatch() -> None:
    with pytest.raises(ValueError, match="expected 2"):
        resolve_actors(["IS", "IS"], country=["Niger"])


def test_ucdp_side_names_are_all_known(ucdp_path) -> None:
    raw = pd.read_csv(ucdp_path, dtype=str, keep_default_na=False, usecols=["side_a", "side_b"])
    names = pd.concat([raw["side_a"], raw["side_b"]]).unique()
    out = resolve_actors(list(names))
    unknown = [n for n, k in zip(names, out["known"], strict=True) if not k]
    assert unknown == []
    assert out["actor"].notna().all()


# ---- ACLED's unattributed "X and/or Y" actors and naming conventions -------------------------
def test_and_or_actor_is_a_distinct_ambiguous_id():
    from sahelmodel.coding.actors import ambiguous_parts, default_registry, resolve_actors

    name = ("JNIM: Group for Support of Islam and Muslims and/or Islamic State (West Africa) - "
            "Greater Sahara Faction")
    assert actor_id(name) == "jnim_or_is_sahel"
    assert ambiguous_parts("jnim_or_is_sahel") == ("jnim", "is_sahel")
    assert default_registry().kind("jnim_or_is_sahel") == "jihadist_group"
    lake = ("Islamic State (West Africa) - Lake Chad Faction and/or Boko Haram - Jamaatu Ahli "
            "is-Sunnah lid-Dawati wal-Jihad")
    out = resolve_actors([lake, "Islamic State (West Africa) and/or JNIM"], source="acled",
                         country=["Nigeria", "Mali"], admin1=["Borno", "Gao"],
                         date=["2021-01-01", "2021-01-01"])
    # the place rules apply to each part: ISWAP's label in Mali is IS Sahel's
    assert out["actor"].tolist() == ["iswap_or_jas", "is_sahel_or_jnim"]
    assert out["kind"].tolist() == ["jihadist_group", "jihadist_group"]
    slow = resolve_actors_slow([lake, "Islamic State (West Africa) and/or JNIM"],
                               source="acled", country=["Nigeria", "Mali"],
                               admin1=["Borno", "Gao"], date=["2021-01-01", "2021-01-01"])
    assert slow["actor"].tolist() == out["actor"].tolist()


def test_mixed_kind_ambiguous_actor_is_unidentified():
    from sahelmodel.coding.actors import default_registry

    a = actor_id("VDP: Volunteers for the Defense of the Homeland and/or JNIM")
    assert a == "vdp_or_jnim"
    assert default_registry().kind(a) == "unidentified"


@pytest.mark.parametrize(
    ("name", "actor", "kind"),
    [
        ("Military Forces of Somalia (2022-) Puntland Dervish Force", "military_somalia",
         "state_force"),
        ("Police Forces of the Ivory Coast (2011-)", "military_cote_divoire", "state_force"),
        ("Government of Somalia (2022-) Puntland State", "military_somalia", "state_force"),
        ("Military Forces of Mali (2021-) National Guard", "military_mali", "state_force"),
        ("Zamfara Communal Militia (Nigeria)", "zamfara_communal_militia_nigeria", "militia"),
        ("Hawiye-Abgal Sub-Clan Militia (Somalia)", "hawiye_abgal_sub_clan_militia_somalia",
         "militia"),
        ("Labour Group (Niger)", "labour_group_niger", "civilians"),
        ("Fulani Ethnic Group (Niger)", "fulani_ethnic_group_niger", "civilians"),
        ("Islamic State Somalia Province", "is_somalia", "jihadist_group"),
        ("IPOB: Indigenous Peoples of Biafra", "ipob", "armed_movement"),
    ],
)
def test_acled_naming_conventions(name, actor, kind):
    from sahelmodel.coding.actors import default_registry

    assert actor_id(name) == actor
    assert default_registry().kind(actor) == kind


def test_scalar_rules_equal_the_column_rules():
    from sahelmodel.coding.actors import default_registry, resolve_actors

    reg = default_registry()
    cases = [("islamic_state", "Niger", "Diffa", "2020-01-01"),
             ("islamic_state", "Mali", "Gao", "2020-01-01"),
             ("iswap", "Mali", "Gao", "2020-01-01"),
             ("katiba_macina", "Mali", "Mopti", "2016-01-01"),
             ("katiba_macina", "Mali", "Mopti", "2018-01-01")]
    names = {"islamic_state": "IS", "iswap": "ISWAP", "katiba_macina": "Katiba Macina"}
    column = resolve_actors([names[a] for a, *_ in cases], source="acled",
                            country=[c for _, c, _, _ in cases],
                            admin1=[r for _, _, r, _ in cases],
                            date=[d for *_, d in cases])["actor"].tolist()
    scalar = [reg.apply_rules(a, source="acled", country=c, admin1=r, date=d)
              for a, c, r, d in cases]
    assert scalar == column == ["iswap", "is_sahel", "is_sahel", "katiba_macina", "jnim"]
