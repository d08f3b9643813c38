r"""Convergence diagnostics of several Markov chains: rank-normalised split R-hat and bulk ESS.

Both follow Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021), "Rank-normalization,
folding, and localization: an improved R-hat", *Bayesian Analysis* 16(2): each chain is split in
halves, draws are replaced by normal scores of their pooled ranks,
:math:`z = \Phi^{-1}((r - 3/8)/(S + 1/4))`, and

.. math::

    \hat R = \sqrt{\frac{\tfrac{N-1}{N} W + \tfrac{1}{N} B}{W}},

with :math:`W` the mean within-chain variance and :math:`B/N` the variance of the chain means;
the reported R-hat is the larger of the bulk value and the value on the folded draws
:math:`|\theta - \operatorname{median}\theta|`. The effective sample size is
:math:`S / \hat\tau` with :math:`\hat\tau = -1 + 2\sum_k \hat P_k` summed over Geyer's initial
positive and monotone sequence of paired autocorrelations (combined across chains as in Stan).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["ess_bulk", "rhat"]


def _split(draws: np.ndarray) -> np.ndarray:
    draws = np.asarray(draws, dtype=float)
    if draws.ndim != 2:
        raise ValueError(f"draws must have shape (chains, draws), got {draws.shape}")
    half = draws.shape[1] // 2
    if half < 2:
        raise ValueError(f"need at least 4 draws per chain, got {draws.shape[1]}")
    return np.concatenate([draws[:, :half], draws[:, -half:]], axis=0)


def _rank_normal(draws: np.ndarray) -> np.ndarray:
    ranks = stats.rankdata(draws, method="average").reshape(draws.shape)
    return stats.norm.ppf((ranks - 0.375) / (draws.size + 0.25))


def _rhat_basic(chains: np.ndarray) -> float:
    n = chains.shape[1]
    w = float(np.mean(np.var(chains, axis=1, ddof=1)))
    b_over_n = float(np.var(np.mean(chains, axis=1), ddof=1))
    if w <= 0.0:
        return float("nan")
    return float(np.sqrt(((n - 1) / n * w + b_over_n) / w))


def rhat(draws: np.ndarray) -> float:
    """Rank-normalised split R-hat of draws with shape (chains, draws).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(rhat(rng.normal(size=(4, 1000))), 2)
    1.0
    """
    split = _split(draws)
    if np.ptp(split) == 0.0:
        return float("nan")
    bulk = _rhat_basic(_rank_normal(split))
    folded = np.abs(split - np.median(split))
    tail = _rhat_basic(_rank_normal(folded))
    return float(max(bulk, tail))


def _autocov(x: np.ndarray) -> np.ndarray:
    n = x.size
    size = 1 << int(np.ceil(np.log2(2 * n)))
    f = np.fft.rfft(x - x.mean(), size)
    ac = np.fft.irfft(f * np.conj(f), size)[:n]
    return ac / n


def ess_bulk(draws: np.ndarray) -> float:
    """Bulk effective sample size of draws with shape (chains, draws).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> 3000 < ess_bulk(rng.normal(size=(4, 1000))) < 5000
    True
    """
    split = _rank_normal(_split(draws))
    m, n = split.shape
    acov = np.array([_autocov(c) for c in split])
    chain_mean = split.mean(axis=1)
    mean_var = float(np.mean(acov[:, 0])) * n / (n - 1)
    var_plus = mean_var * (n - 1) / n + (np.var(chain_mean, ddof=1) if m > 1 else 0.0)
    if var_plus <= 0.0:
        return float("nan")
    rho_hat = 1.0 - (mean_var - np.mean(acov, axis=0)) / var_plus
    rho_hat[0] = 1.0
    # Geyer: sum of adjacent pairs while positive, made monotone
    pairs = []
    k = 0
    while k + 1 < n:
        p = rho_hat[k] + rho_hat[k + 1]
        if p <= 0.0:
            break
        pairs.append(p)
        k += 2
    pairs_arr = np.minimum.accumulate(np.asarray(pairs)) if pairs else np.array([1.0])
    tau = -1.0 + 2.0 * float(np.sum(pairs_arr))
    tau = max(tau, 1.0 / np.log10(m * n))
    return float(m * n / tau)
