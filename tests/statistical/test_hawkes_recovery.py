"""Simulate-then-recover studies of the Hawkes estimator (seeded; rates reported in the issue).

Tolerances are derived from the replication count: a rate with target ``p`` over ``n``
replications is accepted down to ``p - 2.33 * sqrt(p (1 - p) / n)`` (one-sided 99%), unless the
issue fixes the bound itself.
"""

import warnings

import numpy as np
import pytest
from scipy import stats

from sahelmodel import Hawkes, simulate_hawkes
from sahelmodel.hawkes._loglik import HawkesParams
from sahelmodel.hawkes.baseline import PiecewiseConstantBaseline
from sahelmodel.hawkes.diagnostics import ks_exponential, rescaled_residuals

pytestmark = pytest.mark.slow


def _gens(seed: int, n: int):
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n)]


def _fit(spec, et):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a rare non-converged replication still counts
        return spec.fit(et)


def test_univariate_recovery_within_five_percent():
    # BR 0.5, mean lag 1 day, baseline 0.5/day, 10,000 days (about 10,000 events).
    # Theory: se(BR) ~ 0.014 at 10,000 events, so |error| <= 0.025 has probability ~0.92.
    n_rep = 200  # measured: 0.955 of 200 (and 0.915 of 200 with another seed set)
    est = np.array([_fit(Hawkes(), simulate_hawkes(0.5, 0.5, 1.0, 10000.0, rng=g))
                    .branching_ratio for g in _gens(101, n_rep)])
    within = np.mean(np.abs(est - 0.5) <= 0.025)
    assert within >= 0.90  # the bound (theory ~0.92-0.94, so it has little slack)
    assert abs(est.mean() - 0.5) < 3 * est.std(ddof=1) / np.sqrt(n_rep)  # no visible bias


def test_sahel_dyad_branching_ratio_coverage():
    # baseline 0.05/day, 14-day mean lag, 10 years, BR 0.5: a few hundred events per series
    cover = []
    for g in _gens(202, 200):
        res = _fit(Hawkes(), simulate_hawkes(0.05, 0.5, 1 / 14, 3650.0, rng=g))
        lo, hi = res.branching_ratio_interval(0.95)
        cover.append(lo <= 0.5 <= hi)
    assert 0.90 <= np.mean(cover) <= 0.99


def test_capture_multiplier_coverage():
    # 2% of events marked with kappa = 2 (baseline 0.5/day, BR 0.5, 1-day lag, 10,000 days)
    cover = []
    for g in _gens(303, 100):
        et = simulate_hawkes(0.5, 0.5, 1.0, 10000.0, marks=0.02, mark_multiplier=2.0, rng=g)
        ci = _fit(Hawkes(), et).conf_int(0.95).loc["kappa"]
        cover.append(ci["lower"] <= 2.0 <= ci["upper"])
    assert 0.90 <= np.mean(cover) <= 0.99


def test_null_capture_multiplier_coverage_at_sahel_dyad_scale():
    # kappa = 1 (a capture triggers like any clash), 2% marked, Sahel-dyad scale: baseline
    # 0.05/day, BR 0.5, 14-day mean lag, 10 years, so ~370 events with ~7 captures. kappa-hat
    # sits at the boundary 0 in ~1/4 of replications, where the natural-scale Wald interval has
    # near-zero width; conf_int's default profiles kappa there (lower end 0 in ~90%).
    # Measured over 200 replications (SeedSequence(11)): natural-scale Wald 0.76, log-scale
    # Wald 0.92, default (profile where needed) 0.98; daily model (SeedSequence(21)) 0.74,
    # 0.92, 0.96. This seed set: 115 of 120 covered (0.958).
    cover = []
    for g in _gens(808, 120):
        et = simulate_hawkes(0.05, 0.5, 1 / 14, 3650.0, marks=0.02, mark_multiplier=1.0, rng=g)
        if not np.any(et.marks > 0):
            continue  # kappa is not identified without a capture (probability ~e^-7)
        ci = _fit(Hawkes(), et).conf_int(0.95).loc["kappa"]
        assert ci["lower"] >= 0.0
        cover.append(ci["lower"] <= 1.0 <= ci["upper"])
    assert len(cover) >= 115
    assert 0.90 <= np.mean(cover) <= 0.99


def test_no_spurious_excitation_with_flexible_baseline():
    # Poisson rate switching 0.2 <-> 2.0 per day in 60-day blocks over 3,000 days, no excitation
    knots = np.arange(0.0, 3001.0, 60.0)
    base = PiecewiseConstantBaseline(knots, np.where(np.arange(50) % 2 == 0, 0.2, 2.0))
    const, flexible_ok = [], []
    for g in _gens(404, 20):
        et = simulate_hawkes(base, 0.0, 1.0, 3000.0, rng=g)
        const.append(_fit(Hawkes(), et).branching_ratio)
        # data-driven knots (Poisson change points), not aligned with the blocks by construction
        flex = _fit(Hawkes(baseline="piecewise", knots="changepoint"), et)
        lo, _ = flex.branching_ratio_interval(0.95)
        flexible_ok.append(flex.branching_ratio < 0.1 or lo <= 0.0)
    assert 0.8 < np.mean(const) < 0.95  # the known spurious branching ratio near 0.9
    assert np.mean(flexible_ok) >= 0.9


def test_ks_size_of_correct_fit():
    # true parameters: residuals are exactly Exp(1), so the rejection rate is nominal;
    # plug-in (fitted) parameters make the KS test conservative (rate at most nominal)
    n_rep = 150
    p_true, p_fit = [], []
    truth = HawkesParams(np.array([[0.5]]), np.array([[0.5]]), np.array([[1.0]]), np.zeros(0))
    for g in _gens(505, n_rep):
        res = _fit(Hawkes(), simulate_hawkes(0.5, 0.5, 1.0, 1000.0, rng=g))
        p_fit.append(res.ks_test().pvalue)
        p_true.append(ks_exponential(rescaled_residuals(res.data, truth)).pvalue)
    bound = 2.58 * np.sqrt(0.05 * 0.95 / n_rep)
    assert abs(np.mean(np.asarray(p_true) < 0.05) - 0.05) <= bound
    assert np.mean(np.asarray(p_fit) < 0.05) <= 0.05 + bound
    assert stats.kstest(p_true, "uniform").pvalue > 0.01


def test_ks_bootstrap_size_of_correct_fit():
    # parametric-bootstrap p-values (19 replications) restore the nominal size for fitted models
    n_rep = 80
    pvals = []
    for g in _gens(707, n_rep):
        res = _fit(Hawkes(), simulate_hawkes(0.5, 0.5, 1.0, 400.0, rng=g))
        pvals.append(res.ks_test(bootstrap=19, rng=g).pvalue)
    rate = np.mean(np.asarray(pvals) <= 0.05)
    assert abs(rate - 0.05) <= 2.58 * np.sqrt(0.05 * 0.95 / n_rep)


def test_ks_power_against_poisson_fit_of_hawkes_data():
    # baseline x mean lag = 0.5 x 5 = 2.5 (the hardest allowed case), BR 0.5, 3,000 days
    reject = []
    for g in _gens(606, 100):
        et = simulate_hawkes(0.5, 0.5, 1 / 5.0, 3000.0, rng=g)
        rate = et.n_events / et.duration  # homogeneous Poisson MLE
        resid = rate * np.diff(np.concatenate([[et.start], et.times]))
        reject.append(ks_exponential(resid).pvalue < 0.05)
    assert np.mean(reject) >= 0.9
