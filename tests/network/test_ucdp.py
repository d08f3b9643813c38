"""The rivalry network on the real UCDP GED Sahel file (skips where ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sahelmodel
from sahelmodel.network import statistics as S


@pytest.fixture(scope="module")
def ucdp_events(ucdp_path: Path) -> sahelmodel.EventTable:
    return sahelmodel.read_ucdp_ged(ucdp_path)


def test_jnim_is_sahel_hostile_tie_appears_from_2019(ucdp_events: sahelmodel.EventTable) -> None:
    net = sahelmodel.TemporalNetwork.from_events(
        ucdp_events, freq="Y", start="2017-01-01", end="2023-12-31", half_life=1.0
    )
    assert [p.year for p in net.periods] == list(range(2017, 2024))
    assert {"jnim", "is_sahel"} <= set(net.actors)
    frame = net.to_frame("hostile")
    pair = frame[
        ((frame["source"] == "is_sahel") & (frame["target"] == "jnim"))
        | ((frame["source"] == "jnim") & (frame["target"] == "is_sahel"))
    ]
    by_year = pair.groupby(pair["period"].dt.year)[["count", "intensity"]].sum()
    # UCDP codes no direction between the two sides: the tie is undirected
    assert not pair["directed"].any()
    # absent in 2017-2018, present every year 2019-2023 (the data README lists 1, 32, 15, 28
    # and 20 IS-JNIM non-state events in those years)
    assert list(by_year.index) == [2019, 2020, 2021, 2022, 2023]
    assert by_year["count"].tolist() == [1, 32, 15, 28, 20]
    assert (by_year["intensity"] > 0).all()
    snap_2018 = net.snapshot("2018-06-30")
    snap_2019 = net.snapshot("2019-06-30")
    assert not snap_2018.has_edge("jnim", "is_sahel")
    assert snap_2019["jnim"]["is_sahel"]["hostile_count"] == 1
    assert int(net.accounting.sum()) == len(ucdp_events)


def test_ucdp_network_statistics_are_labelled_and_finite(
    ucdp_events: sahelmodel.EventTable,
) -> None:
    net = sahelmodel.TemporalNetwork.from_events(
        ucdp_events, freq="Y", start="2017-01-01", end="2023-12-31", half_life=2.0
    )
    deg = S.degree(net)
    assert deg.index.equals(net.periods) and deg.columns.equals(net.actors)
    # JNIM fights several state forces and militias every year
    assert (deg["jnim"] >= 4).all()
    strength = S.strength(net, value="intensity")
    assert np.isfinite(strength.to_numpy()).all()
    census = S.triad_census(net)
    assert (census[["+++", "++-", "+--", "---"]].sum(axis=1) > 0).any()
