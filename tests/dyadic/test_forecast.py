"""Forecast evaluation: scores against direct computations, splits that cannot leak, the
model protocol, and the dyad-data builders."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelmodel.dyadic import (
    DyadicGLM,
    DyadModel,
    ForecastResult,
    calibration_table,
    compare_models,
    cross_validate,
    dyad_data,
    forecast_scores,
    rolling_origin,
)
from sahelmodel.dyadic.forecast import cv_splits, rolling_origin_splits


def _auc_by_pairs(y, p):
    pos, neg = p[y == 1], p[y == 0]
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0) + 0.5 * (diff == 0)).mean())


def _average_precision_slow(y, p):
    """Step-wise area: sum over positives (ties handled as sklearn: thresholds at values)."""
    ap, prev_recall = 0.0, 0.0
    for thr in np.unique(p)[::-1]:
        pred = p >= thr
        tp = float((pred & (y == 1)).sum())
        rec, prec = tp / y.sum(), tp / pred.sum()
        ap += (rec - prev_recall) * prec
        prev_recall = rec
    return ap


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 100_000), n=st.integers(6, 60))
def test_scores_match_direct_computations(seed, n):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(float)
    y[:2] = [0.0, 1.0]
    p = np.round(rng.random(n), 2)  # ties included
    s = forecast_scores(y, p)
    assert s["roc_auc"] == pytest.approx(_auc_by_pairs(y, p), abs=1e-12)
    assert s["average_precision"] == pytest.approx(_average_precision_slow(y, p), abs=1e-12)
    assert s["brier"] == pytest.approx(np.mean((p - y) ** 2))
    pc = np.clip(p, 1e-15, 1 - 1e-15)
    assert s["log_score"] == pytest.approx(np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc)))
    assert s["base_rate"] == pytest.approx(y.mean())
    # duplicating every row with weight 1/2 changes nothing (undirected cells)
    s2 = forecast_scores(np.repeat(y, 2), np.repeat(p, 2), np.full(2 * n, 0.5))
    for key in ("roc_auc", "pr_auc_trapezoid", "average_precision", "brier", "log_score"):
        assert s2[key] == pytest.approx(s[key], abs=1e-12)


def test_pr_trapezoid_and_average_precision_differ_as_documented():
    y = np.array([1, 0, 1, 0, 0, 0, 1, 0.0])
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    s = forecast_scores(y, p)
    # operating points (recall, precision) at thresholds 0.9, 0.8, ...: (1/3, 1), (1/3, 1/2),
    # (2/3, 2/3), (2/3, 1/2), (2/3, 2/5), (2/3, 1/3), (1, 3/7), (1, 3/8), from (0, 1); the
    # trapezoid joins consecutive points, so vertical drops add nothing
    trap = (1 / 3) * 1 + (1 / 3) * (1 / 2 + 2 / 3) / 2 + (1 / 3) * (1 / 3 + 3 / 7) / 2
    assert s["pr_auc_trapezoid"] == pytest.approx(trap)
    assert s["average_precision"] == pytest.approx((1 + 2 / 3 + 3 / 7) / 3)


def test_score_errors_and_single_class():
    with pytest.raises(ValueError, match="not finite numbers in"):
        forecast_scores([0, 1], [0.5, 1.2])
    with pytest.raises(ValueError, match="hidden cell"):
        forecast_scores([0, np.nan], [0.5, 0.5])
    with pytest.warns(RuntimeWarning, match="one class"):
        s = forecast_scores([0, 0], [0.2, 0.3])
    assert np.isnan(s["roc_auc"]) and s["brier"] == pytest.approx((0.04 + 0.09) / 2)
    s = forecast_scores([1, 0], [0.0, 0.5])
    assert s["n_clipped"] == 1.0 and s["log_score"] == pytest.approx((np.log(1e-15)
                                                                     + np.log(0.5)) / 2)


def test_calibration_table_bins_add_up():
    rng = np.random.default_rng(3)
    p = rng.random(1000)
    y = (rng.random(1000) < p).astype(float)
    t = calibration_table(y, p, n_bins=5)
    assert len(t) == 5 and t["n"].sum() == 1000
    assert np.allclose(t["n"], 200, atol=2)
    assert (np.abs(t["observed"] - t["mean_predicted"]) < 4 * t["std_error"] + 0.02).all()
    u = calibration_table(y, p, n_bins=4, strategy="uniform")
    assert np.allclose(u[["lower", "upper"]].to_numpy().ravel(),
                       [0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1.0])


@pytest.fixture(scope="module")
def sim_data():
    """A directed network with persistent ties and a node covariate."""
    rng = np.random.default_rng(11)
    n, t_max = 15, 8
    size = rng.normal(size=n)
    tie = rng.random((n, n)) < 0.1
    rows = []
    for t in range(t_max):
        logit = -2.5 + 2.5 * tie + 0.8 * size[:, None] + 0.8 * size[None, :]
        tie = rng.random((n, n)) < 1 / (1 + np.exp(-logit))
        np.fill_diagonal(tie, False)
        i, j = np.nonzero(tie)
        rows.append(pd.DataFrame({"from": i.astype(str), "to": j.astype(str), "year": 2000 + t}))
    edges = pd.concat(rows)
    nodes = pd.DataFrame({"name": np.arange(n).astype(str), "size": size})
    return dyad_data(edges, sender="from", receiver="to", period="year", nodes=nodes,
                     node_actor="name")


def test_dyad_data_from_edge_list(sim_data):
    f = sim_data.frame
    assert sim_data.directed and len(f) == 15 * 14 * 7
    assert {"size_sender", "size_receiver", "tie_lag1", "reciprocity_lag1"} <= set(f.columns)
    # the lag of (i, j) in t is the outcome of (i, j) in t - 1; reciprocity is that of (j, i)
    key = f.set_index(["sender", "receiver", "period_index"])["y"]
    sub = f[f.period_index >= 2].sample(200, random_state=0)
    prev = key.reindex(list(zip(sub.sender, sub.receiver, sub.period_index - 1, strict=True)))
    rev = key.reindex(list(zip(sub.receiver, sub.sender, sub.period_index - 1, strict=True)))
    np.testing.assert_array_equal(sub["tie_lag1"].to_numpy(), prev.to_numpy())
    np.testing.assert_array_equal(sub["reciprocity_lag1"].to_numpy(), rev.to_numpy())


def test_undirected_data_share_cells():
    e = pd.DataFrame({"sender": ["a", "b", "c"], "receiver": ["b", "c", "a"],
                      "period": [1, 1, 2]})
    d = dyad_data(e, directed=False)
    f = d.frame
    assert (f.groupby("cell")["y"].nunique() == 1).all()
    assert (f.groupby("cell").size() == 2).all() and (f["weight"] == 0.5).all()
    assert f.loc[(f.sender == "a") & (f.receiver == "b"), "tie_lag1"].item() == 1.0
    assert f.loc[(f.sender == "b") & (f.receiver == "a"), "tie_lag1"].item() == 1.0
    assert f.loc[(f.sender == "a") & (f.receiver == "c"), "shared_enemies_lag1"].item() == 1.0


def test_edge_list_errors():
    with pytest.raises(KeyError, match="no column 'src'"):
        dyad_data(pd.DataFrame({"a": [1]}), sender="src")
    with pytest.raises(ValueError, match="self-tie"):
        dyad_data(pd.DataFrame({"sender": ["a"], "receiver": ["a"], "period": [1]}))


class _Spy:
    """A protocol model that records what it was shown and predicts the base rate."""

    name = "spy"

    def __init__(self):
        self.seen = []

    def fit(self, data, rows):
        y = data.frame["y"].to_numpy()
        self.seen.append((data, np.asarray(rows)))
        assert not np.isnan(y[rows]).any()
        return _SpyFit(float(np.nanmean(y[rows])))


class _SpyFit:
    def __init__(self, rate):
        self.rate = rate

    def predict_proba(self, data, rows):
        return np.full(len(rows), self.rate)


def test_rolling_origin_hides_the_future(sim_data):
    spy = _Spy()
    assert isinstance(spy, DyadModel)
    res = rolling_origin(sim_data, [spy], first_origin=3)
    assert sorted(res.predictions["fold"].unique()) == [3, 4, 5, 6]
    for (data, rows), origin in zip(spy.seen, [3, 4, 5, 6], strict=True):
        f = data.frame
        assert (f.loc[f.period_index > origin, "y"].isna()).all()
        assert f.loc[f.period_index <= origin, "y"].notna().all()
        assert (f["period_index"].to_numpy()[rows] <= origin).all()
        assert (data.edges["period_index"] <= origin).all()
    pred = res.predictions
    assert (pred["period_index"] == pred["fold"] + 1).all()
    with pytest.raises(ValueError, match="origins must satisfy"):
        rolling_origin_splits(sim_data, first_origin=0)


@pytest.mark.parametrize("scheme", ["random", "period"])
def test_cross_validation_partitions_cells(sim_data, scheme):
    splits = cv_splits(sim_data, k=4, scheme=scheme, rng=7)
    test = np.concatenate([s.test for s in splits])
    assert np.array_equal(np.sort(test), np.arange(len(sim_data.frame)))
    per = sim_data.frame["period_index"].to_numpy()
    for s in splits:
        assert np.intersect1d(s.train, s.test).size == 0
        if scheme == "period":
            assert np.intersect1d(per[s.train], per[s.test]).size == 0
    again = cv_splits(sim_data, k=4, scheme=scheme, rng=7)
    assert all(np.array_equal(a.test, b.test) for a, b in zip(splits, again, strict=True))
    spy = _Spy()
    res = cross_validate(sim_data, [spy], k=4, scheme=scheme, rng=7)
    for (data, _), s in zip(spy.seen, splits, strict=True):
        assert data.frame["y"].isna().sum() == s.test.size
    assert len(res.predictions) == len(sim_data.frame)


def test_glm_forecast_beats_base_rate_and_tables(sim_data):
    models = {"pooled": DyadicGLM(covariates=["size_sender", "size_receiver"],
                                  fixed_effects=[]),
              "pooled+lag": DyadicGLM(covariates=["tie_lag1", "size_sender", "size_receiver"],
                                      fixed_effects=[]),
              "fe+lag": DyadicGLM(covariates=["tie_lag1"], fixed_effects=["sender", "receiver",
                                                                           "period"])}
    roll = rolling_origin(sim_data, models, first_origin=3)
    cv = cross_validate(sim_data, models, k=5, rng=1)
    table = compare_models(roll, cv)
    assert table.index.get_level_values("scheme").unique().tolist() == ["rolling_origin",
                                                                        "random"]
    sc = roll.scores()
    # the lagged tie is the data's strongest signal: it must improve every score
    assert sc.loc["pooled+lag", "roc_auc"] > sc.loc["pooled", "roc_auc"] + 0.05
    assert sc.loc["pooled+lag", "average_precision"] > sc.loc["pooled", "average_precision"]
    assert (sc["average_precision"] > 2 * sc["base_rate"]).all()
    assert (sc["brier"] < sc["base_rate"] * (1 - sc["base_rate"])).all()
    folds = roll.fold_scores()
    assert set(folds["fold"]) == {3, 4, 5, 6}
    cal = roll.calibration("pooled+lag", n_bins=5)
    assert cal["n"].sum() == pytest.approx(sc.loc["pooled+lag", "n_cells"])


def test_plots_draw(sim_data):
    import matplotlib

    matplotlib.use("Agg")
    from sahelmodel.dyadic import plot_forecast_curves

    res = rolling_origin(sim_data, [DyadicGLM(covariates=["tie_lag1"], fixed_effects=[])],
                         first_origin=5)
    fig = plot_forecast_curves(res)
    assert len(fig.axes) == 3 and fig.axes[0].get_lines()


def test_forecast_result_unknown_model():
    pred = pd.DataFrame({"model": "m", "fold": 0, "y": [0.0, 1.0], "p": [0.2, 0.7],
                         "weight": 1.0})
    with pytest.raises(KeyError, match="no model 'x'"):
        ForecastResult(pred, "random").calibration("x")


def test_published_network_workflow_edge_list_and_node_table():
    """The workflow of an independent evaluation: a directed actor x year battle network as a
    plain edge list, a node covariate table with actors entering and leaving, a dyad
    covariate, K-fold cross-validation of several models through the public API."""
    rng = np.random.default_rng(8)
    years = range(2000, 2010)
    actors = [f"g{k}" for k in range(25)]
    life = {a: (2000 + int(rng.integers(0, 4)), 2005 + int(rng.integers(0, 5))) for a in actors}
    nodes = pd.DataFrame([{"actor": a, "year": y, "strength": float(rng.normal()),
                           "rebel": int(a < "g1")} for a in actors for y in years
                          if life[a][0] <= y <= life[a][1]])
    nodes.loc[3, "strength"] = np.nan  # a missing node covariate
    dist = pd.DataFrame([{"sender": a, "receiver": b, "distance": abs(int(a[1:]) - int(b[1:]))}
                         for a in actors for b in actors if a != b])
    rows = []
    for y in years:
        alive = nodes[nodes.year == y].set_index("actor")
        for a in alive.index:
            for b in alive.index:
                if a != b and rng.random() < 1 / (1 + np.exp(3 + 0.2 * abs(int(a[1:])
                                                                      - int(b[1:])))) * 4:
                    rows.append({"side_a": a, "side_b": b, "year": y})
    edges = pd.DataFrame(rows)
    data = dyad_data(edges, sender="side_a", receiver="side_b", period="year", nodes=nodes,
                     node_period="year", dyads=dist)
    f = data.frame
    assert {"strength_sender", "rebel_receiver", "distance"} <= set(data.covariates)
    per_year = f.groupby("period")["sender"].nunique()
    assert per_year.nunique() > 1  # the actor set changes over time
    assert f["strength_sender"].isna().any()
    with pytest.raises(ValueError, match="cannot be predicted"):
        cross_validate(data, [DyadicGLM(covariates=["strength_sender"], fixed_effects=[])],
                       k=3, rng=0)
    clean = data.dropna()
    assert not clean.frame[list(clean.covariates)].isna().any().any()
    assert clean.frame["cell"].nunique() == len(clean.frame)
    models = {"glm": DyadicGLM(covariates=["distance", "strength_sender", "strength_receiver",
                                           "reciprocity_lag1", "tie_lag1"], fixed_effects=[]),
              "fe": DyadicGLM(covariates=["distance", "tie_lag1"],
                              fixed_effects=["sender", "receiver"])}
    res = cross_validate(clean, models, k=5, rng=3)
    sc = res.scores()
    assert sc.loc["glm", "roc_auc"] > 0.7  # distance drives the simulated ties
    assert set(sc.index) == {"glm", "fe"}


def test_glm_clustered_by_dyad(sim_data):
    rows = np.arange(len(sim_data.frame))
    fit = DyadicGLM(covariates=["tie_lag1"], fixed_effects=["sender"], cov="cluster").fit(
        sim_data, rows)
    iid = DyadicGLM(covariates=["tie_lag1"], fixed_effects=["sender"]).fit(sim_data, rows)
    assert fit.results.cov_type == "cluster (1-way)"
    np.testing.assert_allclose(fit.results.params, iid.results.params)
    assert fit.results.std_errors["tie_lag1"] != iid.results.std_errors["tie_lag1"]
