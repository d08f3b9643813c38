# ruff: noqa: NPY002  (numba-compiled code draws from numba's own generator, seeded per chain)
r"""Compiled updates of the Poisson log-normal latent-factor sampler (counts through a log link).

For counts, :math:`y_{ijt} \sim \text{Poisson}(e^{z_{ijt}})` with the latent Gaussian
:math:`z_{ijt} = \mu_{ijt} + \varepsilon_{ijt}` of the AME model and
:math:`(\varepsilon_{ijt}, \varepsilon_{jit}) \sim N(0, \sigma^2 [[1, \rho], [\rho, 1]])`.
Given its reverse cell, :math:`z_{ijt} \sim N(m, v)` with
:math:`m = \mu_{ijt} + \rho(z_{jit} - \mu_{jit})`, :math:`v = \sigma^2(1 - \rho^2)`, and the
full conditional :math:`\log p(z) = yz - e^z - (z - m)^2/(2v)` is log-concave. Each cell is
updated by an independence Metropolis-Hastings step whose proposal is the Laplace
approximation at the mode (Newton's method), missing cells by a draw from :math:`N(m, v)`.
:math:`\rho` is slice-sampled given :math:`z` and :math:`\sigma^2` drawn from its
inverse-gamma full conditional (prior :math:`IG(1/2, 1/2)`, as ``amen``).
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["pair_sums", "update_rho_given_z", "update_s2", "update_z_count"]


@numba.njit(cache=True)
def _log_target(z, y, m, v):
    return y * z - math.exp(z) - 0.5 * (z - m) ** 2 / v


@numba.njit(cache=True)
def update_z_count(y, mu, z, rho, s2, prob_sum):
    """Update every cell's latent log-rate; add P(y >= 1 | z) of missing cells to prob_sum.

    Returns the share of accepted proposals over the observed cells.
    """
    n_t, n, _ = y.shape
    v = s2 * (1.0 - rho * rho)
    sd = math.sqrt(v)
    accepted = 0
    tried = 0
    for t in range(n_t):
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                m = mu[t, i, j] + rho * (z[t, j, i] - mu[t, j, i])
                obs = y[t, i, j]
                if obs != obs:
                    z[t, i, j] = m + sd * np.random.normal()
                    prob_sum[t, i, j] += 1.0 - math.exp(-math.exp(z[t, i, j]))
                    continue
                # mode of y z - e^z - (z - m)^2 / (2 v) by Newton's method
                zm = min(max(z[t, i, j], m - 10.0 * sd), m + 10.0 * sd)
                for _ in range(30):
                    ez = math.exp(zm)
                    step = (obs - ez - (zm - m) / v) / (ez + 1.0 / v)
                    zm += step
                    if abs(step) < 1e-10:
                        break
                h = math.sqrt(1.0 / (math.exp(zm) + 1.0 / v))
                cur = z[t, i, j]
                prop = zm + h * np.random.normal()
                log_ratio = (_log_target(prop, obs, m, v) - _log_target(cur, obs, m, v)
                             + 0.5 * ((prop - zm) / h) ** 2 - 0.5 * ((cur - zm) / h) ** 2)
                tried += 1
                if math.log(np.random.random()) < log_ratio:
                    z[t, i, j] = prop
                    accepted += 1
    return accepted / max(tried, 1)


@numba.njit(cache=True)
def pair_sums(z, mu):
    """Sums over ordered cells of e_ij^2 and e_ij e_ji, e = z - mu."""
    n_t, n, _ = z.shape
    s_sq = 0.0
    s_c = 0.0
    for t in range(n_t):
        for i in range(n):
            for j in range(n):
                if i != j:
                    e = z[t, i, j] - mu[t, i, j]
                    s_sq += e * e
                    s_c += e * (z[t, j, i] - mu[t, j, i])
    return s_sq, s_c


@numba.njit(cache=True)
def _rho_loglik(rho, s_sq, s_c, n_pairs):
    q = 1.0 - rho * rho
    return -0.5 * n_pairs * math.log(q) - (s_sq - rho * s_c) / (2.0 * q)


@numba.njit(cache=True)
def update_rho_given_z(s_sq, s_c, n_pairs, rho):
    """Slice sampler (stepping out) for rho given the scaled pair sums, uniform prior."""
    lo_bound, hi_bound = -0.999, 0.999
    level = _rho_loglik(rho, s_sq, s_c, n_pairs) + math.log(np.random.random())
    w = 0.05
    left = rho - w * np.random.random()
    right = left + w
    while left > lo_bound and _rho_loglik(left, s_sq, s_c, n_pairs) > level:
        left -= w
    while right < hi_bound and _rho_loglik(right, s_sq, s_c, n_pairs) > level:
        right += w
    left = max(left, lo_bound)
    right = min(right, hi_bound)
    while True:
        prop = left + (right - left) * np.random.random()
        if _rho_loglik(prop, s_sq, s_c, n_pairs) > level:
            return prop
        if prop < rho:
            left = prop
        else:
            right = prop


@numba.njit(cache=True)
def update_s2(s_sq, s_c, n_cells, rho):
    """Draw sigma^2 from IG(1/2 + N/2, 1/2 + Q/2), Q = (s_sq - rho s_c) / (1 - rho^2)."""
    quad = (s_sq - rho * s_c) / (1.0 - rho * rho)
    shape = 0.5 + 0.5 * n_cells
    rate = 0.5 + 0.5 * quad
    return rate / np.random.gamma(shape, 1.0)
