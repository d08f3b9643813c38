"""Figure 8: does a capture trigger more than an ordinary clash? Coverage and power for kappa.

What it shows
-------------
Left: coverage of the 95% Wald interval of the capture multiplier kappa (the factor by which a
marked event, an arms capture, multiplies the expected number of events it triggers) against
the expected number of captures in the data, with binomial Monte Carlo error bars. Right: the
power to detect that captures trigger more (the interval lies above 1) when the true kappa is
2, and the size of the test of kappa = 1 (the interval excludes 1) when captures have no extra
effect.

What it reproduces
------------------
The design question of the paper: with a Sahel dyad's event rate (baseline 0.05 events/day,
branching ratio 0.5, mean lag 14 days, 10 years: a few hundred events) and 1-10% of events
being captures, can a doubling of productivity after captures (kappa = 2) be detected? What the
paper configuration (200 replications per point) shows, with the package's intervals for kappa
(log-scale Wald, or profile likelihood near the boundary at 0): coverage between 0.92 and 0.96
at every capture share, also with only 4 captures; a size of the test of kappa = 1 between 0.04
and 0.085; and power to detect kappa = 2 rising with the number of captures, from 0.07 with 4
captures to 0.34 with 19 and 0.48 with 39 (among about 380 events): at the scale of one dyad a
doubling of a capture's triggering is found about half the time at best, which is why the
paper pools dyads. A replication without any capture (kappa not identified) or whose interval
cannot be computed is recorded with the reason and left out of the rates.

Outputs: ``fig08_kappa_coverage_power.png/.pdf``, ``fig08_kappa_coverage_power.csv`` (one row
per replication) and ``fig08_kappa_coverage_power_summary.csv`` (coverage, power and their
Monte Carlo errors per design point).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.ticker import ScalarFormatter

import sahelmodel
from sahelmodel.report import new_figure, save_figure, save_numbers
from sahelmodel.runner import Runner, Task
from sahelmodel.runner.reproduce import check

FIGURE = "fig08_kappa_coverage_power"

DEFAULTS: dict[str, Any] = {
    "n_replications": 200,  # per design point
    "end_time": 3650.0,
    "baseline": 0.05,
    "branching_ratio": 0.5,
    "mean_lag": 14.0,
    "kappa": 2.0,
    "capture_shares": [0.01, 0.02, 0.05, 0.1],
    "level": 0.95,
}
DATA: dict[str, str] = {}


def replicate(rng: np.random.Generator, *, baseline: float, branching_ratio: float,
              mean_lag: float, end_time: float, share: float, kappa: float, level: float
              ) -> dict[str, Any]:
    """Simulate marked Hawkes data with capture multiplier ``kappa``; estimate kappa."""
    times = sahelmodel.simulate_hawkes(baseline, branching_ratio, 1.0 / mean_lag, end_time,
                                       marks=share, mark_multiplier=kappa, rng=rng)
    n_marked = int(np.asarray(times.marks).sum()) if times.marks is not None else 0
    out: dict[str, Any] = {"share": share, "kappa_true": kappa, "n_events": times.n_events,
                           "n_captures": n_marked}
    if n_marked == 0:  # kappa is not identified without a single capture
        out.update(kappa_hat=None, lower=None, upper=None, converged=False, cov_ok=False,
                   interval_error="no captures: kappa not identified")
        return out
    with warnings.catch_warnings():  # an unreliable covariance is recorded in cov_ok
        warnings.simplefilter("ignore", UserWarning)
        res = sahelmodel.Hawkes(baseline="constant").fit(times)
    label = next(k for k in res.params.index if k.startswith("kappa"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo, hi = (float(v) for v in res.conf_int(level=level).loc[label])
        error = ""
    except (ValueError, ArithmeticError, np.linalg.LinAlgError, RuntimeError) as exc:
        lo = hi = None  # recorded: counted among replications without an interval
        error = f"{type(exc).__name__}: {exc}"
    out.update(kappa_hat=float(res.params[label]), lower=lo, upper=hi,
               converged=bool(res.converged), cov_ok=bool(res.cov_ok), interval_error=error)
    return out


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Coverage of the true kappa and rejection of kappa = 1, per design point."""
    ok = table.dropna(subset=["kappa_hat", "lower", "upper"])
    rows = []
    for (kappa, share), g in ok.groupby(["kappa_true", "share"], sort=True):
        cover = ((g["lower"] <= kappa) & (kappa <= g["upper"])).to_numpy()
        above = (g["lower"] > 1.0).to_numpy()
        reject = above | (g["upper"] < 1.0).to_numpy()
        n = len(g)
        rows.append({"kappa_true": kappa, "share": share, "n": n,
                     "n_without_interval": int((table["share"].eq(share)
                                                & table["kappa_true"].eq(kappa)).sum() - n),
                     "mean_captures": g["n_captures"].mean(), "mean_events": g["n_events"].mean(),
                     "coverage": cover.mean(), "coverage_mcse": np.sqrt(
                         cover.mean() * (1 - cover.mean()) / n),
                     "rejection_rate": reject.mean(), "rejection_mcse": np.sqrt(
                         reject.mean() * (1 - reject.mean()) / n),
                     "detection_rate": above.mean(), "detection_mcse": np.sqrt(
                         above.mean() * (1 - above.mean()) / n),
                     "median_kappa_hat": g["kappa_hat"].median()})
    return pd.DataFrame(rows)


