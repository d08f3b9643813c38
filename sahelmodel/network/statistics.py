"""Network statistics as plain functions returning labelled pandas objects.

Every function takes a :class:`~sahelmodel.network.TemporalNetwork` and returns either a
period × actor DataFrame (index ``period``, columns the actors), a period-indexed table, or a long
Series/DataFrame indexed by ``(period, actor_i, actor_j)``. All periods are computed at once on a
block-diagonal sparse matrix (one actors × actors block per period), so there is no loop per
period except where networkx does the work on a snapshot (betweenness, communities).

``value`` chooses what a tie is measured by: ``"count"`` (events in the period), ``"weight"``
(their summed weight) or ``"intensity"`` (decayed weight, the tie's memory). Binary statistics
(degree, shared neighbours, triads, betweenness) link i and j when the values of all their ties
in the layer, summed, exceed ``threshold`` (default 0; with a half-life, a positive threshold
such as 0.5 lets old ties fade out).

Directed and undirected ties: an undirected tie counts in both directions for in/out quantities
and once in totals; the "undirected view" joins i and j when any tie links them.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from sahelmodel._validation import check_choice
from sahelmodel.network.temporal import Layer, TemporalNetwork

__all__ = [
    "betweenness",
    "communities",
    "degree",
    "reciprocity",
    "rem_statistics",
    "shared_allies",
    "shared_enemies",
    "shared_neighbours",
    "strength",
    "triad_census",
]

_VALUES = ("count", "weight", "intensity")


def _values(lay: Layer, value: str) -> sp.csr_matrix:
    """Ties × periods values as CSR (explicit zeros removed)."""
    check_choice("value", value, _VALUES)
    raw = getattr(lay, value)
    mat = sp.csr_matrix(raw, dtype=np.float64)
    mat.eliminate_zeros()
    return mat


def _arcs(
    net: TemporalNetwork, layer: str, value: str, threshold: float, *, undirected_view: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(period, src, dst, value) of every tie with value above ``threshold``.

    Undirected ties (or all ties, in the undirected view) appear in both directions.
    """
    lay = net.layer(layer)
    coo = _values(lay, value).tocoo()
    live = coo.data > threshold
    tie, per, val = coo.row[live], coo.col[live].astype(np.int64), coo.data[live]
    src, dst = lay.source[tie], lay.target[tie]
    both = np.ones(tie.size, dtype=bool) if undirected_view else ~lay.directed[tie]
    return (
        np.concatenate([per, per[both]]),
        np.concatenate([src, dst[both]]),
        np.concatenate([dst, src[both]]),
        np.concatenate([val, val[both]]),
    )


def _block(net: TemporalNetwork, per: np.ndarray, src: np.ndarray, dst: np.ndarray,
           val: np.ndarray) -> sp.csr_matrix:
    """Block-diagonal (periods·actors)² matrix holding one actors × actors block per period."""
    n, size = net.n_actors, net.n_actors * net.n_periods
    mat = sp.csr_matrix((val, (per * n + src, per * n + dst)), shape=(size, size))
    mat.sum_duplicates()
    return mat


def _binary_view(net: TemporalNetwork, layer: str, value: str, threshold: float) -> sp.csr_matrix:
    """Symmetric 0/1 block matrix of the undirected view.

    i and j are linked when all their ties of ``layer`` together (directed both ways and
    undirected) have a value above ``threshold``.
    """
    per, src, dst, val = _arcs(net, layer, value, -np.inf, undirected_view=True)
    mat = _block(net, per, src, dst, val)
    mat.data = (mat.data > threshold).astype(np.float64)
    mat.eliminate_zeros()
    return mat


def _wide(net: TemporalNetwork, flat: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        np.asarray(flat).reshape(net.n_periods, net.n_actors),
        index=net.periods,
        columns=net.actors,
    )


