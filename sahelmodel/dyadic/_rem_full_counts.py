r"""Full risk-set partial likelihood of the undecayed (count) statistics, in O(1) per changed dyad.

With ``half_life = inf`` and no recency term every statistic of :mod:`._rem_core` is a count
that changes only at events, so the risk-set sums

.. math::

    S = \sum_{(i, j)} e^{\beta^\top x_{ij}}, \quad G = \sum e^{\beta^\top x_{ij}} x_{ij}, \quad
    H = \sum e^{\beta^\top x_{ij}} x_{ij} x_{ij}^\top

are kept across the stream and corrected after each event for the dyads it changes only.
Dyads without history have :math:`x = 0` and contribute 1 to :math:`S` and nothing else, so
they are never visited. Each ordered pair's counts (:math:`w_{ij}`, :math:`w_{ji}`, the
two-path and shared-target counts :math:`\mathrm{tc}_{ij}`, :math:`\mathrm{se}_{ij}`, the
captures :math:`\mathrm{cap}_{ij}`) and its rate :math:`e^{\beta^\top x_{ij}}` share one
64-byte row of a dense ``n × n × 8`` array (one cache line per visited dyad), with the
captures by anyone :math:`c_j` in a vector; a statistic rising by one multiplies the rate by
:math:`e^{\beta_k}` and changes the sums by :math:`O(K^2)` terms, whatever the degrees.
After every :math:`64 n^2` dyad visits the rates and sums are recomputed from the counts, which
bounds the rounding the updates accumulate. An event :math:`s \to r` that raises :math:`w_{sr}`
from :math:`a` to :math:`a + 1` changes

* the inertia of :math:`(s, r)` and the reciprocity of :math:`(r, s)`;
* :math:`\mathrm{tc}_{sj}` (by one) for :math:`j` with :math:`w_{rj} > a`, and
  :math:`\mathrm{tc}_{ir}` for :math:`i` with :math:`w_{is} > a`
  (:math:`\mathrm{tc}_{ij} = \sum_{k \ne i, j} \min(w_{ik}, w_{kj})`);
* :math:`\mathrm{se}_{sj} = \mathrm{se}_{js}` for :math:`j` with :math:`w_{jr} > a`
  (:math:`\mathrm{se}_{ij} = \sum_{k \ne i, j} \min(w_{ik}, w_{jk})`);

and a capture by :math:`c` from :math:`l` raises :math:`\mathrm{cap}_{cl}` and the
``target_captured`` count of every dyad aimed at :math:`c`. A pass costs
:math:`O(\sum_e (d_e + n\,[\text{capture}_e]) K^2)` with :math:`d_e` the degrees of the
event's actors, and :math:`72 n^2` bytes of state (about 72 MB for 1,000 actors).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from sahelmodel.dyadic._rem_core import group_end, push_neighbour

__all__ = ["full_counts_pass", "raise_counts"]

_K = 6  # inertia, reciprocity, triadic closure, shared enemies, capture from target, c_j
_GLOBAL = (0, 1, 2, 3, 5, 6)  # their positions in _rem_core.STAT_NAMES (4 is recency)


# the state of dyad (i, j) is one 64-byte row of D: w_ij, w_ji, tc_ij, se_ij, cap_ij, its rate
# exp(beta' x_ij) and two unused slots; its sixth statistic, c_j, is cap_any[j]
_RATE = 5


@numba.njit(cache=True)
def _term(i, j, sign, d, cap_any, acc):
    """Add ``sign`` times dyad (i, j)'s term to ``acc = (S, G[6], H upper triangle[21])``."""
    e = sign * d[i, j, _RATE]
    acc[0] += e
    q = 1 + _K
    for a in range(_K):
        xa = d[i, j, a] if a < _K - 1 else cap_any[j]
        ex = e * xa
        acc[1 + a] += ex
        if ex != 0.0:
            for b in range(a, _K):
                acc[q + b - a] += ex * (d[i, j, b] if b < _K - 1 else cap_any[j])
        q += _K - a


