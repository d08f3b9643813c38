"""The coding decision: from a text's capture clauses to one coded capture of an event.

Each capture clause (:mod:`sahelmodel.coding._clauses`) is read against the event
(:mod:`sahelmodel.coding._event`): its sides resolved to actor ids, completed with the event's
other actor where the text names one side, and weighed by the strength of the words that name
them. The main direction is the capturer-loser pair with the strongest evidence; a capture the
other way is kept as the reverse one; civilian property is set apart as looting, a find with
no owner as ``no_owner``, a "seized or destroyed" as ``hedged``. What the decisions mean is
documented in :mod:`sahelmodel.coding.captures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sahelmodel.coding._clauses import STATE_VERBS, Clause
from sahelmodel.coding._event import ROLE_KIND, Event, other_actor, resolve_target
from sahelmodel.coding._materiel import CIVILIAN_CLASSES, compiled_lexicon

__all__ = ["NO_CAPTURE", "CaptureItem", "CaptureResult", "decide"]

_ARMED_KINDS = frozenset({"state_force", "jihadist_group", "militia", "armed_movement",
                          "foreign_force", "unidentified"})
_CAPTURER_STRENGTH = {"agent": 3.0, "subject": 3.0, "claim": 2.0, "casualties": 1.0,
                      "attack": 1.0, "": 0.0}
_LOSER_STRENGTH = {"from": 3.0, "possessive": 2.5, "abandoned": 3.0, "object": 2.0,
                   "casualties": 1.0, "attack": 1.0, "": 0.0}



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


NO_CAPTURE = CaptureResult(capture=False)


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


def _prior(r: _Reading, event: Event) -> _Reading:
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
    elif len(states) == 1 and len(armed) == 2 and r.clause.voice in (
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


def decide(clauses: tuple[Clause, ...], event: Event) -> CaptureResult:
    if any(c.voice != "attributive" for c in clauses):
        clauses = tuple(c for c in clauses if c.voice != "attributive")
    if not clauses:
        return NO_CAPTURE
    readings = [_complete(_read(c, event), event) for c in clauses]
    firm = [r for r in readings if not r.clause.hedged]
    if not firm:
        return _result(readings, readings[0], None, event, "hedged")
    if not any(r.capturer is not None or r.loser is not None for r in firm):
        # the text names no side anywhere: the event's actors may
        firm = [_prior(r, event) for r in firm]
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
