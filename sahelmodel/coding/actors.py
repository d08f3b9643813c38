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

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._paths import data_dir
from sahelmodel.events import ACTOR_KINDS

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

ACTOR_COLUMNS = ("actor_id", "name", "kind", "country_scope", "aliases", "note")
RULE_COLUMNS = (
    "rule", "actor", "becomes", "source", "country", "admin1", "date_from", "date_to",
    "lon_min", "lon_max", "lat_min", "lat_max", "note",
)
RULE_SOURCES = ("acled", "ucdp_ged", "csv", "simulated")

_YEARS = re.compile(r"\(\s*\d{4}\s*[-\u2013\u2014]\s*(?:\d{4})?\s*\)")
_SUFFIX = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4\u02bc.]")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_PLACE_WORDS = frozenset(
    {"region", "department", "province", "state", "prefecture", "cercle", "commune", "circle"}
)
_RESULT_COLUMNS = ["actor", "assoc", "kind", "known", "rule"]
_STATE_NAME = re.compile(
    r"^(?:military|police)\s+forces\s+of\s+(?:the\s+)?(?P<country>[^()]+?)\s*(?:\(|$)|"
    r"^government\s+of\s+(?:the\s+)?(?P<gov>[^()]+?)\s*(?:\(|$)", re.IGNORECASE)
_MILITIA_NAME = re.compile(
    r"\b(?:militias?|vigilan\w+|hunters\s+group|self[\s-]defen[cs]e|civilian\s+jtf)\b",
    re.IGNORECASE)
_CIVILIAN_NAME = re.compile(
    r"^(?:civilians?|labou?r\s+group|pastoralists|farmers|women|aid\s+workers|"
    r"health\s+workers|students|taxi\s+drivers|teachers|prisoners|refugees|journalists|"
    r"lawyers|traders)\b|\b(?:ethnic|religious|christian|muslim|catholic|communal|clan)\s+"
    r"group\b|\bunion\s+of\b", re.IGNORECASE)
_AND_OR = re.compile(r"\s+and\s*/\s*or\s+", re.IGNORECASE)
_OR = "_or_"


