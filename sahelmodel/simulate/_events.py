"""Turn the engine's arrays into canonical event rows: places, fatalities, actors and notes.

All of it is vectorised over events. Draws, in order: negative-binomial fatalities, the unit
(attacker's reach), the front choice, the place within the unit, then the notes' variants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sahelmodel.simulate._engine import EngineOutput
from sahelmodel.simulate.notes import compose_notes, describe_materiel, group_phrases

if TYPE_CHECKING:  # pragma: no cover
    from sahelmodel.simulate.world import World

__all__ = ["build_events", "reach_order", "reach_size"]


def reach_order(world: World) -> np.ndarray:
    """``(G, U)`` unit indices per group: its territory first, then the rest by distance.

    Distances are between unit centres and the centre of the group's territory (degrees,
    longitude scaled by the cosine of the latitude).
    """
    lat = np.array([u.latitude for u in world.units])
    lon = np.array([u.longitude for u in world.units])
    n_units = lat.size
    out = np.empty((len(world.groups), n_units), dtype=np.int64)
    for g, grp in enumerate(world.groups):  # once per group, not per event
        terr = np.array(grp.territory, dtype=np.int64)
        clat, clon = lat[terr].mean(), lon[terr].mean()
        dist = np.hypot(lat - clat, (lon - clon) * np.cos(np.radians(clat)))
        dist[terr] = -1.0
        rest = np.setdiff1d(np.argsort(dist, kind="stable"), terr, assume_unique=True)
        rest = rest[np.argsort(dist[rest], kind="stable")]
        out[g] = np.concatenate([terr, rest])
    return out


def reach_size(world: World, capability: np.ndarray) -> np.ndarray:
    r"""Number of units each group reaches: :math:`\mathrm{round}(|T_g| (c/\bar c)^{\psi_r})`.

    ``capability`` has groups in its last axis; the result is clipped to ``[1, n_units]``.
    """
    cbar = np.array([g.endowment for g in world.groups])
    size = np.array([len(g.territory) for g in world.groups])
    raw = np.rint(size * (capability / cbar) ** world.reach_elasticity)
    return np.clip(raw, 1, len(world.units)).astype(np.int64)


def _front(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Units both groups of each rivalry hold (padded ``(D, F)``) and their number."""
    pos = {g.id: i for i, g in enumerate(world.groups)}
    sets = []
    for r in world.rivalries:  # once per dyad, not per event
        a, b = (world.groups[pos[x]] for x in r.pair)
        sets.append(sorted(set(a.territory) & set(b.territory)))
    width = max([1, *(len(s) for s in sets)])
    out = np.zeros((len(sets), width), dtype=np.int64)
    for d, s in enumerate(sets):
        out[d, : len(s)] = s
    return out, np.array([len(s) for s in sets], dtype=np.int64)


