r"""Arms-capture coding: which event reports a seizure of materiel, by whom, from whom, of what.

Looted weapons are the main source of arms of the jihadist groups of the central Sahel; a raid
that carries off rifles, rocket launchers and pick-up trucks changes what both sides can do
next. This module reads the free text of events (ACLED ``notes``, UCDP ``source_headline``) and
codes, per event, whether arms were captured, the capturer, the actor they were captured from,
the materiel classes, a capability weight, a confidence and the words that say so.

The codebook
------------
An *arms capture* is one party taking possession of arms, ammunition, explosives or military
equipment, or of vehicles and motorbikes of an armed actor, from another party: militants
looting a post, soldiers recovering weapons after a clash, seizures between armed groups,
booty, items taken and then destroyed, claims by a group or by the army. It is **not** a capture
when what is taken is civilian property (livestock, cash, goods, phones, and the vehicles and
motorbikes of traders, villagers, NGOs, companies or officials: that is *looting*, coded in the
review table, never as ``capture``), when items are only destroyed, when the seizure is negated
or only attempted, when persons or places are taken without materiel, and when no party owned
the items (a cache found with no owner named or implied). "Seized or destroyed" is hedged and
not coded as a capture. Materiel classes are the codebook's ten, :data:`MATERIEL_CLASSES`.

Who took from whom
------------------
The grammar (:mod:`sahelmodel.coding._clauses`) reads, for every capture clause, the words that
name the capturer (a passive's agent, the subject of the verb through coordination, the author
of a claim, the side opposite the casualties, the attacker) and the loser ("from", "belonging
to", a possessive, "their", the party attacked, the casualties). Mentions become actor ids here:

1. group names go through the alias table *and the place/time rules* of
   :mod:`sahelmodel.coding.actors`, exactly as the readers resolve actor fields (an "ISWAP"
   mention in Mali is ``is_sahel``; "Katiba Macina" after 2 March 2017 is ``jnim``), and an id
   that is one side's associated actor or one part of an ambiguous "X and/or Y" actor names that
   side's primary actor;
2. roles ("soldiers", "militants", "the attackers", "villagers") resolve to the event actor of
   the matching kind; "soldiers" with no state actor in the event give the state force of the
   country named;
3. the event's actor fields are evidence *beside* the text, never against it: when the text
   names one side, the other is the event's other actor; when it names neither, verbs that
   state forces use ("recovered", "confiscated") give the state side, a directed event gives its
   initiator, and otherwise the side stays unknown. A passive seizure in a battle between state
   forces and a non-state group, reported with no agent, casualties or claim, is the state's
   (the low-confidence reading of an army communique).

Several clauses are weighed by the strength of their evidence; the main direction is reported
in ``capturer``/``captured_from`` and a capture in the other direction in the same text is kept
in the review table (``reverse_capturer``, ``reverse_captured_from``).

Capability weight
-----------------
``data/materiel.csv`` (:func:`materiel_lexicon`) gives each materiel name a weight (one
Kalashnikov-pattern rifle = 1). The weight of a capture is

.. math::

    W = \sum_{m \in M} w_m \, n_m, \qquad
    n_m = \begin{cases} \text{number given in the text} & m \text{ countable and a number is
    given} \\ 1 & \text{otherwise} \end{cases}

over the distinct lexicon entries :math:`M` found in capture clauses.

What the coder cannot know
--------------------------
It reads one event's text: it cannot check claims (propaganda inflates "spoils", communiques
inflate recoveries), count what the text does not count, or resolve references across events.
Its confidence (:class:`CaptureResult`) says how direct the evidence was; the review table and
the corrections file (:mod:`sahelmodel.coding.review`) are for the cases that matter.

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

import gc
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel.coding._clauses import STATE_VERBS, VERB_ANY_SOURCE, Clause, parse_clauses
from sahelmodel.coding._event import (
    ROLE_KIND,
    Event,
    event_country,
    make_event,
    other_actor,
    resolve_target,
)
from sahelmodel.coding._materiel import (
    CIVILIAN_CLASSES,
    MATERIEL_CLASSES,
    compiled_lexicon,
    materiel_lexicon,
)
from sahelmodel.coding._mentions import event_names
from sahelmodel.coding._text import is_missing, normalise_text
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

_ARMED_KINDS = frozenset({"state_force", "jihadist_group", "militia", "armed_movement",
                          "foreign_force", "unidentified"})
_CAPTURER_STRENGTH = {"agent": 3.0, "subject": 3.0, "claim": 2.0, "casualties": 1.0,
                      "attack": 1.0, "": 0.0}
_LOSER_STRENGTH = {"from": 3.0, "possessive": 2.5, "abandoned": 3.0, "object": 2.0,
                   "casualties": 1.0, "attack": 1.0, "": 0.0}


def _parse_text(text: str, names: Any = ()) -> tuple[Clause, ...]:
    """Capture clauses of one text with the lexicon of ``data/materiel.csv`` (cached)."""
    lex = compiled_lexicon()
    return parse_clauses(text, names, lex.patterns, lex.containers)


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


@dataclass(frozen=True)
class CaptureResult:
    r"""The coded capture of one text.

    Attributes
    ----------
    capture : bool
        True when the text reports an arms capture (see the module notes for the codebook).
    capturer, captured_from : str or None
        Canonical ids of the capturing actor and of the actor that lost the materiel, or None
        when neither the text nor the event's actors say.
    materiel : list of str
        Materiel classes (:data:`MATERIEL_CLASSES`), in order of first mention.
    items : list of CaptureItem
        The lexicon entries found, with counts where the text gives numbers.
    weight : float
        Capability weight :math:`\sum_m w_m n_m` (see the module notes); 0 without capture.
    decision : str
        ``"capture"``; ``"looting"`` (civilian property taken); ``"hedged"`` ("seized or
        destroyed"); ``"no_owner"`` (no party owned the items); ``"none"``.
    confidence : float
        How direct the evidence is, in [0, 1]: about 0.9 when the text names both sides of a
        plain seizure, lower when a side comes from casualties, a claim or the event's actors,
        0 without a capture clause.
    evidence : str
        The capture clause(s) matched, joined by ``" | "``.
    capturer_basis, captured_from_basis : str
        What gave each side: ``"text:<how>"`` (``agent``, ``subject``, ``claim``, ``from``,
        ``casualties``, ...), ``"event"`` when it came from the event's actors, ``""`` when
        unknown.
    capturer_text, captured_from_text : str
        The words of the text that name the capturer and the loser (``""`` when none).
    capturer_kind, captured_from_kind : str or None
        The actor kind of each side, or the kind a role implies ("soldiers" → state force).
    reverse_capturer, reverse_captured_from : str or None
        A capture in the other direction reported by the same text, if any.
    """

    capture: bool
    capturer: str | None = None
    captured_from: str | None = None
    materiel: list[str] = field(default_factory=list)
    items: list[CaptureItem] = field(default_factory=list)
    weight: float = 0.0
    decision: str = "none"
    confidence: float = 0.0
    evidence: str = ""
    capturer_basis: str = ""
    captured_from_basis: str = ""
    capturer_text: str = ""
    captured_from_text: str = ""
    capturer_kind: str | None = None
    captured_from_kind: str | None = None
    reverse_capturer: str | None = None
    reverse_captured_from: str | None = None


_NO_CAPTURE = CaptureResult(capture=False)



# --------------------------------------------------------------------------------------------
# from clauses to one coded capture
# --------------------------------------------------------------------------------------------
@dataclass
class _Reading:
    """One clause read against the event: resolved sides, their bases and a strength."""

    clause: Clause
    capturer: str | None
    loser: str | None
    cap_basis: str
    los_basis: str
    strength: float


def _read(clause: Clause, event: Event) -> _Reading:
    capturer, cap_cands = resolve_target(clause.capturer, event, clause.attacker)
    if clause.capturer == "@civilians":
        capturer = None  # "villagers", "traders": the words named a victim, not a captor
    loser, los_cands = resolve_target(clause.loser, event, clause.attacker)
    cap_basis = f"text:{clause.capturer_basis}" if capturer else ""
    los_basis = f"text:{clause.loser_basis}" if loser else ""
    if capturer is None and cap_cands and loser is not None:
        rest = [a for a in cap_cands if a != loser]
        capturer, cap_basis = (rest[0], "event") if len(rest) == 1 else (None, "")
    if capturer is None and cap_cands and event.directed and event.ids[0] in cap_cands:
        capturer, cap_basis = event.ids[0], "event"
    if loser is None and los_cands and capturer is not None:
        rest = [a for a in los_cands if a != capturer]
        loser, los_basis = (rest[0], "event") if len(rest) == 1 else (None, "")
    if loser is not None and loser == capturer:
        # both sides name the same actor: keep the stronger reading
        if _LOSER_STRENGTH[clause.loser_basis] > _CAPTURER_STRENGTH[clause.capturer_basis]:
            capturer, cap_basis = None, ""
        else:
            loser, los_basis = None, ""
    strength = (_CAPTURER_STRENGTH[clause.capturer_basis] * (capturer is not None)
                + _LOSER_STRENGTH[clause.loser_basis] * (loser is not None))
    return _Reading(clause, capturer, loser, cap_basis, los_basis, strength)


def _complete(r: _Reading, event: Event) -> _Reading:
    """Complete a reading that names one side with the event's other actor."""
    capturer, loser = r.capturer, r.loser
    cap_basis, los_basis = r.cap_basis, r.los_basis
    if capturer is None and loser is not None and loser in event.ids:
        capturer = other_actor(event, loser)
        cap_basis = "event" if capturer else ""
    if capturer is not None and loser is None and capturer in event.ids:
        loser = other_actor(event, capturer)
        los_basis = "event" if loser else ""
    return _Reading(r.clause, capturer, loser, cap_basis, los_basis, r.strength)


def _prior(r: _Reading, event: Event, interactions: bool) -> _Reading:
    """Sides for a text that names neither, from the event's actors (evidence, not override).

    Verbs of state action ("recovered", "discovered") give the one state force; a directed
    event its initiator; an event with one armed actor that actor; a passive or nominal
    seizure in a battle between a state force and one non-state group, the state (the reading
    of an army communique). Otherwise the sides stay unknown.
    """
    if r.capturer is not None or r.loser is not None or not event.ids:
        return r
    capturer, cap_basis = None, ""
    states = [a for a, k in event.actors if k == "state_force"]
    armed = [a for a, k in event.actors if k in _ARMED_KINDS]
    if r.clause.family in STATE_VERBS and len(states) == 1:
        capturer, cap_basis = states[0], "event"
    elif event.directed:
        capturer, cap_basis = event.ids[0], "event"
    elif len(armed) == 1:
        capturer, cap_basis = armed[0], "event"
    elif interactions and len(states) == 1 and len(armed) == 2 and r.clause.voice in (
            "passive", "nominal"):
        capturer, cap_basis = states[0], "event:state-report"
    if capturer is None:
        return r
    loser = other_actor(event, capturer)
    return _Reading(r.clause, capturer, loser, cap_basis, "event" if loser else "", r.strength)


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


def _kind_of(actor: str | None, target: str | None, event: Event) -> str | None:
    if actor is not None:
        return event.kind(actor)
    if target is not None and target.startswith("@"):
        return ROLE_KIND.get(target.partition(":")[0])
    return None


def _confidence(r: _Reading) -> float:
    score = 0.45
    score += {"agent": 0.25, "subject": 0.25, "claim": 0.2, "casualties": 0.12,
              "attack": 0.1}.get(r.cap_basis.removeprefix("text:"), 0.0)
    score += {"from": 0.2, "possessive": 0.15, "abandoned": 0.2, "object": 0.15,
              "casualties": 0.1, "attack": 0.08}.get(r.los_basis.removeprefix("text:"), 0.0)
    if r.cap_basis.startswith("event"):
        score += 0.05
    if r.los_basis.startswith("event"):
        score += 0.1
    if r.capturer is None:
        score -= 0.15
    return round(min(score, 0.95), 2)


def _code(clauses: tuple[Clause, ...], event: Event, interactions: bool = True
          ) -> CaptureResult:
    if any(c.voice != "attributive" for c in clauses):
        clauses = tuple(c for c in clauses if c.voice != "attributive")
    if not clauses:
        return _NO_CAPTURE
    readings = [_complete(_read(c, event), event) for c in clauses]
    firm = [r for r in readings if not r.clause.hedged]
    if not firm:
        return _result(readings, readings[0], None, event, "hedged")
    if not any(r.capturer is not None or r.loser is not None for r in firm):
        # the text names no side anywhere: the event's actors may
        firm = [_prior(r, event, interactions) for r in firm]
    # the main direction: the capturer-loser pair with the strongest textual evidence
    votes: dict[tuple[str | None, str | None], float] = {}
    for r in firm:
        key = (r.capturer, r.loser)
        votes[key] = votes.get(key, 0.0) + r.strength + 0.1 * (r.capturer is not None) + 0.1 * (
            r.loser is not None)
    if event.ids:
        # captures both ways: the source's first actor is the side its report is about
        for key in votes:
            if key[0] == event.ids[0] and (key[1], key[0]) in votes:
                votes[key] += 100.0
    best_key = max(votes, key=lambda k: (votes[k], -list(votes).index(k)))
    main = next(r for r in firm if (r.capturer, r.loser) == best_key)
    reverse = next((r for r in firm if r.capturer is not None and r.loser is not None
                    and r.capturer == main.loser and r.loser == main.capturer
                    and r.strength > 0), None)
    if main.capturer is None and main.loser is None:
        main = next((r for r in firm if r.capturer is not None or r.loser is not None), main)
    same = [r for r in firm if r.capturer == main.capturer or r.capturer is None
            or main.capturer is None]
    # civilian property is looting, not an arms capture
    loser_kind = event.kind(main.loser) if main.loser else _kind_of(
        None, main.clause.loser, event)
    items = _merge_items([r.clause for r in same])
    classes = {it.materiel_class for it in items}
    if loser_kind == "civilians" or (classes <= CIVILIAN_CLASSES
                                     and any(r.clause.civilian for r in same)):
        return _result(readings, main, reverse, event, "looting", items)
    if main.loser is None:
        others = [k for _, k in event.actors if k != "civilians"]
        if classes <= CIVILIAN_CLASSES and any(k == "civilians" for _, k in event.actors):
            return _result(readings, main, reverse, event, "looting", items)
        if main.clause.loser is None and len(others) < 2:
            # no owner named, and the event's actors imply none: a find, not a capture
            return _result(readings, main, reverse, event, "no_owner", items)
    return _result(readings, main, reverse, event, "capture", items)


def _result(readings: list[_Reading], main: _Reading, reverse: _Reading | None, event: Event,
            decision: str, items: list[CaptureItem] | None = None) -> CaptureResult:
    items = items if items is not None else _merge_items([r.clause for r in readings])
    capture = decision == "capture"
    classes = list(dict.fromkeys(it.materiel_class for it in items))
    return CaptureResult(
        capture=capture,
        capturer=main.capturer,
        captured_from=main.loser,
        materiel=classes,
        items=items,
        weight=float(sum(it.weight for it in items)) if capture else 0.0,
        decision=decision,
        confidence=_confidence(main) if capture else 0.0,
        evidence=" | ".join(r.clause.evidence for r in readings),
        capturer_basis=main.cap_basis,
        captured_from_basis=main.los_basis,
        capturer_text=main.clause.capturer_text,
        captured_from_text=main.clause.loser_text,
        capturer_kind=_kind_of(main.capturer, main.clause.capturer, event),
        captured_from_kind=_kind_of(main.loser, main.clause.loser, event),
        reverse_capturer=reverse.capturer if reverse else None,
        reverse_captured_from=reverse.loser if reverse else None,
    )


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
    assoc_actor1: str | None = None,
    assoc_actor2: str | None = None,
    admin1: str | None = None,
    date: Any = None,
    source: str | None = None,
) -> CaptureResult:
    r"""Code the arms capture reported in one text.

    Parameters
    ----------
    text : str
        Event notes or headline (missing values give no capture).
    actor1, actor2 : str, optional
        Canonical ids of the event's actors, used to resolve role words ("soldiers",
        "militants") and when the text names only one side.
    country, admin1, date, source : optional
        Where and when the event happened and which dataset it comes from: group names in the
        text go through the same place/time rules as the readers' actor fields. When
        ``country`` is not given, the first country the text names is used.
    directed : bool
        True when ``actor1`` is known to have initiated the event.
    actor1_kind, actor2_kind : str, optional
        Actor kinds (default: from the alias table of :mod:`sahelmodel.coding.actors`).
    actor1_name, actor2_name : str, optional
        The actors' names as the source writes them (``actor1_raw``): where the text uses
        them ("Group 11 fighters", "Military Forces of Mali") they name the actor directly.
    assoc_actor1, assoc_actor2 : str, optional
        ``;``-joined ids of actors associated with each side: a mention of one names the side.

    Returns
    -------
    CaptureResult

    Notes
    -----
    See the module notes for the codebook, the order in which capturer and loser are inferred,
    and the capability weight :math:`W = \sum_m w_m n_m`.

    Examples
    --------
    >>> r = parse_capture("Security forces seized weapons from suspected militants",
    ...                   actor1="military_niger", actor2="is_sahel")
    >>> r.capture, r.capturer, r.captured_from, r.materiel
    (True, 'military_niger', 'is_sahel', ['unspecified_arms'])
    >>> parse_capture("No weapons were seized during the raid.").capture
    False
    >>> parse_capture("Gunmen seized the motorbike of a trader near Gao.").decision
    'looting'
    """
    norm = text if isinstance(text, str) else normalise_text(text)
    country = event_country(country, norm)
    names = event_names((actor1, actor2), (actor1_name, actor2_name))
    context = (source, country, admin1, None if is_missing(date) else str(date)[:10], None,
               None)
    return _code(_parse_text(norm, names),
                 make_event(actor1, actor2, actor1_kind, actor2_kind, directed, country,
                             assoc_actor1, assoc_actor2, context))


