r"""Response to a capture: extra clashes it causes and the chance of a clash soon after.

For a fitted Hawkes process and one marked event (a capture, category :math:`c`, multiplier
:math:`\kappa_c`) in source dimension :math:`k` at time 0, with no other recent history:

* **expected extra clashes** in target :math:`d` within :math:`h` days: the expected number of
  its descendants (all generations) in :math:`d` on :math:`(0, h]`,
  :math:`E_d(h) = \kappa_c\, N_d(h)`, where :math:`N(h)` solves the linear system of the
  expected response. Descendants are themselves captures at the rates seen in the data, so
  every generation after the first excites with :math:`\alpha_{ab}\bar m_b`, where
  :math:`\bar m_b` is the mean productivity multiplier of the events of dimension :math:`b`
  (the same scaling as the branching ratio). With :math:`x_{ab}(t)` the decayed expected
  activity of source :math:`b` seen by target :math:`a`,

  .. math::

      x_{ab}' = -\beta_{ab} x_{ab} + \psi_b, \qquad
      \psi_a = \sum_b \alpha_{ab}\beta_{ab} x_{ab}, \qquad N_a' = \psi_a,

  started from :math:`x_{ak}(0) = 1`; the solution is a matrix exponential. In one dimension
  :math:`N(h) = \frac{\alpha}{1-\alpha}\bigl(1 - e^{-\beta(1-\alpha)h}\bigr)`. The row
  ``extra_vs_ordinary`` is :math:`(\kappa_c - 1) N_d(h)`: what a capture adds over an ordinary
  event.
* **probability of at least one clash** in :math:`d` on :math:`(0, h]`:
  :math:`1 - \exp\{-\bar\mu_d h - \kappa_c\,\alpha_{dk}(1 - e^{-\beta_{dk} h})\}` (background
  clashes at the mean baseline :math:`\bar\mu_d` plus direct offspring of the capture, both
  Poisson). It is exact in one dimension (every later generation needs an earlier clash in
  the window) and a lower bound otherwise (chains passing through other dimensions first are
  not counted). ``prob_clash_ordinary`` is the same with :math:`\kappa = 1`.

Intervals are delta-method Wald intervals on the log-scale parameters (probabilities clipped
to [0, 1]); parameters at the edge of the search region (``HawkesResults.at_bound``, e.g. an
excitation shrunk to zero) are held fixed, i.e. contribute no variance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.linalg import expm

from sahelmodel._inference import critical_value, delta_method
from sahelmodel._validation import check_level, check_positive
from sahelmodel.hawkes.results import _mean_multiplier

__all__ = ["capture_response", "expected_descendants"]


def expected_descendants(alpha: np.ndarray, beta: np.ndarray, source: int, h: float,
                         mix: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Expected descendants (all generations) per dimension on ``(0, h]`` of one unit event.

    ``beta`` is the ``(D, D)`` decay matrix, or ``mix = (decays, weights)`` for a sum of
    exponentials (one state per pair and component).

    Examples
    --------
    >>> a, b = np.array([[0.5]]), np.array([[1.0]])
    >>> round(float(expected_descendants(a, b, 0, 1e3)[0]), 6)  # alpha / (1 - alpha)
    1.0
    """
    d = alpha.shape[0]
    if mix is None:
        betas, weights = beta[:, :, None], np.ones((d, d, 1))
    else:
        betas = np.broadcast_to(np.asarray(mix[0])[None, None, :], (d, d, len(mix[0])))
        weights = np.broadcast_to(np.asarray(mix[1])[None, None, :], (d, d, len(mix[1])))
    n_m = betas.shape[2]
    n_x = d * d * n_m
    mat = np.zeros((n_x + d, n_x + d))
    idx = np.arange(n_x).reshape(d, d, n_m)  # state x_{ab,m}
    rate = alpha[:, :, None] * weights * betas  # psi_a = sum_{b,m} rate[a,b,m] x_{ab,m}
    for a in range(d):  # building a (D^2 M + D) system: loops over dimensions, not events
        for b in range(d):
            for m in range(n_m):
                row = idx[a, b, m]
                mat[row, row] -= betas[a, b, m]
                mat[row, idx[b].ravel()] += rate[b].ravel()  # fed by the events of b
        mat[n_x + a, idx[a].ravel()] += rate[a].ravel()
    z0 = np.zeros(n_x + d)
    z0[idx[:, source, :].ravel()] = 1.0
    z = expm(mat * h) @ z0
    return z[n_x:]


