r"""Frozen, labelled results of a logit or probit regression (:class:`BinaryResults`).

The results contract of :class:`~sahelmodel.regression.results.CountResults` (``params``,
``std_errors``, ``cov``, ``zstats``, ``pvalues``, ``conf_int(level=)``, ``summary()``,
``to_frame()``, ``nobs``, ``loglik``, ``converged``, ``n_iter``), with odds ratios
:math:`\exp(\hat\beta)` and exponentiated interval endpoints for the logit, and predicted
probabilities for new rows, including rows whose fixed-effect levels were not estimated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._inference import WaldInference
from sahelmodel._summary import Summary
from sahelmodel.regression._binary_irls import binary_mean
from sahelmodel.regression._demean import FixedEffects, demean
from sahelmodel.regression.results import DroppedObservations

__all__ = ["BinaryPredictor", "BinaryResults"]

_NEW_LEVELS = ("error", "mean", "last")


@dataclass(frozen=True)
class BinaryPredictor:
    r"""Rebuilds the linear predictor of a formula fit on new rows (internal).

    Fixed-effect levels removed because their outcome was constant carry the limiting effect
    :math:`-\\infty` (all 0) or :math:`+\\infty` (all 1), so their rows are predicted 0 or 1.
    """

    spec: Any
    fe_parts: tuple[tuple[str, ...], ...]
    fe_values: np.ndarray
    fe: FixedEffects
    levels: list[Any]
    codes_full: list[np.ndarray]
    active: np.ndarray
    const_groups: dict[str, dict[Any, float]]
    offset: Any = None

    def fe_maps(self) -> list[pd.Series]:
        """One Series per factor: level → estimated effect (cached)."""
        cache = self.__dict__.get("_maps")
        if cache is not None:
            return cache
        out = []
        if self.fe.n_factors:
            _, coef, _, _ = demean(self.fe_values, self.fe, tol=1e-13)
            start = 0
            for f, size in enumerate(self.fe.sizes):
                used = np.unique(self.codes_full[f][self.active])
                vals = pd.Series(coef[start:start + size, 0],
                                 index=pd.Index(np.asarray(self.levels[f])[used]))
                name = "^".join(self.fe_parts[f])
                extra = pd.Series(self.const_groups.get(name, {}), dtype=float)
                out.append(pd.concat([vals, extra]) if len(extra) else vals)
                start += size
        object.__setattr__(self, "_maps", out)
        return out

    def linear(self, data: pd.DataFrame, params: pd.Series,
               new_levels: str | dict[str, str]) -> np.ndarray:
        """Linear predictor for the rows of ``data``."""
        from sahelmodel.regression.formula import _combine

        frame = data.reset_index(drop=True)
        mm = self.spec.get_model_matrix(frame, na_action="ignore")
        x = mm.reindex(columns=list(params.index)).to_numpy(dtype=float)
        eta = x @ params.to_numpy()
        for parts, mapping in zip(self.fe_parts, self.fe_maps(), strict=True):
            name = "^".join(parts)
            policy = (new_levels.get(name, "error") if isinstance(new_levels, dict)
                      else new_levels)
            if policy not in _NEW_LEVELS:
                raise ValueError(f"new_levels for {name!r} must be one of {_NEW_LEVELS}, got "
                                 f"{policy!r}")
            lab = pd.Series(_combine(frame, parts))
            vals = lab.map(mapping)
            unseen = vals.isna().to_numpy()
            if unseen.any():
                finite = mapping[np.isfinite(mapping.to_numpy())]
                if policy == "error":
                    shown = sorted({str(v) for v in lab[unseen]})[:5]
                    raise KeyError(f"levels of {name} without an estimated effect: {shown} "
                                   "(pass new_levels='mean' or 'last' to impute)")
                fill = (float(finite.mean()) if policy == "mean"
                        else float(finite.sort_index().iloc[-1]))
                vals = vals.fillna(fill)
            eta = eta + vals.to_numpy(dtype=float)
        if self.offset is not None:
            if isinstance(self.offset, str):
                eta = eta + pd.to_numeric(frame[self.offset]).to_numpy(dtype=float)
            else:
                raise ValueError("the fit used an offset array; predict(data) needs the offset "
                                 "as a column name in the specification")
        return eta


@dataclass(frozen=True)
class BinaryResults(WaldInference):
    r"""Results of a logit or probit regression with absorbed fixed effects.

    Attributes
    ----------
    params : pandas.Series
        Coefficients by term (log odds ratios for the logit, probit index coefficients).
    cov : pandas.DataFrame
        Their covariance, of the type chosen at fit (``cov_type``).
    link : str
        ``"logit"`` or ``"probit"``.
    nobs : int
        Observations used.
    loglik : float
        Maximised log-likelihood of the fitted sample.
    converged : bool
    n_iter : int
    dropped : DroppedObservations
        Rows removed: missing values, fixed-effect groups with a constant outcome (counted in
        ``n_all_zero``, the all-zero levels listed in ``all_zero_groups``) and rows perfectly
        predicted by one regressor (``n_separated``).
    all_one_groups : dict
        Factor name → levels removed because their outcome was 1 throughout.
    collinear : tuple of str
        Terms removed as constant within the fixed effects or collinear.
    df_model : int
        Coefficients plus the rank of the absorbed fixed effects.
    bias : pandas.Series or None
        With ``bias_correction=True``: the estimated incidental-parameter bias subtracted
        from the maximum-likelihood estimates (``params + bias`` are the uncorrected ones).
    """

    params: pd.Series
    cov: pd.DataFrame
    link: str
    cov_type: str
    nobs: int
    loglik: float
    converged: bool
    n_iter: int
    dropped: DroppedObservations
    all_one_groups: dict[str, list[Any]]
    collinear: tuple[str, ...]
    df_model: int
    fixed_effects: tuple[str, ...]
    formula: str | None
    fitted: pd.Series
    bias: pd.Series | None = None
    _predictor: BinaryPredictor | None = field(default=None, repr=False, compare=False)
    df_inference: int | None = None

    def odds_ratios(self, level: float = 0.95) -> pd.DataFrame:
        """Odds ratios ``exp(params)`` with exponentiated interval endpoints (logit only).

        Returns
        -------
        pandas.DataFrame
            Indexed by term, columns ``odds_ratio``, ``lower``, ``upper``.
        """
        if self.link != "logit":
            raise ValueError(f"odds ratios are defined for the logit link, not {self.link!r}")
        ci = self.conf_int(level)
        return pd.DataFrame({"odds_ratio": np.exp(self.params.to_numpy()),
                             "lower": np.exp(ci["lower"].to_numpy()),
                             "upper": np.exp(ci["upper"].to_numpy())}, index=self.params.index)

    def predict(self, data: pd.DataFrame | None = None, *, kind: str = "probability",
                new_levels: str | dict[str, str] = "error") -> pd.Series:
        """Predicted probabilities (or linear predictors) in sample or on new rows.

        Parameters
        ----------
        data : pandas.DataFrame, optional
            New rows (formula fits only).
        kind : {"probability", "linear"}
        new_levels : {"error", "mean", "last"} or dict
            What a fixed-effect level without an estimate gets: an error, the mean of the
            estimated effects of its factor, or the effect of its factor's last level in sort
            order (for a forecast one period ahead with period effects: the last estimated
            period's). A dict sets it per factor name (``{"period": "last"}``), others
            ``"error"``. Levels removed for a constant outcome predict exactly 0 or 1.

        Returns
        -------
        pandas.Series
        """
        if kind not in ("probability", "linear"):
            raise ValueError(f"kind must be 'probability' or 'linear', got {kind!r}")
        if data is None:
            if kind == "probability":
                return self.fitted
            p = self.fitted.to_numpy()
            eta = np.log(p / (1 - p)) if self.link == "logit" else _ndtri(p)
            return pd.Series(eta, index=self.fitted.index, name="eta")
        if self._predictor is None:
            raise ValueError("predict(data) needs a formula fit; array fits predict in-sample")
        # the fixed effects were estimated jointly with the uncorrected coefficients
        params = self.params if self.bias is None else self.params + self.bias
        eta = self._predictor.linear(data, params, new_levels)
        if kind == "linear":
            return pd.Series(eta, index=data.index, name="eta")
        with np.errstate(invalid="ignore"):
            p = binary_mean(eta, self.link)
        return pd.Series(p, index=data.index, name="probability")

    def __repr__(self) -> str:
        return (f"<BinaryResults: {self.link}, {self.nobs} observations, "
                f"{self.params.size} terms, fixed effects: "
                f"{', '.join(self.fixed_effects) or 'none'}, cov: {self.cov_type}, "
                f"loglik {self.loglik:.4f}>")

    def __str__(self) -> str:
        return self.summary().as_text()

    def summary(self, level: float = 0.95) -> Summary:
        """Coefficients (and odds ratios for the logit) and fit information."""
        title = ("Logit" if self.link == "logit" else "Probit") + " regression"
        if self.fixed_effects:
            title += " with absorbed fixed effects"
        info: list[tuple[str, object]] = [
            ("Formula", self.formula or "(arrays)"),
            ("Observations", self.nobs),
            ("Fixed effects", ", ".join(self.fixed_effects) or "none"),
            ("Log-likelihood", self.loglik),
            ("Covariance", self.cov_type),
            ("Converged", f"{self.converged} ({self.n_iter} iterations)"),
        ]
        table = self.to_frame(level)
        if self.link == "logit":
            table = table.join(self.odds_ratios(level).add_prefix("or_")
                               .rename(columns={"or_odds_ratio": "odds_ratio"}))
        d = self.dropped
        notes = []
        if d.n_missing:
            notes.append(f"{d.n_missing} observations with missing values were removed.")
        n_zero = sum(len(v) for v in d.all_zero_groups.values())
        n_one = sum(len(v) for v in self.all_one_groups.values())
        if d.n_all_zero:
            notes.append(f"{n_zero} fixed-effect levels with an outcome of 0 throughout and "
                         f"{n_one} with 1 throughout were removed ({d.n_all_zero} "
                         "observations in all).")
        if d.n_separated:
            notes.append(f"{d.n_separated} observations perfectly predicted by one regressor "
                         f"were removed ({', '.join(d.separating_terms)}).")
        if self.collinear:
            notes.append("Removed as collinear or constant within fixed effects: "
                         + ", ".join(self.collinear) + ".")
        if self.bias is not None:
            notes.append("Coefficients corrected for the incidental-parameter bias "
                         "(Fernández-Val & Weidner 2016, strictly exogenous regressors); "
                         "standard errors of the uncorrected estimate.")
        elif self.fixed_effects:
            notes.append("Fixed-effect logit/probit estimates carry an incidental-parameter "
                         "bias of order 1/(observations per effect); see "
                         "sahelmodel.regression.binary.")
        if not self.converged:
            notes.append("WARNING: the fit did not converge.")
        return Summary.from_results(title, info, table, notes)


def _ndtri(p: np.ndarray) -> np.ndarray:
    from scipy import special

    return special.ndtri(p)
