# ruff: noqa: NPY002  (numba-compiled code draws from numba's own generator, seeded per call)
r"""Exact simulation of a relational event stream whose rates follow the REM statistics.

The rate of :math:`i \to j` is :math:`\lambda_{ij}(t) = \lambda_0 \exp(\beta^\top x_{ij}(t))`
with the statistics of :mod:`sahelmodel.dyadic._rem_core`. Between events every statistic is
non-negative and non-increasing in :math:`t`, so :math:`\lambda_0 \bar\lambda_{ij}` with
:math:`\bar\lambda_{ij} = \exp(\sum_k \max(\beta_k x_{ijk}(s), 0))` bounds the rate from any
time :math:`s` until the next event, and Ogata's thinning with these bounds is exact. Each event
carries a capture with probability ``p_capture``, by its sender from its receiver or by its
receiver from its sender with equal probability.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from sahelmodel.dyadic._rem_core import N_STATS, _stats, record_event, rescale

__all__ = ["simulate_stream"]


@numba.njit(cache=True)
def simulate_stream(n_actors, beta, baseline, decay, n_events, p_capture, seed):
    """Return ``times, senders, receivers, capturers, losers`` of ``n_events`` events."""
    np.random.seed(seed)
    n = n_actors
    w = np.zeros((n, n))
    cap = np.zeros((n, n))
    cap_any = np.zeros(n)
    last = np.full((n, n), -np.inf)
    out_nbr = np.zeros((n, n), dtype=np.int64)
    out_deg = np.zeros(n, dtype=np.int64)
    times = np.zeros(n_events)
    snd = np.zeros(n_events, dtype=np.int64)
    rcv = np.zeros(n_events, dtype=np.int64)
    cpt = np.full(n_events, -1, dtype=np.int64)
    lsr = np.full(n_events, -1, dtype=np.int64)
    bound = np.zeros(n * n)
    x = np.zeros(N_STATS)
    t = 0.0
    t_ref = 0.0
    e = 0
    while e < n_events:
        t_ref = rescale(decay, t, t_ref, w, cap, cap_any)
        scale = math.exp(-decay * (t - t_ref))
        total = 0.0
        for i in range(n):
            for j in range(n):
                b = 0.0
                if i != j:
                    _stats(i, j, t, scale, w, last, cap, cap_any, out_nbr, out_deg, x)
                    s = 0.0
                    for k in range(N_STATS):
                        v = beta[k] * x[k]
                        if v > 0.0:
                            s += v
                    b = math.exp(s)
                total += b
                bound[i * n + j] = total
        if not total < 1e300:
            raise FloatingPointError("the simulated rates exploded; lower the effects")
        t = t - math.log(np.random.random()) / (baseline * total)
        u = np.random.random() * total
        pos = min(np.searchsorted(bound, u, side="right"), n * n - 1)
        i, j = pos // n, pos % n
        b_ij = bound[pos] - (bound[pos - 1] if pos > 0 else 0.0)
        scale = math.exp(-decay * (t - t_ref))
        _stats(i, j, t, scale, w, last, cap, cap_any, out_nbr, out_deg, x)
        rate = 0.0
        for k in range(N_STATS):
            rate += beta[k] * x[k]
        if np.random.random() * b_ij > math.exp(rate):
            continue  # rejected: bounds stay valid from the new t
        times[e] = t
        snd[e] = i
        rcv[e] = j
        if np.random.random() < p_capture:
            if np.random.random() < 0.5:
                cpt[e], lsr[e] = i, j
            else:
                cpt[e], lsr[e] = j, i
        out_nbr = record_event(i, j, cpt[e], lsr[e], t, 1.0 / scale, w, last, cap, cap_any,
                               out_nbr, out_deg)
        e += 1
    return times, snd, rcv, cpt, lsr
