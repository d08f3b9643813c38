"""Canonical actor ids from the names that event datasets write.

ACLED and UCDP GED spell the same armed group in many ways ("JNIM", "JNIM: Group for Support of
Islam and Muslims", "Jama'at Nusrat al-Islam wal-Muslimin"), add year ranges and country
suffixes ("Military Forces of Mali (2021-)", "Civilians (Mali)"), and UCDP codes every Islamic
State branch as one actor, "IS". This module turns such names into short, stable snake_case ids
(``jnim``, ``is_sahel``, ``iswap``, ``military_mali``, ...) with an actor kind from
:data:`sahelmodel.events.ACTOR_KINDS`, using two curated tables shipped in ``data/``:

``actors.csv``
    one row per actor: ``actor_id, name, kind, country_scope, aliases, note`` (``aliases`` and
    ``country_scope`` are ``;``-joined).
``actor_rules.csv``
    place and time rules, one per row, applied in file order (the first matching rule wins):
    ``rule, actor, becomes, source, country, admin1, date_from, date_to, lon_min, lon_max,
    lat_min, lat_max, note``. A blank condition matches anything; ``country`` and ``admin1``
    hold ``;``-joined lists; dates and coordinate bounds are inclusive.

Name matching
-------------
A name is reduced to a key: Unicode accents removed, case folded, apostrophes and full stops
dropped, every other run of punctuation or whitespace made one space. Lookup then tries, in order,

1. the key of the whole name with parenthesised year ranges such as ``(2021-)`` or
   ``(2012-2013)`` removed;
2. the same without a trailing parenthesised suffix such as ``(Mali)``;
3. for ``"ACRONYM: long name"``, the part before the colon, then the part after it;
4. for comma-separated coalitions (UCDP's ``"GATIA, MSA"``), every part: when all are known,
   the first is the actor and the others are associated actors;
5. the longest alias of at least two words that is a prefix of the key
   (``"Police Forces of Burkina Faso (2022-) Gendarmerie"`` → ``military_burkina_faso``).

ACLED writes an actor it cannot attribute as ``"X and/or Y"`` ("JNIM: Group for Support of
Islam and Muslims and/or Islamic State (West Africa) - Greater Sahara Faction"). Such a name
resolves to a distinct *ambiguous* id joining the parts' ids with ``_or_`` (``jnim_or_iswap``,
then ``jnim_or_is_sahel`` after the place rules, which apply to each part), never to X alone:
an event that may be JNIM's or IS Sahel's must not be counted in the JNIM–IS rivalry as
either. Its kind is the parts' common kind (``unidentified`` when they differ), and
:func:`ambiguous_parts` splits it back.

A name that matches nothing keeps a normalised snake_case form of itself as its id (for
example ``"New Front (Mali)"`` → ``new_front_mali``) and is reported as unknown; it is never
dropped. Two of ACLED's naming conventions are read even for names not in the table
(ACLED codebook, actor naming): ``"Military Forces of X"``, ``"Police Forces of X"`` and
``"Government of X"`` with a unit after the years are X's state forces (the state force of
X in the table, else ``military_<x>``), and the kind of an unknown name follows its form:
"... Communal Militia", "... Clan Militia", "Vigilante Group", "Hunters Group" are
militias; "Labour Group", "Pastoralists", "Farmers", "Aid Workers", "... Ethnic Group" are
civilians (ACLED's inter code 7).

Examples
--------
>>> actor_id("JNIM: Group for Support of Islam and Muslims")
'jnim'
>>> actor_id("Military Forces of Burkina Faso (2022-)")
'military_burkina_faso'
>>> actor_id("  civilians (MALI) ")
'civilians'
>>> actor_id("Front nouveau de l'Azawad")
'front_nouveau_de_lazawad'
"""


from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._paths import data_dir
from sahelmodel.coding._registry import (
    OR,
    ActorRegistry,
    is_missing,
    normalise_name,
    place_key,
    rule_applies,
)

__all__ = [
    "ActorRegistry",
    "actor_id",
    "actor_kind",
    "actor_rules",
    "alias_table",
    "ambiguous_parts",
    "default_registry",
    "normalise_name",
    "resolve_actors",
    "resolve_actors_slow",
]

_RESULT_COLUMNS = ["actor", "assoc", "kind", "known", "rule"]


@lru_cache(maxsize=1)
def default_registry() -> ActorRegistry:
    """The registry built from the shipped ``data/actors.csv`` and ``data/actor_rules.csv``."""
    folder = Path(data_dir())
    actors = pd.read_csv(folder / "actors.csv", dtype=str, keep_default_na=False)
    rules = pd.read_csv(folder / "actor_rules.csv", dtype=str, keep_default_na=False)
    return ActorRegistry(actors, rules, source=str(folder / "actors.csv"),
                         rules_source=str(folder / "actor_rules.csv"))


