"""Figure 10: performance of sahelmodel's numerical cores against peers and against size.

What it shows
-------------
Left: for every benchmark case, the ratio ``peer seconds / sahelmodel seconds`` (above 1:
sahelmodel is faster) at the largest size where the peer ran, for each peer measured in the
same run (R's fixest, statsmodels, pyfixest, tick, the slow reference implementations).
Right: growth, the CPU time of each core at three sizes over a decade (log-log) with the
fitted exponent a of t ∝ N^a in the legend (the cases' single sizes when
the records hold no growth series).

What it reproduces
------------------
The performance table of the paper. The numbers come from the benchmark suite
(``python -m benchmarks --json PATH``): when ``[fig10] benchmarks_json`` names such a file its
records are plotted; otherwise, at the full sizes (``mode = "full"``, the paper
configuration), the recorded full-size run :data:`FULL_RUN`
(``benchmarks/results/full_run.json``, written by ``python -m benchmarks --json
benchmarks/results/full_run.json``) is plotted when it exists; otherwise the benchmark cases
are run here, in-process, at their quick (``mode = "quick"``) or full sizes. Timings are
medians of repeats measured on this machine; ratios, not absolute seconds, are what should
carry over to another machine.

Outputs: ``fig10_performance.png/.pdf`` and ``fig10_performance.csv`` (one row per case, size
and peer: ``name, size, seconds, peer, peer_seconds, ratio, note``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel.report import new_figure, save_figure, save_numbers
from sahelmodel.runner.reproduce import SkipFigure

FIGURE = "fig10_performance"

#: Configuration keys and their paper values.
DEFAULTS: dict[str, Any] = {
    "mode": "full",  # "quick" or "full" benchmark sizes when the cases are run here
    "cases": [""],  # case names to run (empty list or [""]: every case)
}

#: Data-file keys: a benchmark JSON written by ``python -m benchmarks --json`` (optional).
DATA: dict[str, str] = {"benchmarks_json": ""}

#: The full-size run of the benchmark suite, read at ``mode = "full"`` when no JSON is named.
FULL_RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "full_run.json"


def _harness() -> Any:
    """Import the benchmark harness of a source checkout (it is not part of the wheel)."""
    root = Path(__file__).resolve().parents[1]
    if not (root / "benchmarks" / "harness.py").is_file():
        raise SkipFigure(
            "no benchmarks/ folder beside experiments/ (a source checkout is needed to run the "
            "benchmark cases); set [fig10] benchmarks_json to a benchmark JSON file instead"
        )
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from benchmarks import harness

    return harness


def run_benchmarks(mode: str, cases: list[str]) -> pd.DataFrame:
    """Run the benchmark cases in-process and return their records.

    Names in ``cases`` that no case module defines are left out (and listed by :func:`main`
    in the figure's numbers); at least one must be defined.
    """
    harness = _harness()
    found = harness.discover()
    wanted = [c for c in cases if c] or sorted(found)
    names = [n for n in wanted if n in found]
    if not names:
        raise ValueError(f"none of the benchmark cases {wanted} is defined; known: "
                         f"{sorted(found)}")
    records = []
    for name in names:
        records.extend(r.as_dict() for r in harness.run_case(found[name], quick=mode == "quick"))
        growth = getattr(harness, "run_growth", None)
        g = growth(found[name], quick=mode == "quick") if growth else None
        if g is not None:
            records.extend(g.as_records())
    return pd.DataFrame.from_records(records)


def load_records(path: str) -> pd.DataFrame:
    """Read the records of ``python -m benchmarks --json PATH``."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(records, list) or not all("name" in r and "seconds" in r for r in records):
        raise ValueError(f"{path} is not a benchmark JSON (a list of records with name, "
                         "seconds, peer, peer_seconds, ratio)")
    return pd.DataFrame.from_records(records)


def _size_value(size: Any, position: int) -> float:
    if isinstance(size, (int, float)) and not isinstance(size, bool):
        return float(size)
    if isinstance(size, (list, tuple)) and size and all(isinstance(s, (int, float)) for s in size):
        return float(np.prod(size))
    return float(position + 1)


def plot(records: pd.DataFrame, out_dir: Path) -> None:
    """Draw the two panels from the benchmark records."""
    with_peer = records.dropna(subset=["ratio"])
    order = with_peer.groupby(["name", "peer"], sort=True).tail(1)
    # one line per bar, and the figure grows with the number of bars so labels never overlap
    fig, axes = new_figure(1, 2, width=12.0, height=max(4.6, 1.4 + 0.2 * len(order)))
    ax_ratio, ax_size = axes[0]
    if len(order):
        labels = [f"{n} vs {p}" for n, p in zip(order["name"], order["peer"], strict=True)]
        y = np.arange(len(order))
        ax_ratio.barh(y, order["ratio"], color=np.where(order["ratio"] >= 1, "seagreen",
                                                        "indianred"))
        ax_ratio.set_yticks(y, labels, fontsize="x-small")
        ax_ratio.axvline(1.0, color="k", lw=0.8)
        ax_ratio.set_xscale("log")
        for yi, r in zip(y, order["ratio"], strict=True):
            ax_ratio.text(r, yi, f" {r:.3g}x", va="center", fontsize="x-small")
    else:
        ax_ratio.text(0.5, 0.5, "no peer was available", ha="center", transform=ax_ratio.transAxes)
    ax_ratio.set_xlabel("peer seconds / sahelmodel seconds (log; > 1 = faster)")
    ax_ratio.set_title("Speed against peers (largest size run)")
    sizes = records["size"].astype(str) if "size" in records else pd.Series("", records.index)
    own = records.loc[~pd.DataFrame({"n": records["name"], "s": sizes}).duplicated()]
    if "growth_exponent" in own:  # growth series (three sizes over a decade) when present
        growth = own[own["growth_exponent"].notna()]
        own = growth if len(growth) else own
    for name, group in own.groupby("name", sort=True):
        xs = [_size_value(s, i) for i, s in enumerate(group["size"])]
        ys = group["cpu_seconds"] if "growth_exponent" in group and \
            group["growth_exponent"].notna().all() else group["seconds"]
        label = name
        if "growth_exponent" in group and group["growth_exponent"].notna().all():
            label = f"{name.removesuffix(' (growth)')}: a = {group['growth_exponent'].iloc[0]:.2f}"
        ax_size.plot(xs, ys, "o-", ms=3, label=label)
    ax_size.set_xscale("log")
    ax_size.set_yscale("log")
    ax_size.set_xlabel("problem size N (rows or events)")
    ax_size.set_ylabel("seconds (median; CPU for growth series)")
    ax_size.set_title("Growth: run time against size, t ∝ N^a")
    ax_size.legend(fontsize="xx-small", ncol=2, frameon=False)
    save_figure(fig, out_dir, FIGURE)


def main(config: dict[str, Any], out_dir: Path, rng: Any, runner: Any = None) -> dict[str, Any]:
    """Make figure 10; ``rng`` is unused (timings are not random draws)."""
    out_dir = Path(out_dir)
    missing: list[str] = []
    if config["benchmarks_json"]:
        records = load_records(config["benchmarks_json"])
        origin = config["benchmarks_json"]
    elif config["mode"] == "full" and FULL_RUN.is_file():
        records = load_records(str(FULL_RUN))
        origin = str(FULL_RUN)
    else:
        if config["mode"] not in ("quick", "full"):
            raise ValueError(f"[fig10] mode must be 'quick' or 'full', got {config['mode']!r}")
        records = run_benchmarks(config["mode"], list(config["cases"]))
        origin = f"run in-process ({config['mode']} sizes)"
        missing = sorted({c for c in config["cases"] if c} - set(records["name"]))
    if records.empty:
        raise ValueError("no benchmark records to plot")
    records["size"] = records["size"].map(lambda s: s if not isinstance(s, list) else tuple(s))
    if "note" not in records:
        records["note"] = ""
    save_numbers(records.assign(size=records["size"].astype(str)), out_dir, FIGURE)
    plot(records, out_dir)
    ratios = records.dropna(subset=["ratio"])
    return {"source": origin, "n_records": len(records), "cases_not_defined": missing,
            "median_ratio": float(ratios["ratio"].median()) if len(ratios) else None}


if __name__ == "__main__":
    from sahelmodel.runner.reproduce import reproduce

    reproduce(["fig10"], config=sys.argv[1] if len(sys.argv) > 1 else "tiny")
