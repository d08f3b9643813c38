r"""Poisson and negative binomial regressions with absorbed fixed effects.

A model is a specification (:class:`Poisson`, :class:`NegativeBinomial`): keyword-only settings,
no work at construction, cheap to copy; ``fit(data)`` (formula) or ``fit_arrays(y, x, ...)``
(simulation studies) returns a frozen :class:`~sahelmodel.regression.results.CountResults`.
:func:`fepois` and :func:`fenegbin` are one-line shortcuts.

Sample accounting (as fixest and ppmlhdfe): rows with missing values are removed; then,
repeatedly until nothing changes, rows in a fixed-effect group whose outcome is zero
throughout (their effect is :math:`-\infty` and they carry no information on
:math:`\beta`), rows separated by a regressor that is non-zero only where the outcome is zero
and of one sign there, and rows separated by any combination of regressors and fixed effects
(the iterative rectifier of Correia, Guimarães & Zylkin, :func:`~sahelmodel.regression._irls.
separated_ir`) are removed and reported in ``results.dropped``. Regressors that are
constant within the fixed effects or collinear with earlier regressors are removed and listed
in ``results.collinear``. An all-zero outcome, an empty sample or a sample with no regressor
left raises ``ValueError``.

Column contract: the functions take any DataFrame; on the dyad panel of
:func:`sahelmodel.dyad_panel` the usual call is
``fepois("hostile ~ capture_ij_lag1 + rivalry_lag1 | dyad + period", panel, cluster="dyad")``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._validation import check_choice
from sahelmodel.regression._demean import FixedEffects, code_dtype, demean
from sahelmodel.regression._irls import CollinearColumns, fit_irls, separated_ir
from sahelmodel.regression._sample import _compact, _drop_rules_impl, _rows_of
from sahelmodel.regression.covariance import covariance, pearson_scale
from sahelmodel.regression.formula import build_design, parse_formula
from sahelmodel.regression.results import CountResults, DroppedObservations

__all__ = ["NegativeBinomial", "Poisson", "fenegbin", "fepois"]

ArrayOrName = str | Sequence[float] | np.ndarray | pd.Series | None


def _column(data: pd.DataFrame | None, value: Any, what: str, n: int) -> np.ndarray | None:
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
    if np.isinf(arr).any():
        first = int(np.flatnonzero(np.isinf(arr))[0])
        raise ValueError(f"{what} has an infinite value at row {first}; a fit needs finite values")
    return arr


def _variance(mu: np.ndarray, family: str, disp: float) -> np.ndarray:
    if family == "poisson":
        return mu
    if family == "nb2":
        return mu + disp * mu * mu
    return (1.0 + disp) * mu


@dataclass(frozen=True)
class _CountModel:
    formula: str | None = None
    _: KW_ONLY
    offset: ArrayOrName = None
    exposure: ArrayOrName = None
    weights: ArrayOrName = None
    cov: str = "iid"
    cluster: Any = None
    scale: str | float | None = None
    small_sample: bool = True
    tol: float = 1e-10
    maxiter: int = 200

    _family = "poisson"

    def _dispersion_setting(self) -> float | None:
        return None

    def _check(self) -> None:
        check_choice("cov", self.cov, ("iid", "robust", "cluster"))
        if self.cov == "cluster" and self.cluster is None:
            raise ValueError("cov='cluster' needs cluster=<column name(s) or array(s)>")
        if self.cov != "cluster" and self.cluster is not None:
            raise ValueError(f"cluster was given but cov={self.cov!r}; use cov='cluster'")
        if self.scale is not None:
            if self.cov != "iid":
                raise ValueError("scale applies to cov='iid' only (robust and clustered "
                                 "covariances do not depend on a scale)")
            if isinstance(self.scale, str):
                check_choice("scale", self.scale, ("pearson",))
            elif not float(self.scale) > 0:
                raise ValueError(
                    f"scale must be 'pearson' or a positive number, got {self.scale!r}")

    def fit(self, data: pd.DataFrame) -> CountResults:
        """Fit the formula model to a DataFrame.

        Parameters
        ----------
        data : pandas.DataFrame
            Must hold the outcome, regressors, fixed-effect, offset/exposure/weight and
            cluster columns named in the specification.

        Returns
        -------
        CountResults
        """
        return self._fit_full(data)[0]

    def _fit_full(self, data: pd.DataFrame, *, allow_empty: bool = False,
                  solver: str = "cg") -> tuple[CountResults, dict[str, Any]]:
        """:meth:`fit`, also returning the IRLS arrays of the final fit.

        For estimators built on this one, such as the cohort event study; ``allow_empty``
        accepts a model whose only terms are the absorbed fixed effects; ``solver`` is the
        fixed-effect solver of :func:`~sahelmodel.regression._irls.fit_irls`.
        """
        if self.formula is None:
            raise ValueError("this specification has no formula; use fit_arrays(y, x, ...)")
        self._check()
        parsed = parse_formula(self.formula)
        cluster_cols = ([self.cluster] if isinstance(self.cluster, str)
                        else list(self.cluster) if self.cluster is not None
                        and all(isinstance(c, str) for c in self.cluster) else [])
        extra = [c for c in (self.offset, self.exposure, self.weights) if isinstance(c, str)]
        y, x, names, fe_raw, keep, spec = build_design(parsed, data, extra + cluster_cols,
                                                       integer_outcome=True)
        n_all = len(data)

        def cols(value: Any, what: str) -> np.ndarray | None:
            arr = _column(data.reset_index(drop=True), value, what, n_all)
            return None if arr is None else arr[keep]

        off = cols(self.offset, "offset")
        expo = cols(self.exposure, "exposure")
        pw = cols(self.weights, "weights")
        if cluster_cols:
            clusters = [data[c].to_numpy()[keep] for c in cluster_cols]
        elif self.cluster is not None:
            one = isinstance(self.cluster, (np.ndarray, pd.Series)) and np.ndim(self.cluster) == 1
            raw = [self.cluster] if one else list(self.cluster)
            clusters = [np.asarray(c)[keep] for c in raw]
            if any(c.shape != (int(keep.sum()),) for c in clusters):
                raise ValueError(f"cluster arrays must have one value per row ({len(keep)})")
        else:
            clusters = []
        every = bool(keep.all())
        rows = {"y": y, "x": x, "work": x.base}  # (handed over: the fit may free them)
        del y, x
        fit = self._estimate(None, None, names, fe_raw, parsed.fe_names, off, expo, pw,
                             clusters, data.index if every else data.index[keep],
                             data.index[:0] if every else data.index[~keep],
                             allow_empty=allow_empty, solver=solver, rows=rows)
        predictor = _Predictor(spec, parsed, fit.pop("_fe_maps"), self.offset, self.exposure)
        extras = fit.pop("_extras")
        extras["keep"] = keep
        return CountResults(**fit, formula=self.formula, _predictor=predictor), extras

    def fit_arrays(
        self,
        y: np.ndarray,
        x: np.ndarray | None = None,
        *,
        fixed_effects: Sequence[np.ndarray] | np.ndarray | None = None,
        offset: np.ndarray | None = None,
        exposure: np.ndarray | None = None,
        weights: np.ndarray | None = None,
        cluster: Sequence[np.ndarray] | np.ndarray | None = None,
        names: Sequence[str] | None = None,
    ) -> CountResults:
        """Fit to arrays (no formula): the form for simulation studies.

        Parameters
        ----------
        y : array_like
            Counts, length ``n``.
        x : array_like, optional
            ``(n, k)`` regressors. No intercept is added: include a column of ones when
            there are no fixed effects.
        fixed_effects : array or sequence of arrays, optional
            Factor labels, one array of length ``n`` per factor.
        offset, exposure, weights : array_like, optional
        cluster : array or sequence of one or two arrays, optional
            Cluster labels (with ``cov="cluster"``); overrides the specification's ``cluster``.
        names : sequence of str, optional
            Term names (``x0, x1, ...`` by default).

        Returns
        -------
        CountResults
        """
        yy = np.asarray(y, dtype=float).ravel()
        n = yy.size
        xx = np.zeros((n, 0)) if x is None else np.asarray(x, dtype=float).reshape(n, -1)
        names = [f"x{j}" for j in range(xx.shape[1])] if names is None else list(names)
        if len(names) != xx.shape[1]:
            raise ValueError(f"names has {len(names)} entries for {xx.shape[1]} columns")
        fes = ([] if fixed_effects is None else [np.asarray(fixed_effects)]
               if np.ndim(fixed_effects) == 1 else [np.asarray(f) for f in fixed_effects])
        named = isinstance(self.cluster, str) or (
            isinstance(self.cluster, (list, tuple)) and len(self.cluster) > 0
            and all(isinstance(c, str) for c in self.cluster))
        if cluster is None and named:
            raise ValueError("cluster names in the specification need fit(data); fit_arrays "
                             "takes the cluster variable(s) as arrays: fit_arrays(..., "
                             "cluster=codes)")
        clu = cluster if cluster is not None else self.cluster
        clusters = ([] if clu is None else [np.asarray(clu)] if np.ndim(clu) == 1
                    else [np.asarray(c) for c in clu])
        spec = self if cluster is None else _replace(self, cluster=True)
        spec._check()
        ok = np.isfinite(yy) & np.all(np.isfinite(xx), axis=1)
        if not ok.all():
            raise ValueError(f"y or x has {int((~ok).sum())} non-finite rows "
                             f"(first at row {int(np.flatnonzero(~ok)[0])})")
        fit = spec._estimate(
            yy, xx, names, fes, [f"fe{j}" for j in range(len(fes))],
            _column(None, offset, "offset", n), _column(None, exposure, "exposure", n),
            _column(None, weights, "weights", n), clusters, pd.RangeIndex(n), pd.Index([]))
        fit.pop("_fe_maps")
        fit.pop("_extras")
        return CountResults(**fit, formula=None)

    # ------------------------------------------------------------------ core
    def _estimate(self, y: np.ndarray, x: np.ndarray, names: list[str],
                  fe_raw: list[np.ndarray], fe_names: list[str], off: np.ndarray | None,
                  expo: np.ndarray | None, pw: np.ndarray | None,
                  clusters: list[np.ndarray], labels: pd.Index,
                  missing_labels: pd.Index, allow_empty: bool = False,
                  solver: str = "cg", rows: dict[str, Any] | None = None) -> dict[str, Any]:
        # (memory: no row-length array of zeros or ones stands for an absent offset or
        # weight; ``rows`` hands over y, x and the design builder's [z, X] buffer around x,
        # so that when rows are dropped the sample is re-based on the rows left and the
        # full-length arrays are freed)
        work = None
        if rows is not None:
            y, x, work = rows.pop("y"), rows.pop("x"), rows.pop("work")
        n = y.size
        if (y < 0).any():
            i = int(np.flatnonzero(y < 0)[0])
            raise ValueError(f"the outcome must be non-negative; row {labels[i]!r} has {y[i]}")
        offset = None if off is None else off.copy()
        if expo is not None:
            if (expo <= 0).any():
                i = int(np.flatnonzero(expo <= 0)[0])
                raise ValueError(f"exposure must be positive; row {labels[i]!r} has {expo[i]}")
            offset = np.log(expo) if offset is None else offset + np.log(expo)
        if pw is not None and (pw <= 0).any():
            i = int(np.flatnonzero(pw <= 0)[0])
            raise ValueError(f"weights must be positive; row {labels[i]!r} has {pw[i]}")
        if n == 0:
            raise ValueError("no observations left after removing rows with missing values")
        fe_codes, fe_levels = [], []
        for f in fe_raw:  # codes in the smallest integer type (one factor at a time)
            codes, levels = pd.factorize(f)
            fe_codes.append(codes.astype(code_dtype(len(levels)), copy=False))
            fe_levels.append(levels)
            del codes
        fe_raw.clear()  # (the raw labels are no longer needed: free them during the fit)
        active = np.ones(n, dtype=bool)
        kept = None  # rows (of the n given) still in the sample; None: all of them
        all_zero: dict[str, list[Any]] = {name: [] for name in fe_names}
        n_zero = n_sep = 0
        separating: list[str] = []
        checked_ir = False
        collinear: list[str] = []
        while True:
            n_zero, n_sep = _drop_rules_impl(y, x, names, fe_codes, fe_levels, fe_names,
                                             active, all_zero, separating, n_zero, n_sep)
            if not active.all():  # re-base on the rows left (one copy; the old ones go)
                y, x, work, fe_codes, offset, pw, clusters = _compact(
                    active, y, x, fe_codes, offset, pw, clusters)
                for f, codes in enumerate(fe_codes):  # levels left: dense codes, no re-coding
                    present = np.bincount(codes, minlength=len(fe_levels[f])) > 0
                    if not present.all():
                        fe_codes[f] = (np.cumsum(present) - 1).astype(codes.dtype)[codes]
                        fe_levels[f] = fe_levels[f][present]
                if kept is None:
                    kept = active
                else:
                    kept[kept] = active
                active = np.ones(y.size, dtype=bool)
            every = bool(active.all())  # (no copies of the full sample)
            ya, xa = (y, x) if every else (y[active], x[active])
            fe = FixedEffects.from_codes(fe_codes if every else [c[active] for c in fe_codes])
            keep_cols = [j for j in range(x.shape[1]) if names[j] not in collinear]
            if not keep_cols and not allow_empty:
                raise ValueError("no regressor is left to estimate (all were constant within "
                                 "the fixed effects or collinear: "
                                 f"{', '.join(collinear) or 'none given'})")
            xa = xa if len(keep_cols) == xa.shape[1] else xa[:, keep_cols]
            kept_names = [names[j] for j in keep_cols]
            pwa = None if pw is None else pw if every else pw[active]
            offa = None if offset is None else offset if every else offset[active]
            try:
                res = fit_irls(ya, xa, fe, family=self._family, offset=offa,
                               prior_weights=pwa, dispersion=self._dispersion_setting(),
                               tol=self.tol, maxiter=self.maxiter,
                               stop_on_separation=not checked_ir, check_collinear=True,
                               solver=solver, work=work if xa is x else None)
            except CollinearColumns as exc:
                collinear.extend(nm for nm, bad in zip(kept_names, exc.mask, strict=True) if bad)
                continue
            if res.converged or checked_ir:
                break
            # signs of separation (or slow convergence): certify with the iterative rectifier
            checked_ir = True
            sep, ok = separated_ir(ya, xa, fe)
            if not ok:
                warnings.warn("the separation check (iterative rectifier) did not converge; "
                              "separated observations may remain", RuntimeWarning, stacklevel=4)
            if sep.any():
                active[np.flatnonzero(active)[sep]] = False
                n_sep += int(sep.sum())
                separating.append("(regressors and fixed effects jointly)")
                checked_ir = False  # the reduced sample may need the check again
        fe.release()  # (the stacked level indices: rebuilt if the fixed effects are asked for)
        if not res.converged:
            warnings.warn(f"{self._family} fit did not converge in {res.n_iter} iterations",
                          RuntimeWarning, stacklevel=4)
        if not np.all(np.isfinite(res.beta)):
            raise FloatingPointError("the fit produced non-finite coefficients; check for "
                                     "separation or extreme regressors")
        tiny = (ya == 0) & (res.mu < 1e-10 * max(float(ya.mean()), 1e-300))
        if tiny.any():
            warnings.warn(f"{int(tiny.sum())} zero-outcome observations have fitted means "
                          "below 1e-10: possible separation not resolved by the drop rules",
                          RuntimeWarning, stacklevel=4)
        nobs = int(active.sum())
        k = len(kept_names)
        df_model = k + fe.rank()
        family = self._family
        disp = None if family == "poisson" else res.dispersion
        scale = 1.0
        if self.scale == "pearson":
            pwa1 = np.ones(nobs) if pwa is None else pwa
            scale = pearson_scale(ya, res.mu, _variance(res.mu, family, disp or 0.0), pwa1,
                                  nobs - df_model)
        elif self.scale is not None:
            scale = float(self.scale)
        clus = clusters
        df_cov = df_model
        if self.cov == "cluster" and fe.n_factors:
            nested = [f for f in range(fe.n_factors) if any(_nested(fe.codes[f], c) for c in clus)]
            if nested:
                rest = FixedEffects.from_codes([fe.codes[f] for f in range(fe.n_factors)
                                                if f not in nested]) if len(nested) < \
                    fe.n_factors else FixedEffects((), ())
                df_cov = k + rest.rank()
        v = covariance(self.cov, res.x_tilde, res.weights, res.score, df_model=df_cov,
                       scale=scale, clusters=clus, small_sample=self.small_sample,
                       names=kept_names)
        if np.isinf(v).any():
            raise FloatingPointError("the covariance matrix has infinite entries")
        cov_label = self.cov if self.cov != "cluster" else (
            f"cluster ({len(clus)}-way)")
        if self.scale == "pearson":
            cov_label += ", Pearson-scaled"
        dropped_rows = labels[:0] if kept is None else labels[~kept]
        if len(missing_labels):
            dropped_rows = missing_labels.append(dropped_rows)
        fe_args = (res.fe_values, fe, list(fe_levels), fe_codes, active.copy())
        return {
            "params": pd.Series(res.beta, index=kept_names, name="estimate"),
            "cov": pd.DataFrame(v, index=kept_names, columns=kept_names),
            "family": family,
            "dispersion": disp,
            "scale": scale,
            "cov_type": cov_label,
            "cluster_info": _cluster_info(self.cluster, clus),
            "nobs": nobs,
            "loglik": res.loglik,
            "converged": res.converged,
            "n_iter": res.n_iter,
            "dropped": DroppedObservations(
                n_missing=len(missing_labels), n_all_zero=n_zero, n_separated=n_sep,
                all_zero_groups={k_: v_ for k_, v_ in all_zero.items() if v_},
                separating_terms=tuple(separating), rows=dropped_rows),
            "collinear": tuple(nm for nm in names if nm in collinear),
            "df_model": df_model,
            "fixed_effects": tuple(fe_names),
            "fitted": pd.Series(res.mu, index=labels if kept is None else
                                _rows_of(labels, kept), name="mu", copy=False),
            "_fe_maps": fe_args,
            "_extras": {"irls": res, "fe": fe,
                        "active": active.copy() if kept is None else kept, "x": xa,
                        "offset": 0.0 if offa is None else offa, "clusters": clus,
                        "df_cov": df_cov},
        }


def _replace(spec: _CountModel, **changes: Any) -> _CountModel:
    from dataclasses import replace
    return replace(spec, **changes)


def _cluster_info(spec: Any, clusters: list[np.ndarray]) -> tuple[tuple[str, int], ...]:
    """(name, number of clusters) per cluster dimension of the fitted sample."""
    names = ([spec] if isinstance(spec, str) else list(spec) if isinstance(spec, (list, tuple))
             and all(isinstance(c, str) for c in spec) else [])
    if len(names) != len(clusters):
        names = [f"cluster {k + 1}" for k in range(len(clusters))]
    return tuple((nm, int(pd.unique(c).size)) for nm, c in zip(names, clusters, strict=True))


def _nested(fe_codes: np.ndarray, cluster: np.ndarray) -> bool:
    """True when every level of the factor lies within a single cluster."""
    pairs = pd.DataFrame({"f": fe_codes, "c": pd.factorize(cluster)[0]}).drop_duplicates()
    return len(pairs) == len(np.unique(fe_codes))


def _fe_maps(fe_values: np.ndarray, fe: FixedEffects, levels: list[Any],
             codes_full: list[np.ndarray], active: np.ndarray) -> list[dict[Any, float]]:
    """Split the summed fixed effects into one value per level of each factor."""
    if fe.n_factors == 0:
        return []
    _, coef, _, _ = demean(fe_values, fe, tol=1e-13)
    out = []
    start = 0
    for f, size in enumerate(fe.sizes):
        used = np.unique(codes_full[f][active])  # FixedEffects re-codes in sorted order
        vals = coef[start:start + size, 0]
        out.append(dict(zip(np.asarray(levels[f])[used].tolist(), vals.tolist(), strict=True)))
        start += size
    return out


@dataclass(frozen=True)
class _Predictor:
    spec: Any
    parsed: Any
    fe_args: tuple[Any, ...]
    offset: Any
    exposure: Any

    def fe_maps(self) -> list[dict[Any, float]]:
        """Per-level fixed-effect values, computed on first use and cached."""
        cache = self.__dict__.get("_maps")
        if cache is None:
            cache = _fe_maps(*self.fe_args)
            object.__setattr__(self, "_maps", cache)
        return cache

    def __call__(self, data: pd.DataFrame, params: pd.Series, offset: Any,
                 exposure: Any) -> np.ndarray:
        from sahelmodel.regression.formula import _combine

        mm = self.spec.get_model_matrix(data.reset_index(drop=True), na_action="ignore")
        x = mm.reindex(columns=list(params.index)).to_numpy(dtype=float)
        eta = x @ params.to_numpy()
        frame = data.reset_index(drop=True)
        for parts, mapping in zip(self.parsed.fixed_effects, self.fe_maps(), strict=True):
            lab = _combine(frame, parts)
            vals = pd.Series(lab).map(mapping)
            if vals.isna().any():
                unseen = sorted({str(v) for v in np.asarray(lab)[vals.isna().to_numpy()]})[:5]
                raise KeyError(f"levels of {'^'.join(parts)} without an estimated effect "
                               f"(unseen or dropped as all-zero): {unseen}")
            eta = eta + vals.to_numpy(dtype=float)
        off = offset if offset is not None else self.offset
        expo = exposure if exposure is not None else self.exposure
        n = len(frame)
        o = _column(frame, off, "offset", n)
        e = _column(frame, expo, "exposure", n)
        if o is not None:
            eta = eta + o
        if e is not None:
            eta = eta + np.log(e)
        return eta


@dataclass(frozen=True)
class Poisson(_CountModel):
    r"""Poisson regression with absorbed fixed effects (pseudo-maximum likelihood).

    Parameters
    ----------
    formula : str, optional
        ``"y ~ x1 + x2 | fe1 + fe2"`` (see :mod:`sahelmodel.regression.formula`); leave out
        for :meth:`fit_arrays`.
    offset, exposure : str or array_like, optional
        Column name or array; ``exposure`` enters as ``log(exposure)``.
    weights : str or array_like, optional
        Prior (analytic) weights, as R's ``glm`` and fixest treat them: each row's
        log-likelihood contribution is multiplied by its weight. The robust and cluster
        covariances count rows, not the sum of the weights, so these are not frequency
        weights (to weight by frequency, repeat the rows).
    cov : {"iid", "robust", "cluster"}
        Covariance estimator (see :mod:`sahelmodel.regression.covariance`).
    cluster : str, sequence of str, or array(s), optional
        One or two cluster variables for ``cov="cluster"``.
    scale : {None, "pearson"} or float
        ``"pearson"`` gives quasi-Poisson standard errors.
    small_sample : bool, default True
        HC1 and cluster small-sample factors.
    tol, maxiter
        IRLS convergence settings.

    Notes
    -----
    :math:`E[y_i \mid x_i] = \exp(o_i + x_i^\top\beta + \alpha_{g_1(i)} + \dots)`, fitted
    by IRLS with the fixed effects projected out by weighted alternating projections
    (:mod:`sahelmodel.regression._irls`). The coefficients are identical to those of a Poisson
    GLM with one dummy per fixed-effect level. ``exp(beta)`` is the incidence-rate ratio.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [0, 2, 1, 4, 3, 5], "x": [0, 1, 0, 1, 0, 1],
    ...                    "g": ["a", "a", "b", "b", "c", "c"]})
    >>> res = Poisson("y ~ x | g").fit(df)
    >>> round(float(res.irr().loc["x", "irr"]), 4)
    2.75
    """


@dataclass(frozen=True)
class NegativeBinomial(_CountModel):
    r"""Negative binomial regression (NB2 or NB1) with absorbed fixed effects.

    Parameters
    ----------
    formula, offset, exposure, weights, cov, cluster, scale, small_sample, tol, maxiter
        As for :class:`Poisson`.
    variance : {"nb2", "nb1"}
        ``"nb2"``: :math:`\operatorname{Var} = \mu + \kappa\mu^2`; ``"nb1"``:
        :math:`(1 + \kappa)\mu`.
    dispersion : float, optional
        Hold :math:`\kappa` fixed; estimated by maximum likelihood when ``None``.

    Notes
    -----
    NB2 log-likelihood per observation, with :math:`\theta = 1/\kappa`:
    :math:`\log\Gamma(y+\theta) - \log\Gamma(\theta) - \log y! + \theta\log
    \frac{\theta}{\theta+\mu} + y\log\frac{\mu}{\theta+\mu}`. :math:`\kappa` and
    :math:`\beta` are estimated jointly by maximum likelihood (alternating conditional
    maximisation, as ``MASS::glm.nb``). The model-based covariance is that of :math:`\beta`
    with :math:`\kappa` at its estimate (the Fisher information of NB2 is block diagonal in
    :math:`(\beta, \kappa)`), as reported by ``MASS::glm.nb``. For NB1 the information is
    not block diagonal and the reported covariance is conditional on :math:`\hat\kappa`
    (use ``cov="robust"`` or ``"cluster"`` for inference that does not rely on it).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=400), "g": rng.integers(0, 8, 400)})
    >>> df["y"] = rng.negative_binomial(2, 2 / (2 + np.exp(0.5 * df["x"])))
    >>> res = NegativeBinomial("y ~ x | g").fit(df)
    >>> bool(0.3 < res.params["x"] < 0.7), bool(res.dispersion > 0)
    (True, True)
    """

    variance: str = "nb2"
    dispersion: float | None = None

    @property
    def _family(self) -> str:  # type: ignore[override]
        return check_choice("variance", self.variance, ("nb2", "nb1"))

    def _dispersion_setting(self) -> float | None:
        if self.dispersion is None:
            return None
        return float(self.dispersion)


def fepois(formula: str, data: pd.DataFrame, *, offset: ArrayOrName = None,
           exposure: ArrayOrName = None, weights: ArrayOrName = None, cov: str = "iid",
           cluster: Any = None, scale: str | float | None = None,
           small_sample: bool = True) -> CountResults:
    """Fit a Poisson regression with absorbed fixed effects in one call.

    Shortcut for ``Poisson(formula, ...).fit(data)``; see :class:`Poisson`.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [0, 2, 1, 4], "x": [0, 1, 0, 1], "g": ["a", "a", "b", "b"]})
    >>> round(float(fepois("y ~ x | g", df).irr().loc["x", "irr"]), 4)
    6.0
    """
    return Poisson(formula, offset=offset, exposure=exposure, weights=weights, cov=cov,
                   cluster=cluster, scale=scale, small_sample=small_sample).fit(data)


def fenegbin(formula: str, data: pd.DataFrame, *, offset: ArrayOrName = None,
             exposure: ArrayOrName = None, weights: ArrayOrName = None, cov: str = "iid",
             cluster: Any = None, scale: str | float | None = None, small_sample: bool = True,
             variance: str = "nb2") -> CountResults:
    """Fit a negative binomial regression with absorbed fixed effects in one call.

    Shortcut for ``NegativeBinomial(formula, ...).fit(data)``; see :class:`NegativeBinomial`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=300)})
    >>> df["y"] = rng.negative_binomial(3, 3 / (3 + np.exp(1 + 0.4 * df["x"])))
    >>> res = fenegbin("y ~ x", df)
    >>> bool(abs(res.params["x"] - 0.4) < 0.2)
    True
    """
    return NegativeBinomial(formula, offset=offset, exposure=exposure, weights=weights,
                            cov=cov, cluster=cluster, scale=scale, small_sample=small_sample,
                            variance=variance).fit(data)
