"""Unit tests of TemporalNetwork: periods, decay, direction, tie rules, errors, snapshots."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sahelmodel import TemporalNetwork
from sahelmodel.events import EventDataError, EventTable
from sahelmodel.network._core import decay, period_codes, period_starts
from sahelmodel.network._synthetic import random_events


def _ev(*rows: dict) -> EventTable:
    base = {"event_type": "battle", "fatalities": 0}
    return EventTable.from_records(
        [{**base, "event_id": str(k), **row} for k, row in enumerate(rows)]
    )


def test_weekly_periods_start_on_monday_and_keep_empty_weeks() -> None:
    ev = _ev(
        {"date": "2024-03-24", "actor1": "is_sahel", "actor2": "jnim"},  # a Sunday
        {"date": "2024-04-08", "actor1": "is_sahel", "actor2": "jnim"},  # Monday, 3 weeks on
    )
    net = TemporalNetwork.from_events(ev, freq="W")
    assert list(net.periods) == list(pd.date_range("2024-03-18", periods=4, freq="7D"))
    assert all(p.weekday() == 0 for p in net.periods)
    counts = net.layer("hostile").count.toarray()
    assert counts.tolist() == [[1, 0, 0, 1]]


@pytest.mark.parametrize(
    ("freq", "start", "n"),
    [("D", "2020-01-30", 3), ("M", "2020-01-01", 2), ("Y", "2020-01-01", 1)],
)
def test_calendar_periods(freq: str, start: str, n: int) -> None:
    ev = _ev(
        {"date": "2020-01-30", "actor1": "a", "actor2": "b"},
        {"date": "2020-02-01", "actor1": "a", "actor2": "b"},
    )
    net = TemporalNetwork.from_events(ev, freq=freq)
    assert net.periods[0] == pd.Timestamp(start)
    assert net.n_periods == n


def test_period_codes_match_pandas_periods() -> None:
    dates = pd.date_range("1968-12-25", "1972-03-10", freq="D")
    for freq, alias in (("D", "D"), ("W", "W"), ("M", "M"), ("Y", "Y")):
        codes = period_codes(dates.to_numpy(), freq)
        starts = period_starts(codes, freq)
        expected = dates.to_period(alias).start_time.to_numpy()
        np.testing.assert_array_equal(starts, expected)
        assert set(np.diff(np.unique(codes))) <= {1}


def test_decay_recursion_by_hand() -> None:
    ev = _ev(
        {"date": "2020-01-01", "actor1": "a", "actor2": "b"},
        {"date": "2020-01-01", "actor1": "b", "actor2": "a"},
        {"date": "2022-06-01", "actor1": "a", "actor2": "b"},
    )
    net = TemporalNetwork.from_events(ev, freq="Y", half_life=1.0)
    inten = net.layer("hostile").intensity
    np.testing.assert_allclose(inten, [[2.0, 1.0, 1.5]])
    net2 = TemporalNetwork.from_events(ev, freq="Y", half_life=2.0)
    d = math.exp(-math.log(2) / 2)
    np.testing.assert_allclose(net2.layer("hostile").intensity, [[2.0, 2 * d, 2 * d * d + 1]])
    no_memory = TemporalNetwork.from_events(ev, freq="Y")
    np.testing.assert_array_equal(no_memory.layer("hostile").dense("intensity"), [[2, 0, 1]])


def test_decay_core_against_python_loop() -> None:
    rng = np.random.default_rng(5)
    counts = rng.poisson(0.3, size=(7, 40)).astype(float)
    fast = decay(counts, 0.8)
    slow = np.zeros_like(counts)
    for i in range(counts.shape[0]):
        level = 0.0
        for t in range(counts.shape[1]):
            level = 0.8 * level + counts[i, t]
            slow[i, t] = level
    np.testing.assert_allclose(fast, slow, rtol=1e-13)


def test_direction_rule_and_captures() -> None:
    ev = _ev(
        {"date": "2020-01-01", "actor1": "jnim", "actor2": "fama", "directed": True},
        {"date": "2020-01-02", "actor1": "jnim", "actor2": "fama"},
        {"date": "2020-01-03", "actor1": "fama", "actor2": "jnim"},
        {"date": "2020-01-04", "actor1": "fama", "actor2": "jnim", "capture": True,
         "capturer": "jnim", "captured_from": "fama"},
    )
    frame = TemporalNetwork.from_events(ev, freq="Y").to_frame("hostile")
    got = {(r.source, r.target, r.directed): r.count for r in frame.itertuples()}
    # two directed jnim -> fama (initiated attack and capture), two undirected stored fama|jnim
    assert got == {("jnim", "fama", True): 2, ("fama", "jnim", False): 2}


def test_self_loops_one_sided_and_civilians_are_not_ties_but_are_counted() -> None:
    ev = _ev(
        {"date": "2020-01-01", "actor1": "jnim", "actor2": "jnim"},
        {"date": "2020-01-01", "actor1": "jnim"},
        {"date": "2020-01-01", "actor1": "jnim", "actor2": "civ_x", "actor2_kind": "civilians",
         "event_type": "violence_against_civilians"},
        {"date": "2020-01-01", "actor1": "jnim", "actor2": "fama",
         "event_type": "strategic_development"},
        {"date": "2020-01-01", "actor1": "jnim", "actor2": "is_sahel"},
    )
    net = TemporalNetwork.from_events(ev, freq="Y")
    assert net.accounting.to_dict() == {
        "outside_window": 0, "not_hostile_type": 1, "one_sided": 1, "civilians": 1,
        "self_loop": 1, "hostile": 1,
    }
    assert list(net.actors) == ["fama", "is_sahel", "jnim"]
    with_civ = TemporalNetwork.from_events(ev, freq="Y", include_civilians=True)
    assert "civ_x" in with_civ.actors
    assert int(with_civ.layer("hostile").count.sum()) == 2


def test_cooperative_layer_from_associated_actors() -> None:
    ev = _ev(
        {"date": "2020-01-01", "actor1": "fama", "actor2": "jnim",
         "assoc_actor1": "wagner; vdp", "assoc_actor2": "ansarul"},
    )
    frame = TemporalNetwork.from_events(ev, freq="Y").to_frame("cooperative")
    pairs = set(zip(frame["source"], frame["target"], strict=True))
    assert pairs == {("fama", "vdp"), ("fama", "wagner"), ("vdp", "wagner"), ("ansarul", "jnim")}
    assert (frame["count"] == 1).all() and not frame["directed"].any()


def test_unknown_actor_outside_given_node_set_names_the_event() -> None:
    ev = _ev({"date": "2020-01-01", "actor1": "jnim", "actor2": "mystery_group"})
    with pytest.raises(EventDataError, match=r"event '0'.*mystery_group"):
        TemporalNetwork.from_events(ev, freq="Y", actors=["jnim", "fama"])
    # without a fixed node set an actor missing from the alias table is simply a node
    assert "mystery_group" in TemporalNetwork.from_events(ev, freq="Y").actors


def test_window_counts_events_outside() -> None:
    ev = _ev(
        {"date": "2019-06-01", "actor1": "a", "actor2": "b"},
        {"date": "2021-06-01", "actor1": "a", "actor2": "b"},
    )
    net = TemporalNetwork.from_events(ev, freq="Y", start="2020-01-01", end="2022-12-31")
    assert net.n_periods == 3 and net.accounting["outside_window"] == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"freq": "Q"}, ValueError, "freq must be one of"),
        ({"half_life": 0}, ValueError, "half_life"),
        ({"weight": "deaths"}, ValueError, "weight must be one of"),
        ({"layers": ("hostile", "friendly")}, ValueError, "layer must be one of"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs: dict, error: type, match: str) -> None:
    ev = _ev({"date": "2020-01-01", "actor1": "a", "actor2": "b"})
    with pytest.raises(error, match=match):
        TemporalNetwork.from_events(ev, **kwargs)


def test_empty_table_needs_a_window() -> None:
    empty = EventTable(pd.DataFrame(columns=["event_id", "date", "actor1", "event_type",
                                             "fatalities"]))
    with pytest.raises(ValueError, match="empty"):
        TemporalNetwork.from_events(empty, freq="W")
    net = TemporalNetwork.from_events(empty, freq="W", start="2020-01-01", end="2020-01-31")
    assert net.n_periods == 5 and net.n_actors == 0 and net.to_frame().empty


def test_to_frame_contract_and_snapshot() -> None:
    ev = random_events(200, 8, n_days=60, rng=2, p_assoc=0.3)
    net = TemporalNetwork.from_events(ev, freq="W", half_life=2.0)
    frame = net.to_frame()
    assert list(frame.columns[:6]) == ["period", "source", "target", "layer", "count",
                                       "intensity"]
    assert set(frame["layer"]) == {"hostile", "cooperative"}
    p = 3
    graph = net.snapshot(net.periods[p] + pd.Timedelta(days=2))
    assert isinstance(graph, nx.Graph) and not graph.is_directed()
    assert set(graph.nodes) == set(net.actors)
    sub = frame[(frame["period_index"] == p) & (frame["layer"] == "hostile")]
    total_count = sum(d["hostile_count"] for _, _, d in graph.edges(data=True))
    assert total_count == sub["count"].sum()
    total_int = sum(d["hostile_intensity"] for _, _, d in graph.edges(data=True))
    assert total_int == pytest.approx(sub["intensity"].sum())
    di = net.snapshot(p, directed=True)
    und = sub[~sub["directed"]]["count"].sum()
    assert sum(d["hostile_count"] for *_, d in di.edges(data=True)) == total_count + und
    with pytest.raises(KeyError, match="outside"):
        net.snapshot("1990-01-01")


def test_memory_grows_with_observed_ties_not_actors_squared() -> None:
    ev = random_events(5000, 400, n_days=700, n_rivals=3, rng=1)
    net = TemporalNetwork.from_events(ev, freq="W", half_life=4.0)
    hostile = net.layer("hostile")
    assert hostile.intensity.shape == (hostile.n_ties, net.n_periods)
    assert hostile.n_ties < 0.02 * net.n_actors**2
