r"""The relational event model behind the forecast protocol: dyad-period tie probabilities.

The events of ``data.edges`` up to the last training period are placed at the middle of their
period (time in periods; ties of one period are simultaneous), the REM is fitted by sampled
partial likelihood, and the probability of at least one :math:`i \to j` event in a later
period :math:`q` is

.. math::

    P_{ijq} = 1 - \exp\{-\hat\lambda_0 \exp(\hat\beta^\top x_{ij}(q))\},

with the statistics at the start of :math:`q` from the training history, and the baseline rate
per period estimated by Breslow's estimator over the training periods,
:math:`\hat\lambda_0 = (1/P) \sum_e 1/\hat S_e`, where :math:`\hat S_e = e^{\hat\beta^\top x_e} +
(|R_e| - 1)\,\overline{e^{\hat\beta^\top x_c}}` estimates the risk-set sum from the sampled
controls and :math:`P` is the number of periods spanned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._rng import RNGLike
from sahelmodel.dyadic._rem_core import MODE_SAMPLE, STAT_NAMES, stats_at, stream_pass
from sahelmodel.dyadic.rem import EventStream, RelationalEventModel, RelationalEventResults

__all__ = ["FittedRelationalEventForecaster", "RelationalEventForecaster"]


@dataclass(frozen=True)
class RelationalEventForecaster:
    """Forecast-protocol adapter of :class:`RelationalEventModel` (see the module notes).

    ``fit(data, rows)`` reads ``data.edges`` (``sender``, ``receiver``, ``period_index``;
    ties of hidden cells already removed) up to the last period among ``data.frame.iloc[rows]``;
    ``predict_proba(data, rows)`` scores ``data.frame.iloc[rows]``. For undirected data a
    row's probability is that of a tie in either direction.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> edges = pd.DataFrame({"sender": list("abab"), "receiver": list("baba"),
    ...                       "period_index": [0, 0, 1, 1]})
    >>> frame = pd.DataFrame({"sender": list("abab"), "receiver": list("baba"),
    ...                       "period_index": [1, 1, 2, 2], "y": [1, 1, 0, 0]})
    >>> data = SimpleNamespace(frame=frame, edges=edges, directed=True)
    >>> fitted = RelationalEventForecaster(statistics=("inertia",)).fit(data, np.arange(2))
    >>> p = fitted.predict_proba(data, np.arange(2, 4))
    >>> bool(((p > 0) & (p < 1)).all())
    True
    """

    statistics: Sequence[str] = STAT_NAMES
    half_life: float = 2.0
    n_controls: int = 10
    rng: RNGLike = 0
    name: str = "relational event model"

    def fit(self, data: Any, rows: np.ndarray) -> FittedRelationalEventForecaster:
        """Fit on the ties of ``data.edges`` up to the last training period."""
        frame = data.frame.iloc[np.asarray(rows, dtype=np.int64)]
        last = int(frame["period_index"].max())
        edges = data.edges
        edges = edges[edges["period_index"].to_numpy() <= last]
        actors = np.unique(np.concatenate([data.frame["sender"].astype(str).to_numpy(),
                                           data.frame["receiver"].astype(str).to_numpy()]))
        first = int(edges["period_index"].min()) if len(edges) else 0
        el = pd.DataFrame({"sender": edges["sender"].astype(str).to_numpy(),
                           "receiver": edges["receiver"].astype(str).to_numpy(),
                           "time": edges["period_index"].to_numpy(dtype=float) + 0.5})
        if "capturer" in edges.columns:
            el["capturer"] = edges["capturer"].to_numpy(dtype=object)
            el["loser"] = edges["loser"].to_numpy(dtype=object) if "loser" in edges.columns \
                else None
        model = RelationalEventModel(statistics=tuple(self.statistics),
                                     half_life=self.half_life, n_controls=self.n_controls,
                                     rng=self.rng)
        from sahelmodel.dyadic.rem import event_stream

        stream = event_stream(el, actors=actors,
                              capturer="capturer" if "capturer" in el.columns else None,
                              loser="loser" if "loser" in el.columns else None)
        res = model.fit(stream)
        rate = _breslow_rate(res, stream, n_periods=last - first + 1)
        return FittedRelationalEventForecaster(results=res, baseline=rate,
                                               directed=bool(getattr(data, "directed", True)))


def _breslow_rate(res: RelationalEventResults, stream: EventStream, n_periods: int) -> float:
    m = res.model
    decay = float(np.log(2.0) / m.half_life)
    seed = 12345
    case, ctrl, sizes, _ = stream_pass(stream.times, stream.senders, stream.receivers,
                                       stream.capturers, stream.losers, stream.actors.size,
                                       decay, m._entry(stream), MODE_SAMPLE,
                                       int(m.n_controls or 10), seed, np.zeros(7),
                                       np.zeros(len(stream), dtype=np.bool_))
    beta = res._full_beta()
    case_rate = np.exp(case @ beta)
    ctrl_rate = np.exp(np.nan_to_num(ctrl, nan=0.0) @ beta)
    present = ~np.isnan(ctrl[:, :, 0])
    mean_ctrl = np.where(present.any(axis=1),
                         (ctrl_rate * present).sum(axis=1) / np.maximum(present.sum(axis=1), 1),
                         0.0)
    total = case_rate + (sizes - 1.0) * mean_ctrl
    return float(np.sum(1.0 / total) / max(n_periods, 1))


@dataclass(frozen=True)
class FittedRelationalEventForecaster:
    """A fitted :class:`RelationalEventForecaster`: the REM fit and the baseline rate."""

    results: RelationalEventResults
    baseline: float
    directed: bool = True

    def _proba(self, cells: pd.DataFrame, senders: str, receivers: str) -> np.ndarray:
        stream = self.results.stream
        index = pd.Index(stream.actors)
        si = index.get_indexer(cells[senders].astype(str))
        ri = index.get_indexer(cells[receivers].astype(str))
        start = cells["period_index"].to_numpy(dtype=float)
        out = np.empty(len(cells))
        known = (si >= 0) & (ri >= 0)
        out[~known] = 1.0 - np.exp(-self.baseline)
        m = self.results.model
        decay = float(np.log(2.0) / m.half_life)
        _, _, _, state = stream_pass(stream.times, stream.senders, stream.receivers,
                                     stream.capturers, stream.losers, stream.actors.size,
                                     decay, m._entry(stream), 1, 0, 1, np.zeros(7),
                                     np.zeros(len(stream), dtype=np.bool_))
        beta = self.results._full_beta()
        for q in np.unique(start[known]):
            sel = known & (start == q)
            x = stats_at(state, decay, float(q), si[sel].astype(np.int64),
                         ri[sel].astype(np.int64))
            out[sel] = -np.expm1(-self.baseline * np.exp(x @ beta))
        return out

    def predict_proba(self, data: Any, rows: np.ndarray) -> np.ndarray:
        """P(at least one event) of each row of ``data.frame.iloc[rows]``, in that order."""
        cells = data.frame.iloc[np.asarray(rows, dtype=np.int64)]
        p = self._proba(cells, "sender", "receiver")
        if not self.directed:
            q = self._proba(cells, "receiver", "sender")
            p = 1.0 - (1.0 - p) * (1.0 - q)
        return p
