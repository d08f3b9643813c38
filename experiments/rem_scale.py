r"""Scale test of the relational event model: one million events among 1,000 actors.

The stream is simulated from the relational event model itself, with known coefficients
(:func:`sahelmodel.dyadic.rem_simulate.simulate_rem_counts`: 1,000 actors, every ordered pair
at risk from the start, six undecayed count statistics with the effects
:data:`~sahelmodel.dyadic.rem_simulate.COUNT_EFFECTS`: inertia 0.02, reciprocity 0.01, triadic
closure 0.005, shared enemies -0.01, capture from the target 0.1, target captured 0.002 per
count; 5% of events carry a capture). The simulator keeps only the integer stream (about 40 MB
for a million events), so the peak memory is that of the fit.

The model has the same six statistics (``half_life=inf``). Four fits, each with its CPU
time, wall time and the process's peak resident memory after it:

1. case-control (m = 10 controls per event) on all 1,000,000 events;
2. the full risk set (all 999,000 ordered pairs at every event) on the first 50,000 events
   (their statistics computed from the same history: the stream from its start), by
   incremental updates of the risk-set sums (:mod:`sahelmodel.dyadic._rem_full_counts`);
3. case-control on the same 50,000 events;
4. the full risk set on all 1,000,000 events, run before (1) so that the peak memory after it
   is that of the full fits (``full_all=False`` leaves it out).

Two comparisons are recorded under ``checks`` (:func:`add_checks`):

(a) ``case_control_vs_full_same_subset``: fit 3 against fit 2, the same 50,000 events, which
    isolates what sampling the risk set changes. The full fit is the efficient one, so
    :math:`\operatorname{Var}(\hat\beta_{cc} - \hat\beta_{full}) \approx se_{cc}^2 -
    se_{full}^2`, about :math:`se_{full}^2 / m` (:math:`m = 10`): the difference's standard
    deviation is about :math:`0.32\, se_{full}`, and every coefficient within one
    :math:`se_{full}` is the check (probability about 0.99 for six coefficients).
(b) ``case_control_all_vs_full_subset``: fit 1 against fit 2 (the cross-subset comparison);
    ``full_all_vs_full_subset``, fit 4 against fit 2, is the same comparison for the full
    estimator. The subset is the start of the whole stream, so (as for nested efficient
    estimators) :math:`\operatorname{Var}(\hat\beta_1 - \hat\beta_2) \approx se_2^2 -
    se_1^2`, barely below :math:`se_2^2` since :math:`se_1 \approx 0.05\, se_2`: a correct
    estimator keeps a single coefficient within one :math:`se_2` of the subset fit with
    probability about 0.68 and all six with probability about 0.10. The record gives the
    distances in :math:`se_2` with that expected count, and the differences in their own
    standard error :math:`\sqrt{se_2^2 - se_1^2}` with the joint :math:`\chi^2_6` test.
(c) ``case_control_vs_full_same_all``: fit 1 against fit 4, (a) on all 1,000,000 events.

Each fit's distance from the true coefficients in units of its own standard error, and whether
its 95% interval covers them, is recorded too. ``--seeds K`` repeats the comparison over K
independently simulated streams (``rem_scale_seeds.json``). ``--recheck FILE ...`` recomputes
the checks of stored records in place from their estimates and standard errors (no refit) and
writes the pooled counts to ``OUT_DIR/rem_scale_checks.json``.

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


def _norm_within(bound: np.ndarray) -> np.ndarray:
    """P(|N(0, 1)| < bound), elementwise."""
    from scipy import stats

    return 2.0 * stats.norm.cdf(bound) - 1.0


def _estimates(a: dict[str, Any], b: dict[str, Any]) -> tuple[list[str], np.ndarray,
                                                              np.ndarray, np.ndarray,
                                                              np.ndarray]:
    """Statistic names, then estimates and standard errors of fit summaries ``a`` and ``b``."""
    names = list(a["params"])
    return (names, *(np.array([fit[key][k] for k in names]) for fit in (a, b)
                     for key in ("params", "std_errors")))


def check_same_subset(full: dict[str, Any], cc: dict[str, Any], m: int,
                      joint: dict[str, Any] | None = None) -> dict[str, Any]:
    r"""Case-control against the full risk set on the same events (what sampling changes).

    ``full`` and ``cc`` are fit summaries (``params`` and ``std_errors`` by statistic). Both
    estimators use the same events, the full one efficiently, so
    :math:`\operatorname{Var}(\hat\beta_{cc} - \hat\beta_{full}) \approx se_{cc}^2 -
    se_{full}^2`, about :math:`se_{full}^2 / m` with :math:`m` controls per event (relative
    efficiency :math:`m / (m + 1)` near :math:`\beta = 0`). The check passes when every
    coefficient's difference is below one :math:`se_{full}`, about :math:`\sqrt{m}` standard
    deviations of the difference, so a correct sampler fails it rarely; the record keeps the
    theoretical standard deviation of the difference (from the two fits' standard errors and
    from :math:`se_{full} / \sqrt{m}`), the difference in its units and the probability of
    the check under that normal approximation, and the joint :math:`\chi^2_k` test of
    ``joint`` (from :math:`V_{cc} - V_{full}`) where the run stored the covariance matrices.
    """
    names, b_f, se_f, b_c, se_c = _estimates(full, cc)
    d = b_c - b_f
    sd = np.sqrt(np.maximum(se_c**2 - se_f**2, 0.0))
    dist = np.abs(d) / se_f
    p_within = _norm_within(se_f / np.where(sd > 0, sd, np.nan))
    out = {
        "what": f"case-control (m = {m}) minus full risk set, same events",
        "distance_in_se_full": dict(zip(names, dist, strict=True)),
        "n_within_1_se_full": int(np.sum(dist < 1.0)), "n": len(names),
        "max_distance_in_se_full": float(dist.max()),
        "passed": bool(np.all(dist < 1.0)),
        "sd_of_difference_sqrt_se_cc2_minus_se_full2": dict(zip(names, sd, strict=True)),
        "sd_of_difference_in_se_full": dict(zip(names, sd / se_f, strict=True)),
        "sd_of_difference_in_se_full_nominal_1_over_sqrt_m": float(1.0 / np.sqrt(m)),
        "z_difference_over_its_sd": dict(zip(names, d / sd, strict=True)),
        "probability_within_1_se_full_per_coefficient": dict(zip(names, p_within,
                                                                 strict=True)),
        "probability_all_within": float(np.prod(p_within)),
    }
    if joint is not None and "joint_p_value" in joint:
        out.update({k: joint[k] for k in ("joint_chi2", "df", "joint_p_value")})
    return out


def check_whole_vs_subset(sub_full: dict[str, Any], whole: dict[str, Any],
                          joint: dict[str, Any] | None = None) -> dict[str, Any]:
    r"""The fit of the whole stream against the full risk-set fit of its first events.

    The subset is part of the whole, so :math:`\operatorname{Var}(\hat\beta_{whole} -
    \hat\beta_{sub}) \approx se_{sub}^2 - se_{whole}^2`, nearly :math:`se_{sub}^2` (at 1M
    against 50k events :math:`se_{whole} \approx 0.05\, se_{sub}`). Two readings: the distance
    in :math:`se_{sub}` (the cross-subset comparison), which a correct estimator keeps below 1 for
    each coefficient with probability :math:`2\Phi(se_{sub} / \sqrt{se_{sub}^2 -
    se_{whole}^2}) - 1`, about 0.69 (the expected count and the probability that all are within
    are recorded), and the difference in its own standard error, about :math:`N(0, 1)` per
    coefficient (passed when the joint :math:`\chi^2_k` test of ``joint``, computed from the
    covariance matrices, does not reject at 5%).
    """
    names, b_s, se_s, b_w, se_w = _estimates(sub_full, whole)
    d = b_w - b_s
    dist = np.abs(d) / se_s
    sd = np.sqrt(np.maximum(se_s**2 - se_w**2, 0.0))
    z = d / sd
    p_within = _norm_within(se_s / sd)
    out: dict[str, Any] = {
        "what": "whole-stream fit minus full risk-set fit of the first events",
        "distance_in_se_subset": dict(zip(names, dist, strict=True)),
        "n_within_1_se_subset": int(np.sum(dist < 1.0)), "n": len(names),
        "max_distance_in_se_subset": float(dist.max()),
        "within_1_se_subset_all": bool(np.all(dist < 1.0)),
        "probability_within_1_se_subset_per_coefficient": dict(zip(names, p_within,
                                                                   strict=True)),
        "expected_n_within_1_se_subset": float(p_within.sum()),
        "probability_all_within_1_se_subset": float(np.prod(p_within)),
        "sd_of_difference_sqrt_se_sub2_minus_se_whole2": dict(zip(names, sd, strict=True)),
        "z_difference_over_its_sd": dict(zip(names, z, strict=True)),
        "n_within_1_96_sd_of_difference": int(np.sum(np.abs(z) < 1.959964)),
    }
    if joint is not None and "joint_p_value" in joint:
        out["joint_chi2"] = joint["joint_chi2"]
        out["df"] = joint["df"]
        out["joint_p_value"] = joint["joint_p_value"]
        out["passed_in_own_se"] = bool(joint["joint_p_value"] > 0.05)
    return out


def add_checks(record: dict[str, Any], m: int = 10) -> dict[str, Any]:
    """Add both comparisons to a ``rem_scale`` record, from its stored fits (see below)."""
    checks: dict[str, Any] = {}
    if "full_subset" in record and "case_control_subset" in record:
        checks["case_control_vs_full_same_subset"] = check_same_subset(
            record["full_subset"], record["case_control_subset"], m,
            record["case_control_subset"].get("difference_from_full_subset"))
    if "full_subset" in record and "case_control_all" in record:
        checks["case_control_all_vs_full_subset"] = check_whole_vs_subset(
            record["full_subset"], record["case_control_all"],
            record["case_control_all"].get("difference_from_full_subset"))
    if "full_subset" in record and "full_all" in record:
        checks["full_all_vs_full_subset"] = check_whole_vs_subset(
            record["full_subset"], record["full_all"],
            record["full_all"].get("difference_from_full_subset"))
    if "full_all" in record and "case_control_all" in record:
        checks["case_control_vs_full_same_all"] = check_same_subset(
            record["full_all"], record["case_control_all"], m,
            record["case_control_all"].get("difference_from_full_all"))
    record["checks"] = checks
    return record


def _pool(checks: list[dict[str, Any]]) -> dict[str, Any]:
    """Pool one kind of check over streams (see :func:`recheck`)."""
    from scipy.stats import chi2

    z = np.concatenate([list(c["z_difference_over_its_sd"].values()) for c in checks])
    out: dict[str, Any] = {"n_streams": len(checks), "n": int(z.size),
                           "sum_z2_of_difference_over_its_sd": float(np.sum(z**2)),
                           "p_value_of_sum_z2": float(chi2.sf(np.sum(z**2), z.size)),
                           "joint_p_values": [c.get("joint_p_value") for c in checks]}
    if "n_within_1_se_full" in checks[0]:  # same events
        out["n_within_1_se_full"] = sum(c["n_within_1_se_full"] for c in checks)
        out["max_distance_in_se_full"] = max(c["max_distance_in_se_full"] for c in checks)
        out["per_stream_max"] = [c["max_distance_in_se_full"] for c in checks]
    else:  # whole stream against its start
        out["n_within_1_se_subset"] = sum(c["n_within_1_se_subset"] for c in checks)
        out["expected_n_within_1_se_subset"] = float(sum(c["expected_n_within_1_se_subset"]
                                                         for c in checks))
        out["n_within_1_96_sd_of_difference"] = sum(c["n_within_1_96_sd_of_difference"]
                                                    for c in checks)
    return out


def recheck(paths: list[str | Path]) -> dict[str, Any]:
    r"""Recompute the checks of stored ``rem_scale`` records in place, without refitting.

    The checks need only the stored estimates and standard errors (and the joint test stored
    with the run), so records made before the checks existed get them unchanged. Returns
    the pooled summary over the records (the sum of squared :math:`z` of the same-subset
    differences is about :math:`\chi^2` with one degree of freedom per coefficient, the
    coefficients treated as independent).
    """
    records = []
    for path in paths:
        p = Path(path)
        record = add_checks(json.loads(p.read_text()))
        p.write_text(json.dumps(record, indent=2, default=float))
        records.append(record)
    summary: dict[str, Any] = {"files": [Path(p).name for p in paths]}
    for kind in ("case_control_vs_full_same_subset", "case_control_all_vs_full_subset",
                 "full_all_vs_full_subset", "case_control_vs_full_same_all"):
        found = [r["checks"][kind] for r in records if kind in r["checks"]]
        if found:
            summary[kind] = _pool(found)
    return summary


def main(out_dir: str | Path = "results", n_events: int = 1_000_000, n_subset: int = 50_000,
         n_actors: int = 1000, rng: int = 20240324, only_all: bool = False,
         full_all: bool = True, write: str = "rem_scale.json") -> dict[str, Any]:
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
              ("full_all", lambda: full.fit(stream)),
              ("case_control_all", lambda: cc.fit(stream))]
    if only_all:
        stages = [st for st in stages if st[0] == "case_control_all"]
    if not full_all:
        stages = [st for st in stages if st[0] != "full_all"]
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
        if "full_all" in fits and "case_control_all" in fits:
            record["case_control_all"]["difference_from_full_all"] = _difference(
                fits["full_all"][0], fits["case_control_all"][0])
        record["load_average_now"] = os.getloadavg()
        (out / write).write_text(json.dumps(record, indent=2, default=float))
    if "full_subset" in fits and "case_control_all" in fits:
        dist = record["case_control_all"]["distance_in_se_of_full_subset"]
        record["check_case_control_all_within_1se_of_full_subset"] = {
            "passed": bool(max(dist.values()) < 1.0), "max_distance": max(dist.values()),
            "n_within": int(sum(v < 1.0 for v in dist.values())), "n": len(dist)}
    add_checks(record, m=10)
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
                  for fit in ("full_subset", "case_control_subset", "case_control_all",
                              "full_all") if all(fit in r for r in runs)},
              "load_average_end": os.getloadavg()}
    pooled["checks"] = recheck([out / f"rem_scale_seed{k}.json" for k in range(n_seeds)])
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
    if "--recheck" in sys.argv:
        files = sys.argv[sys.argv.index("--recheck") + 1:]
        result = recheck(files)
        Path(target, "rem_scale_checks.json").write_text(json.dumps(result, indent=2,
                                                                   default=float))
    elif "--simulated" in sys.argv:
        result = compare_on_simulated_stream(target)
    elif "--seeds" in sys.argv:
        result = over_seeds(target, int(sys.argv[sys.argv.index("--seeds") + 1]))
    else:
        result = main(target, only_all="--only-all" in sys.argv)
    print(json.dumps(result, indent=2, default=float))
