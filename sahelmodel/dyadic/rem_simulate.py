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
from sahelmodel.dyadic._rem_simulate_counts import simulate_counts_stream
from sahelmodel.dyadic.rem import EventStream

__all__ = ["COUNT_EFFECTS", "DEFAULT_EFFECTS", "simulate_rem", "simulate_rem_counts"]

#: Effects used by default: positive inertia, reciprocity, closure and capture effects.
DEFAULT_EFFECTS: dict[str, float] = {
    "inertia": 0.3, "reciprocity": 0.2, "triadic_closure": 0.1, "shared_enemies": 0.1,
    "recency": 0.5, "capture_from_target": 0.5, "target_captured": 0.2,
}


#: Effects per event of undecayed counts (``half_life=inf``) used by default by
#: :func:`simulate_rem_counts`: small per-count effects, since a count's effect compounds
#: (with inertia 0.05 one dyad's self-excitation takes over a 1,000-actor stream before
#: 1,000,000 events); shared enemies lower the rate (groups with a common enemy fight each
#: other less).
COUNT_EFFECTS: dict[str, float] = {
    "inertia": 0.02, "reciprocity": 0.01, "triadic_closure": 0.005, "shared_enemies": -0.01,
    "capture_from_target": 0.1, "target_captured": 0.002,
}


def simulate_rem_counts(*, n_actors: int = 1000, n_events: int = 100_000,
                        effects: Mapping[str, float] | None = None, baseline: float = 1.0,
                        p_capture: float = 0.05, rng: RNGLike = None) -> EventStream:
    r"""Simulate a large stream from the REM with undecayed count statistics.

    The rates :math:`\lambda_0 \exp(\beta^\top x_{ij})` with the counts of
    :data:`STAT_NAMES` (``half_life=inf``; no recency) are constant between events, so the
    stream is drawn exactly from competing exponential clocks, with only the rates of the dyads
    an event changes updated (see :mod:`sahelmodel.dyadic._rem_simulate_counts`); a million
    events among 1,000 actors take seconds. Every ordered pair is at risk from the start
    (``risk_set="full"``). Fit it with ``RelationalEventModel(half_life=numpy.inf,
    statistics=...)`` without ``recency``.

    Parameters
    ----------
    effects : mapping, optional
        Coefficient per count statistic (missing ones are 0; ``recency`` is not allowed);
        default :data:`COUNT_EFFECTS`.
    baseline : float
        :math:`\lambda_0`, the rate of a dyad with every count zero (sets the time unit only).
    p_capture : float
        Probability that an event carries a capture (by its sender from its receiver or the
        reverse, equally likely).

    Returns
    -------
    EventStream

    Raises
    ------
    FloatingPointError
        If the total rate exceeds 1e250 before ``n_events`` (one dyad's self-excitation took
        over): lower the effects.

    Examples
    --------
    >>> s = simulate_rem_counts(n_actors=50, n_events=1000, rng=0)
    >>> len(s), bool(np.all(np.diff(s.times) > 0)), s.actors.size
    (1000, True, 50)
    """
    eff = dict(COUNT_EFFECTS if effects is None else effects)
    unknown = set(eff) - set(STAT_NAMES)
    if unknown:
        raise ValueError(f"unknown statistics {sorted(unknown)}; choose from {STAT_NAMES}")
    if eff.get("recency", 0.0) != 0.0:
        raise ValueError("recency is not a count statistic; simulate it with simulate_rem")
    if n_actors < 2 or n_events < 1:
        raise ValueError("need at least 2 actors and 1 event")
    beta = np.array([float(eff.get(name, 0.0)) for name in STAT_NAMES])
    seed = int(as_generator(rng).integers(1, 2**31 - 1))
    t, s, r, c, lo, done, _, _ = simulate_counts_stream(int(n_actors), beta, float(baseline),
                                                     int(n_events), float(p_capture), seed)
    if done < n_events:
        raise FloatingPointError(f"the simulated rates exploded after {done} of {n_events} "
                                 "events (one dyad's self-excitation took over); lower the "
                                 "effects")
    return EventStream(actors=np.arange(n_actors), times=t, senders=s.astype(np.int64),
                       receivers=r.astype(np.int64), capturers=c.astype(np.int64),
                       losers=lo.astype(np.int64))


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
