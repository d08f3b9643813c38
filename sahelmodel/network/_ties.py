"""From events to ties: the rules that turn an :class:`~sahelmodel.events.EventTable` into arcs.

The rules (documented once here, used by the network and the panels, and re-implemented with
plain loops in :mod:`sahelmodel.network._reference` to test them):

Hostile layer
    * A **capture** (``capture`` true, with both ``capturer`` and ``captured_from`` known) is a
      *directed* tie ``capturer -> captured_from``, whatever the event type.
    * Otherwise an event of type ``battle``, ``remote_violence`` or
      ``violence_against_civilians`` with both ``actor1`` and ``actor2`` known is a tie between
      them: directed ``actor1 -> actor2`` when ``directed`` is true (the source says who
      initiated), undirected (stored once with source < target) otherwise.
    * Each event gives at most one hostile tie, so the hostile layer's total count equals the
      number of hostile events.
    * Not ties (counted in the network's ``accounting``): other event types
      (``not_hostile_type``), events with ``actor2`` missing (``one_sided``), events where an
      end is a civilian actor (``civilians``; kind ``civilians`` or id ``civilians``; kept as
      nodes and ties with ``include_civilians=True``), and self-loops where both ends are the
      same actor (``self_loop``: e.g. infighting coded with one id; always dropped).

Cooperative layer
    The actors on one side of an event (``actor1`` with ``assoc_actor1``, ``actor2`` with
    ``assoc_actor2``, ``;``-joined canonical ids) are pairwise tied, undirected. A pair counts
    once per event. Civilian actors are left out unless ``include_civilians=True``.

Weights
    ``weight="events"`` gives every tie weight 1; ``weight="fatalities"`` gives it the event's
    best-estimate deaths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sahelmodel.events import EventDataError, EventTable
from sahelmodel.network._core import (
    FREQS,
    distinct,
    pairs_within_groups,
    period_codes,
    period_starts,
    sorted_unique,
)

__all__ = ["HOSTILE_TYPES", "LAYERS", "REASONS", "TieData", "extract_ties", "is_civilian"]

#: Event types whose two armed actors are tied in the hostile layer.
HOSTILE_TYPES: tuple[str, ...] = ("battle", "remote_violence", "violence_against_civilians")

#: Layers of the network.
LAYERS: tuple[str, ...] = ("hostile", "cooperative")

#: Accounting labels, in the order the rules are applied.
REASONS: tuple[str, ...] = (
    "outside_window",
    "not_hostile_type",
    "one_sided",
    "civilians",
    "self_loop",
    "hostile",
)


@dataclass(frozen=True)
class TieData:
    """Arcs extracted from events (arrays only) plus labels.

    Attributes
    ----------
    actors : pandas.Index
        Sorted node ids; arcs refer to their positions.
    first_code : int
        Absolute period code of period 0.
    n_periods : int
        Number of periods (empty ones included).
    hostile : tuple of arrays
        ``(src, dst, directed, period, weight, event_row)`` of hostile ties.
    cooperative : tuple of arrays
        ``(src, dst, period, weight, event_row)`` of cooperative ties (``src < dst``).
    accounting : pandas.Series
        Number of events per :data:`REASONS` label.
    freq : str
        Period code.
    captures : tuple of arrays
        ``(capturer, loser, period)`` of every capture inside the window whose capturer is a
        node; ``loser`` is -1 where it is unknown or not a node (e.g. civilians).
    row_nodes : tuple of arrays
        Node position of actor1, actor2, capturer and loser of every event row (negative
        where missing, civilian or unknown).
    row_period : numpy.ndarray
        Period index of every event row (outside ``0 .. n_periods - 1`` when outside).
    capture_rows : numpy.ndarray
        Event rows of ``captures``.
    """

    actors: pd.Index
    first_code: int
    n_periods: int
    hostile: tuple[np.ndarray, ...]
    cooperative: tuple[np.ndarray, ...]
    accounting: pd.Series
    freq: str = "W"
    captures: tuple[np.ndarray, ...] = ()
    row_nodes: tuple[np.ndarray, ...] = ()
    row_period: np.ndarray | None = None
    capture_rows: np.ndarray | None = None

    @property
    def periods(self) -> pd.DatetimeIndex:
        """Start of each period."""
        return period_index_of(self.first_code, self.n_periods, self.freq)

    def active(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct ``(period, node)`` of the nodes taking part in an event of each period.

        A node takes part as actor1, actor2, capturer or loser.
        """
        period = self.row_period
        inside = (period >= 0) & (period < self.n_periods)
        node = np.concatenate(self.row_nodes)
        ok = (node >= 0) & np.tile(inside, len(self.row_nodes))
        width = max(len(self.actors), 1)
        per = np.tile(period, len(self.row_nodes))[ok]
        key = distinct(per * width + node[ok], self.n_periods * width)
        return key // width, key % width


