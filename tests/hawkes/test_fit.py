"""Fitting, results contract, diagnostics and capture response of Hawkes models."""

import warnings

import numpy as np
import pandas as pd
import pytest

import sahelmodel
from sahelmodel import EventTimes, Hawkes, HawkesResults, simulate_hawkes
from sahelmodel.hawkes._loglik import HawkesArrays, HawkesParams
from sahelmodel.hawkes._reference import _intensities
from sahelmodel.hawkes.diagnostics import compensator_at_events, intensity_at
from sahelmodel.hawkes.model import HawkesFitError, HawkesWarning
from sahelmodel.hawkes.response import expected_descendants


@pytest.fixture(scope="module")
def uni():
    et = simulate_hawkes(0.5, 0.5, 1.0, 3000.0, rng=11)
    return et, Hawkes().fit(et)


@pytest.fixture(scope="module")
def bivariate():
    et = simulate_hawkes([0.2, 0.1], [[0.3, 0.2], [0.1, 0.4]], 0.5, 4000.0, marks=0.1,
                         mark_multiplier=2.0, dim_names=["a|b", "b|a"], rng=3)
    return et


def test_public_api_and_keyword_only():
    assert sahelmodel.Hawkes is Hawkes and "HawkesResults" in sahelmodel.__all__
    with pytest.raises(TypeError):
        Hawkes("exp")  # keyword-only specification
    spec = Hawkes(decay="per_target")
    assert spec.replace(decay="shared").decay == "shared" and spec.decay == "per_target"


@pytest.mark.parametrize("kw, match", [({"kernel": "power"}, "kernel"),
                                       ({"decay": "each"}, "decay"),
                                       ({"method": "em", "baseline": "piecewise"}, "em"),
                                       ({"max_iter": 0}, "max_iter")])
def test_bad_settings_raise_at_fit(uni, kw, match):
    with pytest.raises(ValueError, match=match):
        Hawkes(**kw).fit(uni[0])


def test_errors_for_bad_data():
    with pytest.raises(HawkesFitError, match="zero events"):
        Hawkes().fit(EventTimes([], end=10.0))
    with pytest.raises(TypeError, match="EventTimes"):
        Hawkes().fit(np.array([1.0, 2.0]))


def test_results_contract(uni):
    et, res = uni
    assert isinstance(res, HawkesResults)
    assert res.converged and res.n_iter > 0 and res.nobs == et.n_events and res.cov_ok
    assert list(res.params.index) == ["mu[0]", "alpha[0<-0]", "decay"]
    ci = res.conf_int(0.9)
    assert (ci["lower"] < res.params).all() and (res.params < ci["upper"]).all()
    frame = res.to_frame()
    assert list(frame.columns) == ["estimate", "std_error", "z", "p_value", "lower", "upper"]
    np.testing.assert_allclose(res.std_errors ** 2, np.diag(res.cov))
    text = str(res.summary())
    assert "Branching ratio" in text and "alpha[0<-0]" in text
    lo, hi = res.branching_ratio_interval()
    assert lo < res.branching_ratio < hi
    # one dimension: branching ratio is alpha and its standard error alpha's
    assert res.branching_ratio == pytest.approx(res.params["alpha[0<-0]"])
    assert res.branching_ratio_std_error == pytest.approx(res.std_errors["alpha[0<-0]"],
                                                          rel=1e-4)


def test_covariance_is_inverse_information(uni):
    # the natural-scale covariance against a Hessian of the log-likelihood by second differences
    _et, res = uni
    fun = Hawkes(backend="numpy")._objective(res.data, res.layout)
    th = res.theta
    p, h = th.size, 1e-4
    hess = np.empty((p, p))
    for i in range(p):
        for j in range(p):
            e_i, e_j = np.eye(p)[i] * h, np.eye(p)[j] * h
            hess[i, j] = (fun(th + e_i + e_j)[0] - fun(th + e_i - e_j)[0]
                          - fun(th - e_i + e_j)[0] + fun(th - e_i - e_j)[0]) / (4 * h * h)
    np.testing.assert_allclose(res.cov_theta, np.linalg.inv(-hess), rtol=2e-3)


def test_backends_and_em_agree(uni):
    et, res = uni
    np_res = Hawkes(backend="numpy").fit(et)
    em = Hawkes(method="em", tol=1e-13, max_iter=5000).fit(et)
    np.testing.assert_allclose(np_res.params, res.params, rtol=1e-6)
    assert em.converged
    np.testing.assert_allclose(em.params, res.params, rtol=2e-3)
    assert em.loglik == pytest.approx(res.loglik, abs=1e-4)


