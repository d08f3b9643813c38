r"""Forecast evaluation of models of who fights whom: out-of-sample splits and scores.

Two ways to hold data out, both over the cells of a :class:`~sahelmodel.dyadic.data.DyadData`
(a cell is a dyad-period; the two rows of an undirected cell always go together):

* :func:`rolling_origin`: for each origin :math:`t`, fit on the periods up to :math:`t` and
  predict period :math:`t + 1` (the outcomes of later periods hidden too): a true forecast.
* :func:`cross_validate`: K folds of cells, drawn at random cell by cell (``scheme="random"``,
  as in the network-model literature, e.g. amen's cross-validation) or blocked by period
  (``scheme="period"``: whole periods held out, so a fold cannot borrow strength from the
  same period's other cells).

Each model is anything following the protocol of :mod:`sahelmodel.dyadic.protocol`; it is fitted
on a copy of the data whose held-out outcomes are hidden (:meth:`DyadData.hide`). The held-out
predictions of every fold are pooled and scored by :func:`forecast_scores` (scikit-learn's
metrics, weighted by the row weights):

* ``roc_auc``: area under the ROC curve;
* ``pr_auc_trapezoid``: the trapezoid rule over the precision-recall curve (what R's
  ``PRROC``-style and many network-forecast papers report; it interpolates linearly between
  operating points, which is optimistic);
* ``average_precision``: :math:`\sum_n (R_n - R_{n-1}) P_n`, the step-wise area (no
  interpolation), scikit-learn's ``average_precision_score``;
* ``brier``: :math:`\frac{1}{n}\sum (p_i - y_i)^2` (lower is better);
* ``log_score``: :math:`\frac{1}{n}\sum y_i\log p_i + (1-y_i)\log(1-p_i)` (higher is better;
  probabilities are clipped to :math:`[10^{-15}, 1 - 10^{-15}]` and the number clipped is
  reported as ``n_clipped``, since a fixed-effect model predicts exactly 0 for an actor that
  never fought in the training data);

plus ``base_rate`` (the share of cells with a tie: the PR-AUC of a random forecast) and the
number of cells. :func:`calibration_table` bins the predictions; :func:`compare_models` puts
several evaluations in one table.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics

from sahelmodel._rng import as_generator
from sahelmodel._validation import check_choice
from sahelmodel.dyadic.data import DyadData
from sahelmodel.dyadic.protocol import DyadModel

__all__ = ["CVSplit", "ForecastResult", "calibration_table", "compare_models",
           "cross_validate", "forecast_scores", "rolling_origin"]

_EPS = 1e-15
SCORES = ("roc_auc", "pr_auc_trapezoid", "average_precision", "brier", "log_score")


def forecast_scores(y: np.ndarray, p: np.ndarray,
                    weight: np.ndarray | None = None) -> dict[str, float]:
    """Discrimination and calibration scores of probability forecasts of a binary outcome.

    Parameters
    ----------
    y : array_like
        Outcomes (0/1).
    p : array_like
        Predicted probabilities of a 1.
    weight : array_like, optional
        Row weights (1/2 for each orientation of an undirected cell).

    Returns
    -------
    dict
        ``roc_auc``, ``pr_auc_trapezoid``, ``average_precision``, ``brier``, ``log_score``,
        ``base_rate``, ``n_cells`` (sum of weights), ``n_positive`` and ``n_clipped``. AUCs
        are NaN (with a warning) when only one class is present.

    Examples
    --------
    >>> s = forecast_scores([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> s["roc_auc"], s["average_precision"], round(s["brier"], 4)
    (0.75, 0.8333333333333333, 0.1581)
    """
    yy = np.asarray(y, dtype=float).ravel()
    pp = np.asarray(p, dtype=float).ravel()
    w = np.ones(yy.size) if weight is None else np.asarray(weight, dtype=float).ravel()
    if not (yy.size == pp.size == w.size):
        raise ValueError(f"y, p and weight have different lengths ({yy.size}, {pp.size}, "
                         f"{w.size})")
    if yy.size == 0:
        raise ValueError("no predictions to score")
    if not np.isin(yy, (0.0, 1.0)).all():
        raise ValueError("y must be 0 or 1 (a NaN outcome means a hidden cell was scored)")
    bad = ~np.isfinite(pp) | (pp < 0) | (pp > 1)
    if bad.any():
        raise ValueError(f"{int(bad.sum())} predicted probabilities are not finite numbers in "
                         f"[0, 1] (first at position {int(np.flatnonzero(bad)[0])})")
    out: dict[str, float] = {}
    if 0 < yy.sum() < yy.size:
        out["roc_auc"] = float(metrics.roc_auc_score(yy, pp, sample_weight=w))
        prec, rec, _ = metrics.precision_recall_curve(yy, pp, sample_weight=w)
        out["pr_auc_trapezoid"] = float(metrics.auc(rec, prec))
        out["average_precision"] = float(metrics.average_precision_score(yy, pp,
                                                                         sample_weight=w))
    else:
        warnings.warn("only one class among the scored cells: ROC-AUC, PR-AUC and average "
                      "precision are undefined (NaN)", RuntimeWarning, stacklevel=2)
        out.update(roc_auc=np.nan, pr_auc_trapezoid=np.nan, average_precision=np.nan)
    pc = np.clip(pp, _EPS, 1.0 - _EPS)
    out["brier"] = float(np.average((pp - yy) ** 2, weights=w))
    out["log_score"] = float(np.average(yy * np.log(pc) + (1 - yy) * np.log1p(-pc), weights=w))
    out["base_rate"] = float(np.average(yy, weights=w))
    out["n_cells"] = float(w.sum())
    out["n_positive"] = float(np.dot(w, yy))
    wrong = ((pp < _EPS) & (yy == 1)) | ((pp > 1 - _EPS) & (yy == 0))
    out["n_clipped"] = float(w[wrong].sum())
    return out


def calibration_table(y: np.ndarray, p: np.ndarray, weight: np.ndarray | None = None, *,
                      n_bins: int = 10, strategy: str = "quantile") -> pd.DataFrame:
    r"""Observed frequency of ties against the predicted probability, in bins.

    Parameters
    ----------
    y, p, weight : array_like
        As for :func:`forecast_scores`.
    n_bins : int
        Number of bins (fewer when quantiles coincide).
    strategy : {"quantile", "uniform"}
        Bins of equal weight, or of equal width on [0, 1].

    Returns
    -------
    pandas.DataFrame
        One row per non-empty bin: ``lower``, ``upper`` (bin edges), ``n`` (weight),
        ``mean_predicted``, ``observed`` (weighted share of ties) and ``std_error`` of the
        observed share (binomial, :math:`\\sqrt{o(1-o)/n}`).

    Examples
    --------
    >>> t = calibration_table([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    >>> t[["n", "mean_predicted", "observed"]].values.tolist()
    [[2.0, 0.15000000000000002, 0.0], [2.0, 0.8, 1.0]]
    """
    check_choice("strategy", strategy, ("quantile", "uniform"))
    if int(n_bins) < 1:
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    yy = np.asarray(y, dtype=float).ravel()
    pp = np.asarray(p, dtype=float).ravel()
    w = np.ones(yy.size) if weight is None else np.asarray(weight, dtype=float).ravel()
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, int(n_bins) + 1)
    else:
        order = np.argsort(pp, kind="stable")
        cw = np.cumsum(w[order]) / w.sum()
        qs = np.linspace(0, 1, int(n_bins) + 1)[1:-1]
        inner = pp[order][np.minimum(np.searchsorted(cw, qs), pp.size - 1)]
        edges = np.unique(np.concatenate([[0.0], inner, [1.0]]))
    b = np.clip(np.searchsorted(edges, pp, side="left") - 1, 0, edges.size - 2)  # (lo, hi]
    rows = []
    for k in np.unique(b):  # loop over bins (few)
        m = b == k
        n = float(w[m].sum())
        obs = float(np.dot(w[m], yy[m]) / n)
        rows.append({"lower": edges[k], "upper": edges[k + 1], "n": n,
                     "mean_predicted": float(np.dot(w[m], pp[m]) / n), "observed": obs,
                     "std_error": float(np.sqrt(obs * (1 - obs) / n))})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CVSplit:
    """One held-out fold: training and test row positions and a label (origin or fold)."""

    label: Any
    train: np.ndarray
    test: np.ndarray


@dataclass(frozen=True)
class ForecastResult:
    """Held-out predictions of several models, pooled over the folds, and their scores.

    Attributes
    ----------
    predictions : pandas.DataFrame
        One row per model and held-out row: ``model``, ``fold``, ``row`` (position in
        ``DyadData.frame``), ``cell``, ``sender``, ``receiver``, ``period_index``, ``y``,
        ``p`` and ``weight``.
    scheme : str
        ``"rolling_origin"``, ``"random"`` or ``"period"``.
    notes : tuple of str
        Warnings raised while fitting (separation, non-convergence), with the fold.
    """

    predictions: pd.DataFrame
    scheme: str
    notes: tuple[str, ...] = ()

    @property
    def models(self) -> list[str]:
        """Model names, in the order given."""
        return list(dict.fromkeys(self.predictions["model"]))

    def scores(self) -> pd.DataFrame:
        """:func:`forecast_scores` of the pooled held-out predictions, one row per model."""
        rows = {}
        for name, g in self.predictions.groupby("model", sort=False):
            rows[name] = forecast_scores(g["y"], g["p"], g["weight"])
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("model")

    def fold_scores(self) -> pd.DataFrame:
        """Scores per model and fold (NaN AUCs where a fold has one class)."""
        rows = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for (name, fold), g in self.predictions.groupby(["model", "fold"], sort=False):
                rows.append({"model": name, "fold": fold,
                             **forecast_scores(g["y"], g["p"], g["weight"])})
        return pd.DataFrame(rows)

    def calibration(self, model: str, *, n_bins: int = 10,
                    strategy: str = "quantile") -> pd.DataFrame:
        """:func:`calibration_table` of one model's pooled predictions."""
        g = self.predictions[self.predictions["model"] == model]
        if g.empty:
            raise KeyError(f"no model {model!r}; models: {self.models}")
        return calibration_table(g["y"], g["p"], g["weight"], n_bins=n_bins, strategy=strategy)

    def curves(self, model: str) -> dict[str, np.ndarray]:
        """ROC (``fpr``, ``tpr``) and precision-recall (``recall``, ``precision``) curves."""
        g = self.predictions[self.predictions["model"] == model]
        if g.empty:
            raise KeyError(f"no model {model!r}; models: {self.models}")
        fpr, tpr, _ = metrics.roc_curve(g["y"], g["p"], sample_weight=g["weight"])
        prec, rec, _ = metrics.precision_recall_curve(g["y"], g["p"], sample_weight=g["weight"])
        return {"fpr": fpr, "tpr": tpr, "recall": rec, "precision": prec}


def _as_models(models: Mapping[str, DyadModel] | Sequence[DyadModel]) -> dict[str, DyadModel]:
    items = (list(models.items()) if isinstance(models, Mapping)
             else [(getattr(m, "name", None) or type(m).__name__, m) for m in models])
    out: dict[str, DyadModel] = {}
    for name, m in items:
        if not callable(getattr(m, "fit", None)):
            raise TypeError(f"model {name!r} has no fit(data, rows) method (see "
                            "sahelmodel.dyadic.protocol)")
        if name in out:
            raise ValueError(f"two models are named {name!r}; pass a dict with distinct names")
        out[str(name)] = m
    if not out:
        raise ValueError("no models given")
    return out


def evaluate(data: DyadData, models: Mapping[str, DyadModel] | Sequence[DyadModel],
             splits: Sequence[CVSplit], scheme: str) -> ForecastResult:
    """Fit every model on every split and pool the held-out predictions."""
    named = _as_models(models)
    f = data.frame
    parts, notes = [], []
    for split in splits:
        hidden = data.hide(split.test if scheme != "rolling_origin" else
                           np.flatnonzero(f["period_index"].to_numpy() > split.label))
        test = f.iloc[split.test]
        for name, model in named.items():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    fitted = model.fit(hidden, split.train)
                    p = np.asarray(fitted.predict_proba(hidden, split.test), dtype=float)
                except (ValueError, KeyError, FloatingPointError, np.linalg.LinAlgError) as exc:
                    raise type(exc)(f"model {name!r} failed on fold {split.label!r} "
                                    f"({split.train.size} training rows): {exc}") from exc
            notes.extend(f"{name}, fold {split.label}: {w.message}" for w in caught
                         if issubclass(w.category, (RuntimeWarning, UserWarning)))
            if p.shape != (split.test.size,):
                raise ValueError(f"model {name!r} returned {p.shape} probabilities for "
                                 f"{split.test.size} rows")
            parts.append(pd.DataFrame({
                "model": name, "fold": split.label, "row": split.test,
                "cell": test["cell"].to_numpy(), "sender": test["sender"].to_numpy(),
                "receiver": test["receiver"].to_numpy(),
                "period_index": test["period_index"].to_numpy(),
                "y": test["y"].to_numpy(dtype=float), "p": p,
                "weight": test["weight"].to_numpy(dtype=float)}))
    return ForecastResult(pd.concat(parts, ignore_index=True), scheme, tuple(notes))


def rolling_origin_splits(data: DyadData, *, first_origin: int | None = None,
                          last_origin: int | None = None) -> list[CVSplit]:
    """Splits "train on periods up to t, predict t + 1" for origins t (period indices)."""
    per = data.frame["period_index"].to_numpy()
    lo, hi = int(per.min()), int(per.max())
    first = lo + 1 if first_origin is None else int(first_origin)
    last = hi - 1 if last_origin is None else int(last_origin)
    if first < lo or last > hi - 1 or first > last:
        raise ValueError(f"origins must satisfy {lo} <= first_origin <= last_origin <= {hi - 1}"
                         f" (period indices with rows), got {first}..{last}")
    return [CVSplit(t, np.flatnonzero(per <= t), np.flatnonzero(per == t + 1))
            for t in range(first, last + 1)]


def rolling_origin(data: DyadData, models: Mapping[str, DyadModel] | Sequence[DyadModel], *,
                   first_origin: int | None = None,
                   last_origin: int | None = None) -> ForecastResult:
    """Rolling-origin evaluation: for each origin t, fit on periods ≤ t and predict t + 1.

    Parameters
    ----------
    data : DyadData
    models : dict of name → model, or sequence of models (named by their ``name``)
        Objects following :mod:`sahelmodel.dyadic.protocol`.
    first_origin, last_origin : int, optional
        Period indices of the first and last origin (default: from the second period with
        rows to the last but one). The models see no outcome, and no tie, after the origin.

    Returns
    -------
    ForecastResult
        ``fold`` is the origin's period index.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sahelmodel.dyadic import DyadicGLM, dyad_data
    >>> rng = np.random.default_rng(1)
    >>> e = pd.DataFrame({"sender": rng.integers(0, 6, 400).astype(str),
    ...                   "receiver": rng.integers(0, 6, 400).astype(str),
    ...                   "period": rng.integers(0, 8, 400)})
    >>> data = dyad_data(e[e.sender != e.receiver])
    >>> res = rolling_origin(data, [DyadicGLM(covariates=["tie_lag1"], fixed_effects=[])],
    ...                      first_origin=4)
    >>> sorted(res.predictions["fold"].unique().tolist())
    [4, 5, 6]
    """
    return evaluate(data, models, rolling_origin_splits(data, first_origin=first_origin,
                                                        last_origin=last_origin),
                    "rolling_origin")


def cv_splits(data: DyadData, *, k: int = 10, scheme: str = "random",
              rng: Any = None) -> list[CVSplit]:
    """K folds of cells: at random cell by cell, or blocked by period."""
    check_choice("scheme", scheme, ("random", "period"))
    f = data.frame
    if scheme == "random":
        cells = f["cell"].to_numpy()
        uniq, inv = np.unique(cells, return_inverse=True)
        if int(k) < 2 or int(k) > uniq.size:
            raise ValueError(f"k must be between 2 and the number of cells ({uniq.size}), "
                             f"got {k!r}")
        gen = as_generator(rng)
        fold_of_cell = gen.permutation(np.arange(uniq.size) % int(k))
        fold = fold_of_cell[inv]
    else:
        per = f["period_index"].to_numpy()
        uniq, inv = np.unique(per, return_inverse=True)
        if int(k) < 2 or int(k) > uniq.size:
            raise ValueError(f"k must be between 2 and the number of periods ({uniq.size}) "
                             f"for scheme='period', got {k!r}")
        fold = (np.arange(uniq.size) * int(k) // uniq.size)[inv]  # contiguous blocks
    return [CVSplit(j, np.flatnonzero(fold != j), np.flatnonzero(fold == j))
            for j in range(int(k))]


def cross_validate(data: DyadData, models: Mapping[str, DyadModel] | Sequence[DyadModel], *,
                   k: int = 10, scheme: str = "random", rng: Any = None) -> ForecastResult:
    r"""K-fold cross-validation over dyad-period cells.

    Parameters
    ----------
    data : DyadData
    models : dict of name → model, or sequence of models
    k : int
        Number of folds.
    scheme : {"random", "period"}
        ``"random"``: cells assigned to folds at random (equal sizes up to one cell);
        ``"period"``: contiguous blocks of whole periods.
    rng : int, numpy.random.Generator or None
        Randomness of the random fold assignment.

    Returns
    -------
    ForecastResult

    Notes
    -----
    Each fold's model sees the covariates of every cell, including lagged terms that
    describe held-out cells of earlier periods, but not the held-out outcomes themselves (the
    convention of cross-validated network models; use :func:`rolling_origin` for a forecast).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sahelmodel.dyadic import DyadicGLM, dyad_data
    >>> rng = np.random.default_rng(2)
    >>> e = pd.DataFrame({"sender": rng.integers(0, 6, 300).astype(str),
    ...                   "receiver": rng.integers(0, 6, 300).astype(str),
    ...                   "period": rng.integers(0, 5, 300)})
    >>> data = dyad_data(e[e.sender != e.receiver])
    >>> res = cross_validate(data, {"glm": DyadicGLM(covariates=["tie_lag1"],
    ...                                              fixed_effects=[])}, k=3, rng=0)
    >>> len(res.predictions) == len(data.frame)
    True
    """
    return evaluate(data, models, cv_splits(data, k=k, scheme=scheme, rng=rng), scheme)


def compare_models(*results: ForecastResult, scores: Sequence[str] = SCORES) -> pd.DataFrame:
    """One table of the pooled scores of several evaluations (rows: scheme and model).

    Examples
    --------
    >>> import pandas as pd
    >>> pred = pd.DataFrame({"model": "m", "fold": 0, "y": [0.0, 1.0, 0.0, 1.0],
    ...                      "p": [0.2, 0.7, 0.4, 0.6], "weight": 1.0})
    >>> compare_models(ForecastResult(pred, "random"))["roc_auc"].tolist()
    [1.0]
    """
    tables = []
    for res in results:
        t = res.scores()
        t.insert(0, "scheme", res.scheme)
        tables.append(t.reset_index())
    out = pd.concat(tables, ignore_index=True).set_index(["scheme", "model"])
    return out[[*scores, "base_rate", "n_cells", "n_positive", "n_clipped"]]
