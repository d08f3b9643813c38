from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sahelmodel.dyadic._rem_core import (
    MODE_ALL,
    MODE_FULL,
    MODE_SAMPLE,
    conditional_logit,
    stream_pass,
)
from sahelmodel.dyadic._rem_full_counts import full_counts_pass
from sahelmodel.dyadic._rem_reference import reference_statistics
from sahelmodel.dyadic.rem import RelationalEventModel, event_stream
from sahelmodel.dyadic.rem_simulate import DEFAULT_EFFECTS, simulate_rem
from sahelmodel.events import EventTable

REF = Path(__file__).parent / "reference"


def _random_stream(rng, n_actors, n_events, ties=True):
    t = np.sort(rng.integers(0, n_events // 2, n_events).astype(float) if ties
                else rng.uniform(0, 50, n_events))
    s = rng.integers(0, n_actors, n_events)
    r = (s + rng.integers(1, n_actors, n_events)) % n_actors
    cp = np.where(rng.random(n_events) < 0.3, s, -1)
    lo = np.where(cp >= 0, np.where(rng.random(n_events) < 0.8, r, -1), -1)
    return t, s.astype(np.int64), r.astype(np.int64), cp.astype(np.int64), lo.astype(np.int64)


def stream_arrays(s):
    return s.times, s.senders, s.receivers, s.capturers, s.losers


def _all_stats(stream_arrays, n, decay, entry=None):
    entry = np.full(n, -np.inf) if entry is None else entry
    t = stream_arrays[0]
    return stream_pass(*stream_arrays, n, decay, entry, MODE_ALL, 0, 1, np.zeros(7),
                       np.zeros(t.size, dtype=np.bool_))


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), ties=st.booleans(), decay=st.sampled_from([0.0, 0.1]))
def test_incremental_statistics_match_direct_sums(seed, ties, decay):
    rng = np.random.default_rng(seed)
    n = 5
    arrays = _random_stream(rng, n, 25, ties)
    case, allx, _, _ = _all_stats(arrays, n, decay)
    for e in rng.choice(25, 6, replace=False):
        q = 0
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                ref = reference_statistics(*arrays, n, decay, int(e), i, j)
                np.testing.assert_allclose(allx[e, q], ref, rtol=1e-10, atol=1e-12)
                q += 1
        ref_case = reference_statistics(*arrays, n, decay, int(e), int(arrays[1][e]),
                                        int(arrays[2][e]))
        np.testing.assert_allclose(case[e], ref_case, rtol=1e-10, atol=1e-12)


def test_statistics_and_fit_match_remflow():
    edges = pd.read_csv(REF / "rem_remflow_stream.csv")
    ref = pd.read_csv(REF / "rem_remflow_stats.csv")
    n = 6
    arrays = (edges.time.to_numpy(float), edges.actor1.to_numpy(np.int64),
              edges.actor2.to_numpy(np.int64), np.full(len(edges), -1), np.full(len(edges), -1))
    _, allx, _, _ = _all_stats(arrays, n, 0.0)
    i, j = ref.sender.to_numpy(), ref.receiver.to_numpy()
    ours = allx[ref.event.to_numpy(), i * (n - 1) + j - (j > i)]
    np.testing.assert_array_equal(ours[:, :4], ref[["inertia", "reciprocity", "otp", "osp"]])
    fit = pd.read_csv(REF / "rem_remflow_fit.csv")
    stream = event_stream(edges, sender="actor1", receiver="actor2", actors=np.arange(n))
    res = RelationalEventModel(statistics=("inertia", "reciprocity", "triadic_closure",
                                           "shared_enemies"), half_life=np.inf,
                               n_controls=None).fit(stream)
    # the same likelihood: remflow leaves out the first event, whose term is -log(30) (every
    # statistic is zero then); remflow stops its BFGS a little before the maximum
    beta = np.zeros(7)
    beta[:4] = fit.estimate.to_numpy()
    ll_at_remflow = full_counts_pass(*stream_arrays(stream), n, np.full(n, -np.inf), beta)[0]
    assert ll_at_remflow == pytest.approx(fit.loglik.iloc[0] - np.log(30), abs=1e-6)
    assert res.loglik >= ll_at_remflow - 1e-9
    assert res.loglik - ll_at_remflow < 1e-2
    np.testing.assert_allclose(res.params.to_numpy(), fit.estimate.to_numpy(), atol=1e-2)


