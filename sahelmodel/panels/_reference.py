"""Slow, obviously correct panels built with plain loops, to test the vectorised ones against.

They reuse only the loop reference of the network (:func:`reference_ties`) and recompute every
cell of the panel from dictionaries, one row at a time. Never use them on large data.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import combinations
from typing import Any

import pandas as pd

from sahelmodel.events import EventTable
from sahelmodel.network._reference import _missing, _period_start, _true, reference_ties
from sahelmodel.network._ties import HOSTILE_TYPES

__all__ = ["reference_actor_panel", "reference_dyad_panel"]


def _positions(events: EventTable, freq: str) -> tuple[list[pd.Timestamp], dict[Any, int]]:
    periods, _ = reference_ties(events, freq=freq)
    return periods, {p: i for i, p in enumerate(periods)}


def _civilian(name: Any, civilians: set[str]) -> bool:
    return str(name) in civilians or str(name).lower() == "civilians"


def _civilians(records: list[Any]) -> set[str]:
    out = {"civilians"}
    for rec in records:
        for name, kind in ((rec.actor1, rec.actor1_kind), (rec.actor2, rec.actor2_kind)):
            if not _missing(kind) and kind == "civilians" and not _missing(name):
                out.add(str(name))
    return out


def reference_dyad_panel(
    events: EventTable,
    *,
    freq: str,
    risk_set: str = "observed",
    lags: tuple[int, ...] = (1,),
    leads: tuple[int, ...] = (),
    half_life: float | None = 4.0,
    tie_threshold: float = 0.5,
    capture_clash: str = "exclude",
) -> pd.DataFrame:
    """Dyad panel of :func:`sahelmodel.dyad_panel` (civilians excluded) by plain loops."""
    periods, ties = reference_ties(events, freq=freq, half_life=half_life)
    position = {p: i for i, p in enumerate(periods)}
    records = list(events.frame.itertuples(index=False))
    civilians = _civilians(records)
    n_per = len(periods)

    hostile: dict[tuple[str, str, int], int] = defaultdict(int)
    deaths: dict[tuple[str, str, int], int] = defaultdict(int)
    pair_int: dict[str, dict[tuple[str, str, int], float]] = {
        "hostile": defaultdict(float), "cooperative": defaultdict(float)
    }
    observed = set()
    for (layer, s, t, _), cells in ties.items():
        a, b = min(s, t), max(s, t)
        observed.add((a, b))
        for p, (_count, _w, level) in cells.items():
            pair_int[layer][(a, b, p)] += level
    cap_pair: set[tuple[str, str, int]] = set()
    cap_any: set[tuple[str, int]] = set()
    active: dict[int, set[str]] = defaultdict(set)
    actors = set()
    for rec in records:
        p = position[_period_start(rec.date, freq)]
        names = [rec.actor1, rec.actor2]
        if _true(rec.capture):
            names += [rec.capturer, rec.captured_from]
        for name in names:
            if not _missing(name) and not _civilian(name, civilians):
                active[p].add(str(name))
                actors.add(str(name))
        if not _missing(rec.assoc_actor1) or not _missing(rec.assoc_actor2):
            for assoc in (rec.assoc_actor1, rec.assoc_actor2):
                if not _missing(assoc):
                    actors.update(
                        x.strip() for x in str(assoc).split(";")
                        if x.strip() and not _civilian(x.strip(), civilians)
                    )
        if _true(rec.capture) and not _missing(rec.capturer):
            if not _civilian(rec.capturer, civilians):
                cap_any.add((str(rec.capturer), p))
                loser = rec.captured_from
                if (
                    not _missing(loser) and loser != rec.capturer
                    and not _civilian(loser, civilians)
                ):
                    cap_pair.add((str(rec.capturer), str(rec.captured_from), p))
    for (layer, s, t, _), cells in ties.items():
        if layer == "hostile":
            for p, (count, _w, _lev) in cells.items():
                hostile[(min(s, t), max(s, t), p)] += count
    # fatalities of hostile ties: recount per event with the same rule as reference_ties;
    # a capture between the tie's two actors is the capturing clash itself
    own: dict[tuple[str, str, int], int] = defaultdict(int)
    for rec in records:
        p = position[_period_start(rec.date, freq)]
        if _true(rec.capture) and not _missing(rec.capturer) and not _missing(rec.captured_from):
            s, t = rec.capturer, rec.captured_from
            if s != t and not _civilian(s, civilians) and not _civilian(t, civilians):
                own[(min(s, t), max(s, t), p)] += 1
        elif rec.event_type in HOSTILE_TYPES and not _missing(rec.actor2):
            s, t = rec.actor1, rec.actor2
        else:
            continue
        if s != t and not _civilian(s, civilians) and not _civilian(t, civilians):
            deaths[(min(s, t), max(s, t), p)] += int(rec.fatalities)

    if risk_set == "observed":
        rows = [(a, b, p) for a, b in sorted(observed) for p in range(n_per)]
    elif risk_set == "active":
        rows = [(a, b, p) for p in range(n_per) for a, b in combinations(sorted(active[p]), 2)]
    else:
        rows = [(a, b, p) for a, b in combinations(sorted(actors), 2) for p in range(n_per)]

    nb: dict[tuple[str, int], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for layer, levels in pair_int.items():
        for (a, b, q), level in levels.items():
            if level > tie_threshold:
                nb[(layer, q)][a].add(b)
                nb[(layer, q)][b].add(a)

    def outcome(col: str, a: str, b: str, p: int) -> float:
        if p < 0 or p >= n_per:
            return math.nan
        if col == "hostile_all":
            return hostile.get((a, b, p), 0)
        if col == "hostile":
            drop = own.get((a, b, p), 0) if capture_clash == "exclude" else 0
            return hostile.get((a, b, p), 0) - drop
        if col == "fatalities":
            return deaths.get((a, b, p), 0)
        if col == "capture_ij":
            return int((a, b, p) in cap_pair)
        if col == "capture_ji":
            return int((b, a, p) in cap_pair)
        if col == "capture_i_any":
            return int((a, p) in cap_any)
        return int((b, p) in cap_any)

    cols = ["hostile", "fatalities", "capture_ij", "capture_ji", "capture_i_any",
            "capture_j_any"]
    out = []
    for a, b, p in rows:
        row: dict[str, Any] = {"period": periods[p], "period_index": p, "dyad": f"{a}|{b}",
                               "actor_i": a, "actor_j": b}
        for col in cols:
            row[col] = outcome(col, a, b, p)
        row["hostile_all"] = outcome("hostile_all", a, b, p)
        for col in cols:
            for k in lags:
                row[f"{col}_lag{k}"] = outcome(col, a, b, p - k)
            for k in leads:
                row[f"{col}_lead{k}"] = outcome(col, a, b, p + k)
        for layer, pair_name, shared_name in (
            ("hostile", "rivalry_lag1", "shared_enemies_lag1"),
            ("cooperative", "cooperation_lag1", "shared_allies_lag1"),
        ):
            if p == 0:
                row[pair_name] = row[shared_name] = math.nan
            else:
                row[pair_name] = pair_int[layer].get((a, b, p - 1), 0.0)
                g = nb[(layer, p - 1)]
                row[shared_name] = float(len(g.get(a, set()) & g.get(b, set())))
        out.append(row)
    return pd.DataFrame(out)


def reference_actor_panel(
    events: EventTable,
    *,
    freq: str,
    lags: tuple[int, ...] = (1,),
    half_life: float | None = 4.0,
    state_kinds: tuple[str, ...] = ("state_force",),
) -> pd.DataFrame:
    """Actor panel of :func:`sahelmodel.actor_panel` (civilians excluded) by plain loops."""
    periods, position = _positions(events, freq)
    records = list(events.frame.itertuples(index=False))
    civilians = _civilians(records)
    n_per = len(periods)
    cells: dict[tuple[str, int], dict[str, Any]] = defaultdict(
        lambda: {"events": 0, "events_initiated": 0, "fatalities": 0, "admin2": set(),
                 "points": [], "events_vs_state": 0, "captures": 0, "losses": 0,
                 "captured_weight": 0.0, "lost_weight": 0.0}
    )
    actors = set()
    for rec in records:
        p = position[_period_start(rec.date, freq)]
        sides = [(rec.actor1, rec.actor2_kind)]
        if not _missing(rec.actor2) and rec.actor2 != rec.actor1:
            sides.append((rec.actor2, rec.actor1_kind))
        for name, opp_kind in sides:
            if _missing(name) or _civilian(name, civilians):
                continue
            actors.add(name)
            c = cells[(name, p)]
            c["events"] += 1
            c["fatalities"] += int(rec.fatalities)
            if not _missing(rec.admin2):
                c["admin2"].add(rec.admin2)
            if not (math.isnan(rec.latitude) or math.isnan(rec.longitude)):
                c["points"].append((rec.latitude, rec.longitude))
            if not _missing(opp_kind) and opp_kind in state_kinds:
                c["events_vs_state"] += 1
        initiated = (
            not _missing(rec.actor1) and not _civilian(rec.actor1, civilians)
            and _true(rec.directed)
        )
        capturer_ok = (
            _true(rec.capture) and not _missing(rec.capturer)
            and not _civilian(rec.capturer, civilians)
        )
        if initiated:
            cells[(rec.actor1, p)]["events_initiated"] += 1
        if capturer_ok:
            w = 0.0 if math.isnan(rec.capture_weight) else float(rec.capture_weight)
            actors.add(rec.capturer)
            c = cells[(rec.capturer, p)]
            c["captures"] += 1
            c["captured_weight"] += w
            if not (initiated and rec.actor1 == rec.capturer):
                c["events_initiated"] += 1
            loser = rec.captured_from
            if not _missing(loser) and not _civilian(loser, civilians):
                actors.add(loser)
                cells[(loser, p)]["losses"] += 1
                cells[(loser, p)]["lost_weight"] += w
        for assoc in (rec.assoc_actor1, rec.assoc_actor2):
            if not _missing(assoc):
                actors.update(x.strip() for x in str(assoc).split(";")
                              if x.strip() and not _civilian(x.strip(), civilians))
    factor = 0.0 if half_life is None else math.exp(-math.log(2.0) / half_life)
    rows = []
    for actor in sorted(actors):
        stock = lost = 0.0
        for p in range(n_per):
            c = cells.get((actor, p)) or cells.default_factory()
            stock = factor * stock + c["captured_weight"]
            lost = factor * lost + c["lost_weight"]
            rows.append({
                "period": periods[p], "period_index": p, "actor": actor,
                "events": c["events"], "events_initiated": c["events_initiated"],
                "fatalities": c["fatalities"], "admin2_count": len(c["admin2"]),
                "spread_km": _standard_distance(c["points"]),
                "events_vs_state": c["events_vs_state"],
                "share_vs_state": c["events_vs_state"] / c["events"] if c["events"] else 0.0,
                "captures": c["captures"], "losses": c["losses"],
                "captured_weight": c["captured_weight"], "lost_weight": c["lost_weight"],
                "capability": stock, "capability_lost": lost,
            })
    frame = pd.DataFrame(rows)
    for col in ("events", "fatalities", "captures", "losses", "capability", "capability_lost"):
        for k in lags:
            frame[f"{col}_lag{k}"] = frame.groupby("actor")[col].shift(k).astype(float)
    return frame


def _standard_distance(points: list[tuple[float, float]]) -> float:
    if len(points) < 2:
        return 0.0
    vecs = []
    for lat, lon in points:
        phi, lam = math.radians(lat), math.radians(lon)
        vecs.append((math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)))
    sx, sy, sz = (sum(v[k] for v in vecs) for k in range(3))
    norm = math.sqrt(sx * sx + sy * sy + sz * sz)
    cx, cy, cz = sx / norm, sy / norm, sz / norm
    sq = 0.0
    for x, y, z in vecs:
        ang = math.acos(max(-1.0, min(1.0, x * cx + y * cy + z * cz)))
        sq += (6371.0088 * ang) ** 2
    return math.sqrt(sq / len(vecs))