def _index(res: Any, value: int | str, what: str) -> int:
    names = list(res.event_times.dim_names)
    if isinstance(value, str):
        if value not in names:
            raise ValueError(f"{what} {value!r} is not a dimension; choose from {names}")
        return names.index(value)
    k = int(value)
    if not 0 <= k < len(names):
        raise ValueError(f"{what} must be in 0..{len(names) - 1}, got {value!r}")
    return k


def capture_response(res: Any, h: float, *, source: int | str = 0, target: int | str = 0,
                     category: int = 1, level: float = 0.95) -> pd.DataFrame:
    r"""Extra clashes caused by one capture within ``h`` days, and the chance of a clash.

    Parameters
    ----------
    res : HawkesResults
        A continuous- or daily-time fit.
    h : float
        Horizon in days.
    source, target : int or str
        Dimension of the capture and dimension of the clashes.
    category : int
        Mark category of the capture (1 = the first positive mark value). Without marks in the
        fit the response is that of an ordinary event (:math:`\\kappa = 1`).
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        Rows ``extra_clashes``, ``extra_vs_ordinary``, ``prob_clash``, ``prob_clash_ordinary``;
        columns ``estimate``, ``std_error``, ``lower``, ``upper``.

    Examples
    --------
    >>> from sahelmodel.hawkes.model import Hawkes
    >>> from sahelmodel.hawkes.simulate import simulate_hawkes
    >>> et = simulate_hawkes(0.3, 0.5, 1.0, 2000.0, marks=0.1, mark_multiplier=2.0, rng=1)
    >>> tab = Hawkes().fit(et).capture_response(7.0)
    >>> list(tab.columns)
    ['estimate', 'std_error', 'lower', 'upper']
    """
    h = check_positive("h", h)
    level = check_level(level)
    k = _index(res, source, "source")
    d = _index(res, target, "target")
    layout = res.layout
    n_cats = res.data.n_cats
    if n_cats and not 1 <= int(category) <= n_cats:
        raise ValueError(f"category must be in 1..{n_cats}, got {category!r}")
    lengths = np.diff(res.data.edges)

    def fun(theta: np.ndarray) -> np.ndarray:
        par = layout.unpack(theta)
        kappa = float(par.kappa[int(category) - 1]) if n_cats else 1.0
        # descendants carry marks too, at the shares seen in the data: later generations
        # excite with alpha * mean multiplier of their source; the first generation's
        # multiplier is kappa (applied below), so the unit start is divided by m_k
        m = _mean_multiplier(res.data, par.kappa)
        n_h = expected_descendants(par.alpha * m[None, :], par.beta, k, h, par.mix)[d] / m[k]
        mu_bar = float(par.mu[d] @ lengths / lengths.sum())
        if par.mix is None:
            direct = par.alpha[d, k] * -np.expm1(-par.beta[d, k] * h)
        else:
            direct = par.alpha[d, k] * float(par.mix[1] @ -np.expm1(-par.mix[0] * h))
        p_cap = -np.expm1(-mu_bar * h - kappa * direct)
        p_ord = -np.expm1(-mu_bar * h - direct)
        return np.array([kappa * n_h, (kappa - 1.0) * n_h, p_cap, p_ord])

    out = delta_method(fun, res.theta, res._cov_fixed_bounds)
    q = critical_value(level)
    se = out.std_errors
    lower, upper = out.estimate - q * se, out.estimate + q * se
    lower[2:] = np.clip(lower[2:], 0.0, 1.0)
    upper[2:] = np.clip(upper[2:], 0.0, 1.0)
    return pd.DataFrame({"estimate": out.estimate, "std_error": se, "lower": lower,
                         "upper": upper},
                        index=["extra_clashes", "extra_vs_ordinary", "prob_clash",
                               "prob_clash_ordinary"])
