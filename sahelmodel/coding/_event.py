"""The event a text belongs to: its sides, and mention targets resolved to the event's actors.

A capture clause names its sides with mention targets (:mod:`sahelmodel.coding._mentions`):
group ids, roles ("@state", "@armed", "@attacker", "@civilians") or "@is". This module turns
them into canonical actor ids against the event: group ids go through the readers' alias table
and place/time rules (:meth:`sahelmodel.coding.actors.ActorRegistry.apply_rules`) and then to
the side they belong to (an associated actor or one part of an ambiguous "X and/or Y" actor
names that side's primary actor); roles take the event actor of the matching kind, or the
state force of the country named or of the event's country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from sahelmodel.coding._text import is_missing
from sahelmodel.coding.actors import ambiguous_parts, default_registry

__all__ = ["ROLE_KIND", "Event", "event_country", "make_event", "other_actor", "resolve_target"]

_IS_FAMILY = ("is_sahel", "iswap", "islamic_state", "is_somalia")


@dataclass(frozen=True)
class Event:
    """The actors of one event, the ids that name each side, and its place/time context."""

    actors: tuple[tuple[str, str | None], ...]  # primary actor of each side, with its kind
    sides: tuple[frozenset[str], ...]  # every id that names each side (assoc, and/or parts)
    directed: bool
    country: str | None
    context: tuple[Any, ...]  # (source, country, admin1, date, longitude, latitude)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(a for a, _ in self.actors)

    def kind(self, actor: str) -> str | None:
        return dict(self.actors).get(actor) or kind_of_id(actor)


@lru_cache(maxsize=4096)
def kind_of_id(actor: str) -> str | None:
    kind = default_registry().kind(actor)
    return None if kind is None or kind is pd.NA else str(kind)


_COUNTRY_WORDS = re.compile(
    r"\b(Burkina\s+Faso|Mali|Niger|Nigeria|Benin|Togo|Chad|Cameroon|Mauritania|Somalia|"
    r"Ivory\s+Coast|Ghana|Algeria|Libya)\b")


def event_country(country: Any, text: str) -> str | None:
    """The event's country, else the first country its text names."""
    if not is_missing(country):
        return str(country)
    found = _COUNTRY_WORDS.search(text)
    if found is None:
        return None
    name = re.sub(r"\s+", " ", found.group(1))
    return "Côte d'Ivoire" if name == "Ivory Coast" else name


def make_event(actor1: Any, actor2: Any, kind1: Any, kind2: Any, directed: Any,
                country: Any, assoc1: Any = None, assoc2: Any = None,
                context: tuple[Any, ...] = ()) -> Event:
    actors: list[tuple[str, str | None]] = []
    sides: list[frozenset[str]] = []
    for actor, kind, assoc in ((actor1, kind1, assoc1), (actor2, kind2, assoc2)):
        if is_missing(actor):
            continue
        actor = str(actor)
        if any(actor == a for a, _ in actors):
            continue
        names = {actor, *ambiguous_parts(actor)}
        if not is_missing(assoc):
            for a in str(assoc).split(";"):
                if a.strip():
                    names.update({a.strip(), *ambiguous_parts(a.strip())})
        actors.append((actor, str(kind) if not is_missing(kind) else kind_of_id(actor)))
        sides.append(frozenset(names))
    ctry = None if is_missing(country) else str(country)
    ctx = context if context else (None, ctry, None, None, None, None)
    return Event(tuple(actors), tuple(sides),
                  bool(directed) if not is_missing(directed) else False, ctry, ctx)


@lru_cache(maxsize=1)
def _ruled() -> frozenset[str]:
    """Actor ids that some place/time rule may change."""
    return frozenset(rule.actor for rule in default_registry().rule_list)


def apply_rules(actor: str, context: tuple[Any, ...]) -> str:
    """The id ``actor`` becomes under the readers' place/time rules for this event."""
    parts = ambiguous_parts(actor) or (actor,)
    if not any(p in _ruled() for p in parts):
        return actor  # most ids have no rule: no need to look at the place and date
    return _apply_rules(actor, context)


@lru_cache(maxsize=8192)
def _apply_rules(actor: str, context: tuple[Any, ...]) -> str:
    source, country, admin1, date, lon, lat = context
    return default_registry().apply_rules(actor, source=source, country=country, admin1=admin1,
                                          date=date, longitude=lon, latitude=lat)


@lru_cache(maxsize=64)
def state_force_of(country: str) -> str | None:
    """Canonical id of the state force of ``country`` in the alias table, if there is one."""
    table = default_registry().actors
    key = country.strip().casefold()
    for rec in table.loc[table["kind"] == "state_force"].itertuples(index=False):
        scopes = [s.strip().casefold() for s in str(rec.country_scope).split(";")]
        if key in scopes:
            return str(rec.actor_id)
    return None


_ROLE_KINDS: dict[str, tuple[str, ...]] = {
    "@state": ("state_force",),
    "@foreign": ("foreign_force",),
    "@militia": ("militia",),
    "@armed": ("jihadist_group", "armed_movement", "unidentified"),
    "@civilians": ("civilians",),
}
ROLE_KIND = {"@state": "state_force", "@foreign": "foreign_force", "@militia": "militia",
              "@civilians": "civilians", "@is": "jihadist_group", "@armed": None}


def _side_of(actor: str, event: Event) -> str:
    """The primary actor of the event side that ``actor`` names, else ``actor`` itself."""
    for (primary, _), names in zip(event.actors, event.sides, strict=True):
        if actor in names:
            return primary
    return actor


def resolve_target(target: str | None, event: Event, attacker: str | None = None
                   ) -> tuple[str | None, tuple[str, ...]]:
    """Resolve a mention target to an id; also return the candidates when it is ambiguous."""
    if target is None:
        return None, ()
    if not target.startswith("@"):
        return _side_of(apply_rules(target, event.context), event), ()
    role, _, nationality = target.partition(":")
    if role == "@is":
        family = [a for a in event.ids if a in _IS_FAMILY or set(ambiguous_parts(a)) &
                  set(_IS_FAMILY)]
        if len(family) == 1:
            return family[0], ()
        resolved = apply_rules("islamic_state", event.context)
        return (resolved if resolved != "islamic_state" else "is_sahel"), ()
    if role == "@attacker":
        if event.directed and event.ids:
            return event.ids[0], ()
        if attacker is not None and attacker != "@attacker":
            return resolve_target(attacker, event)
        candidates = tuple(a for a, k in event.actors if k != "civilians")
        return (candidates[0], ()) if len(candidates) == 1 else (None, candidates)
    if role not in _ROLE_KINDS:
        return None, ()
    kinds = _ROLE_KINDS[role]
    candidates = tuple(a for a, k in event.actors if k in kinds)
    if role == "@armed" and not candidates:
        candidates = tuple(a for a, k in event.actors if k == "militia")
    if role == "@state" and not candidates:
        candidates = tuple(a for a, k in event.actors if k == "foreign_force")
    if len(candidates) == 1:
        return candidates[0], ()
    if role == "@state" and nationality:
        own = state_force_of(nationality)
        if own is not None and (not candidates or own in candidates):
            return own, ()
    if len(candidates) > 1:
        return None, candidates
    if role == "@state" and event.country:
        return state_force_of(event.country), ()
    if role == "@civilians":
        return "civilians", ()  # "traders", "smugglers" not among the event's actors
    return None, ()


def other_actor(event: Event, actor: str) -> str | None:
    others = [a for a in event.ids if a != actor]
    return others[0] if len(event.ids) == 2 and len(others) == 1 else None
