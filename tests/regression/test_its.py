import numpy as np
import pandas as pd
import pytest

from sahelmodel import harmonics, interrupted_time_series


def test_harmonics_are_the_tsmodel_sine_cosine_pairs():
    month = pd.Series(np.arange(1, 25), index=np.arange(100, 124))
    h = harmonics(month, period=12, n_pairs=2)
    assert list(h.columns) == ["cos1", "sin1", "cos2", "sin2"]
    assert (h.index == month.index).all()
    np.testing.assert_allclose(h["sin2"], np.sin(2 * np.pi * 2 * month / 12))
    np.testing.assert_allclose(h.iloc[:12].to_numpy(), h.iloc[12:].to_numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="at most period / 2"):
        harmonics(month, period=12, n_pairs=7)
    with pytest.raises(ValueError, match="positive integer"):
        harmonics(month, period=12, n_pairs=0)


def _series(seed=0, n=120, t0=60):
    rng = np.random.default_rng(seed)
    t = np.arange(1, n + 1)
    ban = (t > t0).astype(int)
    pop = rng.uniform(9e4, 1.1e5, n)
    month = (t - 1) % 12 + 1
    log_rate = (-7 + 0.004 * t - 0.15 * ban - 0.01 * (t - t0 - 1) * ban
                + 0.1 * np.cos(2 * np.pi * month / 12))
    return pd.DataFrame({"y": rng.poisson(pop * np.exp(log_rate)), "t": t, "ban": ban,
                         "pop": pop, "month": month})


def test_segmented_regression_recovers_step_and_slope_change():
    df = _series()
    res = interrupted_time_series(df, outcome="y", time="t", intervention="ban",
                                  exposure="pop", season="month", n_pairs=1)
    ci = res.conf_int(0.999)
    for term, truth in (("ban", -0.15), ("t_after", -0.01), ("t", 0.004)):
        assert ci.loc[term, "lower"] < truth < ci.loc[term, "upper"]
    assert res.scale > 0 and "Pearson" in res.cov_type


def test_its_errors():
    df = _series()
    with pytest.raises(ValueError, match="constant"):
        interrupted_time_series(df.assign(ban=0), outcome="y", time="t", intervention="ban")
    with pytest.raises(ValueError, match="0/1"):
        interrupted_time_series(df.assign(ban=2), outcome="y", time="t", intervention="ban")
    with pytest.raises(ValueError, match="needs season"):
        interrupted_time_series(df, outcome="y", time="t", intervention="ban", n_pairs=2)
    with pytest.raises(KeyError, match="'nope'"):
        interrupted_time_series(df, outcome="nope", time="t", intervention="ban")
