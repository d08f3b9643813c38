"""Figure 9: the Sicily smoking-ban interrupted time series refitted by sahelmodel.

What it shows
-------------
Left: monthly acute coronary events per 100,000 (age-standardised) population in Sicily,
January 2002 to November 2006, the fitted segmented quasi-Poisson model with seasonality, and
the deseasonalised trend with and without the smoking ban of January 2005 (the counterfactual
continues the pre-ban trend). Right: the rate ratio of the ban with 95% intervals for the three
models of the tutorial, sahelmodel next to R's ``glm``.

What it reproduces
------------------
Lopez Bernal, Cummins & Gasparrini (2017), "Interrupted time series regression for the
evaluation of public health interventions: a tutorial", Int. J. Epidemiol. 46(1):348-355, data
``sicily.csv`` (in ``../shared/reference/sicily/``). The models regress ``aces`` on the step
``smokban`` and the linear trend ``time`` with offset ``log(stdpop)``:

1. Poisson;
2. quasi-Poisson (standard errors scaled by the Pearson dispersion);
3. quasi-Poisson with two harmonic pairs of period 12 in ``month``.

What it must match: the rate ratio and 95% Wald interval of every model equal R 4.2 ``glm``
(``experiments/reference/sicily_glm.R`` and its output ``sicily_glm.csv``) to 4 decimals. R
gives 0.8944 (0.8647-0.9251), 0.8944 (0.8392-0.9532) and, with seasonality, 0.8851
(0.8394-0.9332), an 11.5% drop in the rate of acute coronary events after the ban.

Outputs: ``fig09_sicily_its.png/.pdf``, ``fig09_sicily_its.csv`` (per model: sahelmodel and R
rate ratio and interval, and their largest absolute difference) and
``fig09_sicily_its_series.csv`` (the monthly rates and fitted curves).
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

FIGURE = "fig09_sicily_its"

DEFAULTS: dict[str, Any] = {"level": 0.95, "tolerance": 5e-5}
DATA: dict[str, str] = {"sicily": "shared:reference/sicily/sicily.csv"}

REFERENCE = Path(__file__).resolve().parent / "reference" / "sicily_glm.csv"

MODELS: dict[str, tuple[str, str | None]] = {
    "poisson": ("aces ~ smokban + time", None),
    "quasipoisson": ("aces ~ smokban + time", "pearson"),
    "quasipoisson_harmonic": ("aces ~ smokban + time + s1 + c1 + s2 + c2", "pearson"),
}


def prepare(path: str) -> pd.DataFrame:
    """The tutorial's data with the harmonic terms sin/cos(2 pi k month / 12), k = 1, 2."""
    data = pd.read_csv(path)
    for k in (1, 2):
        angle = 2 * np.pi * k * data["month"].to_numpy(float) / 12
        data[f"s{k}"], data[f"c{k}"] = np.sin(angle), np.cos(angle)
    return data


def fit_models(data: pd.DataFrame, level: float) -> dict[str, Any]:
    """The three models, fitted with :func:`sahelmodel.fepois`."""
    offset = np.log(data["stdpop"].to_numpy(float))
    return {name: sahelmodel.fepois(formula, data, offset=offset, scale=scale)
            for name, (formula, scale) in MODELS.items()}


