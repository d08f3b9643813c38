"""Benchmark ``hawkes_simulate``: simulating a 10-dimensional exponential Hawkes process.

The size is the expected number of events: ten dimensions, a random adjacency with spectral
radius 0.5, decay 1 per day, baselines of 0.05 per day (a total mean intensity of one event per
day), so the window is ``size`` days long. Peers, on the same parameters and window:

* ``tick``: ``tick.hawkes.SimuHawkesExpKernels`` (Ogata thinning in C++), when installed;
* ``python``: sahelmodel's own Ogata thinning reference (a Python loop per point), at the
  sizes where it finishes in a few seconds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.harness import Case, PeerUnavailable
from sahelmodel.hawkes import HawkesParams, simulate

N_DIMS = 10


def _setup(size: int) -> dict[str, Any]:
    rng = np.random.default_rng(2024)
    adjacency = rng.random((N_DIMS, N_DIMS))
    adjacency *= 0.5 / np.max(np.abs(np.linalg.eigvals(adjacency)))
    baseline = np.full(N_DIMS, 0.05)
    params = HawkesParams(baseline=baseline, adjacency=adjacency, kernel=1.0)
    end = float(size) / float(params.mean_intensity().sum())
    return {"params": params, "end": end, "seed": [0]}


def _next_seed(state: dict[str, Any]) -> int:
    state["seed"][0] += 1
    return state["seed"][0]


def _run(state: dict[str, Any]) -> Any:
    return simulate(state["params"], state["end"], rng=_next_seed(state))


def _python(state: dict[str, Any]) -> Any:
    return simulate(state["params"], state["end"], rng=_next_seed(state), method="thinning")


def _tick(state: dict[str, Any]) -> Any:
    try:
        from tick.hawkes import SimuHawkesExpKernels
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise PeerUnavailable(f"tick is not importable ({exc})") from None
    params = state["params"]
    simu = SimuHawkesExpKernels(
        adjacency=np.array(params.adjacency),  # tick writes into its inputs
        decays=1.0,
        baseline=np.array(params.baseline.mu),
        end_time=state["end"],
        seed=_next_seed(state),
        verbose=False,
    )
    simu.simulate()
    return simu.timestamps


CASES = [
    Case(
        name="hawkes_simulate",
        sizes={"quick": [5_000], "full": [10_000, 100_000, 1_000_000]},
        setup=_setup,
        run=_run,
        peers={"tick": _tick, "python": _python},
        repeats={"quick": 3, "full": 5},
        peer_sizes={"python": lambda size: size <= 100_000},
    )
]
