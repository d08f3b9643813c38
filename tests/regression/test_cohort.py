"""The cohort event-study estimator on an absorbed cell factor.

Checked against a slow reference (one dummy column per cohort × relative-period cell, fitted
with fepois, aggregated by hand), and for the cases the factor formulation handles: many
cells, cohorts without a reference period, the two fixed-effect solvers.
"""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from sahelmodel import event_study, fenegbin, fepois
from sahelmodel.regression._demean import FixedEffects, demean, solve_normal


def _panel(seed=0, n_units=80, n_t=16, share=0.7, first_range=(3, 12), rate=1.0, first=None):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_t)
    t = np.tile(np.arange(n_t), n_units)
    if first is None:
        first = np.where(rng.random(n_units) < share, rng.integers(*first_range, n_units),
                         10**6)
    k = t - first[unit]
    eff = np.where(k >= 0, 0.05 * k + 0.03 * (first[unit] % 4), 0.0)
    x = rng.normal(size=unit.size)
    lam = rate * np.exp(rng.normal(scale=0.4, size=n_units)[unit] + 0.2 * x + eff)
    return pd.DataFrame({"dyad": unit, "period_index": t, "period": t, "x": x,
                         "first": first[unit], "capture": (k == 0).astype(int),
                         "y": rng.poisson(lam), "yn": rng.negative_binomial(2, 2 / (2 + lam))})


def _dense_reference(df, outcome, window, model, cov_kw, controls=()):
    """One dummy per cohort × relative-period cell, then the share-weighted averages."""
    lo, hi = window
    first, t = df["first"].to_numpy(), df["period_index"].to_numpy()
    treated = first < 10**6
    rel = t - first
    cols, cell_h = {}, {}
    for g in np.unique(first[treated]):
        for r in np.unique(rel[treated & (first == g)]):
            if r != -1:
                name = f"c{g}_{r}".replace("-", "m")
                cols[name] = (treated & (first == g) & (rel == r)).astype(float)
                cell_h[name] = int(np.clip(r, lo, hi))
    fit = (fepois if model == "poisson" else fenegbin)(
        f"{outcome} ~ " + " + ".join([*cols, *controls]) + " | dyad + period",
        pd.concat([df, pd.DataFrame(cols)], axis=1), **cov_kw)
    horizons = [k for k in range(lo, hi + 1) if k != -1]
    w = np.zeros((len(horizons), len(fit.params)))
    for i, k in enumerate(horizons):
        cells = [c for c in cols if cell_h[c] == k and c in fit.params.index]
        counts = np.array([cols[c].sum() for c in cells])
        for c, n in zip(cells, counts, strict=True):
            w[i, fit.params.index.get_loc(c)] = n / counts.sum()
    return w @ fit.params.to_numpy(), np.sqrt(np.diag(w @ fit.cov.to_numpy() @ w.T))


@pytest.mark.parametrize(("model", "outcome", "cov_kw", "controls"), [
    ("poisson", "y", {}, ()),
    ("poisson", "y", {"cov": "cluster", "cluster": "dyad"}, ("x",)),
    ("nb2", "yn", {"cov": "cluster", "cluster": "dyad"}, ()),
])
def test_cohort_equals_dummy_variable_regression(model, outcome, cov_kw, controls):
    df = _panel(1)
    window = (-3, 4)
    est, se = _dense_reference(df, outcome, window, model, cov_kw, controls)
    es = event_study(df, outcome=outcome, event="capture", window=window, method="cohort",
                     model=model, cluster=cov_kw.get("cluster"), controls=controls)
    tab = es.table.drop(index=-1)
    np.testing.assert_allclose(tab["estimate"], est, rtol=0, atol=1e-8)
    np.testing.assert_allclose(tab["std_error"], se, rtol=1e-6)


def test_many_cohorts_and_periods_are_not_refused():
    # 120 periods, 60 cohorts of two units: ~7,000 cells, far beyond dummy columns
    first = np.where(np.arange(200) < 120, 2 + (np.arange(200) % 60) * 2, 10**6)
    df = _panel(2, n_units=200, n_t=120, rate=8.0, first=first)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no separation, no lost cohort
        es = event_study(df, outcome="y", event="capture", window=(-4, 8), method="cohort")
    tab = es.table.drop(index=-1)
    assert np.isfinite(tab["estimate"]).all() and (tab["std_error"] > 0).all()
    assert np.abs(tab.loc[[-4, -3, -2], "estimate"]).max() < 0.3


