"""Confidence intervals of Hawkes fits: log-scale Wald, profile likelihood, the boundary at zero."""

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from sahelmodel import Hawkes, simulate_hawkes
from sahelmodel._inference import critical_value

CRIT = stats.chi2.ppf(0.95, 1)


@pytest.fixture(scope="module")
def clear():
    """A well-determined univariate fit: every Wald interval is trustworthy."""
    return Hawkes().fit(simulate_hawkes(0.5, 0.5, 1.0, 3000.0, rng=11))


@pytest.fixture(scope="module")
def null_kappa():
    """Sahel-dyad scale, 2% marked, kappa = 1: this seed's estimate sits at kappa = 0."""
    et = simulate_hawkes(0.05, 0.5, 1 / 14, 3650.0, marks=0.02, mark_multiplier=1.0, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Hawkes().fit(et)


@pytest.fixture(scope="module")
def few_marks():
    """Sahel-dyad scale, 2% marked, kappa = 2: kappa-hat interior but poorly determined."""
    et = simulate_hawkes(0.05, 0.5, 1 / 14, 3650.0, marks=0.02, mark_multiplier=2.0, rng=7)
    return Hawkes().fit(et)


def test_wald_intervals_are_on_the_log_scale(clear):
    q = critical_value(0.9)
    se = np.sqrt(np.diag(clear.cov_theta))
    ci = clear.conf_int(0.9, method="wald")
    np.testing.assert_allclose(ci["lower"], np.exp(clear.theta - q * se), rtol=1e-12)
    np.testing.assert_allclose(ci["upper"], np.exp(clear.theta + q * se), rtol=1e-12)
    # equivalently exp(log x +- q se(x) / x) with the natural-scale standard errors
    x, sx = clear.params, clear.std_errors
    np.testing.assert_allclose(ci["upper"], x * np.exp(q * sx / x), rtol=1e-10)
    assert (ci["lower"] > 0).all()
    # nothing near the boundary: "auto" is the log-scale Wald interval
    assert (clear.interval_methods(0.9) == "wald_log").all()
    pd.testing.assert_frame_equal(clear.conf_int(0.9), ci)
    pd.testing.assert_frame_equal(clear.to_frame(0.9)[["lower", "upper"]], ci)


def test_branching_ratio_interval_is_on_the_log_scale(clear):
    q = critical_value(0.95)
    rho, se = clear.branching_ratio, clear.branching_ratio_std_error
    lo, hi = clear.branching_ratio_interval(0.95)
    assert lo == pytest.approx(rho * np.exp(-q * se / rho), rel=1e-12)
    assert hi == pytest.approx(rho * np.exp(q * se / rho), rel=1e-12)
    assert 0 < lo < rho < hi


def test_profile_end_points_are_roots_of_the_deviance(few_marks):
    res = few_marks
    ci = res.conf_int(method="profile")
    prof = res.profile_loglik("kappa", [res.params["kappa"], *ci.loc["kappa"]])
    assert prof.iloc[0] == pytest.approx(res.loglik, abs=1e-6)  # the profile peaks at the MLE
    np.testing.assert_allclose(2 * (res.loglik - prof.iloc[1:]), CRIT, atol=2e-3)
    # every parameter's profile interval holds its estimate; decay and baseline too
    assert (ci["lower"] < res.params).all() and (res.params < ci["upper"]).all()
    # a few captures: kappa's Wald interval is not trusted, so "auto" profiles it
    assert res.interval_methods()["kappa"] == "profile"
    assert res.conf_int().loc["kappa"].tolist() == ci.loc["kappa"].tolist()


def test_profile_value_is_the_maximum_over_the_other_parameters(few_marks):
    # slow reference: derivative-free Nelder-Mead from a different start must not beat it
    res = few_marks
    upper = float(res.conf_int(method="profile").loc["kappa", "upper"])
    prof = float(res.profile_loglik("kappa", [upper]).iloc[0])
    fun = res.model._objective(res.data, res.layout)
    k = list(res.params.index).index("kappa")

    def neg(z):
        th = np.insert(z, k, np.log(upper))
        return -fun(th)[0]

    start = np.delete(res.theta, k) + 0.3
    best = optimize.minimize(neg, start, method="Nelder-Mead",
                             options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 20000})
    assert -best.fun <= prof + 1e-6
    assert -best.fun == pytest.approx(prof, abs=1e-3)


def test_boundary_inside_the_set_gives_lower_end_zero(null_kappa):
    res = null_kappa
    assert res.params["kappa"] < 1e-3  # the estimate is at the boundary
    assert res.interval_methods()["kappa"] == "profile"
    lo, hi = res.conf_int().loc["kappa"]
    assert lo == 0.0 and 1.0 < hi < np.inf  # covers the truth, which the Wald interval misses
    wald = res.conf_int(method="wald").loc["kappa"]
    natural = res.params["kappa"] + 1.96 * res.std_errors["kappa"]
    assert natural < 1.0 and wald["lower"] >= 0  # natural-scale Wald would miss kappa = 1
    prof = res.profile_loglik("kappa", [0.0, hi])
    assert 2 * (res.loglik - prof.iloc[0]) <= CRIT  # the boundary is in the set
    assert 2 * (res.loglik - prof.iloc[1]) == pytest.approx(CRIT, abs=2e-3)
    text = str(res.summary())
    assert "profile likelihood for" in text and "kappa" in text.split("profile likelihood for")[1]
    assert "kappa is not distinguishable from 0: its interval reaches 0" in text


