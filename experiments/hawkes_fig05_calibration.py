"""Figure 5's interval shortfall: the estimand, or the likelihood ratio's calibration.

Figure 5's paper configuration (Mohler et al. setting, 200 replications, seeds unchanged:
replication ``r`` simulates from child ``r`` of ``SeedSequence(20240324, spawn_key=(5,))``)
is checked in two steps.

``estimand``: is the process simulated the model fitted? For every replication the score of the
fitted log-likelihood (``Hawkes._objective``, constant baseline, exponential kernel, the window
``[0, 2000]`` started empty as the simulator starts it, the exact compensator with its end
effect) is evaluated at the simulating values (baseline 5.71/day, branching ratio 0.2, decay
0.1/day). If the model is the data's process the score has mean zero (a z-test per
coordinate), and the joint likelihood-ratio statistic ``W = 2 (l(theta-hat) - l(theta_0))``
(with ``l(theta-hat)`` the figure's fit, from its CSV) is about chi-square with 3 degrees of
freedom; its mean over the replications estimates the Bartlett factor ``E W / 3`` in the true
world.

``bartlett R0 R1 OUT``: for replications ``R0 .. R1 - 1``, the fit, a parametric bootstrap
``res.bootstrap(B, seed=..., kind="bartlett")`` whose seed is drawn from the replication's
generator after the simulation (as in ``fig05_hawkes_recovery.replicate``), the bootstrap
Bartlett factor ``b``, and the package's profile deviance at the truth of each term
(``res.profile_loglik``). A term is covered by the likelihood-ratio set at level 0.95 when the
deviance is at most 3.84, by the Bartlett-corrected set when it is at most ``b * 3.84``. One
JSON line per replication is appended to ``OUT`` (so a run can be split and resumed);
``summary OUT... --figure CSV`` prints the coverages.

Usage::

    python experiments/hawkes_fig05_calibration.py estimand --figure fig05_hawkes_recovery.csv
    python experiments/hawkes_fig05_calibration.py bartlett 0 200 out.jsonl --n-boot 50
    python experiments/hawkes_fig05_calibration.py summary out.jsonl --figure fig05....csv

The record of the run quoted in ``fig05_hawkes_recovery.py`` is
``records/hawkes_fig05_calibration.txt``.
"""

from __future__ import annotations

import argparse
import json
import warnings

import numpy as np
import pandas as pd
from scipy import stats

import sahelmodel
from sahelmodel.runner import task_seed

SEED = 20240324  # the [run] seed of experiments/configs/paper.toml
TRUTH = {"mu[0]": 5.71, "alpha[0<-0]": 0.2, "decay": 0.1}
KEYS = {"mu[0]": "baseline", "alpha[0<-0]": "branching_ratio", "decay": "decay"}
CRIT = float(stats.chi2.ppf(0.95, 1))


def simulated(r: int) -> tuple[sahelmodel.EventTimes, np.random.Generator]:
    """Replication ``r``'s data and its generator (advanced past the simulation)."""
    rng = np.random.default_rng(task_seed(np.random.SeedSequence(SEED, spawn_key=(5,)), r))
    return sahelmodel.simulate_hawkes(5.71, 0.2, 0.1, 2000.0, rng=rng), rng


