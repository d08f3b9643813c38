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
fit's standard error (the check is that it is below 1); ``--full-all`` adds the full risk-set
fit of all 1,000,000 events.

Run ``python experiments/rem_scale.py OUT_DIR``; it writes ``rem_scale.json``.

The synthetic generator is not a relational event process (each actor picks among fixed
rivals), so the sampled and the full partial likelihood need not share a limit there.
``python experiments/rem_scale.py OUT_DIR --simulated`` makes the same comparison on a stream
simulated from the REM itself (30 actors, 20,000 events, the default effects and half-life of
:func:`sahelmodel.dyadic.rem_simulate.simulate_rem`, all seven statistics): case-control
(m = 10) against the full risk set (brute force), written to ``rem_case_control_vs_full.json``.
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
         rng: int = 20240324, with_full_all: bool = False,
         only_all: bool = False) -> dict[str, Any]:
    from sahelmodel.dyadic.rem import RelationalEventModel, event_stream
    from sahelmodel.network._synthetic import random_events

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {"n_events": n_events, "n_subset": n_subset, "statistics": STATS,
                              "load_average_start": os.getloadavg()}
    # about 62% of the generated events are battles or remote violence between two armed
    # actors, so 1.7 times the target is drawn and the stream cut to n_events
    table = random_events(int(n_events * 1.7), 1000, n_days=3650, n_rivals=5, rng=rng)
    stream = _cut(event_stream(table), n_events)
    del table
    record["n_actors"] = int(stream.actors.size)
    record["events_in_stream"] = len(stream)
    record["peak_rss_mb_after_data"] = _peak_mb()
    (out / "rem_scale.json").write_text(json.dumps(record, indent=2, default=float))
    cc = RelationalEventModel(statistics=STATS, half_life=np.inf, n_controls=10, rng=1)
    full = RelationalEventModel(statistics=STATS, half_life=np.inf, n_controls=None)
    # warm-up compile on a tiny stream so that timings exclude compilation
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cc.fit(_cut(stream, 2000))
        full.fit(_cut(stream, 2000))
    fits: dict[str, Any] = {}
    sub = _cut(stream, n_subset)
    stages = [("full_subset", lambda: full.fit(sub)),
              ("case_control_subset", lambda: cc.fit(sub)),
              ("case_control_all", lambda: cc.fit(stream))]
    if with_full_all:
        stages.append(("full_all", lambda: full.fit(stream)))
    if only_all:
        stages = [st for st in stages if st[0] == "case_control_all"]
    for name, fit in stages:  # the record is written after every stage
        fits[name] = _timed(fit)
        record[f"peak_rss_mb_after_{name}"] = _peak_mb()
        r, cpu, wall = fits[name]
        record[name] = {"params": r.params.to_dict(), "std_errors": r.std_errors.to_dict(),
                        "converged": r.converged, "n_iter": r.n_iter, "cpu_s": cpu,
                        "wall_s": wall}
        if "full_subset" in fits:
            ref = fits["full_subset"][0]
            for done, (r2, _, _) in fits.items():
                record[done]["distance_in_se_of_full_subset"] = (
                    (r2.params - ref.params).abs() / ref.std_errors).to_dict()
        record["load_average_now"] = os.getloadavg()
        (out / "rem_scale.json").write_text(json.dumps(record, indent=2, default=float))
    return record


def compare_on_simulated_stream(out_dir: str | Path = "results", n_actors: int = 30,
                                n_events: int = 20_000, rng: int = 7) -> dict[str, Any]:
    from sahelmodel.dyadic.rem import RelationalEventModel
    from sahelmodel.dyadic.rem_simulate import DEFAULT_EFFECTS, simulate_rem

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stream = simulate_rem(n_actors=n_actors, n_events=n_events, rng=rng)
    full, cpu_f, _ = _timed(lambda: RelationalEventModel(n_controls=None).fit(stream))
    cc, cpu_c, _ = _timed(lambda: RelationalEventModel(n_controls=10, rng=1).fit(stream))
    record = {
        "n_actors": n_actors, "n_events": n_events, "truth": DEFAULT_EFFECTS,
        "full": {"params": full.params.to_dict(), "std_errors": full.std_errors.to_dict(),
                 "cpu_s": cpu_f},
        "case_control": {"params": cc.params.to_dict(), "std_errors": cc.std_errors.to_dict(),
                         "cpu_s": cpu_c},
        "distance_in_se_of_full": ((cc.params - full.params).abs()
                                   / full.std_errors).to_dict(),
        "load_average": os.getloadavg(),
    }
    (out / "rem_case_control_vs_full.json").write_text(json.dumps(record, indent=2,
                                                                  default=float))
    return record


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "results"
    if "--simulated" in sys.argv:
        print(json.dumps(compare_on_simulated_stream(target), indent=2, default=float))
    else:
        print(json.dumps(main(target, with_full_all="--full-all" in sys.argv,
                              only_all="--only-all" in sys.argv), indent=2, default=float))
