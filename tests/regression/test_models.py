import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

from sahelmodel import NegativeBinomial, Poisson, fenegbin, fepois


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 500
    df = pd.DataFrame({"u": rng.integers(0, 25, n), "t": rng.integers(0, 8, n),
                       "x": rng.normal(size=n), "z": rng.binomial(1, 0.4, n),
                       "w": rng.uniform(0.5, 2, n), "expo": rng.uniform(0.5, 3, n)})
    eff = rng.normal(scale=0.4, size=25)
    mu = df["expo"] * np.exp(0.3 * df["x"] - 0.4 * df["z"] + eff[df["u"]])
    df["y"] = rng.poisson(mu)
    df["yn"] = rng.negative_binomial(2.0, 2.0 / (2.0 + mu))
    return df


def _sm(formula, df, family, **kw):
    return smf.glm(formula, df, family=family, **kw).fit(tol=1e-12, maxiter=200)


def test_prior_weights_match_statsmodels_freq_weights(panel):
    res = fepois("y ~ x + z | u", panel, weights="w")
    ref = _sm("y ~ x + z + C(u)", panel, sm.families.Poisson(), freq_weights=panel["w"])
    np.testing.assert_allclose(res.params, ref.params[["x", "z"]], rtol=1e-6)
    np.testing.assert_allclose(res.std_errors, ref.bse[["x", "z"]], rtol=1e-4)


def test_robust_hc0_matches_statsmodels(panel):
    res = fepois("y ~ x + z | u + t", panel, cov="robust", small_sample=False)
    ref = smf.glm("y ~ x + z + C(u) + C(t)", panel, family=sm.families.Poisson()).fit(
        tol=1e-12, cov_type="HC0")
    np.testing.assert_allclose(res.std_errors, ref.bse[["x", "z"]], rtol=1e-4)


def test_nb1_matches_statsmodels_maximum_likelihood(panel):
    res = fenegbin("yn ~ x + z | u", panel, variance="nb1")
    d = pd.get_dummies(panel["u"], prefix="u", drop_first=True, dtype=float)
    exog = sm.add_constant(pd.concat([panel[["x", "z"]], d], axis=1))
    mod = sm.NegativeBinomial(panel["yn"], exog, loglike_method="nb1")
    ref = mod.fit(disp=0, method="bfgs", maxiter=2000)
    ref = mod.fit(start_params=ref.params, disp=0, method="newton", maxiter=100)
    np.testing.assert_allclose(res.params, ref.params[["x", "z"]], rtol=1e-5)
    assert res.dispersion == pytest.approx(ref.params["alpha"], rel=1e-5)
    assert res.loglik == pytest.approx(ref.llf, rel=1e-9)


def test_array_form_equals_formula_form(panel):
    a = fepois("y ~ x + z | u + t", panel, exposure="expo", cov="cluster", cluster="u")
    b = Poisson(cov="cluster").fit_arrays(
        panel["y"], panel[["x", "z"]].to_numpy(), fixed_effects=[panel["u"], panel["t"]],
        exposure=panel["expo"], cluster=panel["u"], names=["x", "z"])
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10)
    np.testing.assert_allclose(a.std_errors, b.std_errors, rtol=1e-10)


def test_offset_equals_log_exposure(panel):
    a = fepois("y ~ x | u", panel, exposure="expo")
    b = fepois("y ~ x | u", panel, offset=np.log(panel["expo"].to_numpy()))
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10)


def test_results_contract(panel):
    res = fenegbin("yn ~ x + z | u", panel, cov="robust")
    irr = res.irr(level=0.9)
    assert list(irr.columns) == ["irr", "lower", "upper"]
    assert list(irr.index) == ["x", "z"]
    assert (irr["lower"] < irr["irr"]).all() and (irr["irr"] < irr["upper"]).all()
    np.testing.assert_allclose(np.log(irr["irr"]), res.params)
    assert res.nobs == len(panel) and res.converged and res.n_iter >= 2
    assert res.dispersion > 0 and res.theta == pytest.approx(1 / res.dispersion)
    frame = res.to_frame()
    assert {"estimate", "std_error", "p_value", "lower", "upper"} <= set(frame.columns)
    s = res.summary()
    for text in (s.as_text(), s.as_html(), s.as_latex()):
        assert "x" in text and "Negative binomial" in text
    assert np.all(np.isfinite(res.pvalues))


