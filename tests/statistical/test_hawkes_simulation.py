"""Statistical checks of the Hawkes simulators (seeded, tolerances from theory or the simulation).

* Mean intensity: counts per day over replications match ``(I - A_eff)^{-1} mu`` corrected for
  the start from an empty history, within four of the simulation's own standard errors.
* Time rescaling: the compensator of the true model, evaluated at each event of its own
  dimension, turns the events into unit-rate Poisson processes, so the increments of all
  events pooled are Exp(1) (Kolmogorov-Smirnov on all of them). A misspecified compensator is
  rejected by the same test, showing the check has power.
* The cluster construction and Ogata thinning agree in distribution: two-sample KS tests on
  per-replication statistics (counts, marked counts, first time, median gap, largest burst),
  and the same tests tell apart processes whose excitation differs.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from scipy import stats

from sahelmodel import EventTimes
from sahelmodel._rng import spawn
from sahelmodel.hawkes import (
    ExponentialKernel,
    HawkesParams,
    LogLinearBaseline,
    PiecewiseConstantBaseline,
    SumExponentialKernel,
    relational_adjacency,
    simulate,
)


# ------------------------------------------------------------------ helpers
def true_compensator(params: HawkesParams, et: EventTimes) -> np.ndarray:
    """``Lambda_{d_i}(t_i)`` from ``et.start`` for every event ``i`` (plain loop, exact).

    ``Lambda_d(t) = int mu_d + sum_{t_j < t} A_{d k_j} kappa_{m_j} G_{d k_j}(t - t_j)``
    with ``G`` the kernel CDF; for mixtures of exponentials the sum is kept as states
    ``S[d, k, c] = sum_j m_j exp(-beta_{dkc}(t - t_j))`` and ``M[k] = sum_j m_j``.
    """
    n_dims = params.n_dims
    beta = params.kernel.decays(n_dims)
    coef = params.adjacency[:, :, None] * params.kernel.weights(n_dims)
    state = np.zeros_like(beta)
    mass = np.zeros(n_dims)
    weights = params.mark_weights
    marks = np.zeros(et.n_events, int) if et.marks is None else et.marks
    base = params.baseline.integral(et.start, et.times)  # (N, D)
    out = np.empty(et.n_events)
    previous = et.start
    for i, (t, d, m) in enumerate(zip(et.times, et.dims, marks, strict=True)):
        state *= np.exp(-beta * (t - previous))
        previous = t
        out[i] = base[i, d] + (coef[d] * (mass[:, None] - state[d])).sum()
        weight = weights[m]
        state[:, d, :] += weight
        mass[d] += weight
    return out


def rescaled_increments(params: HawkesParams, et: EventTimes) -> np.ndarray:
    """Increments of the compensator between successive events of each dimension, pooled."""
    comp = true_compensator(params, et)
    pieces = []
    for d in range(et.n_dims):
        c = comp[et.dims == d]
        pieces.append(np.diff(np.concatenate([[0.0], c])))
    return np.concatenate(pieces)


def startup_deficit(params: HawkesParams) -> np.ndarray:
    """Expected events missing because the process starts with an empty history.

    With ``m`` the stationary intensity and ``L[d, k]`` the mean lag of ``g_dk``, the deficit
    ``delta(t) = m - E lambda(t)`` solves ``delta = (A_eff g) * delta + (A_eff (1 - G)) m``;
    integrating over time gives ``(I - A_eff)^{-1} (A_eff o L) m``. ``E N(T) = m T - deficit``
    up to terms that vanish exponentially in ``T``.
    """
    n = params.n_dims
    a_eff = params.effective_adjacency
    lags = params.kernel.mean_lag(np.arange(n)[:, None], np.arange(n)[None, :])
    m = params.mean_intensity()
    return np.linalg.solve(np.eye(n) - a_eff, (a_eff * lags) @ m)


def _replicate(params, end, reps, seed, method="branching"):
    return [simulate(params, end, rng=g, method=method) for g in spawn(seed, reps)]


DYADS = ["jnim|is_sahel", "is_sahel|jnim", "jnim|state", "state|jnim", "is_sahel|state",
         "state|is_sahel"]

MEAN_CASES = {
    "univariate": HawkesParams(baseline=0.5, adjacency=0.5, kernel=1.0),
    "pair_decays_marked": HawkesParams(
        baseline=[0.3, 0.1, 0.2],
        adjacency=[[0.3, 0.2, 0.0], [0.1, 0.2, 0.3], [0.0, 0.25, 0.1]],
        kernel=ExponentialKernel([[1.0, 0.5, 2.0], [0.2, 1.0, 0.5], [1.0, 1.0, 0.3]]),
        mark_multiplier=2.0,
        mark_probability=[0.2, 0.0, 0.5],
    ),
    "sum_of_exponentials": HawkesParams(
        baseline=[0.4, 0.2],
        adjacency=[[0.4, 0.1], [0.3, 0.2]],
        kernel=SumExponentialKernel([2.0, 0.1], weights=[0.7, 0.3]),
    ),
    "two_mark_levels": HawkesParams(
        baseline=[0.3, 0.2],
        adjacency=[[0.2, 0.1], [0.2, 0.2]],
        kernel=[1.0, 0.25],
        mark_multiplier=[3.0, 0.2],
        mark_probability=[[0.1, 0.3], [0.2, 0.0]],
    ),
    "relational_dyads": HawkesParams(
        baseline=np.full(6, 0.05),
        adjacency=relational_adjacency(DYADS, inertia=0.3, retaliation=0.2, spillover=0.05),
        kernel=1 / 14,
        mark_multiplier=2.0,
        mark_probability=0.02,
        dim_names=DYADS,
    ),
}


# ------------------------------------------------------------------ mean intensity
@pytest.mark.parametrize("name", sorted(MEAN_CASES))
def test_mean_intensity_is_inverse_of_i_minus_a_times_mu(name):
    params = MEAN_CASES[name]
    end, reps = 2000.0, 150
    if name == "relational_dyads":
        end = 10000.0  # long lags: keep the window long against them
    runs = _replicate(params, end, reps, seed=zlib.crc32(name.encode()))
    rates = np.array([r.counts for r in runs]) / end  # (reps, D)
    expected = params.mean_intensity() - startup_deficit(params) / end
    se = rates.std(axis=0, ddof=1) / np.sqrt(reps)
    z = (rates.mean(axis=0) - expected) / se
    assert np.all(np.abs(z) < 4.0), (name, rates.mean(axis=0), expected, z)
    if params.mark_probability is not None:
        # each mark level's share of each dimension's events is binomial around its probability
        total = np.array([r.counts for r in runs]).sum(axis=0)
        for level in range(1, params.n_mark_levels + 1):
            hits = np.zeros(params.n_dims)
            for r in runs:
                hits += np.bincount(r.dims[r.marks == level], minlength=params.n_dims)
            p = params.mark_probability[:, level - 1]
            sd = np.sqrt(p * (1 - p) / total)
            assert np.all(np.abs(hits / total - p) <= 4 * sd + 1e-12), (name, level)


def test_mean_intensity_of_the_thinning_reference():
    params = MEAN_CASES["pair_decays_marked"]
    end, reps = 1000.0, 40
    runs = _replicate(params, end, reps, seed=77, method="thinning")
    rates = np.array([r.counts for r in runs]) / end
    expected = params.mean_intensity() - startup_deficit(params) / end
    z = (rates.mean(axis=0) - expected) / (rates.std(axis=0, ddof=1) / np.sqrt(reps))
    assert np.all(np.abs(z) < 4.0), z


def test_startup_deficit_matches_the_univariate_closed_form():
    # univariate: deficit = n m L / (1 - n) with m = mu / (1 - n)
    p = MEAN_CASES["univariate"]
    assert startup_deficit(p)[0] == pytest.approx(0.5 * 1.0 * 1.0 / 0.5)


# ------------------------------------------------------------------ time rescaling
RESCALING_CASES = {
    "pair_decays_marked": (MEAN_CASES["pair_decays_marked"], 3000.0),
    "sum_exp_piecewise": (
        HawkesParams(
            baseline=PiecewiseConstantBaseline(np.arange(0.0, 3001.0, 60.0),
                                               np.tile([[0.2, 2.0], [0.1, 1.0]], 25)),
            adjacency=[[0.3, 0.2], [0.2, 0.3]],
            kernel=SumExponentialKernel([3.0, 0.2], weights=[0.5, 0.5]),
        ),
        3000.0,
    ),
    "two_mark_levels": (MEAN_CASES["two_mark_levels"], 3000.0),
    "loglinear_marked": (
        HawkesParams(
            baseline=LogLinearBaseline(np.arange(0.0, 2001.0, 10.0),
                                       np.sin(np.arange(200) / 8.0)[:, None],
                                       coef=[1.0], intercept=0.0),
            adjacency=0.4,
            kernel=0.5,
            mark_multiplier=3.0,
            mark_probability=0.1,
        ),
        2000.0,
    ),
}


@pytest.mark.parametrize("method", ["branching", "thinning"])
@pytest.mark.parametrize("name", sorted(RESCALING_CASES))
def test_time_rescaled_residuals_of_the_true_model_are_exponential(name, method):
    params, end = RESCALING_CASES[name]
    et = simulate(params, end, rng=zlib.crc32(f"{name}/{method}".encode()), method=method)
    assert et.n_events > 1500
    resid = rescaled_increments(params, et)
    assert resid.size == et.n_events
    p = stats.kstest(resid, "expon").pvalue
    assert p > 1e-3, (name, method, et.n_events, p)


def test_rescaling_check_rejects_a_misspecified_compensator():
    params, end = RESCALING_CASES["pair_decays_marked"]
    et = simulate(params, end, rng=12)
    # a Poisson model with the right mean rates but no excitation
    poisson = HawkesParams(baseline=et.counts / end, adjacency=np.zeros((3, 3)), kernel=1.0)
    assert stats.kstest(rescaled_increments(poisson, et), "expon").pvalue < 1e-6
    # the right excitation but ignoring the marks' extra productivity
    no_kappa = params.replace(mark_multiplier=1.0, mark_probability=None)
    assert stats.kstest(rescaled_increments(no_kappa, et), "expon").pvalue < 0.01


# ------------------------------------------------------------------ the two simulators agree
def _path_statistics(runs: list[EventTimes]) -> dict[str, np.ndarray]:
    def burst(et: EventTimes) -> int:  # most events within any 5 days
        t = et.times
        if t.size == 0:
            return 0
        return int((np.searchsorted(t, t + 5.0, side="left") - np.arange(t.size)).max())

    def median_gap(et: EventTimes) -> float:
        return float(np.median(np.diff(et.times))) if et.n_events > 1 else np.inf

    out = {f"count_{d}": np.array([r.counts[d] for r in runs]) for d in range(runs[0].n_dims)}
    out["marked"] = np.array([r.marked_counts.sum() for r in runs])
    out["first_time"] = np.array([r.times[0] if len(r) else np.inf for r in runs])
    out["median_gap"] = np.array([median_gap(r) for r in runs])
    out["burst"] = np.array([burst(r) for r in runs])
    return out


AGREEMENT = HawkesParams(
    baseline=PiecewiseConstantBaseline([0.0, 50.0, 100.0, 150.0], [[0.3, 0.05, 0.4],
                                                                   [0.1, 0.3, 0.05]]),
    adjacency=[[0.4, 0.2], [0.3, 0.3]],
    kernel=SumExponentialKernel([1.5, 0.1], weights=[[[0.8, 0.2], [0.5, 0.5]],
                                                     [[0.3, 0.7], [1.0, 0.0]]]),
    mark_multiplier=2.5,
    mark_probability=[0.15, 0.05],
)


def test_branching_and_thinning_agree_in_distribution():
    reps, end = 300, 150.0
    fast = _path_statistics(_replicate(AGREEMENT, end, reps, seed=101))
    slow = _path_statistics(_replicate(AGREEMENT, end, reps, seed=202, method="thinning"))
    pvalues = {k: stats.ks_2samp(fast[k], slow[k]).pvalue for k in fast}
    # seven statistics, each at 1e-3: a correct pair fails with probability below 1%
    assert min(pvalues.values()) > 1e-3, pvalues


def test_agreement_check_tells_different_excitation_apart():
    reps, end = 300, 150.0
    weaker = AGREEMENT.replace(adjacency=AGREEMENT.adjacency * 0.6)
    fast = _path_statistics(_replicate(weaker, end, reps, seed=101))
    slow = _path_statistics(_replicate(AGREEMENT, end, reps, seed=202, method="thinning"))
    assert stats.ks_2samp(fast["burst"], slow["burst"]).pvalue < 1e-3
    assert stats.ks_2samp(fast["count_0"], slow["count_0"]).pvalue < 1e-3