def degree(
    net: TemporalNetwork, layer: str = "hostile", *, value: str = "count", threshold: float = 0.0
) -> pd.DataFrame:
    """Number of distinct neighbours of each actor in each period (undirected view).

    Returns
    -------
    pandas.DataFrame
        Periods × actors, integers.

    Examples
    --------
    >>> from sahelmodel.network._synthetic import random_events
    >>> net = TemporalNetwork.from_events(random_events(50, 6, rng=0), freq="M")
    >>> degree(net).shape == (net.n_periods, net.n_actors)
    True
    """
    mat = _binary_view(net, layer, value, threshold)
    return _wide(net, np.asarray(mat.sum(axis=1)).ravel().astype(np.int64))


def strength(
    net: TemporalNetwork,
    layer: str = "hostile",
    *,
    value: str = "intensity",
    direction: str = "total",
) -> pd.DataFrame:
    """Summed tie values of each actor in each period.

    Parameters
    ----------
    direction : {"total", "out", "in"}
        ``total``: every tie touching the actor, once. ``out``: directed ties it sends plus
        undirected ties. ``in``: directed ties it receives plus undirected ties.

    Notes
    -----
    With ``value="count"`` and ``direction="total"`` the strength is the number of the actor's
    hostile events in the period, so strengths summed over actors are twice the layer total.
    """
    check_choice("direction", direction, ("total", "out", "in"))
    lay = net.layer(layer)
    vals = _values(lay, value)
    n = net.n_actors
    ties = np.arange(lay.n_ties)
    und = ~lay.directed
    if direction == "total":
        r, c = np.concatenate([lay.source, lay.target]), np.concatenate([ties, ties])
    elif direction == "out":
        r, c = np.concatenate([lay.source, lay.target[und]]), np.concatenate([ties, ties[und]])
    else:
        r, c = np.concatenate([lay.target, lay.source[und]]), np.concatenate([ties, ties[und]])
    incidence = sp.csr_matrix((np.ones(r.size), (r, c)), shape=(n, lay.n_ties))
    out = (incidence @ vals).toarray() if lay.n_ties else np.zeros((n, net.n_periods))
    return pd.DataFrame(out.T, index=net.periods, columns=net.actors)


def reciprocity(
    net: TemporalNetwork, layer: str = "hostile", *, value: str = "count", threshold: float = 0.0
) -> pd.DataFrame:
    """Reciprocity of the directed ties in each period.

    Returns
    -------
    pandas.DataFrame
        Index periods; columns ``directed_arcs`` (ordered pairs i→j with a directed tie),
        ``reciprocated_arcs`` (those whose reverse j→i also has one) and ``reciprocity`` (their
        ratio; NaN in a period without directed ties, where it is undefined).
    """
    lay = net.layer(layer)
    coo = _values(lay, value).tocoo()
    live = (coo.data > threshold) & lay.directed[coo.row]
    per = coo.col[live].astype(np.int64)
    src, dst = lay.source[coo.row[live]], lay.target[coo.row[live]]
    n = max(net.n_actors, 1)
    key = (per * n + src) * n + dst
    rev = (per * n + dst) * n + src
    recip = np.isin(rev, key)
    arcs = np.bincount(per, minlength=net.n_periods)
    back = np.bincount(per[recip], minlength=net.n_periods)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(arcs > 0, back / np.maximum(arcs, 1), np.nan)
    return pd.DataFrame(
        {"directed_arcs": arcs, "reciprocated_arcs": back, "reciprocity": ratio},
        index=net.periods,
    )


def shared_neighbours(
    net: TemporalNetwork, layer: str, *, value: str = "count", threshold: float = 0.0
) -> pd.Series:
    """Number of common neighbours of i and j (i < j) in ``layer``, per period.

    Returns
    -------
    pandas.Series
        Index ``(period, actor_i, actor_j)`` with ``actor_i < actor_j``; only positive values
        are listed (absent pairs have none).
    """
    mat = _binary_view(net, layer, value, threshold)
    two = (mat @ mat).tocoo()
    keep = two.row < two.col  # upper triangle; blocks never mix periods
    n = max(net.n_actors, 1)
    per = two.row[keep] // n
    i, j = two.row[keep] % n, two.col[keep] % n
    order = np.lexsort((j, i, per))
    index = pd.MultiIndex.from_arrays(
        [net.periods[per[order]], net.actors[i[order]], net.actors[j[order]]],
        names=["period", "actor_i", "actor_j"],
    )
    return pd.Series(two.data[keep][order].astype(np.int64), index=index, name=f"shared_{layer}")


