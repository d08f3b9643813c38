"""Figure 3: event study of clashes between two groups around arms captures.

What it shows
-------------
Incidence-rate ratios of hostile events in a dyad (pair of armed groups) by week relative to a
week in which one of the two captured materiel from the other, with 95% intervals clustered by
dyad (Poisson, dyad and week fixed effects, end points binned, week -1 the reference). Two
specifications: captures alone, and controlling for the dyad's clashes in the four previous
weeks, which separates "a capture" from "a clash" (every clash, captures included, raises the
rate of later clashes through self-excitation). Leads (weeks before the capture) are the
placebo test. On the shipped synthetic data the true effect is drawn in.

What it reproduces
------------------
The paper's event study, run on the shipped synthetic data set (``data/synthetic/events.csv``,
captures coded from the generated notes by ``code_captures``; truth in
``data/synthetic/truth.json``) or on any real event file given by ``[fig03] events`` (a
canonical CSV, UCDP GED or ACLED export; set ``truth = ""``). What it must match on the
synthetic data: the intervals of the event study of captures alone cover the true effect of a
capture at its horizons (``Truth.clash_effect``: the effect through every channel, kappa = 2
and the capability moved, computed by paired counterfactual simulation of the same world and
seed; the capturing clash is left out of the outcome), recorded as a check in the provenance.
Horizon 0 is not checked: the more clashes a period has, the more chances of a capture, so
the other clashes of the capture's own period are selected rather than caused by it.
The specification controlling for past clashes estimates a different quantity (it holds the
clashes the capture triggered fixed) and is not checked against it. The pre-trend test is
reported as computed; with the 17 dyads of the shipped world it rests on 17 clusters, too few
for a cluster-robust Wald test of eight leads to hold its size, so its p-value is a warning
sign rather than a verdict (the summary and ``pretrend_reliable`` say so).

Outputs: ``fig03_event_study.png/.pdf`` and ``fig03_event_study.csv`` (IRR, interval and truth
by horizon and specification) and ``fig03_event_study.json`` (pre-trend tests, data summary).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.ticker import ScalarFormatter

import sahelmodel
from sahelmodel._paths import data_dir
from sahelmodel.report import new_figure, save_figure, save_numbers
from sahelmodel.runner.reproduce import check

FIGURE = "fig03_event_study"

DEFAULTS: dict[str, Any] = {
    "freq": "W",
    "first_lead": -8,
    "last_lag": 12,
    "model": "poisson",
    "control_lags": 4,
    "level": 0.95,
    "min_captures": 10,  # fewest periods with a capture for an event study
    "truth_draws": 2,  # paired counterfactual paths per capture for the truth
}
DATA: dict[str, str] = {"events": "data:synthetic/events.csv",
                        "truth": "data:synthetic/truth.json"}


def read_any(path: str) -> Any:
    """Read an event file in any supported format (canonical CSV, UCDP GED, ACLED)."""
    from sahelmodel.cli.models import read_event_file

    return read_event_file(path)


def main(config: dict[str, Any], out_dir: Path, rng: Any, runner: Any = None) -> dict[str, Any]:
    """Make figure 3 (deterministic; ``rng`` is unused)."""
    out_dir = Path(out_dir)
    events = sahelmodel.code_captures(read_any(config["events"]))
    k = config["control_lags"]
    panel = sahelmodel.dyad_panel(events, freq=config["freq"], lags=max(k, 1))
    panel["capture_any"] = ((panel["capture_ij"] + panel["capture_ji"]) > 0).astype(int)
    n_cap = int(panel["capture_any"].sum())
    if n_cap < config["min_captures"]:
        raise ValueError(
            f"only {n_cap} dyad-periods with an arms capture were coded in "
            f"{config['events']}; an event study needs at least {config['min_captures']} "
            f"(lower [fig03] min_captures at your own risk)")
    window = (config["first_lead"], config["last_lag"])
    specs = {"captures": (), "captures, controlling for past clashes":
             tuple(f"hostile_lag{j}" for j in range(1, k + 1))}
    rows, tests = [], {}
    for name, controls in specs.items():
        es = sahelmodel.event_study(panel, outcome="hostile", event="capture_any",
                                    window=window, model=config["model"], unit="dyad",
                                    fixed_effects=("dyad", "period"), cluster="dyad",
                                    controls=controls, level=config["level"])
        t = es.table.reset_index().rename(columns={"index": "horizon"})
        t.insert(0, "specification", name)
        rows.append(t)
        tests[name] = es.pretrend_test()
    table = pd.concat(rows, ignore_index=True)
    truth_path = config["truth"]
    checks = []
    if truth_path:
        from sahelmodel.simulate import Truth

        truth = Truth.from_json(Path(truth_path))
        inner = list(range(window[0] + 1, window[1]))  # end points are bins, not horizons
        true = truth.clash_effect(config["freq"], inner, n_draws=config["truth_draws"])
        table["truth"] = table["horizon"].map(true["irr"].to_dict())
        # horizon 0 is left out: a period with more clashes gives more chances of a capture,
        # so the capture period's other clashes are selected, not caused (see the notes)
        main_spec = table[(table["specification"] == "captures") & table["truth"].notna()
                          & ~table["horizon"].isin([-1, 0])]
        covered = (main_spec["lower"] <= main_spec["truth"]) & (
            main_spec["truth"] <= main_spec["upper"])
        missed = main_spec.loc[~covered, "horizon"].astype(int).tolist()
        share = float(covered.mean())
        checks.append(check(
            "the intervals of the event study (captures alone) cover the true effect of a "
            "capture (Truth.clash_effect, both channels) at >= 85% of the interior horizons "
            "other than 0",
            share >= 0.85, {"share_covered": round(share, 4), "missed_horizons": missed}))
    save_numbers(table, out_dir, FIGURE)
    n_captures = int(panel["capture_any"].sum())
    save_numbers({"events": config["events"], "n_events": len(events),
                  "n_capture_dyad_periods": n_captures, "n_dyads": int(panel["dyad"].nunique()),
                  "pretrend_tests": tests}, out_dir, FIGURE)

    fig, axes = new_figure(1, 1, width=9.0, height=4.6)
    ax = axes[0, 0]
    for (name, g), shift, color in zip(table.groupby("specification", sort=False),
                                       (-0.15, 0.15), ("steelblue", "darkorange"), strict=True):
        x = g["horizon"].to_numpy(float) + shift
        err = np.vstack([g["irr"] - g["lower"], g["upper"] - g["irr"]])
        p = tests[name]["p_value"]
        ax.errorbar(x, g["irr"], yerr=err, fmt="o", ms=4, capsize=2, color=color,
                    label=f"{name} (pre-trend p = {p:.2f})")
    if "truth" in table:
        g = table.drop_duplicates("horizon").sort_values("horizon")
        ax.plot(g["horizon"], g["truth"], "_", ms=14, mew=2.5, color="crimson",
                label="true effect of a capture (paired counterfactual simulation)")
    ax.axhline(1.0, color="k", lw=0.8)
    ax.axvline(-0.5, color="0.5", lw=0.8, ls=":")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(ScalarFormatter())
    ax.set_xlabel(f"periods ({config['freq']}) relative to the capture (-1 = reference; "
                  "end points binned)")
    ax.set_ylabel("incidence-rate ratio of clashes")
    source = ("shipped synthetic data" if Path(config["events"]).resolve()
              == (data_dir() / "synthetic" / "events.csv").resolve()
              else Path(config["events"]).name)
    ax.set_title(f"Clashes between two groups around arms captures, {source}: "
                 f"{panel['dyad'].nunique()} dyads, {n_captures} dyad-periods with a capture",
                 fontsize="medium")
    ax.legend(fontsize="small", frameon=False)
    save_figure(fig, out_dir, FIGURE)
    post = table[(table["horizon"] >= 1)]
    return {"pretrend_p": {k: v["p_value"] for k, v in tests.items()},
            "pretrend_reliable": {k: v["reliable"] for k, v in tests.items()},
            "mean_post_irr": post.groupby("specification")["irr"].mean().round(4).to_dict(),
            "n_capture_dyad_periods": n_captures, "checks": checks}


if __name__ == "__main__":
    from sahelmodel.runner.reproduce import reproduce

    reproduce(["fig03"], config=sys.argv[1] if len(sys.argv) > 1 else "tiny")
