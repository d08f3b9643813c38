"""The actor registry: the alias table and place/time rules, indexed for fast lookup.

:class:`ActorRegistry` holds the curated alias table and rule table of
:mod:`sahelmodel.coding.actors` (where the name matching and the tables are documented), checks
them when loaded, resolves single names and applies the rules to single actors; the column
forms used by the readers are :func:`sahelmodel.coding.actors.resolve_actors` and its
row-by-row reference.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel.events import ACTOR_KINDS

__all__ = ["ACTOR_COLUMNS", "OR", "RULE_COLUMNS", "RULE_SOURCES", "ActorRegistry", "normalise_name",
           "place_key", "rule_applies"]

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
#: What joins the parts of an ambiguous actor id ("jnim_or_is_sahel").
OR = "_or_"


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


def place_key(name: Any) -> str:
    """Key of a place name without generic words such as 'region' or 'department'."""
    return " ".join(w for w in normalise_name(name).split() if w not in _PLACE_WORDS)


def _slug(name: str) -> str:
    """Snake-case id kept by a name that is not in the alias table."""
    slug = normalise_name(_YEARS.sub(" ", name)).replace(" ", "_")
    return slug or "unnamed_actor"


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


@dataclass(frozen=True)
class Rule:
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

    def _parse_rules(self, rules: pd.DataFrame, kinds: dict[str, str]) -> tuple[Rule, ...]:
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
            parsed.append(Rule(
                name=rec["rule"] or f"rule_{row}",
                actor=rec["actor"],
                becomes=rec["becomes"],
                source=rec["source"] or None,
                countries=frozenset(map(normalise_name, countries)) if countries else None,
                admin1s=frozenset(map(place_key, admin1s)) if admin1s else None,
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
        if is_missing(name):
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
            result = (OR.join(unique), pd.NA, known) if unique else (_slug(name), pd.NA, False)
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
        if actor in kinds or not isinstance(actor, str) or OR not in actor:
            return kinds.get(actor, self._inferred.get(actor, pd.NA))  # type: ignore[attr-defined]
        parts = self.parts(actor)
        if not parts:
            return pd.NA
        found = {kinds[p] for p in parts}
        return found.pop() if len(found) == 1 else "unidentified"

    def parts(self, actor: str) -> tuple[str, ...]:
        """The known ids an ambiguous id joins (``()`` for any other id)."""
        if OR not in actor:
            return ()
        pieces = tuple(actor.split(OR))
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
            return OR.join(dict.fromkeys(done))
        rec = {"country": country, "admin1": admin1, "date": date, "longitude": longitude,
               "latitude": latitude}
        for rule in self.rule_list:
            if rule.actor == actor and rule_applies(rule, rec, source):
                return rule.becomes
        return actor

    @property
    def rule_list(self) -> tuple[Rule, ...]:
        """The parsed rules, in the order they are tried."""
        return self._rules  # type: ignore[attr-defined]




def rule_applies(rule: Rule, rec: dict[str, Any], source: str | None) -> bool:
    if rule.source is not None and rule.source != source:
        return False
    if rule.countries is not None and (
        is_missing(rec["country"]) or normalise_name(rec["country"]) not in rule.countries
    ):
        return False
    if rule.admin1s is not None and (
        is_missing(rec["admin1"]) or place_key(rec["admin1"]) not in rule.admin1s
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