def test_predict_in_sample_and_on_new_rows(panel):
    res = fepois("y ~ x + z | u + t", panel, exposure="expo")
    np.testing.assert_allclose(res.predict(panel.head(20)), res.predict().head(20), rtol=1e-8)
    # the first-order conditions of the Poisson fit: fitted totals equal observed totals by u
    tot = pd.DataFrame({"u": panel["u"], "y": panel["y"], "mu": res.predict()})
    g = tot.groupby("u")[["y", "mu"]].sum()
    np.testing.assert_allclose(g["mu"], g["y"], rtol=1e-7)
    with pytest.raises(KeyError, match="without an estimated effect"):
        res.predict(panel.head(3).assign(u=999))


def test_all_zero_outcome_is_an_error(panel):
    with pytest.raises(ValueError, match="zero in every observation"):
        fepois("y ~ x | u", panel.assign(y=0))


def test_all_zero_groups_are_dropped_and_reported(panel):
    df = panel.copy()
    df.loc[df["u"].isin([3, 7]), "y"] = 0
    res = fepois("y ~ x + z | u + t", df)
    n_drop = int(df["u"].isin([3, 7]).sum())
    assert res.dropped.n_all_zero == n_drop
    assert sorted(res.dropped.all_zero_groups["u"]) == [3, 7]
    assert res.nobs == len(df) - n_drop
    assert set(res.dropped.rows) == set(df.index[df["u"].isin([3, 7])])
    ref = fepois("y ~ x + z | u + t", df[~df["u"].isin([3, 7])])
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-10)
    assert any("all-zero" in note for note in res.summary().notes)


def test_separation_by_a_regressor_is_dropped(panel):
    df = panel.assign(s=0.0)
    zero_rows = df.index[df["y"] == 0][:15]
    df.loc[zero_rows, "s"] = 1.0  # s > 0 only where y == 0: its coefficient would be -inf
    res = fepois("y ~ x + s | u", df)
    assert res.dropped.n_separated == 15 and "s" in res.dropped.separating_terms
    assert res.collinear == ("s",)
    assert np.all(np.isfinite(res.params))


def test_separation_through_fixed_effects_and_regressor_is_dropped():
    rng = np.random.default_rng(0)
    u = np.repeat(np.arange(40), 10)
    t = np.tile(np.arange(10), 40)
    y = rng.poisson(2.0, u.size).astype(float)
    x = ((u == 0) & (t >= 5)).astype(float)
    y[(u == 0) & (t < 5)] = 0  # unit-0 effect minus x separates its first five rows
    y[(u == 0) & (t >= 5)] += 1
    df = pd.DataFrame({"y": y, "x": x, "v": rng.normal(size=u.size), "u": u, "t": t})
    res = fepois("y ~ x + v | u + t", df)
    assert res.dropped.n_separated == 5
    assert set(res.dropped.rows) == set(np.flatnonzero((u == 0) & (t < 5)))
    assert res.converged and np.all(np.isfinite(res.params))


def test_constant_within_fixed_effects_and_collinear_terms_are_dropped(panel):
    df = panel.assign(c=panel["u"] * 0.5, d=2 * panel["x"] - panel["z"])
    res = fepois("y ~ x + c + z + d | u", df)
    assert res.collinear == ("c", "d")
    ref = fepois("y ~ x + z | u", df)
    np.testing.assert_allclose(res.params[["x", "z"]], ref.params, rtol=1e-10)
    with pytest.raises(ValueError, match="no regressor is left"):
        fepois("y ~ c | u", df)


def test_one_period_panel_fits_with_the_period_effect_absorbed(panel):
    a = fepois("y ~ x | u + t", panel.assign(t=0))
    b = fepois("y ~ x | u", panel)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-10)


