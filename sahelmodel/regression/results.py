"""Frozen, labelled results of a count regression (:class:`CountResults`).

Inference follows the package-wide contract of :class:`sahelmodel._inference.LogLinkInference`:
``params``, ``std_errors``, ``zstats``, ``pvalues``, ``conf_int(level=)``, ``irr(level=)`` and
``to_frame()``. Wald intervals use the normal distribution (as R's ``confint.default`` and
``Epi::ci.lin``); set ``df_inference`` only where a *t* reference is wanted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._inference import LogLinkInference
from sahelmodel._summary import Summary

__all__ = ["CountResults", "DroppedObservations"]


@dataclass(frozen=True)
class DroppedObservations:
    r"""Which observations a fit left out, and why (fixest-style accounting).

    Attributes
    ----------
    n_missing : int
        Rows with a missing outcome, regressor, fixed effect, offset, weight or cluster.
    n_all_zero : int
        Rows in fixed-effect groups whose outcome is zero throughout (their effect would be
        :math:`-\infty`; they carry no information on the coefficients).
    n_separated : int
        Zero-outcome rows separated by a regressor that is non-zero only on zero-outcome rows
        and of one sign there.
    all_zero_groups : dict
        Factor name → list of the levels dropped for an all-zero outcome.
    separating_terms : tuple of str
        Regressors that caused separation.
    rows : pandas.Index
        Labels (of the input data) of every dropped row, whatever the reason.
    """

    n_missing: int = 0
    n_all_zero: int = 0
    n_separated: int = 0
    all_zero_groups: dict[str, list[Any]] = field(default_factory=dict)
    separating_terms: tuple[str, ...] = ()
    rows: pd.Index = field(default_factory=lambda: pd.Index([]))

    @property
    def total(self) -> int:
        """Number of rows dropped for any reason."""
        return self.n_missing + self.n_all_zero + self.n_separated

    def notes(self) -> list[str]:
        """Human-readable lines for a summary."""
        out = []
        if self.n_missing:
            out.append(f"{self.n_missing} observations with missing values were removed.")
        for name, levels in self.all_zero_groups.items():
            if levels:
                out.append(f"{len(levels)} levels of {name} with an all-zero outcome were "
                           f"removed ({self.n_all_zero} observations in all).")
        if self.n_separated:
            out.append(f"{self.n_separated} separated observations were removed "
                       f"(separating terms: {', '.join(self.separating_terms)}).")
        return out


@dataclass(frozen=True)
class CountResults(LogLinkInference):
    r"""Results of a Poisson or negative binomial regression.

    Attributes
    ----------
    params : pandas.Series
        Coefficients by term (log incidence-rate ratios).
    cov : pandas.DataFrame
        Their covariance, of the type chosen at fit (``cov_type``).
    family : str
        ``"poisson"``, ``"nb2"`` or ``"nb1"``.
    dispersion : float or None
        Negative binomial dispersion :math:`\kappa` (``Var = mu + kappa mu^2`` for NB2,
        ``(1 + kappa) mu`` for NB1; MASS's ``theta`` is :math:`1/\kappa` for NB2); ``None``
        for Poisson.
    scale : float
        Multiplier of the model-based covariance (1, or the Pearson dispersion).
    nobs : int
        Observations used.
    loglik : float
        Maximised log-likelihood (of the fitted sample).
    converged : bool
    n_iter : int
    dropped : DroppedObservations
    collinear : tuple of str
        Terms removed because they are constant within the fixed effects or collinear with
        earlier terms (fixest and R drop them the same way).
    df_model : int
        Coefficients plus the rank of the absorbed fixed effects.
    cluster_info : tuple of (str, int)
        For clustered covariances: each cluster variable and its number of clusters in the
        fitted sample (empty otherwise).
    """

    params: pd.Series
    cov: pd.DataFrame
    family: str
    dispersion: float | None
    scale: float
    cov_type: str
    nobs: int
    loglik: float
    converged: bool
    n_iter: int
    dropped: DroppedObservations
    collinear: tuple[str, ...]
    df_model: int
    fixed_effects: tuple[str, ...]
    formula: str | None
    fitted: pd.Series
    _predictor: Any = field(default=None, repr=False, compare=False)
    df_inference: int | None = None
    cluster_info: tuple[tuple[str, int], ...] = ()

    @property
    def n_clusters(self) -> int | None:
        """Clusters in the smallest cluster dimension (``None`` when not clustered)."""
        return min(n for _, n in self.cluster_info) if self.cluster_info else None

    def cluster_notes(self) -> list[str]:
        """Warnings about the clustering for a summary (few clusters)."""
        from sahelmodel.regression.covariance import FEW_CLUSTERS

        few = [(nm, n) for nm, n in self.cluster_info if n < FEW_CLUSTERS]
        if not few:
            return []
        which = ", ".join(f"{n} in {nm}" for nm, n in few)
        return [f"WARNING: few clusters ({which}): cluster-robust standard errors, intervals "
                f"and Wald tests are unreliable below {FEW_CLUSTERS} clusters and tend to "
                "reject too often; see wild_cluster_bootstrap()."]

    @property
    def df_resid(self) -> int:
        """Residual degrees of freedom :math:`n - K`."""
        return self.nobs - self.df_model

    @property
    def theta(self) -> float | None:
        """MASS's NB2 ``theta = 1 / dispersion`` (``None`` otherwise)."""
        return None if self.family != "nb2" or not self.dispersion else 1.0 / self.dispersion

    def predict(self, data: pd.DataFrame | None = None, *, kind: str = "mean",
                offset: Any = None, exposure: Any = None) -> pd.Series:
        """Fitted means (or linear predictors) on the estimation sample or on new data.

        Parameters
        ----------
        data : pandas.DataFrame, optional
            New rows (formula fits only). Their fixed-effect levels must have been estimated.
        kind : {"mean", "linear"}
        offset, exposure : str or array_like, optional
            For new data: the offset (or exposure, logged) to add.

        Returns
        -------
        pandas.Series
        """
        if kind not in ("mean", "linear"):
            raise ValueError(f"kind must be 'mean' or 'linear', got {kind!r}")
        if data is None:
            return self.fitted if kind == "mean" else np.log(self.fitted).rename("eta")
        if self._predictor is None:
            raise ValueError("predict(data) needs a formula fit; array fits predict in-sample")
        eta = self._predictor(data, self.params, offset, exposure)
        return pd.Series(np.exp(eta) if kind == "mean" else eta, index=data.index,
                         name="mu" if kind == "mean" else "eta")

    def __repr__(self) -> str:
        return (f"<CountResults: {self.family}, {self.nobs} observations, "
                f"{self.params.size} terms, fixed effects: "
                f"{', '.join(self.fixed_effects) or 'none'}, cov: {self.cov_type}, "
                f"loglik {self.loglik:.4f}>")

    def __str__(self) -> str:
        return self.summary().as_text()

    def summary(self, level: float = 0.95) -> Summary:
        """Coefficients, rate ratios and fit information as a :class:`Summary`."""
        names = {"poisson": "Poisson", "nb2": "Negative binomial (NB2)",
                 "nb1": "Negative binomial (NB1)"}
        title = names[self.family] + " regression"
        if self.fixed_effects:
            title += " with absorbed fixed effects"
        info: list[tuple[str, object]] = [
            ("Formula", self.formula or "(arrays)"),
            ("Observations", self.nobs),
            ("Fixed effects", ", ".join(self.fixed_effects) or "none"),
            ("Log-likelihood", self.loglik),
            ("Covariance", self.cov_type),
            *([("Clusters", ", ".join(f"{nm} ({n})" for nm, n in self.cluster_info))]
              if self.cluster_info else []),
            ("Converged", f"{self.converged} ({self.n_iter} iterations)"),
        ]
        if self.dispersion is not None:
            info.append(("Dispersion", self.dispersion))
        if self.scale != 1.0:
            info.append(("Scale (Pearson)", self.scale))
        table = self.to_frame(level).join(self.irr(level).add_prefix("irr_")
                                          .rename(columns={"irr_irr": "irr"}))
        notes = list(self.dropped.notes())
        notes.extend(self.cluster_notes())
        unknown = [str(t) for t, se in self.std_errors.items() if not np.isfinite(se)]
        if unknown:
            notes.append("Standard errors that cannot be estimated are left blank (NaN): "
                         + ", ".join(unknown) + ".")
        if self.collinear:
            notes.append("Removed as collinear or constant within fixed effects: "
                          + ", ".join(self.collinear) + ".")
        if not self.converged:
            notes.append("WARNING: the fit did not converge.")
        return Summary.from_results(title, info, table, notes)
