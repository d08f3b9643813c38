"""Figure 4: capability shifts of the capturing group after arms captures.

What it shows
-------------
Three event studies on the actor x period panel, around periods in which the group captured
materiel: tempo (events the group initiated), lethality (deaths, with the group's events as
exposure, so the ratio is deaths per event) and reach (distinct second-level administrative
units where it was active). A capture happens in a clash, and groups capture in their most
active, deadliest periods, so the figure uses the anchored design
(``event_study(method="anchored")``): each capture is compared with the same group's clashes
that produced no capture (neither taken nor lost), at every period relative to the clash's
period. Identifying assumption: which of a group's clashes end in a capture is as good as
random given the group; in the simulated world it holds (the capture odds depend only on the
two groups' capabilities). Rate ratios by period relative to the capture (Poisson, by actor,
95% sandwich intervals, each anchor actor-period its own cluster); the leads are placebo
comparisons. On the shipped synthetic data the true ratios are drawn in.

What it reproduces
------------------
The capability analysis of the paper, on the shipped synthetic data set
(``data/synthetic/events.csv`` with captures coded from the notes; truth in
``data/synthetic/truth.json``) or on any real event file given by ``[fig04] events`` (set
``truth = ""``). The simulated world raises the capturer's capability by the weight of the
materiel taken, which scales its attack rate on civilians (tempo), its deaths per event
(lethality) and its reach; the truth gives each capture's ratios ``h`` days on
(``Truth.capability_effects``: tempo of attacks on civilians, lethality, reach), drawn as the
mean over captures in the middle of each period after the capture. What it must match: at
horizons 1 to the last lag, the intervals miss the true ratio no more often than intervals of
their level would by chance (at most m misses, m the smallest number exceeded with
probability <= 0.05 under a binomial model of independent horizons: 1 of 4 in the tiny
configuration, 2 of 12 in the paper's). Horizon 0 is reported but not checked: it holds the
anchor clash itself, which ``events_initiated`` counts for a capture and not always for
another clash. In the shipped world captures move little capability, so the true ratios are
only 1.003-1.024.

Outputs: ``fig04_capability_shifts.png/.pdf`` and ``fig04_capability_shifts.csv`` (rate ratio,
interval and truth by outcome and horizon), ``fig04_capability_shifts.json`` (pre-trend tests).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sahelmodel
from sahelmodel.report import new_figure, save_figure, save_numbers
from sahelmodel.runner.reproduce import check

FIGURE = "fig04_capability_shifts"

DEFAULTS: dict[str, Any] = {
    "freq": "M",
    "first_lead": -6,
    "last_lag": 12,
    "level": 0.95,
    "min_captures": 10,  # fewest periods with a capture for an event study
}
DATA: dict[str, str] = {"events": "data:synthetic/events.csv",
                        "truth": "data:synthetic/truth.json"}

#: Days per period, to place each horizon on the truth's depreciation curve.
PERIOD_DAYS: dict[str, float] = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}

#: outcome label -> (panel column, exposure column or None, truth column of Truth.captures)
OUTCOMES: dict[str, tuple[str, str | None, str]] = {
    "tempo (events initiated)": ("events_initiated", None, "tempo_ratio"),
    "lethality (deaths per event)": ("fatalities", "events", "lethality_ratio"),
    "reach (admin2 units)": ("admin2_count", None, "reach_ratio"),
}


def main(config: dict[str, Any], out_dir: Path, rng: Any, runner: Any = None) -> dict[str, Any]:
    """Make figure 4 (deterministic; ``rng`` is unused)."""
    from sahelmodel.cli.models import read_event_file

    out_dir = Path(out_dir)
    events = sahelmodel.code_captures(read_event_file(config["events"]))
    panel = sahelmodel.actor_panel(events, freq=config["freq"], lags=1)
    panel["captured"] = (panel["captures"] > 0).astype(int)
    # anchors: the group's clashes in which it did not lose materiel (a capture is a clash)
    panel["anchors"] = np.maximum(panel["clashes"] - panel["losses"], panel["captures"])
    n_cap = int(panel["captured"].sum())
    if n_cap < config["min_captures"]:
        raise ValueError(
            f"only {n_cap} actor-periods with an arms capture were coded in "
            f"{config['events']}; an event study needs at least {config['min_captures']} "
            f"(lower [fig04] min_captures at your own risk)")
    refused = refuse_unidentified(events, config["events"])
    outcomes = {k: v for k, v in OUTCOMES.items() if k not in refused}
    truth_ratios: dict[str, float] = {}
    window = (config["first_lead"], config["last_lag"])
    truth_by_h: dict[str, dict[int, float]] = {}
    if config["truth"]:
        from sahelmodel.simulate import Truth

        truth = Truth.from_json(Path(config["truth"]))
        caps = truth.captures
        truth_ratios = {label: float(caps[col].mean()) for label, (_, _, col) in OUTCOMES.items()}
        days = PERIOD_DAYS[config["freq"]]
        for h in range(0, window[1] + 1):  # mean true ratio in the middle of period h
            eff = truth.capability_effects(round((h + 0.5) * days))
            for label, (_, _, col) in OUTCOMES.items():
                truth_by_h.setdefault(label, {})[h] = float(eff[col].mean())
    rows, tests = [], {}
    for label, (outcome, exposure, _) in outcomes.items():
        es = sahelmodel.event_study(panel, outcome=outcome, event="captures", window=window,
                                    unit="actor", method="anchored", anchors="anchors",
                                    cluster=None, exposure=exposure, level=config["level"])
        t = es.table.reset_index().rename(columns={"index": "horizon"})
        t.insert(0, "outcome", label)
        if label in truth_by_h:
            t["truth"] = t["horizon"].map(truth_by_h[label]).fillna(1.0)
        rows.append(t)
        tests[label] = es.pretrend_test()
    table = pd.concat(rows, ignore_index=True)
    save_numbers(table, out_dir, FIGURE)
    save_numbers({"events": config["events"], "n_capture_actor_periods":
                  int(panel["captured"].sum()), "pretrend_tests": tests,
                  "truth_mean_immediate_ratio": truth_ratios, "refused": refused},
                 out_dir, FIGURE)
    checks = []
    if truth_by_h:
        inner = table[table["horizon"].between(1, window[1])]
        allowed = allowed_misses(window[1], config["level"])
        for label, g in inner.groupby("outcome", sort=False):
            hit = (g["lower"] <= g["truth"]) & (g["truth"] <= g["upper"])
            checks.append(check(
                f"{label}: post-capture rate ratios consistent with the true ratios (the "
                f"intervals miss the truth at no more than {allowed} of horizons 1-{window[1]})",
                int((~hit).sum()) <= allowed,
                {"share_covered": round(float(hit.mean()), 4),
                 "missed_horizons": g.loc[~hit, "horizon"].astype(int).tolist()}))

    fig, axes = new_figure(1, 3, width=13.0, height=4.0, sharex=True)
    for ax, label in zip(axes[0][len(outcomes):], refused, strict=True):
        ax.text(0.5, 0.5, f"{label}:\nnot identified\n({refused[label]})", ha="center",
                va="center", wrap=True, fontsize="small", transform=ax.transAxes)
        ax.set_axis_off()
    for ax, (label, g) in zip(axes[0], table.groupby("outcome", sort=False), strict=False):
        err = np.vstack([g["irr"] - g["lower"], g["upper"] - g["irr"]])
        ax.errorbar(g["horizon"], g["irr"], yerr=err, fmt="o", ms=4, capsize=2,
                    color="steelblue", label=f"estimate (pre-trend p = "
                    f"{tests[label]['p_value']:.2f})")
        if "truth" in g:
            ax.step(g["horizon"], g["truth"], where="mid", color="crimson", lw=1.5,
                    label=f"truth (immediate {truth_ratios[label]:.3f}, fading)")
        ax.axhline(1.0, color="k", lw=0.8)
        ax.axvline(-0.5, color="0.5", lw=0.8, ls=":")
        ax.set_title(label, fontsize="medium")
        ax.set_xlabel(f"periods ({config['freq']}) relative to the capture")
        ax.legend(fontsize="x-small", frameon=False)
    axes[0, 0].set_ylabel("rate ratio")
    fig.suptitle(f"Capability shifts after captures: {Path(config['events']).name}, "
                 f"{int(panel['captured'].sum())} actor-periods with a capture",
                 fontsize="medium")
    save_figure(fig, out_dir, FIGURE)
    post = table[table["horizon"].between(0, 2)]
    return {"pretrend_p": {k: v["p_value"] for k, v in tests.items()},
            "pretrend_reliable": {k: v["reliable"] for k, v in tests.items()},
            "mean_irr_first_periods": post.groupby("outcome")["irr"].mean().round(4).to_dict(),
            "truth_mean_immediate_ratio": truth_ratios, "refused": refused, "checks": checks}


def allowed_misses(n_horizons: int, level: float, false_alarm: float = 0.05) -> int:
    """Misses a correct estimator exceeds with probability at most ``false_alarm``.

    The smallest m such that intervals of coverage ``level`` at ``n_horizons`` independent
    horizons miss more than m times with probability at most ``false_alarm`` (binomial).

    With 4 horizons (the tiny configuration) a correct estimator misses at least once with
    probability 0.19 at level 0.95, so "no miss" is not a test of it; 1 miss is allowed
    (false alarm 0.014). With 12 horizons (paper) 2 are (0.020).

    >>> allowed_misses(4, 0.95), allowed_misses(12, 0.95)
    (1, 2)
    """
    from scipy import stats

    m = 0
    while stats.binom.sf(m, n_horizons, 1.0 - level) > false_alarm:
        m += 1
    return m


def refuse_unidentified(events: Any, source: str) -> dict[str, str]:
    """Outcomes the data cannot identify, each with a one-line reason.

    Tempo counts the events a group *initiated*; in data whose events are all undirected
    (UCDP GED, ACLED: no initiator is recorded) ``events_initiated`` is filled from the
    actor order, so it would measure the actor's events, captures included, not its tempo.
    """
    directed = events.frame["directed"].fillna(False).astype(bool)
    if not directed.any():
        return {"tempo (events initiated)": f"no event of {Path(source).name} records an "
                "initiator (all undirected), so events initiated is not identified"}
    return {}


if __name__ == "__main__":
    from sahelmodel.runner.reproduce import reproduce

    reproduce(["fig04"], config=sys.argv[1] if len(sys.argv) > 1 else "tiny")