@numba.njit(cache=True)
def _bump(i, j, k, f, inside, d, cap_any, acc, x):
    r"""Raise statistic ``k`` of dyad (i, j) by one, with its rate and the sums.

    The count rises (``k < 5``; ``c_j`` is raised by the caller), the rate :math:`r` by the
    factor ``f[k]``, and the sums by the change of the dyad's term: with :math:`x' = x + e_k`,
    :math:`r' = f_k r` and :math:`\delta = r' - r`, :math:`r' x' x'^\top - r x x^\top =
    \delta x x^\top + r' (e_k x^\top + x e_k^\top + e_k e_k^\top)`.
    """
    for a in range(_K - 1):
        x[a] = d[i, j, a]
    x[_K - 1] = cap_any[j]
    r0 = d[i, j, _RATE]
    r1 = r0 * f[k]
    if k < _K - 1:
        d[i, j, k] = x[k] + 1.0
    d[i, j, _RATE] = r1
    if not inside:
        return
    dr = r1 - r0
    acc[0] += dr
    acc[1 + k] += r1
    q = 1 + _K  # row a of the upper triangle starts at q; entry (a, b) is acc[q + b - a]
    for a in range(_K):
        u = dr * x[a]
        acc[1 + a] += u
        for b in range(a, _K):
            acc[q + b - a] += u * x[b]
        if a < k:
            acc[q + k - a] += r1 * x[a]
        elif a == k:
            acc[q] += r1 * (2.0 * x[k] + 1.0)
            for b in range(k + 1, _K):
                acc[q + b - k] += r1 * x[b]
        q += _K - a


@numba.njit(cache=True)
def _refresh(b, present, n_present, d, cap_any, acc):
    """Recompute every rate from its counts, and the sums from every dyad at risk.

    Called now and then: it bounds the rounding that the updates accumulate.
    """
    n = d.shape[0]
    for i in range(n):
        for j in range(n):
            if i != j:
                eta = b[_K - 1] * cap_any[j]
                for a in range(_K - 1):
                    eta += b[a] * d[i, j, a]
                d[i, j, _RATE] = math.exp(eta)
    acc[:] = 0.0
    for qi in range(n_present):
        for qj in range(n_present):
            if qi != qj:
                _term(present[qi], present[qj], 1.0, d, cap_any, acc)


@numba.njit(cache=True)
def raise_counts(s, r, w, out_nbr, out_deg, in_nbr, in_deg, ci, cj, ck):
    """Add event ``s -> r`` to the counts ``w`` and the neighbour lists; list what it raises.

    The dyads whose statistics rise by one go to ``(ci[q], cj[q])`` with the statistic in
    ``ck[q]`` (0 inertia, 1 reciprocity, 2 two-paths, 3 shared targets; captures are the
    caller's), in a fixed order, for ``q < m``; the buffers need ``4 n`` entries. Returns the
    neighbour lists (widened when full) and ``m``. The count simulator and the full risk-set
    pass both follow the stream through this one rule.
    """
    a = w[s, r]
    w[s, r] = a + 1.0
    if a == 0.0:
        out_nbr = push_neighbour(out_nbr, out_deg, s, r)
        in_nbr = push_neighbour(in_nbr, in_deg, r, s)
    ci[0], cj[0], ck[0] = s, r, 0
    ci[1], cj[1], ck[1] = r, s, 1
    m = 2
    for q in range(out_deg[r]):  # two-paths s -> r -> j
        j = out_nbr[r, q]
        if j != s and w[r, j] > a:
            ci[m], cj[m], ck[m] = s, j, 2
            m += 1
    for q in range(in_deg[s]):  # two-paths i -> s -> r
        i = in_nbr[s, q]
        if i != r and w[i, s] > a:
            ci[m], cj[m], ck[m] = i, r, 2
            m += 1
    for q in range(in_deg[r]):  # shared target r of s and j
        j = in_nbr[r, q]
        if j != s and w[j, r] > a:
            ci[m], cj[m], ck[m] = s, j, 3
            ci[m + 1], cj[m + 1], ck[m + 1] = j, s, 3
            m += 2
    return out_nbr, in_nbr, m


@numba.njit(cache=True)
def _enter(a, present, is_present, n_present, d, cap_any, acc):
    if is_present[a]:
        return n_present
    for q in range(n_present):
        j = present[q]
        _term(a, j, 1.0, d, cap_any, acc)
        _term(j, a, 1.0, d, cap_any, acc)
    is_present[a] = True
    present[n_present] = a
    return n_present + 1


