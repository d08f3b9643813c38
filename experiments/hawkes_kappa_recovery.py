r"""Record: coverage of the capture multiplier's interval at Sahel-dyad scale.

What it shows
-------------
A simulate-then-recover study of :math:`\kappa`, the productivity multiplier of marked
events (captures), at the scale of one Sahel dyad: about 100 events a year per dimension for
5 years (1,825 days), 5% of events marked, :math:`\kappa = 2`, mean lag 14 days. Two models:
univariate (baseline 0.144/day, excitation 0.45, so a branching ratio of
:math:`0.45 \times 1.05 = 0.47`) and 3-dimensional (three dyads, self-excitation 0.3,
cross-excitation 0.1, baseline 0.13/day each). Each replication fits the default
``Hawkes()`` (decay estimated; decay-profile search) and records :math:`\hat\kappa`, its 95%
interval from ``conf_int()`` (profile likelihood where the Wald interval's shape is doubtful),
the interval method, and whether the fit is degenerate.

Outputs: ``hawkes_kappa_recovery.csv`` (one row per replication and model) and
``hawkes_kappa_recovery.json`` (coverage, its Monte Carlo standard error, replication counts).
Run: ``python experiments/hawkes_kappa_recovery.py OUT_DIR N_UNIVARIATE N_TRIVARIATE [SEED]``.
A smaller seeded version runs in ``tests/statistical/test_hawkes_search.py``.

Last run (``... 100 30``, seed 2026, on the decay-profile search with the exact fixed-decay
profile; outputs in ``records/hawkes_kappa_recovery.csv/.json``): univariate, 94 of 100
intervals cover kappa = 2 (0.94, Monte Carlo s.e. 0.024; median estimate 1.97, about 500
events); 3-dimensional, 29 of 30 (0.967, s.e. 0.033; median 1.72, about 1,480 events). Every
interval is a profile-likelihood interval, and no fit is degenerate.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sahelmodel

DAYS = 1825.0
KAPPA = 2.0
SHARE = 0.05
DECAY = 1 / 14
MODELS: dict[str, dict[str, Any]] = {
    "univariate": {"baseline": 0.144, "adjacency": 0.45},
    "trivariate": {"baseline": np.full(3, 0.13),
                   "adjacency": np.array([[0.3, 0.1, 0.1], [0.1, 0.3, 0.1], [0.1, 0.1, 0.3]])},
}


def replicate(rng: np.random.Generator, model: str, level: float = 0.95) -> dict[str, Any]:
    """Simulate one data set of ``model`` and fit it; return kappa's estimate and interval."""
    spec = MODELS[model]
    et = sahelmodel.simulate_hawkes(spec["baseline"], spec["adjacency"], DECAY, DAYS,
                                    marks=SHARE, mark_multiplier=KAPPA, rng=rng)
    out: dict[str, Any] = {"model": model, "n_events": et.n_events,
                           "n_marked": int(np.sum(et.marks > 0))}
    if out["n_marked"] == 0:  # kappa is not identified without a marked event
        return {**out, "kappa": np.nan, "lower": np.nan, "upper": np.nan, "method": "",
                "degenerate": False, "covered": np.nan}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sahelmodel.Hawkes().fit(et)
        lo, hi = res.conf_int(level, terms=["kappa"]).loc["kappa"]
    return {**out, "kappa": float(res.params["kappa"]), "lower": float(lo), "upper": float(hi),
            "method": res.interval_methods(level)["kappa"], "degenerate": res.degenerate,
            "covered": float(lo <= KAPPA <= hi)}


def study(n: dict[str, int], seed: int = 2026) -> pd.DataFrame:
    """``n[model]`` replications of each model, seeded by ``SeedSequence([seed, j])``."""
    rows = []
    for j, model in enumerate(MODELS):
        for g in np.random.SeedSequence([seed, j]).spawn(n[model]):
            rows.append(replicate(np.random.default_rng(g), model))
    return pd.DataFrame(rows)


def summarise(table: pd.DataFrame) -> dict[str, Any]:
    """Coverage per model over replications with a marked event (degenerate fits counted)."""
    out = {}
    for model, grp in table.groupby("model", sort=False):
        used = grp.dropna(subset=["covered"])
        c = float(used["covered"].mean())
        out[model] = {"replications": len(grp), "with_marks": len(used),
                      "coverage": round(c, 4),
                      "coverage_mcse": round(float(np.sqrt(c * (1 - c) / len(used))), 4),
                      "profile_share": round(float((used["method"] == "profile").mean()), 4),
                      "degenerate": int(used["degenerate"].sum()),
                      "median_kappa": round(float(used["kappa"].median()), 4),
                      "mean_events": round(float(grp["n_events"].mean()), 1)}
    return out


if __name__ == "__main__":
    out_dir = Path(sys.argv[1])
    counts = {"univariate": int(sys.argv[2]) if len(sys.argv) > 2 else 200,
              "trivariate": int(sys.argv[3]) if len(sys.argv) > 3 else 100}
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 2026
    out_dir.mkdir(parents=True, exist_ok=True)
    table = study(counts, seed)
    table.to_csv(out_dir / "hawkes_kappa_recovery.csv", index=False)
    summary = summarise(table)
    (out_dir / "hawkes_kappa_recovery.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
