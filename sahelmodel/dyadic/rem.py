r"""Relational event model (REM) in continuous time, by sampled stratified partial likelihood.

The rate of directed events :math:`i \to j` at time :math:`t` is

.. math::

    \lambda_{ij}(t) = \lambda_0(t) \exp\{\beta^\top x_{ij}(t)\},

with the statistics :math:`x_{ij}(t)` of :mod:`sahelmodel.dyadic._rem_core` (inertia,
reciprocity, triadic closure, shared enemies, recency, captures by :math:`i` from :math:`j`,
captures by :math:`j` from anyone; decayed with half-life :math:`h`). :math:`\beta` is estimated
from the partial likelihood stratified by event, the baseline :math:`\lambda_0` left
unspecified; with nested case-control sampling (Borgan, Goldstein & Langholz 1995) each event's
risk set :math:`R_e` is replaced by the observed dyad plus :math:`m` dyads drawn uniformly
without replacement from the rest:

.. math::

    \ell(\beta) = \sum_e \Big[\beta^\top x_{e} - \log\big(e^{\beta^\top x_e}
    + \textstyle\sum_{c \in \tilde R_e} e^{\beta^\top x_c}\big)\Big],

maximised by Newton's method; standard errors from the inverse observed information of the
sampled likelihood (valid for nested case-control designs). ``n_controls=None`` uses the full
risk set (every ordered pair of actors at risk), the reference the sampled fit approximates:
by brute force over all pairs at every event in general, and by updating the risk-set sums
only for the dyads an event changes when the statistics are undecayed counts without recency
(``half_life=inf``), which makes the full risk set affordable for thousands of actors.
"""

from __future__ import annotations

import time as _time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._inference import WaldInference
from sahelmodel._rng import RNGLike, as_generator
from sahelmodel._summary import Summary
from sahelmodel._validation import check_choice
from sahelmodel.dyadic._rem_core import (
    MODE_FULL,
    MODE_RANK,
    MODE_SAMPLE,
    STAT_NAMES,
    conditional_logit_cols,
    stats_at,
    stream_pass,
)
from sahelmodel.dyadic._rem_full_counts import full_counts_pass
from sahelmodel.events import EventTable

__all__ = ["STAT_NAMES", "EventStream", "RelationalEventModel", "RelationalEventResults",
           "event_stream"]

_HOSTILE = ("battle", "remote_violence")


@dataclass(frozen=True)
class EventStream:
    """Directed events as integer arrays, sorted by time (see :func:`event_stream`)."""

    actors: np.ndarray
    times: np.ndarray
    senders: np.ndarray
    receivers: np.ndarray
    capturers: np.ndarray
    losers: np.ndarray
    origin: Any = None

    def __len__(self) -> int:
        return int(self.times.size)


