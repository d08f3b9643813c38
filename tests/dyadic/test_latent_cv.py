"""Cross-validation of the latent-factor model: held-out cells inside the fitted grid.

In a random cell-wise fold the held-out cells lie inside the fitted actor × period grid. Their
forecast must use their own covariates: a held-out cell whose row was not passed to the
sampler is imputed there with an all-zero design (its covariates unknown to it), so the
sampler's imputation probability of that cell is not its forecast.
"""

import numpy as np
import pandas as pd
from scipy import stats
from sklearn import metrics

from sahelmodel.dyadic import (
    FrameModel,
    LatentFactorForecaster,
    LatentFactorModel,
    cross_validate,
    dyad_data,
)
from sahelmodel.dyadic.latent_simulate import simulate_latent_network


def _panel():
    # a strong dyad covariate, as the lagged tie is on real data
    frame, _ = simulate_latent_network(n_actors=12, n_periods=5, rank=1, rho=0.5,
                                       beta=(-1.2, 1.5, 0.3), rng=21)
    return frame


def test_held_out_cell_without_a_row_is_forecast_from_its_covariates():
    frame = _panel()
    rng = np.random.default_rng(3)
    held = rng.random(len(frame)) < 0.2
    model = LatentFactorModel(outcome="y", covariates=["x_dyad"], rank=1, n_chains=1,
                              n_burn=80, n_draws=80, rng=1)
    test = frame[held]
    # (a) held-out rows not passed: the forecast is the posterior mean of Phi(eta)
    res = model.fit(frame[~held])
    assert np.allclose(res.predict_proba(test), res.predict_proba(test.drop(columns="period")))
    # (b) held-out rows passed with a NaN outcome: the sampler imputes them from their own
    # covariates, and its Rao-Blackwellised probabilities track Phi(eta) of the same fit
    res_nan = model.fit(frame.assign(y=np.where(held, np.nan, frame.y)))
    p_rb = res_nan.predict_proba(test)
    p_eta = res_nan.predict_proba(test.drop(columns="period"))
    assert not np.allclose(p_rb, p_eta)  # the reverse cells' outcomes enter
    assert np.corrcoef(p_rb, p_eta)[0, 1] > 0.8
    # (c) a held-out row whose covariate differs from the one the sampler imputed it with
    moved = test.assign(x_dyad=test.x_dyad + 1.0)
    assert np.allclose(res_nan.predict_proba(moved),
                       res_nan.predict_proba(moved.drop(columns="period")))
    for p in (res.predict_proba(test), p_rb):
        auc = metrics.roc_auc_score(test.y, p)
        oracle = metrics.roc_auc_score(test.y, stats.norm.cdf(test.eta))
        assert auc > oracle - 0.05, (auc, oracle)


def test_random_cross_validation_is_close_to_the_oracle():
    frame = _panel()
    names = np.array([f"g{k:02d}" for k in range(12)])
    ties = frame[frame.y == 1]
    edges = pd.DataFrame({"sender": names[ties.sender], "receiver": names[ties.receiver],
                          "period": ties.period.to_numpy()})
    data = dyad_data(edges)
    x = frame.set_index(["period", "sender", "receiver"])
    f = data.frame
    key = list(zip(f.period, pd.Index(names).get_indexer(f.sender),
                   pd.Index(names).get_indexer(f.receiver), strict=True))
    frame_x = x.loc[key]
    data.frame["x_dyad"] = frame_x.x_dyad.to_numpy()
    assert (data.frame.y.to_numpy() == frame_x.y.to_numpy()).all()
    oracle_p = pd.Series(stats.norm.cdf(frame_x.eta.to_numpy()), index=f.index)
    models = {
        "forecaster": LatentFactorForecaster(covariates=("x_dyad",), rank=1, n_chains=1,
                                             n_burn=60, n_draws=60, rng=2),
        "frame model": FrameModel(LatentFactorModel(
            outcome="y", covariates=["x_dyad"], period="period_index", rank=1, n_chains=1,
            n_burn=60, n_draws=60, rng=2), name="frame model"),
    }
    res = cross_validate(data, models, k=5, rng=0)
    pred = res.predictions
    scores = res.scores()
    first = pred[pred.model == "forecaster"]
    oracle = metrics.roc_auc_score(first.y, oracle_p.iloc[first.row])
    oracle_ap = metrics.average_precision_score(first.y, oracle_p.iloc[first.row])
    # measured: forecaster 0.921 / 0.839 (it also passes the held-out rows, so their reverse
    # cells enter), frame model 0.910 / 0.815, oracle Phi(eta) 0.937 / 0.870; before held-out
    # cells were forecast from their covariates, both models 0.753 / 0.578
    assert (scores.roc_auc > oracle - 0.05).all(), (scores, oracle)
    assert (scores.average_precision > oracle_ap - 0.12).all(), (scores, oracle_ap)


def test_frame_model_passes_hidden_rows_of_training_periods_only():
    class Record:
        def fit(self, frame):
            self.frame = frame
            return None

    e = pd.DataFrame({"sender": list("abcab"), "receiver": list("bcacc"),
                      "period": [1, 1, 2, 3, 3]})
    data = dyad_data(e)
    f = data.frame
    per = f.period_index.to_numpy()
    train = np.flatnonzero(per <= 1)
    future = data.hide(np.flatnonzero(per > 1))  # a rolling origin: later periods hidden
    # a fold inside the training periods, with the later periods hidden as well
    fold = data.hide(np.flatnonzero((per > 1) | (f.cell.to_numpy() % 2 == 0)))
    spec = Record()
    FrameModel(spec, name="r", hidden_rows=True).fit(future, train)
    assert len(spec.frame) == train.size and spec.frame.y.notna().all()
    kept = np.flatnonzero(fold.frame.y.notna().to_numpy())
    assert kept.size > 0 and (per[kept] <= 1).all()
    FrameModel(spec, name="r", hidden_rows=True).fit(fold, kept)
    assert sorted(spec.frame.index) == sorted(f.index[per <= 1].tolist())
    assert spec.frame.y.isna().sum() == (len(spec.frame) - kept.size) > 0


def test_undirected_forecasts_are_calibrated():
    from types import SimpleNamespace

    frame, _ = simulate_latent_network(n_actors=14, n_periods=5, rank=1, rho=0.0,
                                       beta=(-2.5, 1.0, 0.0),
                                       cov_ab=((1.0, 0.0), (0.0, 1.0)), rng=8)
    frame = frame.rename(columns={"period": "period_index"})
    # undirected: both rows of a cell carry the outcome and covariate of its lower row
    lo = np.minimum(frame.sender, frame.receiver)
    hi = np.maximum(frame.sender, frame.receiver)
    low = frame.set_index(["period_index", "sender", "receiver"])
    at = list(zip(frame.period_index, lo, hi, strict=True))
    frame["y"] = low.y.loc[at].to_numpy()
    frame["x_dyad"] = low.x_dyad.loc[at].to_numpy()
    data = SimpleNamespace(frame=frame, directed=False)
    model = LatentFactorForecaster(covariates=("x_dyad",), rank=1, n_chains=1, n_burn=100,
                                   n_draws=100, rng=3)
    rows = np.arange(len(frame))
    p = model.fit(data, rows).predict_proba(data, rows)
    # in-sample the mean forecast matches the share of ties (measured: 0.091 against 0.097;
    # fitted on one orientation, sender < receiver, it was 0.136)
    assert abs(p.mean() - frame.y.mean()) < 0.015, (p.mean(), frame.y.mean())
    assert metrics.roc_auc_score(frame.y, p) > 0.85