def is_civilian(names: np.ndarray, civilian_ids: set[str]) -> np.ndarray:
    """Boolean mask of distinct (non-missing) names that denote civilians."""
    text = np.asarray(names, dtype=str)
    named = np.strings.lower(text) == "civilians"
    if not civilian_ids or text.size == 0:
        return named
    return named | np.isin(text, np.array(sorted(civilian_ids), dtype=str))


def _civilian_ids(
    frame: pd.DataFrame, coded: tuple[tuple[np.ndarray, np.ndarray], ...]
) -> set[str]:
    """Names of actor1/actor2 whose kind is ``civilians`` on some row.

    ``coded`` holds the ``(codes, uniques)`` of actor1 and actor2 from :func:`_codes`, so the
    names are read from the distinct codes instead of hashing the strings again.
    """
    ids: set[str] = set()
    for side, (col_codes, uniques) in zip(("actor1", "actor2"), coded, strict=True):
        hit = frame[f"{side}_kind"].isin(["civilians"]).to_numpy(dtype=bool)
        if hit.any():
            picked = col_codes[hit]
            picked = picked[picked >= 0]
            ids.update(uniques[distinct(picked, uniques.size)].tolist())
    return ids


def _bool_column(column: pd.Series) -> np.ndarray:
    """A nullable boolean column as a numpy bool array with missing values read as False."""
    return column.to_numpy(dtype=bool, na_value=False)


def _category_mask(column: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """``column.isin(values)`` as a numpy bool array, through the category codes when possible."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        hit = np.append(np.asarray(column.cat.categories.isin(values), dtype=bool), False)
        codes = column.cat.codes.to_numpy()
        return hit[np.where(codes >= 0, codes, hit.size - 1)]
    return column.isin(values).to_numpy(dtype=bool)


def _split_names(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """Explode ``;``-joined names of the given rows without making a string per occurrence.

    Returns ``(row, position, table)``: the row of each name, its position in ``table``, and
    ``table``, the non-empty stripped pieces of the distinct strings (a name may repeat).
    """
    codes, uniques = pd.factorize(column.to_numpy(dtype=object)[rows], use_na_sentinel=True)
    text = np.asarray(uniques, dtype=str)
    # one C-level split of all distinct strings joined, then vectorised strip
    pieces = np.asarray(";".join(text.tolist()).split(";") if text.size else [], dtype=str)
    pieces = np.strings.strip(pieces)
    n_pieces = np.strings.count(text, ";") + 1
    owner = np.repeat(np.arange(text.size), n_pieces)
    keep = np.strings.str_len(pieces) > 0
    table = pieces[keep]
    lengths = np.append(np.bincount(owner[keep], minlength=text.size), 0)  # last: missing
    offsets = np.concatenate([[0], np.cumsum(lengths[:-1])])
    per_row = lengths[codes]
    total = int(per_row.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), table
    starts = np.repeat(np.cumsum(per_row) - per_row, per_row)
    within = np.arange(total) - starts
    take = np.repeat(offsets[np.maximum(codes, 0)], per_row) + within
    return np.repeat(rows, per_row), take.astype(np.int64), table


def _side_members(
    frame: pd.DataFrame, rows: np.ndarray, mains: tuple[tuple[np.ndarray, np.ndarray], ...]
) -> tuple[np.ndarray, ...]:
    """``(row, side, code, table)`` of every actor named on each side of the given events.

    ``mains`` holds the ``(codes, uniques)`` of actor1 and actor2 over all rows; ``code``
    indexes ``table`` (the names, possibly repeated), so no string is made per occurrence.
    """
    parts_row, parts_side, parts_code, tables = [], [], [], []
    offset = 0
    for side, (main_codes, main_names), assoc in zip(
        (1, 2), mains, ("assoc_actor1", "assoc_actor2"), strict=True
    ):
        main = main_codes[rows]
        known = main >= 0  # a missing actor2 is not a member
        extra_rows, extra_pos, extra_names = _split_names(frame[assoc], rows)
        parts_row += [rows[known], extra_rows]
        parts_code += [main[known] + offset, extra_pos + (offset + main_names.size)]
        parts_side.append(np.full(int(known.sum()) + extra_rows.size, side, dtype=np.int64))
        tables += [np.asarray(main_names, dtype=str), np.asarray(extra_names, dtype=str)]
        offset += main_names.size + extra_names.size
    return (
        np.concatenate(parts_row).astype(np.int64),
        np.concatenate(parts_side),
        np.concatenate(parts_code).astype(np.int64),
        np.concatenate(tables),
    )


def _window(
    dates: np.ndarray, freq: str, start: object, end: object
) -> tuple[np.ndarray, int, int]:
    codes = period_codes(dates, freq)
    if start is None and codes.size == 0:
        raise ValueError("the event table is empty: give start= and end= to fix the periods")
    if end is None and codes.size == 0:
        raise ValueError("the event table is empty: give start= and end= to fix the periods")
    first = (
        int(codes.min())
        if start is None
        else int(period_codes(np.array([pd.Timestamp(start).to_datetime64()]), freq)[0])
    )
    last = (
        int(codes.max())
        if end is None
        else int(period_codes(np.array([pd.Timestamp(end).to_datetime64()]), freq)[0])
    )
    if last < first:
        raise ValueError(f"end ({end}) lies before start ({start})")
    return codes, first, last


def _codes(column: pd.Series, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for missing) and the distinct names of a string column."""
    values = column.to_numpy(dtype=object) if rows is None else column.to_numpy(dtype=object)[rows]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object).astype(str)