def main(config: dict[str, Any], out_dir: Path, rng: Any, runner: Any = None) -> dict[str, Any]:
    """Make figure 9 (deterministic; ``rng`` is unused)."""
    out_dir = Path(out_dir)
    level = config["level"]
    data = prepare(config["sicily"])
    fits = fit_models(data, level)
    reference = pd.read_csv(REFERENCE, comment="#").set_index("model")

    rows = []
    for name, res in fits.items():
        irr = res.irr(level=level).loc["smokban"]
        ref = reference.loc[name]
        ours = np.array([irr["irr"], irr["lower"], irr["upper"]], dtype=float)
        theirs = ref[["rate_ratio", "lower", "upper"]].to_numpy(float)
        rows.append({"model": name, "rate_ratio": ours[0], "lower": ours[1], "upper": ours[2],
                     "r_rate_ratio": theirs[0], "r_lower": theirs[1], "r_upper": theirs[2],
                     "max_abs_diff": float(np.max(np.abs(ours - theirs)))})
    table = pd.DataFrame(rows)
    save_numbers(table, out_dir, FIGURE)
    worst = float(table["max_abs_diff"].max())
    if level == 0.95 and worst > config["tolerance"]:
        raise ValueError(f"sahelmodel and R differ by {worst:.2e} > tolerance "
                         f"{config['tolerance']:.0e}:\n{table.to_string()}")

    # fitted curves of the seasonal model: full fit, deseasonalised, counterfactual
    best = fits["quasipoisson_harmonic"]
    b = best.params
    per = 1e5 / data["stdpop"].to_numpy(float)
    t = data["time"].to_numpy(float)
    ban = data["smokban"].to_numpy(float)
    season = sum(b[f"{f}{k}"] * data[f"{f}{k}"].to_numpy(float) for f in "sc" for k in (1, 2))
    trend = b["Intercept"] + b["time"] * t if "Intercept" in b else b["time"] * t
    series = pd.DataFrame({
        "year": data["year"], "month": data["month"], "time": data["time"],
        "rate": data["aces"].to_numpy(float) * per,
        "fitted": np.exp(trend + b["smokban"] * ban + season) * 1e5,
        "trend": np.exp(trend + b["smokban"] * ban) * 1e5,
        "counterfactual": np.exp(trend) * 1e5,
    })
    save_numbers(series, out_dir, f"{FIGURE}_series")

    fig, axes = new_figure(1, 2, width=11.0, height=4.2, width_ratios=[1.7, 1.0])
    ax, ax_rr = axes[0]
    ax.axvspan(t[ban > 0].min() - 0.5, t.max() + 0.5, color="0.93", lw=0)
    ax.plot(t, series["rate"], "o", ms=3.5, color="0.35", label="observed")
    ax.plot(t, series["fitted"], color="steelblue", lw=1, label="fitted (seasonal)")
    ax.plot(t, series["trend"], color="crimson", lw=2, label="deseasonalised trend")
    post = ban > 0
    ax.plot(t[post], series["counterfactual"][post], color="crimson", ls="--", lw=1.5,
            label="counterfactual: no ban")
    ax.set_xlabel("months since January 2002")
    ax.set_ylabel("acute coronary events per 100,000")
    ax.set_title("Sicily, smoking ban from January 2005 (shaded)")
    ax.legend(fontsize="small", frameon=False)

    y = np.arange(len(table))
    for shift, prefix, color, label in ((-0.12, "", "crimson", "sahelmodel"),
                                        (0.12, "r_", "0.3", "R glm")):
        rr = table[f"{prefix}rate_ratio"]
        err = np.vstack([rr - table[f"{prefix}lower"], table[f"{prefix}upper"] - rr])
        ax_rr.errorbar(rr, y + shift, xerr=err, fmt="o", color=color, capsize=3, label=label)
    ax_rr.axvline(1.0, color="k", lw=0.8)
    ax_rr.set_yticks(y, ["Poisson", "quasi-Poisson", "quasi-Poisson\n+ seasonality"])
    ax_rr.invert_yaxis()
    ax_rr.set_xlabel(f"rate ratio of the ban ({level:.0%} interval)")
    ax_rr.legend(fontsize="small", frameon=False)
    save_figure(fig, out_dir, FIGURE)
    seasonal = table.set_index("model").loc["quasipoisson_harmonic"]
    checks = [check(f"rate ratios and intervals equal R's glm to {config['tolerance']:.0e}",
                    worst <= config["tolerance"] if level == 0.95 else None,
                    worst if level == 0.95 else "not evaluated: level is not 0.95")]
    return {"rate_ratio_seasonal": float(seasonal["rate_ratio"]),
            "interval_seasonal": [float(seasonal["lower"]), float(seasonal["upper"])],
            "max_abs_diff_vs_R": worst, "checks": checks}


if __name__ == "__main__":
    from sahelmodel.runner.reproduce import reproduce

    reproduce(["fig09"], config=sys.argv[1] if len(sys.argv) > 1 else "tiny")
