"""Lopez Bernal, Cummins & Gasparrini (2017) interrupted time series tutorial (Sicily).

Rate ratio of the smoking ban and its 95% interval, to 4 decimals, against R's glm
(``make_reference.R`` → ``sicily_reference.csv``).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sahelmodel.regression import fepois
from sahelmodel.regression.its import harmonics, interrupted_time_series

pytestmark = pytest.mark.reference

REF = pd.read_csv(Path(__file__).parent / "sicily_reference.csv").set_index("model")


def _check(res, model: str) -> None:
    got = res.irr(0.95).loc["smokban"]
    ref = REF.loc[model]
    for a, b in ((got["irr"], ref["rr"]), (got["lower"], ref["lower"]),
                 (got["upper"], ref["upper"])):
        assert round(float(a), 4) == round(float(b), 4)
        assert a == pytest.approx(b, rel=1e-6)


def test_poisson(sicily_path) -> None:
    df = pd.read_csv(sicily_path)
    df["log_pop"] = np.log(df["stdpop"])
    _check(fepois("aces ~ smokban + time", df, offset="log_pop"), "poisson")


def test_quasipoisson(sicily_path) -> None:
    df = pd.read_csv(sicily_path)
    res = fepois("aces ~ smokban + time", df, exposure="stdpop", scale="pearson")
    _check(res, "quasipoisson")
    assert res.scale == pytest.approx(REF.loc["quasipoisson", "dispersion"], rel=1e-6)


def test_quasipoisson_harmonics(sicily_path) -> None:
    df = pd.read_csv(sicily_path)
    h = harmonics(df["month"], period=12, n_pairs=2)
    df = pd.concat([df, h], axis=1)
    formula = "aces ~ smokban + time + " + " + ".join(h.columns)
    res = fepois(formula, df, exposure="stdpop", scale="pearson")
    _check(res, "quasipoisson_harmonic")


def test_its_helper_matches_the_glm(sicily_path) -> None:
    df = pd.read_csv(sicily_path)
    res = interrupted_time_series(df, outcome="aces", time="time", intervention="smokban",
                                  exposure="stdpop", slope_change=False, season="month",
                                  period=12, n_pairs=2, scale="pearson")
    _check(res, "quasipoisson_harmonic")
