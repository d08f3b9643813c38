"""Scale test of the relational event model: one million events among 1,000 actors.

Events come from the package's synthetic event generator
(:func:`sahelmodel.network._synthetic.random_events`: 1,000 armed actors, each with 5 usual
rivals, events spread uniformly over ten years, 5% with an arms capture), read through
:func:`sahelmodel.dyadic.rem.event_stream` (battles and remote violence between two distinct
non-civilian actors, time in days) and cut to the first 1,000,000 events.

The model has six undecayed statistics (inertia, reciprocity, triadic closure, shared enemies,
capture from the target, target captured; ``half_life=inf``). Three fits:

1. case-control (m = 10 controls per event) on all 1,000,000 events: CPU time, wall time and
   the process's peak resident memory;
2. the full risk set (every ordered pair of the actors at risk, about a million dyads per
   event) on the first 50,000 events, by incremental updates of the risk-set sums;
3. case-control on the same 50,000 events.

It reports each estimate's distance from the full risk-set fit of the subset in units of that
fit's standard error (the check is that it is below 1), and, as a further check, the full
risk-set fit of all 1,000,000 events.

Run ``python experiments/rem_scale.py OUT_DIR``; it writes ``rem_scale.json``.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

STATS = ("inertia", "reciprocity", "triadic_closure", "shared_enemies", "capture_from_target",
         "target_captured")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _timed(fn: Any) -> tuple[Any, float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c0, time.perf_counter() - w0


def _cut(stream: Any, n: int) -> Any:
    from sahelmodel.dyadic.rem import EventStream

    return EventStream(actors=stream.actors, times=stream.times[:n], senders=stream.senders[:n],
                       receivers=stream.receivers[:n], capturers=stream.capturers[:n],
                       losers=stream.losers[:n], origin=stream.origin)


def main(out_dir: str | Path = "results", n_events: int = 1_000_000, n_subset: int = 50_000,
         rng: int = 20240324) -> dict[str, Any]:
    from sahelmodel.dyadic.rem import RelationalEventModel, event_stream
    from sahelmodel.network._synthetic import random_events

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {"n_events": n_events, "n_subset": n_subset, "statistics": STATS,
                              "load_average_start": os.getloadavg()}
    table = random_events(int(n_events * 1.3), 1000, n_days=3650, n_rivals=5, rng=rng)
    stream = _cut(event_stream(table), n_events)
    del table
    record["n_actors"] = int(stream.actors.size)
    record["events_in_stream"] = len(stream)
    record["peak_rss_mb_after_data"] = _peak_mb()
    cc = RelationalEventModel(statistics=STATS, half_life=np.inf, n_controls=10, rng=1)
    full = RelationalEventModel(statistics=STATS, half_life=np.inf, n_controls=None)
    # warm-up compile on a tiny stream so that timings exclude compilation
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cc.fit(_cut(stream, 2000))
        full.fit(_cut(stream, 2000))
    fits = {}
    res, cpu, wall = _timed(lambda: cc.fit(stream))
    fits["case_control_all"] = (res, cpu, wall)
    record["peak_rss_mb_after_case_control_all"] = _peak_mb()
    sub = _cut(stream, n_subset)
    fits["full_subset"] = _timed(lambda: full.fit(sub))
    fits["case_control_subset"] = _timed(lambda: cc.fit(sub))
    fits["full_all"] = _timed(lambda: full.fit(stream))
    record["peak_rss_mb_end"] = _peak_mb()
    ref = fits["full_subset"][0]
    for name, (r, cpu, wall) in fits.items():
        record[name] = {
            "params": r.params.to_dict(), "std_errors": r.std_errors.to_dict(),
            "converged": r.converged, "n_iter": r.n_iter, "cpu_s": cpu, "wall_s": wall,
            "distance_in_se_of_full_subset": ((r.params - ref.params).abs()
                                              / ref.std_errors).to_dict(),
        }
    record["load_average_end"] = os.getloadavg()
    (out / "rem_scale.json").write_text(json.dumps(record, indent=2, default=float))
    return record


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "results"), indent=2,
                     default=float))
