r"""Figure 2: JNIM versus Islamic State Sahel, monthly clashes and a fitted Hawkes process.

What it shows
-------------
Top: clashes between JNIM and Islamic State Sahel per month (bars) from UCDP GED, with the
expected monthly count under two fitted Hawkes processes: one with a constant baseline, one
with a baseline that may change every year (so that slow shifts in activity are not mistaken
for self-excitation). Bottom: deaths per month (UCDP best estimate). The legend gives, for each
fit, the branching ratio (the share of clashes triggered by earlier clashes, in the long run)
and the decay time (the mean lag from a clash to the clash it triggers) with 95% intervals.

What it reproduces
------------------
The motivating figure of the paper: the IS Sahel - JNIM war in UCDP GED (96 non-state events,
2019-2023, none in Niger, Benin or Togo; 1,345 deaths by the best estimate). Events are dated to
the day with many same-day ties, so the fits use the discrete-time (daily) Hawkes likelihood in
which only earlier days excite later ones, with the day-lag kernel
:math:`\phi(l) = (e^{\beta} - 1) e^{-\beta l}`; the expected count on day :math:`s` is
:math:`\mu_{p(s)} + \alpha \sum_{s' < s} y_{s'} \phi(s - s')`. What it must show: the monthly
counts, the estimates and their intervals (the numbers are in ``fig02_jnim_is_hawkes.json``).
The branching ratio with a constant baseline is an upper bound on self-excitation (figure 7
shows why); the yearly baseline is the more honest estimate.

Outputs: ``fig02_jnim_is_hawkes.png/.pdf``, ``fig02_jnim_is_hawkes.csv`` (per month: clashes,
deaths, expected clashes under each fit) and ``fig02_jnim_is_hawkes.json`` (estimates and
intervals).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.signal import fftconvolve

import sahelmodel
from sahelmodel.report import new_figure, save_figure, save_numbers

FIGURE = "fig02_jnim_is_hawkes"

DEFAULTS: dict[str, Any] = {
    "actor_a": "jnim",
    "actor_b": "is_sahel",
    "start": "2019-01-01",
    "end": "2023-12-31",
    "level": 0.95,
}
DATA: dict[str, str] = {"events": "shared:data/ucdp_ged_sahel.csv"}


def expected_daily(y: np.ndarray, mu_by_day: np.ndarray, alpha: float, beta: float
                   ) -> np.ndarray:
    """Expected events per day of the daily Hawkes model given the observed daily counts."""
    lags = np.arange(1, y.size + 1, dtype=float)
    phi = np.expm1(beta) * np.exp(-beta * lags)
    excitation = fftconvolve(y, phi)[: y.size]  # excitation[s] = sum_{s' <= s} y_s' phi(s-s'+1)
    return mu_by_day + alpha * np.concatenate([[0.0], excitation[:-1]])


def summarise_fit(res: Any, y: np.ndarray, edges: np.ndarray, level: float) -> dict[str, Any]:
    """Branching ratio, decay time (with intervals) and the expected daily counts of a fit."""
    ci = res.conf_int(level=level)
    mu_labels = [k for k in res.params.index if k.startswith("mu")]
    alpha_label = next(k for k in res.params.index if k.startswith("alpha"))
    mu = res.params[mu_labels].to_numpy(float)
    alpha, beta = float(res.params[alpha_label]), float(res.params["decay"])
    piece = np.clip(np.searchsorted(edges, np.arange(y.size), side="right") - 1, 0,
                    mu.size - 1)
    lam = expected_daily(y, mu[piece], alpha, beta)
    lo_b, hi_b = (float(v) for v in ci.loc["decay"])
    br_lo, br_hi = res.branching_ratio_interval(level=level)
    triggered = float(np.sum(y * (1.0 - mu[piece] / np.where(lam > 0, lam, np.inf))) / y.sum())
    return {
        "branching_ratio": res.branching_ratio, "branching_ratio_interval": [br_lo, br_hi],
        "decay_per_day": beta, "decay_interval": [lo_b, hi_b],
        "decay_time_days": 1.0 / beta,
        "decay_time_interval": [1.0 / hi_b, (1.0 / lo_b) if lo_b > 0 else float("inf")],
        "triggered_share_in_sample": triggered, "loglik": res.loglik,
        "converged": res.converged, "cov_ok": res.cov_ok, "baseline": mu.tolist(),
        "expected_daily": lam,
    }


def main(config: dict[str, Any], out_dir: Path, rng: Any, runner: Any = None) -> dict[str, Any]:
    """Make figure 2 (deterministic; ``rng`` is unused)."""
    out_dir = Path(out_dir)
    a, b = config["actor_a"], config["actor_b"]
    start, end = pd.Timestamp(config["start"]), pd.Timestamp(config["end"])
    events = sahelmodel.read_ucdp_ged(config["events"])
    frame = events.frame
    pair = (((frame["actor1"] == a) & (frame["actor2"] == b))
            | ((frame["actor1"] == b) & (frame["actor2"] == a)))
    inside = (frame["date"] >= start) & (frame["date"] <= end)
    dyad = events.subset((pair & inside).fillna(False).to_numpy(dtype=bool))
    if len(dyad) < 10:
        raise ValueError(f"only {len(dyad)} events between {a} and {b} in {start.date()} to "
                         f"{end.date()}; a Hawkes fit needs more")
    times = dyad.to_event_times(start=start, end=end + pd.Timedelta(days=1))
    n_days = round(times.end - times.start)
    y = np.bincount(np.floor(np.asarray(times.times)).astype(int), minlength=n_days)[:n_days]
    y = y.astype(float)

    years = pd.date_range(start, end, freq="YS")
    interior = [float((d - start).days) for d in years if d > start]
    edges = np.array([0.0, *interior, float(n_days)])
    fits = {}
    with warnings.catch_warnings():  # cov_ok is reported with the estimates
        warnings.simplefilter("ignore", UserWarning)
        fits["constant"] = sahelmodel.Hawkes(baseline="constant", timing="daily").fit(times)
        fits["yearly"] = sahelmodel.Hawkes(baseline="piecewise", knots=interior,
                                           timing="daily").fit(times)
    summaries = {name: summarise_fit(res, y, edges if name == "yearly" else edges[[0, -1]],
                                     config["level"]) for name, res in fits.items()}

    days = pd.date_range(start, periods=n_days, freq="D")
    dyad_frame = dyad.frame
    monthly = pd.DataFrame({
        "clashes": dyad_frame.groupby(dyad_frame["date"].dt.to_period("M")).size(),
        "deaths": dyad_frame.groupby(dyad_frame["date"].dt.to_period("M"))["fatalities"].sum(),
    }).reindex(pd.period_range(start, end, freq="M"), fill_value=0)
    for name, s in summaries.items():
        monthly[f"expected_{name}"] = pd.Series(s.pop("expected_daily"), index=days).groupby(
            days.to_period("M")).sum()
    monthly.index.name = "month"
    out = monthly.reset_index()
    out["month"] = out["month"].astype(str)
    save_numbers(out, out_dir, FIGURE)
    numbers = {"actors": [a, b], "window": [str(start.date()), str(end.date())],
               "n_events": len(dyad), "n_deaths": int(dyad_frame["fatalities"].sum()),
               "level": config["level"], "fits": summaries}
    save_numbers(numbers, out_dir, FIGURE)

    fig, axes = new_figure(2, 1, width=10.0, height=6.0, sharex=True, height_ratios=[2, 1])
    ax, ax_d = axes[:, 0]
    x = monthly.index.to_timestamp()
    ax.bar(x, monthly["clashes"], width=25, color="0.7", label="clashes (UCDP GED)")
    for name, color in (("constant", "indianred"), ("yearly", "steelblue")):
        s = summaries[name]
        lo, hi = s["branching_ratio_interval"]
        tlo, thi = s["decay_time_interval"]
        ax.plot(x, monthly[f"expected_{name}"], color=color, lw=1.8,
                label=f"{name} baseline: branching ratio {s['branching_ratio']:.2f} "
                f"({lo:.2f}-{hi:.2f}), decay time {s['decay_time_days']:.0f} d "
                f"({tlo:.0f}-{thi:.0f})")
    ax.set_ylabel("clashes per month")
    names = {"jnim": "JNIM", "is_sahel": "Islamic State Sahel"}
    ax.set_title(f"{names.get(a, a)} vs {names.get(b, b)}: {len(dyad)} clashes, "
                 f"{start.year}-{end.year}; "
                 f"{config['level']:.0%} intervals", fontsize="medium")
    ax.legend(fontsize="small", frameon=False, loc="upper left")
    ax_d.bar(x, monthly["deaths"], width=25, color="0.35")
    ax_d.set_ylabel("deaths per month")
    save_figure(fig, out_dir, FIGURE)
    return {name: {k: s[k] for k in ("branching_ratio", "branching_ratio_interval",
                                     "decay_time_days", "decay_time_interval")}
            for name, s in summaries.items()}


if __name__ == "__main__":
    from sahelmodel.runner.reproduce import reproduce

    reproduce(["fig02"], config=sys.argv[1] if len(sys.argv) > 1 else "tiny")
