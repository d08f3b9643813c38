"""Event study on simulated dyad panels with a known capture effect.

The effect of a capture on the log clash rate k periods later is a step plus a decaying part,
``0.3 + 0.5 exp(-k / 2)`` for k >= 0, and zero before (no anticipation). Over 200 replications
the estimates are centred on the truth, pre-period coefficients on zero, and the 95% intervals
(clustered by dyad) cover the truth at a rate consistent with 95%: each horizon's coverage
count must lie inside the central 99.9% binomial(200, 0.95) range.
"""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sahelmodel import event_study
from sahelmodel._rng import spawn

N_UNITS, N_PERIODS, WINDOW = 120, 30, (-4, 6)
REPS = 200


def truth(k: int) -> float:
    return 0.3 + 0.5 * np.exp(-k / 2) if k >= 0 else 0.0


def simulate(rng: np.random.Generator) -> pd.DataFrame:
    unit = np.repeat(np.arange(N_UNITS), N_PERIODS)
    t = np.tile(np.arange(N_PERIODS), N_UNITS)
    # first capture period; 10**6 = never captured within the panel
    first = np.where(rng.random(N_UNITS) < 0.6, rng.integers(6, 23, N_UNITS), 10**6)
    k = t - first[unit]
    eff = np.where(k >= 0, 0.3 + 0.5 * np.exp(-np.clip(k, 0, None) / 2), 0.0)
    alpha = rng.normal(scale=0.5, size=N_UNITS)
    lam = np.exp(alpha[unit] + 0.2 * np.sin(t / 4) + eff)
    return pd.DataFrame({"dyad": unit, "period_index": t, "period": t,
                         "capture_ij": (k == 0).astype(int), "hostile": rng.poisson(lam)})


@pytest.fixture(scope="module")
def replications() -> pd.DataFrame:
    rows = []
    for rng in spawn(20240324, REPS):
        es = event_study(simulate(rng), outcome="hostile", event="capture_ij", window=WINDOW)
        tab = es.table.drop(index=-1)
        rows.append(tab[["estimate", "std_error", "irr", "lower", "upper"]].assign(
            horizon=tab.index))
    return pd.concat(rows, ignore_index=True)


HORIZONS = [-4, -3, -2, 0, 1, 2, 3, 4, 5]  # the binned lag end point mixes horizons >= 6


@pytest.mark.slow
def test_estimates_centred_on_truth_and_pre_periods_on_zero(replications):
    for k in HORIZONS:
        est = replications.loc[replications.horizon == k, "estimate"]
        mc_se = est.std(ddof=1) / np.sqrt(len(est))
        assert abs(est.mean() - truth(k)) < 4 * mc_se + 0.01, (k, est.mean(), truth(k))


@pytest.mark.slow
def test_coverage_consistent_with_95_percent(replications):
    lo, hi = stats.binom.ppf([0.0005, 0.9995], REPS, 0.95)
    for k in HORIZONS:
        r = replications[replications.horizon == k]
        covered = int(((r["lower"] <= np.exp(truth(k))) & (np.exp(truth(k)) <= r["upper"])).sum())
        assert lo <= covered <= hi, (k, covered, (lo, hi))
    # a placebo test at 5%: rejection rate of the pre-period coefficients near 5%
    pre = replications[replications.horizon.isin([-4, -3, -2])]
    reject = (np.abs(pre["estimate"] / pre["std_error"]) > 1.96).mean()
    assert reject < 0.05 + 3 * np.sqrt(0.05 * 0.95 / len(pre)) + 0.01
