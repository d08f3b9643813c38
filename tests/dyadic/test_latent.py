import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sahelmodel.dyadic._latent_gibbs import _linear_term, design_moments
from sahelmodel.dyadic._latent_mcmc import ess_bulk, rhat
from sahelmodel.dyadic.latent import LatentFactorModel
from sahelmodel.dyadic.latent_simulate import simulate_latent_network


def _design_rows(x, n):
    """Explicit design vectors d_ij = (x_ij, e_a(i), e_b(j)) for every cell, and the reverse."""
    n_t, _, _, p = x.shape
    rows, rev = [], []
    for t in range(n_t):
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                d = np.zeros(p + 2 * n)
                d[:p] = x[t, i, j]
                d[p + i] = 1
                d[p + n + j] = 1
                r = np.zeros(p + 2 * n)
                r[:p] = x[t, j, i]
                r[p + j] = 1
                r[p + n + i] = 1
                rows.append(d)
                rev.append(r)
    return np.array(rows), np.array(rev)


def test_design_moments_and_linear_term_match_explicit_design():
    rng = np.random.default_rng(0)
    n, n_t, p = 5, 3, 2
    x = rng.normal(size=(n_t, n, n, p))
    d, r = _design_rows(x, n)
    a_mat, b_mat = design_moments(x, n)
    np.testing.assert_allclose(a_mat, d.T @ d, atol=1e-12)
    np.testing.assert_allclose(b_mat, d.T @ r, atol=1e-12)
    z = rng.normal(size=(n_t, n, n))
    uv = rng.normal(size=(n, n))
    rho = 0.4
    w = z - uv[None]
    wt = np.swapaxes(w, 1, 2)
    mask = ~np.eye(n, dtype=bool)
    target = (w - rho * wt)[:, mask].ravel()
    np.testing.assert_allclose(_linear_term(x, z, uv, rho, p, n), d.T @ target, atol=1e-10)


def test_rhat_and_ess_on_known_chains():
    rng = np.random.default_rng(1)
    iid = rng.normal(size=(4, 2000))
    assert rhat(iid) < 1.005
    assert 0.85 * 8000 < ess_bulk(iid) < 1.15 * 8000
    shifted = iid + np.array([0.0, 0.0, 0.0, 1.0])[:, None]
    assert rhat(shifted) > 1.05  # about sqrt(1 + 1/4) = 1.12 before rank-normalisation
    # AR(1) with phi = 0.8: ESS = N (1 - phi) / (1 + phi)
    phi, n_draws = 0.8, 5000
    ar = np.zeros((4, n_draws))
    e = rng.normal(size=(4, n_draws))
    for k in range(1, n_draws):
        ar[:, k] = phi * ar[:, k - 1] + e[:, k]
    theory = 4 * n_draws * (1 - phi) / (1 + phi)
    assert 0.75 * theory < ess_bulk(ar) < 1.25 * theory


