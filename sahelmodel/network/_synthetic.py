"""Random event tables with every awkward case the network and panels must handle.

Used by the property tests and the benchmarks: hostile and non-hostile types, one-sided events,
civilian targets, self-loops, directed and undirected events, captures (some with an unknown
loser), associated actors on either side, zero-fatality events, missing places. Each actor has a
fixed list of ``n_rivals`` usual opponents (and as many usual allies), so the number of observed
ties grows with actors × rivals (as in real conflict data), not with actors squared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sahelmodel._rng import RNGLike, as_generator
from sahelmodel.events import EventTable

__all__ = ["random_events"]

_TYPES = np.array(
    ["battle", "remote_violence", "violence_against_civilians", "strategic_development", "other"]
)


def random_events(
    n_events: int,
    n_actors: int,
    *,
    n_days: int = 365,
    n_rivals: int = 5,
    start: str = "2018-01-01",
    p_one_sided: float = 0.05,
    p_civilians: float = 0.05,
    p_self_loop: float = 0.02,
    p_directed: float = 0.3,
    p_capture: float = 0.05,
    p_assoc: float = 0.05,
    n_admin2: int = 50,
    rng: RNGLike = None,
) -> EventTable:
    """Draw a random :class:`~sahelmodel.events.EventTable`.

    Parameters
    ----------
    n_events, n_actors : int
        Table size and number of armed actors (ids ``a0000``, ``a0001``, ...; actors whose
        number is divisible by 7 are state forces).
    n_days : int
        Events fall uniformly on ``n_days`` days from ``start``.
    n_rivals : int
        Usual opponents of each actor (actor2 is drawn among them).
    p_one_sided, p_civilians, p_self_loop, p_directed, p_capture, p_assoc : float
        Shares of events that are one-sided, against civilians, self-loops, directed,
        captures, and with an associated actor.
    n_admin2 : int
        Number of second-level administrative units.
    rng : int, numpy.random.Generator or None
        Source of randomness.

    Returns
    -------
    EventTable

    Examples
    --------
    >>> len(random_events(20, 5, rng=1))
    20
    """
    g = as_generator(rng)
    n = int(n_events)
    width = max(4, len(str(max(n_actors - 1, 0))))
    names = np.array([f"a{i:0{width}d}" for i in range(n_actors)], dtype=object)
    kinds = np.where(np.arange(n_actors) % 7 == 0, "state_force", "jihadist_group").astype(object)
    rivals = g.integers(0, n_actors, size=(n_actors, max(n_rivals, 1)))
    a1 = g.integers(0, n_actors, size=n)
    allies = g.integers(0, n_actors, size=(n_actors, max(n_rivals, 1)))
    a2 = rivals[a1, g.integers(0, rivals.shape[1], size=n)]
    a2 = np.where(g.random(n) < p_self_loop, a1, a2)
    actor1 = names[a1]
    actor2 = names[a2].copy()
    kind1, kind2 = kinds[a1], kinds[a2].copy()
    u = g.random(n)
    one_sided = u < p_one_sided
    civ = (u >= p_one_sided) & (u < p_one_sided + p_civilians)
    actor2[one_sided] = None
    kind2[one_sided] = None
    actor2[civ] = "civilians"
    kind2[civ] = "civilians"
    etype = _TYPES[g.choice(len(_TYPES), size=n, p=[0.55, 0.15, 0.1, 0.1, 0.1])]
    etype[civ] = "violence_against_civilians"
    capture = g.random(n) < p_capture
    capturer = np.where(capture, actor1, None)
    loser = np.where(capture & (g.random(n) < 0.8), actor2, None)
    loser = np.where(pd.isna(loser) & capture & (g.random(n) < 0.5), names[a2], loser)
    k = allies.shape[1]
    assoc1 = np.where(
        g.random(n) < p_assoc, names[allies[a1, g.integers(0, k, size=n)]], None
    ).astype(object)
    two = np.char.add(
        np.char.add(names[allies[a2, g.integers(0, k, size=n)]].astype(str), ";"),
        names[allies[a2, g.integers(0, k, size=n)]].astype(str),
    )
    assoc2 = np.where(g.random(n) < p_assoc / 2, two.astype(object), None).astype(object)
    fatalities = g.poisson(2.0, size=n) * (g.random(n) < 0.7)
    admin = np.array([f"adm{i}" for i in range(max(n_admin2, 1))], dtype=object)
    admin2 = np.where(g.random(n) < 0.9, admin[g.integers(0, admin.size, size=n)], None)
    lat = np.where(g.random(n) < 0.95, 12.0 + 3.0 * g.standard_normal(n), np.nan)
    lon = -1.0 + 3.0 * g.standard_normal(n)
    days = g.integers(0, max(n_days, 1), size=n)
    frame = pd.DataFrame(
        {
            "event_id": np.char.add("e", np.arange(n).astype(str)),
            "date": pd.Timestamp(start) + pd.to_timedelta(days, unit="D"),
            "event_type": etype,
            "actor1": actor1,
            "actor2": actor2,
            "actor1_kind": kind1,
            "actor2_kind": kind2,
            "assoc_actor1": assoc1,
            "assoc_actor2": assoc2,
            "directed": g.random(n) < p_directed,
            "fatalities": fatalities.astype(np.int64),
            "admin2": admin2,
            "latitude": np.clip(lat, -90, 90),
            "longitude": np.clip(lon, -180, 180),
            "capture": capture,
            "capturer": capturer,
            "captured_from": loser,
            "capture_weight": np.where(capture, g.exponential(1.0, size=n), 0.0),
            "source_dataset": "simulated",
        }
    )
    return EventTable(frame)
