"""Slow reference for the REM statistics: direct sums over the history, plain Python.

Checks :func:`sahelmodel.dyadic._rem_core.stream_pass` (which updates the statistics
incrementally); not a performance peer.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["reference_statistics"]


def reference_statistics(times: np.ndarray, senders: np.ndarray, receivers: np.ndarray,
                         capturers: np.ndarray, losers: np.ndarray, n_actors: int,
                         decay: float, event: int, i: int, j: int) -> np.ndarray:
    """The seven statistics of dyad ``i -> j`` just before event ``event`` (see ``_rem_core``)."""
    t = float(times[event])
    w = np.zeros((n_actors, n_actors))
    cap = np.zeros((n_actors, n_actors))
    cap_any = np.zeros(n_actors)
    last = -math.inf
    for e in range(len(times)):
        if times[e] >= t:
            continue
        f = math.exp(-decay * (t - times[e]))
        w[senders[e], receivers[e]] += f
        if senders[e] == i and receivers[e] == j:
            last = max(last, float(times[e]))
        if capturers[e] >= 0:
            cap_any[capturers[e]] += f
            if losers[e] >= 0:
                cap[capturers[e], losers[e]] += f
    others = [k for k in range(n_actors) if k not in (i, j)]
    return np.array([
        w[i, j],
        w[j, i],
        sum(min(w[i, k], w[k, j]) for k in others),
        sum(min(w[i, k], w[j, k]) for k in others),
        1.0 / (1.0 + t - last) if last > -math.inf else 0.0,
        cap[i, j],
        cap_any[j],
    ])