def wilson_error(rate: pd.Series, n: Any, z: float = 1.959964) -> np.ndarray:
    """Distances from each rate to its 95% Wilson interval (inside [0, 1]), for errorbar."""
    p = np.asarray(rate, dtype=float)
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return np.vstack([np.clip(p - (centre - half), 0, None), np.clip(centre + half - p, 0, None)])


def main(config: dict[str, Any], out_dir: Path, rng: Any, runner: Runner | None = None
         ) -> dict[str, Any]:
    """Make figure 8."""
    out_dir = Path(out_dir)
    runner = runner or Runner(scheduler="serial")
    base = {k: config[k] for k in ("baseline", "branching_ratio", "mean_lag", "end_time",
                                   "level")}
    tasks = []
    for kappa in sorted({config["kappa"], 1.0}):
        for share in config["capture_shares"]:
            for r in range(config["n_replications"]):
                tasks.append(Task(f"k{kappa:g}-s{share:g}-rep{r:05d}",
                                  {**base, "share": share, "kappa": kappa}))
    rows = runner.map(replicate, tasks, seed=rng, name="replications")
    table = pd.DataFrame(rows)
    save_numbers(table, out_dir, FIGURE)
    summary = summarise(table)
    save_numbers(summary, out_dir, f"{FIGURE}_summary")

    fig, axes = new_figure(1, 2, width=11.0, height=4.2)
    ax_c, ax_p = axes[0]
    n_rep = config["n_replications"]
    for kappa, color in ((config["kappa"], "crimson"), (1.0, "0.4")):
        s = summary[summary["kappa_true"] == kappa]
        if s.empty:
            continue
        ax_c.errorbar(s["mean_captures"], s["coverage"],
                      yerr=wilson_error(s["coverage"], s["n"].to_numpy()),
                      fmt="o-", color=color, capsize=3, clip_on=False,
                      label=f"true kappa = {kappa:g}")
        rate = "detection" if kappa != 1.0 else "rejection"
        ax_p.errorbar(s["mean_captures"], s[f"{rate}_rate"],
                      yerr=wilson_error(s[f"{rate}_rate"], s["n"].to_numpy()), clip_on=False,
                      fmt="o-", color=color, capsize=3,
                      label=(f"power: interval above 1, kappa = {kappa:g}" if kappa != 1.0
                             else "size: interval excludes 1, kappa = 1"))
    ax_c.axhspan(0.90, 0.99, color="0.9", lw=0)
    ax_c.axhline(config["level"], color="k", lw=0.8, ls=":")
    ax_c.set_xscale("log")
    ax_c.xaxis.set_major_formatter(ScalarFormatter())
    ax_c.xaxis.set_minor_formatter(ScalarFormatter())
    ax_c.set_xlabel("captures in the data (mean per replication)")
    ax_c.set_ylabel(f"coverage of the {config['level']:.0%} interval")
    ax_c.set_ylim(-0.03, 1.03)
    ax_c.legend(fontsize="small", frameon=False, loc="lower right")
    ax_p.axhline(1 - config["level"], color="k", lw=0.8, ls=":")
    ax_p.set_xscale("log")
    ax_p.xaxis.set_major_formatter(ScalarFormatter())
    ax_p.xaxis.set_minor_formatter(ScalarFormatter())
    ax_p.set_xlabel("captures in the data (mean per replication)")
    ax_p.set_ylabel("share of replications")
    ax_p.set_ylim(-0.03, 1.03)
    ax_p.legend(fontsize="small", frameon=False, loc="upper left")
    few = " (too few to read coverage: a smoke run)" if n_rep < 100 else ""
    fig.suptitle(f"capture multiplier kappa: {n_rep} replications per point{few}, "
                 f"{table['n_events'].mean():.0f} events on average; bars: 95% Wilson "
                 "intervals", fontsize="medium")
    save_figure(fig, out_dir, FIGURE)
    main_rows = summary[summary["kappa_true"] == config["kappa"]]
    null_rows = summary[summary["kappa_true"] == 1.0]
    enough = n_rep >= 100
    why = f"not evaluated: {n_rep} replications per point (fewer than 100)"
    cov = main_rows["coverage"].round(4).tolist()
    size = null_rows["rejection_rate"].round(4).tolist()
    power = main_rows.sort_values("mean_captures")["detection_rate"].round(4).tolist()
    checks = [
        check("coverage of the 95% interval of kappa in [0.90, 0.98] at every capture share",
              all(0.90 <= c <= 0.98 for c in cov) if enough else None, cov if enough else why),
        check("size of the test of kappa = 1 at most 0.10 at every capture share",
              all(r <= 0.10 for r in size) if enough else None, size if enough else why),
        check("power to detect kappa = 2 rises with the number of captures",
              bool(np.all(np.diff(power) >= -0.02)) if enough else None,
              power if enough else why),
    ]
    return {"coverage": dict(zip(main_rows["share"], main_rows["coverage"].round(4),
                                 strict=True)),
            "power": dict(zip(main_rows["share"], main_rows["detection_rate"].round(4),
                              strict=True)), "checks": checks}


if __name__ == "__main__":
    from sahelmodel.runner.reproduce import reproduce

    reproduce(["fig08"], config=sys.argv[1] if len(sys.argv) > 1 else "tiny")
