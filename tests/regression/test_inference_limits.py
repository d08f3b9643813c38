"""Inference that admits its limits: NaN (never 0) for variances that cannot be estimated,
cluster counts in summaries, warnings below FEW_CLUSTERS, an honest pre-trend test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sahelmodel import event_study, fenegbin, fepois
from sahelmodel.regression.covariance import FEW_CLUSTERS, covariance


def test_constant_outcome_robust_negbin_gives_nan_not_zero():
    df = pd.DataFrame({"y": [3] * 40, "x": np.arange(40) % 5, "g": np.arange(40) % 4})
    with pytest.warns(RuntimeWarning, match="variance of x is zero because its scores are zero"):
        res = fenegbin("y ~ x | g", df, cov="robust")
    assert np.isnan(res.std_errors["x"])
    ci = res.conf_int()
    assert np.isnan(ci.loc["x"]).all()
    assert np.isnan(res.pvalues["x"])
    assert "cannot be estimated" in str(res.summary())


def test_negative_two_way_variance_is_nan():
    x = np.array([[1.0], [-1.0], [1.0], [-1.0]])
    w = np.ones(4)
    score = np.array([1.0, 1.0, -1.0, -1.0])
    a = np.array([0, 0, 1, 1])
    b = np.array([0, 1, 0, 1])
    with pytest.warns(RuntimeWarning, match="negative"):
        v = covariance("cluster", x, w, score, df_model=1, clusters=[a, b], names=["x"],
                       small_sample=False)
    assert np.isnan(v).all()


def _panel(n_units: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_t = 20
    df = pd.DataFrame({"dyad": np.repeat(np.arange(n_units), n_t),
                       "period_index": np.tile(np.arange(n_t), n_units)})
    df["period"] = df["period_index"]
    first = np.where(np.arange(n_units) % 2 == 0, rng.integers(6, 14, n_units), -1)
    df["capture"] = (df["period_index"] == first[df["dyad"]]).astype(int)
    df["cluster"] = df["dyad"] % 5
    df["clashes"] = rng.poisson(1.5, len(df))
    return df


def test_summary_names_clusters_and_warns_when_few():
    df = _panel(40, 1)
    res = fepois("clashes ~ capture | dyad + period", df, cov="cluster", cluster="cluster")
    assert res.cluster_info == (("cluster", 5),) and res.n_clusters == 5
    text = str(res.summary())
    assert "cluster (5)" in text and "few clusters (5 in cluster)" in text
    many = fepois("clashes ~ capture | dyad + period", df, cov="cluster", cluster="dyad")
    assert many.n_clusters == 40 >= FEW_CLUSTERS
    assert "few clusters" not in str(many.summary())
    assert fepois("clashes ~ capture | dyad + period", df).cluster_info == ()


def test_pretrend_test_flags_few_clusters_and_rank_deficiency():
    df = _panel(40, 2)
    ok = event_study(df, outcome="clashes", event="capture", window=(-3, 2), cluster="dyad")
    t = ok.pretrend_test()
    assert t["reliable"] and t["df"] == t["n_leads"] == 2 and t["reason"] == ""
    few = event_study(df, outcome="clashes", event="capture", window=(-3, 2),
                      cluster="cluster")
    t = few.pretrend_test()
    assert not t["reliable"] and "only 5 clusters" in t["reason"]
    assert "pre-trend test is unreliable" in str(few.summary())
    # two clusters: the clustered covariance has rank 1 < 2 leads
    df["two"] = df["dyad"] % 2
    tiny = event_study(df, outcome="clashes", event="capture", window=(-3, 2), cluster="two")
    t = tiny.pretrend_test()
    assert not t["reliable"] and "rank" in t["reason"] and t["df"] <= 1
