"""Relational event model benchmarks against remflow (the Python port of R's remstats/remstimate).

* ``rem_statistics``: the statistics of every ordered pair of actors at every event (the full
  risk set), inertia, reciprocity, outgoing two-paths (triadic closure) and outgoing shared
  partners (shared enemies), undecayed counts. Ours: the compiled incremental pass
  (:func:`sahelmodel.dyadic._rem_core.stream_pass`, all seven statistics). Peer ``remflow``:
  ``remify`` + ``remstats(memory="full")`` with the same four effects. The values agree
  exactly (``tests/dyadic/test_rem.py`` checks stored remflow values).
* ``rem_fit``: the full risk-set partial-likelihood fit of the same four statistics. Ours:
  :class:`RelationalEventModel` (``n_controls=None``, ``half_life=inf``); peer ``remflow``:
  ``remify(ordinal=True)`` + ``remstats`` + ``remstimate`` (its coefficients agree with ours to
  the BFGS tolerance).

Streams are simulated by :func:`sahelmodel.dyadic.rem_simulate.simulate_rem`; sizes are
``(actors, events)``, the full size 10 actors x 500 events (the size at which the issue quotes
remflow at about a minute for the statistics).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmarks.harness import Case, PeerUnavailable
from sahelmodel.dyadic._rem_core import MODE_ALL, stream_pass
from sahelmodel.dyadic.rem import RelationalEventModel
from sahelmodel.dyadic.rem_simulate import simulate_rem

_FOUR = ("inertia", "reciprocity", "triadic_closure", "shared_enemies")
_REMFLOW_EFFECTS = "~ inertia() + reciprocity() + otp() + osp()"


def _setup(size: tuple[int, int]) -> dict[str, Any]:
    n_actors, n_events = size
    stream = simulate_rem(n_actors=n_actors, n_events=n_events, rng=20240324)
    edges = pd.DataFrame({"time": stream.times, "actor1": stream.senders.astype(str),
                          "actor2": stream.receivers.astype(str)})
    return {"stream": stream, "edges": edges}


def _stats_ours(state: dict[str, Any]) -> Any:
    s = state["stream"]
    n = s.actors.size
    return stream_pass(s.times, s.senders, s.receivers, s.capturers, s.losers, n, 0.0,
                       np.full(n, -np.inf), MODE_ALL, 0, 1, np.zeros(7),
                       np.zeros(len(s), dtype=np.bool_))


def _remflow() -> Any:
    try:
        import remflow
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise PeerUnavailable("remflow is not installed (pip install remflow)") from exc
    return remflow


def _stats_remflow(state: dict[str, Any]) -> Any:
    rf = _remflow()
    reh = rf.remify(state["edges"], directed=True, model="tie")
    return rf.remstats(reh, tie_effects=_REMFLOW_EFFECTS, memory="full")


def _fit_ours(state: dict[str, Any]) -> Any:
    return RelationalEventModel(statistics=_FOUR, half_life=np.inf,
                                n_controls=None).fit(state["stream"])


def _fit_remflow(state: dict[str, Any]) -> Any:
    rf = _remflow()
    reh = rf.remify(state["edges"], directed=True, model="tie", ordinal=True)
    stats = rf.remstats(reh, tie_effects=_REMFLOW_EFFECTS, memory="full")
    return rf.remstimate(reh, stats)


CASES = [
    Case(name="rem_statistics", sizes={"quick": [(6, 60)], "full": [(10, 500)]},
         setup=_setup, run=_stats_ours, peers={"remflow": _stats_remflow},
         repeats={"quick": 1, "full": 1}),
    Case(name="rem_fit", sizes={"quick": [(6, 60)], "full": [(10, 500)]},
         setup=_setup, run=_fit_ours, peers={"remflow": _fit_remflow},
         repeats={"quick": 1, "full": 1}),
]


if __name__ == "__main__":  # coefficients side by side at the quick size
    st = _setup((6, 150))
    ours = _fit_ours(st)
    theirs = _fit_remflow(st)
    print(pd.DataFrame({"ours": ours.params.to_numpy(), "remflow": np.asarray(theirs.coef)},
                       index=list(_FOUR)))