# --------------------------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------------------------
_EVENT_COLUMNS = ("notes", "actor1", "actor2", "actor1_kind", "actor2_kind", "directed",
                  "country", "actor1_raw", "actor2_raw", "assoc_actor1", "assoc_actor2",
                  "admin1", "date", "source_dataset")


def _columns(results: Sequence[CaptureResult]) -> dict[str, Any]:
    n = len(results)
    capture = np.fromiter((r.capture for r in results), dtype=bool, count=n)
    return {
        "capture": pd.array(capture, dtype="boolean"),
        "capturer": pd.array([r.capturer if r.capture else None for r in results],
                             dtype="string"),
        "captured_from": pd.array([r.captured_from if r.capture else None for r in results],
                                  dtype="string"),
        "materiel": pd.array([";".join(r.materiel) if r.capture else None for r in results],
                             dtype="string"),
        "capture_weight": np.fromiter((r.weight for r in results), dtype=float, count=n),
    }


def _records(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    cols = []
    for c in _EVENT_COLUMNS:
        if c not in frame.columns:
            cols.append([None] * len(frame))
        elif c == "date":
            cols.append(list(pd.to_datetime(frame[c]).dt.strftime("%Y-%m-%d")
                             .astype(object).where(frame[c].notna(), None)))
        else:
            cols.append(list(frame[c].astype(object).where(frame[c].notna(), None)))
    return list(zip(*cols, strict=True))


def _code_record(rec: tuple[Any, ...]) -> CaptureResult:
    (text, a1, a2, k1, k2, directed, country, r1, r2, s1, s2, admin1, date, source) = rec
    names = event_names((a1, a2), (r1, r2))
    text = text if isinstance(text, str) else normalise_text(text)
    country = event_country(country, text)
    context = (source, country, admin1, date, None, None)
    return _code(_parse_text(text, names),
                 make_event(a1, a2, k1, k2, directed, country, s1, s2, context))


def capture_results(events: EventTable) -> list[CaptureResult]:
    """The :class:`CaptureResult` of every event of a table, in row order.

    Vectorised in two stages: one compiled regular expression of the capture verbs runs over
    the whole ``notes`` column; only rows with a capture verb get the clause grammar, once per
    distinct combination of text, actors and context.

    Examples
    --------
    >>> t = EventTable.from_records([{"event_id": "a", "date": "2024-03-24",
    ...     "actor1": "jnim", "event_type": "battle", "fatalities": 0,
    ...     "notes": "JNIM militants seized livestock."}])
    >>> capture_results(t)[0].decision
    'none'
    """
    if not isinstance(events, EventTable):
        raise TypeError(f"events must be an EventTable, got {type(events).__name__}")
    frame = events._frame
    n = len(frame)
    notes = frame["notes"].astype("string").fillna("")
    candidate = notes.str.contains(VERB_ANY_SOURCE, flags=re.IGNORECASE, regex=True,
                                   na=False).to_numpy(dtype=bool)
    results: list[CaptureResult] = [_NO_CAPTURE] * n
    rows = np.flatnonzero(candidate)
    if rows.size:
        memo: dict[tuple[Any, ...], CaptureResult] = {}
        # the loop makes many small, acyclic objects that stay referenced (memo and parse
        # cache); the cyclic collector would rescan them again and again as they accumulate
        paused = gc.isenabled()
        gc.disable()
        try:
            for row, rec in zip(rows, _records(frame.iloc[rows]), strict=True):
                res = memo.get(rec)
                if res is None:
                    res = memo[rec] = _code_record(rec)
                results[row] = res
        finally:
            if paused:
                gc.enable()
    return results


def code_captures(events: EventTable, *, corrections: Any = None) -> EventTable:
    """Code arms captures from the ``notes`` of every event; return a new table.

    The capture columns (``capture``, ``capturer``, ``captured_from``, ``materiel``,
    ``capture_weight``) are recoded from the text; all other columns are kept.

    Parameters
    ----------
    events : EventTable
    corrections : path, DataFrame or None
        A corrections file (see :func:`sahelmodel.coding.review.read_corrections`): its rows
        replace the automatic coding of the events they name, and the read report notes how
        many fields were overridden (:func:`sahelmodel.coding.review.apply_corrections`
        returns them field by field).

    Returns
    -------
    EventTable
        A new table (the input is unchanged) with the same read report.

    Notes
    -----
    :func:`code_captures_slow` is the row-by-row reference it is tested against; the review
    table with the decision, confidence and evidence of every event is
    :func:`sahelmodel.coding.review.review_table`.

    Examples
    --------
    >>> t = EventTable.from_records([
    ...     {"event_id": "a", "date": "2024-03-24", "actor1": "is_sahel", "actor2": "jnim",
    ...      "event_type": "battle", "fatalities": 0,
    ...      "notes": "IS Sahel fighters overran JNIM positions and carried off Type 56 "
    ...               "rifles and RPG-7 launchers."},
    ...     {"event_id": "b", "date": "2024-03-25", "actor1": "jnim", "event_type": "battle",
    ...      "fatalities": 0, "notes": "JNIM militants seized livestock."}])
    >>> coded = code_captures(t).frame
    >>> coded["capture"].tolist(), coded.loc[0, "capturer"], coded.loc[0, "materiel"]
    ([True, False], 'is_sahel', 'assault_rifle;rocket_launcher')
    """
    results = capture_results(events)
    coded = events.with_columns(**_columns(results))
    if corrections is None:
        return coded
    from sahelmodel.coding.review import apply_corrections

    return apply_corrections(coded, corrections)[0]


def code_captures_slow(events: EventTable) -> EventTable:
    """Reference for :func:`code_captures`: :func:`parse_capture` on every row, one by one.

    Examples
    --------
    >>> t = EventTable.from_records([{"event_id": "a", "date": "2020-01-01",
    ...     "actor1": "jnim", "actor2": "military_mali", "event_type": "battle",
    ...     "fatalities": 0, "notes": "JNIM looted two pick-up trucks from the army"}])
    >>> code_captures_slow(t).frame.loc[0, "capture_weight"]
    np.float64(6.0)
    """
    results = []
    for rec in _records(events.frame):
        (text, a1, a2, k1, k2, directed, country, r1, r2, s1, s2, admin1, date, source) = rec
        results.append(parse_capture(
            text, actor1=a1, actor2=a2, actor1_kind=k1, actor2_kind=k2,
            directed=bool(directed) if directed is not None else False, country=country,
            actor1_name=r1, actor2_name=r2, assoc_actor1=s1, assoc_actor2=s2, admin1=admin1,
            date=date, source=source))
    return events.with_columns(**_columns(results))
