r"""Binary dyadic GLMs: logit or probit of "any tie in dyad-period" with absorbed effects.

:class:`DyadicGLM` fits

.. math::

    P(y_{ijt} = 1) = F\big(x_{ijt}^\top\beta + \alpha_i + \gamma_j + \delta_t\big)

with :math:`F` the logistic or normal distribution function, sender effects
:math:`\alpha_i`, receiver effects :math:`\gamma_j` and period effects :math:`\delta_t`
absorbed (:class:`~sahelmodel.regression.binary.Logit`,
:class:`~sahelmodel.regression.binary.Probit`), on a :class:`~sahelmodel.dyadic.data.DyadData`
with its row weights (1/2 per orientation for undirected data, so that each cell counts
once and the sender and receiver effects of an actor coincide). It follows the forecast
model protocol (:mod:`sahelmodel.dyadic.protocol`). See
:mod:`sahelmodel.regression.binary` for the incidental-parameter bias of fixed-effect logit
and probit estimates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass

import numpy as np
import pandas as pd

from sahelmodel._validation import check_choice
from sahelmodel.dyadic.data import DyadData
from sahelmodel.regression.binary import Logit, Probit
from sahelmodel.regression.binary_results import BinaryResults

__all__ = ["DyadicGLM", "FittedDyadicGLM"]

_FE_CHOICES = ("sender", "receiver", "period")


@dataclass(frozen=True)
class FittedDyadicGLM:
    """A fitted :class:`DyadicGLM`: the regression results and the prediction rule."""

    results: BinaryResults
    new_levels: dict[str, str]

    def predict_proba(self, data: DyadData, rows: np.ndarray) -> np.ndarray:
        """P(y = 1) for ``data.frame.iloc[rows]``.

        Levels of a fixed effect without an estimate follow ``new_levels``; levels removed for
        a constant outcome (an actor that never fought in the training cells) predict 0.
        """
        sub = data.frame.iloc[np.asarray(rows, dtype=np.int64)]
        p = self.results.predict(sub, new_levels=self.new_levels).to_numpy(dtype=float)
        if np.isnan(p).any():
            first = sub.iloc[int(np.flatnonzero(np.isnan(p))[0])]
            raise ValueError(f"{int(np.isnan(p).sum())} rows cannot be predicted (a missing "
                             "covariate, or an actor whose effects are +inf and -inf), first "
                             f"{first['sender']} -> {first['receiver']} in {first['period']}; "
                             "remove cells with missing covariates by DyadData.dropna()")
        return p


@dataclass(frozen=True)
class DyadicGLM:
    r"""Logit or probit of the dyad-period outcome on covariates with absorbed effects.

    Parameters
    ----------
    covariates : sequence of str
        Covariate columns of ``DyadData.frame`` (at least one), e.g. ``("tie_lag1",
        "shared_enemies_lag1")``; formula terms such as ``np.log1p(rivalry_lag1)`` work.
    fixed_effects : sequence of {"sender", "receiver", "period"}
        Effects to absorb (none gives a pooled model with an intercept).
    link : {"logit", "probit"}
    new_levels : dict, optional
        Per effect, what a level without an estimate gets when predicting: ``"mean"`` of the
        estimated effects or ``"last"`` (the last level's: for period effects, the last
        training period's, which is what a one-step-ahead forecast can use). Default
        ``{"sender": "mean", "receiver": "mean", "period": "last"}``.
    cov : {"iid", "robust", "cluster"}
        Covariance for :attr:`FittedDyadicGLM.results` (clustered by dyad when ``"cluster"``).
    name : str, optional
        Label in comparison tables (default built from the settings).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sahelmodel.dyadic import dyad_data
    >>> rng = np.random.default_rng(0)
    >>> edges = pd.DataFrame({"sender": rng.integers(0, 8, 300).astype(str),
    ...                       "receiver": rng.integers(0, 8, 300).astype(str),
    ...                       "period": rng.integers(2000, 2006, 300)})
    >>> edges = edges[edges.sender != edges.receiver]
    >>> data = dyad_data(edges)
    >>> rows = np.arange(len(data.frame))
    >>> fit = DyadicGLM(covariates=("tie_lag1",), fixed_effects=("sender",)).fit(data, rows)
    >>> p = fit.predict_proba(data, rows[:3])
    >>> p.shape, bool(((p > 0) & (p < 1)).all())
    ((3,), True)
    """

    covariates: Sequence[str] = ()
    _: KW_ONLY
    fixed_effects: Sequence[str] = ("sender", "receiver", "period")
    link: str = "logit"
    new_levels: dict[str, str] | None = None
    cov: str = "iid"
    name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "covariates", tuple(self.covariates))
        object.__setattr__(self, "fixed_effects", tuple(self.fixed_effects))
        if self.name is None:
            fe = "+".join(self.fixed_effects) or "pooled"
            object.__setattr__(self, "name", f"{self.link}: {' + '.join(self.covariates)} | {fe}")

    def formula(self) -> str:
        """The regression formula fitted (``y ~ covariates | effects``)."""
        if not self.covariates:
            raise ValueError("DyadicGLM needs at least one covariate")
        fe = " + ".join(self.fixed_effects)
        return f"y ~ {' + '.join(self.covariates)}" + (f" | {fe}" if fe else "")

    def fit(self, data: DyadData, rows: np.ndarray) -> FittedDyadicGLM:
        """Fit on ``data.frame.iloc[rows]`` (rows with a hidden outcome are refused).

        Returns
        -------
        FittedDyadicGLM
        """
        check_choice("link", self.link, ("logit", "probit"))
        for f in self.fixed_effects:
            check_choice("fixed_effects", f, _FE_CHOICES)
        sub = data.frame.iloc[np.asarray(rows, dtype=np.int64)]
        if sub["y"].isna().any():
            raise ValueError(f"{int(sub['y'].isna().sum())} training rows have a hidden (NaN) "
                             "outcome")
        spec_cls = Logit if self.link == "logit" else Probit
        kwargs: dict[str, object] = {"weights": "weight", "cov": self.cov}
        if self.cov == "cluster":
            snd, rcv = sub["sender"].astype(str), sub["receiver"].astype(str)
            sub = sub.assign(_dyad=np.where(snd < rcv, snd + "|" + rcv, rcv + "|" + snd))
            kwargs["cluster"] = "_dyad"
        res = spec_cls(self.formula(), **kwargs).fit(pd.DataFrame(sub))
        levels = {"sender": "mean", "receiver": "mean", "period": "last"}
        levels.update(self.new_levels or {})
        return FittedDyadicGLM(results=res, new_levels=levels)

    def fit_results(self, data: DyadData) -> BinaryResults:
        """Fit on every row and return the regression results (for inference)."""
        return self.fit(data, np.arange(len(data.frame))).results
