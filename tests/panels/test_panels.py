"""Unit tests of the dyad and actor panels: contract, hand examples, risk sets, errors, UCDP."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sahelmodel
from sahelmodel import TemporalNetwork, actor_panel, dyad_panel
from sahelmodel.events import EventTable
from sahelmodel.network._synthetic import random_events

DYAD_CONTRACT = [
    "period", "period_index", "dyad", "actor_i", "actor_j", "hostile", "fatalities",
    "capture_ij", "capture_ji", "capture_i_any", "capture_j_any", "rivalry_lag1",
    "shared_enemies_lag1",
]
ACTOR_CONTRACT = [
    "period", "period_index", "actor", "events", "events_initiated", "fatalities",
    "admin2_count", "spread_km", "share_vs_state", "captures", "losses", "capability",
    "capability_lost",
]


def _ev(*rows: dict) -> EventTable:
    base = {"event_type": "battle", "fatalities": 0}
    return EventTable.from_records(
        [{**base, "event_id": str(k), **row} for k, row in enumerate(rows)]
    )


@pytest.fixture(scope="module")
def kalamba() -> EventTable:
    """IS Sahel overruns JNIM and captures materiel in week 2; state forces fight both."""
    return _ev(
        {"date": "2024-03-04", "actor1": "jnim", "actor2": "is_sahel", "fatalities": 5},
        {"date": "2024-03-05", "actor1": "jnim", "actor2": "military_bf", "fatalities": 2,
         "actor2_kind": "state_force", "admin2": "Kaya", "latitude": 13.09,
         "longitude": -1.08},
        {"date": "2024-03-13", "actor1": "is_sahel", "actor2": "jnim", "fatalities": 30,
         "directed": True, "capture": True, "capturer": "is_sahel", "captured_from": "jnim",
         "capture_weight": 4.0, "admin2": "Kaya", "latitude": 13.2, "longitude": -1.1},
        {"date": "2024-03-27", "actor1": "is_sahel", "actor2": "military_bf",
         "actor2_kind": "state_force", "fatalities": 1, "admin2": "Dori",
         "latitude": 14.03, "longitude": -0.03},
    )


def test_dyad_panel_contract_and_hand_values(kalamba: EventTable) -> None:
    panel = dyad_panel(kalamba, freq="W", lags=1, leads=1, half_life=1.0)
    assert set(DYAD_CONTRACT) <= set(panel.columns)
    assert panel["period"].min() == pd.Timestamp("2024-03-04")
    assert panel["period_index"].max() == 3  # four weeks, week 3 (2024-03-18) empty
    assert (panel["actor_i"] < panel["actor_j"]).all()
    assert set(panel["dyad"]) == {"is_sahel|jnim", "is_sahel|military_bf", "jnim|military_bf"}
    d = panel[panel["dyad"] == "is_sahel|jnim"].set_index("period_index")
    # the capturing clash of week 1 is left out of hostile by default, kept in hostile_all
    assert d["hostile"].tolist() == [1, 0, 0, 0]
    assert d["hostile_all"].tolist() == [1, 1, 0, 0]
    assert panel.attrs["capture_clash"] == "exclude"
    counted = dyad_panel(kalamba, freq="W", lags=1, leads=1, half_life=1.0,
                         capture_clash="count")
    c = counted[counted["dyad"] == "is_sahel|jnim"].set_index("period_index")
    assert c["hostile"].tolist() == [1, 1, 0, 0]
    assert c["hostile_lead1"].tolist()[:3] == [1, 0, 0]
    with pytest.raises(ValueError, match="capture_clash"):
        dyad_panel(kalamba, freq="W", capture_clash="drop")
    assert d["fatalities"].tolist() == [5, 30, 0, 0]
    assert d["capture_ij"].tolist() == [0, 1, 0, 0]  # is_sahel captured from jnim
    assert d["capture_ji"].tolist() == [0, 0, 0, 0]
    assert d["capture_i_any"].tolist() == [0, 1, 0, 0]
    assert d["capture_ij_lag1"].tolist()[1:] == [0, 1, 0] and math.isnan(d["capture_ij_lag1"][0])
    assert d["hostile_lead1"].tolist()[:3] == [0, 0, 0] and math.isnan(d["hostile_lead1"][3])
    # decayed rivalry: 1 after week 0, 0.5 + 1 after week 1, 0.75 after week 2
    assert math.isnan(d["rivalry_lag1"][0])
    assert d["rivalry_lag1"].tolist()[1:] == [1.0, 1.5, 0.75]
    # jnim is a shared enemy of is_sahel and military_bf after week 0 (both ties at 1 > 0.5);
    # after week 1 the jnim-military_bf tie has decayed to 0.5, not above the threshold
    s = panel[panel["dyad"] == "is_sahel|military_bf"].set_index("period_index")
    assert s["shared_enemies_lag1"].tolist()[1:] == [1.0, 0.0, 0.0]
    assert panel.attrs["risk_set"] == "observed"


def test_dyad_risk_sets(kalamba: EventTable) -> None:
    observed = dyad_panel(kalamba, freq="W")
    active = dyad_panel(kalamba, freq="W", risk_set="active")
    every = dyad_panel(kalamba, freq="W", risk_set="all")
    assert len(observed) == 3 * 4 and len(every) == 3 * 4
    # week 0: all three active; week 1: is_sahel, jnim; week 2: none; week 3: is_sahel, bf
    assert active.groupby("period_index").size().to_dict() == {0: 3, 1: 1, 3: 1}
    assert active["hostile_all"].sum() == observed["hostile_all"].sum() == 4


def test_dyad_panel_with_a_given_network(kalamba: EventTable) -> None:
    net = TemporalNetwork.from_events(kalamba, freq="W", half_life=3.0)
    a = dyad_panel(kalamba, freq="W", network=net)
    b = dyad_panel(kalamba, freq="W", half_life=3.0)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ValueError, match="freq"):
        dyad_panel(kalamba, freq="M", network=net)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"risk_set": "ever"}, "risk_set must be one of"),
        ({"lags": (0,)}, "lags must be positive"),
        ({"lag_columns": ("rivalry",)}, "lag_columns must be one of"),
        ({"tie_threshold": -1}, "tie_threshold"),
    ],
)
def test_dyad_panel_bad_arguments(kalamba: EventTable, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        dyad_panel(kalamba, freq="W", **kwargs)


def test_all_risk_set_refuses_huge_panels() -> None:
    ev = random_events(3000, 2500, n_days=2000, rng=0)
    with pytest.raises(ValueError, match="use risk_set='observed'"):
        dyad_panel(ev, freq="D", risk_set="all")


def test_actor_panel_contract_and_hand_values(kalamba: EventTable) -> None:
    panel = actor_panel(kalamba, freq="W", half_life=1.0, lags=1)
    assert set(ACTOR_CONTRACT) <= set(panel.columns)
    a = panel[panel["actor"] == "is_sahel"].set_index("period_index")
    assert a["events"].tolist() == [1, 1, 0, 1]
    assert a["events_initiated"].tolist() == [0, 1, 0, 0]  # the directed capture, once
    assert a["captures"].tolist() == [0, 1, 0, 0]
    assert a["capability"].tolist() == [0.0, 4.0, 2.0, 1.0]
    assert a["capability_lag1"].tolist()[1:] == [0.0, 4.0, 2.0]
    assert a["share_vs_state"].tolist() == [0.0, 0.0, 0.0, 1.0]
    j = panel[panel["actor"] == "jnim"].set_index("period_index")
    assert j["events"].tolist() == [2, 1, 0, 0]
    assert j["losses"].tolist() == [0, 1, 0, 0]
    assert j["capability_lost"].tolist() == [0.0, 4.0, 2.0, 1.0]
    assert j["fatalities"].tolist() == [7, 30, 0, 0]
    assert j["admin2_count"].tolist() == [1, 1, 0, 0]
    assert j["events_vs_state"].tolist() == [1, 0, 0, 0]
    assert j["share_vs_state"][0] == 0.5
    # two located events of is_sahel lie in different weeks: spread 0 each week
    assert (a["spread_km"] == 0).all()


def test_spread_km_of_two_points_is_half_their_distance() -> None:
    ev = _ev(
        {"date": "2024-01-01", "actor1": "a", "actor2": "b", "latitude": 0.0, "longitude": 0.0},
        {"date": "2024-01-02", "actor1": "a", "actor2": "b", "latitude": 0.0, "longitude": 1.0},
    )
    panel = actor_panel(ev, freq="W")
    one_degree = 6371.0088 * math.pi / 180
    np.testing.assert_allclose(panel["spread_km"], one_degree / 2, rtol=1e-9)


def test_actor_panel_entered_risk_set(kalamba: EventTable) -> None:
    panel = actor_panel(kalamba, freq="W", risk_set="entered")
    first = panel.groupby("actor")["period_index"].min().to_dict()
    assert first == {"is_sahel": 0, "jnim": 0, "military_bf": 0}
    late = _ev(
        {"date": "2024-01-01", "actor1": "a", "actor2": "b"},
        {"date": "2024-02-01", "actor1": "c", "actor2": "b"},
    )
    entered = actor_panel(late, freq="W", risk_set="entered")
    assert entered.groupby("actor")["period_index"].min().to_dict() == {"a": 0, "b": 0, "c": 4}


def test_panels_on_ucdp_reproduce_the_data_readme(ucdp_path: Path) -> None:
    ev = sahelmodel.read_ucdp_ged(ucdp_path)
    kw = {"freq": "Y", "start": "2017-01-01", "end": "2023-12-31"}
    actors = actor_panel(ev, **kw)
    jnim = actors[actors["actor"] == "jnim"]
    # "Events with JNIM on side_a or side_b, by year" in ../shared/data/README.md
    assert jnim["period"].dt.year.tolist() == list(range(2017, 2024))
    assert jnim["events"].tolist() == [85, 148, 263, 221, 299, 480, 738]
    dyads = dyad_panel(ev, **kw)
    pair = dyads[dyads["dyad"] == "is_sahel|jnim"]
    assert pair["period"].dt.year.tolist() == list(range(2017, 2024))
    # "Non-state events IS - JNIM, by year": events and best_est deaths
    assert pair["hostile"].tolist() == [0, 0, 1, 32, 15, 28, 20]
    assert pair["fatalities"].tolist() == [0, 0, 1, 381, 122, 405, 436]
    assert pair["rivalry_lag1"].iloc[1:3].tolist() == [0.0, 0.0]
    assert (pair["rivalry_lag1"].iloc[3:] > 0).all()


def test_empty_window_gives_empty_panels() -> None:
    empty = EventTable(pd.DataFrame(columns=["event_id", "date", "actor1", "event_type",
                                             "fatalities"]))
    kw = {"freq": "W", "start": "2020-01-01", "end": "2020-02-01"}
    dyads = dyad_panel(empty, **kw)
    actors = actor_panel(empty, **kw)
    assert dyads.empty and set(DYAD_CONTRACT) <= set(dyads.columns)
    assert actors.empty and set(ACTOR_CONTRACT) <= set(actors.columns)
    with pytest.raises(ValueError, match="empty"):
        dyad_panel(empty, freq="W")
