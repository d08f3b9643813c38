r"""Scale test of the relational event model: one million events among 1,000 actors.

The stream is simulated from the relational event model itself, with known coefficients
(:func:`sahelmodel.dyadic.rem_simulate.simulate_rem_counts`: 1,000 actors, every ordered pair
at risk from the start, six undecayed count statistics with the effects
:data:`~sahelmodel.dyadic.rem_simulate.COUNT_EFFECTS`: inertia 0.02, reciprocity 0.01, triadic
closure 0.005, shared enemies -0.01, capture from the target 0.1, target captured 0.002 per
count; 5% of events carry a capture). The simulator keeps only the integer stream (about 40 MB
for a million events), so the peak memory is that of the fit.

The model has the same six statistics (``half_life=inf``). Three fits:

1. case-control (m = 10 controls per event) on all 1,000,000 events: CPU time, wall time and
   the process's peak resident memory;
2. the full risk set (all 999,000 ordered pairs at every event) on the first 50,000 events
   (their statistics computed from the same history: the stream from its start), by
   incremental updates of the risk-set sums;
3. case-control on the same 50,000 events.

It reports each estimate's distance from the full risk-set fit of the subset in units of that
fit's standard error (the must-show check is that it is below 1), each fit's distance from
the true coefficients in units of its own standard error and whether its 95% interval covers
them, and the difference of (1) and (2) in units of its own standard error. The subset is the
start of the whole stream, so (as for nested efficient estimators)
:math:`\operatorname{Var}(\hat\theta_2 - \hat\theta_1) \approx se_2^2 - se_1^2`, barely
below :math:`se_2^2` since :math:`se_1 \approx 0.05\, se_2`: a correct estimator keeps a single
coefficient within one :math:`se_2` of the subset fit with probability about 0.68, and all six
with probability about 0.1, so the one-SE check is reported beside the difference's
:math:`z` and the joint :math:`\chi^2_6` test of the six differences. ``--seeds K`` repeats
the comparison over K independently simulated streams (``rem_scale_seeds.json``).

Run ``python experiments/rem_scale.py OUT_DIR``; it writes ``rem_scale.json``.
``python experiments/rem_scale.py OUT_DIR --simulated`` compares case-control with the full
risk set on a small stream with decayed statistics and recency (30 actors, 20,000 events, the
default effects and half-life of :func:`sahelmodel.dyadic.rem_simulate.simulate_rem`, all
seven statistics; brute-force full risk set), written to ``rem_case_control_vs_full.json``.
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


def _summary(r: Any, truth: np.ndarray, cpu: float, wall: float) -> dict[str, Any]:
    return {"params": r.params.to_dict(), "std_errors": r.std_errors.to_dict(),
            "cov": r.cov.to_numpy().tolist(),
            "distance_in_own_se_from_truth": dict(zip(
                r.params.index, np.abs(r.params.to_numpy() - truth) / r.std_errors.to_numpy(),
                strict=True)),
            "truth_in_95_interval": {
                name: bool(abs(r.params[name] - t) < 1.959964 * r.std_errors[name])
                for name, t in zip(r.params.index, truth, strict=True)},
            "converged": r.converged, "n_iter": r.n_iter, "cpu_s": cpu, "wall_s": wall}


def _difference(sub: Any, whole: Any) -> dict[str, Any]:
    r"""The difference of a fit on a stream and the full risk-set fit on its first events.

    The subset's events are part of the whole stream, so (as for nested efficient estimators)
    :math:`\operatorname{Var}(\hat\theta_{sub} - \hat\theta_{all}) \approx V_{sub} - V_{all}`:
    each coefficient's difference in units of its own standard error
    :math:`\sqrt{se_{sub}^2 - se_{all}^2}` is about standard normal, and
    :math:`d^\top (V_{sub} - V_{all})^{-1} d` is about :math:`\chi^2_k`. When the whole
    stream is the subset itself (the case-control fit of the same events), the full risk-set
    fit is the efficient one and the case-control fit adds the noise of sampling the controls,
    so :math:`\operatorname{Var}(\hat\theta_{cc} - \hat\theta_{full}) \approx V_{cc} -
    V_{full}`.
    """
    from scipy import stats

    d = (whole.params - sub.params).to_numpy()
    v_sub, v_all = sub.cov.to_numpy(), whole.cov.to_numpy()
    nested = whole.nobs > sub.nobs
    v = v_sub - v_all if nested else v_all - v_sub
    se = np.sqrt(np.diag(v))
    chi2 = float(d @ np.linalg.solve(v, d))
    return {"variance": "V_subset_full - V_all" if nested else "V_case_control - V_full",
            "difference": dict(zip(sub.params.index, d, strict=True)),
            "se_of_difference": dict(zip(sub.params.index, se, strict=True)),
            "z": dict(zip(sub.params.index, d / se, strict=True)),
            "n_within_1_se_of_difference": int(np.sum(np.abs(d / se) < 1.0)),
            "n_within_1_96_se_of_difference": int(np.sum(np.abs(d / se) < 1.959964)),
            "joint_chi2": chi2, "df": int(d.size),
            "joint_p_value": float(stats.chi2.sf(chi2, d.size))}


def main(out_dir: str | Path = "results", n_events: int = 1_000_000, n_subset: int = 50_000,
         n_actors: int = 1000, rng: int = 20240324, only_all: bool = False,
         write: str = "rem_scale.json") -> dict[str, Any]:
    from sahelmodel.dyadic.rem import RelationalEventModel
    from sahelmodel.dyadic.rem_simulate import COUNT_EFFECTS, simulate_rem_counts

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    truth = np.array([COUNT_EFFECTS[s] for s in STATS])
    record: dict[str, Any] = {"n_events": n_events, "n_subset": n_subset, "n_actors": n_actors,
                              "statistics": STATS, "truth": dict(zip(STATS, truth, strict=True)),
                              "seed": rng, "load_average_start": os.getloadavg(),
                              "peak_rss_mb_at_start": _peak_mb()}
    stream, cpu, wall = _timed(lambda: simulate_rem_counts(n_actors=n_actors,
                                                           n_events=n_events, rng=rng))
    record["simulation"] = {"cpu_s": cpu, "wall_s": wall,
                            "distinct_dyads": int(np.unique(stream.senders * n_actors
                                                            + stream.receivers).size),
                            "captures": int((stream.capturers >= 0).sum())}
    record["peak_rss_mb_after_data"] = _peak_mb()
    (out / write).write_text(json.dumps(record, indent=2, default=float))
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
    if only_all:
        stages = [st for st in stages if st[0] == "case_control_all"]
    for name, fit in stages:  # the record is written after every stage
        fits[name] = _timed(fit)
        record[f"peak_rss_mb_after_{name}"] = _peak_mb()
        r, cpu, wall = fits[name]
        record[name] = _summary(r, truth, cpu, wall)
        if "full_subset" in fits:
            ref = fits["full_subset"][0]
            for done, (r2, _, _) in fits.items():
                record[done]["distance_in_se_of_full_subset"] = (
                    (r2.params - ref.params).abs() / ref.std_errors).to_dict()
                if done != "full_subset":
                    record[done]["difference_from_full_subset"] = _difference(ref, r2)
        record["load_average_now"] = os.getloadavg()
        (out / write).write_text(json.dumps(record, indent=2, default=float))
    if "full_subset" in fits and "case_control_all" in fits:
        dist = record["case_control_all"]["distance_in_se_of_full_subset"]
        record["check_case_control_all_within_1se_of_full_subset"] = {
            "passed": bool(max(dist.values()) < 1.0), "max_distance": max(dist.values()),
            "n_within": int(sum(v < 1.0 for v in dist.values())), "n": len(dist)}
        (out / write).write_text(json.dumps(record, indent=2, default=float))
    return record


def over_seeds(out_dir: str | Path, n_seeds: int, n_events: int = 1_000_000,
               n_subset: int = 50_000) -> dict[str, Any]:
    """Repeat :func:`main` over ``n_seeds`` streams and pool the distances."""
    out = Path(out_dir)
    runs = [main(out, n_events=n_events, n_subset=n_subset, rng=1000 + k,
                 write=f"rem_scale_seed{k}.json") for k in range(n_seeds)]
    dist = np.array([list(r["case_control_all"]["distance_in_se_of_full_subset"].values())
                     for r in runs])
    pooled = {"n_seeds": n_seeds, "statistics": STATS,
              "distance_in_se_of_full_subset": dist.tolist(),
              "share_within_1se": float(np.mean(dist < 1.0)),
              "share_of_streams_all_within_1se": float(np.mean((dist < 1.0).all(axis=1))),
              "z_of_difference": [list(r["case_control_all"]["difference_from_full_subset"]
                                       ["z"].values()) for r in runs],
              "joint_p_values": [r["case_control_all"]["difference_from_full_subset"]
                                 ["joint_p_value"] for r in runs],
              "truth_in_95_interval_share": {
                  fit: float(np.mean([list(r[fit]["truth_in_95_interval"].values())
                                      for r in runs]))
                  for fit in ("full_subset", "case_control_subset", "case_control_all")},
              "load_average_end": os.getloadavg()}
    (out / "rem_scale_seeds.json").write_text(json.dumps(pooled, indent=2, default=float))
    return pooled


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
        result = compare_on_simulated_stream(target)
    elif "--seeds" in sys.argv:
        result = over_seeds(target, int(sys.argv[sys.argv.index("--seeds") + 1]))
    else:
        result = main(target, only_all="--only-all" in sys.argv)
    print(json.dumps(result, indent=2, default=float))
