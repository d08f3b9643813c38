"""Slow checks of the Hawkes search and of kappa's interval at Sahel-dyad scale (seeded).

* Figure 5's paper configuration (Mohler et al. 2011: baseline 5.71/day, branching ratio 0.2,
  decay 0.1/day, 2,000 days, about 14,000 events): on a seeded subset of replications, no fit
  reported as converged sits at a lower maximum than the best of 8 full fits started from
  decays spread over four decades.
* kappa = 2 with 5% of events marked, about 100 events a year per dimension for 5 years,
  univariate and 3-dimensional (``experiments/hawkes_kappa_recovery.py``, whose larger run is
  the record): the coverage of kappa's 95% interval is not significantly below 0.95 (one-sided
  binomial test at 0.001).
"""

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sahelmodel import Hawkes, simulate_hawkes
from sahelmodel.hawkes._search import constrained_fit
from sahelmodel.hawkes.model import _bounds

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _load_study():
    spec = importlib.util.spec_from_file_location(
        "hawkes_kappa_recovery", ROOT / "experiments" / "hawkes_kappa_recovery.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_no_converged_fit_below_the_best_of_eight_starts():
    for g in np.random.SeedSequence(505).spawn(3):
        et = simulate_hawkes(5.71, 0.2, 0.1, 2000.0, rng=np.random.default_rng(g))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = Hawkes().fit(et)
        fun, bounds = res._objective(), _bounds(res.layout)
        rate = et.n_events / 2000.0
        best = -np.inf
        for beta in np.geomspace(0.003, 30.0, 8):
            th = np.log([0.6 * rate, 0.3, beta])
            ll, _, _, _, _ = constrained_fit(fun, th, np.zeros(3, bool), bounds, et.n_events)
            best = max(best, ll)
        assert not res.converged or res.loglik >= best - 1e-3


@pytest.mark.parametrize(("model", "n_rep"), [("univariate", 40), ("trivariate", 12)])
def test_kappa_interval_coverage_at_sahel_dyad_scale(model, n_rep):
    study = _load_study()
    gens = np.random.SeedSequence([909, len(model)]).spawn(n_rep)
    rows = [study.replicate(np.random.default_rng(g), model) for g in gens]
    covered = np.array([r["covered"] for r in rows if np.isfinite(r["covered"])])
    assert covered.size >= n_rep - 1
    hits = int(covered.sum())
    assert stats.binom.cdf(hits, covered.size, 0.95) >= 1e-3
