r"""Simulate relational event streams from the REM (exact thinning; see ``_rem_simulate``).

The rate of :math:`i \to j` is :math:`\lambda_0 \exp(\beta^\top x_{ij}(t))` with the statistics
of :data:`sahelmodel.dyadic.rem.STAT_NAMES`; each event carries a capture with probability
``p_capture`` (by the sender from the receiver or the reverse, equally likely).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sahelmodel._rng import RNGLike, as_generator
from sahelmodel.dyadic._rem_core import STAT_NAMES
from sahelmodel.dyadic._rem_simulate import simulate_stream
from sahelmodel.dyadic.rem import EventStream

__all__ = ["DEFAULT_EFFECTS", "simulate_rem"]

#: Effects used by default: positive inertia, reciprocity, closure and capture effects.
DEFAULT_EFFECTS: dict[str, float] = {
    "inertia": 0.3, "reciprocity": 0.2, "triadic_closure": 0.1, "shared_enemies": 0.1,
    "recency": 0.5, "capture_from_target": 0.5, "target_captured": 0.2,
}


def simulate_rem(*, n_actors: int = 20, n_events: int = 2000,
                 effects: Mapping[str, float] | None = None, baseline: float = 0.001,
                 half_life: float = 30.0, p_capture: float = 0.1,
                 rng: RNGLike = None) -> EventStream:
    r"""Simulate ``n_events`` events among ``n_actors`` actors.

    Parameters
    ----------
    effects : mapping, optional
        Coefficient per statistic (missing ones are 0); default :data:`DEFAULT_EFFECTS`.
    baseline : float
        :math:`\lambda_0`, the rate of a dyad with all statistics zero.
    half_life : float
        Half-life of the decayed statistics (use the same in the model).

    Returns
    -------
    EventStream

    Examples
    --------
    >>> s = simulate_rem(n_actors=5, n_events=50, rng=0)
    >>> len(s), bool(np.all(np.diff(s.times) > 0))
    (50, True)
    """
    eff = dict(DEFAULT_EFFECTS if effects is None else effects)
    unknown = set(eff) - set(STAT_NAMES)
    if unknown:
        raise ValueError(f"unknown statistics {sorted(unknown)}; choose from {STAT_NAMES}")
    beta = np.array([float(eff.get(name, 0.0)) for name in STAT_NAMES])
    if n_actors < 2 or n_events < 1:
        raise ValueError("need at least 2 actors and 1 event")
    seed = int(as_generator(rng).integers(1, 2**31 - 1))
    t, s, r, c, lo = simulate_stream(int(n_actors), beta, float(baseline),
                                     float(np.log(2.0) / half_life), int(n_events),
                                     float(p_capture), seed)
    return EventStream(actors=np.arange(n_actors), times=t, senders=s, receivers=r,
                       capturers=c, losers=lo)
