r"""Wald inference shared by every results object: one contract, one implementation.

A results class holds ``params`` (a labelled :class:`pandas.Series`) and ``cov`` (a labelled
:class:`pandas.DataFrame`) and inherits :class:`WaldInference` (or :class:`LogLinkInference`
for models with a log link) to get standard errors, test statistics, p-values, confidence
intervals and a tidy table. :func:`delta_method` gives standard errors and intervals for smooth
functions of the parameters (incidence-rate ratios at a horizon, a branching ratio, a
probability of at least one clash).

Notes
-----
With estimate :math:`\hat\theta_k` and standard error :math:`s_k = \sqrt{V_{kk}}`, the
statistic is :math:`z_k = \hat\theta_k / s_k`, the two-sided p-value
:math:`2\{1 - \Phi(|z_k|)\}` and the interval :math:`\hat\theta_k \pm q\, s_k` with
:math:`q = \Phi^{-1}((1 + \text{level})/2)`. A results class may set ``df_inference`` to an
integer to use Student's *t* with that many degrees of freedom instead of the normal (as R
does for quasi-likelihood families). Log-link models report incidence-rate ratios
:math:`\exp(\hat\theta_k)` with the interval :math:`[\exp(\hat\theta_k - q s_k),
\exp(\hat\theta_k + q s_k)]`, i.e. exponentiated endpoints, which keeps the interval inside
:math:`(0, \infty)` and invariant to the parametrisation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sahelmodel._validation import check_level

__all__ = ["DeltaResult", "LogLinkInference", "WaldInference", "critical_value", "delta_method"]


def critical_value(level: float, df: float | None = None) -> float:
    """Two-sided critical value for a confidence ``level`` (normal, or *t* with ``df``).

    Examples
    --------
    >>> round(critical_value(0.95), 4)
    1.96
    """
    level = check_level(level)
    upper = 0.5 + level / 2.0
    if df is None:
        return float(stats.norm.ppf(upper))
    return float(stats.t.ppf(upper, df))


def _sqrt_variance(var: np.ndarray) -> np.ndarray:
    """Square roots of variances; a negative variance (rounding aside) gives NaN, not 0."""
    var = np.asarray(var, dtype=float)
    scale = np.nanmax(np.abs(var)) if var.size and np.isfinite(var).any() else 0.0
    ok = var >= -1e-14 * scale
    return np.where(ok, np.sqrt(np.clip(var, 0.0, None)), np.nan)


class WaldInference:
    """Mixin providing the results contract from ``params`` and ``cov``.

    Subclasses define ``params`` (:class:`pandas.Series` indexed by term) and ``cov``
    (:class:`pandas.DataFrame` indexed by term on both axes). An optional attribute
    ``df_inference`` (int or None) switches intervals and p-values to Student's *t*.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True)
    ... class R(WaldInference):
    ...     params: pd.Series
    ...     cov: pd.DataFrame
    >>> r = R(pd.Series([0.5], index=["x"]), pd.DataFrame([[0.04]], index=["x"], columns=["x"]))
    >>> float(r.std_errors["x"])
    0.2
    """

    params: pd.Series
    cov: pd.DataFrame

    def _df(self) -> float | None:
        return getattr(self, "df_inference", None)

    @property
    def std_errors(self) -> pd.Series:
        """Standard errors, the square roots of the diagonal of ``cov``."""
        return pd.Series(_sqrt_variance(np.diag(self.cov.to_numpy(dtype=float))),
                         index=self.params.index,
                         name="std_error")

    @property
    def zstats(self) -> pd.Series:
        """Wald statistics ``params / std_errors``."""
        return pd.Series(self.params.to_numpy() / self.std_errors.to_numpy(),
                         index=self.params.index, name="z")

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values of the Wald statistics."""
        z = np.abs(self.zstats.to_numpy())
        df = self._df()
        p = 2.0 * (stats.norm.sf(z) if df is None else stats.t.sf(z, df))
        return pd.Series(p, index=self.params.index, name="p_value")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Wald confidence intervals with columns ``lower`` and ``upper``.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level in (0, 1).
        """
        q = critical_value(level, self._df())
        est = self.params.to_numpy()
        se = self.std_errors.to_numpy()
        return pd.DataFrame({"lower": est - q * se, "upper": est + q * se},
                            index=self.params.index)

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Tidy table: ``estimate, std_error, z, p_value, lower, upper`` by term."""
        ci = self.conf_int(level)
        return pd.DataFrame(
            {
                "estimate": self.params,
                "std_error": self.std_errors,
                "z": self.zstats,
                "p_value": self.pvalues,
                "lower": ci["lower"],
                "upper": ci["upper"],
            }
        )