def event_stream(data: EventTable | pd.DataFrame, *, sender: str = "sender",
                 receiver: str = "receiver", time: str = "time", capturer: str | None = None,
                 loser: str | None = None, actors: Sequence[Any] | None = None,
                 event_types: Sequence[str] = _HOSTILE) -> EventStream:
    """Build the integer event stream from an :class:`EventTable` or a plain edge list.

    Parameters
    ----------
    data : EventTable or pandas.DataFrame
        An EventTable (``actor1 -> actor2`` events of ``event_types`` between two distinct
        actors, neither civilians; time in days since the first date; captures from the
        ``capturer`` / ``captured_from`` columns) or an edge list with ``sender``,
        ``receiver``, numeric ``time`` and optional ``capturer`` / ``loser`` columns.
    actors : sequence, optional
        Actor labels (default: every actor in the events, sorted).

    Returns
    -------
    EventStream

    Examples
    --------
    >>> s = event_stream(pd.DataFrame({"sender": ["a", "b"], "receiver": ["b", "a"],
    ...                                "time": [1.0, 2.5]}))
    >>> s.senders.tolist(), s.receivers.tolist()
    ([0, 1], [1, 0])
    """
    origin = None
    if isinstance(data, EventTable):
        f = data.frame
        keep = (f["event_type"].astype(str).isin(list(event_types)).to_numpy()
                & f["actor2"].notna().to_numpy() & f["actor1"].notna().to_numpy())
        for side in ("actor1_kind", "actor2_kind"):
            if side in f.columns:
                keep &= ~(f[side].astype("string").str.lower() == "civilians").fillna(False)
        f = f.loc[keep]
        f = f.loc[(f["actor1"] != f["actor2"]).to_numpy()]
        dates = pd.to_datetime(f["date"])
        origin = dates.min() if len(f) else None
        frame = pd.DataFrame({
            "sender": f["actor1"].astype(str).to_numpy(),
            "receiver": f["actor2"].astype(str).to_numpy(),
            "time": ((dates - origin) / pd.Timedelta(days=1)).to_numpy(dtype=float)
            if len(f) else np.zeros(0),
            "capturer": f["capturer"].where(f["capture"].fillna(False).astype(bool)).to_numpy(
                dtype=object),
            "loser": f["captured_from"].where(
                f["capture"].fillna(False).astype(bool)).to_numpy(dtype=object),
        })
        sender, receiver, time, capturer, loser = "sender", "receiver", "time", "capturer", "loser"
    else:
        frame = data
        for col in (sender, receiver, time):
            if col not in frame.columns:
                raise KeyError(f"edge list has no column {col!r} (columns: "
                               f"{list(frame.columns)})")
    t = frame[time].to_numpy(dtype=float)
    if not np.isfinite(t).all():
        bad = int(np.flatnonzero(~np.isfinite(t))[0])
        raise ValueError(f"row {bad}: time {t[bad]!r} is not a finite number")
    s_lab = frame[sender].to_numpy()
    r_lab = frame[receiver].to_numpy()
    if pd.isna(s_lab).any() or pd.isna(r_lab).any():
        raise ValueError("the edge list has a missing sender or receiver")
    if actors is None:
        actors = np.unique(np.concatenate([s_lab.astype(str), r_lab.astype(str)])) if \
            s_lab.dtype == object or r_lab.dtype == object else np.unique(
                np.concatenate([s_lab, r_lab]))
    idx = pd.Index(actors)
    si = idx.get_indexer(s_lab.astype(idx.dtype) if idx.dtype == object else s_lab)
    ri = idx.get_indexer(r_lab.astype(idx.dtype) if idx.dtype == object else r_lab)
    if (si < 0).any() or (ri < 0).any():
        raise ValueError("an event names an actor missing from `actors`")
    if (si == ri).any():
        raise ValueError(f"row {int(np.flatnonzero(si == ri)[0])}: sender equals receiver")

    def codes(col: str | None) -> np.ndarray:
        if col is None or col not in frame.columns:
            return np.full(t.size, -1, dtype=np.int64)
        lab = frame[col].to_numpy(dtype=object)
        out = np.full(t.size, -1, dtype=np.int64)
        named = ~pd.isna(lab)
        out[named] = idx.get_indexer(lab[named].astype(idx.dtype) if idx.dtype == object
                                     else lab[named])
        return out

    cp, lo = codes(capturer), codes(loser)
    lo[cp < 0] = -1
    order = np.argsort(t, kind="stable")
    return EventStream(actors=np.asarray(idx), times=t[order],
                       senders=si[order].astype(np.int64), receivers=ri[order].astype(np.int64),
                       capturers=cp[order], losers=lo[order], origin=origin)