def test_cohort_without_reference_period_is_left_out_with_a_warning():
    df = _panel(3)
    first_u = df.groupby("dyad")["first"].first()
    unit = first_u[first_u < 10**6].index[0]
    # this unit is treated at the panel's first period: no pre-period, hence no reference
    df.loc[df["dyad"] == unit, "capture"] = (df.loc[df["dyad"] == unit, "period_index"]
                                             == 0).astype(int)
    with pytest.warns(RuntimeWarning, match="no row at the reference period"):
        es = event_study(df, outcome="y", event="capture", window=(-2, 2), method="cohort")
    assert es.fit.nobs == len(df) - int((df["dyad"] == unit).sum())


@pytest.mark.parametrize("n_factors", [2, 3])
def test_direct_and_conjugate_gradient_solvers_agree(n_factors):
    rng = np.random.default_rng(n_factors)
    n = 3000
    codes = [rng.integers(0, 400, n), rng.integers(0, 30, n), rng.integers(0, 12, n)]
    fe = FixedEffects.from_codes(codes[:n_factors])
    w = rng.uniform(0.2, 3.0, n)
    x = rng.normal(size=(n, 2))
    assert fe.direct_cost() is not None
    b = np.vstack([np.column_stack([np.bincount(c, weights=w * x[:, j], minlength=g)
                                    for j in range(2)]) for c, g in zip(fe.codes, fe.sizes,
                                                                          strict=True)])
    a_direct, _, ok_d = solve_normal(fe, w, b, method="direct")
    a_cg, _, ok_c = solve_normal(fe, w, b, method="cg", tol=1e-13)
    assert ok_d and ok_c
    offsets = np.cumsum((0, *fe.sizes))

    def fitted(a):
        return sum(a[offsets[f]:offsets[f + 1]][c] for f, c in enumerate(fe.codes))

    np.testing.assert_allclose(fitted(a_direct), fitted(a_cg), atol=1e-9)
    np.testing.assert_allclose(demean(x, fe, w)[0], x - fitted(a_direct), atol=1e-9)


def test_solver_rejects_an_unknown_method():
    fe = FixedEffects.from_codes([np.array([0, 1]), np.array([0, 0])])
    with pytest.raises(ValueError, match="method must be"):
        solve_normal(fe, np.ones(2), np.zeros((3, 1)), method="lu")


def _sparse_cohort_panel(seed=0):
    # small cohorts (four units each) at a low rate: some cohorts have an all-zero outcome at
    # their reference period -1 and some cohort x period cells are all zero (separation)
    first = np.where(np.arange(40) < 28, 3 + np.arange(40) % 7, 10**6)
    return _panel(seed, n_units=40, n_t=12, rate=0.5, first=first)


def _without_separated(df):
    """The sample the separated model's finite parameters live on (dropped until stable)."""
    treated = df["first"] < 10**6
    rel = df["period_index"] - df["first"]
    ref = df[treated & (rel == -1)].groupby("first")["y"].sum()
    df = df[~df["first"].isin(ref.index[ref == 0])]
    while True:
        treated = df["first"] < 10**6
        cell = np.where(treated & (df["period_index"] - df["first"] != -1),
                        df["first"] * 1000 + df["period_index"], -1)
        zero = np.zeros(len(df), dtype=bool)
        for key in (pd.Series(cell, index=df.index), df["dyad"], df["period_index"]):
            sums = df["y"].groupby(key).transform("sum")
            zero |= (sums == 0).to_numpy() & (key != -1).to_numpy()
        if not zero.any():
            return df
        df = df[~zero]


