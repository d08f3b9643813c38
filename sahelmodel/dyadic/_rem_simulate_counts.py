# ruff: noqa: NPY002  (numba-compiled code draws from numba's own generator, seeded per call)
r"""Fast exact simulation of a relational event stream with undecayed (count) statistics.

With ``half_life = inf`` and no recency term every statistic of :mod:`._rem_core` is a count
that changes only at events, so the dyad rates :math:`\lambda_{ij} = \lambda_0
\exp(\beta^\top x_{ij})` are constant between events and the stream is a sequence of
competing exponential clocks: the next event comes after an exponential time with rate
:math:`\Lambda = \sum_{ij} \lambda_{ij}` and is dyad :math:`(i, j)` with probability
:math:`\lambda_{ij} / \Lambda`. The rates are kept in a dense ``n × n`` array with its row sums (a
draw scans the row sums, then one row: :math:`O(n)`), and a rate is updated by multiplying it
by :math:`e^{\beta_k}` when statistic :math:`k` of its dyad rises by one. An event
:math:`s \to r` that raises :math:`w_{sr}` from :math:`a` to :math:`a + 1` raises by one

* the two-path count :math:`\mathrm{tc}_{sj}` for :math:`j` with :math:`w_{rj} > a`, and
  :math:`\mathrm{tc}_{ir}` for :math:`i` with :math:`w_{is} > a`
  (:math:`\mathrm{tc}_{ij} = \sum_{k \ne i, j} \min(w_{ik}, w_{kj})`);
* the shared-target count :math:`\mathrm{se}_{sj} = \mathrm{se}_{js}` for :math:`j` with
  :math:`w_{jr} > a` (:math:`\mathrm{se}_{ij} = \sum_{k \ne i, j} \min(w_{ik}, w_{jk})`);

and a capture by :math:`c` from :math:`l` raises :math:`\mathrm{cap}_{cl}` and every dyad's
``target_captured`` aimed at :math:`c`. Only these dyads' rates change, so an event costs
:math:`O(n + d)` with :math:`d` the degrees of its two actors.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from sahelmodel.dyadic._rem_full_counts import raise_counts

__all__ = ["simulate_counts_stream"]


@numba.njit(cache=True, inline="always")
def _bump(rate, row, i, j, factor):
    old = rate[i, j]
    rate[i, j] = old * factor
    row[i] += rate[i, j] - old


@numba.njit(cache=True)
def simulate_counts_stream(n_actors, beta, baseline, n_events, p_capture, seed):
    r"""Return ``times, senders, receivers, capturers, losers, n_done, max_share``.

    ``beta`` has the 7 coefficients of ``STAT_NAMES``; ``beta[4]`` (recency) must be 0.
    Actor arrays are int32. ``n_done < n_events`` when the total rate exceeded 1e250 (the
    process exploded: one dyad's self-excitation took over); ``max_share`` is the largest
    share :math:`\lambda_{ij} / \Lambda` of the drawn dyad at any event; ``rate`` is the
    ``n × n`` array of the rates :math:`\exp(\beta^\top x_{ij})` (per unit ``baseline``) after
    the last event, kept by the incremental updates (a check that they are the statistics of
    :func:`._rem_core.stats_at`).
    """
    np.random.seed(seed)
    n = n_actors
    w = np.zeros((n, n))
    rate = np.ones((n, n))
    for i in range(n):
        rate[i, i] = 0.0
    row = np.full(n, n - 1.0)
    f = np.exp(beta)
    out_nbr = np.zeros((n, 8), dtype=np.int32)
    out_deg = np.zeros(n, dtype=np.int64)
    in_nbr = np.zeros((n, 8), dtype=np.int32)
    in_deg = np.zeros(n, dtype=np.int64)
    ci = np.empty(4 * n, dtype=np.int64)
    cj = np.empty(4 * n, dtype=np.int64)
    ck = np.empty(4 * n, dtype=np.int64)
    times = np.zeros(n_events)
    snd = np.zeros(n_events, dtype=np.int32)
    rcv = np.zeros(n_events, dtype=np.int32)
    cpt = np.full(n_events, -1, dtype=np.int32)
    lsr = np.full(n_events, -1, dtype=np.int32)
    t = 0.0
    max_share = 0.0
    for e in range(n_events):
        if e % 1024 == 0:  # exact row sums now and then: no drift from the increments
            for i in range(n):
                row[i] = rate[i].sum()
        total = row.sum()
        if not (total < 1e250):
            return times[:e], snd[:e], rcv[:e], cpt[:e], lsr[:e], e, max_share, rate
        t += -math.log(1.0 - np.random.random()) / (baseline * total)
        u = np.random.random() * total
        s = 0
        while s < n - 1 and u >= row[s]:
            u -= row[s]
            s += 1
        r = 0
        while r < n - 1 and (u >= rate[s, r] or rate[s, r] == 0.0):
            u -= rate[s, r]
            r += 1
        if r == s:  # rounding at the end of the row
            r = s - 1 if s > 0 else 1
        share = rate[s, r] / total
        if share > max_share:
            max_share = share
        times[e] = t
        snd[e] = s
        rcv[e] = r
        out_nbr, in_nbr, m = raise_counts(s, r, w, out_nbr, out_deg, in_nbr, in_deg, ci, cj, ck)
        for q in range(m):
            _bump(rate, row, ci[q], cj[q], f[ck[q]])
        if np.random.random() < p_capture:
            if np.random.random() < 0.5:
                c, lo = s, r
            else:
                c, lo = r, s
            cpt[e] = c
            lsr[e] = lo
            _bump(rate, row, c, lo, f[5])
            if f[6] != 1.0:
                for i in range(n):
                    if i != c:
                        _bump(rate, row, i, c, f[6])
    return times, snd, rcv, cpt, lsr, n_events, max_share, rate
