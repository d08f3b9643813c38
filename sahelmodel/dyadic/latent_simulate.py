r"""Simulate directed dyad-period outcomes from the probit latent-factor (AME) model.

.. math::

    y_{ijt} = 1\{\beta^\top x_{ijt} + a_i + b_j + u_i^\top v_j + \varepsilon_{ijt} > 0\},

with an intercept, one dyad covariate ``x_dyad`` ~ N(0, 1) per cell, one sender covariate
``x_sender`` ~ N(0, 1) per actor (held on each of its rows), :math:`(a_i, b_i) \sim
N(0, \Sigma_{ab})`, :math:`u_i, v_i \sim N(0, \sigma_{uv}^2 I_R)` independent, and
:math:`(\varepsilon_{ijt}, \varepsilon_{jit})` standard bivariate normal with correlation
:math:`\rho`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sahelmodel._rng import RNGLike, as_generator

__all__ = ["simulate_latent_network"]


def simulate_latent_network(
    *,
    n_actors: int = 40,
    n_periods: int = 20,
    rank: int = 2,
    beta: Sequence[float] = (-1.0, 0.5, 0.3),
    cov_ab: Sequence[Sequence[float]] = ((0.5, 0.2), (0.2, 0.5)),
    sd_uv: float = 0.7,
    rho: float = 0.5,
    family: str = "probit",
    var_error: float = 1.0,
    rng: RNGLike = None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    r"""Simulate a complete directed actor × actor × period grid of binary outcomes or counts.

    Parameters
    ----------
    n_actors, n_periods, rank : int
        Grid size and rank of the multiplicative effects.
    beta : sequence of float
        Intercept, ``x_dyad`` and ``x_sender`` coefficients.
    cov_ab : 2 × 2 array_like
        Covariance of the sender and receiver effects.
    sd_uv : float
        Standard deviation of each entry of the latent positions.
    rho : float
        Dyadic correlation in (-1, 1).
    family : {"probit", "poisson"}
        ``"poisson"``: counts :math:`y_{ijt} \sim \text{Poisson}(\exp(\eta_{ijt} +
        \varepsilon_{ijt}))` with error variance ``var_error`` (Poisson log-normal) instead of
        the binary outcome.
    var_error : float
        Variance :math:`\sigma^2` of :math:`\varepsilon` for ``"poisson"`` (1 for the probit).
    rng : int, Generator or None
        Randomness.

    Returns
    -------
    frame : pandas.DataFrame
        Columns ``sender, receiver, period, y, x_dyad, x_sender, eta`` (``eta`` the true
        linear predictor, so ``Phi(eta)`` is the oracle probability).
    truth : dict
        ``beta, a, b, u, v, rho``.

    Examples
    --------
    >>> frame, truth = simulate_latent_network(n_actors=5, n_periods=2, rng=0)
    >>> len(frame)
    40
    """
    if not -1.0 < rho < 1.0:
        raise ValueError(f"rho must lie in (-1, 1), got {rho}")
    gen = as_generator(rng)
    n, n_t = int(n_actors), int(n_periods)
    beta_arr = np.asarray(beta, dtype=float)
    if beta_arr.shape != (3,):
        raise ValueError(f"beta must hold 3 values (intercept, x_dyad, x_sender), got {beta}")
    ab = gen.multivariate_normal(np.zeros(2), np.asarray(cov_ab, dtype=float), size=n)
    u = gen.normal(scale=sd_uv, size=(n, rank))
    v = gen.normal(scale=sd_uv, size=(n, rank))
    x_sender = gen.normal(size=n)
    x_dyad = gen.normal(size=(n_t, n, n))
    eta = (beta_arr[0] + beta_arr[1] * x_dyad + beta_arr[2] * x_sender[None, :, None]
           + ab[:, 0][None, :, None] + ab[:, 1][None, None, :] + (u @ v.T)[None])
    e1 = gen.normal(size=(n_t, n, n))
    e2 = gen.normal(size=(n_t, n, n))
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    eps = np.where(upper, e1, 0.0)
    eps = np.where(upper.T, rho * np.swapaxes(eps, 1, 2) + np.sqrt(1 - rho**2) * e2, eps)
    if family == "poisson":
        y = gen.poisson(np.exp(eta + np.sqrt(var_error) * eps)).astype(float)
    elif family == "probit":
        y = (eta + eps > 0).astype(float)
    else:
        raise ValueError(f"family must be 'probit' or 'poisson', got {family!r}")
    t_idx, i_idx, j_idx = np.nonzero(~np.eye(n, dtype=bool)[None].repeat(n_t, axis=0))
    frame = pd.DataFrame({
        "sender": i_idx, "receiver": j_idx, "period": t_idx,
        "y": y[t_idx, i_idx, j_idx], "x_dyad": x_dyad[t_idx, i_idx, j_idx],
        "x_sender": x_sender[i_idx], "eta": eta[t_idx, i_idx, j_idx],
    })
    truth = {"beta": beta_arr, "a": ab[:, 0], "b": ab[:, 1], "u": u, "v": v,
             "rho": np.float64(rho)}
    return frame, truth
