"""The search for the global maximum, the degenerate flag, and Hawkes edge cases."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sahelmodel import EventTimes, Hawkes, simulate_hawkes
from sahelmodel.hawkes import HawkesFitError
from sahelmodel.hawkes._search import constrained_fit, decay_grid, disagreement
from sahelmodel.hawkes.model import _bounds

CRIT = stats.chi2.ppf(0.95, 1)


@pytest.fixture(scope="module")
def mohler():
    """Mohler et al. (2011) setting on a shorter window: a second, short-kernel maximum."""
    et = simulate_hawkes(5.71, 0.2, 0.1, 600.0, rng=np.random.default_rng(4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return et, Hawkes().fit(et)


def test_search_beats_the_event_rate_start(mohler):
    et, res = mohler
    # the old start: decay at the event rate per dimension (about 7/day against 0.1)
    fun = res._objective()
    th0 = np.log([0.6 * et.n_events / 600.0, 0.3, et.n_events / 600.0])
    old_ll, _, _, _, _ = constrained_fit(fun, th0, np.zeros(3, bool), _bounds(res.layout),
                                           et.n_events)
    assert res.converged
    assert res.loglik >= old_ll - 1e-6
    # and no start of a dense grid of decays reaches a higher maximum
    for beta in np.geomspace(0.01, 10.0, 8):
        th = np.log([0.6 * et.n_events / 600.0, 0.3, beta])
        ll, _, _, _, _ = constrained_fit(fun, th, np.zeros(3, bool), _bounds(res.layout),
                                         et.n_events)
        assert res.loglik >= ll - 1e-4
    # the reported table: one row per start, the best one flagged, grid profile kept
    tab = res.search
    assert {"start_decay", "loglik", "decay", "converged", "best"} <= set(tab.columns)
    assert tab["best"].sum() == 1
    assert tab.loc[tab["best"], "loglik"].iloc[0] == pytest.approx(res.loglik)
    prof = res.decay_profile
    assert isinstance(prof, pd.Series) and prof.max() <= res.loglik + 1e-6
    assert prof.index.min() == pytest.approx(3.0 / 600.0)


def test_decay_grid_covers_window_to_event_gap():
    grid = decay_grid(np.arange(1000.0), 0.0, 1000.0, 2, daily=False)
    assert grid[0] == pytest.approx(3e-3) and grid[-1] == pytest.approx(50.0)
    assert np.all(np.diff(np.log10(grid)) <= 0.5 + 1e-12)
    assert decay_grid(np.arange(1000.0), 0.0, 1000.0, 1, daily=True)[-1] == 3.0


def test_disagreement_counts_distinct_maxima():
    tab = pd.DataFrame({"loglik": [-10.0, -10.0005, -11.5, -30.0]})
    assert disagreement(tab) == (3, pytest.approx(1.5))
    assert disagreement(tab.iloc[:2]) == (1, np.inf)


def test_non_stationary_fit_is_degenerate_and_named():
    rng = np.random.default_rng(0)
    t = np.sort(np.concatenate([rng.uniform(0, 100, 20), 100 + np.cumsum(
        rng.exponential(1 / np.linspace(1, 40, 400)))]))
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        res = Hawkes().fit(EventTimes(t, end=float(t[-1]) + 0.01))
    assert res.degenerate and not res.stationary
    assert any("branching ratio" in c for c in res.degenerate_causes)
    assert any("degenerate Hawkes fit" in str(w.message) for w in rec)
    assert "Degenerate fit" in str(res.summary())


def test_healthy_fit_is_not_degenerate():
    res = Hawkes().fit(simulate_hawkes(0.5, 0.5, 1.0, 1500.0, rng=3))
    assert not res.degenerate and res.degenerate_causes == ()
    assert "Degenerate:             False" in str(res.summary())


# ---------------------------------------------------------------- issue 14, item 8
def test_every_event_marked_is_refused_with_the_reason():
    et = EventTimes([1.0, 2.0, 3.5, 7.0], marks=[1, 1, 2, 1], end=10.0)
    with pytest.raises(HawkesFitError, match=r"every event is marked.*not identified"):
        Hawkes().fit(et)
    assert Hawkes(marks=False).fit(et).nobs == 4  # the suggested way out works


def test_zero_length_window_is_refused():
    with pytest.raises(HawkesFitError, match="zero length"):
        Hawkes().fit(EventTimes([1.0], start=1.0, end=1.0))


def test_one_event_gives_an_honest_branching_ratio_interval():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = Hawkes().fit(EventTimes([3.0], end=10.0))
    lo, hi = res.branching_ratio_interval()
    assert lo == 0.0 and hi > 0.5  # not a zero-width interval at the estimate
    assert res.interval_methods()["branching_ratio"] == "profile"
    text = str(res.summary())
    assert "decay is not identified by these data" in text
    assert "branching ratio is not distinguishable from 0" in text


def test_branching_ratio_profile_ends_are_roots_in_two_dimensions():
    et = simulate_hawkes([0.2, 0.2], [[0.3, 0.2], [0.1, 0.3]], 1.0, 500.0,
                         marks=0.1, mark_multiplier=2.0, rng=8)
    res = Hawkes().fit(et)
    lo, hi = res.branching_ratio_interval(method="profile")
    assert lo < res.branching_ratio < hi
    prof = res.profile_loglik("branching_ratio", [lo, hi])
    np.testing.assert_allclose(2 * (res.loglik - prof.to_numpy()), CRIT, atol=5e-3)
    # the profile is a maximum with the constraint met: no lower than any member of it
    a = res.natural.alpha * (hi / res.branching_ratio)
    th = res.theta.copy()
    th[res.layout.blocks["alpha"]] = np.log(a).ravel()
    assert res._rho(th) == pytest.approx(hi)
    assert prof.iloc[1] >= res._objective()(th)[0] - 1e-6
    assert res.interval_methods()["branching_ratio"] in ("profile", "wald_log")


def test_conf_int_terms_subset_matches_full():
    res = Hawkes().fit(simulate_hawkes(0.5, 0.5, 1.0, 800.0, rng=5))
    sub = res.conf_int(terms=["decay"])
    assert list(sub.index) == ["decay"]
    pd.testing.assert_frame_equal(sub, res.conf_int().loc[["decay"]])
    with pytest.raises(ValueError, match="not parameters"):
        res.conf_int(terms=["kappa"])


@pytest.mark.parametrize("baseline", ["constant", "piecewise"])
def test_newton_profile_point_is_the_fixed_decay_maximum(baseline):
    # the compiled Newton fit at a fixed decay against L-BFGS-B on the package's objective
    from sahelmodel.hawkes._numba import fixed_decay_newton

    et = simulate_hawkes([0.3, 0.2], [[0.3, 0.1], [0.2, 0.2]], 1.0, 400.0, rng=11)
    model = Hawkes(baseline=baseline, knots=3)
    data, layout = model._arrays(et)
    fun, bounds = model._objective(data, layout), _bounds(layout)
    theta0 = model._start(data, layout)
    fixed = np.zeros(layout.size, bool)
    fixed[layout.blocks["decay"]] = True
    par0 = layout.unpack(theta0)
    for beta in (0.01, 0.3, 1.0, 20.0):
        ll, mu, alpha, _, ok = fixed_decay_newton(data, beta, par0.mu, par0.alpha,
                                                  np.exp(bounds[0, 0]), np.exp(bounds[0, 1]))
        assert ok
        th = theta0.copy()
        th[layout.blocks["decay"]] = np.log(beta)
        ref, _, _, _, _ = constrained_fit(fun, th, fixed, bounds, et.n_events, tol=1e-14)
        mine = th.copy()
        mine[layout.blocks["mu"]] = np.log(mu).ravel()
        mine[layout.blocks["alpha"]] = np.log(alpha).ravel()
        assert fun(mine)[0] == pytest.approx(ll, abs=1e-8)  # the value is the objective's
        assert ll >= ref - 1e-6 and ll <= ref + 1e-2  # the maximum, not a point below it