def shared_enemies(
    net: TemporalNetwork, *, value: str = "count", threshold: float = 0.0
) -> pd.Series:
    """Number of actors with hostile ties to both i and j (see :func:`shared_neighbours`)."""
    return shared_neighbours(net, "hostile", value=value, threshold=threshold).rename(
        "shared_enemies"
    )


def shared_allies(
    net: TemporalNetwork, *, value: str = "count", threshold: float = 0.0
) -> pd.Series:
    """Number of actors with cooperative ties to both i and j (see :func:`shared_neighbours`)."""
    return shared_neighbours(net, "cooperative", value=value, threshold=threshold).rename(
        "shared_allies"
    )


def triad_census(
    net: TemporalNetwork, *, value: str = "count", threshold: float = 0.0
) -> pd.DataFrame:
    r"""The four structural-balance triad types per period.

    A pair is *negative* when a hostile tie links it and *positive* when only a cooperative tie
    does (hostility takes precedence). Closed triads are classified by their signs.

    Returns
    -------
    pandas.DataFrame
        Index periods; columns ``+++`` (friend of a friend is a friend, balanced), ``++-``
        (two allied pairs whose third pair are enemies, unbalanced), ``+--`` (enemy of my enemy
        is my friend, balanced), ``---`` (all enemies, unbalanced), and ``balance`` (share of
        balanced triads, NaN without closed triads).

    Notes
    -----
    With P and N the binary positive and negative adjacency matrices of a period, the counts
    are :math:`\mathrm{tr}(P^3)/6`, :math:`\mathrm{tr}(P^2N)/2`, :math:`\mathrm{tr}(PN^2)/2`
    and :math:`\mathrm{tr}(N^3)/6`.
    """
    neg = _binary_view(net, "hostile", value, threshold)
    pos = _binary_view(net, "cooperative", value, threshold)
    pos = pos - pos.multiply(neg)
    pos.eliminate_zeros()
    n = max(net.n_actors, 1)

    def trace_by_period(a: sp.csr_matrix, b: sp.csr_matrix, c: sp.csr_matrix) -> np.ndarray:
        diag = np.asarray((a @ b).multiply(c.T).sum(axis=1)).ravel()
        return np.bincount(np.arange(diag.size) // n, weights=diag, minlength=net.n_periods)

    ppp = trace_by_period(pos, pos, pos) / 6
    ppn = trace_by_period(pos, pos, neg) / 2
    pnn = trace_by_period(pos, neg, neg) / 2
    nnn = trace_by_period(neg, neg, neg) / 6
    out = pd.DataFrame(
        {"+++": ppp, "++-": ppn, "+--": pnn, "---": nnn}, index=net.periods
    ).round().astype(np.int64)
    total = out.sum(axis=1).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["balance"] = np.where(
            total > 0, (out["+++"] + out["+--"]).to_numpy() / np.maximum(total, 1), np.nan
        )
    return out


def rem_statistics(
    net: TemporalNetwork, layer: str = "hostile", *, value: str = "intensity"
) -> pd.DataFrame:
    r"""Relational-event statistics of every ordered pair, from the history before each period.

    Returns
    -------
    pandas.DataFrame
        Index ``(period, source, target)`` over the ordered pairs linked by a tie of ``layer`` in
        some period; columns ``inertia`` (:math:`w_{ij}`), ``reciprocity`` (:math:`w_{ji}`),
        ``two_path`` (:math:`\sum_k w_{ik} w_{kj}`, triadic closure) and ``shared_partners``
        (:math:`\sum_k u_{ik} u_{jk}` on the undirected view :math:`u = w + w^T`), each taken
        at the end of period t-1 (zero in the first period).

    Notes
    -----
    :math:`w_{ij}` is the value of the arc i→j: the directed tie i→j plus the undirected tie
    {i, j}. With ``value="intensity"`` and a half-life these are the decayed statistics of
    relational-event models; nothing from period t enters the row of period t.
    """
    per, src, dst, val = _arcs(net, layer, value, 0.0, undirected_view=False)
    shifted = per + 1
    keep = shifted < net.n_periods
    arcs = _block(net, shifted[keep], src[keep], dst[keep], val[keep])
    lay = net.layer(layer)
    pairs = np.unique(
        np.concatenate(
            [
                np.stack([lay.source, lay.target], axis=1),
                np.stack([lay.target, lay.source], axis=1),
            ]
        ),
        axis=0,
    )
    n, n_per = net.n_actors, net.n_periods
    p = np.repeat(np.arange(n_per), len(pairs))
    i = np.tile(pairs[:, 0], n_per)
    j = np.tile(pairs[:, 1], n_per)
    r, c = p * n + i, p * n + j
    und = arcs + arcs.T
    out = pd.DataFrame(
        {
            "inertia": np.asarray(arcs[r, c]).ravel(),
            "reciprocity": np.asarray(arcs[c, r]).ravel(),
            "two_path": np.asarray(arcs[r].multiply(arcs.T.tocsr()[c]).sum(axis=1)).ravel(),
            "shared_partners": np.asarray(und[r].multiply(und[c]).sum(axis=1)).ravel(),
        },
        index=pd.MultiIndex.from_arrays(
            [net.periods[p], net.actors[i], net.actors[j]], names=["period", "source", "target"]
        ),
    )
    return out


def betweenness(
    net: TemporalNetwork,
    layer: str = "hostile",
    *,
    value: str = "count",
    threshold: float = 0.0,
    normalized: bool = True,
) -> pd.DataFrame:
    """Betweenness centrality of each actor in each period (networkx, undirected view).

    Returns
    -------
    pandas.DataFrame
        Periods × actors.
    """
    per, src, dst, _ = _arcs(net, layer, value, threshold, undirected_view=True)
    out = np.zeros((net.n_periods, net.n_actors))
    names = net.actors
    for p in np.unique(per):  # networkx works on one snapshot at a time
        graph = nx.Graph()
        graph.add_nodes_from(range(net.n_actors))
        sel = per == p
        graph.add_edges_from(zip(src[sel].tolist(), dst[sel].tolist(), strict=True))
        scores = nx.betweenness_centrality(graph, normalized=normalized)
        out[p] = [scores[k] for k in range(net.n_actors)]
    return pd.DataFrame(out, index=net.periods, columns=names)


def communities(
    net: TemporalNetwork,
    layer: str = "hostile",
    *,
    value: str = "intensity",
    threshold: float = 0.0,
) -> pd.DataFrame:
    """Communities of each period by greedy modularity maximisation (networkx, deterministic).

    Returns
    -------
    pandas.DataFrame
        Periods × actors of community labels (0 = largest community of the period, 1 = next,
        ...); -1 marks an actor without ties in that period.
    """
    per, src, dst, val = _arcs(net, layer, value, threshold, undirected_view=True)
    upper = src < dst  # every tie appears once with src < dst in the undirected view
    summed = _block(net, per[upper], src[upper], dst[upper], val[upper]).tocoo()
    n = max(net.n_actors, 1)
    per, src, dst, val = summed.row // n, summed.row % n, summed.col % n, summed.data
    out = np.full((net.n_periods, net.n_actors), -1, dtype=np.int64)
    for p in np.unique(per):  # networkx works on one snapshot at a time
        sel = per == p
        graph = nx.Graph()
        graph.add_weighted_edges_from(
            zip(src[sel].tolist(), dst[sel].tolist(), val[sel].tolist(), strict=True)
        )
        groups = nx.community.greedy_modularity_communities(graph, weight="weight")
        ordered = sorted(groups, key=lambda g: (-len(g), min(g)))
        for label, members in enumerate(ordered):
            out[p, sorted(members)] = label
    return pd.DataFrame(out, index=net.periods, columns=net.actors)
