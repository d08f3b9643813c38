"""Network statistics against loops over networkx snapshots."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from sahelmodel import TemporalNetwork
from sahelmodel.network import statistics as S
from sahelmodel.network._reference import reference_shared_neighbours
from sahelmodel.network._synthetic import random_events


@pytest.fixture(scope="module", params=[0, 1, 2])
def net(request: pytest.FixtureRequest) -> TemporalNetwork:
    ev = random_events(260, 9, n_days=80, n_rivals=3, p_assoc=0.3, p_directed=0.5,
                       p_capture=0.2, rng=request.param)
    return TemporalNetwork.from_events(ev, freq="W", half_life=1.5)


def _graph(net: TemporalNetwork, p: int, layer: str, value: str, threshold: float) -> nx.Graph:
    snap = net.snapshot(p, threshold=0.0)
    g = nx.Graph()
    g.add_nodes_from(net.actors)
    g.add_edges_from(
        (u, v) for u, v, d in snap.edges(data=True) if d[f"{layer}_{value}"] > threshold
    )
    return g


@pytest.mark.parametrize(("value", "threshold"), [("count", 0.0), ("intensity", 0.7)])
def test_degree_and_shared_neighbours_match_networkx(
    net: TemporalNetwork, value: str, threshold: float
) -> None:
    deg = S.degree(net, value=value, threshold=threshold)
    shared = S.shared_enemies(net, value=value, threshold=threshold)
    allies = S.shared_allies(net, value=value, threshold=threshold)
    for p in range(net.n_periods):
        g = _graph(net, p, "hostile", value, threshold)
        gc = _graph(net, p, "cooperative", value, threshold)
        assert deg.iloc[p].to_dict() == dict(g.degree())
        for u, v in combinations(net.actors, 2):
            key = (net.periods[p], u, v)
            assert shared.get(key, 0) == reference_shared_neighbours(g, u, v)
            assert allies.get(key, 0) == reference_shared_neighbours(gc, u, v)


def test_strength_matches_snapshot_sums(net: TemporalNetwork) -> None:
    total = S.strength(net, value="intensity")
    out = S.strength(net, value="intensity", direction="out")
    inn = S.strength(net, value="count", direction="in")
    for p in range(net.n_periods):
        snap = net.snapshot(p, layer="hostile", threshold=0.0)
        di = net.snapshot(p, layer="hostile", directed=True, threshold=0.0)
        for a in net.actors:
            assert total.iloc[p][a] == pytest.approx(
                snap.degree(a, weight="hostile_intensity")
            )
            assert out.iloc[p][a] == pytest.approx(di.out_degree(a, weight="hostile_intensity"))
            assert inn.iloc[p][a] == pytest.approx(di.in_degree(a, weight="hostile_count"))


def test_triad_census_by_enumeration(net: TemporalNetwork) -> None:
    census = S.triad_census(net)
    for p in range(net.n_periods):
        snap = net.snapshot(p, threshold=0.0)
        sign = {}
        for u, v, d in snap.edges(data=True):
            if d["hostile_count"] > 0:
                sign[frozenset((u, v))] = "-"
            elif d["cooperative_count"] > 0:
                sign[frozenset((u, v))] = "+"
        counts = {"+++": 0, "++-": 0, "+--": 0, "---": 0}
        for tri in combinations(net.actors, 3):
            s = [sign.get(frozenset(e)) for e in combinations(tri, 2)]
            if None not in s:
                counts["+" * s.count("+") + "-" * s.count("-")] += 1
        assert census.iloc[p][list(counts)].to_dict() == counts
    assert census["balance"].dropna().between(0, 1).all()


def test_reciprocity_from_directed_ties(net: TemporalNetwork) -> None:
    rec = S.reciprocity(net)
    frame = net.to_frame("hostile")
    frame = frame[frame["directed"] & (frame["count"] > 0)]
    for p in range(net.n_periods):
        arcs = set(zip(*(frame.loc[frame["period_index"] == p, c] for c in
                         ("source", "target")), strict=True))
        back = sum((t, s) in arcs for s, t in arcs)
        assert rec.iloc[p]["directed_arcs"] == len(arcs)
        assert rec.iloc[p]["reciprocated_arcs"] == back
        if arcs:
            assert rec.iloc[p]["reciprocity"] == pytest.approx(back / len(arcs))
        else:
            assert np.isnan(rec.iloc[p]["reciprocity"])


def test_rem_statistics_use_only_the_previous_period(net: TemporalNetwork) -> None:
    rem = S.rem_statistics(net)
    assert (rem.xs(net.periods[0], level="period") == 0).all().all()
    for p in range(1, net.n_periods):
        di = net.snapshot(p - 1, layer="hostile", directed=True, threshold=0.0)

        def w(a: str, b: str, di: nx.DiGraph = di) -> float:
            return di[a][b]["hostile_intensity"] if di.has_edge(a, b) else 0.0

        block = rem.xs(net.periods[p], level="period")
        for (i, j), row in block.iterrows():
            assert row["inertia"] == pytest.approx(w(i, j))
            assert row["reciprocity"] == pytest.approx(w(j, i))
            assert row["two_path"] == pytest.approx(sum(w(i, k) * w(k, j) for k in net.actors))
            sp = sum((w(i, k) + w(k, i)) * (w(j, k) + w(k, j)) for k in net.actors)
            assert row["shared_partners"] == pytest.approx(sp)


def test_betweenness_and_communities_match_networkx(net: TemporalNetwork) -> None:
    bet = S.betweenness(net)
    com = S.communities(net, value="count")
    for p in range(net.n_periods):
        g = _graph(net, p, "hostile", "count", 0.0)
        expected = nx.betweenness_centrality(g)
        np.testing.assert_allclose(bet.iloc[p][list(expected)].to_numpy(),
                                   list(expected.values()), atol=1e-12)
        labels = com.iloc[p]
        assert set(labels[labels == -1].index) == {a for a in g if g.degree(a) == 0}
        groups = {frozenset(labels[labels == k].index) for k in set(labels) - {-1}}
        assert all(len(gr) > 0 for gr in groups)
        assert sum(len(gr) for gr in groups) == sum(1 for a in g if g.degree(a) > 0)