def test_nb_on_equidispersed_data_tends_to_poisson(panel):
    nb = fenegbin("y ~ x + z | u", panel, exposure="expo")
    po = fepois("y ~ x + z | u", panel, exposure="expo")
    assert nb.dispersion < 0.05
    np.testing.assert_allclose(nb.params, po.params, atol=5e-3)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"cov": "HC3"}, "cov must be one of"),
    ({"cov": "cluster"}, "needs cluster"),
    ({"cluster": "u"}, "use cov='cluster'"),
    ({"cov": "robust", "scale": "pearson"}, "scale applies to cov='iid' only"),
    ({"scale": "deviance"}, "scale must be one of"),
    ({"exposure": "x"}, "exposure must be positive"),
])
def test_bad_settings_give_clear_errors(panel, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fepois("y ~ x | u", panel, **kwargs)


def test_bad_data_give_clear_errors(panel):
    with pytest.raises(ValueError, match="non-negative"):
        fepois("y ~ x | u", panel.assign(y=-panel["y"] - 1))
    with pytest.raises(KeyError, match="fixed-effect column 'nope'"):
        fepois("y ~ x | nope", panel)
    with pytest.raises(ValueError, match="exactly one '~'"):
        fepois("y x", panel)
    with pytest.raises(ValueError, match="variance must be one of"):
        NegativeBinomial("y ~ x", variance="nb3").fit(panel)


def test_missing_values_are_dropped_and_counted(panel):
    df = panel.copy()
    df.loc[[1, 5, 9], "x"] = np.nan
    df.loc[[2], "u"] = np.nan
    res = fepois("y ~ x | u", df)
    assert res.dropped.n_missing == 4 and res.nobs == len(df) - 4
    assert set(res.dropped.rows) == {1, 2, 5, 9}


def test_specification_is_reusable_and_results_frozen(panel):
    spec = Poisson("y ~ x | u", cov="robust")
    a, b = spec.fit(panel), spec.fit(panel.sample(frac=1.0, random_state=1))
    np.testing.assert_allclose(a.params, b.params, rtol=1e-9)
    with pytest.raises(AttributeError):
        a.nobs = 3


@pytest.mark.parametrize("variance", ["nb2", "nb1"])
def test_dispersion_maximises_the_profile_likelihood(variance):
    # short panels with unit effects: the starting values look equidispersed, the data are not
    rng = np.random.default_rng(8)
    u = np.repeat(np.arange(30), 10)
    x = rng.normal(size=u.size)
    mu = np.exp(rng.normal(-0.5, 0.7, 30)[u] + 0.3 * x)
    df = pd.DataFrame({"y": rng.negative_binomial(1.5, 1.5 / (1.5 + mu)), "x": x, "u": u})
    res = NegativeBinomial("y ~ x | u", variance=variance).fit(df)
    for factor in (0.8, 1.25):
        other = NegativeBinomial("y ~ x | u", variance=variance,
                                 dispersion=res.dispersion * factor).fit(df)
        assert other.loglik < res.loglik
    assert res.dispersion > 0.05


def test_three_factors_and_an_interacted_factor_match_dummy_glm(panel):
    df = panel.assign(v=np.arange(len(panel)) % 5)
    res = fepois("y ~ x + z | u + t + v", df)
    ref = _sm("y ~ x + z + C(u) + C(t) + C(v)", df, sm.families.Poisson())
    np.testing.assert_allclose(res.params, ref.params[["x", "z"]], rtol=1e-6)
    np.testing.assert_allclose(res.std_errors, ref.bse[["x", "z"]], rtol=1e-4)
    inter = fepois("y ~ x + z | u^t", df)
    assert inter.dropped.n_all_zero > 0  # cells of u × t without any count
    combined = fepois("y ~ x + z | ut", df.assign(ut=df["u"] * 100 + df["t"]))
    np.testing.assert_allclose(inter.params, combined.params, rtol=1e-10)
    assert inter.nobs == combined.nobs
