"""The time-varying rivalry network: actors × actors × calendar periods, stored sparse.

Armed groups are nodes. Hostile events between two groups are ties of the ``hostile`` layer,
groups named together on one side of an event are ties of the ``cooperative`` layer (the rules
are in :mod:`sahelmodel.network._ties`). Ties carry memory through an exponentially decayed
intensity, so a rivalry does not vanish the week after a clash.

Storage: one row per *observed* tie (source, target, directed) and one column per period, with
counts and weights in ``scipy.sparse`` CSR matrices and the decayed intensity as a dense
ties × periods array (memory grows with observed ties, never with actors squared).

Long-table contract of :meth:`TemporalNetwork.to_frame`:
``period`` (Timestamp, start of period), ``source``, ``target``, ``layer``, ``count`` (events),
``intensity`` (decayed weight), then ``period_index``, ``directed`` and ``weight`` (the period's
undecayed weight). Undirected ties have ``source < target``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from sahelmodel._validation import check_choice, check_positive
from sahelmodel.events import EventTable
from sahelmodel.network._core import aggregate_ties, decay, decay_factor, period_codes
from sahelmodel.network._ties import LAYERS, TieData, extract_ties

__all__ = ["Layer", "TemporalNetwork"]


@dataclass(frozen=True)
class Layer:
    """The ties of one layer (arrays only).

    Attributes
    ----------
    source, target : numpy.ndarray
        Actor positions of each observed tie (undirected ties have ``source < target``).
    directed : numpy.ndarray
        Whether each tie is directed.
    count : scipy.sparse.csr_matrix
        Events per tie and period (``int64``, ties × periods).
    weight : scipy.sparse.csr_matrix
        Summed event weights per tie and period.
    intensity : numpy.ndarray or scipy.sparse.csr_matrix
        Decayed weight (dense when the network has a half-life, else equal to ``weight``).
    """

    source: np.ndarray
    target: np.ndarray
    directed: np.ndarray
    count: sp.csr_matrix
    weight: sp.csr_matrix
    intensity: np.ndarray | sp.csr_matrix

    @property
    def n_ties(self) -> int:
        """Number of observed ties."""
        return int(self.source.size)

    def column(self, name: str, p: int) -> np.ndarray:
        """Values of ``name`` (``count``, ``weight``, ``intensity``) of every tie in period p."""
        values = getattr(self, name)
        if sp.issparse(values):
            return np.asarray(values[:, [p]].toarray()).ravel()
        return np.asarray(values[:, p])

    def dense(self, name: str) -> np.ndarray:
        """``name`` as a dense ties × periods float array."""
        values = getattr(self, name)
        if sp.issparse(values):
            return values.toarray().astype(np.float64)
        return np.asarray(values, dtype=np.float64)


def _build_layer(
    src: np.ndarray,
    dst: np.ndarray,
    directed: np.ndarray,
    period: np.ndarray,
    weight: np.ndarray,
    n_actors: int,
    n_periods: int,
    factor: float,
) -> Layer:
    n = np.int64(max(n_actors, 1))
    keys = (directed.astype(np.int64) * n + src.astype(np.int64)) * n + dst.astype(np.int64)
    unique, count, total = aggregate_ties(keys, period, weight, n_periods)
    return Layer(
        source=((unique // n) % n).astype(np.int64),
        target=(unique % n).astype(np.int64),
        directed=(unique // (n * n)).astype(bool),
        count=count,
        weight=total,
        intensity=decay(total, factor),
    )


class TemporalNetwork:
    r"""A multilayer rivalry network over calendar periods, with decayed tie intensities.

    Build it with :meth:`from_events`; it is immutable.

    Attributes
    ----------
    actors : pandas.Index
        Sorted node ids.
    periods : pandas.DatetimeIndex
        Start of each period, empty periods included.
    freq : str
        ``"D"``, ``"W"`` (Monday to Sunday), ``"M"`` or ``"Y"``.
    half_life : float or None
        Half-life of tie memory in periods (None: no memory, intensity = weight).
    weight : str
        ``"events"`` or ``"fatalities"``.
    layers : tuple of str
        Layers held.
    accounting : pandas.Series
        Events by what became of them (``hostile``, ``self_loop``, ``civilians``, ...).

    Notes
    -----
    Let :math:`C_{ij}[t]` be the summed weight of ties from i to j in period t. The intensity is

    .. math:: W_{ij}[t] = e^{-\ln 2 / h} \, W_{ij}[t-1] + C_{ij}[t], \qquad W_{ij}[-1] = 0,

    with half-life :math:`h` in periods, computed for all ties at once. Where the source says
    who attacked or captured from whom (``directed``, captures) the tie is directed; otherwise
    it is undirected and stored once with source < target.

    Examples
    --------
    >>> from sahelmodel.events import EventTable
    >>> ev = EventTable.from_records([
    ...     {"event_id": "1", "date": "2020-03-01", "actor1": "jnim", "actor2": "is_sahel",
    ...      "event_type": "battle", "fatalities": 4},
    ...     {"event_id": "2", "date": "2021-06-01", "actor1": "jnim", "actor2": "fama",
    ...      "event_type": "battle", "fatalities": 1}])
    >>> net = TemporalNetwork.from_events(ev, freq="Y", half_life=1.0)
    >>> net.to_frame()[["source", "target", "count", "intensity"]].values.tolist()
    [['is_sahel', 'jnim', 1, 1.0], ['fama', 'jnim', 1, 1.0], ['is_sahel', 'jnim', 0, 0.5]]
    """

    __slots__ = (
        "_layers",
        "_periods_codes",
        "accounting",
        "actors",
        "freq",
        "half_life",
        "layers",
        "periods",
        "weight",
    )

    def __init__(
        self,
        *,
        actors: pd.Index,
        periods: pd.DatetimeIndex,
        first_code: int,
        freq: str,
        half_life: float | None,
        weight: str,
        layers: dict[str, Layer],
        accounting: pd.Series,
    ) -> None:
        self.actors = actors
        self.periods = periods
        self._periods_codes = first_code
        self.freq = freq
        self.half_life = half_life
        self.weight = weight
        self._layers = layers
        self.layers = tuple(layers)
        self.accounting = accounting

    @classmethod
    def from_events(
        cls,
        events: EventTable,
        *,
        freq: str = "W",
        half_life: float | None = None,
        layers: tuple[str, ...] | list[str] = LAYERS,
        weight: str = "events",
        include_civilians: bool = False,
        actors: Any = None,
        start: Any = None,
        end: Any = None,
    ) -> TemporalNetwork:
        """Build the network from an event table.

        Parameters
        ----------
        events : EventTable
            Canonical events.
        freq : {"D", "W", "M", "Y"}
            Calendar period: day, week (Monday to Sunday), month, year.
        half_life : float, optional
            Half-life of tie memory in periods; None for no memory.
        layers : sequence of {"hostile", "cooperative"}
            Layers to build.
        weight : {"events", "fatalities"}
            What a tie adds to the intensity: 1 per event, or the event's deaths.
        include_civilians : bool
            Keep civilian actors as nodes and ties (default: they are not nodes).
        actors : sequence of str, optional
            Fix the node set (e.g. to align several networks); a tie with an actor outside it
            raises :class:`~sahelmodel.events.EventDataError`.
        start, end : date-like, optional
            First and last period (the periods containing these dates); default from the first
            to the last event. Events outside are counted as ``outside_window``.

        Returns
        -------
        TemporalNetwork
        """
        if not isinstance(events, EventTable):
            raise TypeError(f"events must be an EventTable, got {type(events).__name__}")
        check_choice("freq", freq, ("D", "W", "M", "Y"))
        check_choice("weight", weight, ("events", "fatalities"))
        if half_life is not None:
            half_life = check_positive("half_life", half_life)
        layers = tuple(layers)
        for layer in layers:
            check_choice("layer", layer, LAYERS)
        if len(set(layers)) != len(layers) or not layers:
            raise ValueError(f"layers must be distinct and non-empty; got {layers!r}")
        ties = extract_ties(
            events,
            freq=freq,
            weight=weight,
            include_civilians=include_civilians,
            actors=actors,
            start=start,
            end=end,
        )
        return cls._from_ties(ties, half_life=half_life, layers=layers, weight=weight)

    @classmethod
    def _from_ties(
        cls, ties: TieData, *, half_life: float | None, layers: tuple[str, ...], weight: str
    ) -> TemporalNetwork:
        """Build from ties already extracted (lets the panels extract them only once)."""
        factor = decay_factor(half_life)
        n_actors, n_periods = len(ties.actors), ties.n_periods
        built: dict[str, Layer] = {}
        for layer in layers:
            if layer == "hostile":
                src, dst, directed, period, w, _ = ties.hostile
            else:
                src, dst, period, w, _ = ties.cooperative
                directed = np.zeros(src.size, dtype=bool)
            built[layer] = _build_layer(
                src, dst, directed, period, w, n_actors, n_periods, factor
            )
        return cls(
            actors=ties.actors,
            periods=ties.periods,
            first_code=ties.first_code,
            freq=ties.freq,
            half_life=half_life,
            weight=weight,
            layers=built,
            accounting=ties.accounting,
        )

    # ------------------------------------------------------------------ access
    @property
    def n_actors(self) -> int:
        """Number of nodes."""
        return len(self.actors)

    @property
    def n_periods(self) -> int:
        """Number of periods."""
        return len(self.periods)

    def layer(self, name: str) -> Layer:
        """The arrays of one layer (see :class:`Layer`)."""
        check_choice("layer", name, self.layers)
        return self._layers[name]

    def period_index(self, period: Any) -> int:
        """Position of ``period`` (an int position, or any date inside the period).

        Raises
        ------
        KeyError
            When the date lies outside the network's periods.
        """
        if isinstance(period, (int, np.integer)) and not isinstance(period, bool):
            p = int(period)
            if not 0 <= p < self.n_periods:
                raise KeyError(f"period index {p} outside 0..{self.n_periods - 1}")
            return p
        stamp = pd.Timestamp(period)
        code = period_codes(np.array([stamp.to_datetime64()]), self.freq)[0]
        p = int(code) - self._periods_codes
        if not 0 <= p < self.n_periods:
            raise KeyError(
                f"{stamp.date()} lies outside the network's periods "
                f"{self.periods[0].date()} .. {self.periods[-1].date()}"
            )
        return p

    def ties(self, layer: str = "hostile") -> pd.DataFrame:
        """One row per observed tie of ``layer``: ``source``, ``target``, ``directed``."""
        lay = self.layer(layer)
        names = self.actors.to_numpy()
        return pd.DataFrame(
            {
                "source": names[lay.source],
                "target": names[lay.target],
                "directed": lay.directed,
            }
        )

    def to_frame(self, layer: str | None = None, *, min_intensity: float = 0.0) -> pd.DataFrame:
        """Long table: one row per tie, period and layer with events or intensity above a floor.

        Parameters
        ----------
        layer : str, optional
            One layer; default all.
        min_intensity : float
            Rows are kept where ``count > 0`` or ``intensity > min_intensity``.

        Returns
        -------
        pandas.DataFrame
            Columns ``period, source, target, layer, count, intensity, period_index, directed,
            weight``, sorted by period, layer, source, target.
        """
        names = self.actors.to_numpy()
        frames = []
        for name in self.layers if layer is None else (layer,):
            lay = self.layer(name)
            count = lay.count.toarray() if lay.n_ties else np.zeros((0, self.n_periods))
            inten = lay.dense("intensity") if lay.n_ties else np.zeros((0, self.n_periods))
            tie, per = np.nonzero((count > 0) | (inten > min_intensity))
            frames.append(
                pd.DataFrame(
                    {
                        "period": self.periods[per],
                        "source": pd.array(names[lay.source[tie]], dtype="string"),
                        "target": pd.array(names[lay.target[tie]], dtype="string"),
                        "layer": name,
                        "count": count[tie, per].astype(np.int64),
                        "intensity": inten[tie, per],
                        "period_index": per.astype(np.int64),
                        "directed": lay.directed[tie],
                        "weight": np.asarray(lay.weight[tie, per]).ravel().astype(float)
                        if tie.size
                        else np.zeros(0),
                    }
                )
            )
        out = pd.concat(frames, ignore_index=True)
        out["layer"] = pd.Categorical(out["layer"], categories=list(self.layers))
        return out.sort_values(
            ["period_index", "layer", "source", "target", "directed"], kind="stable"
        ).reset_index(drop=True)

    def snapshot(
        self, period: Any, *, layer: str | None = None, directed: bool = False,
        threshold: float = 0.01,
    ) -> nx.Graph:
        """The network in one period as a networkx graph.

        Parameters
        ----------
        period : int, str or date-like
            Period position (``0 .. n_periods - 1``), a year as an int (``2023``: the period
            holding 1 January of that year, for yearly networks), or any date inside the period
            (``"2023"``, ``"2023-05-01"``).
        layer : str, optional
            One layer; default all layers.
        directed : bool
            False (default): an :class:`networkx.Graph` where the edge ``{u, v}`` sums every
            tie between u and v (each event counted once). True: a
            :class:`networkx.DiGraph` where directed ties are arcs and an undirected tie
            appears as two arcs, each carrying its full weight.
        threshold : float
            A tie without events in the period is kept only while its decayed intensity is at
            least ``threshold`` (default 0.01: a hundredth of an event's weight), so groups
            gone for years do not stay linked by a vanishing memory.

        Returns
        -------
        networkx.Graph or networkx.DiGraph
            All actors as nodes, with the node attributes ``strength`` (sum of the weights of
            its edges) and ``active`` (it has an event in the period); edges with
            ``count > 0`` or ``intensity >= threshold`` carry ``<layer>_count``,
            ``<layer>_intensity`` (0 for an absent layer) and ``weight``, the summed intensity
            of the chosen layers (networkx algorithms read ``weight``).

        Examples
        --------
        >>> from sahelmodel.events import EventTable
        >>> ev = EventTable.from_records([
        ...     {"event_id": "1", "date": "2016-03-01", "actor1": "jnim", "actor2": "is_sahel",
        ...      "event_type": "battle"},
        ...     {"event_id": "2", "date": "2023-06-01", "actor1": "jnim", "actor2": "fama",
        ...      "event_type": "battle"}])
        >>> net = TemporalNetwork.from_events(ev, freq="Y", half_life=1.0)
        >>> g = net.snapshot(2023)  # the 2016 tie has decayed to 0.5**7 < 0.01: dropped
        >>> sorted(g.edges(data="weight")), g.nodes["jnim"]["strength"]
        ([('fama', 'jnim', 1.0)], 1.0)
        >>> net.snapshot("2023", threshold=0.0).number_of_edges()
        2
        """
        if threshold < 0 or not np.isfinite(threshold):
            raise ValueError(f"threshold must be a finite number >= 0, got {threshold}")
        p = self._snapshot_index(period)
        graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
        graph.graph.update(period=self.periods[p], period_index=p, freq=self.freq,
                           threshold=threshold)
        graph.add_nodes_from(self.actors, strength=0.0, active=False)
        names = self.actors.to_numpy()
        chosen = self.layers if layer is None else (layer,)
        for name in chosen:
            lay = self.layer(name)
            count, inten = lay.column("count", p), lay.column("intensity", p)
            live = np.flatnonzero((count > 0) | (inten >= max(threshold, 1e-300)))
            for k in live:  # one snapshot: networkx graphs are built edge by edge
                u, v = names[lay.source[k]], names[lay.target[k]]
                if count[k] > 0:
                    graph.nodes[u]["active"] = graph.nodes[v]["active"] = True
                arcs = [(u, v)] if (lay.directed[k] or not directed) else [(u, v), (v, u)]
                for a, b in arcs:
                    if not graph.has_edge(a, b):
                        graph.add_edge(a, b, weight=0.0, **{f"{x}_{s}": 0.0 for x in chosen
                                                            for s in ("count", "intensity")})
                    data = graph[a][b]
                    data[f"{name}_count"] += float(count[k])
                    data[f"{name}_intensity"] += float(inten[k])
                    data["weight"] += float(inten[k])
        for node, strength in graph.degree(weight="weight"):
            graph.nodes[node]["strength"] = float(strength)
        return graph

    def _snapshot_index(self, period: Any) -> int:
        """Position of a period given as a position, a year (int) or a date."""
        if isinstance(period, (int, np.integer)) and not isinstance(period, bool):
            p = int(period)
            if 0 <= p < self.n_periods:
                return p
            if 1000 <= p <= 9999:
                if self.freq not in ("Y", "A", "YS", "AS"):
                    raise ValueError(f"a year ({p}) names one period only in a yearly network; "
                                     f"this one has freq={self.freq!r}: pass a date or a period "
                                     "position")
                return self.period_index(pd.Timestamp(year=p, month=1, day=1))
        return self.period_index(period)

    def __repr__(self) -> str:
        ties = ", ".join(f"{n}: {self._layers[n].n_ties} ties" for n in self.layers)
        span = (
            f"{self.periods[0]:%Y-%m-%d} .. {self.periods[-1]:%Y-%m-%d}" if self.n_periods else ""
        )
        return (
            f"TemporalNetwork({self.n_actors} actors, {self.n_periods} periods of {self.freq!r} "
            f"{span}, half_life={self.half_life}, {ties})"
        )
