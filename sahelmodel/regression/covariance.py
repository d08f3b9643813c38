r"""Covariance of count-model coefficients: model-based, robust and clustered (arrays only).

All estimators use the fixed-effect-projected regressors :math:`\tilde X` (Frisch-Waugh-Lovell)
and are therefore identical to the corresponding block of the estimator computed on the
dummy-variable fit. With IRLS weights :math:`w_i`, bread :math:`B = (\tilde X^\top W \tilde
X)^{-1}` and scores :math:`u_i = \tilde x_i s_i` (:math:`s_i = \partial\ell_i/\partial\eta_i`,
e.g. :math:`y_i - \mu_i` for Poisson):

* ``"iid"``: :math:`\phi B`, with :math:`\phi = 1` or, for ``scale="pearson"``, the Pearson
  statistic :math:`\sum_i (y_i - \mu_i)^2 / V(\mu_i)` divided by :math:`n - K`
  (quasi-likelihood, R's ``quasipoisson``).
* ``"robust"``: :math:`c\, B (\sum_i u_i u_i^\top) B` with :math:`c = n/(n - K)` (HC1, R
  ``sandwich::vcovHC(type = "HC1")``), or :math:`c = 1` without small-sample correction (HC0).
* ``"cluster"``: :math:`c\, \frac{G}{G-1} B (\sum_g U_g U_g^\top) B` with
  :math:`U_g = \sum_{i \in g} u_i` and :math:`c = (n-1)/(n-K)`, which is
  ``sandwich::vcovCL(type = "HC1")``. Two-way clustering (Cameron, Gelbach & Miller 2011)
  adds the one-way matrices of both dimensions and subtracts that of their intersection, each
  with its own :math:`G/(G-1)`, as ``sandwich::vcovCL`` does. Without small-sample correction
  :math:`c = 1` and no :math:`G/(G-1)`.

:math:`K` counts the estimated coefficients plus the rank of the absorbed fixed effects, except
that, for clustered errors, fixed-effect factors nested within a cluster variable are not
counted (fixest's ``fixef.K = "nested"``): when no factor is nested this is exactly the
dummy-variable fit's parameter count used by R and statsmodels.

A variance that cannot be estimated is never reported as zero: where a diagonal entry is
negative (a two-way clustered matrix that is not positive semi-definite) or zero up to rounding
(:math:`V_{jj} \le 10^{-12} B_{jj}`: the scores carry no information on the coefficient, e.g. a
constant outcome fitted exactly, or a regressor whose scores sum to zero in every cluster), the
coefficient's row and column are set to NaN with a warning naming the cause, so its standard
error, interval and p-value are NaN too.

Cluster-robust covariances are consistent as the number of clusters grows; with few clusters
they understate the variance and Wald tests over-reject (Cameron & Miller 2015, *J. Human
Resources* 50(2)). Summaries warn when the smallest cluster dimension has fewer than
:data:`FEW_CLUSTERS` clusters; :func:`sahelmodel.wild_cluster_bootstrap` gives p-values that hold
with few clusters.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["FEW_CLUSTERS", "cluster_meat", "covariance", "pearson_scale"]

#: Below this many clusters (in the smallest cluster dimension) summaries warn that
#: cluster-robust standard errors and Wald tests are unreliable.
FEW_CLUSTERS = 30
_ZERO = 1e-12


def pearson_scale(y: np.ndarray, mu: np.ndarray, variance: np.ndarray,
                  prior_weights: np.ndarray, df_resid: int) -> float:
    r"""Pearson dispersion :math:`\sum_i p_i (y_i-\mu_i)^2/V_i \,/\, (n - K)`."""
    if df_resid <= 0:
        raise ValueError(
            f"scale='pearson' needs positive residual degrees of freedom, got {df_resid}"
        )
    return float(np.sum(prior_weights * (y - mu) ** 2 / variance) / df_resid)


def cluster_meat(scores: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, int]:
    r""":math:`\sum_g U_g U_g^\top` for integer cluster codes, and the number of clusters."""
    _, inv = np.unique(codes, return_inverse=True)
    g = int(inv.max()) + 1
    k = scores.shape[1]
    sums = np.empty((g, k))
    for j in range(k):  # loop over coefficients (few), not observations
        sums[:, j] = np.bincount(inv, weights=scores[:, j], minlength=g)
    return sums.T @ sums, g


def covariance(
    kind: str,
    x_tilde: np.ndarray,
    weights: np.ndarray,
    score: np.ndarray,
    *,
    df_model: int,
    scale: float = 1.0,
    clusters: list[np.ndarray] | None = None,
    small_sample: bool = True,
    names: list[str] | None = None,
) -> np.ndarray:
    r"""Covariance matrix of the coefficients (see the module notes for the formulas).

    Parameters
    ----------
    kind : {"iid", "robust", "cluster"}
    x_tilde : numpy.ndarray
        ``(n, k)`` regressors projected off the fixed effects with the IRLS weights.
    weights : numpy.ndarray
        IRLS weights (prior weights included).
    score : numpy.ndarray
        :math:`\partial\ell_i/\partial\eta_i` (prior weights included).
    df_model : int
        :math:`K` for the small-sample factors.
    scale : float
        Dispersion multiplying the model-based covariance.
    clusters : list of numpy.ndarray, optional
        One or two integer code arrays for ``kind="cluster"``.
    small_sample : bool
        Apply the HC1 / cluster small-sample factors.
    names : list of str, optional
        Coefficient names for the warnings about variances that cannot be estimated.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> x = np.array([[1.0], [-1.0]]); w = np.ones(2)
    >>> covariance("iid", x, w, np.zeros(2), df_model=1).tolist()
    [[0.5]]
    """
    n, k = x_tilde.shape
    info = np.zeros((k, k))
    for lo in range(0, n, 1 << 16):  # (in blocks: no weighted copy of the n × k columns)
        xb = x_tilde[lo:lo + (1 << 16)]
        info += xb.T @ (xb * weights[lo:lo + (1 << 16), None])
    try:
        bread = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError(
            "the information matrix is singular; a regressor is collinear with the others "
            "or with the fixed effects"
        ) from None
    if kind == "iid":
        return _guard(scale * bread, bread, names, "the scale (dispersion) is zero: the model fits "
                      "every observation exactly")
    u = x_tilde * score[:, None]
    if kind == "robust":
        adj = n / (n - df_model) if small_sample and n > df_model else 1.0
        return _guard(adj * bread @ (u.T @ u) @ bread, bread, names,
                      "its scores are zero in every observation (the model fits the outcome "
                      "exactly, e.g. a constant outcome)")
    if kind != "cluster":
        raise ValueError(f"cov must be 'iid', 'robust' or 'cluster', got {kind!r}")
    if not clusters:
        raise ValueError("cov='cluster' needs cluster=<column name or list of one or two>")
    if len(clusters) > 2:
        raise ValueError(f"at most two-way clustering is supported, got {len(clusters)} ways")
    combos: list[tuple[np.ndarray, float]] = [(c, 1.0) for c in clusters]
    if len(clusters) == 2:
        _, a = np.unique(clusters[0], return_inverse=True)
        _, b = np.unique(clusters[1], return_inverse=True)
        combos.append((a.astype(np.int64) * (int(b.max()) + 1) + b, -1.0))
    meat = np.zeros((k, k))
    for codes, sign in combos:
        m, g = cluster_meat(u, codes)
        if g < 2:
            raise ValueError("clustered standard errors need at least two clusters, got 1")
        meat += sign * (g / (g - 1) if small_sample else 1.0) * m
    adj = (n - 1) / (n - df_model) if small_sample and n > df_model else 1.0
    v = adj * bread @ meat @ bread
    if len(clusters) == 2 and np.linalg.eigvalsh((v + v.T) / 2).min() < 0:
        warnings.warn("the two-way clustered covariance is not positive semi-definite; "
                      "some standard errors may be understated", RuntimeWarning, stacklevel=3)
    return _guard(v, bread, names, "its scores sum to zero within every cluster (e.g. the "
                  "regressor is constant within clusters that fixed effects absorb, or the "
                  "outcome is "
                  "fitted exactly)")


def _guard(v: np.ndarray, bread: np.ndarray, names: list[str] | None,
           zero_cause: str) -> np.ndarray:
    """NaN rows and columns for variances that are negative or zero, with a warning."""
    if not np.all(np.isfinite(v)):
        return v
    d = np.diag(v)
    ref = np.abs(np.diag(bread))
    negative = d < -_ZERO * ref
    zero = ~negative & (d <= _ZERO * ref)
    bad = negative | zero
    if not bad.any():
        return v
    out = v.copy()
    out[bad, :] = np.nan
    out[:, bad] = np.nan
    def label(mask: np.ndarray) -> str:
        return ", ".join(names[j] if names is not None else f"#{j}" for j in np.flatnonzero(mask))

    if negative.any():
        warnings.warn(f"the variance of {label(negative)} is negative (the two-way "
                      "clustered covariance is not positive semi-definite): standard errors "
                      "set to NaN", RuntimeWarning, stacklevel=3)
    if zero.any():
        warnings.warn(f"the variance of {label(zero)} is zero because {zero_cause}: "
                      "standard errors set to NaN", RuntimeWarning, stacklevel=3)
    return out