def extract_ties(
    events: EventTable,
    *,
    freq: str,
    weight: str = "events",
    include_civilians: bool = False,
    actors: object = None,
    start: object = None,
    end: object = None,
) -> TieData:
    """Apply the module's rules to ``events`` and return the arcs as arrays.

    Strings are factorised once; every rule then runs on integer codes.

    Raises
    ------
    EventDataError
        When ``actors`` is given and a tie involves an actor outside it (names the event).
    """
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {', '.join(FREQS)}; got {freq!r}")
    if weight not in ("events", "fatalities"):
        raise ValueError(f"weight must be 'events' or 'fatalities'; got {weight!r}")
    frame = events._frame  # read-only access; EventTable never changes it
    n_rows = len(frame)
    dates = frame["date"].to_numpy(dtype="datetime64[ns]")
    codes, first, last = _window(dates, freq, start, end)
    n_periods = last - first + 1
    period = codes - first
    inside = (period >= 0) & (period < n_periods)

    # Factorise names: actor1/actor2 over all rows, capturer/loser over capture rows only.
    cap_flag = _bool_column(frame["capture"])
    cap_rows = np.flatnonzero(cap_flag)
    c1, u1 = _codes(frame["actor1"])
    c2, u2 = _codes(frame["actor2"])
    cc, uc = _codes(frame["capturer"], cap_rows)
    cl, ul = _codes(frame["captured_from"], cap_rows)

    # Cooperative sides: only events with associated actors can have two actors on a side.
    assoc_rows = np.flatnonzero(
        inside & (frame["assoc_actor1"].notna() | frame["assoc_actor2"].notna()).to_numpy()
    )
    m_row, m_side, m_codes, m_table = _side_members(frame, assoc_rows, ((c1, u1), (c2, u2)))

    civ_ids = _civilian_ids(frame, ((c1, u1), (c2, u2)))
    # Node set: every name on an inside row (civilians only when asked for).
    present = [
        u1[distinct(c1[inside & (c1 >= 0)], u1.size)],
        u2[distinct(c2[inside & (c2 >= 0)], u2.size)],
        uc[distinct(cc[inside[cap_rows] & (cc >= 0)], uc.size)],
        ul[distinct(cl[inside[cap_rows] & (cl >= 0)], ul.size)],
    ]
    present.append(m_table[distinct(m_codes, m_table.size)])
    names = np.unique(np.concatenate([np.asarray(p, dtype=str) for p in present]))
    civ_name = is_civilian(names, civ_ids)
    if not include_civilians:
        names = names[~civ_name]
    if actors is None:
        node_index = pd.Index(names, name="actor", dtype=object)
    else:
        node_index = pd.Index(np.sort(np.asarray(list(actors), dtype=str)), name="actor",
                              dtype=object)
        if node_index.has_duplicates:
            raise ValueError("actors must not contain duplicates")

    # Map each column's codes to node positions; -2 marks a civilian, -1 a missing name.
    def to_nodes(col_codes: np.ndarray, uniques: np.ndarray) -> np.ndarray:
        pos = node_index.get_indexer(uniques).astype(np.int64)
        if not include_civilians:
            pos[is_civilian(uniques, civ_ids)] = -2
        pos = np.where(pos == -1, -3, pos)  # -3: a name outside a user-given node set
        return np.where(col_codes >= 0, pos[np.maximum(col_codes, 0)] if pos.size else -1, -1)

    n1, n2 = to_nodes(c1, u1), to_nodes(c2, u2)
    nc = np.full(n_rows, -1, dtype=np.int64)
    nl = np.full(n_rows, -1, dtype=np.int64)
    nc[cap_rows], nl[cap_rows] = to_nodes(cc, uc), to_nodes(cl, ul)

    cap = cap_flag & (nc != -1) & (nl != -1)
    hostile_type = _category_mask(frame["event_type"], HOSTILE_TYPES)
    has_a2 = n2 != -1
    src = np.where(cap, nc, n1)
    dst = np.where(cap, nl, n2)
    directed = cap | _bool_column(frame["directed"])
    candidate = inside & (cap | (hostile_type & has_a2))
    civ = (src == -2) | (dst == -2)
    self_loop = (src == dst) & (src >= 0)
    if not include_civilians:
        # a civilian on both ends is a civilian event, not a self-loop
        self_loop &= ~civ
    keep = candidate & ~civ & ~self_loop
    _check_known(frame, keep, src, dst, len(node_index))

    # Each event gets the first reason that applies, in the order of REASONS.
    not_cap = inside & ~cap
    n_kept = int(np.count_nonzero(keep))
    n_civ = int(np.count_nonzero(candidate & civ))
    tally = [
        n_rows - int(np.count_nonzero(inside)),
        int(np.count_nonzero(not_cap & ~hostile_type)),
        int(np.count_nonzero(not_cap & hostile_type & ~has_a2)),
        n_civ,
        int(np.count_nonzero(candidate)) - n_civ - n_kept,
        n_kept,
    ]
    accounting = pd.Series(
        np.array(tally, dtype=np.int64),
        index=pd.Index(list(REASONS), name="reason"),
        name="events",
    )

    rows = np.flatnonzero(keep)
    s_code, d_code, h_dir = src[rows], dst[rows], directed[rows]
    lo, hi = np.minimum(s_code, d_code), np.maximum(s_code, d_code)
    s_code = np.where(h_dir, s_code, lo)
    d_code = np.where(h_dir, d_code, hi)
    fat = frame["fatalities"].to_numpy(dtype=np.float64)
    w_all = np.ones(n_rows) if weight == "events" else fat
    hostile = (s_code, d_code, h_dir, period[rows], w_all[rows], rows)

    cooperative = _cooperative_ties(
        frame, m_row, m_side, m_codes, to_nodes(np.arange(m_table.size), m_table), m_table,
        len(node_index), period, w_all,
    )
    crow = np.flatnonzero(cap_flag & inside & (nc >= 0))
    captures = (nc[crow], np.where(nl[crow] >= 0, nl[crow], -1), period[crow])
    return TieData(
        node_index, first, n_periods, hostile, cooperative, accounting, freq, captures,
        (n1, n2, nc, nl), period, crow,
    )


