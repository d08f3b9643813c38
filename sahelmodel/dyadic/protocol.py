"""The forecast model protocol: how any model of who fights whom plugs into the evaluation.

A model is an object with a ``name`` and a ``fit`` method; ``fit`` returns an object with a
``predict_proba`` method::

    class MyModel:
        name = "my model"

        def fit(self, data: DyadData, rows: np.ndarray) -> MyFitted:
            ...  # estimate from the outcomes data.frame["y"].iloc[rows]

    class MyFitted:
        def predict_proba(self, data: DyadData, rows: np.ndarray) -> np.ndarray:
            ...  # P(y = 1) for each row of data.frame.iloc[rows], in that order

Rules the evaluation (:mod:`sahelmodel.dyadic.forecast`) relies on:

* ``rows`` are integer positions in ``data.frame``. ``fit`` receives a :class:`DyadData` in
  which the outcomes of every held-out cell are NaN and their ties removed from
  ``data.edges`` (:meth:`DyadData.hide`), so a model cannot see what it will be scored on;
  it may use every covariate column (covariates describe the past) and ``data.edges`` (for
  continuous-time models such as a relational event model: in a rolling-origin evaluation
  it holds the ties up to the forecast origin).
* ``predict_proba`` returns finite probabilities in [0, 1], one per row, in the order of
  ``rows``. For undirected data the two rows of a cell may get different probabilities;
  the scores weigh each row by ``data.frame["weight"]`` (1/2), i.e. they average them.
* ``fit`` must not change ``data`` and should be deterministic given its own settings (take
  an ``rng`` setting for randomness); the evaluation may call it many times.

:class:`sahelmodel.dyadic.glm.DyadicGLM` is the reference implementation. A model written
for plain DataFrames, whose ``fit(frame)`` returns results with ``predict_proba(frame)`` (the
latent-factor model, for instance), plugs in through :class:`FrameModel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from sahelmodel.dyadic.data import DyadData

__all__ = ["DyadModel", "FittedDyadModel", "FrameModel"]


@runtime_checkable
class FittedDyadModel(Protocol):
    """A fitted model: predicts the probability of a tie for rows of a :class:`DyadData`."""

    def predict_proba(self, data: DyadData, rows: np.ndarray) -> np.ndarray:
        """P(y = 1) for ``data.frame.iloc[rows]``, in that order."""
        ...


@runtime_checkable
class DyadModel(Protocol):
    """A model specification that the forecast evaluation can fit and score."""

    name: str

    def fit(self, data: DyadData, rows: np.ndarray) -> FittedDyadModel:
        """Estimate from the (visible) outcomes of ``data.frame.iloc[rows]``."""
        ...


@dataclass(frozen=True)
class _FittedFrameModel:
    results: Any

    def predict_proba(self, data: DyadData, rows: np.ndarray) -> np.ndarray:
        cells = data.frame.iloc[np.asarray(rows, dtype=np.int64)]
        return np.asarray(self.results.predict_proba(cells), dtype=float)


def training_frame(frame: pd.DataFrame, rows: Any, *, hidden: bool = False) -> pd.DataFrame:
    """The rows of ``frame`` a model is fitted on: ``frame.iloc[rows]``.

    With ``hidden``, also the hidden rows (outcome NaN) of the periods the training rows
    cover, in frame order; rows of periods with no training row (a rolling origin's future)
    are never included.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if not hidden:
        return frame.iloc[rows]
    keep = np.zeros(len(frame), dtype=bool)
    keep[rows] = True
    period = frame["period_index"].to_numpy()
    keep |= frame["y"].isna().to_numpy() & np.isin(period, np.unique(period[keep]))
    return frame.loc[keep]


@dataclass(frozen=True)
class FrameModel:
    """Adapter: a DataFrame model as a forecast model of this protocol.

    Parameters
    ----------
    spec : object
        A specification whose ``fit(frame)`` takes dyad rows (``sender``, ``receiver``,
        ``period``, ``y`` and covariates, as in :class:`~sahelmodel.dyadic.data.DyadData`)
        and returns results with ``predict_proba(frame)``.
    name : str
        Label in comparison tables.
    hidden_rows : bool, default False
        Pass the held-out rows of the periods the training rows cover too, with their
        outcome NaN (for models that impute missing cells from their covariates, such as
        the latent-factor model, whose sampler then lets a held-out cell borrow its reverse
        cell's outcome); otherwise only the training rows are passed (the latent-factor
        model then forecasts a held-out cell from its covariates alone). Rows of periods
        with no training row (a rolling origin's future) are never passed.

    Examples
    --------
    >>> import pandas as pd
    >>> from sahelmodel.dyadic import dyad_data
    >>> class Rate:  # a model that predicts the training share of ties
    ...     def fit(self, frame):
    ...         rate = float(frame["y"].mean())
    ...         return type("R", (), {"predict_proba": lambda self, c: [rate] * len(c)})()
    >>> e = pd.DataFrame({"sender": ["a", "b", "c"], "receiver": ["b", "c", "a"],
    ...                   "period": [1, 2, 3]})
    >>> data = dyad_data(e)
    >>> fitted = FrameModel(Rate(), name="rate").fit(data, range(6))  # the 6 rows of period 2
    >>> fitted.predict_proba(data, [6]).tolist()
    [0.16666666666666666]
    """

    spec: Any
    name: str
    hidden_rows: bool = False

    def fit(self, data: DyadData, rows: np.ndarray) -> _FittedFrameModel:
        """Fit ``spec`` on the training rows (and, with ``hidden_rows``, the hidden ones)."""
        return _FittedFrameModel(self.spec.fit(training_frame(data.frame, rows,
                                                              hidden=self.hidden_rows)))
