"""Poisson and NB2 with absorbed fixed effects against R's dummy-variable fits.

Reference values: ``make_reference.R`` (R glm, MASS::glm.nb, sandwich) on ``fe_data.csv``
(written by ``make_data.py``). Coefficients must agree to 1e-6 relative, standard errors to
1e-4 relative.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sahelmodel.regression import fenegbin, fepois

pytestmark = pytest.mark.reference

HERE = Path(__file__).parent
DATA = pd.read_csv(HERE / "fe_data.csv")
REF = pd.read_csv(HERE / "fe_reference.csv", keep_default_na=False)

MODELS = {
    "pois_2fe": (fepois, "y ~ x1 + x2 | a + b", {}),
    "pois_2fe_offset": (fepois, "y ~ x1 + x2 | a + b", {"exposure": "expo"}),
    "pois_nofe": (fepois, "y ~ x1 + x2", {}),
    "nb2_2fe": (fenegbin, "yn ~ x1 + x2 | a + b", {}),
    "nb2_nofe": (fenegbin, "yn ~ x1 + x2", {}),
    "nb2_1fe": (fenegbin, "yn ~ x1 + x2 | a", {}),
}
COVS = {
    "iid": {},
    "hc1": {"cov": "robust"},
    "hc0": {"cov": "robust", "small_sample": False},
    "cluster_c1": {"cov": "cluster", "cluster": "c1"},
    "cluster_c1_c2": {"cov": "cluster", "cluster": ["c1", "c2"]},
    "cluster_a_hc0": {"cov": "cluster", "cluster": "a", "small_sample": False},
    "pearson": {"scale": "pearson"},
}
CASES = sorted({(m, c) for m, c in zip(REF.model, REF["cov"], strict=True) if c in COVS})


def _ref(model: str, cov: str) -> pd.DataFrame:
    sub = REF[(REF.model == model) & (REF["cov"] == cov)].set_index("term")
    return sub[["estimate", "std_error"]].astype(float)


@pytest.mark.filterwarnings("ignore:the two-way clustered covariance is not positive")
@pytest.mark.parametrize(("model", "cov"), CASES)
def test_matches_r_dummy_variable_fit(model: str, cov: str) -> None:
    fn, formula, kw = MODELS[model]
    res = fn(formula, DATA, **kw, **COVS[cov])
    ref = _ref(model, cov)
    np.testing.assert_allclose(res.params[ref.index], ref["estimate"], rtol=1e-6)
    np.testing.assert_allclose(res.std_errors[ref.index], ref["std_error"], rtol=1e-4)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_loglik_and_theta_match_r(model: str) -> None:
    fn, formula, kw = MODELS[model]
    res = fn(formula, DATA, **kw)
    ll = float(REF[(REF.model == model) & (REF["cov"] == "loglik")].estimate.iloc[0])
    assert res.loglik == pytest.approx(ll, rel=1e-8)
    theta = REF[(REF.model == model) & (REF["cov"] == "theta")]
    if len(theta):
        assert res.theta == pytest.approx(float(theta.estimate.iloc[0]), rel=1e-5)
        assert res.dispersion == pytest.approx(1 / float(theta.estimate.iloc[0]), rel=1e-5)
    else:
        assert res.dispersion is None


def test_nested_cluster_correction_excludes_nested_fixed_effects() -> None:
    # cluster on a, which is also a fixed effect: K counts x1, x2 and the b effects only
    res = fepois("y ~ x1 + x2 | a + b", DATA, cov="cluster", cluster="a")
    ref = _ref("pois_2fe", "cluster_a_hc0")
    n, g, k = len(DATA), DATA.a.nunique(), 2 + DATA.b.nunique()
    factor = g / (g - 1) * (n - 1) / (n - k)
    np.testing.assert_allclose(res.std_errors[ref.index], ref["std_error"] * np.sqrt(factor),
                               rtol=1e-4)
