"""Fixed-effect logit/probit against statsmodels (dummy variables) and R fixest::feglm.

Reference values: tests/dyadic/reference/make_glm_reference.py (statsmodels) and
make_glm_reference.R (fixest 0.14.2), on the simulated panel glm_data.csv.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelmodel.regression.binary import Logit, Probit, felogit, feprobit

REF = Path(__file__).resolve().parent / "reference"
FORMULA = "y ~ x1 + x2 | sender + receiver + period"


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(REF / "glm_data.csv")


@pytest.fixture(scope="module")
def fits(data):
    out = {}
    for link, fn in (("logit", felogit), ("probit", feprobit)):
        out[(link, "iid")] = fn(FORMULA, data)
        out[(link, "hc0")] = fn(FORMULA, data, cov="robust", small_sample=False)
        out[(link, "cluster_sender_nocorr")] = fn(FORMULA, data, cov="cluster",
                                                  cluster="sender", small_sample=False)
        out[(link, "cluster_sender")] = fn(FORMULA, data, cov="cluster", cluster="sender")
    return out


@pytest.mark.reference
def test_matches_statsmodels_dummy_variable_glm(fits):
    ref = pd.read_csv(REF / "glm_statsmodels.csv")
    for (link, cov), g in ref.groupby(["link", "cov"]):
        if link == "probit" and cov != "iid":
            continue  # statsmodels' sandwich uses the observed Hessian in the bread for a
            # non-canonical link; R's sandwich and fixest use the expected one, as we do
        res = fits[(link, cov)]
        g = g.set_index("term")
        # statsmodels' IRLS stops at a relative deviance change of 1e-8: probit estimates
        # agree to ~2e-7 relative, logit ones to 1e-9
        np.testing.assert_allclose(res.params[g.index], g["estimate"], rtol=1e-6)
        np.testing.assert_allclose(res.std_errors[g.index], g["std_error"], rtol=1e-6)
        assert res.loglik == pytest.approx(g["loglik"].iloc[0], rel=1e-10)
        assert res.converged and res.nobs == 792


@pytest.mark.reference
def test_matches_fixest_feglm(fits):
    ref = pd.read_csv(REF / "glm_fixest.csv")
    for (link, cov), g in ref.groupby(["link", "cov"]):
        res = fits[(link, cov)]
        g = g.set_index("term")
        se = res.std_errors[g.index].to_numpy()
        if cov == "iid":  # fixest scales the iid vcov of a GLM by (n - 1) / (n - K)
            se = se * np.sqrt((res.nobs - 1) / (res.nobs - res.df_model))
        np.testing.assert_allclose(res.params[g.index], g["estimate"], rtol=1e-5)
        # fixest's standard errors agree to 4e-5 relative (its IRLS stops earlier)
        np.testing.assert_allclose(se, g["std_error"], rtol=1e-4)
        assert res.loglik == pytest.approx(g["loglik"].iloc[0], rel=1e-9)


def test_odds_ratios_and_contract(fits):
    res = fits[("logit", "iid")]
    orr = res.odds_ratios(level=0.9)
    ci = res.conf_int(level=0.9)
    np.testing.assert_allclose(orr["odds_ratio"], np.exp(res.params))
    np.testing.assert_allclose(orr["lower"], np.exp(ci["lower"]))
    table = res.to_frame()
    assert list(table.columns) == ["estimate", "std_error", "z", "p_value", "lower", "upper"]
    np.testing.assert_allclose(table["z"], res.params / res.std_errors)
    text = res.summary().as_text()
    assert "Logit regression with absorbed fixed effects" in text and "odds_ratio" in text
    assert "incidental-parameter" in text
    with pytest.raises(ValueError, match="logit link"):
        fits[("probit", "iid")].odds_ratios()


def test_predict_reproduces_fitted_and_handles_new_levels(fits, data):
    res = fits[("logit", "iid")]
    p = res.predict(data)
    np.testing.assert_allclose(p.to_numpy(), res.fitted.to_numpy(), atol=1e-8)
    new = data.iloc[:3].assign(period=2099)
    with pytest.raises(KeyError, match="period"):
        res.predict(new)
    last = res.predict(new, new_levels={"period": "last"})
    same = res.predict(data.iloc[:3].assign(period=2005))
    np.testing.assert_allclose(last, same)


def test_constant_groups_are_dropped_and_predicted_at_the_limit():
    rng = np.random.default_rng(5)
    n = 400
    df = pd.DataFrame({"x": rng.normal(size=n), "g": rng.integers(0, 8, n)})
    df["y"] = (rng.random(n) < 1 / (1 + np.exp(-df.x))).astype(int)
    df.loc[df.g == 3, "y"] = 0
    df.loc[df.g == 5, "y"] = 1
    res = felogit("y ~ x | g", df)
    assert res.dropped.all_zero_groups == {"g": [3]} and res.all_one_groups == {"g": [5]}
    assert res.dropped.n_all_zero == int((df.g == 3).sum() + (df.g == 5).sum())
    kept = df[~df.g.isin([3, 5])]
    np.testing.assert_allclose(res.params["x"], felogit("y ~ x | g", kept).params["x"])
    p = res.predict(df[df.g.isin([3, 5])])
    assert set(np.unique(p)) == {0.0, 1.0}


def test_errors_name_the_problem():
    df = pd.DataFrame({"y": [0, 1, 2, 0], "x": [1.0, 2, 3, 4]})
    with pytest.raises(ValueError, match=r"lie in \[0, 1\]; row 2 has 2"):
        felogit("y ~ x", df)
    df = pd.DataFrame({"y": [0, 0, 0, 0], "x": [1.0, 2, 3, 4]})
    with pytest.raises(ValueError, match="constant"):
        felogit("y ~ x", df)
    with pytest.raises(ValueError, match="cluster"):
        Logit("y ~ x", cov="cluster").fit(df)


def test_single_regressor_separation_is_removed():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"x": rng.normal(size=300), "g": rng.integers(0, 5, 300)})
    df["y"] = (rng.random(300) < 0.4).astype(int)
    df["d"] = 0.0
    df.loc[df.index[:6], "d"] = 1.0
    df.loc[df.index[:6], "y"] = 1  # d = 1 only where y = 1: perfect prediction
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = felogit("y ~ x + d | g", df)
    assert res.dropped.n_separated == 6 and "d" in res.collinear


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), probit=st.booleans())
def test_fe_fit_equals_dummy_fit_on_random_panels(seed, probit):
    """Property: absorbing a factor gives the dummy-variable MLE (array interface)."""
    rng = np.random.default_rng(seed)
    n, g = 300, 6
    codes = rng.integers(0, g, n)
    x = rng.normal(size=(n, 2))
    eta = x @ np.array([0.7, -0.4]) + rng.normal(0, 0.5, g)[codes]
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    spec = Probit() if probit else Logit()
    try:
        res = spec.fit_arrays(y, x, fixed_effects=codes)
    except ValueError:
        return  # a constant outcome in every group: nothing to compare
    keep = np.isin(codes, [c for c in range(g) if 0 < y[codes == c].mean() < 1])
    dummies = (codes[keep, None] == np.unique(codes[keep])[None, :]).astype(float)
    dense = spec.fit_arrays(y[keep], np.column_stack([x[keep], dummies]))
    np.testing.assert_allclose(res.params.to_numpy(), dense.params.to_numpy()[:2], atol=1e-6)
    np.testing.assert_allclose(res.std_errors.to_numpy(), dense.std_errors.to_numpy()[:2],
                               rtol=1e-5)
