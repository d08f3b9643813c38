"""World specification: validation, the calibrated default, the event table it produces."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from sahelmodel.coding.actors import alias_table
from sahelmodel.events import COLUMNS, EventTable
from sahelmodel.simulate import Group, Materiel, Rivalry, Unit, World


@pytest.fixture(scope="module")
def default_run():
    return World.default().run("2018-01-01", "2020-12-31", rng=11)


def test_default_world_uses_canonical_actor_ids_and_real_places():
    world = World.default()
    known = set(alias_table()["actor_id"])
    assert set(world.group_ids) <= known
    assert {"jnim", "is_sahel", "military_burkina_faso", "military_mali", "military_niger",
            "vdp"} <= set(world.group_ids)
    assert {u.country for u in world.units} >= {"Burkina Faso", "Mali", "Niger"}
    assert ("is_sahel", "jnim") in [r.pair for r in world.rivalries]
    assert world.branching_ratio < 1
    assert (world.baseline() > 0).all()


def test_default_world_names_resolve_to_their_ids():
    from sahelmodel.coding.actors import actor_id

    for g in World.default().groups:
        assert actor_id(g.name) == g.id, g.name


def test_validation_names_the_problem():
    w = World.synthetic(n_groups=3, rng=0)
    with pytest.raises(ValueError, match="unknown groups"):
        w.replace(rivalries=(*w.rivalries, Rivalry(a="group_01", b="nobody", rate=0.1)))
    pair = w.rivalries[0].pair
    with pytest.raises(ValueError, match="both allied and hostile"):
        w.replace(alliances=(pair,))
    with pytest.raises(ValueError, match="explosive"):
        w.replace(self_excitation=1.2)
    with pytest.raises(ValueError, match="may explode"):
        w.replace(capture_step=3.0, capture_cap=3)
    with pytest.raises(ValueError, match="unique"):
        w.replace(groups=(*w.groups, w.groups[0]))
    with pytest.raises(ValueError, match="territory units"):
        w.replace(groups=(replace(w.groups[0], territory=(999,)), *w.groups[1:]))
    with pytest.raises(ValueError, match="capture_probability"):
        w.replace(capture_probability=1.0)
    with pytest.raises(ValueError, match="decay"):
        w.replace(decay=-1.0)
    with pytest.raises(ValueError, match="at most one rivalry"):
        w.replace(rivalries=(*w.rivalries, replace(w.rivalries[0], rate=0.5)))
    with pytest.raises(ValueError, match="no positive baseline"):
        World.default().replace(spillover=0.05)
    with pytest.raises(ValueError, match="kind"):
        Group(id="x", name="X", kind="gang", country="Mali", endowment=1.0, territory=(0,))
    with pytest.raises(ValueError, match="itself"):
        Rivalry(a="x", b="x", rate=0.1)
    with pytest.raises(ValueError, match="mean_quantity"):
        Materiel(cls="x", singular="x", plural="xs", weight=1.0, probability=0.1,
                 mean_quantity=0.5)
    with pytest.raises(ValueError, match="out of range"):
        Unit(country="A", admin1="B", admin2="C", latitude=95.0, longitude=0.0,
             places=(("P", 0.0, 0.0),))
    with pytest.raises(ValueError, match="before start"):
        w.run("2020-02-01", "2020-01-01", rng=0)
    with pytest.raises(ValueError, match="1678-2261"):
        w.run("1600-01-01", "1601-01-01", rng=0)


def test_restrict_and_dict_round_trip():
    w = World.default().restrict(["jnim", "is_sahel", "vdp"])
    assert set(w.group_ids) == {"is_sahel", "jnim", "vdp"}
    assert all(set(r.pair) <= set(w.group_ids) for r in w.rivalries)
    back = World.from_dict(w.to_dict())
    assert back == w
    with pytest.raises(ValueError, match="not groups"):
        w.restrict(["jnim", "wagner"])


def test_same_seed_same_events_and_different_seed_different(default_run):
    events, truth = default_run
    again, truth2 = World.default().run("2018-01-01", "2020-12-31", rng=11)
    pd.testing.assert_frame_equal(events.frame, again.frame)
    assert truth == truth2
    other, _ = World.default().run("2018-01-01", "2020-12-31", rng=12)
    assert not events.frame["notes"].equals(other.frame["notes"])


def test_event_table_contract(default_run):
    events, truth = default_run
    f = events.frame
    world = World.default()
    assert list(f.columns) == list(COLUMNS)
    assert len(f) == truth.n_events > 500
    assert (f["source_dataset"] == "simulated").all() and f["directed"].all()
    assert f["event_id"].is_unique and f["date"].is_monotonic_increasing
    assert set(f["event_type"].unique()) == {"battle", "violence_against_civilians"}
    battles = f[f["event_type"] == "battle"]
    civ = f[f["event_type"] == "violence_against_civilians"]
    assert (civ["actor2"] == "civilians").all() and (civ["type_of_violence"] == 3).all()
    pairs = {r.pair for r in world.rivalries}
    got = set(zip(battles[["actor1", "actor2"]].min(axis=1),
                  battles[["actor1", "actor2"]].max(axis=1), strict=True))
    assert got <= pairs
    state = battles["actor1_kind"].eq("state_force") | battles["actor2_kind"].eq("state_force")
    assert (battles["type_of_violence"] == np.where(state, 1, 2)).all()
    units = {(u.country, u.admin1, u.admin2) for u in world.units}
    assert set(zip(f["country"], f["admin1"], f["admin2"], strict=True)) <= units
    assert f["latitude"].between(4, 25).all() and f["longitude"].between(-13, 16).all()
    assert f["notes"].str.len().gt(30).all()
    assert not f["capture"].any() and f["capturer"].isna().all()  # left to code_captures
    names = dict(zip(world.group_ids, (g.name for g in world.groups), strict=True))
    assert (f["actor1_raw"] == f["actor1"].map(names)).all()
    assert (f["date"] >= "2018-01-01").all() and (f["date"] <= "2020-12-31").all()
    assert (f["fatalities"] >= 0).all()
    assert isinstance(events, EventTable)


def test_long_run_clash_rates_match_the_calibrated_targets():
    """With groups at endowment (no capability feedback), the stationary mean of each dyad is
    the rivalry's rate (Hawkes: (I - A~)^-1 mu). Tolerance: 4 standard errors of a Hawkes
    count mean, sd(N_T / T) ~ sqrt(rate / ((1 - n)^2 T))."""
    base = World.default().restrict(["jnim", "military_burkina_faso", "military_mali"])
    world = base.replace(rivalries=tuple(replace(r, start=None) for r in base.rivalries),
                         clash_elasticity=0.0)
    events, truth = world.run("2000-01-01", "2029-12-31", rng=5)
    f = events.frame.query("event_type == 'battle'")
    days = len(truth.capability)
    dyad = f[["actor1", "actor2"]].min(axis=1) + "|" + f[["actor1", "actor2"]].max(axis=1)
    n = world.branching_ratio
    for r in world.rivalries:
        rate = (dyad == "|".join(r.pair)).sum() / days
        se = np.sqrt(r.rate / ((1 - n) ** 2 * days))
        assert abs(rate - r.rate) < 4 * se, (r.pair, rate, r.rate)


def test_jnim_is_sahel_clash_rate_is_of_the_observed_order(default_run):
    events, _ = World.default().run("2020-01-01", "2023-12-31", rng=3)
    f = events.frame
    ji = f["actor1"].isin(["jnim", "is_sahel"]) & f["actor2"].isin(["jnim", "is_sahel"])
    assert 45 <= ji.sum() <= 190  # UCDP GED: 95 events in 2020-2023


def test_synthetic_world_of_twenty_groups():
    w = World.synthetic(n_groups=20, rng=1)
    assert len(w.groups) == 20 and w.branching_ratio < 1
    events, truth = w.run("2014-01-01", "2015-12-31", rng=2)
    assert len(events) > 1000 and len(truth.captures) > 0
    with pytest.raises(ValueError, match="n_groups"):
        World.synthetic(n_groups=1)