def test_fit_recovers_coefficients_and_predicts_like_the_oracle():
    frame, truth = simulate_latent_network(n_actors=25, n_periods=9, rank=2, rng=7)
    train, test = frame[frame.period < 8], frame[frame.period == 8]
    res = LatentFactorModel(outcome="y", covariates=["x_dyad", "x_sender"], n_chains=2,
                            n_burn=200, n_draws=300, rng=2).fit(train)
    z = (res.params[["intercept", "x_dyad", "x_sender", "rho"]]
         - np.r_[truth["beta"], truth["rho"]]) / res.std_errors[
             ["intercept", "x_dyad", "x_sender", "rho"]]
    assert (z.abs() < 4).all(), z
    p = res.predict_proba(test)
    oracle = stats.norm.cdf(test.eta)

    def auc(score):
        rk = stats.rankdata(score)
        pos = test.y.to_numpy() == 1
        return (rk[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum())

    assert auc(p) > auc(oracle) - 0.03
    pos = res.latent_positions()
    assert list(pos.columns) == ["u1", "u2", "v1", "v2", "sender_effect", "receiver_effect"]
    # the fitted multiplicative effects track the true ones
    uv_hat = pos[["u1", "u2"]].to_numpy() @ pos[["v1", "v2"]].to_numpy().T
    uv_true = truth["u"] @ truth["v"].T
    assert np.corrcoef(uv_hat.ravel(), uv_true.ravel())[0, 1] > 0.7
    table = res.to_frame()
    assert list(table.columns) == ["estimate", "std_error", "lower", "upper", "rhat",
                                   "ess_bulk"]
    assert (table.lower < table.estimate).all() and (table.estimate < table.upper).all()
    assert res.n_iter == 2 * (200 + 300)
    assert "rho" in str(res.summary())


def test_changing_actor_sets_and_unseen_actors():
    frame, _ = simulate_latent_network(n_actors=12, n_periods=4, rank=1, rng=3)
    # actor 0 absent in periods 0-1, actor 11 absent in period 3
    gone = (((frame.sender == 0) | (frame.receiver == 0)) & (frame.period < 2)) | (
        ((frame.sender == 11) | (frame.receiver == 11)) & (frame.period == 3))
    res = LatentFactorModel(outcome="y", covariates=["x_dyad"], rank=1, n_chains=2,
                            n_burn=50, n_draws=50, rng=0).fit(frame[~gone])
    assert res.nobs == int((~gone).sum())
    new = pd.DataFrame({"sender": [99, 0], "receiver": [1, 98], "period": [4, 4],
                        "x_dyad": [0.0, 0.0]})
    p = res.predict_proba(new)
    assert np.isfinite(p).all() and ((p > 0) & (p < 1)).all()


def test_clear_errors():
    frame, _ = simulate_latent_network(n_actors=5, n_periods=2, rng=0)
    model = LatentFactorModel(outcome="y", covariates=["x_dyad"], n_chains=1, n_burn=0,
                              n_draws=4)
    bad = frame.copy()
    bad.loc[3, "y"] = 2.0
    with pytest.raises(ValueError, match="row 3"):
        model.fit(bad)
    with pytest.raises(ValueError, match="twice"):
        model.fit(pd.concat([frame, frame.head(1)]))
    with pytest.raises(KeyError, match="x_missing"):
        LatentFactorModel(covariates=["x_missing"]).fit(frame)
    with pytest.raises(ValueError, match="n_draws"):
        LatentFactorModel(n_draws=2).fit(frame)


@pytest.mark.slow
def test_credible_interval_coverage_small_study():
    # 12 small replications x (3 coefficients + rho): about 46 of 48 intervals should cover
    covered = []
    for seed in range(12):
        frame, truth = simulate_latent_network(n_actors=20, n_periods=6, rank=1, rng=seed)
        res = LatentFactorModel(outcome="y", covariates=["x_dyad", "x_sender"], rank=1,
                                n_chains=2, n_burn=150, n_draws=250, rng=seed).fit(frame)
        ci = res.conf_int().loc[["intercept", "x_dyad", "x_sender", "rho"]]
        true = np.r_[truth["beta"], truth["rho"]]
        covered.extend(((ci.lower <= true) & (true <= ci.upper)).tolist())
    assert np.mean(covered) >= 0.8, np.mean(covered)


def test_forecast_adapter_undirected_rows_get_one_probability():
    from types import SimpleNamespace

    from sahelmodel.dyadic.latent import LatentFactorForecaster

    frame, _ = simulate_latent_network(n_actors=8, n_periods=3, rank=1, rng=1)
    frame = frame.rename(columns={"period": "period_index"})
    # make the outcome symmetric, as undirected data are
    key = frame.set_index(["period_index", "sender", "receiver"]).y
    lo = np.minimum(frame.sender, frame.receiver)
    hi = np.maximum(frame.sender, frame.receiver)
    frame["y"] = key.loc[list(zip(frame.period_index, lo, hi, strict=True))].to_numpy()
    frame["sender"] = frame.sender.astype(str)
    frame["receiver"] = frame.receiver.astype(str)
    data = SimpleNamespace(frame=frame, directed=False)
    model = LatentFactorForecaster(covariates=(), rank=1, n_burn=50, n_draws=60)
    fitted = model.fit(data, np.flatnonzero(frame.period_index < 2))
    test = np.flatnonzero(frame.period_index == 2)
    p = pd.Series(fitted.predict_proba(data, test),
                  index=pd.MultiIndex.from_frame(frame.iloc[test][["sender", "receiver"]]))
    assert p[("1", "2")] == pytest.approx(p[("2", "1")])
