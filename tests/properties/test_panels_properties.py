"""Property tests of the panels: vectorised = loop reference; no leakage from period t."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelmodel import actor_panel, dyad_panel
from sahelmodel.events import EventTable
from sahelmodel.network._synthetic import random_events
from sahelmodel.panels._reference import reference_actor_panel, reference_dyad_panel

pytestmark = pytest.mark.properties


@st.composite
def event_tables(draw: st.DrawFn) -> EventTable:
    return random_events(
        draw(st.integers(1, 50)),
        draw(st.integers(1, 6)),
        n_days=draw(st.integers(1, 90)),
        n_rivals=draw(st.integers(1, 3)),
        p_one_sided=draw(st.sampled_from([0.0, 0.2])),
        p_civilians=draw(st.sampled_from([0.0, 0.2])),
        p_self_loop=draw(st.sampled_from([0.0, 0.2])),
        p_directed=draw(st.sampled_from([0.0, 0.5])),
        p_capture=draw(st.sampled_from([0.0, 0.3])),
        p_assoc=draw(st.sampled_from([0.0, 0.3])),
        rng=draw(st.integers(0, 2**32 - 1)),
    )


def _assert_same(fast: pd.DataFrame, slow: pd.DataFrame, key: list[str]) -> None:
    assert set(slow.columns) <= set(fast.columns)
    assert len(fast) == len(slow)
    if slow.empty:
        return
    fast = fast.sort_values(key).reset_index(drop=True)
    slow = slow.sort_values(key).reset_index(drop=True)
    for col in slow.columns:
        if col in ("period", "dyad", "actor_i", "actor_j", "actor"):
            assert fast[col].astype(object).tolist() == slow[col].astype(object).tolist(), col
        else:
            np.testing.assert_allclose(
                fast[col].to_numpy(dtype=float), slow[col].to_numpy(dtype=float),
                rtol=1e-9, atol=1e-9, err_msg=col,
            )


@settings(max_examples=40)
@given(
    events=event_tables(),
    freq=st.sampled_from(["D", "W", "M"]),
    risk_set=st.sampled_from(["observed", "active", "all"]),
    half_life=st.sampled_from([None, 2.0]),
)
def test_dyad_panel_equals_loop_reference(
    events: EventTable, freq: str, risk_set: str, half_life: float | None
) -> None:
    fast = dyad_panel(events, freq=freq, risk_set=risk_set, lags=(1, 2), leads=(1,),
                      half_life=half_life)
    slow = reference_dyad_panel(events, freq=freq, risk_set=risk_set, lags=(1, 2), leads=(1,),
                                half_life=half_life)
    _assert_same(fast, slow, ["dyad", "period_index"])
    assert (fast["actor_i"] < fast["actor_j"]).all()


@settings(max_examples=40)
@given(events=event_tables(), freq=st.sampled_from(["D", "W", "M"]),
       half_life=st.sampled_from([None, 1.0, 3.0]))
def test_actor_panel_equals_loop_reference(
    events: EventTable, freq: str, half_life: float | None
) -> None:
    fast = actor_panel(events, freq=freq, half_life=half_life)
    slow = reference_actor_panel(events, freq=freq, half_life=half_life)
    _assert_same(fast, slow, ["actor", "period_index"])


@settings(max_examples=30)
@given(events=event_tables(), cut=st.integers(0, 10**6), extra=st.integers(0, 2**32 - 1))
def test_nothing_from_period_t_leaks_into_regressors_of_period_t(
    events: EventTable, cut: int, extra: int
) -> None:
    """Add random events in periods >= t: rows of periods <= t keep every regressor."""
    base_dyad = dyad_panel(events, freq="W", lags=2, half_life=2.0, risk_set="all")
    n_per = int(base_dyad["period_index"].max()) + 1 if len(base_dyad) else 1
    t = cut % n_per
    start = base_dyad["period"].min() if len(base_dyad) else events.frame["date"].min()
    end = events.frame["date"].max()
    frame = events.frame
    noise = random_events(25, 6, n_days=7 * (n_per - t), start=str(start.date()), rng=extra)
    noise_frame = noise.frame
    noise_frame["date"] = noise_frame["date"] + pd.Timedelta(weeks=t)
    noise_frame = noise_frame[noise_frame["date"] <= end]
    noise_frame["event_id"] = "n" + noise_frame["event_id"]
    actors = sorted(set(frame["actor1"].dropna()) | set(frame["actor2"].dropna()))
    # keep the node set: perturbing events only use actors already present
    for col in ("actor1", "actor2", "capturer", "captured_from"):
        noise_frame[col] = noise_frame[col].map(
            lambda x: actors[int(x[1:]) % len(actors)] if isinstance(x, str) and x[0] == "a"
            else x
        )
    for col in ("assoc_actor1", "assoc_actor2"):
        noise_frame[col] = None
    more = EventTable(pd.concat([frame, noise_frame], ignore_index=True))
    kw = {"freq": "W", "lags": 2, "leads": 1, "half_life": 2.0, "risk_set": "all",
          "start": start, "end": end}
    a = dyad_panel(events, **kw).set_index(["dyad", "period_index"])
    b = dyad_panel(more, **kw).set_index(["dyad", "period_index"])
    regressors = [c for c in a.columns if "_lag" in c]
    assert {"rivalry_lag1", "shared_enemies_lag1", "hostile_lag1"} <= set(regressors)
    rows = a.index[a.index.get_level_values("period_index") <= t].intersection(b.index)
    pd.testing.assert_frame_equal(a.loc[rows, regressors], b.loc[rows, regressors])
    kw.pop("risk_set")
    aa = actor_panel(events, **kw).set_index(["actor", "period_index"])
    bb = actor_panel(more, **kw).set_index(["actor", "period_index"])
    lagged = [c for c in aa.columns if "_lag" in c]
    rows = aa.index[aa.index.get_level_values("period_index") <= t].intersection(bb.index)
    pd.testing.assert_frame_equal(aa.loc[rows, lagged], bb.loc[rows, lagged])
