r"""The relational event model behind the forecast protocol: dyad-period tie probabilities.

The events of ``data.edges`` up to the last training period are placed in continuous time
measured in periods: an event dated :math:`d` in period :math:`p` (starting at :math:`d_p`) is at
:math:`p + (d - d_p) / (d_{p+1} - d_p)` when the edges have dates (``time``) and the data
period starts (``data.periods``), and at :math:`p + 1/2` otherwise (then the ties of a period
are simultaneous). The REM is fitted by sampled partial likelihood and the probability of at
least one :math:`i \to j` event in a later period :math:`q` is

.. math::

    P_{ijq} = 1 - \exp\Big\{-\hat\lambda_0 \int_q^{q+1}
    e^{\hat\beta^\top x_{ij}(t)}\,dt\Big\},

with the statistics :math:`x_{ij}(t)` frozen at the training history (no new events after the
origin; they still decay), the integral by the midpoint rule over ``n_nodes`` points, and the
baseline rate per period estimated by Breslow's estimator over the last ``baseline_window``
training periods, :math:`\hat\lambda_0 = (1/W) \sum_{e \in W} 1/\hat S_e`, where
:math:`\hat S_e = e^{\hat\beta^\top x_e} + (|R_e| - 1)\,\overline{e^{\hat\beta^\top x_c}}`
estimates the risk-set sum from the sampled controls.
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
    >>> edges = pd.DataFrame({"sender": list("aab"), "receiver": list("bba"),
    ...                       "period_index": [0, 1, 1]})
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
    risk_set: str = "active"
    baseline_window: int = 2
    n_nodes: int = 8
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
        if int(self.baseline_window) < 1 or int(self.n_nodes) < 1:
            raise ValueError(f"baseline_window and n_nodes must be >= 1, got "
                             f"{self.baseline_window} and {self.n_nodes}")
        el = pd.DataFrame({"sender": edges["sender"].astype(str).to_numpy(),
                           "receiver": edges["receiver"].astype(str).to_numpy(),
                           "time": _event_times(edges, getattr(data, "periods", None))})
        if "capturer" in edges.columns:
            el["capturer"] = edges["capturer"].to_numpy(dtype=object)
            el["loser"] = edges["loser"].to_numpy(dtype=object) if "loser" in edges.columns \
                else None
        model = RelationalEventModel(statistics=tuple(self.statistics),
                                     half_life=self.half_life, n_controls=self.n_controls,
                                     risk_set=self.risk_set, rng=self.rng)
        from sahelmodel.dyadic.rem import event_stream

        stream = event_stream(el, actors=actors,
                              capturer="capturer" if "capturer" in el.columns else None,
                              loser="loser" if "loser" in el.columns else None)
        res = model.fit(stream)
        rate = _breslow_rate(res, stream, since=last + 1.0 - int(self.baseline_window),
                             until=last + 1.0)
        return FittedRelationalEventForecaster(results=res, baseline=rate,
                                               directed=bool(getattr(data, "directed", True)),
                                               n_nodes=int(self.n_nodes), origin=last + 1)


def _event_times(edges: pd.DataFrame, periods: Any) -> np.ndarray:
    """Event times in periods: the period index plus the elapsed share of the period."""
    p = edges["period_index"].to_numpy(dtype=np.int64)
    if ("time" not in edges.columns or periods is None
            or not isinstance(periods, pd.DatetimeIndex) or len(periods) < 2):
        return p + 0.5
    start = periods.to_numpy(dtype="datetime64[ns]")
    step = np.diff(start)
    end = np.concatenate([start[1:], start[-1:] + step[-1:]])
    dates = pd.to_datetime(edges["time"]).to_numpy(dtype="datetime64[ns]")
    frac = (dates - start[p]) / (end[p] - start[p])
    if not np.all((frac >= 0.0) & (frac < 1.0)):
        bad = int(np.flatnonzero(~((frac >= 0.0) & (frac < 1.0)))[0])
        raise ValueError(f"edge {bad}: date {dates[bad]} lies outside its period "
                         f"{periods[p[bad]]}")
    return p + frac.astype(float)


def _breslow_rate(res: RelationalEventResults, stream: EventStream, since: float,
                  until: float) -> float:
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
    start = max(float(since), float(np.floor(stream.times[0])))
    span = max(float(until) - start, 1.0)
    recent = stream.times >= start
    return float(np.sum(1.0 / total[recent]) / span)


@dataclass(frozen=True)
class FittedRelationalEventForecaster:
    """A fitted :class:`RelationalEventForecaster`: the REM fit and the baseline rate."""

    results: RelationalEventResults
    baseline: float
    directed: bool = True
    n_nodes: int = 8
    origin: int | None = None

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
        nodes = (np.arange(self.n_nodes) + 0.5) / self.n_nodes
        for q in np.unique(start[known]):
            sel = known & (start == q)
            mean_rate = np.zeros(int(sel.sum()))
            for u in nodes:
                x = stats_at(state, decay, float(q) + u, si[sel].astype(np.int64),
                             ri[sel].astype(np.int64))
                mean_rate += np.exp(x @ beta) / nodes.size
            out[sel] = -np.expm1(-self.baseline * mean_rate)
        return out

    def predict_proba(self, data: Any, rows: np.ndarray) -> np.ndarray:
        """P(at least one event) of each row of ``data.frame.iloc[rows]``, in that order."""
        cells = data.frame.iloc[np.asarray(rows, dtype=np.int64)]
        if self.origin is not None and len(cells) and int(cells["period_index"].min()) < \
                self.origin:
            raise ValueError(f"the relational event model forecasts forward only: rows in "
                             f"period {int(cells['period_index'].min())}, before the first "
                             f"period after training ({self.origin})")
        p = self._proba(cells, "sender", "receiver")
        if not self.directed:
            q = self._proba(cells, "receiver", "sender")
            p = 1.0 - (1.0 - p) * (1.0 - q)
        return p