@dataclass(frozen=True)
class RelationalEventModel:
    r"""Relational event model with case-control sampled partial likelihood.

    Parameters
    ----------
    statistics : sequence of str
        Statistics in the rate (default all of :data:`STAT_NAMES`).
    half_life : float
        Half-life of the decayed statistics, in the stream's time unit (days for events);
        ``numpy.inf`` for undecayed counts (as ``remstats``' ``memory="full"``).
    n_controls : int or None
        Controls :math:`m` sampled per event; ``None`` for the full risk set.
    risk_set : {"full", "active"}
        Every ordered pair of actors from the start, or pairs of actors that have appeared.
    max_iter, tol : int, float
        Newton iterations and convergence tolerance on the step.
    rng : int, Generator or None
        Seed of the control sampling.

    Examples
    --------
    >>> from sahelmodel.dyadic.rem_simulate import simulate_rem
    >>> stream = simulate_rem(n_actors=10, n_events=400, rng=1)
    >>> res = RelationalEventModel(n_controls=5, rng=0).fit(stream)
    >>> res.converged, res.nobs
    (True, 400)
    """

    statistics: Sequence[str] = STAT_NAMES
    half_life: float = 30.0
    n_controls: int | None = 10
    risk_set: str = "full"
    max_iter: int = 50
    tol: float = 1e-8
    rng: RNGLike = None

    def _columns(self) -> np.ndarray:
        unknown = [s for s in self.statistics if s not in STAT_NAMES]
        if unknown:
            raise ValueError(f"unknown statistics {unknown}; choose from {STAT_NAMES}")
        if not self.statistics:
            raise ValueError("give at least one statistic")
        return np.array([STAT_NAMES.index(s) for s in self.statistics])

    def _entry(self, stream: EventStream) -> np.ndarray:
        n = stream.actors.size
        if self.risk_set == "full":
            return np.full(n, -np.inf)
        entry = np.full(n, np.inf)
        np.minimum.at(entry, stream.senders, stream.times)
        np.minimum.at(entry, stream.receivers, stream.times)
        return entry

    def fit(self, data: EventStream | EventTable | pd.DataFrame,
            **columns: Any) -> RelationalEventResults:
        """Fit to an :class:`EventStream`, an :class:`EventTable` or an edge list.

        ``columns`` are passed to :func:`event_stream` (column names of an edge list).
        """
        check_choice("risk_set", self.risk_set, ("full", "active"))
        if not float(self.half_life) > 0.0:
            raise ValueError(f"half_life must be positive (inf for no decay), got "
                             f"{self.half_life!r}")
        if self.n_controls is not None and int(self.n_controls) < 1:
            raise ValueError(f"n_controls must be >= 1 or None, got {self.n_controls}")
        cols = self._columns()
        stream = data if isinstance(data, EventStream) else event_stream(data, **columns)
        if len(stream) < 2:
            raise ValueError(f"need at least 2 events, got {len(stream)}")
        decay = float(np.log(2.0) / self.half_life)
        entry = self._entry(stream)
        seed = int(as_generator(self.rng).integers(1, 2**31 - 1))
        n = stream.actors.size
        args = (stream.times, stream.senders, stream.receivers, stream.capturers, stream.losers,
                n, decay, entry)
        no_sel = np.zeros(len(stream), dtype=np.bool_)
        k = cols.size
        beta = np.zeros(k)
        t0 = _time.process_time()
        if self.n_controls is not None:
            case, ctrl, _, _ = stream_pass(*args, MODE_SAMPLE, int(self.n_controls), seed,
                                               np.zeros(7), no_sel)
            cols64 = cols.astype(np.int64)

            def evaluate(b: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
                return conditional_logit_cols(case, ctrl, b, cols64)
        elif decay == 0.0 and "recency" not in self.statistics:
            def evaluate(b: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
                full = np.zeros(7)
                full[cols] = b
                ll_f, g_f, h_f = full_counts_pass(*args[:6], entry, full)
                return float(ll_f), g_f[cols], h_f[np.ix_(cols, cols)]
        else:
            def evaluate(b: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
                full = np.zeros(7)
                full[cols] = b
                out, hess, _, _ = stream_pass(*args, MODE_FULL, 0, seed, full, no_sel)
                return float(out[0, 0]), out[1, cols], hess[0][np.ix_(cols, cols)]
        ll, grad, hess = evaluate(beta)
        converged = False
        n_iter = 0
        for n_iter in range(1, self.max_iter + 1):  # noqa: B007
            try:
                step = np.linalg.solve(-hess, grad)
            except np.linalg.LinAlgError:
                break
            if np.max(np.abs(step)) < self.tol:  # converged: the step is below the tolerance
                beta = beta + step
                converged = True
                break
            # a step is kept unless it lowers the log partial likelihood by more than its
            # rounding (a sum over the events: about 1e-12 of its size over 1M events)
            slack = 1e-10 + 1e-11 * abs(ll)
            scale = 1.0
            while True:
                new = beta + scale * step
                ll_new, g_new, h_new = evaluate(new)
                if (np.isfinite(ll_new) and ll_new >= ll - slack) or scale < 1e-6:
                    break
                scale /= 2.0
            beta, ll, grad, hess = new, ll_new, g_new, h_new
            if np.max(np.abs(scale * step)) < self.tol:
                converged = True
                break
        cpu = _time.process_time() - t0
        try:
            cov = np.linalg.inv(-hess)
        except np.linalg.LinAlgError:
            cov = np.full((k, k), np.nan)
        if not np.all(np.isfinite(np.diag(cov))) or np.any(np.diag(cov) <= 0):
            warnings.warn("the information matrix is singular: a statistic is constant or "
                          "collinear in these events; standard errors are NaN",
                          RuntimeWarning, stacklevel=2)
            cov = np.full((k, k), np.nan)
            converged = False
        names = list(self.statistics)
        return RelationalEventResults(
            model=self, stream=stream, columns=cols,
            params=pd.Series(beta, index=names, name="estimate"),
            cov=pd.DataFrame(cov, index=names, columns=names), loglik=float(ll),
            converged=converged, n_iter=n_iter, nobs=len(stream), cpu_seconds=cpu)


@dataclass(frozen=True)
class RelationalEventResults(WaldInference):
    """A fitted :class:`RelationalEventModel` (Wald contract of the package)."""

    model: RelationalEventModel
    stream: EventStream = field(repr=False)
    columns: np.ndarray = field(repr=False)
    params: pd.Series
    cov: pd.DataFrame = field(repr=False)
    loglik: float
    converged: bool
    n_iter: int
    nobs: int
    cpu_seconds: float = field(repr=False)

    def summary(self, level: float = 0.95) -> Summary:
        """Summary of the fit (text, HTML or LaTeX)."""
        m = self.model
        info = [("Events", self.nobs), ("Actors", self.stream.actors.size),
                ("Risk set", m.risk_set),
                ("Controls per event", "full" if m.n_controls is None else m.n_controls),
                ("Half-life", m.half_life), ("Log partial likelihood", self.loglik),
                ("Converged", self.converged), ("Iterations", self.n_iter)]
        return Summary.from_results("Relational event model (partial likelihood)", info,
                                    self.to_frame(level))

    def _full_beta(self) -> np.ndarray:
        b = np.zeros(7)
        b[self.columns] = self.params.to_numpy()
        return b

    def predicted_ranks(self, n_events: int = 200, rng: RNGLike = 0) -> pd.DataFrame:
        r"""Goodness of fit: rank of each observed dyad's fitted rate among the risk set.

        For ``n_events`` events drawn at random (all if fewer), the mid-rank of
        :math:`\hat\beta^\top x_{s_e r_e}(t_e)` among all dyads at risk (1 = the highest
        predicted rate) and the risk-set size. A model without information ranks the
        observed dyad uniformly (mean relative rank 1/2); smaller is better.

        Returns
        -------
        pandas.DataFrame
            ``event``, ``rank``, ``risk_set`` and ``relative_rank = rank / risk_set``.
        """
        stream = self.stream
        m = self.model
        gen = as_generator(rng)
        n_ev = len(stream)
        pick = np.sort(gen.choice(n_ev, size=min(n_events, n_ev), replace=False))
        sel = np.zeros(n_ev, dtype=np.bool_)
        sel[pick] = True
        decay = float(np.log(2.0) / m.half_life)
        out, _, _, _ = stream_pass(stream.times, stream.senders, stream.receivers,
                                   stream.capturers, stream.losers, stream.actors.size, decay,
                                   m._entry(stream), MODE_RANK, 0, 1, self._full_beta(), sel)
        frame = pd.DataFrame({"event": pick, "rank": out[pick, 0], "risk_set": out[pick, 1]})
        frame["relative_rank"] = frame["rank"] / frame["risk_set"]
        return frame

    def rates_at(self, t: float, senders: np.ndarray, receivers: np.ndarray) -> np.ndarray:
        r"""Relative rates :math:`\exp(\hat\beta^\top x_{ij}(t))` at a time after the stream."""
        stream = self.stream
        decay = float(np.log(2.0) / self.model.half_life)
        _, _, _, state = stream_pass(stream.times, stream.senders, stream.receivers,
                                     stream.capturers, stream.losers, stream.actors.size,
                                     decay, self.model._entry(stream), MODE_RANK, 0, 1,
                                     np.zeros(7), np.zeros(len(stream), dtype=np.bool_))
        x = stats_at(state, decay, float(t), np.asarray(senders, dtype=np.int64),
                     np.asarray(receivers, dtype=np.int64))
        return np.exp(x @ self._full_beta())

    def __repr__(self) -> str:
        return (f"RelationalEventResults(events={self.nobs}, "
                f"actors={self.stream.actors.size}, converged={self.converged})")