def _cooperative_ties(
    frame: pd.DataFrame,
    row: np.ndarray,
    side: np.ndarray,
    codes: np.ndarray,
    code_node: np.ndarray,
    names: np.ndarray,
    n_nodes: int,
    period: np.ndarray,
    weight: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Pairs of distinct actors on one side of an event, once per event (arrays only)."""
    node = code_node[codes] if codes.size else np.zeros(0, dtype=np.int64)
    outside = np.flatnonzero(node == -3)
    if outside.size:
        k = int(outside[0])
        raise EventDataError(
            f"actor {str(names[codes[k]])!r} is not in the given actors",
            column="assoc_actor1" if side[k] == 1 else "assoc_actor2",
            source=f"event {frame['event_id'].iloc[int(row[k])]!r}",
        )
    keep = node >= 0  # civilians (-2) are left out unless they are nodes
    width = np.int64(max(n_nodes, 1))
    group = row[keep] * 2 + (side[keep] - 1)
    members = sorted_unique(group * width + node[keep])  # sorted by (group, node), distinct
    g, a, b = pairs_within_groups(members // width, members % width)
    pairs = sorted_unique(((g // 2) * width + a) * width + b)  # a pair counts once per event
    ev = pairs // (width * width)
    a, b = (pairs // width) % width, pairs % width
    return a, b, period[ev], weight[ev], ev


def _check_known(
    frame: pd.DataFrame, keep: np.ndarray, src: np.ndarray, dst: np.ndarray, n_nodes: int
) -> None:
    bad = np.flatnonzero(keep & ((src == -3) | (dst == -3)))
    if bad.size:
        row = int(bad[0])
        names = [frame[c].iloc[row] for c in ("actor1", "actor2", "capturer", "captured_from")]
        raise EventDataError(
            f"an actor of this event ({', '.join(str(x) for x in names if not pd.isna(x))}) "
            f"is not in the given actors ({n_nodes} ids)",
            source=f"event {frame['event_id'].iloc[row]!r}",
        )


def period_index_of(codes_first: int, n_periods: int, freq: str) -> pd.DatetimeIndex:
    """The :class:`pandas.DatetimeIndex` of period starts, named ``period``."""
    starts = period_starts(np.arange(codes_first, codes_first + n_periods), freq)
    return pd.DatetimeIndex(starts, name="period")