def test_decay_structures_and_marks(bivariate):
    fits = {d: Hawkes(decay=d).fit(bivariate) for d in ("shared", "per_target", "per_pair")}
    assert fits["per_pair"].loglik >= fits["per_target"].loglik - 1e-6
    assert fits["per_target"].loglik >= fits["shared"].loglik - 1e-6
    res = fits["shared"]
    assert "kappa" in res.params.index
    ci = res.conf_int(terms=["kappa"]).loc["kappa"]
    assert ci["lower"] < 2.0 < ci["upper"]
    no_marks = Hawkes(marks=False).fit(bivariate)
    assert "kappa" not in no_marks.params.index


def test_relational_parametrisation(bivariate):
    res = Hawkes(parametrisation="relational").fit(bivariate)
    assert list(res.params.index[2:4]) == ["alpha[inertia]", "alpha[retaliation]"]
    a = res.adjacency.to_numpy()
    assert a[0, 0] == a[1, 1] and a[0, 1] == a[1, 0]
    with pytest.raises(ValueError, match="actor_i"):
        Hawkes(parametrisation="relational").fit(
            simulate_hawkes([0.1, 0.1], np.zeros((2, 2)), 1.0, 100.0, rng=1))


def test_compensator_and_intensity_against_reference(bivariate):
    et = bivariate.restrict(end=300.0)
    res = Hawkes(decay="per_pair").fit(et)
    par, data = res.natural, res.data
    lam_ref = np.asarray(_intensities(data, par))
    own = intensity_at(data, par, data.times)[np.arange(data.times.size), data.dims]
    np.testing.assert_allclose(own, lam_ref, rtol=1e-12)
    # compensator = integral of the intensity (fine trapezoid between events)
    grid = np.linspace(0.0, data.times[-1], 300001)
    lam_grid = intensity_at(data, par, grid)
    cum = np.concatenate([np.zeros((1, 2)), np.cumsum(
        0.5 * (lam_grid[1:] + lam_grid[:-1]) * np.diff(grid)[:, None], axis=0)])
    comp = compensator_at_events(data, par)
    idx = np.searchsorted(grid, data.times)
    np.testing.assert_allclose(comp, cum[idx, data.dims], rtol=2e-3, atol=2e-3)
    resid = res.residuals()
    assert set(resid.columns) == {"time", "dim", "residual"} and (resid["residual"] > 0).all()
    assert res.qq().shape == (et.n_events, 2)
    frame = res.intensity([1.0, 2.0])
    assert list(frame.columns) == ["a|b", "b|a"]


def test_ks_test_and_simulate(uni):
    et, res = uni
    ks = res.ks_test()
    assert ks.nobs == et.n_events and 0.0 <= ks.pvalue <= 1.0
    boot = res.ks_test(bootstrap=3, rng=1)
    assert boot.bootstrap == 3 and boot.statistic == ks.statistic
    assert boot.pvalue in (0.25, 0.5, 0.75, 1.0)
    assert res.ks_test(bootstrap=3, rng=1) == boot  # seeded: reproducible
    sim = res.simulate(rng=1)
    assert isinstance(sim, EventTimes) and sim.end == et.end
    assert abs(sim.n_events - et.n_events) < 6 * np.sqrt(et.n_events)


def test_capture_response_closed_form():
    et = simulate_hawkes(0.3, 0.5, 0.5, 3000.0, marks=0.1, mark_multiplier=2.0, rng=4)
    res = Hawkes().fit(et)
    a, b, k = res.params["alpha[0<-0]"], res.params["decay"], res.params["kappa"]
    mu = res.params["mu[0]"]
    tab = res.capture_response(7.0)
    # descendants are captures at the observed share, so later generations excite with a * m
    m = 1.0 + np.mean(et.marks > 0) * (k - 1.0)
    n7 = a / (1 - a * m) * (1 - np.exp(-b * (1 - a * m) * 7.0))
    assert tab.loc["extra_clashes", "estimate"] == pytest.approx(k * n7, rel=1e-8)
    assert tab.loc["extra_vs_ordinary", "estimate"] == pytest.approx((k - 1) * n7, rel=1e-8)
    p = 1 - np.exp(-mu * 7 - k * a * (1 - np.exp(-b * 7)))
    assert tab.loc["prob_clash", "estimate"] == pytest.approx(p, rel=1e-10)
    assert (tab["lower"] <= tab["estimate"]).all() and (tab["estimate"] <= tab["upper"]).all()
    with pytest.raises(ValueError, match="source"):
        res.capture_response(7.0, source="nope")


