from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from sahelmodel._inference import LogLinkInference, critical_value, delta_method
from sahelmodel._summary import Summary, format_value


@dataclass(frozen=True)
class _Res(LogLinkInference):
    params: pd.Series
    cov: pd.DataFrame
    df_inference: int | None = None


def _glm_pair():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 2))
    y = rng.poisson(np.exp(0.2 + x @ [0.3, -0.5]))
    fit = sm.GLM(y, sm.add_constant(x), family=sm.families.Poisson()).fit()
    names = ["const", "x1", "x2"]
    res = _Res(pd.Series(fit.params, index=names),
               pd.DataFrame(fit.cov_params(), index=names, columns=names))
    return fit, res


def test_wald_contract_matches_statsmodels():
    fit, res = _glm_pair()
    np.testing.assert_allclose(res.std_errors, fit.bse, rtol=1e-12)
    np.testing.assert_allclose(res.zstats, fit.tvalues, rtol=1e-12)
    np.testing.assert_allclose(res.pvalues, fit.pvalues, rtol=1e-10)
    np.testing.assert_allclose(res.conf_int(0.9).to_numpy(), fit.conf_int(0.1), rtol=1e-12)
    table = res.to_frame()
    assert list(table.columns) == ["estimate", "std_error", "z", "p_value", "lower", "upper"]
    irr = res.irr(level=0.95)
    np.testing.assert_allclose(irr["irr"], np.exp(fit.params))
    np.testing.assert_allclose(irr[["lower", "upper"]].to_numpy(), np.exp(fit.conf_int(0.05)))


def test_t_intervals_when_df_given():
    _, res = _glm_pair()
    t_res = _Res(res.params, res.cov, df_inference=5)
    assert (t_res.conf_int()["upper"] > res.conf_int()["upper"]).all()
    assert critical_value(0.95, 5) == pytest.approx(2.5705818, rel=1e-6)


def test_delta_method_numeric_equals_analytic():
    theta = np.array([0.4, -0.2])
    cov = np.array([[0.02, 0.005], [0.005, 0.03]])

    def g(t):
        return np.array([np.exp(t[0] + t[1]), t[0] * t[1]])

    def jac(t):
        e = np.exp(t[0] + t[1])
        return np.array([[e, e], [t[1], t[0]]])

    a = delta_method(g, theta, cov)
    b = delta_method(g, theta, cov, jacobian=jac)
    np.testing.assert_allclose(a.cov, b.cov, rtol=1e-6)
    assert a.conf_int().shape == (2, 2)
    with pytest.raises(ValueError, match="cov must have shape"):
        delta_method(g, theta, np.eye(3))


def test_level_is_checked():
    _, res = _glm_pair()
    with pytest.raises(ValueError, match="level"):
        res.conf_int(95)


def test_summary_renders_everywhere():
    _, res = _glm_pair()
    s = Summary("Poisson regression", [("Observations", 400), ("Log-likelihood", -512.25)],
                [("Coefficients", res.to_frame())], ["Note: iid covariance."])
    text = str(s)
    assert "Poisson regression" in text and "x2" in text and "Note: iid" in text
    assert "<caption>Coefficients</caption>" in s._repr_html_()
    latex = s.as_latex()
    assert r"\begin{tabular}" in latex and r"std\_error" in latex
    assert format_value(1e-9) == "1.000e-09"
    assert format_value(float("nan")) == ""


def test_summary_falls_back_to_one_column_when_info_is_wide():
    s = Summary("T", [("Model", "x" * 80), ("Events", 3)])
    lines = s.as_text().splitlines()
    assert max(len(line) for line in lines) <= 100
    assert any(line.startswith("Events:") for line in lines)


def test_latex_escapes_every_special_character_once():
    from sahelmodel._summary import _latex_escape

    assert _latex_escape("a\\b") == r"a\textbackslash{}b"
    assert _latex_escape("y ~ x_1 | g^t") == r"y \textasciitilde{} x\_1 | g\textasciicircum{}t"
    assert _latex_escape("{50%}") == r"\{50\%\}"
