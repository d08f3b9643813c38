"""Benchmarks of the rivalry network build and the dyad panel against the slow loop references.

``network_build``: :meth:`TemporalNetwork.from_events` (weekly, half-life 4 weeks) on synthetic
events among 1,000 actors with 5 usual rivals each over ten years; full size 1,000,000 events
(quick sizes use 50 actors over one year).
Peer ``reference``: :func:`sahelmodel.network._reference.reference_ties`, plain loops over events
and periods, run on the same input.

``dyad_panel``: :func:`sahelmodel.dyad_panel` (weekly, observed risk set, lag 1, network
covariates) against :func:`sahelmodel.panels._reference.reference_dyad_panel` on the same input.

Growth (events): the network build at 1e5, 3e5 and 1e6 events (1,000 actors, ten years),
the dyad panel at 3e3, 1e4 and 3e4 events (full sizes).

Run ``python -m benchmarks.cases.network`` for peak memory (tracemalloc) of the full network
build compared with a dense actors × actors × periods float64 array.
"""

from __future__ import annotations

import functools
import tracemalloc
from typing import Any

from benchmarks.harness import Case
from sahelmodel import TemporalNetwork, dyad_panel
from sahelmodel.network._reference import reference_ties
from sahelmodel.network._synthetic import random_events
from sahelmodel.panels._reference import reference_dyad_panel

HALF_LIFE = 4.0


@functools.lru_cache(maxsize=4)
def _events(n_events: int, n_actors: int, n_days: int) -> Any:
    return random_events(n_events, n_actors, n_days=n_days, n_rivals=5, rng=20240324)


def _network_setup(size: int) -> Any:
    # full size: 1,000 actors over ten years (522 weeks); quick sizes: 50 actors over a year
    if size >= 100_000:
        return _events(size, 1000, 3650)
    return _events(size, 50, 365)


def _network_run(events: Any) -> Any:
    return TemporalNetwork.from_events(events, freq="W", half_life=HALF_LIFE)


def _network_reference(events: Any) -> Any:
    return reference_ties(events, freq="W", half_life=HALF_LIFE)


def _panel_setup(size: int) -> Any:
    return _events(size, max(20, size // 300), 3 * 365)


def _panel_run(events: Any) -> Any:
    return dyad_panel(events, freq="W", half_life=HALF_LIFE)


def _panel_reference(events: Any) -> Any:
    return reference_dyad_panel(events, freq="W", half_life=HALF_LIFE)


CASES = [
    Case(
        name="network_build",
        sizes={"quick": [2_000], "full": [1_000_000]},
        setup=_network_setup,
        run=_network_run,
        peers={"reference": _network_reference},
        repeats={"quick": 2, "full": 2},
        growth={"quick": [2_000, 6_000, 20_000], "full": [100_000, 300_000, 1_000_000]},
        size_n=float,
    ),
    Case(
        name="dyad_panel",
        sizes={"quick": [500], "full": [30_000]},
        setup=_panel_setup,
        run=_panel_run,
        peers={"reference": _panel_reference},
        repeats={"quick": 2, "full": 2},
        growth={"quick": [300, 1_000, 3_000], "full": [3_000, 10_000, 30_000]},
        size_n=float,
    ),
]


def memory_report(n_events: int = 1_000_000) -> dict[str, float]:
    """Peak traced memory (MB) of the network build against a dense actors² × periods array."""
    events = _network_setup(n_events)
    tracemalloc.start()
    net = _network_run(events)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    dense = net.n_actors**2 * net.n_periods * 8
    ties = sum(net.layer(x).n_ties for x in net.layers)
    return {
        "events": float(n_events),
        "actors": float(net.n_actors),
        "periods": float(net.n_periods),
        "observed_ties": float(ties),
        "peak_mb": peak / 2**20,
        "dense_mb": dense / 2**20,
        "ratio_dense_to_peak": dense / peak,
    }


if __name__ == "__main__":
    for key, value in memory_report().items():
        print(f"{key:>22}: {value:,.1f}")