def build_events(
    world: World, out: EngineOutput, start: pd.Timestamp, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The events (canonical columns) and the true captures of one simulation."""
    groups = world.groups
    cbar = np.array([g.endowment for g in groups])
    n_clash, n_civ = out.clash_day.size, out.civ_day.size
    day = np.concatenate([out.clash_day, out.civ_day])
    att = np.concatenate([out.clash_attacker, out.civ_group])
    tgt = np.concatenate([out.clash_defender, np.full(n_civ, -1)])
    dyad = np.concatenate([out.clash_dyad, np.full(n_civ, -1)])
    ccap = np.concatenate([out.clash_capture, np.full(n_civ, -1)])
    is_clash = np.r_[np.ones(n_clash, bool), np.zeros(n_civ, bool)]
    order = np.lexsort((~is_clash, day))  # by day, clashes first, engine order kept
    day, att, tgt, dyad, ccap, is_clash = (x[order] for x in (day, att, tgt, dyad, ccap,
                                                                is_clash))
    n = day.size
    rel = out.capability[day, att] / cbar[att] if n else np.zeros(0)

    # fatalities (lethality)
    mean = np.where(is_clash, world.battle_fatalities, world.civilian_fatalities) * (
        rel ** world.lethality_elasticity)
    k = world.fatality_dispersion
    fatalities = rng.negative_binomial(k, k / (k + mean)) if n else np.zeros(0, np.int64)

    # place (reach)
    reach = reach_size(world, out.capability)[day, att] if n else np.zeros(0, np.int64)
    u = rng.random(n)
    unit = reach_order(world)[att, np.minimum((u * reach).astype(np.int64), reach - 1)]
    front, front_len = _front(world)
    safe_dyad = np.maximum(dyad, 0)
    flen = np.where(is_clash, front_len[safe_dyad] if front_len.size else 0, 0)
    use_front = (flen > 0) & (rng.random(n) < world.front_share)
    pick = np.minimum((u * np.maximum(flen, 1)).astype(np.int64), np.maximum(flen - 1, 0))
    if front_len.size:
        unit = np.where(use_front, front[safe_dyad, pick], unit)
    n_places = np.array([len(x.places) for x in world.units])
    width = int(n_places.max())
    pname = np.full((len(world.units), width), "", dtype=object)
    plat = np.zeros((len(world.units), width))
    plon = np.zeros((len(world.units), width))
    for i, x in enumerate(world.units):  # once per unit
        for j, (nm, y, z) in enumerate(x.places):
            pname[i, j], plat[i, j], plon[i, j] = nm, y, z
    slot = np.minimum((rng.random(n) * n_places[unit]).astype(np.int64), n_places[unit] - 1)
    country = np.array([x.country for x in world.units], dtype=object)[unit]
    admin1 = np.array([x.admin1 for x in world.units], dtype=object)[unit]
    admin2 = np.array([x.admin2 for x in world.units], dtype=object)[unit]
    location = pname[unit, slot]

    # actors and notes
    ids = np.array([g.id for g in groups], dtype=object)
    names = np.array([g.name for g in groups], dtype=object)
    kinds = np.array([g.kind for g in groups], dtype=object)
    long, short = group_phrases(names, kinds)
    safe_tgt = np.maximum(tgt, 0)
    capturer = out.capture_capturer[np.maximum(ccap, 0)] if out.capture_capturer.size else (
        np.zeros(n, np.int64))
    capture_by = np.where(ccap < 0, -1, np.where(capturer == att, 0, 1))
    words = describe_materiel(out.capture_quantity, world.materiel)
    items = words[np.maximum(ccap, 0)] if words.size else np.full(n, "", dtype=object)
    notes = compose_notes(
        is_clash=is_clash, attacker_long=long[att], attacker_short=short[att],
        target_long=np.where(is_clash, long[safe_tgt], "civilians"),
        target_short=np.where(is_clash, short[safe_tgt], "civilians"),
        place=location + " (" + admin2 + ", " + admin1 + ")", fatalities=fatalities,
        capture_by=capture_by, items=items, rng=rng)
    state = np.isin(kinds, ["state_force"])
    event_id = np.array([f"SIM{i:07d}" for i in range(1, n + 1)], dtype=object)
    dates = start + pd.to_timedelta(day, unit="D")
    frame = pd.DataFrame({
        "event_id": event_id,
        "date": dates,
        "date_precision": 1,
        "country": country,
        "admin1": admin1,
        "admin2": admin2,
        "location": location,
        "latitude": plat[unit, slot],
        "longitude": plon[unit, slot],
        "event_type": np.where(is_clash, "battle", "violence_against_civilians"),
        "actor1": ids[att],
        "actor2": np.where(is_clash, ids[safe_tgt], "civilians"),
        "actor1_raw": names[att],
        "actor2_raw": np.where(is_clash, names[safe_tgt], "Civilians"),
        "actor1_kind": kinds[att],
        "actor2_kind": np.where(is_clash, kinds[safe_tgt], "civilians"),
        "directed": True,
        "fatalities": fatalities.astype(np.int64),
        "type_of_violence": np.where(
            is_clash, np.where(state[att] | state[safe_tgt], 1, 2), 3),
        "notes": notes,
        "source_dataset": "simulated",
    })
    captures = _captures(world, out, event_id, ccap, day, dyad, capture_by)
    return frame, captures


def _captures(world: World, out: EngineOutput, event_id: np.ndarray, ccap: np.ndarray,
              day: np.ndarray, dyad: np.ndarray, capture_by: np.ndarray) -> pd.DataFrame:
    """One row per true capture: who, from whom, what, and the capability it moved."""
    c = out.capture_capturer.size
    where = np.empty(c, dtype=np.int64)
    has = ccap >= 0
    where[ccap[has]] = np.flatnonzero(has)
    ids = np.array(world.group_ids, dtype=object)
    classes = np.array([m.cls for m in world.materiel], dtype=object)
    q = out.capture_quantity
    row, col = np.nonzero(q)
    mat = pd.Series(classes[col]).groupby(row).agg(";".join).reindex(range(c), fill_value="")
    qty = pd.Series(classes[col] + ":" + q[row, col].astype(str).astype(object)).groupby(
        row).agg(";".join).reindex(range(c), fill_value="")
    pairs = np.array(["|".join(r.pair) for r in world.rivalries], dtype=object)
    cap_day = day[where]
    before_c = out.capability[cap_day, out.capture_capturer]
    before_l = out.capability[cap_day, out.capture_loser]
    w = out.capture_weight
    return pd.DataFrame({
        "event_id": event_id[where],
        "day": cap_day,
        "dyad": pairs[dyad[where]] if c else np.zeros(0, dtype=object),
        "capturer": ids[out.capture_capturer],
        "captured_from": ids[out.capture_loser],
        "by": np.where(capture_by[where] == 0, "attacker", "defender"),
        "materiel": mat.to_numpy(dtype=object),
        "quantities": qty.to_numpy(dtype=object),
        "weight": w,
        "capturer_capability": before_c,
        "loser_capability": before_l,
        "tempo_ratio": (1 + w / before_c) ** world.tempo_elasticity,
        "lethality_ratio": (1 + w / before_c) ** world.lethality_elasticity,
        "reach_ratio": (1 + w / before_c) ** world.reach_elasticity,
        "loser_tempo_ratio": np.maximum(1 - w / before_l, 0.0) ** world.tempo_elasticity,
    })