def full_counts_pass(times: np.ndarray, senders: np.ndarray, receivers: np.ndarray,
                     capturers: np.ndarray, losers: np.ndarray, n_actors: int,
                     entry: np.ndarray, beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    r"""Full risk-set log partial likelihood, gradient and Hessian for undecayed statistics.

    Same arguments and result as a brute-force pass of :func:`._rem_core.stream_pass` in
    ``MODE_FULL`` with ``decay = 0``: ``beta`` has the 7 coefficients of ``STAT_NAMES`` with
    ``beta[4]`` (recency) 0; returns ``(loglik, grad (7,), hess (7, 7))`` with zeros in the
    recency row and column. ``entry[i]`` is the time from which actor ``i`` is at risk.
    Events at the same time see only strictly earlier events. The dyad state is allocated
    here by numpy, which asks the kernel for huge pages on large arrays: the updates reach
    dyads along columns, and with 4 kB pages nearly every one of those would miss the TLB.
    """
    d = np.zeros((n_actors, n_actors, 8))
    d[:, :, _RATE] = 1.0
    return _pass(times, senders, receivers, capturers, losers, n_actors, entry,
                 np.asarray(beta, dtype=np.float64), d)


@numba.njit(cache=True)
def _pass(times, senders, receivers, capturers, losers, n_actors, entry, beta, d):
    """The pass of :func:`full_counts_pass` on the dyad state ``d`` (rates 1, counts 0)."""
    n = n_actors
    n_ev = times.shape[0]
    b = np.empty(_K)
    for a in range(_K):
        b[a] = beta[_GLOBAL[a]]
    f = np.exp(b)
    cap_any = np.zeros(n)
    w = np.zeros((n, n))  # w_ij again, compact, for the neighbour tests
    out_nbr = np.zeros((n, 8), dtype=np.int32)
    out_deg = np.zeros(n, dtype=np.int64)
    in_nbr = np.zeros((n, 8), dtype=np.int32)
    in_deg = np.zeros(n, dtype=np.int64)
    present = np.empty(n, dtype=np.int64)
    is_present = np.zeros(n, dtype=np.bool_)
    n_present = 0
    order = np.argsort(entry, kind="mergesort")
    next_entry = 0
    acc = np.zeros(1 + _K + _K * (_K + 1) // 2)
    x = np.zeros(_K)
    ci = np.empty(4 * n, dtype=np.int64)
    cj = np.empty(4 * n, dtype=np.int64)
    ck = np.empty(4 * n, dtype=np.int64)
    ll = 0.0
    grad = np.zeros(_K)
    hess = np.zeros((_K, _K))
    n_bumps = 0
    g = 0
    while g < n_ev:
        t = times[g]
        h = group_end(times, g)
        while next_entry < n and entry[order[next_entry]] <= t:
            n_present = _enter(order[next_entry], present, is_present, n_present, d, cap_any,
                               acc)
            next_entry += 1
        for e in range(g, h):
            for a in (senders[e], receivers[e]):
                n_present = _enter(a, present, is_present, n_present, d, cap_any, acc)
        if n_bumps > 64 * n_present * n_present:
            _refresh(b, present, n_present, d, cap_any, acc)
            n_bumps = 0
        s_tot = acc[0]
        for e in range(g, h):
            s, r = senders[e], receivers[e]
            eta = 0.0
            for a in range(_K):
                x[a] = d[s, r, a] if a < _K - 1 else cap_any[r]
                eta += b[a] * x[a]
            ll += eta - math.log(s_tot)
            q = 1 + _K
            for a in range(_K):
                ma = acc[1 + a] / s_tot
                grad[a] += x[a] - ma
                for c in range(a, _K):
                    v = acc[q + c - a] / s_tot - ma * acc[1 + c] / s_tot
                    hess[a, c] -= v
                    if c != a:
                        hess[c, a] -= v
                q += _K - a
        # the events of this time change the counts (each by one, in order)
        for e in range(g, h):
            s, r = senders[e], receivers[e]
            n_bumps += out_deg[r] + in_deg[s] + 2 * in_deg[r] + 2  # at most
            if capturers[e] >= 0:
                n_bumps += n
            out_nbr, in_nbr, m = raise_counts(s, r, w, out_nbr, out_deg, in_nbr, in_deg, ci, cj,
                                              ck)
            for q in range(m):
                i, j = ci[q], cj[q]
                _bump(i, j, ck[q], f, is_present[i] and is_present[j], d, cap_any, acc, x)
            cp = capturers[e]
            if cp >= 0:
                lo = losers[e]
                if lo >= 0:
                    _bump(cp, lo, 4, f, is_present[cp] and is_present[lo], d, cap_any, acc,
                          x)
                for i in range(n):  # every dyad aimed at the capturer
                    if i != cp:
                        _bump(i, cp, 5, f, is_present[i] and is_present[cp], d, cap_any,
                              acc, x)
                cap_any[cp] += 1.0
        g = h
    grad7 = np.zeros(7)
    hess7 = np.zeros((7, 7))
    for a in range(_K):
        grad7[_GLOBAL[a]] = grad[a]
        for c in range(_K):
            hess7[_GLOBAL[a], _GLOBAL[c]] = hess[a, c]
    return ll, grad7, hess7
