import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sahelmodel import capability_shifts, capture_effects, event_study, fepois
from sahelmodel.regression.event_study import event_time_columns, event_time_columns_reference


@pytest.mark.properties
@given(seed=st.integers(0, 5000), n_units=st.integers(1, 4), n_t=st.integers(2, 15),
       lo=st.integers(-5, -2), hi=st.integers(0, 5), drop=st.floats(0, 0.3))
def test_event_time_columns_match_slow_reference(seed, n_units, n_t, lo, hi, drop):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"u": np.repeat(np.arange(n_units), n_t),
                       "t": np.tile(np.arange(n_t), n_units) + 3,
                       "e": rng.poisson(0.3, n_units * n_t)})
    df = df[rng.random(len(df)) >= drop]  # unbalanced panels: absent rows have no events
    assume(len(df) > 0)
    df = df.sample(frac=1.0, random_state=seed)  # row order must not matter
    fast = event_time_columns(df, event="e", unit="u", time="t", window=(lo, hi))
    slow = event_time_columns_reference(df, event="e", unit="u", time="t", window=(lo, hi))
    pd.testing.assert_frame_equal(fast, slow)


def _panel(seed=0, n_units=150, n_t=30, effect=lambda k: 0.7 * (k >= 0), share=0.6,
           first_range=(6, 23)):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_t)
    t = np.tile(np.arange(n_t), n_units)
    # first capture period; 10**6 = never captured within the panel
    first = np.where(rng.random(n_units) < share, rng.integers(*first_range, n_units), 10**6)
    k = t - first[unit]
    lam = np.exp(rng.normal(scale=0.4, size=n_units)[unit] + effect(k) * (k >= 0))
    return pd.DataFrame({"dyad": unit, "period_index": t, "period": t, "first": first[unit],
                         "capture_ij": (k == 0).astype(int), "hostile": rng.poisson(lam)})


def test_event_study_table_plot_and_pretrend():
    es = event_study(_panel(), outcome="hostile", event="capture_ij", window=(-3, 4))
    assert list(es.table.index) == [-3, -2, -1, 0, 1, 2, 3, 4]
    assert es.table.loc[-1, "irr"] == 1.0 and es.table.loc[-3, "binned"]
    post = es.table.loc[[0, 1, 2, 3], "estimate"]
    assert np.all(np.abs(post - 0.7) < 4 * es.table.loc[[0, 1, 2, 3], "std_error"])
    test = es.pretrend_test()
    assert test["df"] == 2 and 0 <= test["p_value"] <= 1
    ax = es.plot()
    assert ax.get_yscale() == "log" and len(ax.lines) >= 2
    matplotlib.pyplot.close("all")
    assert es.baseline_rate > 0


def test_event_study_equals_the_hand_built_regression():
    df = _panel(1)
    es = event_study(df, outcome="hostile", event="capture_ij", window=(-2, 2), cluster=None)
    cols = event_time_columns(df, event="capture_ij", unit="dyad", time="period_index",
                              window=(-2, 2))
    ref = fepois("hostile ~ " + " + ".join(cols.columns) + " | dyad + period",
                 pd.concat([df, cols], axis=1))
    np.testing.assert_allclose(es.table.drop(index=-1)["estimate"], ref.params, rtol=1e-10)


def test_cohort_method_is_robust_where_twfe_is_biased():
    # effects grow with time since capture and differ by cohort (early cohorts stronger),
    # and no unit is never-captured except a few: the classic setting where TWFE misleads
    def eff(k):
        return 0.1 * np.clip(k, 0, None)
    df = _panel(2, n_units=300, n_t=24, effect=eff, share=0.8, first_range=(4, 20))
    window = (-3, 3)
    robust = event_study(df, outcome="hostile", event="capture_ij", window=window,
                         method="cohort")
    twfe = event_study(df, outcome="hostile", event="capture_ij", window=window)
    truth = np.array([eff(k) for k in (0, 1, 2)])
    err_robust = robust.table.loc[[0, 1, 2], "estimate"].to_numpy() - truth
    err_twfe = twfe.table.loc[[0, 1, 2], "estimate"].to_numpy() - truth
    se = robust.table.loc[[0, 1, 2], "std_error"].to_numpy()
    assert np.all(np.abs(err_robust) < 4 * se)
    assert np.abs(robust.table.loc[[-3, -2], "estimate"]).max() < 0.15
    assert np.abs(err_twfe).sum() > np.abs(err_robust).sum()


