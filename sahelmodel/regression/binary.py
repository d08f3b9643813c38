r"""Logit and probit regressions with absorbed (high-dimensional) fixed effects.

A binary family beside :class:`~sahelmodel.regression.models.Poisson` and
:class:`~sahelmodel.regression.models.NegativeBinomial`: specifications :class:`Logit` and
:class:`Probit` (keyword-only settings, no work at construction), ``fit(data)`` with a formula
``"y ~ x1 + x2 | fe1 + fe2"`` or ``fit_arrays(y, x, fixed_effects=...)``, returning a frozen
:class:`~sahelmodel.regression.binary_results.BinaryResults`; :func:`felogit` and
:func:`feprobit` are one-line shortcuts.

Sample accounting (as fixest's ``feglm``): rows with missing values are removed; then,
repeatedly until nothing changes, rows in a fixed-effect group whose outcome is 0 throughout
or 1 throughout (the group's effect is :math:`\mp\infty`; they carry no information on
:math:`\beta`), and rows perfectly predicted by a single regressor (non-zero, of one sign, only
where the outcome is 0, or only where it is 1) are removed and reported in
``results.dropped``. Regressors constant within the fixed effects or collinear with earlier
ones are removed and listed in ``results.collinear``. Perfect prediction by a combination of
regressors and effects is not certified; a fit whose probabilities reach within
:math:`10^{-10}` of 0 or 1 warns of possible quasi-complete separation.

The incidental-parameter problem
--------------------------------
Unlike the Poisson model, whose fixed-effect estimator is consistent with any number of
effects, the logit and probit MLE with fixed effects is biased when the number of observations
per effect is small (Neyman & Scott 1948). With :math:`N` actors, sender and receiver effects
and :math:`T` period effects on a directed dyad × period panel, each sender effect is estimated
from about :math:`NT` cells and each period effect from :math:`N^2`; the bias of
:math:`\hat\beta` is of order :math:`1/(NT) + 1/N^2` relative to its sampling noise of order
:math:`1/(N\sqrt{T})` (Fernández-Val & Weidner 2016, *J. Econometrics* 192(1); Dzemski 2019,
*Rev. Econ. Stat.* 101(5)), so Wald intervals can under-cover when :math:`N` is small (a few
dozen armed groups) and the outcome is rare. Dyad effects (one per pair) are worse still: with
:math:`T` periods per dyad the bias is of order :math:`1/T`, as large as the noise. No
analytical bias correction is applied here; for dyad effects prefer the Poisson model (or the
conditional logit), and report the fixed-effect structure next to the estimates.

``bias_correction=True`` applies the analytical first-order correction of Fernández-Val &
Weidner (2016) (one term per absorbed factor, as ``alpaca::biasCorr`` for two-way panels;
:func:`~sahelmodel.regression._binary_irls.first_order_bias`): the reported coefficients are
:math:`\hat\beta - \hat b`, ``results.bias`` holds :math:`\hat b`, and the covariance is that
of the uncorrected estimate (the same to first order). It assumes strictly exogenous
regressors: with a lagged outcome among them (``tie_lag1``) the dynamic part of the bias (the
spectral term of Fernández-Val & Weidner, bandwidth L > 0) is not removed. In simulations with
two factors (100 units × 8 periods, and 30 senders × 30 receivers; ``tests/dyadic/
test_glm_bias.py``) it removes about 80-100% of the bias of the logit and probit coefficient.
It also assumes one row per observation: on the undirected rows of
:func:`sahelmodel.dyadic.clash_data` (each cell twice, weight 1/2) the sender and receiver
groups describe the same cells, and the correction would count the actor effects' bias twice.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._validation import check_choice
from sahelmodel.regression._binary_irls import CollinearBinary, first_order_bias, fit_binary
from sahelmodel.regression._demean import FixedEffects
from sahelmodel.regression.binary_results import BinaryPredictor, BinaryResults
from sahelmodel.regression.covariance import covariance
from sahelmodel.regression.formula import build_design, parse_formula
from sahelmodel.regression.results import DroppedObservations

__all__ = ["Logit", "Probit", "felogit", "feprobit"]


def _as_column(data: pd.DataFrame | None, value: Any, what: str, n: int) -> np.ndarray | None:
    if value is None:
        return None
    if isinstance(value, str):
        if data is None or value not in data.columns:
            raise KeyError(f"{what} column {value!r} is not in the data")
        arr = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=float)
    else:
        arr = np.asarray(value, dtype=float)
    if arr.shape != (n,):
        raise ValueError(f"{what} must have one value per row ({n}), got shape {arr.shape}")
    return arr


def _nested(fe_codes: np.ndarray, cluster: np.ndarray) -> bool:
    pairs = pd.DataFrame({"f": fe_codes, "c": pd.factorize(cluster)[0]}).drop_duplicates()
    return len(pairs) == len(np.unique(fe_codes))


@dataclass(frozen=True)
class _BinaryModel:
    formula: str | None = None
    _: KW_ONLY
    offset: str | Sequence[float] | np.ndarray | None = None
    weights: str | Sequence[float] | np.ndarray | None = None
    cov: str = "iid"
    cluster: Any = None
    small_sample: bool = True
    tol: float = 1e-10
    maxiter: int = 100
    bias_correction: bool = False

    _link = "logit"

    def _check(self) -> None:
        check_choice("cov", self.cov, ("iid", "robust", "cluster"))
        if self.cov == "cluster" and self.cluster is None:
            raise ValueError("cov='cluster' needs cluster=<column name(s) or array(s)>")
        if self.cov != "cluster" and self.cluster is not None:
            raise ValueError(f"cluster was given but cov={self.cov!r}; use cov='cluster'")

    def fit(self, data: pd.DataFrame) -> BinaryResults:
        """Fit the formula model to a DataFrame.

        Parameters
        ----------
        data : pandas.DataFrame
            Holds the outcome (0/1), regressors, fixed-effect, offset, weight and cluster
            columns named in the specification.

        Returns
        -------
        BinaryResults
        """
        if self.formula is None:
            raise ValueError("this specification has no formula; use fit_arrays(y, x, ...)")
        self._check()
        parsed = parse_formula(self.formula)
        cluster_cols = ([self.cluster] if isinstance(self.cluster, str)
                        else list(self.cluster) if self.cluster is not None
                        and all(isinstance(c, str) for c in self.cluster) else [])
        extra = [c for c in (self.offset, self.weights) if isinstance(c, str)]
        y, x, names, fe_raw, keep, spec = build_design(parsed, data, extra + cluster_cols)
        frame = data.reset_index(drop=True)
        off = _as_column(frame, self.offset, "offset", len(frame))
        pw = _as_column(frame, self.weights, "weights", len(frame))
        if cluster_cols:
            clusters = [data[c].to_numpy()[keep] for c in cluster_cols]
        elif self.cluster is not None:
            one = isinstance(self.cluster, (np.ndarray, pd.Series)) and np.ndim(self.cluster) == 1
            raw = [self.cluster] if one else list(self.cluster)
            clusters = [np.asarray(c)[keep] for c in raw]
        else:
            clusters = []
        out = self._estimate(y, x, names, fe_raw, parsed.fe_names,
                             None if off is None else off[keep],
                             None if pw is None else pw[keep], clusters,
                             data.index[keep], data.index[~keep])
        fe_state = out.pop("_fe_state")
        predictor = BinaryPredictor(spec, parsed.fixed_effects, *fe_state, offset=self.offset)
        return BinaryResults(**out, formula=self.formula, _predictor=predictor)

    def fit_arrays(
        self,
        y: np.ndarray,
        x: np.ndarray | None = None,
        *,
        fixed_effects: Sequence[np.ndarray] | np.ndarray | None = None,
        offset: np.ndarray | None = None,
        weights: np.ndarray | None = None,
        cluster: Sequence[np.ndarray] | np.ndarray | None = None,
        names: Sequence[str] | None = None,
    ) -> BinaryResults:
        """Fit to arrays (no formula): the form for simulation studies.

        Parameters
        ----------
        y : array_like
            Outcomes in [0, 1], length ``n``.
        x : array_like, optional
            ``(n, k)`` regressors; no intercept is added (include a column of ones when
            there are no fixed effects).
        fixed_effects : array or sequence of arrays, optional
            Factor labels, one array of length ``n`` per factor.
        offset, weights : array_like, optional
        cluster : array or sequence of one or two arrays, optional
            Cluster labels for ``cov="cluster"``.
        names : sequence of str, optional
            Term names (``x0, x1, ...`` by default).

        Returns
        -------
        BinaryResults
        """
        yy = np.asarray(y, dtype=float).ravel()
        n = yy.size
        xx = np.zeros((n, 0)) if x is None else np.asarray(x, dtype=float).reshape(n, -1)
        names = [f"x{j}" for j in range(xx.shape[1])] if names is None else list(names)
        if len(names) != xx.shape[1]:
            raise ValueError(f"names has {len(names)} entries for {xx.shape[1]} columns")
        fes = ([] if fixed_effects is None else [np.asarray(fixed_effects)]
               if np.ndim(fixed_effects) == 1 else [np.asarray(f) for f in fixed_effects])
        for j, f in enumerate(fes):
            if f.shape != (n,):
                raise ValueError(f"fixed_effects[{j}] must have one label per row ({n}), "
                                 f"got shape {f.shape}")
        clu = cluster if cluster is not None else self.cluster
        if isinstance(clu, str) or (isinstance(clu, (list, tuple)) and clu
                                    and all(isinstance(c, str) for c in clu)):
            raise ValueError("cluster names need fit(data); fit_arrays takes cluster arrays")
        clusters = ([] if clu is None else [np.asarray(clu)] if np.ndim(clu) == 1
                    else [np.asarray(c) for c in clu])
        spec = self if cluster is None else replace(self, cluster=True)
        spec._check()
        ok = np.isfinite(yy) & np.all(np.isfinite(xx), axis=1)
        if not ok.all():
            raise ValueError(f"y or x has {int((~ok).sum())} non-finite rows "
                             f"(first at row {int(np.flatnonzero(~ok)[0])})")
        out = spec._estimate(yy, xx, names, fes, [f"fe{j}" for j in range(len(fes))],
                             _as_column(None, offset, "offset", n),
                             _as_column(None, weights, "weights", n), clusters,
                             pd.RangeIndex(n), pd.Index([]))
        out.pop("_fe_state")
        return BinaryResults(**out, formula=None)

    # ------------------------------------------------------------------ core
    def _estimate(self, y: np.ndarray, x: np.ndarray, names: list[str],
                  fe_raw: list[np.ndarray], fe_names: list[str], off: np.ndarray | None,
                  pw: np.ndarray | None, clusters: list[np.ndarray], labels: pd.Index,
                  missing_labels: pd.Index) -> dict[str, Any]:
        link = self._link
        n = y.size
        if n == 0:
            raise ValueError("no observations left after removing rows with missing values")
        bad = (y < 0) | (y > 1)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(f"a {link} outcome must lie in [0, 1]; row {labels[i]!r} has "
                             f"{y[i]}")
        if pw is not None and (pw <= 0).any():
            i = int(np.flatnonzero(pw <= 0)[0])
            raise ValueError(f"weights must be positive; row {labels[i]!r} has {pw[i]}")
        offset = np.zeros(n) if off is None else off
        fe_codes = [pd.factorize(f)[0] for f in fe_raw]
        fe_levels = [pd.factorize(f)[1] for f in fe_raw]
        active = np.ones(n, dtype=bool)
        const_groups: dict[str, dict[Any, float]] = {nm: {} for nm in fe_names}
        counts = {"n_const": 0, "n_sep": 0}
        separating: list[str] = []
        collinear: list[str] = []
        while True:
            _drop_rules(y, x, names, fe_codes, fe_levels, fe_names, active, const_groups,
                        separating, counts)
            fe = FixedEffects.from_codes([c[active] for c in fe_codes])
            keep_cols = [j for j in range(x.shape[1]) if names[j] not in collinear]
            if not keep_cols:
                raise ValueError("no regressor is left to estimate (all were constant within "
                                 "the fixed effects or collinear: "
                                 f"{', '.join(collinear) or 'none given'})")
            xa = x[active][:, keep_cols]
            kept = [names[j] for j in keep_cols]
            pwa = None if pw is None else pw[active]
            try:
                res = fit_binary(y[active], xa, fe, link=link, offset=offset[active],
                                 prior_weights=pwa, tol=self.tol, maxiter=self.maxiter,
                                 check_collinear=True)
            except CollinearBinary as exc:
                collinear.extend(nm for nm, b in zip(kept, exc.mask, strict=True) if b)
                continue
            break
        if not res.converged:
            warnings.warn(f"{link} fit did not converge in {res.n_iter} iterations",
                          RuntimeWarning, stacklevel=4)
        if not np.all(np.isfinite(res.beta)):
            raise FloatingPointError("the fit produced non-finite coefficients; check for "
                                     "separation or extreme regressors")
        extreme = (res.mu < 1e-10) | (res.mu > 1.0 - 1e-10)
        if extreme.any():
            warnings.warn(f"{int(extreme.sum())} observations have fitted probabilities "
                          "within 1e-10 of 0 or 1: possible quasi-complete separation by a "
                          "combination of regressors and fixed effects", RuntimeWarning,
                          stacklevel=4)
        beta = res.beta
        bias = None
        if self.bias_correction:
            if fe.n_factors == 0:
                raise ValueError("bias_correction applies to models with absorbed fixed "
                                 "effects; this one has none")
            bias = first_order_bias(res.x_tilde, res.eta, fe, link, pwa)
            beta = res.beta - bias
        nobs = int(active.sum())
        k = len(kept)
        df_model = k + fe.rank()
        clus = [c[active] for c in clusters]
        df_cov = df_model
        if self.cov == "cluster" and fe.n_factors:
            nested = [f for f in range(fe.n_factors) if any(_nested(fe.codes[f], c) for c in clus)]
            if nested:
                rest = (FixedEffects.from_codes([fe.codes[f] for f in range(fe.n_factors)
                                                 if f not in nested])
                        if len(nested) < fe.n_factors else FixedEffects((), ()))
                df_cov = k + rest.rank()
        v = covariance(self.cov, res.x_tilde, res.weights, res.score, df_model=df_cov,
                       clusters=clus, small_sample=self.small_sample)
        if not np.all(np.isfinite(v)):
            raise FloatingPointError("the covariance matrix has non-finite entries")
        cov_label = self.cov if self.cov != "cluster" else f"cluster ({len(clus)}-way)"
        dropped_rows = labels[~active]
        if len(missing_labels):
            dropped_rows = missing_labels.append(dropped_rows)
        zero_groups = {nm: [lv for lv, s in d.items() if s < 0] for nm, d in const_groups.items()}
        one_groups = {nm: [lv for lv, s in d.items() if s > 0] for nm, d in const_groups.items()}
        return {
            "params": pd.Series(beta, index=kept, name="estimate"),
            "bias": None if bias is None else pd.Series(bias, index=kept, name="bias"),
            "cov": pd.DataFrame(v, index=kept, columns=kept),
            "link": link,
            "cov_type": cov_label,
            "nobs": nobs,
            "loglik": res.loglik,
            "converged": res.converged,
            "n_iter": res.n_iter,
            "dropped": DroppedObservations(
                n_missing=len(missing_labels), n_all_zero=counts["n_const"],
                n_separated=counts["n_sep"],
                all_zero_groups={nm: v_ for nm, v_ in zero_groups.items() if v_},
                separating_terms=tuple(separating), rows=dropped_rows),
            "all_one_groups": {nm: v_ for nm, v_ in one_groups.items() if v_},
            "collinear": tuple(nm for nm in names if nm in collinear),
            "df_model": df_model,
            "fixed_effects": tuple(fe_names),
            "fitted": pd.Series(res.mu, index=labels[active], name="probability"),
            "_fe_state": (res.fe_values, fe, list(fe_levels), fe_codes, active.copy(),
                          const_groups),
        }


def _drop_rules(y: np.ndarray, x: np.ndarray, names: list[str], fe_codes: list[np.ndarray],
                fe_levels: list[Any], fe_names: list[str], active: np.ndarray,
                const_groups: dict[str, dict[Any, float]], separating: list[str],
                counts: dict[str, int]) -> None:
    """Remove constant-outcome groups and single-regressor perfect prediction until stable."""
    while True:
        ya = y[active]
        if not (ya > 0).any() or not (ya < 1).any():
            raise ValueError("the outcome is constant (all 0 or all 1) in the sample left "
                             "after removing constant fixed-effect groups; the model is not "
                             "estimable")
        changed = False
        for codes, levels, name in zip(fe_codes, fe_levels, fe_names, strict=True):
            size = len(levels)
            cnt = np.bincount(codes[active], minlength=size)
            s = np.bincount(codes[active], weights=y[active], minlength=size)
            present = cnt > 0
            zero, one = present & (s == 0), present & (s == cnt)
            if zero.any() or one.any():
                rows = active & (zero | one)[codes]
                counts["n_const"] += int(rows.sum())
                for lv in levels[zero].tolist():
                    const_groups[name][lv] = -np.inf
                for lv in levels[one].tolist():
                    const_groups[name][lv] = np.inf
                active &= ~rows
                changed = True
        for j in range(x.shape[1]):  # loop over regressors, not observations
            xj = x[:, j]
            for side, other in ((active & (y == 0), active & (y > 0)),
                                (active & (y == 1), active & (y < 1))):
                if np.any(xj[other] != 0):
                    continue
                nz = side & (xj != 0)
                if nz.any() and (np.all(xj[nz] > 0) or np.all(xj[nz] < 0)):
                    counts["n_sep"] += int(nz.sum())
                    active &= ~nz
                    separating.append(names[j])
                    changed = True
        if not changed:
            return


@dataclass(frozen=True)
class Logit(_BinaryModel):
    r"""Logistic regression with absorbed fixed effects.

    Parameters
    ----------
    formula : str, optional
        ``"y ~ x1 + x2 | fe1 + fe2"`` (see :mod:`sahelmodel.regression.formula`); leave out
        for :meth:`fit_arrays`.
    offset : str or array_like, optional
        Added to the linear predictor.
    weights : str or array_like, optional
        Prior weights (with a proportion outcome: the number of trials), as R's ``glm``.
    cov : {"iid", "robust", "cluster"}
        Covariance estimator (:mod:`sahelmodel.regression.covariance`); ``"iid"`` is the
        inverse Fisher information.
    cluster : str, sequence of str, or array(s), optional
        One or two cluster variables for ``cov="cluster"``.
    small_sample : bool, default True
        HC1 and cluster small-sample factors.
    tol, maxiter
        IRLS convergence settings.
    bias_correction : bool, default False
        Subtract the analytical incidental-parameter bias (see the module notes).

    Notes
    -----
    :math:`P(y_i = 1) = \Lambda(o_i + x_i^\top\beta + \alpha_{s(i)} + \gamma_{r(i)} +
    \delta_{t(i)} + \dots)` with :math:`\Lambda(u) = 1/(1 + e^{-u})`, fitted by IRLS with
    the fixed effects projected out (:mod:`sahelmodel.regression._binary_irls`). The
    coefficients equal those of a logit with one dummy per fixed-effect level;
    :math:`\exp(\beta_k)` is an odds ratio (:meth:`BinaryResults.odds_ratios`). See the
    module notes on the incidental-parameter bias.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=600), "g": rng.integers(0, 10, 600)})
    >>> df["y"] = (rng.random(600) < 1 / (1 + np.exp(-(0.8 * df.x + df.g / 5 - 1)))) * 1
    >>> res = Logit("y ~ x | g").fit(df)
    >>> bool(0.5 < res.params["x"] < 1.1), res.converged
    (True, True)
    """


@dataclass(frozen=True)
class Probit(_BinaryModel):
    r"""Probit regression with absorbed fixed effects.

    Parameters
    ----------
    formula, offset, weights, cov, cluster, small_sample, tol, maxiter, bias_correction
        As for :class:`Logit`.

    Notes
    -----
    :math:`P(y_i = 1) = \Phi(o_i + x_i^\top\beta + \alpha_{s(i)} + \dots)`. The ``"iid"``
    covariance is the inverse *expected* (Fisher) information, as R's ``glm`` and fixest's
    ``feglm`` report; statsmodels' ``Probit`` uses the observed information, which differs
    slightly for the probit link (equal at the logit's canonical link).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=600), "g": rng.integers(0, 10, 600)})
    >>> df["y"] = (0.5 * df.x + df.g / 10 - 0.5 + rng.normal(size=600) > 0) * 1
    >>> res = Probit("y ~ x | g").fit(df)
    >>> bool(0.3 < res.params["x"] < 0.7)
    True
    """

    _link = "probit"


def felogit(formula: str, data: pd.DataFrame, *, offset: Any = None, weights: Any = None,
            cov: str = "iid", cluster: Any = None, small_sample: bool = True,
            bias_correction: bool = False) -> BinaryResults:
    """Fit a logit with absorbed fixed effects in one call (``Logit(formula, ...).fit(data)``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [0, 1, 1, 0, 0, 1, 1, 0], "x": [0, 1, 0, 1, 0, 1, 1, 0],
    ...                    "g": list("aaaabbbb")})
    >>> round(float(felogit("y ~ x | g", df).odds_ratios().loc["x", "odds_ratio"]), 4)
    9.0
    """
    return Logit(formula, offset=offset, weights=weights, cov=cov, cluster=cluster,
                 small_sample=small_sample, bias_correction=bias_correction).fit(data)


def feprobit(formula: str, data: pd.DataFrame, *, offset: Any = None, weights: Any = None,
             cov: str = "iid", cluster: Any = None, small_sample: bool = True,
             bias_correction: bool = False) -> BinaryResults:
    """Fit a probit with absorbed fixed effects in one call (``Probit(formula, ...).fit(data)``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [0, 1, 1, 0, 0, 1, 1, 0], "x": [0, 1, 0, 1, 0, 1, 1, 0],
    ...                    "g": list("aaaabbbb")})
    >>> round(float(feprobit("y ~ x | g", df).params["x"]), 4)
    1.349
    """
    return Probit(formula, offset=offset, weights=weights, cov=cov, cluster=cluster,
                  small_sample=small_sample, bias_correction=bias_correction).fit(data)
