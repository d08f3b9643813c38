r"""Calibration of the relational event model's Wald intervals on count-statistic streams.

Streams are simulated exactly from the REM with undecayed counts
(:func:`sahelmodel.dyadic.rem_simulate.simulate_rem_counts`, effects
:data:`~sahelmodel.dyadic.rem_simulate.COUNT_EFFECTS`, every ordered pair at risk, 5% of events
with a capture), the configuration of ``rem_scale.py`` at a chosen length. Each stream is fitted
by case-control sampling (m = 10 controls per event) and, with ``--full``, also by the full risk
set. Over the streams it reports, per coefficient and estimator,

* the mean of :math:`z = (\hat\beta - \beta) / \widehat{se}` (centring; about 0 if unbiased)
  and its standard deviation (about 1 if the Wald standard error is right),
* the ratio of the estimates' standard deviation across streams to their mean standard error,
* the coverage of the truth by the 95% Wald interval.

With ``--refits K`` the first stream is also refitted with K further control seeds: the spread
of those estimates is the part of the case-control variance due to sampling the controls.

Run ``python experiments/rem_calibration.py OUT_DIR N_EVENTS N_STREAMS [--full] [--refits K]
[--actors N]``; it writes ``rem_calibration_{N_ACTORS}x{N_EVENTS}.json`` after every stream.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

STATS = ("inertia", "reciprocity", "triadic_closure", "shared_enemies", "capture_from_target",
         "target_captured")


def _summarise(est: np.ndarray, se: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    z = (est - truth) / se
    out: dict[str, Any] = {}
    for q, name in enumerate(STATS):
        out[name] = {"mean_z": float(z[:, q].mean()), "sd_z": float(z[:, q].std(ddof=1))
                     if len(z) > 1 else float("nan"),
                     "sd_est_over_mean_se": float(est[:, q].std(ddof=1) / se[:, q].mean())
                     if len(z) > 1 else float("nan"),
                     "coverage_95": float(np.mean(np.abs(z[:, q]) < 1.959964)),
                     "mean_est": float(est[:, q].mean()), "truth": float(truth[q])}
    out["chi2_all"] = float((z ** 2).sum())
    out["df"] = int(z.size)
    return out


def main(out_dir: str | Path, n_events: int, n_streams: int, full: bool = False,
         refits: int = 0, n_actors: int = 1000, first_seed: int = 5000) -> dict[str, Any]:
    from sahelmodel.dyadic.rem import RelationalEventModel
    from sahelmodel.dyadic.rem_simulate import COUNT_EFFECTS, simulate_rem_counts

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    truth = np.array([COUNT_EFFECTS[s] for s in STATS])
    fits: dict[str, list[tuple[list[float], list[float]]]] = {"case_control": [], "full": []}
    record: dict[str, Any] = {"n_events": n_events, "n_actors": n_actors, "n_controls": 10,
                              "statistics": STATS, "truth": dict(zip(STATS, truth.tolist(),
                                                                     strict=True)),
                              "seeds": [], "load_average_start": os.getloadavg()}
    cpu = {"simulation": 0.0, "case_control": 0.0, "full": 0.0}
    for k in range(n_streams):
        seed = first_seed + k
        c0 = time.process_time()
        stream = simulate_rem_counts(n_actors=n_actors, n_events=n_events, rng=seed)
        cpu["simulation"] += time.process_time() - c0
        models = {"case_control": RelationalEventModel(statistics=STATS, half_life=np.inf,
                                                       n_controls=10, rng=seed)}
        if full:
            models["full"] = RelationalEventModel(statistics=STATS, half_life=np.inf,
                                                  n_controls=None)
        for name, model in models.items():
            c0 = time.process_time()
            r = model.fit(stream)
            cpu[name] += time.process_time() - c0
            fits[name].append((r.params.tolist(), r.std_errors.tolist()))
        if k == 0 and refits:
            est = [fits["case_control"][0][0]]
            for j in range(refits):
                r = RelationalEventModel(statistics=STATS, half_life=np.inf, n_controls=10,
                                         rng=10_000 + j).fit(stream)
                est.append(r.params.tolist())
            e = np.array(est)
            record["control_resampling_first_stream"] = {
                "n_fits": len(est), "estimates": est,
                "sd_over_se": dict(zip(STATS, (e.std(axis=0, ddof=1)
                                               / np.array(fits["case_control"][0][1])).tolist(),
                                       strict=True))}
        record["seeds"].append(seed)
        record["cpu_s"] = cpu
        for name, rows in fits.items():
            if rows:
                est = np.array([r[0] for r in rows])
                se = np.array([r[1] for r in rows])
                record[name] = {"estimates": est.tolist(), "std_errors": se.tolist(),
                                "summary": _summarise(est, se, truth)}
        if full and len(fits["full"]) > 1:
            d = np.array([r[0] for r in fits["case_control"]]) - np.array(
                [r[0] for r in fits["full"]])
            se_f = np.array([r[1] for r in fits["full"]])
            se_c = np.array([r[1] for r in fits["case_control"]])
            record["difference_case_control_minus_full"] = {
                name: {"mean": float(d[:, q].mean()), "sd": float(d[:, q].std(ddof=1)),
                       "sqrt_mean_se_cc2_minus_se_full2": float(np.sqrt(max(
                           (se_c[:, q] ** 2 - se_f[:, q] ** 2).mean(), 0.0)))}
                for q, name in enumerate(STATS)}
        record["load_average_now"] = os.getloadavg()
        name = f"rem_calibration_{n_actors}x{n_events}.json"
        (out / name).write_text(json.dumps(record, indent=2))
    return record


if __name__ == "__main__":
    argv = sys.argv[1:]
    res = main(argv[0], int(argv[1]), int(argv[2]), full="--full" in argv,
               refits=int(argv[argv.index("--refits") + 1]) if "--refits" in argv else 0,
               n_actors=int(argv[argv.index("--actors") + 1]) if "--actors" in argv else 1000)
    for est in ("case_control", "full"):
        if est in res:
            print(est, json.dumps(res[est]["summary"], indent=1))
