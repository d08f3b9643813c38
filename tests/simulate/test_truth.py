"""Truth: JSON round trip, capture records and the estimands."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sahelmodel.simulate import Truth, World


@pytest.fixture(scope="module")
def run():
    world = World.synthetic(n_groups=5, rng=3, capture_probability=0.2, capture_step=1.3,
                            capture_window=21)
    return world, *world.run("2019-01-01", "2020-12-31", rng=4)


def test_json_round_trip_is_exact(run, tmp_path):
    _, _, truth = run
    path = tmp_path / "truth.json"
    text = truth.to_json(path)
    back = Truth.from_json(path)
    assert back == truth and Truth.from_json(text) == truth
    assert back.to_json() == text
    assert back.captures.dtypes.equals(truth.captures.dtypes)
    assert back.world_spec() == run[0]
    assert "captures" in repr(truth)


def test_captures_point_at_clashes_between_their_groups(run):
    _, events, truth = run
    f = events.frame.set_index("event_id")
    caps = truth.captures
    assert len(caps) > 10
    rows = f.loc[caps["event_id"]]
    assert (rows["event_type"] == "battle").all()
    assert (rows["date"].to_numpy() == caps["date"].to_numpy()).all()
    pair = set(zip(rows["actor1"], rows["actor2"], strict=True))
    assert pair == set(zip(np.where(caps["by"] == "attacker", caps["capturer"],
                                    caps["captured_from"]),
                           np.where(caps["by"] == "attacker", caps["captured_from"],
                                    caps["capturer"]), strict=True))
    assert (caps["weight"] > 0).all() and (caps["materiel"] != "").all()
    assert (caps["tempo_ratio"] > 1).all() and (caps["loser_tempo_ratio"] < 1).all()


def test_clash_rate_ratio_by_horizon():
    world = World.synthetic(n_groups=2, rng=0, capture_step=2.0, capture_window=28,
                            capture_cap=1)
    _, truth = world.run("2020-01-01", "2020-01-10", rng=0)
    weekly = truth.clash_rate_ratio("W", range(1, 7))
    # weeks 1-3 fully covered; week 4: on average (u + 1)/7 of it, u uniform on 0..6
    np.testing.assert_allclose(weekly.to_numpy(), [2, 2, 2, 1 + 4 / 7, 1, 1])
    daily = truth.clash_rate_ratio("D", [1, 28, 29])
    np.testing.assert_allclose(daily.to_numpy(), [2, 2, 1])
    assert truth.clash_rate_ratio(14, [1, 2]).tolist() == pytest.approx([2, 1 + 7.5 / 14])
    with pytest.raises(ValueError, match="horizon 0"):
        truth.clash_rate_ratio("W", [0, 1])
    with pytest.raises(KeyError):
        truth.clash_rate_ratio("Q", [1])


def test_capture_response_matches_the_kernel():
    world = World.synthetic(n_groups=2, rng=0, kappa=3.0, self_excitation=0.4)
    _, truth = world.run("2020-01-01", "2020-01-10", rng=0)
    a, b = 0.4, world.decay
    for h in (1, 7, 30):
        direct = truth.capture_response(h, cascades=False)
        assert direct == pytest.approx(a * 2.0 * (1 - math.exp(-b * h)))
    # all generations, all lags: a (kappa - 1) / (1 - a)
    assert truth.capture_response(3000) == pytest.approx(a * 2.0 / (1 - a), rel=1e-6)
    assert truth.capture_response(30) > truth.capture_response(30, cascades=False)
    with pytest.raises(ValueError):
        truth.capture_response(-1)


def test_capability_effects_decay_with_the_half_life(run):
    world, _, truth = run
    e0 = truth.capability_effects(0)
    np.testing.assert_allclose(e0["tempo_ratio"], truth.captures["tempo_ratio"], rtol=1e-5)
    h = world.capability_half_life
    half = truth.capability_effects(int(h))
    gain = truth.captures["weight"] / truth.captures["capturer_capability"]
    np.testing.assert_allclose(half["reach_ratio"],
                               (1 + gain / 2) ** world.reach_elasticity, rtol=1e-9)
    assert (half["loser_tempo_ratio"] >= e0["loser_tempo_ratio"]).all()
    with pytest.raises(ValueError):
        truth.capability_effects(-1)
