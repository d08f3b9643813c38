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

:class:`sahelmodel.dyadic.glm.DyadicGLM` is the reference implementation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from sahelmodel.dyadic.data import DyadData

__all__ = ["DyadModel", "FittedDyadModel"]


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