def test_expected_descendants_multivariate_limit():
    alpha = np.array([[0.3, 0.2], [0.1, 0.4]])
    beta = np.array([[1.0, 0.5], [0.3, 2.0]])
    total = np.linalg.inv(np.eye(2) - alpha) @ alpha[:, 0]
    np.testing.assert_allclose(expected_descendants(alpha, beta, 0, 1e4), total, rtol=1e-8)


def test_daily_model_fits_day_stamped_data():
    et = simulate_hawkes(0.3, 0.5, 1 / 7.0, 3000.0, rng=8)
    days = EventTimes(np.floor(et.times), end=3000.0)
    assert days.has_ties
    res = Hawkes(timing="daily").fit(days)
    assert res.converged and abs(res.branching_ratio - 0.5) < 0.15
    with pytest.raises(ValueError, match="daily"):
        res.ks_test()
    with pytest.warns(HawkesWarning, match="tied"):
        Hawkes().fit(days).ks_test()


def test_piecewise_baseline_and_knots():
    et = simulate_hawkes(0.5, 0.3, 1.0, 600.0, rng=2)
    res = Hawkes(baseline="piecewise", knots=[200.0, 400.0]).fit(et)
    assert [n for n in res.params.index if n.startswith("mu")] == ["mu[0,0]", "mu[0,1]",
                                                                   "mu[0,2]"]
    with pytest.raises(ValueError, match="inside the window"):
        Hawkes(baseline="piecewise", knots=[700.0]).fit(et)


def test_nonstationary_fit_is_reported():
    rng = np.random.default_rng(0)
    # an explosive burst: events accelerating at the end of the window
    t = np.sort(np.concatenate([rng.uniform(0, 100, 20), 100 + np.cumsum(
        rng.exponential(1 / np.linspace(1, 40, 400)))]))
    et = EventTimes(t, end=float(t[-1]) + 0.01)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        res = Hawkes().fit(et)
    assert not res.stationary
    assert any("non-stationary" in str(w.message) for w in rec)
    assert "Non-stationary" in str(res.summary())


def test_results_are_frozen(uni):
    with pytest.raises(AttributeError):
        uni[1].loglik = 0.0
    assert isinstance(uni[1].params, pd.Series)


def test_fit_does_not_depend_on_data_arrays_object():
    times = [0.5, 1.0, 1.7, 4.0, 4.2, 9.0]
    a = Hawkes(backend="numpy").fit(EventTimes(times, end=10.0))
    data = HawkesArrays(np.asarray(times), np.zeros(6, np.int64), np.zeros(6, np.int64), 0.0,
                        10.0, 1, 0, np.array([0.0, 10.0]))
    assert a.data.times.tolist() == data.times.tolist()
    assert isinstance(a.natural, HawkesParams)


def test_changepoint_knots_find_rate_changes():
    from sahelmodel.hawkes.knots import changepoint_knots

    rng = np.random.default_rng(3)
    t = np.sort(np.concatenate([rng.uniform(0, 300, 60), rng.uniform(300, 500, 400),
                                rng.uniform(500, 900, 80)]))
    knots = changepoint_knots(t, 0.0, 900.0)
    assert knots[0] == 0.0 and knots[-1] == 900.0 and knots.size == 4
    np.testing.assert_allclose(knots[1:3], [300.0, 500.0], atol=6.0)
    flat = changepoint_knots(rng.uniform(0, 900, 500), 0.0, 900.0)
    assert flat.tolist() == [0.0, 900.0]
    res = Hawkes(baseline="piecewise", knots="changepoint").fit(EventTimes(t, end=900.0))
    assert res.data.n_pieces == 3
    with pytest.raises(ValueError, match="knots"):
        Hawkes(baseline="piecewise", knots="auto").fit(EventTimes(t, end=900.0))


def test_em_with_marks_reaches_the_mle():
    et = simulate_hawkes([0.2, 0.1], [[0.3, 0.2], [0.1, 0.4]], 0.5, 2000.0, marks=0.1,
                         mark_multiplier=2.0, rng=6)
    mle = Hawkes().fit(et)
    em = Hawkes(method="em", tol=1e-12, max_iter=5000).fit(et)
    assert em.converged and "kappa" in em.params.index
    assert em.loglik == pytest.approx(mle.loglik, abs=1e-4)
    assert em.params["kappa"] == pytest.approx(mle.params["kappa"], rel=0.02)


