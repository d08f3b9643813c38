"""Wild cluster score bootstrap: the statistic against a dummy-variable reference, and its size
with few clusters against the cluster-robust Wald test (which over-rejects)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm_api

from sahelmodel import fepois, wild_cluster_bootstrap
from sahelmodel.regression._demean import FixedEffects
from sahelmodel.regression.bootstrap import score_contributions


def _data(seed: int, n_clusters: int = 8, per: int = 40, beta: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(n_clusters), per)
    # cluster-level shocks in both the regressor and the outcome: the setting where
    # cluster-robust errors with few clusters are too small
    x = rng.normal(size=g.size) + rng.normal(size=n_clusters)[g] * 1.5
    u = rng.normal(scale=0.6, size=n_clusters)[g] * (1 + 0.5 * (x > 0))
    t = np.tile(np.arange(per), n_clusters) % 4
    y = rng.poisson(np.exp(0.3 + beta * x + u + 0.1 * t))
    return pd.DataFrame({"y": y, "x": x, "g": g, "t": t, "z": rng.normal(size=g.size)})


def test_scores_match_a_dummy_variable_reference():
    df = _data(0)
    y = df["y"].to_numpy(float)
    # restricted fit (x's coefficient 0) with statsmodels on explicit dummies
    dummies = pd.get_dummies(df["t"], dtype=float).to_numpy()
    other = np.column_stack([df["z"], dummies])
    mu = sm_api.GLM(y, other, family=sm_api.families.Poisson()).fit(tol=1e-12).mu
    w = np.sqrt(mu)
    coef = np.linalg.lstsq(other * w[:, None], df["x"].to_numpy() * w, rcond=None)[0]
    xt = df["x"].to_numpy() - other @ coef
    ref = np.bincount(df["g"], weights=xt * (y - mu))
    ours = score_contributions(y, df["x"].to_numpy(), df[["z"]].to_numpy(),
                               FixedEffects.from_codes([df["t"].to_numpy()]), df["g"].to_numpy())
    np.testing.assert_allclose(ours, ref, rtol=1e-6, atol=1e-8)


def test_rademacher_enumeration_is_exact_and_symmetric():
    df = _data(1, n_clusters=6)
    res = wild_cluster_bootstrap("y ~ x + z | t", df, term="x", cluster="g",
                                 weights="rademacher")
    assert res.enumerated and res.n_boot == 64 and res.n_clusters == 6
    assert res.p_value >= 2 / 64  # a sign vector and its negation always reach |t|
    assert "6 clusters" in str(res)


def test_refuses_bad_input():
    df = _data(2)
    with pytest.raises(ValueError, match="not a regressor"):
        wild_cluster_bootstrap("y ~ x | t", df, term="w", cluster="g")
    with pytest.raises(KeyError, match="nope"):
        wild_cluster_bootstrap("y ~ x | t", df, term="x", cluster="nope")
    with pytest.raises(ValueError, match="weights"):
        wild_cluster_bootstrap("y ~ x | t", df, term="x", cluster="g", weights="mammen")


@pytest.mark.slow
def test_size_with_eight_clusters_beats_the_cluster_wald_test():
    n_rep = 150
    boot_rej = wald_rej = 0
    for r in range(n_rep):  # replications under the null beta = 0
        df = _data(100 + r)
        b = wild_cluster_bootstrap("y ~ x | t", df, term="x", cluster="g", n_boot=399, rng=r)
        boot_rej += b.p_value < 0.05
        with np.errstate(all="ignore"):
            f = fepois("y ~ x | t", df, cov="cluster", cluster="g")
        wald_rej += float(f.pvalues["x"]) < 0.05
    boot, wald = boot_rej / n_rep, wald_rej / n_rep
    # binomial sd of a 5% rate over 150 replications is 0.018: the bootstrap within
    # 0.05 +- 3 sd, the Wald test clearly above it
    assert boot <= 0.05 + 3 * 0.018, (boot, wald)
    assert wald > boot + 0.03, (boot, wald)