def estimand(figure_csv: str) -> None:
    fig = pd.read_csv(figure_csv)
    model = sahelmodel.Hawkes(kernel="exp", baseline="constant")
    truth = np.array(list(TRUTH.values()))
    rows = []
    for r in range(len(fig)):
        times, _ = simulated(r)
        data, layout = model._arrays(times)
        ll, grad = model._objective(data, layout)(np.log(truth))  # theta = log parameters
        rows.append([ll, *(grad / truth)])
    out = pd.DataFrame(rows, columns=["ll_true", *TRUTH])
    print(f"# estimand check on {len(out)} replications (parameters {list(TRUTH)})")
    for name in TRUTH:
        m, se = out[name].mean(), out[name].std(ddof=1) / np.sqrt(len(out))
        print(f"mean score at the truth, {name}: {m:.3f} (s.e. {se:.3f}, z = {m / se:.2f})")
    w = 2 * (fig["loglik"] - out["ll_true"])
    q3 = stats.chi2.ppf(0.95, 3)
    print(f"joint LR statistic W: min {w.min():.3f}, mean {w.mean():.3f} (chi2_3: 3; Bartlett "
          f"factor {w.mean() / 3:.3f}, s.e. {w.std(ddof=1) / np.sqrt(len(w)) / 3:.3f}), "
          f"P(W > {q3:.2f}) = {(w > q3).mean():.3f} (chi2_3: 0.05), KS p-value against "
          f"chi2_3 {stats.kstest(w, stats.chi2(3).cdf).pvalue:.2g}")
    print(f"mean events {fig['n_events'].mean():.1f}; stationary rate x window "
          f"{5.71 / 0.8 * 2000:.1f}, less the start-up deficit mu rho / ((1 - rho)^2 beta) "
          f"= {5.71 * 0.2 / 0.64 / 0.1:.1f}: {5.71 / 0.8 * 2000 - 5.71 * 0.2 / 0.64 / 0.1:.1f}")


def bartlett(r0: int, r1: int, out_path: str, n_boot: int) -> None:
    done = set()
    try:
        with open(out_path) as fh:
            done = {json.loads(line)["rep"] for line in fh if line.strip()}
    except FileNotFoundError:
        pass
    with open(out_path, "a") as out:
        for r in range(r0, r1):
            if r in done:
                continue
            times, rng = simulated(r)
            res = sahelmodel.Hawkes(kernel="exp", baseline="constant").fit(times)
            row = {"rep": r, "loglik": res.loglik, "degenerate": bool(res.degenerate),
                   "b": np.nan, "n_dev": 0}
            if not res.degenerate:  # (left out of the coverage; some are not stationary)
                boot = res.bootstrap(n_boot, seed=int(rng.integers(2**63)), kind="bartlett")
                row.update(b=boot.bartlett_factor, n_dev=int(np.isfinite(boot.deviance).sum()))
            for name, v in TRUTH.items():
                prof = res.profile_loglik(name, [v]).iloc[0]
                row["dev_" + name] = float(2 * (res.loglik - prof))
            out.write(json.dumps(row) + "\n")
            out.flush()


def summary(paths: list[str], figure_csv: str | None) -> None:
    d = pd.concat([pd.read_json(p, lines=True) for p in paths])
    d = d.drop_duplicates("rep").sort_values("rep").set_index("rep")
    fig = pd.read_csv(figure_csv).set_index("replication") if figure_csv else None
    print(f"# {len(d)} replications; Bartlett factor median {d['b'].median():.3f}, "
          f"mean {d['b'].mean():.3f}, range [{d['b'].min():.3f}, {d['b'].max():.3f}]; "
          f"{int(d['degenerate'].sum())} degenerate fits")
    healthy = d[~d["degenerate"].astype(bool)]
    for subset, label in ((healthy, "not degenerate"),):
        n = len(subset)
        for name, key in KEYS.items():
            dev = subset["dev_" + name]
            lr, bc = int((dev <= CRIT).sum()), int((dev <= CRIT * subset["b"]).sum())
            p = bc / n
            line = (f"{label:>14} {key:>15}: LR set {lr}/{n} = {lr / n:.3f}; Bartlett "
                    f"{bc}/{n} = {p:.3f} (MC s.e. {np.sqrt(p * (1 - p) / n):.3f})")
            if fig is not None:
                f = fig.loc[subset.index]
                cov = (f[f"{key}_lower"] <= TRUTH[name]) & (TRUTH[name] <= f[f"{key}_upper"])
                agree = int((cov.to_numpy() == (dev <= CRIT).to_numpy()).sum())
                line += f"; figure's interval {int(cov.sum())}/{n} (agrees with LR set {agree})"
            print(line)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["estimand", "bartlett", "summary"])
    ap.add_argument("args", nargs="*")
    ap.add_argument("--figure", default=None, help="the figure's per-replication CSV")
    ap.add_argument("--n-boot", type=int, default=50)
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    if a.step == "estimand":
        estimand(a.figure)
    elif a.step == "bartlett":
        bartlett(int(a.args[0]), int(a.args[1]), a.args[2], a.n_boot)
    else:
        summary(a.args, a.figure)