def _glm_reference(sm, red, window, horizons):
    """statsmodels GLM, one dummy per unit, period and cell; share-weighted cell averages."""
    lo, hi = window
    rel = (red["period_index"] - red["first"]).to_numpy()
    treated = (red["first"] < 10**6).to_numpy()
    in_cell = treated & (rel != -1)
    cell = pd.Series(np.where(in_cell, red["first"] * 1000 + red["period_index"], -1))
    dummies = pd.get_dummies(cell, prefix="c", dtype=float).drop(columns="c_-1")
    design = pd.concat([pd.get_dummies(red["dyad"].to_numpy(), prefix="d", dtype=float),
                        pd.get_dummies(red["period_index"].to_numpy(), prefix="t",
                                       drop_first=True, dtype=float), dummies], axis=1)
    glm = sm.GLM(red["y"].to_numpy(), design.to_numpy(), family=sm.families.Poisson()).fit(
        tol=1e-13, maxiter=200)
    keys = np.array([int(c[2:]) for c in dummies.columns])
    horizon = np.clip(keys % 1000 - keys // 1000, lo, hi)
    share = dummies.sum(axis=0).to_numpy()
    start = design.shape[1] - dummies.shape[1]
    agg = np.zeros((len(horizons), design.shape[1]))
    for i, k in enumerate(horizons):
        at = horizon == k
        agg[i, start + np.flatnonzero(at)] = share[at] / share[at].sum()
    return agg @ glm.params, np.sqrt(np.diag(agg @ glm.cov_params() @ agg.T))


def test_separated_cohorts_and_cells_leave_the_averages_as_in_a_dummy_variable_fit():
    sm = pytest.importorskip("statsmodels.api")
    df = _sparse_cohort_panel()
    window = (-3, 4)
    with pytest.warns(RuntimeWarning) as record:
        es = event_study(df, outcome="y", event="capture", window=window, method="cohort",
                         cluster=None)
    text = " | ".join(str(r.message) for r in record)
    assert "2 cohort(s) (first event at period_index = 5, 8) have an all-zero outcome" in text
    tab = es.table.drop(index=-1)
    assert np.isfinite(tab["estimate"]).all() and (tab["std_error"] > 0).all()
    # reference: statsmodels GLM with one dummy per unit, period and cell on the sample left
    # once the separated cohorts and cells are dropped; cells weighted by their shares
    red = _without_separated(df)
    assert len(red) == es.fit.nobs
    n_cells = [int(((d["first"] < 10**6) & (d["period_index"] != d["first"] - 1)).pipe(
        lambda m, d=d: d[m].groupby(["first", "period_index"]).ngroups)) for d in
        (df[~df["first"].isin([5, 8])], red)]
    removed = re.search(r"(\d+) of (\d+) cohort cells were removed", text)
    assert removed and [int(removed[2]) - int(removed[1]), int(removed[2])] == n_cells[::-1]
    assert int(removed[1]) > 0
    est, se = _glm_reference(sm, red, window, tab.index)
    np.testing.assert_allclose(tab["estimate"], est, rtol=0, atol=1e-6)
    np.testing.assert_allclose(tab["std_error"], se, rtol=1e-5)


def test_horizon_whose_cells_are_all_separated_is_nan_and_the_others_are_not():
    df = _sparse_cohort_panel(3)
    rel = df["period_index"] - df["first"]
    df.loc[(df["first"] < 10**6) & (rel == 2), "y"] = 0
    with pytest.warns(RuntimeWarning, match=r"horizon\(s\) \[2\] have no estimable cohort cell"):
        es = event_study(df, outcome="y", event="capture", window=(-3, 4), method="cohort",
                         cluster="dyad")
    tab = es.table.drop(index=-1)
    assert np.isnan(tab.loc[2, "estimate"]) and np.isnan(tab.loc[2, "std_error"])
    others = tab.drop(index=2)
    assert np.isfinite(others["estimate"]).all() and (others["std_error"] > 0).all()
    # the remaining horizons equal the dummy-variable fit (clustered covariance as well)
    red = _without_separated(df).reset_index(drop=True)
    est, se = _dense_reference(red, "y", (-3, 4), "poisson", {"cov": "cluster",
                                                                 "cluster": "dyad"})
    keep = [i for i, k in enumerate(tab.index) if k != 2]
    np.testing.assert_allclose(others["estimate"], est[keep], rtol=0, atol=1e-7)
    np.testing.assert_allclose(others["std_error"], se[keep], rtol=1e-6)