def alias_table() -> pd.DataFrame:
    """The shipped alias table: ``actor_id, name, kind, country_scope, aliases, note`` (a copy).

    Examples
    --------
    >>> table = alias_table()
    >>> table.set_index("actor_id").loc["is_sahel", "kind"]
    'jihadist_group'
    """
    return default_registry().actors.copy()


def actor_rules() -> pd.DataFrame:
    """The shipped place/time rules, one per row, in the order they are tried (a copy)."""
    return default_registry().rules.copy()


def actor_id(name: Any) -> Any:
    """Return the canonical actor id for any alias of an actor.

    Parameters
    ----------
    name : str
        An actor name as a dataset writes it. Case, accents, punctuation, whitespace,
        ACLED year ranges and country suffixes do not matter.

    Returns
    -------
    str
        The canonical id; a snake_case form of ``name`` when it is not in the alias table;
        ``pd.NA`` for a blank name. Place/time rules are not applied (they need the event).

    Examples
    --------
    >>> actor_id("Islamic State (Greater Sahara)"), actor_id("VDP"), actor_id("Dozos (Mali)")
    ('is_sahel', 'vdp', 'dozo')
    """
    return default_registry().actor_id(name)


def ambiguous_parts(actor: str) -> tuple[str, ...]:
    """The ids an ambiguous actor id joins, ``()`` for any other id.

    Examples
    --------
    >>> ambiguous_parts("jnim_or_is_sahel"), ambiguous_parts("jnim")
    (('jnim', 'is_sahel'), ())
    """
    return default_registry().parts(actor) if isinstance(actor, str) else ()


def actor_kind(actor: str) -> Any:
    """Kind (one of :data:`~sahelmodel.events.ACTOR_KINDS`) of a canonical id, else ``pd.NA``.

    Examples
    --------
    >>> actor_kind("wagner")
    'foreign_force'
    """
    return default_registry().kind(actor)


def _column(values: Any, n: int, index: pd.Index) -> pd.Series | None:
    if values is None:
        return None
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if len(series) != n:
        raise ValueError(f"context column has {len(series)} values, expected {n}")
    return series.set_axis(index)


