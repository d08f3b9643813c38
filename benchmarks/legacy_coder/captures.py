r"""Arms-capture coding: which event reports a seizure of materiel, by whom, from whom, of what.

Looted weapons are the main source of arms of the jihadist groups of the central Sahel; a raid
that carries off rifles, rocket launchers and pick-up trucks changes what both sides can do
next. This module reads the free text of events (ACLED ``notes``, UCDP ``source_headline``) and
codes, per event, whether materiel was captured, the capturer, the actor it was captured from,
the materiel classes and a capability weight.

Materiel lexicon
----------------
``data/materiel.csv`` (see :func:`materiel_lexicon`) lists materiel names with a regular
expression, a class from :data:`MATERIEL_CLASSES` and an ordinal capability weight (one
Kalashnikov-pattern rifle = 1). Rows are tried in file order at each position of the text, so
specific names ("RPG-7 rockets") come before generic ones ("rockets"). A count written before a
name ("two RPG-7 launchers", "12 AK-47s", "a PKM") is kept with the item.

The weight of a capture is

.. math::

    W = \sum_{m \in M} w_m \, n_m, \qquad
    n_m = \begin{cases} \text{number given in the text} & m \text{ countable and a number is
    given} \\ 1 & \text{otherwise} \end{cases}

over the distinct lexicon entries :math:`M` found in capture clauses (an entry named twice
counts once, with the largest number given). Ammunition, explosives and unspecified "weapons"
are not countable: one mention is one lot.

Seizure grammar
---------------
A *capture clause* is a capture verb (seized, captured, looted, took, stole, made off with,
carried off, carted away, recovered, confiscated, discovered, hijacked, robbed, "seizure of",
...) with at least one lexicon item in its object:

* active voice: the items between the verb and the end of its clause (a full stop, a semicolon,
  ", killing", "before", "and burned", the next capture verb, ...);
* passive voice ("weapons were seized", "ammunition looted from the base"): the list of items
  that ends right before the verb.

A clause is *not* a capture when the object holds no materiel ("militants seized livestock",
"took control of the town", "captured three soldiers"), when the verb is negated or unrealised
("no weapons were seized", "did not seize", "without seizing", "tried to seize", "failed to
loot"), when the items are negated ("seized no weapons"), when "took up arms" is meant, or when
the clause goes on to destroy what was taken ("seized weapons and burned them"). Destruction by
itself ("weapons were destroyed", "burned the vehicles") is never a capture, and items that are
destroyed in a separate clause are not counted ("burned the vehicles and made off with
weapons" codes the weapons only).

Capturer and loser
------------------
Text patterns come first, then the event's actors. A *mention* is the event's own actor name
where the text uses it (``actor1_raw``, ``actor2_raw``, or the id read with spaces), else one of
the curated group and role patterns of :mod:`sahelmodel._text`. The grammar itself is
:mod:`sahelmodel._grammar` and the lexicon is loaded and checked by :mod:`sahelmodel._materiel`.

1. **Capturer named in the text**: for active verbs, the nearest mention before the verb in
   subject position (not after "of", "from", "on", "against", an attack verb, ...; a mention
   in apposition, "Al-Qaeda affiliated (JNIM) militants", takes the position of the first);
   for passive verbs, only the agent after "by" (in "13 terrorists neutralized, weapons
   recovered" the terrorists are not the capturers).
2. **Loser named in the text**: a mention after "from", "belonging to", "abandoned by" or a
   possessive ("the soldiers' weapons") in the object; the victim of "robbed"/"stripped"; for
   a passive, the subject of "abandoned"/"left"/"lost" ("the assailants abandoned weapons,
   which were recovered"); else the first mention in object position in the sentence
   ("attacked positions of the Malian army", "overran JNIM positions") that is not an ally
   ("supported by Wagner").
3. **Resolution**: group names give their id (``jnim``; any Islamic State mention gives the IS
   branch among the event's actors, else ``is_sahel``). Roles ("soldiers", "security forces",
   "militants", "villagers", "the Malian army") give the event actor of the matching kind
   (``actor1_kind``/``actor2_kind``, else the alias table). Generic role words ("the
   attackers", "the assailants", "the raiders") name whoever attacked, whatever its kind: the
   event's initiator ``actor1`` when the event is ``directed``; otherwise the actor the text
   says attacked, the subject of the last attack verb before the role word ("Soldiers of the
   Malian army attacked JNIM positions. The attackers made off with rifles" gives the Malian
   army as capturer) or the agent of a passive attack ("was attacked by soldiers"); otherwise
   the event's single non-civilian actor, and nobody when there are two ("clashed with" says
   nothing about who attacked). A state role with no state actor in the event gives the state
   force of the named nationality or of ``country``.
4. **Event fallback**: when a role fits both actors (e.g. "militants" in a JNIM–IS Sahel clash)
   and the event is ``directed``, ``actor1`` is the capturer; when the text names only the
   loser, the capturer is the event's other actor; when the text names no capturer, verbs of
   state action ("recovered", "confiscated", "discovered an arms cache") give the state actor
   of the event, else ``actor1`` if the event is ``directed`` or has a single actor. When the
   text names no loser, the loser is the event actor that is not the capturer. Otherwise the
   field stays missing: an undirected two-actor event whose text names nobody has a capture
   with unknown parties.

Ambiguous cases and how they are coded
--------------------------------------
* "seized and destroyed an arms cache", "found an IED and defused it": not captures (nothing
  was kept), although the loser lost materiel. An IED or mine found and not destroyed in the
  same clause is a capture of ``ammunition``.
* Vehicles and motorbikes taken from civilians are captures (classes ``vehicle`` and
  ``motorcycle``, ``captured_from`` the civilians): they are the mobility of armed groups.
* Livestock, food, money and fuel are not materiel; "looted the camp" with no materiel word is
  not coded.
* Claims ("IS claims seizing weapons", "JNIM displayed the spoils") are coded as reported.

What the coder cannot know
--------------------------
It reads one event's text and nothing else: it cannot check claims (jihadist propaganda
inflates "spoils", state communiqués inflate recoveries), cannot tell whether materiel "taken"
was kept, sold or destroyed later, cannot count items the text does not count (a plural without
a number weighs as one), and does not resolve pronouns across sentences ("they took their
weapons" has no named parties and falls back on the event's actors). Looting of an unnamed
"camp" without a materiel word is not coded. Mentions of generic "equipment" are not coded (too
often non-military). A capture verb in a quoted claim is coded as reported.

Column contract
---------------
:func:`code_captures` returns a new :class:`~sahelmodel.events.EventTable` whose canonical
columns ``capture`` (boolean), ``capturer``, ``captured_from`` (canonical ids or missing),
``materiel`` (``;``-joined classes in order of first mention, missing when no capture) and
``capture_weight`` (float, 0 when no capture) are recoded from ``notes``.

Examples
--------
>>> r = parse_capture("JNIM militants attacked positions of the Malian army near Boni, "
...                   "killing 12 and seizing assault rifles and two RPG-7 launchers")
>>> r.capture, r.capturer, r.captured_from, r.materiel, r.weight
(True, 'jnim', 'military_mali', ['assault_rifle', 'rocket_launcher'], 7.0)
>>> parse_capture("Militants seized livestock in Gorom-Gorom").capture
False
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.legacy_coder._grammar import (
    ATTACKER_ROLE,
    STATE_VERBS,
    VERB_ANY_SOURCE,
    Clause,
    parse_clauses,
)
from benchmarks.legacy_coder._materiel import MATERIEL_CLASSES, compiled_lexicon, materiel_lexicon
from benchmarks.legacy_coder._text import NamesKey, event_names, is_missing, normalise_text
from sahelmodel.events import EventTable

__all__ = [
    "MATERIEL_CLASSES",
    "CaptureItem",
    "CaptureResult",
    "code_captures",
    "code_captures_slow",
    "materiel_lexicon",
    "parse_capture",
]


def _parse_text(text: str, names: NamesKey = ()) -> tuple[Clause, ...]:
    """Capture clauses of one text with the lexicon of ``data/materiel.csv`` (cached)."""
    return parse_clauses(text, names, compiled_lexicon().patterns)


@dataclass(frozen=True)
class CaptureItem:
    """One lexicon entry found in a capture clause.

    Attributes
    ----------
    name : str
        Lexicon name (``data/materiel.csv``), e.g. ``"rpg_7"``.
    materiel_class : str
        Its class, one of :data:`MATERIEL_CLASSES`.
    count : int or None
        The number written before it ("two RPG-7 launchers" → 2), None when not given.
    weight : float
        Its contribution to the capture weight (lexicon weight × count for countable items).
    text : str
        The words matched.
    """

    name: str
    materiel_class: str
    count: int | None
    weight: float
    text: str



# --------------------------------------------------------------------------------------------
# actor resolution
# --------------------------------------------------------------------------------------------
_ROLE_KINDS: dict[str, tuple[str, ...]] = {
    "@state": ("state_force",),
    "@foreign": ("foreign_force",),
    "@militia": ("militia",),
    "@armed": ("jihadist_group", "armed_movement", "unidentified"),
    "@civilians": ("civilians",),
}
_IS_FAMILY = ("is_sahel", "iswap", "islamic_state")


@lru_cache(maxsize=4096)
def _actor_kind(actor: str) -> str | None:
    try:
        from sahelmodel.coding.actors import actor_kind
    except ImportError:  # pragma: no cover - actors.py ships with the package
        return None
    kind = actor_kind(actor)
    return None if kind is None or kind is pd.NA or isinstance(kind, float) else str(kind)


@lru_cache(maxsize=64)
def _state_force_of(country: str) -> str | None:
    """Canonical id of the state force of ``country`` in the alias table, if there is one."""
    try:
        from sahelmodel.coding.actors import alias_table
    except ImportError:  # pragma: no cover
        return None
    table = alias_table()
    key = country.strip().casefold()
    for rec in table.loc[table["kind"] == "state_force"].itertuples(index=False):
        scopes = [s.strip().casefold() for s in str(rec.country_scope).split(";")]
        if key in scopes:
            return str(rec.actor_id)
    return None


@dataclass(frozen=True)
class _Event:
    actors: tuple[tuple[str, str | None], ...]
    directed: bool
    country: str | None

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(a for a, _ in self.actors)


def _make_event(actor1: Any, actor2: Any, kind1: Any, kind2: Any, directed: Any,
                country: Any) -> _Event:
    actors = []
    for actor, kind in ((actor1, kind1), (actor2, kind2)):
        if is_missing(actor):
            continue
        actor = str(actor)
        if any(actor == a for a, _ in actors):
            continue
        actors.append((actor, str(kind) if not is_missing(kind) else _actor_kind(actor)))
    return _Event(tuple(actors), bool(directed) if not is_missing(directed) else False,
                  None if is_missing(country) else str(country))




def _resolve(target: str | None, event: _Event,
             antecedent: str | None = None) -> tuple[str | None, tuple[str, ...]]:
    """Resolve a mention target to an id; also return the candidates when it is ambiguous.

    ``antecedent`` is the target of whoever the text says attacked, which a generic role word
    (``@attacker``) refers to when the event is not directed.
    """
    if target is None:
        return None, ()
    if not target.startswith("@"):
        return target, ()
    role, _, nationality = target.partition(":")
    if role == "@is":
        family = [a for a in event.ids if a in _IS_FAMILY]
        return (family[0] if len(family) == 1 else "is_sahel"), ()
    if role == ATTACKER_ROLE:
        # "the attackers": the initiator of a directed event, whatever its kind; else whoever
        # the text says attacked; else nobody in particular among the event's armed actors
        if event.directed and event.ids:
            return event.ids[0], ()
        if antecedent is not None and antecedent != ATTACKER_ROLE:
            return _resolve(antecedent, event)
        candidates = tuple(a for a, k in event.actors if k != "civilians")
        return (candidates[0], ()) if len(candidates) == 1 else (None, candidates)
    kinds = _ROLE_KINDS[role]
    candidates = tuple(a for a, k in event.actors if k in kinds)
    if role == "@armed" and not candidates:
        candidates = tuple(a for a, k in event.actors if k == "militia")
    if len(candidates) == 1:
        return candidates[0], ()
    if role == "@state" and nationality:
        own = _state_force_of(nationality)
        if own is not None and (not candidates or own in candidates):
            return own, ()
    if len(candidates) > 1:
        return None, candidates
    if role == "@state" and event.country:
        return _state_force_of(event.country), ()
    return None, ()


def _other(event: _Event, actor: str) -> str | None:
    others = [a for a in event.ids if a != actor]
    return others[0] if len(event.ids) == 2 and len(others) == 1 else None


@dataclass(frozen=True)
class CaptureResult:
    r"""The coded capture of one text.

    Attributes
    ----------
    capture : bool
        True when at least one capture clause was found.
    capturer, captured_from : str or None
        Canonical ids of the capturing actor and of the actor that lost the materiel, or None
        when neither the text nor the event's actors say.
    materiel : list of str
        Materiel classes, in order of first mention.
    items : list of CaptureItem
        The lexicon entries found, with counts where the text gives numbers.
    weight : float
        Capability weight :math:`\sum_m w_m n_m` (see the module notes); 0 without capture.
    evidence : str
        The capture clause(s) matched, joined by ``" | "``.
    capturer_basis, captured_from_basis : str
        ``"text"`` when the text named the actor, ``"event"`` when it came from the event's
        actors, ``""`` when unknown.
    capturer_text, captured_from_text : str
        The words of the text that name the capturer and the loser (``""`` when the text
        names none), e.g. ``"Security forces"``.
    capturer_kind, captured_from_kind : str or None
        The actor kind (:data:`sahelmodel.events.ACTOR_KINDS`) of the resolved actor, or,
        when the text names a role but no event actor resolves it, the kind the role implies
        ("soldiers" → ``"state_force"``); None when unknown ("militants" fits several kinds).
    """

    capture: bool
    capturer: str | None = None
    captured_from: str | None = None
    materiel: list[str] = field(default_factory=list)
    items: list[CaptureItem] = field(default_factory=list)
    weight: float = 0.0
    evidence: str = ""
    capturer_basis: str = ""
    captured_from_basis: str = ""
    capturer_text: str = ""
    captured_from_text: str = ""
    capturer_kind: str | None = None
    captured_from_kind: str | None = None


_NO_CAPTURE = CaptureResult(capture=False)


def _merge_items(clauses: Sequence[Clause]) -> list[CaptureItem]:
    lex = compiled_lexicon()
    order: list[int] = []
    counts: dict[int, int | None] = {}
    texts: dict[int, str] = {}
    for clause in clauses:
        for it in clause.items:
            if it.index not in counts:
                order.append(it.index)
                counts[it.index] = it.count
                texts[it.index] = it.text
            elif it.count is not None and (counts[it.index] or 0) < it.count:
                counts[it.index] = it.count
    out = []
    for i in order:
        n = counts[i]
        factor = n if (lex.countable[i] and n is not None) else 1
        out.append(CaptureItem(lex.names[i], lex.classes[i], n, lex.weights[i] * factor,
                               texts[i]))
    return out


def _code(clauses: tuple[Clause, ...], event: _Event) -> CaptureResult:
    if not clauses:
        return _NO_CAPTURE
    cap_clause = next((c for c in clauses if c.capturer), None)
    los_clause = next((c for c in clauses if c.loser), None)
    cap_target = cap_clause.capturer if cap_clause else None
    los_target = los_clause.loser if los_clause else None
    cap_attacker = cap_clause.attacker if cap_clause else None
    los_attacker = los_clause.attacker if los_clause else None
    capturer, cap_cands = _resolve(cap_target, event, cap_attacker)
    loser, los_cands = _resolve(los_target, event, los_attacker)
    cap_basis = "text" if capturer else ""
    los_basis = "text" if loser else ""
    if capturer is None and cap_cands and event.directed and event.ids[0] in cap_cands:
        capturer, cap_basis = event.ids[0], "event"
    if capturer is None and loser is not None and loser in event.ids:
        capturer = _other(event, loser)
        cap_basis = "event" if capturer else ""
    if capturer is None and cap_target is None and event.ids:
        if clauses[0].family in STATE_VERBS:
            states = [a for a, k in event.actors if k == "state_force"]
            if len(states) == 1:
                capturer, cap_basis = states[0], "event"
        if capturer is None and (event.directed or len(event.ids) == 1):
            capturer, cap_basis = event.ids[0], "event"
    if loser is None and capturer is not None:
        if los_cands:
            rest = [a for a in los_cands if a != capturer]
            loser = rest[0] if len(rest) == 1 else None
        elif capturer in event.ids:
            loser = _other(event, capturer)
        los_basis = "event" if loser else ""
    if loser is not None and loser == capturer:
        loser, los_basis = None, ""
    cap_text = next((c.capturer_text for c in clauses if c.capturer), "")
    los_text = next((c.loser_text for c in clauses if c.loser), "")
    items = _merge_items(clauses)
    classes = list(dict.fromkeys(it.materiel_class for it in items))
    return CaptureResult(
        capture=True,
        capturer=capturer,
        captured_from=loser,
        materiel=classes,
        items=items,
        weight=float(sum(it.weight for it in items)),
        evidence=" | ".join(c.evidence for c in clauses),
        capturer_basis=cap_basis,
        captured_from_basis=los_basis,
        capturer_text=cap_text,
        captured_from_text=los_text,
        capturer_kind=_kind_of(capturer, cap_target, event, cap_attacker),
        captured_from_kind=_kind_of(loser, los_target, event, los_attacker),
    )


_ROLE_KIND = {"@state": "state_force", "@foreign": "foreign_force", "@militia": "militia",
              "@civilians": "civilians", "@is": "jihadist_group"}


def _kind_of(actor: str | None, target: str | None, event: _Event,
             antecedent: str | None = None) -> str | None:
    if actor is not None:
        kind = dict(event.actors).get(actor)
        return kind if kind is not None else _actor_kind(actor)
    if target == ATTACKER_ROLE and not event.directed and antecedent is not None:
        target = antecedent
    if target is not None and target.startswith("@"):
        return _ROLE_KIND.get(target.partition(":")[0])
    return None


def parse_capture(
    text: Any,
    *,
    actor1: str | None = None,
    actor2: str | None = None,
    country: str | None = None,
    directed: bool = False,
    actor1_kind: str | None = None,
    actor2_kind: str | None = None,
    actor1_name: str | None = None,
    actor2_name: str | None = None,
) -> CaptureResult:
    r"""Code the arms capture reported in one text.

    Parameters
    ----------
    text : str
        Event notes or headline (missing values give no capture).
    actor1, actor2 : str, optional
        Canonical ids of the event's actors, used to resolve role words ("soldiers",
        "militants") and when the text names no capturer or loser.
    country : str, optional
        Country of the event: resolves "soldiers" to its state force when no event actor is
        a state force.
    directed : bool
        True when ``actor1`` is known to have initiated the event (breaks ties when a role
        word fits both actors).
    actor1_kind, actor2_kind : str, optional
        Actor kinds (default: from the alias table of :mod:`sahelmodel.actors`).
    actor1_name, actor2_name : str, optional
        The actors' names as the source writes them (``actor1_raw``): where the text uses
        them ("Group 11 fighters", "Military Forces of Mali") they name the actor directly.
        The ids themselves, read with spaces ("is sahel"), are recognised too.

    Returns
    -------
    CaptureResult

    Notes
    -----
    See the module notes for the seizure grammar, the order in which capturer and loser are
    inferred, and the capability weight :math:`W = \sum_m w_m n_m`.

    Examples
    --------
    >>> r = parse_capture("Security forces seized weapons from suspected militants",
    ...                   actor1="military_niger", actor2="is_sahel")
    >>> r.capture, r.capturer, r.captured_from, r.materiel
    (True, 'military_niger', 'is_sahel', ['unspecified_arms'])
    >>> parse_capture("No weapons were seized during the raid.").capture
    False
    """
    names = event_names((actor1, actor2), (actor1_name, actor2_name))
    clauses = _parse_text(text if isinstance(text, str) else normalise_text(text), names)
    return _code(clauses, _make_event(actor1, actor2, actor1_kind, actor2_kind, directed,
                                      country))


# --------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------
_EVENT_COLUMNS = ("notes", "actor1", "actor2", "actor1_kind", "actor2_kind", "directed",
                  "country", "actor1_raw", "actor2_raw")


def _columns(results: Sequence[CaptureResult], index: pd.Index) -> dict[str, Any]:
    n = len(results)
    capture = np.fromiter((r.capture for r in results), dtype=bool, count=n)
    capturer = [r.capturer if r.capture else None for r in results]
    loser = [r.captured_from if r.capture else None for r in results]
    materiel = [";".join(r.materiel) if r.capture else None for r in results]
    weight = np.fromiter((r.weight for r in results), dtype=float, count=n)
    return {
        "capture": pd.array(capture, dtype="boolean"),
        "capturer": pd.array(capturer, dtype="string"),
        "captured_from": pd.array(loser, dtype="string"),
        "materiel": pd.array(materiel, dtype="string"),
        "capture_weight": weight,
    }


def _records(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    cols = [frame[c].astype(object).where(frame[c].notna(), None) for c in _EVENT_COLUMNS]
    return list(zip(*cols, strict=True))


def code_captures(events: EventTable) -> EventTable:
    """Code arms captures from the ``notes`` of every event; return a new table.

    The capture columns (``capture``, ``capturer``, ``captured_from``, ``materiel``,
    ``capture_weight``) are recoded from the text; all other columns are kept.

    Parameters
    ----------
    events : EventTable

    Returns
    -------
    EventTable
        A new table (the input is unchanged) with the same read report.

    Notes
    -----
    Vectorised in two stages: the compiled regular expression of the capture verbs runs over
    the whole ``notes`` column with pandas ``.str.contains``; only rows with a capture verb
    (candidates) get the clause grammar of :func:`parse_capture`, once per distinct
    combination of text and actors. :func:`code_captures_slow` is the row-by-row reference
    it is tested against.

    Examples
    --------
    >>> t = EventTable.from_records([
    ...     {"event_id": "a", "date": "2024-03-24", "actor1": "is_sahel", "actor2": "jnim",
    ...      "event_type": "battle", "fatalities": 0, "directed": True,
    ...      "notes": "IS Sahel fighters overran JNIM positions and carried off Type 56 "
    ...               "rifles and RPG-7 launchers."},
    ...     {"event_id": "b", "date": "2024-03-25", "actor1": "jnim", "event_type": "battle",
    ...      "fatalities": 0, "notes": "JNIM militants seized livestock."}])
    >>> coded = code_captures(t).frame
    >>> coded["capture"].tolist(), coded.loc[0, "capturer"], coded.loc[0, "materiel"]
    ([True, False], 'is_sahel', 'assault_rifle;rocket_launcher')
    """
    if not isinstance(events, EventTable):
        raise TypeError(f"events must be an EventTable, got {type(events).__name__}")
    frame = events.frame
    n = len(frame)
    notes = frame["notes"].astype("string").fillna("")
    candidate = notes.str.contains(VERB_ANY_SOURCE, flags=re.IGNORECASE, regex=True,
                                   na=False).to_numpy(dtype=bool)
    results: list[CaptureResult] = [_NO_CAPTURE] * n
    rows = np.flatnonzero(candidate)
    if rows.size:
        memo: dict[tuple[Any, ...], CaptureResult] = {}
        for row, rec in zip(rows, _records(frame.iloc[rows]), strict=True):
            res = memo.get(rec)
            if res is None:
                text, a1, a2, k1, k2, directed, country, r1, r2 = rec
                names = event_names((a1, a2), (r1, r2))
                res = _code(_parse_text(text, names),
                            _make_event(a1, a2, k1, k2, directed, country))
                memo[rec] = res
            results[row] = res
    return events.with_columns(**_columns(results, frame.index))


def code_captures_slow(events: EventTable) -> EventTable:
    """Reference for :func:`code_captures`: :func:`parse_capture` on every row, one by one.

    Examples
    --------
    >>> t = EventTable.from_records([{"event_id": "a", "date": "2020-01-01",
    ...     "actor1": "jnim", "event_type": "battle", "fatalities": 0,
    ...     "notes": "JNIM looted two pick-up trucks"}])
    >>> code_captures_slow(t).frame.loc[0, "capture_weight"]
    np.float64(6.0)
    """
    frame = events.frame
    results = [
        parse_capture(text, actor1=a1, actor2=a2, actor1_kind=k1, actor2_kind=k2,
                      directed=bool(directed) if directed is not None else False,
                      country=country, actor1_name=r1, actor2_name=r2)
        for text, a1, a2, k1, k2, directed, country, r1, r2 in _records(frame)
    ]
    return events.with_columns(**_columns(results, frame.index))