def test_capture_effects_agree_with_direct_formulas():
    es = event_study(_panel(3), outcome="hostile", event="capture_ij", window=(-3, 5))
    out = capture_effects(es, max_horizon=3)
    b = es.table.loc[[0, 1, 2], "estimate"].to_numpy()
    lam = es.baseline_rate
    p1 = 1 - np.exp(-lam * np.exp(b).sum())
    assert out.loc[3, "p_with"] == pytest.approx(p1, rel=1e-10)
    assert out.loc[3, "p_without"] == pytest.approx(1 - np.exp(-3 * lam), rel=1e-10)
    np.testing.assert_allclose(out["irr"], np.exp(b), rtol=1e-12)
    # delta method by hand for h = 1: dp/db0 = exp(-lam e^b0) lam e^b0
    grad = np.exp(-lam * np.exp(b[0])) * lam * np.exp(b[0])
    se = grad * es.table.loc[0, "std_error"]
    assert out.loc[1, "p_with_upper"] - out.loc[1, "p_with"] == pytest.approx(1.959964 * se,
                                                                               rel=1e-5)
    assert (out["p_with"] > out["p_without"]).all()
    with pytest.raises(ValueError, match="binned end point"):
        capture_effects(es, max_horizon=6)


def test_capture_effects_negative_binomial_probability():
    es = event_study(_panel(4), outcome="hostile", event="capture_ij", window=(-2, 3),
                     model="nb2")
    out = capture_effects(es, max_horizon=2, baseline_rate=0.5)
    kappa = es.dispersion
    b = es.table.loc[[0, 1], "estimate"].to_numpy()
    p0 = np.prod((1 + kappa * 0.5 * np.exp(b)) ** (-1 / kappa))
    assert out.loc[2, "p_with"] == pytest.approx(1 - p0, rel=1e-10)


def test_capability_shifts_on_a_simulated_actor_panel():
    rng = np.random.default_rng(5)
    n_a, n_t = 80, 30
    actor = np.repeat(np.arange(n_a), n_t)
    t = np.tile(np.arange(n_t), n_a)
    # first capture period; 10**6 = never captured within the panel
    first = np.where(rng.random(n_a) < 0.6, rng.integers(5, 25, n_a), 10**6)
    post = t >= first[actor]
    events = rng.poisson(np.where(post, 3.0, 2.0))
    fat = rng.poisson(events * np.where(post, 1.5, 1.0))
    df = pd.DataFrame({"actor": actor, "period_index": t, "period": t,
                       "captures": (t == first[actor]).astype(int), "events": events,
                       "fatalities": fat,
                       "admin2_count": np.minimum(events, rng.poisson(2, t.size)),
                       "share_vs_state": rng.beta(2, 2, t.size)})
    out = capability_shifts(df, window=(-3, 4), method="twfe")
    assert set(out) == {"tempo", "lethality", "reach", "target_mix"}
    tempo = out["tempo"].table.loc[[0, 1, 2, 3], "estimate"]
    leth = out["lethality"].table.loc[[0, 1, 2, 3], "estimate"]
    assert abs(tempo.mean() - np.log(1.5)) < 0.15
    assert abs(leth.mean() - np.log(1.5)) < 0.15
    assert out["lethality"].fit.nobs == int((df["events"] > 0).sum())
    with pytest.raises(KeyError, match="needs column 'clashes'"):
        capability_shifts(df, window=(-3, 4))


def test_capability_shifts_default_is_the_anchored_design():
    rng = np.random.default_rng(6)
    n_a, n_t = 20, 40
    clashes = rng.poisson(3.0, n_a * n_t)
    captures = rng.binomial(clashes, 0.1)
    losses = rng.binomial(clashes - captures, 0.1)
    events = clashes + rng.poisson(1.0, n_a * n_t)
    df = pd.DataFrame({"actor": np.repeat(np.arange(n_a), n_t),
                       "period_index": np.tile(np.arange(n_t), n_a), "captures": captures,
                       "losses": losses, "clashes": clashes, "events": events,
                       "fatalities": rng.poisson(events), "admin2_count": events})
    out = capability_shifts(df, window=(-2, 3), outcomes=("tempo", "lethality"))
    direct = event_study(df.assign(a=clashes - losses), outcome="events", event="captures",
                         anchors="a", method="anchored", unit="actor", window=(-2, 3),
                         cluster=None)
    assert out["tempo"].method == "anchored"
    pd.testing.assert_frame_equal(out["tempo"].table, direct.table)
    assert out["lethality"].table["std_error"].notna().all()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"window": (-1, 3)}, "window must satisfy"),
    ({"method": "sa"}, "method must be"),
    ({"model": "nb1"}, "model must be"),
    ({"outcome": "nope"}, "not in the panel"),
])
def test_event_study_bad_arguments(kwargs, message):
    args = {"outcome": "hostile", "event": "capture_ij"} | kwargs
    with pytest.raises((ValueError, KeyError), match=message):
        event_study(_panel(), **args)


def test_event_study_degenerate_panels():
    df = _panel()
    with pytest.raises(ValueError, match="no events"):
        event_study(df.assign(capture_ij=0), outcome="hostile", event="capture_ij")
    with pytest.raises(ValueError, match="single period"):
        event_study(df[df.period_index == 3], outcome="hostile", event="capture_ij")
    with pytest.raises(ValueError, match="duplicate"):
        event_study(pd.concat([df, df]), outcome="hostile", event="capture_ij")