def test_conditional_logit_derivatives_match_finite_differences():
    rng = np.random.default_rng(3)
    case = rng.normal(size=(40, 3))
    ctrl = rng.normal(size=(40, 4, 3))
    ctrl[5, 2, 0] = np.nan  # an absent control
    beta = np.array([0.3, -0.2, 0.1])
    _, grad, hess = conditional_logit(case, ctrl, beta)
    h = 1e-6
    for k in range(3):
        e = np.zeros(3)
        e[k] = h
        up, g_up, _ = conditional_logit(case, ctrl, beta + e)
        dn, g_dn, _ = conditional_logit(case, ctrl, beta - e)
        assert grad[k] == pytest.approx((up - dn) / (2 * h), rel=1e-6)
        np.testing.assert_allclose(hess[:, k], (g_up - g_dn) / (2 * h), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("active", [False, True])
@pytest.mark.parametrize("n, n_events", [(8, 120), (12, 3000)])
def test_incremental_full_risk_set_equals_brute_force(active, n, n_events):
    # the longer stream takes degrees past the neighbour lists' first capacity (8), raises
    # counts into the hundreds and passes several recomputations of the sums (every 64 n^2
    # dyad updates)
    rng = np.random.default_rng(5)
    arrays = _random_stream(rng, n, n_events, ties=True)
    entry = (np.sort(rng.uniform(0, 30, n)) if active else np.full(n, -np.inf))
    beta = np.array([0.02, 0.01, 0.005, -0.01, 0.0, 0.03, 0.01]) * (10 if n_events < 1000
                                                                   else 0.5)
    ll, grad, hess = full_counts_pass(*arrays, n, entry, beta)
    out, h_ref, _, _ = stream_pass(*arrays, n, 0.0, entry, MODE_FULL, 0, 1, beta,
                                   np.zeros(n_events, dtype=np.bool_))
    keep = [0, 1, 2, 3, 5, 6]  # the brute force also reports the (unused) recency statistic
    assert ll == pytest.approx(out[0, 0], rel=1e-12)
    np.testing.assert_allclose(grad[keep], out[1, keep], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(hess[np.ix_(keep, keep)], h_ref[0][np.ix_(keep, keep)],
                               rtol=1e-9, atol=1e-9)


def test_case_control_with_every_dyad_is_the_full_risk_set():
    stream = simulate_rem(n_actors=5, n_events=150, rng=2)
    full = RelationalEventModel(n_controls=None, half_life=10.0).fit(stream)
    every = RelationalEventModel(n_controls=19, half_life=10.0, rng=0).fit(stream)
    np.testing.assert_allclose(every.params, full.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(every.std_errors, full.std_errors, rtol=1e-8)


def test_controls_are_distinct_and_never_the_observed_dyad():
    # with m = every other dyad, case + controls must be the whole risk set, each dyad once
    stream = simulate_rem(n_actors=4, n_events=60, rng=4)
    n = 4
    arrays = (stream.times, stream.senders, stream.receivers, stream.capturers, stream.losers)
    case, ctrl, sizes, _ = stream_pass(*arrays, n, 0.1, np.full(n, -np.inf), MODE_SAMPLE, 13,
                                       7, np.zeros(7), np.zeros(60, dtype=np.bool_))
    _, allx, _, _ = _all_stats(arrays, n, 0.1)
    assert (sizes == 12).all()
    assert np.isnan(ctrl[:, 11:, 0]).all() and not np.isnan(ctrl[:, :11, 0]).any()
    for e in range(0, 60, 7):
        got = np.vstack([case[e], ctrl[e, :11]])
        key = np.lexsort(np.round(got, 12).T)
        want = allx[e][np.lexsort(np.round(allx[e], 12).T)]
        np.testing.assert_allclose(got[key], want, atol=1e-12)


def test_recovers_effects_and_ranks_observed_dyads_high():
    stream = simulate_rem(n_actors=15, n_events=2500, rng=8)
    res = RelationalEventModel(n_controls=10, rng=1).fit(stream)
    assert res.converged
    z = (res.params - pd.Series(DEFAULT_EFFECTS)) / res.std_errors
    assert (z.abs() < 4).all(), z
    ranks = res.predicted_ranks(40, rng=0)
    assert ((ranks["rank"] >= 1) & (ranks["rank"] <= ranks.risk_set)).all()
    assert ranks.relative_rank.mean() < 0.5
    assert "inertia" in str(res.summary())


@pytest.mark.slow
def test_interval_coverage_over_simulated_streams():
    # 40 streams x 7 effects: 95% Wald intervals should cover about 266 of 280
    covered = []
    for seed in range(40):
        stream = simulate_rem(n_actors=10, n_events=800, rng=100 + seed)
        res = RelationalEventModel(n_controls=8, rng=seed).fit(stream)
        ci = res.conf_int()
        truth = pd.Series(DEFAULT_EFFECTS)
        covered.extend(((ci.lower <= truth) & (truth <= ci.upper)).tolist())
    share = np.mean(covered)
    assert 0.89 <= share <= 0.99, share


def test_event_table_input_with_captures():
    table = EventTable.from_records([
        {"event_id": "1", "date": "2024-01-01", "actor1": "jnim", "actor2": "is_sahel",
         "event_type": "battle", "country": "Mali", "fatalities": 3, "capture": True,
         "capturer": "jnim", "captured_from": "is_sahel"},
        {"event_id": "2", "date": "2024-01-03", "actor1": "is_sahel", "actor2": "jnim",
         "event_type": "battle", "country": "Mali", "fatalities": 1},
        {"event_id": "3", "date": "2024-01-04", "actor1": "fama", "actor2": "jnim",
         "event_type": "remote_violence", "country": "Mali", "fatalities": 0},
        {"event_id": "4", "date": "2024-01-05", "actor1": "fama", "actor2": "civilians",
         "event_type": "violence_against_civilians", "country": "Mali", "fatalities": 2},
    ])
    s = event_stream(table)
    assert list(s.actors) == ["fama", "is_sahel", "jnim"]
    assert s.times.tolist() == [0.0, 2.0, 3.0]
    assert s.senders.tolist() == [2, 1, 0] and s.receivers.tolist() == [1, 2, 2]
    assert s.capturers.tolist() == [2, -1, -1] and s.losers.tolist() == [1, -1, -1]


def test_clear_errors():
    with pytest.raises(KeyError, match="time"):
        event_stream(pd.DataFrame({"sender": [1], "receiver": [2]}))
    with pytest.raises(ValueError, match="row 1: sender equals receiver"):
        event_stream(pd.DataFrame({"sender": [1, 2], "receiver": [2, 2], "time": [0.0, 1.0]}))
    with pytest.raises(ValueError, match="unknown statistics"):
        RelationalEventModel(statistics=("inertia", "popularity")).fit(
            pd.DataFrame({"sender": [1, 2], "receiver": [2, 1], "time": [0.0, 1.0]}))
    with pytest.raises(ValueError, match="half_life"):
        RelationalEventModel(half_life=0.0).fit(
            pd.DataFrame({"sender": [1, 2], "receiver": [2, 1], "time": [0.0, 1.0]}))


def test_forecast_adapter_ranks_recurring_rivals_first():
    from types import SimpleNamespace

    from sahelmodel.dyadic.rem_forecast import RelationalEventForecaster

    rng = np.random.default_rng(0)
    actors = [f"g{k}" for k in range(8)]
    rivals = [("g0", "g1"), ("g2", "g3"), ("g4", "g5")]
    rows = []
    for period in range(6):
        for s, r in rivals:
            if rng.random() < 0.9:
                rows.append((s, r, period))
        s, r = rng.choice(actors, 2, replace=False)
        rows.append((s, r, period))
    edges = pd.DataFrame(rows, columns=["sender", "receiver", "period_index"])
    cells = pd.DataFrame([(s, r, p) for p in (5, 6) for s in actors for r in actors if s != r],
                         columns=["sender", "receiver", "period_index"])
    cells["y"] = 0.0
    data = SimpleNamespace(frame=cells, edges=edges[edges.period_index < 6], directed=True)
    train = np.flatnonzero(cells.period_index == 5)
    test = np.flatnonzero(cells.period_index == 6)
    fitted = RelationalEventForecaster(statistics=("inertia", "reciprocity")).fit(data, train)
    p = fitted.predict_proba(data, test)
    assert np.isfinite(p).all() and ((p > 0) & (p < 1)).all()
    top = cells.iloc[test].assign(p=p).nlargest(3, "p")
    assert set(zip(top.sender, top.receiver, strict=True)) == set(rivals)
    undirected = SimpleNamespace(frame=cells, edges=data.edges, directed=False)
    q = RelationalEventForecaster(statistics=("inertia",)).fit(undirected, train)
    pu = q.predict_proba(undirected, test)
    sub = cells.iloc[test].assign(p=pu).set_index(["sender", "receiver"]).p
    assert sub[("g0", "g1")] == pytest.approx(sub[("g1", "g0")])


COUNT_STATS = ("inertia", "reciprocity", "triadic_closure", "shared_enemies",
               "capture_from_target", "target_captured")


def test_count_simulator_recovered_by_full_risk_set_fit():
    from sahelmodel.dyadic.rem_simulate import simulate_rem_counts

    effects = {"inertia": 0.05, "reciprocity": 0.05, "triadic_closure": 0.02,
               "shared_enemies": -0.03, "capture_from_target": 0.3, "target_captured": 0.01}
    truth = np.array([effects[s] for s in COUNT_STATS])
    stream = simulate_rem_counts(n_actors=30, n_events=4000, effects=effects, p_capture=0.1,
                                 rng=3)
    assert np.all(np.diff(stream.times) > 0) and np.all(stream.senders != stream.receivers)
    res = RelationalEventModel(statistics=COUNT_STATS, half_life=np.inf,
                               n_controls=None).fit(stream)
    z = (res.params.to_numpy() - truth) / res.std_errors.to_numpy()
    # six coefficients: |z| < 3.5 for all fails with probability about 0.003 under the truth
    assert res.converged and np.all(np.abs(z) < 3.5), z


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_count_simulator_rates_are_the_estimators_statistics(seed):
    # exact: after the stream, the simulator's incrementally updated rate of every ordered pair
    # is exp(beta' x) with x the statistics the estimator computes from the same events
    # (two-paths, shared targets, captures, all directions; degrees past the initial
    # neighbour-list capacity of 8)
    from sahelmodel.dyadic._rem_core import MODE_RANK, stats_at
    from sahelmodel.dyadic._rem_simulate_counts import simulate_counts_stream

    n = 12
    beta = np.array([0.05, 0.03, 0.02, -0.02, 0.0, 0.1, 0.01])
    t, s, r, c, lo, done, _, rate = simulate_counts_stream(n, beta, 1.0, 3000, 0.1, seed)
    arrays = (t, s.astype(np.int64), r.astype(np.int64), c.astype(np.int64),
              lo.astype(np.int64))
    assert done == 3000
    *_, state = stream_pass(*arrays, n, 0.0, np.full(n, -np.inf), MODE_RANK, 0, 1, beta,
                            np.zeros(t.size, dtype=np.bool_))
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    x = stats_at(state, 0.0, t[-1] + 1.0, ii, jj)
    assert x[:, 2].max() > 10 and x[:, 3].max() > 10  # the closure counts are exercised
    np.testing.assert_allclose(rate[ii, jj], np.exp(x @ beta), rtol=1e-10)
    assert np.all(np.diag(rate) == 0.0)


@pytest.mark.parametrize("seed", [11, 12])
def test_case_control_agrees_with_full_risk_set_on_the_same_stream(seed):
    # what sampling the risk set changes, on one stream (150 actors x 4,000 events, the
    # configuration of experiments/rem_scale.py): the full fit is efficient, so the difference
    # of a case-control fit (m = 10) from it has variance about se_cc^2 - se_full^2, about
    # se_full^2 / m. Over 20 draws of the controls: that SD is 0.2-0.5 se_full (1/sqrt(10) =
    # 0.32 at beta = 0), the squared differences in its units average about 1 (120 values,
    # sd of the mean about 0.13 if independent: bounds 0.6-1.5), no coefficient's mean
    # difference is off by more than 1 of its SD (4.5 / sqrt(20)), and at least 97% of the
    # differences are below one se_full (about 3.2 SD: 99.8% in theory)
    from sahelmodel.dyadic.rem_simulate import simulate_rem_counts

    stream = simulate_rem_counts(n_actors=150, n_events=4000, rng=seed)
    full = RelationalEventModel(statistics=COUNT_STATS, half_life=np.inf,
                                n_controls=None).fit(stream)
    se_f = full.std_errors.to_numpy()
    z, dist = [], []
    for k in range(20):
        cc = RelationalEventModel(statistics=COUNT_STATS, half_life=np.inf, n_controls=10,
                                  rng=k).fit(stream)
        assert cc.converged
        d = (cc.params - full.params).to_numpy()
        sd = np.sqrt(cc.std_errors.to_numpy() ** 2 - se_f**2)
        assert np.all((sd / se_f > 0.2) & (sd / se_f < 0.5)), sd / se_f
        z.append(d / sd)
        dist.append(np.abs(d) / se_f)
    z, dist = np.array(z), np.array(dist)
    assert 0.6 < np.mean(z**2) < 1.5, np.mean(z**2, axis=0)
    assert np.all(np.abs(z.mean(axis=0)) < 1.0), z.mean(axis=0)
    assert np.mean(dist < 1.0) >= 0.97, dist.max(axis=0)


def test_full_risk_set_newton_spends_one_pass_per_iteration(monkeypatch):
    # near the optimum the log partial likelihood (a sum over 30,000 events) moves only by
    # rounding: such steps are kept, and a step below the tolerance ends the fit without a
    # further pass, so the fit evaluates the full risk set once per Newton iteration (the
    # line search used to spend 12 passes on these 4 iterations)
    import sahelmodel.dyadic.rem as rem_module
    from sahelmodel.dyadic.rem_simulate import simulate_rem_counts

    passes = []
    inner = rem_module.full_counts_pass

    def counted(*args):
        passes.append(1)
        return inner(*args)

    monkeypatch.setattr(rem_module, "full_counts_pass", counted)
    stream = simulate_rem_counts(n_actors=300, n_events=30_000, rng=1)
    res = RelationalEventModel(statistics=COUNT_STATS, half_life=np.inf,
                               n_controls=None).fit(stream)
    assert res.converged and len(passes) == res.n_iter, (len(passes), res.n_iter)
    ll, grad, _ = inner(*stream_arrays(stream), 300, np.full(300, -np.inf),
                        res._full_beta())
    assert ll == pytest.approx(res.loglik, rel=1e-12)
    g = grad[res.columns]
    assert g @ res.cov.to_numpy() @ g < 1e-10  # at the optimum to within 1e-5 standard errors


@pytest.mark.slow
def test_case_control_intervals_cover_on_count_streams():
    # the configuration of experiments/rem_scale.py (count statistics, COUNT_EFFECTS, 5% of
    # events with a capture) at 200 actors x 20,000 events: 30 streams x 6 coefficients of
    # 95% Wald intervals from the sampled-risk-set information (binomial sd of the pooled share
    # about 0.016), and no coefficient's z off centre by more than 3 / sqrt(30)
    from sahelmodel.dyadic.rem_simulate import COUNT_EFFECTS, simulate_rem_counts

    truth = np.array([COUNT_EFFECTS[s] for s in COUNT_STATS])
    z = []
    for seed in range(30):
        stream = simulate_rem_counts(n_actors=200, n_events=20_000, rng=7000 + seed)
        res = RelationalEventModel(statistics=COUNT_STATS, half_life=np.inf, n_controls=10,
                                   rng=seed).fit(stream)
        assert res.converged
        z.append((res.params.to_numpy() - truth) / res.std_errors.to_numpy())
    z = np.array(z)
    share = np.mean(np.abs(z) < 1.959964)
    assert 0.90 <= share <= 0.99, share
    assert np.all(np.abs(z.mean(axis=0)) < 3 / np.sqrt(30)), z.mean(axis=0)


def test_count_simulator_errors():
    from sahelmodel.dyadic.rem_simulate import simulate_rem_counts

    with pytest.raises(ValueError, match="recency"):
        simulate_rem_counts(n_actors=5, n_events=10, effects={"recency": 0.1})
    with pytest.raises(FloatingPointError, match="exploded after"):
        simulate_rem_counts(n_actors=5, n_events=5000, effects={"inertia": 1.0}, rng=0)


def test_forecaster_on_ucdp_dyad_data_forward_only(ucdp_path):
    import sahelmodel
    from sahelmodel.dyadic import clash_data, rolling_origin
    from sahelmodel.dyadic.rem_forecast import RelationalEventForecaster, _event_times

    data = clash_data(sahelmodel.read_ucdp_ged(str(ucdp_path)), freq="Y", half_life=1.0)
    t = _event_times(data.edges, data.periods)
    p = data.edges["period_index"].to_numpy()
    assert np.all((t >= p) & (t < p + 1)) and np.all(np.diff(t) >= 0)
    years = pd.DatetimeIndex(data.periods).year
    first = int(np.flatnonzero(years == 2020)[0])
    model = RelationalEventForecaster(statistics=("inertia", "reciprocity", "recency"),
                                      half_life=1.0)
    roll = rolling_origin(data, {"rem": model}, first_origin=first, last_origin=first + 2)
    sc = roll.scores().loc["rem"]
    assert sc["roc_auc"] > 0.9 and sc["average_precision"] > 10 * sc["base_rate"]
    train = np.flatnonzero(data.frame["period_index"].to_numpy() <= first)
    fitted = model.fit(data, train)
    with pytest.raises(ValueError, match="forward only"):
        fitted.predict_proba(data, train[-5:])
