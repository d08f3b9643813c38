"""Slow, obviously correct reference implementations (plain loops over events, networkx).

They re-implement the tie rules of :mod:`sahelmodel.network._ties` and the decay recursion event
by event and period by period, so that tests can check the vectorised cores against them and
benchmarks can time them as the peer named ``reference``. Never use them on large data.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from typing import Any

import networkx as nx
import pandas as pd

from sahelmodel.events import EventTable
from sahelmodel.network._ties import HOSTILE_TYPES

__all__ = ["TieSeries", "reference_shared_neighbours", "reference_ties", "reference_to_frame"]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _true(value: Any) -> bool:
    return not _missing(value) and bool(value)


def _period_start(date: pd.Timestamp, freq: str) -> pd.Timestamp:
    if freq == "D":
        return date.normalize()
    if freq == "W":
        return (date - pd.Timedelta(days=date.weekday())).normalize()
    if freq == "M":
        return pd.Timestamp(year=date.year, month=date.month, day=1)
    return pd.Timestamp(year=date.year, month=1, day=1)


def _next_start(start: pd.Timestamp, freq: str) -> pd.Timestamp:
    if freq == "D":
        return start + pd.Timedelta(days=1)
    if freq == "W":
        return start + pd.Timedelta(days=7)
    if freq == "M":
        return start + pd.DateOffset(months=1)
    return start + pd.DateOffset(years=1)


def reference_ties(
    events: EventTable,
    *,
    freq: str,
    half_life: float | None = None,
    weight: str = "events",
    include_civilians: bool = False,
) -> tuple[list[pd.Timestamp], dict[tuple[str, str, str, bool], TieSeries]]:
    """Loop over events and periods and return the ties.

    Returns
    -------
    periods : list of Timestamp
        Period starts.
    ties : dict
        ``{(layer, source, target, directed): TieSeries}``; ``TieSeries.items()`` lists
        ``(period, (count, weight, intensity))`` for every period from the tie's first event
        onward where count or intensity is positive.
    """
    records = list(events.frame.itertuples(index=False))
    if not records:
        return [], {}
    civilians = {"civilians"}
    for rec in records:
        for name, kind in ((rec.actor1, rec.actor1_kind), (rec.actor2, rec.actor2_kind)):
            if not _missing(kind) and kind == "civilians" and not _missing(name):
                civilians.add(name)

    def is_civ(name: Any) -> bool:
        text = str(name)
        return not include_civilians and (text in civilians or text.lower() == "civilians")

    first = _period_start(min(r.date for r in records), freq)
    last = _period_start(max(r.date for r in records), freq)
    periods = [first]
    while periods[-1] < last:
        periods.append(_next_start(periods[-1], freq))
    position = {p: i for i, p in enumerate(periods)}

    raw: dict[tuple[str, str, str, bool], dict[int, list[float]]] = defaultdict(dict)

    def add(key: tuple[str, str, str, bool], p: int, w: float) -> None:
        cell = raw[key].setdefault(p, [0, 0.0])
        cell[0] += 1
        cell[1] += w

    for rec in records:
        p = position[_period_start(rec.date, freq)]
        w = 1.0 if weight == "events" else float(rec.fatalities)
        if _true(rec.capture) and not _missing(rec.capturer) and not _missing(rec.captured_from):
            s, t, directed = rec.capturer, rec.captured_from, True
        elif rec.event_type in HOSTILE_TYPES and not _missing(rec.actor2):
            s, t, directed = rec.actor1, rec.actor2, _true(rec.directed)
        else:
            s = None
        if s is not None and not is_civ(s) and not is_civ(t) and s != t:
            if not directed:
                s, t = min(s, t), max(s, t)
            add(("hostile", s, t, directed), p, w)
        pairs = set()
        for main, assoc in ((rec.actor1, rec.assoc_actor1), (rec.actor2, rec.assoc_actor2)):
            side = set()
            if not _missing(main):
                side.add(str(main))
            if not _missing(assoc):
                side.update(x.strip() for x in str(assoc).split(";") if x.strip())
            side = {a for a in side if not is_civ(a)}
            for a in side:
                for b in side:
                    if a < b:
                        pairs.add((a, b))
        for a, b in pairs:
            add(("cooperative", a, b, False), p, w)

    factor = 0.0 if half_life is None else math.exp(-math.log(2.0) / half_life)
    out: dict[tuple[str, str, str, bool], TieSeries] = {}
    for key, cells in raw.items():
        first = min(cells)
        levels = array("d")
        level = 0.0
        for p in range(first, len(periods)):
            level = factor * level + cells.get(p, [0, 0.0])[1]
            levels.append(level)
        out[key] = TieSeries(first, cells, levels)
    return periods, out


class TieSeries:
    """One tie of the reference.

    Raw cells ``{period: [count, weight]}`` and the decayed level of every period from its
    first event on, kept in a compact ``array('d')``.
    """

    __slots__ = ("cells", "first", "levels")

    def __init__(self, first: int, cells: dict[int, list[float]], levels: array) -> None:
        self.first, self.cells, self.levels = first, cells, levels

    def items(self) -> list[tuple[int, tuple[float, float, float]]]:
        """``(period, (count, weight, intensity))`` where count or intensity is positive."""
        out = []
        for offset, level in enumerate(self.levels):
            p = self.first + offset
            count, w = self.cells.get(p, [0, 0.0])
            if count > 0 or level > 0:
                out.append((p, (count, w, level)))
        return out


def reference_to_frame(events: EventTable, **kwargs: Any) -> pd.DataFrame:
    """The long table of :meth:`TemporalNetwork.to_frame` built from :func:`reference_ties`."""
    periods, ties = reference_ties(events, **kwargs)
    rows = [
        (periods[p], s, t, layer, int(c), lev, p, d, w)
        for (layer, s, t, d), cells in ties.items()
        for p, (c, w, lev) in cells.items()
    ]
    cols = ["period", "source", "target", "layer", "count", "intensity", "period_index",
            "directed", "weight"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["period_index", "layer", "source", "target", "directed"])


def reference_shared_neighbours(graph: nx.Graph, u: str, v: str) -> int:
    """Number of common neighbours of u and v in an undirected networkx graph."""
    return len(set(graph[u]) & set(graph[v]) - {u, v})