def _keys(values: pd.Series, fun: Any) -> np.ndarray:
    """Apply ``fun`` to the unique non-missing values and map back (vectorised)."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    keys = np.array([fun(u) if not is_missing(u) else "" for u in uniques] + [""], dtype=object)
    return keys[codes]


def resolve_actors(
    names: Sequence[Any] | pd.Series,
    *,
    source: str | None = None,
    country: Any = None,
    admin1: Any = None,
    date: Any = None,
    longitude: Any = None,
    latitude: Any = None,
    registry: ActorRegistry | None = None,
) -> pd.DataFrame:
    """Resolve a whole column of raw actor names, applying the place/time rules.

    The unique names are resolved once and mapped back, and each rule is applied to the whole
    column as one boolean mask, so the cost grows with the number of distinct names and rules,
    not with a Python call per event.

    Parameters
    ----------
    names : sequence or pandas.Series
        Raw actor names, one per event.
    source : str, optional
        The dataset (``"acled"``, ``"ucdp_ged"``, ...); rules restricted to another source do
        not apply.
    country, admin1, date, longitude, latitude : sequence, optional
        The events' place and time, aligned with ``names`` (dates as datetimes or ISO 8601
        strings). A rule whose condition needs a missing context value does not apply to that
        event.
    registry : ActorRegistry, optional
        Alias table and rules; the shipped ones by default.

    Returns
    -------
    pandas.DataFrame
        Aligned with ``names``: ``actor`` (canonical id), ``assoc`` (``;``-joined coalition
        partners), ``kind``, ``known`` (False for names not in the table) and ``rule`` (the
        rule that changed the id, if any).

    Examples
    --------
    >>> out = resolve_actors(["IS", "IS", "JNIM"], source="ucdp_ged",
    ...     country=["Niger", "Mali", "Mali"], admin1=["Diffa region", "Gao region", ""])
    >>> out["actor"].tolist()
    ['iswap', 'is_sahel', 'jnim']
    """
    reg = registry if registry is not None else default_registry()
    raw = names if isinstance(names, pd.Series) else pd.Series(list(names), dtype=object)
    index, n = raw.index, len(raw)
    codes, uniques = pd.factorize(raw.astype(object), use_na_sentinel=True)
    resolved = [reg.resolve_name(u) for u in uniques] + [(pd.NA, pd.NA, True)]
    table = np.empty((len(resolved), 3), dtype=object)
    for i, tup in enumerate(resolved):
        table[i] = tup
    picked = table[codes]
    actor = pd.Series(picked[:, 0], index=index, dtype="string")
    rule_hit = pd.Series(pd.NA, index=index, dtype="string")
    ctx_country = _column(country, n, index)
    ctx_admin1 = _column(admin1, n, index)
    ctx_date = _column(date, n, index)
    ctx_lon = _column(longitude, n, index)
    ctx_lat = _column(latitude, n, index)
    country_key = None if ctx_country is None else _keys(ctx_country, normalise_name)
    admin1_key = None if ctx_admin1 is None else _keys(ctx_admin1, place_key)
    dates = None if ctx_date is None else pd.to_datetime(
        ctx_date, errors="coerce", format="ISO8601").to_numpy(dtype="datetime64[ns]")
    lon = None if ctx_lon is None else pd.to_numeric(ctx_lon, errors="coerce").to_numpy(float)
    lat = None if ctx_lat is None else pd.to_numeric(ctx_lat, errors="coerce").to_numpy(float)
    current = actor.fillna("").to_numpy(dtype=object)
    done = np.zeros(n, dtype=bool)
    for rule in reg.rule_list:
        mask = (current == rule.actor) & ~done
        if not mask.any() or (rule.source is not None and rule.source != source):
            continue
        if rule.countries is not None:
            mask &= False if country_key is None else np.isin(country_key, list(rule.countries))
        if rule.admin1s is not None:
            mask &= False if admin1_key is None else np.isin(admin1_key, list(rule.admin1s))
        if rule.date_from is not None or rule.date_to is not None:
            if dates is None:
                mask &= False
            else:
                ok = ~pd.isna(dates)
                if rule.date_from is not None:
                    ok &= dates >= rule.date_from.to_datetime64()
                if rule.date_to is not None:
                    ok &= dates <= rule.date_to.to_datetime64()
                mask &= ok
        for values, lo, hi in ((lon, *rule.bounds[:2]), (lat, *rule.bounds[2:])):
            if np.isfinite(lo) or np.isfinite(hi):
                mask &= False if values is None else (values >= lo) & (values <= hi)
        if mask.any():
            current[mask] = rule.becomes
            rule_hit[mask] = rule.name
            done |= mask
    has_or = pd.Series(current, dtype=object).str.contains(OR, regex=False).fillna(False)
    ambiguous = [i for i in np.flatnonzero(has_or.to_numpy(dtype=bool)) if reg.parts(current[i])]
    for i in ambiguous:
        def ctx(values: Any, i: int = i) -> Any:
            return None if values is None else values.iloc[i]

        new = reg.apply_rules(current[i], source=source, country=ctx(ctx_country),
                              admin1=ctx(ctx_admin1), date=ctx(ctx_date),
                              longitude=ctx(ctx_lon), latitude=ctx(ctx_lat))
        if new != current[i]:
            current[i] = new
            rule_hit.iloc[i] = "per_part"
    actor = pd.Series(current, index=index, dtype="string").replace("", pd.NA)
    return pd.DataFrame(
        {
            "actor": actor,
            "assoc": pd.Series(picked[:, 1], index=index, dtype="string"),
            "kind": actor.map({a: reg.kind(a) for a in actor.dropna().unique()})
                         .astype("string"),
            "known": pd.Series(picked[:, 2], index=index).astype(bool),
            "rule": rule_hit,
        },
        index=index,
    )




def resolve_actors_slow(
    names: Sequence[Any],
    *,
    source: str | None = None,
    country: Any = None,
    admin1: Any = None,
    date: Any = None,
    longitude: Any = None,
    latitude: Any = None,
    registry: ActorRegistry | None = None,
) -> pd.DataFrame:
    """Row-by-row reference implementation of :func:`resolve_actors` (for tests).

    Examples
    --------
    >>> resolve_actors_slow(["IS"], country=["Mali"])["actor"].tolist()
    ['is_sahel']
    """
    reg = registry if registry is not None else default_registry()
    names = list(names)
    n = len(names)

    def ctx(values: Any) -> list[Any]:
        return [None] * n if values is None else list(values)

    columns = {
        "country": ctx(country), "admin1": ctx(admin1), "date": ctx(date),
        "longitude": ctx(longitude), "latitude": ctx(latitude),
    }
    rows = []
    for i, name in enumerate(names):
        actor, assoc, known = reg.resolve_name(name)
        rec = {k: v[i] for k, v in columns.items()}
        applied: Any = pd.NA
        if actor is not pd.NA and reg.parts(actor):
            new = reg.apply_rules(actor, source=source, **rec)
            actor, applied = (new, "per_part") if new != actor else (actor, applied)
        for rule in reg.rule_list:
            if actor is not pd.NA and actor == rule.actor and rule_applies(rule, rec, source):
                actor, applied = rule.becomes, rule.name
                break
        kind = reg.kind(actor) if actor is not pd.NA else pd.NA
        rows.append({"actor": actor, "assoc": assoc, "kind": kind, "known": known,
                     "rule": applied})
    out = pd.DataFrame(rows, columns=_RESULT_COLUMNS)
    for col in ("actor", "assoc", "kind", "rule"):
        out[col] = out[col].astype("string")
    out["known"] = out["known"].astype(bool)
    return out