def normalise_name(name: Any) -> str:
    """Return the lookup key of a name: no accents, case folded, words joined by one space.

    Examples
    --------
    >>> normalise_name("  Jama'at Nusrat al-Islam   wal-Muslimin ")
    'jamaat nusrat al islam wal muslimin'
    >>> normalise_name("Tillabéri")
    'tillaberi'
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _APOSTROPHES.sub("", text)
    return _NON_WORD.sub(" ", text).strip()


def _place_key(name: Any) -> str:
    """Key of a place name without generic words such as 'region' or 'department'."""
    return " ".join(w for w in normalise_name(name).split() if w not in _PLACE_WORDS)


def _slug(name: str) -> str:
    """Snake-case id kept by a name that is not in the alias table."""
    slug = normalise_name(_YEARS.sub(" ", name)).replace(" ", "_")
    return slug or "unnamed_actor"


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


@dataclass(frozen=True)
class _Rule:
    name: str
    actor: str
    becomes: str
    source: str | None
    countries: frozenset[str] | None
    admin1s: frozenset[str] | None
    date_from: pd.Timestamp | None
    date_to: pd.Timestamp | None
    bounds: tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max


def _split_list(value: str) -> list[str]:
    return [p.strip() for p in value.split(";") if p.strip()]


@dataclass(frozen=True)
class ActorRegistry:
    """An alias table and its place/time rules, indexed for fast lookup.

    Parameters
    ----------
    actors : pandas.DataFrame
        The alias table (columns ``actor_id, name, kind, country_scope, aliases``; ``note``
        optional), all strings.
    rules : pandas.DataFrame, optional
        The rule table (columns as in ``data/actor_rules.csv``), applied in row order.
    source, rules_source : str
        Where the tables came from, for error messages.

    Raises
    ------
    ValueError
        When a column is missing, an id is not snake_case or repeated, a kind is not one of
        :data:`~sahelmodel.events.ACTOR_KINDS`, two actors share an alias, or a rule names an
        unknown actor, source, date or bound. The message names the file, row and column.

    Examples
    --------
    >>> reg = ActorRegistry(pd.DataFrame({"actor_id": ["x_front"], "name": ["X Front"],
    ...     "kind": ["armed_movement"], "country_scope": ["Mali"], "aliases": ["XF;Front X"]}))
    >>> reg.actor_id("front-x"), reg.actor_id("Y")
    ('x_front', 'y')
    """

    actors: pd.DataFrame
    rules: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(RULE_COLUMNS)))
    source: str = "<alias table>"
    rules_source: str = "<rule table>"

    def __post_init__(self) -> None:
        actors = self.actors.copy()
        for col in ACTOR_COLUMNS[:-1]:
            if col not in actors.columns:
                raise ValueError(f"{self.source}: alias table lacks column {col!r}")
        if "note" not in actors.columns:
            actors["note"] = ""
        actors = actors.loc[:, list(ACTOR_COLUMNS)].fillna("").astype(str)
        index: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for row, rec in enumerate(actors.itertuples(index=False), start=2):
            where = f"{self.source}, row {row}"
            if not _ID.match(rec.actor_id):
                raise ValueError(f"{where}, column 'actor_id': {rec.actor_id!r} is not snake_case")
            if rec.actor_id in kinds:
                raise ValueError(f"{where}, column 'actor_id': {rec.actor_id!r} is repeated")
            if rec.kind not in ACTOR_KINDS:
                raise ValueError(
                    f"{where}, column 'kind': {rec.kind!r} is not one of {', '.join(ACTOR_KINDS)}"
                )
            kinds[rec.actor_id] = rec.kind
            for alias in [rec.actor_id, rec.name, *_split_list(rec.aliases)]:
                key = normalise_name(alias)
                if not key:
                    continue
                owner = index.setdefault(key, rec.actor_id)
                if owner != rec.actor_id:
                    raise ValueError(
                        f"{where}, column 'aliases': alias {alias!r} already belongs to {owner!r}"
                    )
        object.__setattr__(self, "actors", actors)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_kinds", kinds)
        prefixes = {k: v for k, v in index.items() if " " in k}
        object.__setattr__(self, "_prefixes", prefixes)
        object.__setattr__(self, "_rules", self._parse_rules(self.rules, kinds))
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_inferred", {})
        states = {}
        for rec in actors.itertuples(index=False):
            if rec.kind == "state_force":
                for scope in _split_list(rec.country_scope):
                    states.setdefault(normalise_name(scope), rec.actor_id)
        states.update({"ivory coast": states.get("cote divoire", "military_cote_divoire")})
        object.__setattr__(self, "_states", states)

    def _parse_rules(self, rules: pd.DataFrame, kinds: dict[str, str]) -> tuple[_Rule, ...]:
        missing = [c for c in ("actor", "becomes") if c not in rules.columns]
        if missing:
            raise ValueError(f"{self.rules_source}: rule table lacks columns {missing}")
        table = rules.reindex(columns=list(RULE_COLUMNS)).astype(object).fillna("").astype(str)
        parsed = []
        for row, rec in enumerate(table.to_dict("records"), start=2):
            where = f"{self.rules_source}, row {row}"
            for col in ("actor", "becomes"):
                if rec[col] not in kinds:
                    raise ValueError(f"{where}, column {col!r}: unknown actor id {rec[col]!r}")
            if rec["source"] and rec["source"] not in RULE_SOURCES:
                raise ValueError(
                    f"{where}, column 'source': {rec['source']!r} is not one of {RULE_SOURCES}"
                )
            dates = []
            for col in ("date_from", "date_to"):
                try:
                    if rec[col] and not _ISO_DAY.match(rec[col]):
                        raise ValueError(rec[col])
                    dates.append(pd.Timestamp(rec[col]) if rec[col] else None)
                except ValueError:
                    raise ValueError(
                        f"{where}, column {col!r}: {rec[col]!r} is not a YYYY-MM-DD date"
                    ) from None
            bounds = []
            for col, default in (("lon_min", -np.inf), ("lon_max", np.inf),
                                 ("lat_min", -np.inf), ("lat_max", np.inf)):
                try:
                    bounds.append(float(rec[col]) if rec[col] else default)
                except ValueError:
                    raise ValueError(f"{where}, column {col!r}: {rec[col]!r} is not a number") \
                        from None
            countries = _split_list(rec["country"])
            admin1s = _split_list(rec["admin1"])
            parsed.append(_Rule(
                name=rec["rule"] or f"rule_{row}",
                actor=rec["actor"],
                becomes=rec["becomes"],
                source=rec["source"] or None,
                countries=frozenset(map(normalise_name, countries)) if countries else None,
                admin1s=frozenset(map(_place_key, admin1s)) if admin1s else None,
                date_from=dates[0],
                date_to=dates[1],
                bounds=(bounds[0], bounds[1], bounds[2], bounds[3]),
            ))
        return tuple(parsed)

    # -- single names -------------------------------------------------------------------------
    def _lookup(self, name: str) -> str | None:
        index: dict[str, str] = self._index  # type: ignore[attr-defined]
        text = _YEARS.sub(" ", name)
        hit = index.get(normalise_name(text))
        if hit:
            return hit
        suffix = _SUFFIX.match(text)
        if suffix and suffix.group(1).strip():
            hit = index.get(normalise_name(suffix.group(1)))
            if hit:
                return hit
        if ":" in text:
            head, _, tail = text.partition(":")
            hit = index.get(normalise_name(head)) or index.get(normalise_name(tail))
            if hit:
                return hit
        return None

    def _prefix(self, name: str) -> str | None:
        prefixes: dict[str, str] = self._prefixes  # type: ignore[attr-defined]
        words = normalise_name(_YEARS.sub(" ", name)).split()
        for n in range(len(words) - 1, 1, -1):
            hit = prefixes.get(" ".join(words[:n]))
            if hit:
                return hit
        return None

    def resolve_name(self, name: Any) -> tuple[Any, Any, bool]:
        """Resolve one raw name to ``(actor_id, associated_ids, known)`` (no place rules).

        ``associated_ids`` is a ``;``-joined string of coalition partners or ``pd.NA``; a
        missing or blank name gives ``(pd.NA, pd.NA, True)``.
        """
        if _is_missing(name):
            return pd.NA, pd.NA, True
        name = str(name)
        cache: dict[str, tuple[Any, Any, bool]] = self._cache  # type: ignore[attr-defined]
        if name in cache:
            return cache[name]
        hit = self._lookup(name)
        result: tuple[Any, Any, bool]
        parts = _AND_OR.split(name)
        if len(parts) > 1:
            ids = [self.resolve_name(p)[0] for p in parts]
            known = all(self.resolve_name(p)[2] for p in parts)
            unique = list(dict.fromkeys(i for i in ids if isinstance(i, str)))
            result = (_OR.join(unique), pd.NA, known) if unique else (_slug(name), pd.NA, False)
        elif hit:
            result = (hit, pd.NA, True)
        else:
            parts = [p for p in name.split(",") if p.strip()]
            ids = [self._lookup(p) for p in parts] if len(parts) > 1 else [None]
            if all(ids):
                rest = [i for i in dict.fromkeys(ids[1:]) if i != ids[0]]
                result = (ids[0], ";".join(rest) if rest else pd.NA, True)  # type: ignore[arg-type]
            else:
                hit = self._prefix(name) or self._state_by_name(name)
                result = (hit, pd.NA, True) if hit else (_slug(name), pd.NA, False)
                if not hit:
                    inferred: dict[str, str] = self._inferred  # type: ignore[attr-defined]
                    if _MILITIA_NAME.search(name):
                        inferred[result[0]] = "militia"
                    elif _CIVILIAN_NAME.search(name.strip()):
                        inferred[result[0]] = "civilians"
        cache[name] = result
        return result

    def _state_by_name(self, name: str) -> str | None:
        """The state force that ACLED's "Military Forces of X (years) Unit" names."""
        m = _STATE_NAME.match(_YEARS.sub(" (", name).strip())
        if m is None:
            return None
        country = normalise_name(m.group("country") or m.group("gov"))
        states: dict[str, str] = self._states  # type: ignore[attr-defined]
        if country in states:
            return states[country]
        new = "military_" + country.replace(" ", "_")
        kinds: dict[str, str] = self._kinds  # type: ignore[attr-defined]
        if new not in kinds:
            self._inferred[new] = "state_force"  # type: ignore[attr-defined]
        return new

    def actor_id(self, name: Any) -> Any:
        """Canonical id of ``name`` (a normalised form of it when unknown; NA when blank)."""
        return self.resolve_name(name)[0]

    def kind(self, actor: Any) -> Any:
        """Actor kind of a canonical id, or ``pd.NA`` when the id is not in the table.

        An ambiguous id (``"jnim_or_is_sahel"``) has its parts' common kind, else
        ``"unidentified"``.
        """
        kinds: dict[str, str] = self._kinds  # type: ignore[attr-defined]
        if actor in kinds or not isinstance(actor, str) or _OR not in actor:
            return kinds.get(actor, self._inferred.get(actor, pd.NA))  # type: ignore[attr-defined]
        parts = self.parts(actor)
        if not parts:
            return pd.NA
        found = {kinds[p] for p in parts}
        return found.pop() if len(found) == 1 else "unidentified"

    def parts(self, actor: str) -> tuple[str, ...]:
        """The known ids an ambiguous id joins (``()`` for any other id)."""
        if _OR not in actor:
            return ()
        pieces = tuple(actor.split(_OR))
        kinds: dict[str, str] = self._kinds  # type: ignore[attr-defined]
        return pieces if all(p in kinds for p in pieces) else ()

    def apply_rules(self, actor: str, *, source: str | None = None, country: Any = None,
                    admin1: Any = None, date: Any = None, longitude: Any = None,
                    latitude: Any = None) -> str:
        """The id ``actor`` becomes under the place/time rules for one event (scalar form).

        An ambiguous id has the rules applied to each part. The column form is
        :func:`resolve_actors`; both apply the first matching rule.
        """
        parts = self.parts(actor)
        if parts:
            done = [self.apply_rules(p, source=source, country=country, admin1=admin1,
                                     date=date, longitude=longitude, latitude=latitude)
                    for p in parts]
            return _OR.join(dict.fromkeys(done))
        rec = {"country": country, "admin1": admin1, "date": date, "longitude": longitude,
               "latitude": latitude}
        for rule in self.rule_list:
            if rule.actor == actor and _rule_applies_slow(rule, rec, source):
                return rule.becomes
        return actor

    @property
    def rule_list(self) -> tuple[_Rule, ...]:
        """The parsed rules, in the order they are tried."""
        return self._rules  # type: ignore[attr-defined]


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
    keys = np.array([fun(u) if not _is_missing(u) else "" for u in uniques] + [""], dtype=object)
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
    admin1_key = None if ctx_admin1 is None else _keys(ctx_admin1, _place_key)
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
    has_or = pd.Series(current, dtype=object).str.contains(_OR, regex=False).fillna(False)
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


