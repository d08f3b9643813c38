r"""Slow, obviously correct reference implementations of the Hawkes likelihood.

Plain Python double loops over events (:math:`O(N^2)`), written straight from the formulas in
:mod:`sahelmodel.hawkes._loglik`, for testing the vectorised core. Also :func:`python_recursion`,
the usual :math:`O(N D)` one-pass recursion in plain Python (the benchmark's ``python`` peer).
"""

from __future__ import annotations

import math

import numpy as np

from sahelmodel.hawkes._loglik import HawkesArrays, HawkesParams

__all__ = ["loglik_reference", "python_recursion"]


def _intensities(data: HawkesArrays, par: HawkesParams):
    t, dims, cats = data.times.tolist(), data.dims.tolist(), data.cats.tolist()
    w = [1.0, *[float(k) for k in par.kappa]]
    piece = data.piece.tolist()
    lam = []
    for i in range(len(t)):
        d = dims[i]
        total = float(par.mu[d, piece[i]])
        for j in range(len(t)):
            if t[j] < t[i]:
                k = dims[j]
                b = float(par.beta[d, k])
                total += par.alpha[d, k] * b * w[cats[j]] * math.exp(-b * (t[i] - t[j]))
        lam.append(total)
    return lam


def loglik_reference(data: HawkesArrays, par: HawkesParams) -> tuple[float, HawkesParams]:
    """Log-likelihood and analytic gradient by direct double sums (slow; for tests).

    Returns
    -------
    loglik : float
    grad : HawkesParams
    """
    t, dims, cats = data.times.tolist(), data.dims.tolist(), data.cats.tolist()
    n, dd = len(t), data.n_dims
    w = [1.0, *[float(k) for k in par.kappa]]
    piece = data.piece.tolist()
    lengths = np.diff(data.edges)
    gmu = -np.tile(lengths, (dd, 1)).astype(float)
    ga = np.zeros((dd, dd))
    gb = np.zeros((dd, dd))
    gk = np.zeros(len(w))
    ll = -float(np.sum(par.mu * lengths[None, :]))
    # compensator of the excitation
    for j in range(n):
        k = dims[j]
        for d in range(dd):
            b = float(par.beta[d, k])
            rem = data.end - t[j]
            mass = 1.0 - math.exp(-b * rem)
            ll -= par.alpha[d, k] * w[cats[j]] * mass
            ga[d, k] -= w[cats[j]] * mass
            gb[d, k] -= par.alpha[d, k] * w[cats[j]] * rem * math.exp(-b * rem)
            gk[cats[j]] -= par.alpha[d, k] * mass
    lam = _intensities(data, par)
    for i in range(n):
        d = dims[i]
        if lam[i] <= 0:
            return -math.inf, HawkesParams(gmu, ga, gb, gk[1:])
        ll += math.log(lam[i])
        gmu[d, piece[i]] += 1.0 / lam[i]
        for j in range(n):
            if t[j] < t[i]:
                k = dims[j]
                b = float(par.beta[d, k])
                u = t[i] - t[j]
                e = math.exp(-b * u)
                ga[d, k] += b * w[cats[j]] * e / lam[i]
                gb[d, k] += par.alpha[d, k] * w[cats[j]] * (e - b * u * e) / lam[i]
                gk[cats[j]] += par.alpha[d, k] * b * e / lam[i]
    return ll, HawkesParams(mu=gmu, alpha=ga, beta=gb, kappa=gk[1:])


def python_recursion(times: list[float], dims: list[int], end: float, mu: list[float],
                     alpha: list[list[float]], beta: float) -> tuple[float, list]:
    """Log-likelihood and gradient (mu, alpha, beta) by the one-pass recursion in plain Python.

    Shared decay, constant baseline, no marks, no ties; the loop a user would write by hand.
    """
    dd = len(mu)
    s0 = [0.0] * dd
    s1 = [0.0] * dd
    gmu = [-(end - 0.0)] * dd
    ga = [[0.0] * dd for _ in range(dd)]
    gb = 0.0
    ll = -sum(mu) * end
    last = times[0] if times else 0.0
    for ti, di in zip(times, dims, strict=True):
        delta = ti - last
        e = math.exp(-beta * delta)
        for k in range(dd):
            s1[k] = e * (s1[k] + delta * s0[k])
            s0[k] = e * s0[k]
        row = alpha[di]
        lam = mu[di]
        for k in range(dd):
            lam += row[k] * beta * s0[k]
        ll += math.log(lam)
        gmu[di] += 1.0 / lam
        for k in range(dd):
            ga[di][k] += beta * s0[k] / lam
            gb += row[k] * (s0[k] - beta * s1[k]) / lam
        s0[di] += 1.0
        last = ti
    for ti, di in zip(times, dims, strict=True):
        rem = end - ti
        e = math.exp(-beta * rem)
        for d in range(dd):
            ll -= alpha[d][di] * (1.0 - e)
            ga[d][di] -= 1.0 - e
            gb -= alpha[d][di] * rem * e
    return ll, [gmu, ga, gb]