@pytest.fixture(scope="module")
def seasonal():
    from sahelmodel.hawkes.baseline import LogLinearBaseline

    grid = np.arange(0.0, 3001.0, 30.0)
    x = np.sin(2 * np.pi * (grid[:-1] + 15.0) / 360.0)[:, None]
    base = LogLinearBaseline(grid, x, coef=[0.8], intercept=np.log(0.3))
    et = simulate_hawkes(base, 0.4, 0.5, 3000.0, rng=12)
    return et, grid, pd.DataFrame({"season": x[:, 0]})


def test_loglinear_gradient_matches_finite_differences(seasonal):
    et, grid, cov = seasonal
    spec = Hawkes(baseline="loglinear", knots=grid[1:-1], covariates=cov, backend="numpy")
    data, layout = spec._arrays(et)
    assert layout.names[:2] == ("baseline[0]:const", "baseline[0]:season")
    fun = spec._objective(data, layout)
    th = np.array([np.log(0.3), 0.5, np.log(0.4), np.log(0.5)])
    _, g = fun(th)
    fd = [(fun(th + h)[0] - fun(th - h)[0]) / 2e-6 for h in np.eye(4) * 1e-6]
    np.testing.assert_allclose(g, fd, rtol=1e-5)


def test_loglinear_baseline_recovers_covariate_effect(seasonal):
    et, grid, cov = seasonal
    res = Hawkes(baseline="loglinear", knots=grid[1:-1], covariates=cov).fit(et)
    ci = res.conf_int().loc["baseline[0]:season"]
    assert ci["lower"] < 0.8 < ci["upper"]
    assert abs(res.branching_ratio - 0.4) < 0.1
    # coefficients are reported on their own (real) scale: std errors from the information
    assert res.std_errors["baseline[0]:season"] == pytest.approx(
        np.sqrt(res.cov_theta[1, 1]))
    with pytest.raises(ValueError, match="one row per baseline piece"):
        Hawkes(baseline="loglinear", covariates=cov.iloc[:5], knots=grid[1:-1]).fit(et)
    with pytest.raises(ValueError, match="covariates="):
        Hawkes(baseline="loglinear").fit(et)


def test_sum_of_exponentials_fit():
    from sahelmodel.hawkes.kernels import SumExponentialKernel

    kernel = SumExponentialKernel([2.0, 0.05], weights=[0.6, 0.4])
    et = simulate_hawkes([0.2, 0.1], [[0.4, 0.1], [0.2, 0.3]], None, 6000.0, kernel=kernel,
                         rng=3)
    res = Hawkes(kernel="sumexp").fit(et)
    assert res.converged and res.cov_ok
    ci = res.conf_int(terms=["decay[0]", "decay[1]"])
    assert ci.loc["decay[0]", "lower"] < 2.0 < ci.loc["decay[0]", "upper"]
    assert ci.loc["decay[1]", "lower"] < 0.05 < ci.loc["decay[1]", "upper"]
    assert res.loglik >= Hawkes().fit(et).loglik - 1e-6  # nests the single exponential
    # compensator = integral of the intensity, also for a mixture kernel
    # (the fitted parameters evaluated on the first 200 days)
    data, _ = Hawkes(kernel="sumexp")._arrays(et.restrict(end=200.0))
    grid = np.linspace(0.0, data.times[-1], 200001)
    lam = intensity_at(data, res.natural, grid)
    cum = np.concatenate([np.zeros((1, 2)), np.cumsum(0.5 * (lam[1:] + lam[:-1])
                                                       * np.diff(grid)[:, None], axis=0)])
    comp = compensator_at_events(data, res.natural)
    idx = np.searchsorted(grid, data.times)
    np.testing.assert_allclose(comp, cum[idx, data.dims], rtol=2e-3, atol=2e-3)
    assert isinstance(res.simulate(rng=1), EventTimes)
    with pytest.raises(ValueError, match="sumexp"):
        Hawkes(kernel="sumexp", decay="per_pair").fit(et)


def test_expected_descendants_sum_of_exponentials():
    alpha = np.array([[0.3, 0.2], [0.1, 0.4]])
    mix = (np.array([2.0, 0.1]), np.array([0.5, 0.5]))
    total = np.linalg.inv(np.eye(2) - alpha) @ alpha[:, 1]
    np.testing.assert_allclose(expected_descendants(alpha, None, 1, 1e4, mix), total, rtol=1e-8)
    # first generation only (tiny alpha): alpha * sum_m w_m (1 - exp(-beta_m h))
    small = np.array([[1e-9]])
    got = expected_descendants(small, None, 0, 3.0, (mix[0], mix[1]))[0]
    assert got == pytest.approx(1e-9 * (0.5 * (1 - np.exp(-6.0)) + 0.5 * (1 - np.exp(-0.3))),
                                rel=1e-6)