class LogLinkInference(WaldInference):
    """:class:`WaldInference` plus incidence-rate ratios for log-link models."""

    def irr(self, level: float = 0.95) -> pd.DataFrame:
        """Incidence-rate ratios ``exp(params)`` with exponentiated interval endpoints.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level in (0, 1).

        Returns
        -------
        pandas.DataFrame
            Indexed by term, columns ``irr``, ``lower``, ``upper``.
        """
        ci = self.conf_int(level)
        return pd.DataFrame(
            {
                "irr": np.exp(self.params.to_numpy()),
                "lower": np.exp(ci["lower"].to_numpy()),
                "upper": np.exp(ci["upper"].to_numpy()),
            },
            index=self.params.index,
        )


@dataclass(frozen=True)
class DeltaResult:
    r"""Estimate, covariance and intervals of a smooth function of the parameters.

    Attributes
    ----------
    estimate : numpy.ndarray
        :math:`g(\hat\theta)`.
    cov : numpy.ndarray
        :math:`J V J^\top` with :math:`J = \partial g / \partial \theta`.
    """

    estimate: np.ndarray
    cov: np.ndarray

    @property
    def std_errors(self) -> np.ndarray:
        """Delta-method standard errors (NaN where the variance is negative)."""
        return _sqrt_variance(np.diag(self.cov))

    def conf_int(self, level: float = 0.95) -> np.ndarray:
        """Intervals as an array of shape ``(k, 2)``."""
        q = critical_value(level)
        se = self.std_errors
        return np.column_stack([self.estimate - q * se, self.estimate + q * se])


def _numerical_jacobian(fun: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                        step: float | None) -> np.ndarray:
    f0 = np.atleast_1d(np.asarray(fun(x), dtype=float))
    jac = np.empty((f0.size, x.size))
    for k in range(x.size):  # one column per parameter: central differences
        h = step if step is not None else 1e-6 * max(1.0, abs(x[k]))
        up, down = x.copy(), x.copy()
        up[k] += h
        down[k] -= h
        jac[:, k] = (np.atleast_1d(fun(up)) - np.atleast_1d(fun(down))) / (2 * h)
    return jac


def delta_method(
    fun: Callable[[np.ndarray], np.ndarray],
    params: np.ndarray | pd.Series,
    cov: np.ndarray | pd.DataFrame,
    *,
    jacobian: Callable[[np.ndarray], np.ndarray] | None = None,
    step: float | None = None,
) -> DeltaResult:
    r"""Delta-method inference for :math:`g(\theta)`.

    Parameters
    ----------
    fun : callable
        :math:`g`, mapping the parameter vector to a scalar or a vector.
    params, cov : array_like
        Estimates :math:`\hat\theta` and their covariance :math:`V`.
    jacobian : callable, optional
        Analytic :math:`\partial g/\partial\theta` of shape ``(k, p)``; central finite
        differences otherwise.
    step : float, optional
        Finite-difference step (default ``1e-6 * max(1, |θ|)`` per coordinate).

    Returns
    -------
    DeltaResult

    Notes
    -----
    :math:`\widehat{\operatorname{Var}}\, g(\hat\theta) = J V J^\top` with
    :math:`J = \partial g/\partial\theta` evaluated at :math:`\hat\theta`.

    Examples
    --------
    >>> res = delta_method(np.exp, np.array([0.0]), np.array([[0.01]]))
    >>> round(float(res.std_errors[0]), 6)
    0.1
    """
    x = np.asarray(params, dtype=float).ravel()
    v = np.asarray(cov, dtype=float)
    if v.shape != (x.size, x.size):
        raise ValueError(f"cov must have shape {(x.size, x.size)}, got {v.shape}")
    estimate = np.atleast_1d(np.asarray(fun(x), dtype=float))
    jac = (np.atleast_2d(np.asarray(jacobian(x), dtype=float)) if jacobian is not None
           else _numerical_jacobian(fun, x, step))
    if jac.shape != (estimate.size, x.size):
        raise ValueError(f"jacobian must have shape {(estimate.size, x.size)}, got {jac.shape}")
    return DeltaResult(estimate=estimate, cov=jac @ v @ jac.T)