def test_profile_of_a_real_coefficient_matches_wald_when_quadratic():
    grid = np.arange(0.0, 1201.0, 60.0)
    x = pd.DataFrame({"season": np.sin(2 * np.pi * (grid[:-1] + 30.0) / 360.0)})
    from sahelmodel.hawkes.baseline import LogLinearBaseline

    base = LogLinearBaseline(grid, x.to_numpy(), coef=[0.6], intercept=np.log(0.5))
    et = simulate_hawkes(base, 0.3, 1.0, 1200.0, rng=5)
    res = Hawkes(baseline="loglinear", knots=grid[1:-1], covariates=x).fit(et)
    term = "baseline[0]:season"
    assert res.interval_methods()[term] == "wald"
    wald = res.conf_int(method="wald").loc[term]
    prof = res.conf_int(method="profile").loc[term]
    width = wald["upper"] - wald["lower"]
    assert abs(prof["lower"] - wald["lower"]) < 0.05 * width
    assert abs(prof["upper"] - wald["upper"]) < 0.05 * width


def test_bad_interval_requests(clear):
    with pytest.raises(ValueError, match="method"):
        clear.conf_int(method="bootstrap")
    with pytest.raises(ValueError, match="level"):
        clear.conf_int(1.5)
    with pytest.raises(ValueError, match="not a parameter"):
        clear.profile_loglik("kappa", [1.0])
    with pytest.raises(ValueError, match="positive"):
        clear.profile_loglik("decay", [-1.0])


def test_fitted_multiplier_of_zero_simulates_as_zero():
    # half the events marked, excitation 0.8: kappa = 0 halves the mean multiplier
    et = simulate_hawkes(0.2, 0.8, 1.0, 2000.0, marks=0.5, mark_multiplier=0.5, rng=3)
    res = Hawkes().fit(et)
    theta = res.theta.copy()
    k = list(res.params.index).index("kappa")
    a = list(res.params.index).index("alpha[0<-0]")
    theta[[0, a]] = np.log([0.2, 0.8])
    zero = dataclasses.replace(res, theta=np.where(np.arange(theta.size) == k, -np.inf, theta))
    one = dataclasses.replace(res, theta=np.where(np.arange(theta.size) == k, 0.0, theta))
    assert zero.natural.kappa[0] == 0.0
    share = float(np.mean(et.marks > 0))
    n_zero = np.mean([zero.simulate(rng=s).n_events for s in range(20)])
    n_one = np.mean([one.simulate(rng=s).n_events for s in range(20)])
    # expected counts mu T / (1 - alpha * mean multiplier), mean multiplier 1 - share or 1
    expect_zero = 0.2 * 2000.0 / (1 - 0.8 * (1 - share))
    expect_one = 0.2 * 2000.0 / (1 - 0.8)
    assert n_zero == pytest.approx(expect_zero, rel=0.1)
    assert n_one == pytest.approx(expect_one, rel=0.15)


def test_daily_decay_profile_open_above_where_the_kernel_overflows():
    # mean lag 2/3 day: the daily model sees only that offspring come the next day, so the
    # likelihood is flat for large decays, up to where the day-lag kernel overflows (in the
    # numpy form; the compiled pass stays finite there, tested in test_loglik)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = Hawkes(timing="daily", backend="numpy").fit(
            simulate_hawkes(0.3, 0.5, 1.5, 1000.0, rng=2))
    assert res.interval_methods()["decay"] == "profile"
    lo, hi = res.conf_int().loc["decay"]
    assert 0 < lo < res.params["decay"] and hi == np.inf
    prof = res.profile_loglik("decay", [50.0, 1e5])
    assert 2 * (res.loglik - prof.iloc[0]) <= CRIT
    assert prof.iloc[1] == -np.inf  # not computable, reported as such


def test_profile_continues_from_the_estimate_side(null_kappa):
    # at kappa = e^12 the refit shrinks the excitation to the edge (alpha ~ 1e-10), where the
    # log-scale gradient vanishes: a refit at kappa = 1 started there would stay stuck
    from sahelmodel.hawkes.model import _bounds, profile_fit

    res = dataclasses.replace(null_kappa)  # a fresh copy: no cached profile points
    fun = res._objective()
    far_ll, far, _ = profile_fit(fun, res.theta, 3, 12.0, _bounds(res.layout), res.nobs)
    assert far[1] < -20.0  # the degenerate optimum
    stuck, _, _ = profile_fit(fun, far, 3, 0.0, _bounds(res.layout), res.nobs)
    fresh, _, _ = profile_fit(fun, res.theta, 3, 0.0, _bounds(res.layout), res.nobs)
    assert stuck < fresh - 5.0
    prof = res.profile_loglik("kappa", [np.exp(12.0), 1.0])  # far point first
    assert prof.iloc[0] == pytest.approx(far_ll, abs=1e-6)
    assert prof.iloc[1] == pytest.approx(fresh, abs=1e-6)