def _rule_applies_slow(rule: _Rule, rec: dict[str, Any], source: str | None) -> bool:
    if rule.source is not None and rule.source != source:
        return False
    if rule.countries is not None and (
        _is_missing(rec["country"]) or normalise_name(rec["country"]) not in rule.countries
    ):
        return False
    if rule.admin1s is not None and (
        _is_missing(rec["admin1"]) or _place_key(rec["admin1"]) not in rule.admin1s
    ):
        return False
    if rule.date_from is not None or rule.date_to is not None:
        day = (pd.to_datetime(rec["date"], errors="coerce", format="ISO8601")
               if rec["date"] is not None else pd.NaT)
        if pd.isna(day):
            return False
        if rule.date_from is not None and day < rule.date_from:
            return False
        if rule.date_to is not None and day > rule.date_to:
            return False
    for key, lo, hi in (("longitude", *rule.bounds[:2]), ("latitude", *rule.bounds[2:])):
        if np.isfinite(lo) or np.isfinite(hi):
            value = pd.to_numeric(rec[key], errors="coerce") if rec[key] is not None else np.nan
            if not np.isfinite(value) or not lo <= value <= hi:
                return False
    return True


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
            if actor is not pd.NA and actor == rule.actor and _rule_applies_slow(rule, rec, source):
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
