# ruff: noqa: NPY002  (numba-compiled code draws from numba's own generator, seeded per call)
r"""Compiled core of the relational event model: statistics over the event stream, arrays only.

Events ``e = 0..E-1`` are sorted by time; event ``e`` is ``s_e -> r_e`` at ``t_e``, and may
carry a capture ``capturer_e -> loser_e`` (``-1`` where absent; ``loser_e = -1`` with a
capturer is a capture whose loser is unknown). With :math:`\lambda = \ln 2 / h` and
:math:`w_{ij}(t) = \sum_{e: s_e = i, r_e = j, t_e < t} e^{-\lambda (t - t_e)}`, the statistics of
the directed dyad :math:`(i, j)` just before :math:`t` are

====  ===================  ==============================================================
k     name                 value
====  ===================  ==============================================================
0     inertia              :math:`w_{ij}(t)`
1     reciprocity          :math:`w_{ji}(t)`
2     triadic_closure      :math:`\sum_{k \ne i,j} \min(w_{ik}(t), w_{kj}(t))` (outgoing two-paths)
3     shared_enemies       :math:`\sum_{k \ne i,j} \min(w_{ik}(t), w_{jk}(t))` (shared targets)
4     recency              :math:`1 / (1 + t - \tau_{ij})`, :math:`\tau_{ij}` the last
                           :math:`i \to j` event (0 before any)
5     capture_from_target  :math:`c_{ij}(t)`, decayed captures by :math:`i` from :math:`j`
6     target_captured      :math:`c_{j\cdot}(t)`, decayed captures by :math:`j` from anyone
====  ===================  ==============================================================

Events at the same time see only strictly earlier events. State is dense ``n × n`` (decayed
weights kept on a common scale :math:`e^{\lambda (t - t_0)}`, renormalised when it grows) plus
out-neighbour lists, so one statistic costs O(out-degree) and a pass O(E · m · degree).
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["N_STATS", "STAT_NAMES", "conditional_logit", "conditional_logit_cols", "group_end",
           "push_neighbour", "record_event", "rescale", "stats_at", "stream_pass"]

STAT_NAMES = ("inertia", "reciprocity", "triadic_closure", "shared_enemies", "recency",
              "capture_from_target", "target_captured")
N_STATS = 7

MODE_SAMPLE = 0  # case + m sampled controls per event
MODE_RANK = 1  # rank of the observed dyad among the whole risk set at selected events
MODE_FULL = 2  # full risk-set log partial likelihood, gradient and Hessian at beta
MODE_ALL = 3  # statistics of every ordered pair (i-major order) at every event


@numba.njit(cache=True)
def _stats(i, j, t, scale, w, last, cap, cap_any, out_nbr, out_deg, out):
    out[0] = w[i, j] * scale
    out[1] = w[j, i] * scale
    otp = 0.0
    osp = 0.0
    for q in range(out_deg[i]):
        k = out_nbr[i, q]
        if k == j:
            continue
        wik = w[i, k]
        wkj = w[k, j]
        wjk = w[j, k]
        otp += wik if wik < wkj else wkj
        osp += wik if wik < wjk else wjk
    out[2] = otp * scale
    out[3] = osp * scale
    lt = last[i, j]
    out[4] = 1.0 / (1.0 + t - lt) if lt > -np.inf else 0.0
    out[5] = cap[i, j] * scale
    out[6] = cap_any[j] * scale


@numba.njit(cache=True)
def _dot(beta, x):
    s = 0.0
    for q in range(x.shape[0]):
        s += beta[q] * x[q]
    return s


@numba.njit(cache=True)
def rescale(decay, t, t_ref, w, cap, cap_any):
    r"""Move the weights' common scale to ``t`` once it passes :math:`e^{300}`; the new ``t_ref``.

    Decayed weights are stored as :math:`w \, e^{\lambda (t - t_{ref})}`, so a statistic at
    ``t`` is the stored value times ``exp(-decay * (t - t_ref))``.
    """
    if decay * (t - t_ref) > 300.0:
        shrink = math.exp(-decay * (t - t_ref))
        w *= shrink
        cap *= shrink
        cap_any *= shrink
        return t
    return t_ref


@numba.njit(cache=True)
def push_neighbour(nbr, deg, a, b):
    """Append ``b`` to row ``a`` of the neighbour lists; returns them, doubled in width if full."""
    if deg[a] == nbr.shape[1]:
        bigger = np.zeros((nbr.shape[0], 2 * nbr.shape[1]), dtype=nbr.dtype)
        bigger[:, : nbr.shape[1]] = nbr
        nbr = bigger
    nbr[a, deg[a]] = b
    deg[a] += 1
    return nbr


@numba.njit(cache=True)
def record_event(s, r, cp, lo, t, inc, w, last, cap, cap_any, out_nbr, out_deg):
    """Add event ``s -> r`` at ``t`` (capture ``cp -> lo`` or -1) with stored weight ``inc``.

    Returns the out-neighbour array, doubled in width when ``s`` outgrows it.
    """
    if w[s, r] == 0.0:
        out_nbr = push_neighbour(out_nbr, out_deg, s, r)
    w[s, r] += inc
    last[s, r] = t
    if cp >= 0:
        cap_any[cp] += inc
        if lo >= 0:
            cap[cp, lo] += inc
    return out_nbr


@numba.njit(cache=True)
def group_end(times, g):
    """One past the last event at the time of event ``g`` (events sorted by time)."""
    h = g
    while h < times.shape[0] and times[h] == times[g]:
        h += 1
    return h


@numba.njit(cache=True)
def stream_pass(times, senders, receivers, capturers, losers, n_actors, decay, entry,
                mode, n_controls, seed, beta, selected):
    """One pass over the stream; what it returns depends on ``mode``.

    ``entry[i]`` is the time from which actor ``i`` is at risk (``-inf`` for always).
    ``MODE_SAMPLE``: returns ``(case (E, K), controls (E, m, K))`` with controls drawn uniformly
    without replacement from the risk set minus the observed dyad. ``MODE_RANK``: for events
    with ``selected[e]``, the mid-rank of the observed dyad's rate ``beta' x`` among all dyads
    at risk (1 = highest), and the risk-set size, in ``case[:, 0:2]``. ``MODE_FULL``: the full
    risk-set log partial likelihood, gradient and Hessian at ``beta`` in ``case[0, 0]``,
    ``case[1, :]`` and ``controls[0]`` (brute force over every dyad at risk). ``MODE_ALL``:
    the statistics of every ordered pair (i-major, diagonal skipped) at every event in
    ``controls`` (E, n(n-1), K), the observed dyad's in ``case``.
    """
    np.random.seed(seed)
    n_ev = times.shape[0]
    k_st = N_STATS
    w = np.zeros((n_actors, n_actors))
    cap = np.zeros((n_actors, n_actors))
    cap_any = np.zeros(n_actors)
    last = np.full((n_actors, n_actors), -np.inf)
    cap_deg = 8
    out_nbr = np.zeros((n_actors, cap_deg), dtype=np.int64)
    out_deg = np.zeros(n_actors, dtype=np.int64)
    present = np.empty(n_actors, dtype=np.int64)
    is_present = np.zeros(n_actors, dtype=np.bool_)
    n_present = 0
    order = np.argsort(entry, kind="mergesort")
    next_entry = 0
    if mode == MODE_SAMPLE:
        case = np.zeros((n_ev, k_st))
        ctrl = np.zeros((n_ev, n_controls, k_st))
    elif mode == MODE_RANK:
        case = np.full((n_ev, 2), np.nan)
        ctrl = np.zeros((1, 1, k_st))
    elif mode == MODE_ALL:
        case = np.zeros((n_ev, k_st))
        ctrl = np.zeros((n_ev, n_actors * (n_actors - 1), k_st))
    else:
        case = np.zeros((2, k_st))
        ctrl = np.zeros((1, k_st, k_st))
    x = np.zeros(k_st)
    grad_den = np.zeros(k_st)
    hess_den = np.zeros((k_st, k_st))
    chosen_i = np.empty(max(n_controls, 1), dtype=np.int64)
    chosen_j = np.empty(max(n_controls, 1), dtype=np.int64)
    sizes = np.zeros(n_ev)
    t_ref = times[0] if n_ev > 0 else 0.0
    g = 0
    while g < n_ev:
        t = times[g]
        h = group_end(times, g)
        # actors entering the risk set up to t, and actors of this group
        while next_entry < n_actors and entry[order[next_entry]] <= t:
            a = order[next_entry]
            if not is_present[a]:
                is_present[a] = True
                present[n_present] = a
                n_present += 1
            next_entry += 1
        for e in range(g, h):
            for a in (senders[e], receivers[e]):
                if not is_present[a]:
                    is_present[a] = True
                    present[n_present] = a
                    n_present += 1
        t_ref = rescale(decay, t, t_ref, w, cap, cap_any)
        scale = math.exp(-decay * (t - t_ref))
        n_dyads = n_present * (n_present - 1)
        for e in range(g, h):
            s, r = senders[e], receivers[e]
            sizes[e] = n_dyads
            if mode == MODE_SAMPLE:
                _stats(s, r, t, scale, w, last, cap, cap_any, out_nbr, out_deg, case[e])
                m = min(n_controls, n_dyads - 1)
                c = 0
                while c < m:
                    i = present[np.random.randint(n_present)]
                    j = present[np.random.randint(n_present)]
                    if i == j or (i == s and j == r):
                        continue
                    dup = False
                    for q in range(c):
                        if chosen_i[q] == i and chosen_j[q] == j:
                            dup = True
                            break
                    if dup:
                        continue
                    chosen_i[c] = i
                    chosen_j[c] = j
                    _stats(i, j, t, scale, w, last, cap, cap_any, out_nbr, out_deg, ctrl[e, c])
                    c += 1
                for c2 in range(m, n_controls):
                    ctrl[e, c2, 0] = np.nan
            elif mode == MODE_ALL:
                _stats(s, r, t, scale, w, last, cap, cap_any, out_nbr, out_deg, case[e])
                q = 0
                for i in range(n_actors):
                    for j in range(n_actors):
                        if i != j:
                            _stats(i, j, t, scale, w, last, cap, cap_any, out_nbr, out_deg,
                                   ctrl[e, q])
                            q += 1
            elif mode == MODE_RANK:
                if selected[e]:
                    _stats(s, r, t, scale, w, last, cap, cap_any, out_nbr, out_deg, x)
                    eta_obs = _dot(beta, x)
                    above = 0.0
                    tie = 0.0
                    for qi in range(n_present):
                        i = present[qi]
                        for qj in range(n_present):
                            j = present[qj]
                            if i == j or (i == s and j == r):
                                continue
                            _stats(i, j, t, scale, w, last, cap, cap_any, out_nbr, out_deg, x)
                            eta = _dot(beta, x)
                            if eta > eta_obs:
                                above += 1.0
                            elif eta == eta_obs:
                                tie += 1.0
                    case[e, 0] = 1.0 + above + 0.5 * tie
                    case[e, 1] = n_dyads
            else:
                _stats(s, r, t, scale, w, last, cap, cap_any, out_nbr, out_deg, x)
                case[0, 0] += _dot(beta, x)
                for q in range(k_st):
                    case[1, q] += x[q]
                # log-sum-exp over the risk set with gradient and Hessian
                mx = -np.inf
                for qi in range(n_present):
                    for qj in range(n_present):
                        if qi != qj:
                            i, j = present[qi], present[qj]
                            _stats(i, j, t, scale, w, last, cap, cap_any, out_nbr, out_deg, x)
                            eta = _dot(beta, x)
                            if eta > mx:
                                mx = eta
                den = 0.0
                grad_den[:] = 0.0
                hess_den[:, :] = 0.0
                for qi in range(n_present):
                    for qj in range(n_present):
                        if qi != qj:
                            i, j = present[qi], present[qj]
                            _stats(i, j, t, scale, w, last, cap, cap_any, out_nbr, out_deg, x)
                            wt = math.exp(_dot(beta, x) - mx)
                            den += wt
                            for q in range(k_st):
                                grad_den[q] += wt * x[q]
                                for q2 in range(k_st):
                                    hess_den[q, q2] += wt * x[q] * x[q2]
                case[0, 0] -= mx + math.log(den)
                for q in range(k_st):
                    mean_q = grad_den[q] / den
                    case[1, q] -= mean_q
                    for q2 in range(k_st):
                        ctrl[0, q, q2] -= hess_den[q, q2] / den - mean_q * grad_den[q2] / den
        # update the state with the events of this time
        inc = 1.0 / scale
        for e in range(g, h):
            out_nbr = record_event(senders[e], receivers[e], capturers[e], losers[e], t, inc,
                                   w, last, cap, cap_any, out_nbr, out_deg)
        g = h
    return case, ctrl, sizes, (w, last, cap, cap_any, out_nbr, out_deg, t_ref, is_present)


@numba.njit(cache=True)
def stats_at(state, decay, t, senders, receivers):
    """Statistics of the dyads ``senders[q] -> receivers[q]`` at time ``t`` after the stream."""
    w, last, cap, cap_any, out_nbr, out_deg, t_ref, _ = state
    scale = math.exp(-decay * (t - t_ref))
    out = np.zeros((senders.shape[0], N_STATS))
    for q in range(senders.shape[0]):
        _stats(senders[q], receivers[q], t, scale, w, last, cap, cap_any, out_nbr, out_deg,
               out[q])
    return out


@numba.njit(cache=True)
def _dot_cols(beta, x, cols):
    s = 0.0
    for q in range(cols.shape[0]):
        s += beta[q] * x[cols[q]]
    return s


@numba.njit(cache=True)
def conditional_logit_cols(case, ctrl, beta, cols):
    r"""Log partial likelihood of the sampled risk sets, its gradient and Hessian at ``beta``.

    Stratum ``e`` contributes :math:`\beta^\top x_e - \log(e^{\beta^\top x_e} +
    \sum_c e^{\beta^\top x_{ec}})` with :math:`x` the statistics ``cols`` of ``case[e]`` and
    ``ctrl[e, c]`` (read in place: no copy of the control array); controls with a NaN first
    statistic are absent.
    """
    n_ev, m, _ = ctrl.shape
    k = cols.shape[0]
    ll = 0.0
    grad = np.zeros(k)
    hess = np.zeros((k, k))
    wts = np.zeros(m + 1)
    mean = np.zeros(k)
    for e in range(n_ev):
        eta0 = _dot_cols(beta, case[e], cols)
        mx = eta0
        for c in range(m):
            if ctrl[e, c, 0] == ctrl[e, c, 0]:
                v = _dot_cols(beta, ctrl[e, c], cols)
                wts[c + 1] = v
                if v > mx:
                    mx = v
        den = math.exp(eta0 - mx)
        wts[0] = den
        for c in range(m):
            if ctrl[e, c, 0] == ctrl[e, c, 0]:
                wts[c + 1] = math.exp(wts[c + 1] - mx)
                den += wts[c + 1]
            else:
                wts[c + 1] = 0.0
        ll += eta0 - mx - math.log(den)
        for q in range(k):
            cq = cols[q]
            mq = wts[0] * case[e, cq]
            for c in range(m):
                if wts[c + 1] > 0.0:
                    mq += wts[c + 1] * ctrl[e, c, cq]
            mean[q] = mq / den
            grad[q] += case[e, cq] - mean[q]
        for q in range(k):
            cq = cols[q]
            for q2 in range(q, k):
                cq2 = cols[q2]
                sq = wts[0] * case[e, cq] * case[e, cq2]
                for c in range(m):
                    if wts[c + 1] > 0.0:
                        sq += wts[c + 1] * ctrl[e, c, cq] * ctrl[e, c, cq2]
                val = sq / den - mean[q] * mean[q2]
                hess[q, q2] -= val
                if q2 != q:
                    hess[q2, q] -= val
    return ll, grad, hess


@numba.njit(cache=True)
def conditional_logit(case, ctrl, beta):
    """:func:`conditional_logit_cols` over every statistic of ``case`` and ``ctrl``."""
    return conditional_logit_cols(case, ctrl, beta, np.arange(case.shape[1]))
