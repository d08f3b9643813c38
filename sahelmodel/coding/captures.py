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
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel.coding._clauses import VERB_ANY_SOURCE, Clause, parse_clauses
from sahelmodel.coding._decide import NO_CAPTURE, CaptureItem, CaptureResult, decide
from sahelmodel.coding._event import (
    event_country,
    make_event,
)
from sahelmodel.coding._materiel import (
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


def _parse_text(text: str, names: Any = ()) -> tuple[Clause, ...]:
    """Capture clauses of one text with the lexicon of ``data/materiel.csv`` (cached)."""
    lex = compiled_lexicon()
    return parse_clauses(text, names, lex.patterns, lex.containers)


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
    return decide(_parse_text(norm, names),
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
    return decide(_parse_text(text, names),
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
    results: list[CaptureResult] = [NO_CAPTURE] * n
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
