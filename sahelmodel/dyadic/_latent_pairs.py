# ruff: noqa: NPY002  (numba-compiled code draws from numba's own generator, seeded per chain)
r"""Compiled pair-block updates of the probit AME sampler.

The dyadic correlation is updated with the latent pairs integrated out, then the latent pairs
are drawn exactly.

For a dyad :math:`\{i, j\}` in period :math:`t`, with means :math:`\mu_{ij}, \mu_{ji}` and
signs :math:`s = 2y - 1`, the pair :math:`w_1 = s_{ij}(z_{ij} - \mu_{ij})`,
:math:`w_2 = s_{ji}(z_{ji} - \mu_{ji})` is standard bivariate normal with correlation
:math:`r = s_{ij}s_{ji}\rho`, restricted to :math:`w_1 > c_1 = -s_{ij}\mu_{ij}`,
:math:`w_2 > c_2 = -s_{ji}\mu_{ji}` (no restriction, :math:`c = -\infty`, for a missing cell).
Hence

.. math::

    p(y \mid \mu, \rho) = \prod_{\text{pairs}} \bar\Phi_2(c_1, c_2; r),

the bivariate normal upper orthant probability (Genz 2004, "Numerical computation of
rectangular bivariate and trivariate normal and t probabilities", *Statistics and Computing*
14, algorithm ``bvnu``). The block :math:`(\rho, z)` is updated by a random-walk Metropolis step
for :math:`\theta = \operatorname{atanh}\rho` on this collapsed likelihood (the uniform prior
on :math:`\rho` gives the Jacobian :math:`1 - \rho^2`), followed by an exact draw of every pair
from its truncated bivariate normal: :math:`w_1` (the coordinate with the larger bound) by
rejection from :math:`N(0, 1)` truncated to :math:`(c_1, \infty)` with acceptance
:math:`\Phi((r w_1 - c_2)/\sqrt{1 - r^2})`, then :math:`w_2 \mid w_1` from its truncated normal.
This removes the strong coupling of :math:`\rho` and :math:`z` that makes a Gibbs step for
:math:`\rho` given :math:`z` mix slowly.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["bvn_upper", "draw_pairs", "pair_loglik", "pair_loglik_ratio", "update_rho"]

_SQRT2 = math.sqrt(2.0)
_TWO_PI = 2.0 * math.pi

_W6 = np.array([0.1713244923791705, 0.3607615730481384, 0.4679139345726904])
_X6 = np.array([0.9324695142031522, 0.6612093864662647, 0.2386191860831970])
_W12 = np.array([0.04717533638651177, 0.1069393259953183, 0.1600783285433464,
                 0.2031674267230659, 0.2334925365383547, 0.2491470458134029])
_X12 = np.array([0.9815606342467191, 0.9041172563704750, 0.7699026741943050,
                 0.5873179542866171, 0.3678314989981802, 0.1252334085114692])
_W20 = np.array([0.01761400713915212, 0.04060142980038694, 0.06267204833410906,
                 0.08327674157670475, 0.1019301198172404, 0.1181945319615184,
                 0.1316886384491766, 0.1420961093183821, 0.1491729864726037,
                 0.1527533871307259])
_X20 = np.array([0.9931285991850949, 0.9639719272779138, 0.9122344282513259,
                 0.8391169718222188, 0.7463319064601508, 0.6360536807265150,
                 0.5108670019508271, 0.3737060887154196, 0.2277858511416451,
                 0.07652652113349733])


@numba.njit(cache=True)
def _phi_upper(x):
    """P(N(0, 1) > x)."""
    return 0.5 * math.erfc(x / _SQRT2)


@numba.njit(cache=True)
def _nodes(r):
    if abs(r) < 0.3:
        w, x = _W6, _X6
    elif abs(r) < 0.75:
        w, x = _W12, _X12
    else:
        w, x = _W20, _X20
    m = w.size
    ww = np.empty(2 * m)
    xx = np.empty(2 * m)
    for k in range(m):
        ww[k] = w[k]
        ww[m + k] = w[k]
        xx[k] = 1.0 - x[k]
        xx[m + k] = 1.0 + x[k]
    if abs(r) < 0.925:  # fold in what depends on r alone: the sines and the factor
        asr = 0.5 * math.asin(r)
        for k in range(2 * m):
            xx[k] = math.sin(asr * xx[k])
            ww[k] *= asr / _TWO_PI
    return ww, xx


@numba.njit(cache=True)
def _bvnu(h, k, r, ww, xx):
    """P(X > h, Y > k) for a standard bivariate normal with correlation r (Genz's bvnu)."""
    if h == np.inf or k == np.inf:
        return 0.0
    if h == -np.inf:
        return 1.0 if k == -np.inf else _phi_upper(k)
    if k == -np.inf:
        return _phi_upper(h)
    if r == 0.0:
        return _phi_upper(h) * _phi_upper(k)
    hk = h * k
    bvn = 0.0
    if abs(r) < 0.925:
        # here ``ww`` holds weight * asin(r) / (4 pi) and ``xx`` the sines, see _nodes
        hs = 0.5 * (h * h + k * k)
        for q in range(ww.size):
            sn = xx[q]
            bvn += ww[q] * math.exp((sn * hk - hs) / (1.0 - sn * sn))
        bvn += _phi_upper(h) * _phi_upper(k)
    else:
        if r < 0.0:
            k = -k
            hk = -hk
        if abs(r) < 1.0:
            a_s = 1.0 - r * r
            a = math.sqrt(a_s)
            bs = (h - k) ** 2
            asr = -0.5 * (bs / a_s + hk)
            c = (4.0 - hk) / 8.0
            d = (12.0 - hk) / 80.0
            if asr > -100.0:
                bvn = a * math.exp(asr) * (1.0 - c * (bs - a_s) * (1.0 - d * bs) / 3.0
                                           + c * d * a_s * a_s)
            if hk > -100.0:
                b = math.sqrt(bs)
                sp = math.sqrt(_TWO_PI) * _phi_upper(b / a)
                bvn -= math.exp(-0.5 * hk) * sp * b * (1.0 - c * bs * (1.0 - d * bs) / 3.0)
            a *= 0.5
            acc = 0.0
            for q in range(ww.size):
                xs = (a * xx[q]) ** 2
                asr_q = -0.5 * (bs / xs + hk)
                if asr_q > -100.0:
                    sp = 1.0 + c * xs * (1.0 + 5.0 * d * xs)
                    rs = math.sqrt(1.0 - xs)
                    ep = math.exp(-0.5 * hk * xs / (1.0 + rs) ** 2) / rs
                    acc += ww[q] * math.exp(asr_q) * (sp - ep)
            bvn = (a * acc - bvn) / _TWO_PI
        if r > 0.0:
            bvn += _phi_upper(max(h, k))
        elif h >= k:
            bvn = -bvn
        else:
            if h < 0.0:
                lo = _phi_upper(-k) - _phi_upper(-h)
            else:
                lo = _phi_upper(h) - _phi_upper(k)
            bvn = lo - bvn
    return min(1.0, max(0.0, bvn))


@numba.njit(cache=True)
def bvn_upper(h, k, r):
    """Vectorised :func:`_bvnu` over arrays ``h``, ``k`` for one correlation ``r``."""
    ww, xx = _nodes(r)
    out = np.empty(h.size)
    for q in range(h.size):
        out[q] = _bvnu(h[q], k[q], r, ww, xx)
    return out


@numba.njit(cache=True)
def _bound(y, mu):
    """Sign and lower bound of w = s (z - mu) for one cell (bound -inf when missing)."""
    if y != y:
        return 1.0, -np.inf
    s = 1.0 if y > 0.5 else -1.0
    return s, -s * mu


@numba.njit(cache=True)
def _bvn_density(h, k, r):
    """Bivariate standard normal density with correlation r at (h, k)."""
    q = 1.0 - r * r
    return math.exp(-0.5 * (h * h - 2.0 * r * h * k + k * k) / q) / (_TWO_PI * math.sqrt(q))


@numba.njit(cache=True)
def _complete_pairs(y, mu, rho):
    r"""Sign product, bounds and orthant probability of every pair with both cells observed.

    Returns arrays ``sg, c1, c2, p`` over the pairs (t, i < j) in loop order: ``sg`` is
    :math:`s_{ij}s_{ji}`, ``c1, c2`` the bounds of :func:`_bound` and ``p`` the probability
    :math:`\bar\Phi_2(c_1, c_2; s_{ij}s_{ji}\rho)` of the pair's outcomes.
    """
    n_t, n, _ = y.shape
    ww_p, xx_p = _nodes(rho)
    ww_n, xx_n = _nodes(-rho)
    size = n_t * n * (n - 1) // 2
    sg = np.empty(size)
    c1 = np.empty(size)
    c2 = np.empty(size)
    p = np.empty(size)
    m = 0
    for t in range(n_t):
        for i in range(n):
            for j in range(i + 1, n):
                y1 = y[t, i, j]
                y2 = y[t, j, i]
                if y1 != y1 or y2 != y2:
                    continue
                s1, c1[m] = _bound(y1, mu[t, i, j])
                s2, c2[m] = _bound(y2, mu[t, j, i])
                sg[m] = s1 * s2
                if sg[m] > 0:
                    p[m] = _bvnu(c1[m], c2[m], rho, ww_p, xx_p)
                else:
                    p[m] = _bvnu(c1[m], c2[m], -rho, ww_n, xx_n)
                m += 1
    return sg[:m], c1[:m], c2[:m], p[:m]


@numba.njit(cache=True)
def pair_loglik_ratio(y, mu, rho, prop):
    """Collapsed log-likelihood ratio of ``prop`` against ``rho`` summed over pairs.

    Each pair contributes log P(y_ij, y_ji | mu, prop) - log P(y_ij, y_ji | mu, rho). The
    probability at ``prop`` is the one at ``rho`` plus the integral of its derivative in the
    correlation, the bivariate density (Plackett's identity), by 3-point Gauss-Legendre
    quadrature over [rho, prop]; exact to about 1e-10 relative for steps below 0.1. Pairs with
    a missing cell are constant in rho and left out.
    """
    sg, c1, c2, p = _complete_pairs(y, mu, rho)
    half = 0.5 * (prop - rho)
    mid = 0.5 * (prop + rho)
    g = math.sqrt(0.6)
    total = 0.0
    for q in range(p.size):
        d = half * (5.0 * _bvn_density(c1[q], c2[q], sg[q] * (mid - g * half))
                    + 8.0 * _bvn_density(c1[q], c2[q], sg[q] * mid)
                    + 5.0 * _bvn_density(c1[q], c2[q], sg[q] * (mid + g * half))) / 9.0
        p_new = p[q] + sg[q] * d
        total += math.log(max(p_new, 1e-300)) - math.log(max(p[q], 1e-300))
    return total


@numba.njit(cache=True)
def pair_loglik(y, mu, rho):
    """Collapsed log-likelihood: the sum over pairs of log P(y_ij, y_ji | mu, rho).

    Pairs with a missing cell are constant in rho and left out.
    """
    p = _complete_pairs(y, mu, rho)[3]
    total = 0.0
    for q in range(p.size):
        total += math.log(max(p[q], 1e-300))
    return total


@numba.njit(cache=True)
def update_rho(y, mu, rho, step):
    """One random-walk Metropolis step for atanh(rho) on the collapsed likelihood.

    Returns the new rho and 1.0 if the proposal was accepted (else 0.0). Proposals moving rho
    by more than 0.1 are evaluated by two full likelihoods, smaller ones by
    :func:`pair_loglik_ratio`.
    """
    theta = math.atanh(rho)
    prop = math.tanh(theta + step * np.random.normal())
    if abs(prop) > 0.999:
        return rho, 0.0
    if abs(prop - rho) < 0.1:
        ratio = pair_loglik_ratio(y, mu, rho, prop)
    else:
        ratio = pair_loglik(y, mu, prop) - pair_loglik(y, mu, rho)
    log_ratio = ratio + math.log(1.0 - prop * prop) - math.log(1.0 - rho * rho)
    if math.log(np.random.random()) < log_ratio:
        return prop, 1.0
    return rho, 0.0


@numba.njit(cache=True)
def _std_trunc_below(a):
    """One draw of N(0, 1) truncated to (a, inf) (Robert 1995)."""
    if a == -np.inf:
        return np.random.normal()
    if a < 0.45:
        while True:
            z = np.random.normal()
            if z > a:
                return z
    lam = 0.5 * (a + math.sqrt(a * a + 4.0))
    while True:
        z = a - math.log(np.random.random()) / lam
        if np.random.random() <= math.exp(-0.5 * (z - lam) ** 2):
            return z


@numba.njit(cache=True)
def _draw_pair(c1, c2, r):
    """Exact draw of (w1, w2) ~ BVN(0, r) restricted to w1 > c1, w2 > c2."""
    swap = c2 > c1
    if swap:
        c1, c2 = c2, c1
    sd = math.sqrt(1.0 - r * r)
    w1 = 0.0
    for _ in range(10_000_000):
        w1 = _std_trunc_below(c1)
        if c2 == -np.inf or np.random.random() < _phi_upper((c2 - r * w1) / sd):
            break
    w2 = r * w1 + sd * _std_trunc_below((c2 - r * w1) / sd)
    if swap:
        return w2, w1
    return w1, w2


@numba.njit(cache=True)
def draw_pairs(y, mu, z, rho, prob_sum):
    """Draw every latent pair exactly given (mu, rho).

    Adds to ``prob_sum`` the conditional probability P(y_ijt = 1 | y_jit, mu, rho) of each
    missing cell (Rao-Blackwellised).
    """
    n_t, n, _ = y.shape
    ww_p, xx_p = _nodes(rho)
    for t in range(n_t):
        for i in range(n):
            for j in range(i + 1, n):
                y1 = y[t, i, j]
                y2 = y[t, j, i]
                s1, c1 = _bound(y1, mu[t, i, j])
                s2, c2 = _bound(y2, mu[t, j, i])
                w1, w2 = _draw_pair(c1, c2, s1 * s2 * rho)
                z[t, i, j] = mu[t, i, j] + s1 * w1
                z[t, j, i] = mu[t, j, i] + s2 * w2
                if y1 != y1:
                    prob_sum[t, i, j] += _cond_prob(mu[t, i, j], y2, mu[t, j, i], rho,
                                                    ww_p, xx_p)
                if y2 != y2:
                    prob_sum[t, j, i] += _cond_prob(mu[t, j, i], y1, mu[t, i, j], rho,
                                                    ww_p, xx_p)


@numba.njit(cache=True)
def _cond_prob(m1, y2, m2, rho, ww, xx):
    """P(z1 > 0 | y2, mu, rho) for a missing cell whose reverse outcome is y2 (or missing)."""
    if y2 != y2:
        return _phi_upper(-m1)
    if y2 > 0.5:
        joint = _bvnu(-m1, -m2, rho, ww, xx)
        marg = _phi_upper(-m2)
    else:
        # P(z1 > 0, z2 < 0) = P(z1 > 0) - P(z1 > 0, z2 > 0)
        joint = _phi_upper(-m1) - _bvnu(-m1, -m2, rho, ww, xx)
        marg = 1.0 - _phi_upper(-m2)
    if marg <= 0.0:
        return _phi_upper(-m1)
    return min(1.0, max(0.0, joint / marg))
