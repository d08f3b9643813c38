"""Benchmark of the simulated world: ten years of a 20-group world.

``simulate_world``: :meth:`sahelmodel.simulate.World.run` on a random 20-group world
(:meth:`World.synthetic`, about 57 rivalries) for 1 or 10 years, the whole pipeline (daily
engine, places, fatalities, notes, truth). Peer ``reference``: the same pipeline with the slow
loop engine :func:`sahelmodel.simulate._engine.simulate_days_reference` in place of the
vectorised one (same draws, same output), at one year only.

Run ``python -m benchmarks.cases.simulate`` to print events per second for each size.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.harness import Case
from sahelmodel.events import EventTable
from sahelmodel.simulate import Truth, World
from sahelmodel.simulate._engine import simulate_days_reference
from sahelmodel.simulate._events import build_events

SEED = 20240324


def _setup(years: int) -> tuple[World, str, str]:
    world = World.synthetic(n_groups=20, rng=SEED)
    return world, "2014-01-01", str((pd.Timestamp("2014-01-01") + pd.DateOffset(years=years)
                                     - pd.Timedelta(days=1)).date())


def _run(state: tuple[World, str, str]) -> Any:
    world, start, end = state
    return world.run(start, end, rng=SEED)


def _reference(state: tuple[World, str, str]) -> Any:
    world, start, end = state
    t0 = pd.Timestamp(start)
    n_days = (pd.Timestamp(end) - t0).days + 1
    engine_rng, event_rng = np.random.default_rng(SEED).spawn(2)
    out = simulate_days_reference(world._engine_input(t0, n_days), engine_rng)
    frame, captures = build_events(world, out, t0, event_rng)
    return EventTable(frame), Truth.from_simulation(world, out, captures, t0, n_days, len(frame))


CASES = [
    Case(
        name="simulate_world",
        sizes={"quick": [1], "full": [1, 10]},
        setup=_setup,
        run=_run,
        peers={"reference": _reference},
        repeats={"quick": 3, "full": 5},
        peer_sizes={"reference": lambda years: years <= 1},
    ),
]


def main() -> None:
    """Print events per second of :meth:`World.run` (median of five runs)."""
    for years in (1, 10):
        state = _setup(years)
        events, _ = _run(state)
        times = []
        for _ in range(5):
            t = time.perf_counter()
            _run(state)
            times.append(time.perf_counter() - t)
        med = float(np.median(times))
        print(f"simulate_world {years:>2} years, 20 groups: {len(events)} events in "
              f"{med:.3f} s = {len(events) / med:,.0f} events per second")


if __name__ == "__main__":
    main()
