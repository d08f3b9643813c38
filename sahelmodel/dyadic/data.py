r"""Dyad × period data for models of who fights whom: :class:`DyadData` and its builders.

A :class:`DyadData` holds one row per *ordered* pair of actors (sender :math:`i`, receiver
:math:`j`, :math:`i \ne j`) and period :math:`t` in the risk set, with the binary outcome
:math:`y_{ijt}` ("any clash in the dyad-period"), a row weight, a ``cell`` id and lagged
covariates. It is what the dyadic GLMs (:mod:`sahelmodel.dyadic.glm`), the forecast
evaluation (:mod:`sahelmodel.dyadic.forecast`) and the latent-factor and relational event
models consume.

Two builders:

* :func:`dyad_data` takes a plain **edge list** (sender, receiver, period) and optionally a
  **node covariate table** (actor, [period], covariates...): the form for a published directed
  actor × year network.
* :func:`clash_data` takes an :class:`~sahelmodel.events.EventTable` and builds "any clash in
  dyad-period" from :func:`~sahelmodel.dyad_panel` with the network covariates the panel
  builds (decayed rivalry and cooperation, shared enemies, shared allies, captures in either
  direction).

Column contract of ``DyadData.frame``:

=========================  ==================================================================
``sender``, ``receiver``   actor ids (str)
``period``                 period label (as given, or the panel's period start)
``period_index``           0, 1, ... in period order
``cell``                   int id of the outcome cell: the row itself for directed data; the
                           unordered pair and period for undirected data, whose two rows
                           (i, j) and (j, i) share it and carry weight 1/2 each
``weight``                 1 (directed) or 1/2 (undirected), so weighted sums count cells
``y``                      1 if a tie i → j (directed) or between i and j (undirected) was
                           observed in the period, else 0
``tie_lag1``               the outcome of the same (ordered) pair in the previous period
``reciprocity_lag1``       directed data: the outcome of (j, i) in the previous period
``shared_enemies_lag1``    number of actors k tied (either direction) to both i and j in the
                           previous period (edge lists), or the panel's decayed count
``<col>_sender/receiver``  node covariates of i and of j (edge lists with ``nodes``)
=========================  ==================================================================

Only the past enters a covariate of period :math:`t`; the first period, which has no past, is
left out of the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel.events import EventTable
from sahelmodel.panels import dyad_panel

__all__ = ["DyadData", "clash_data", "dyad_data"]


@dataclass(frozen=True)
class DyadData:
    """Directed dyad × period cells with an outcome and covariates (see the module notes).

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows, in the module's column contract.
    covariates : tuple of str
        The covariate columns built (lagged network terms and node covariates).
    directed : bool
        Whether the outcome of (i, j) and (j, i) differ.
    periods : pandas.Index
        The period labels, in order (``periods[k]`` has ``period_index == k``), including the
        first period, which has no rows.
    edges : pandas.DataFrame
        The ties the outcome was built from: ``sender``, ``receiver``, ``period_index`` and,
        where known, ``time`` (for continuous-time models such as a relational event model).
    """

    frame: pd.DataFrame
    covariates: tuple[str, ...]
    directed: bool
    periods: pd.Index
    edges: pd.DataFrame

    @property
    def n_cells(self) -> int:
        """Number of outcome cells (rows for directed data, half the rows otherwise)."""
        return int(self.frame["cell"].nunique())

    @property
    def actors(self) -> list[str]:
        """Actors that appear as sender or receiver."""
        return sorted(set(self.frame["sender"]) | set(self.frame["receiver"]))

    def subset(self, rows: np.ndarray) -> pd.DataFrame:
        """The rows at integer positions ``rows``."""
        return self.frame.iloc[np.asarray(rows, dtype=np.int64)]

    def dropna(self, columns: Sequence[str] | None = None) -> DyadData:
        """A copy without the cells that have a missing value in ``columns``.

        Parameters
        ----------
        columns : sequence of str, optional
            Columns to check (default: every covariate). Both rows of an undirected cell go
            when either has a missing value, so cells stay whole.

        Returns
        -------
        DyadData
        """
        cols = list(self.covariates if columns is None else columns)
        missing = [c for c in cols if c not in self.frame.columns]
        if missing:
            raise KeyError(f"columns not in the data: {missing}")
        f = self.frame
        bad_cells = f.loc[f[cols].isna().any(axis=1), "cell"].unique()
        keep = ~f["cell"].isin(bad_cells).to_numpy()
        frame = f.loc[keep].reset_index(drop=True)
        frame["cell"] = pd.factorize(frame["cell"])[0].astype(np.int64)
        return DyadData(frame=frame, covariates=self.covariates, directed=self.directed,
                        periods=self.periods, edges=self.edges)

    def hide(self, rows: np.ndarray) -> DyadData:
        """A copy in which the outcomes of the cells of ``rows`` are unknown.

        The outcome ``y`` of every row sharing a cell with ``rows`` becomes NaN and the ties
        of those cells are removed from ``edges``; covariates are kept (they describe the past
        and are known). This is what a model is fitted on during forecast evaluation, so it
        cannot see a held-out outcome.
        """
        f = self.frame
        cells = np.unique(f["cell"].to_numpy()[np.asarray(rows, dtype=np.int64)])
        hidden = np.isin(f["cell"].to_numpy(), cells)
        frame = f.copy()
        frame["y"] = np.where(hidden, np.nan, f["y"].to_numpy(dtype=float))
        h = f.loc[hidden, ["sender", "receiver", "period_index"]]
        keys = set(zip(h["sender"], h["receiver"], h["period_index"], strict=True))
        e = self.edges
        drop = np.fromiter(((s, r, p) in keys or (not self.directed and (r, s, p) in keys)
                            for s, r, p in zip(e["sender"], e["receiver"], e["period_index"],
                                               strict=True)), dtype=bool, count=len(e))
        return DyadData(frame=frame, covariates=self.covariates, directed=self.directed,
                        periods=self.periods, edges=e.loc[~drop].reset_index(drop=True))

    def __repr__(self) -> str:
        f = self.frame
        return (f"<DyadData: {'directed' if self.directed else 'undirected'}, {len(f)} rows, "
                f"{self.n_cells} cells, {len(self.actors)} actors, "
                f"{f['period_index'].nunique()} periods, {int((f['y'] * f['weight']).sum())} "
                f"cells with a tie>")


def _lag_lookup(keys: np.ndarray, present: np.ndarray) -> np.ndarray:
    """1.0 where ``keys`` is in the sorted array ``present``, else 0.0."""
    if present.size == 0:
        return np.zeros(keys.size)
    pos = np.clip(np.searchsorted(present, keys), 0, present.size - 1)
    return (present[pos] == keys).astype(float)


def dyad_data(
    edges: pd.DataFrame,
    *,
    sender: str = "sender",
    receiver: str = "receiver",
    period: str = "period",
    nodes: pd.DataFrame | None = None,
    node_actor: str = "actor",
    node_period: str | None = None,
    periods: Sequence[Any] | None = None,
    directed: bool = True,
    dyads: pd.DataFrame | None = None,
    dyad_period: str | None = None,
) -> DyadData:
    r"""Build dyad × period cells from an edge list and an optional node covariate table.

    Parameters
    ----------
    edges : pandas.DataFrame
        One row per observed tie (repeats allowed): ``sender``, ``receiver``, ``period``
        columns (period labels must sort in time order, e.g. years); a ``time`` column, if
        present, is kept in ``DyadData.edges``.
    sender, receiver, period : str
        Column names in ``edges``.
    nodes : pandas.DataFrame, optional
        Node covariates: ``node_actor`` and, if ``node_period`` is given, the period; every
        other numeric column becomes ``<col>_sender`` and ``<col>_receiver``. With
        ``node_period`` the actors listed in a period are that period's risk set (actor sets
        may change over time); without it, every node is at risk in every period.
    node_actor, node_period : str, optional
        Column names in ``nodes``.
    periods : sequence, optional
        All period labels in order (default: the sorted labels of ``edges`` and ``nodes``);
        give it when some periods have no tie.
    directed : bool, default True
        Directed outcome (tie i → j) or undirected (a tie either way; rows (i, j) and (j, i)
        then share a cell and weigh 1/2).
    dyads : pandas.DataFrame, optional
        Dyad covariates (e.g. distance, shared ethnicity): columns ``sender`` and
        ``receiver`` (and ``dyad_period`` if given) and numeric covariates, merged on the
        ordered pair (give both orientations of a symmetric covariate). Pairs without a row
        get NaN (:meth:`DyadData.dropna` removes them).
    dyad_period : str, optional
        Period column of ``dyads`` for time-varying dyad covariates.

    Returns
    -------
    DyadData

    Notes
    -----
    The risk set of period :math:`t` is every ordered pair of distinct actors at risk in
    :math:`t` (the node table's actors of :math:`t`, or all actors of the edge list and node
    table). Covariates of period :math:`t` come from period :math:`t-1` (the previous label in
    ``periods``): :math:`y_{ij,t-1}`, :math:`y_{ji,t-1}` and
    :math:`\#\{k \ne i, j : a_{ik,t-1} = a_{jk,t-1} = 1\}` with :math:`a` the symmetrised
    tie indicator.

    Examples
    --------
    >>> edges = pd.DataFrame({"sender": ["a", "b", "a", "c"], "receiver": ["b", "a", "c", "a"],
    ...                       "period": [2000, 2000, 2001, 2001]})
    >>> data = dyad_data(edges)
    >>> data.frame[["sender", "receiver", "period", "y", "tie_lag1", "reciprocity_lag1"]
    ...            ].head(3).values.tolist()
    [['a', 'b', 2001, 0, 1.0, 1.0], ['a', 'c', 2001, 1, 0.0, 0.0], ['b', 'a', 2001, 0, 1.0, 1.0]]
    """
    for col in (sender, receiver, period):
        if col not in edges.columns:
            raise KeyError(f"edges has no column {col!r} (columns: {list(edges.columns)})")
    e = edges.dropna(subset=[sender, receiver, period])
    if len(e) < len(edges):
        raise ValueError(f"edges has {len(edges) - len(e)} rows with a missing sender, "
                         "receiver or period")
    if (e[sender].astype(str) == e[receiver].astype(str)).any():
        i = int(np.flatnonzero((e[sender].astype(str) == e[receiver].astype(str)).to_numpy())[0])
        raise ValueError(f"edges row {e.index[i]!r} is a self-tie ({e[sender].iloc[i]!r})")
    labels = set(e[period].tolist())
    if nodes is not None:
        if node_actor not in nodes.columns:
            raise KeyError(f"nodes has no column {node_actor!r}")
        if node_period is not None:
            if node_period not in nodes.columns:
                raise KeyError(f"nodes has no column {node_period!r}")
            labels |= set(nodes[node_period].tolist())
    per = pd.Index(sorted(labels) if periods is None else list(periods))
    if not per.is_unique:
        raise ValueError("periods has repeated labels")
    missing = labels - set(per.tolist())
    if missing:
        raise ValueError(f"period labels not in periods: {sorted(map(str, missing))[:5]}")
    if len(per) < 2:
        raise ValueError("at least two periods are needed (covariates are lagged)")
    actors = sorted(set(e[sender].astype(str)) | set(e[receiver].astype(str))
                    | (set(nodes[node_actor].astype(str)) if nodes is not None else set()))
    a_index = {a: k for k, a in enumerate(actors)}
    n, n_per = len(actors), len(per)
    es = e[sender].astype(str).map(a_index).to_numpy(np.int64)
    er = e[receiver].astype(str).map(a_index).to_numpy(np.int64)
    ep = per.get_indexer(e[period]).astype(np.int64)
    # at-risk actors per period
    if nodes is not None and node_period is not None:
        ap = per.get_indexer(nodes[node_period])
        an = nodes[node_actor].astype(str).map(a_index).to_numpy(np.int64)
        at_risk = np.zeros((n_per, n), dtype=bool)
        at_risk[ap, an] = True
        at_risk[ep, es] = True  # an actor with a tie is at risk whatever the node table says
        at_risk[ep, er] = True
    else:
        at_risk = np.ones((n_per, n), dtype=bool)
    rows_p, rows_i, rows_j = [], [], []
    for t in range(1, n_per):  # loop over periods; the body is vectorised over pairs
        act = np.flatnonzero(at_risk[t])
        ii, jj = np.meshgrid(act, act, indexing="ij")
        off = ii != jj
        rows_i.append(ii[off])
        rows_j.append(jj[off])
        rows_p.append(np.full(int(off.sum()), t))
    pi, pj, pt = (np.concatenate(x).astype(np.int64) for x in (rows_i, rows_j, rows_p))
    key = (pt * n + pi) * n + pj
    if directed:
        tie_keys = np.unique((ep * n + es) * n + er)
    else:
        lo, hi = np.minimum(es, er), np.maximum(es, er)
        tie_keys = np.unique(np.concatenate([(ep * n + lo) * n + hi, (ep * n + hi) * n + lo]))
    y = _lag_lookup(key, tie_keys).astype(np.int64)
    lag_key = ((pt - 1) * n + pi) * n + pj
    cols: dict[str, Any] = {
        "sender": np.asarray(actors, dtype=object)[pi],
        "receiver": np.asarray(actors, dtype=object)[pj],
        "period": per[pt],
        "period_index": pt,
    }
    if directed:
        cols["cell"] = np.arange(pt.size, dtype=np.int64)
        cols["weight"] = np.ones(pt.size)
    else:
        ckey = (pt * n + np.minimum(pi, pj)) * n + np.maximum(pi, pj)
        cols["cell"] = np.unique(ckey, return_inverse=True)[1].astype(np.int64)
        cols["weight"] = np.full(pt.size, 0.5)
    cols["y"] = y
    cols["tie_lag1"] = _lag_lookup(lag_key, tie_keys)
    covariates = ["tie_lag1"]
    if directed:
        cols["reciprocity_lag1"] = _lag_lookup(((pt - 1) * n + pj) * n + pi, tie_keys)
        covariates.append("reciprocity_lag1")
    # shared enemies: common neighbours in the symmetrised tie graph of t-1
    import scipy.sparse as sp

    size = n * n_per
    lo, hi = np.minimum(es, er), np.maximum(es, er)
    adj = sp.csr_matrix((np.ones(2 * es.size), (np.concatenate([ep * n + lo, ep * n + hi]),
                                                  np.concatenate([ep * n + hi, ep * n + lo]))),
                        shape=(size, size))
    adj.data[:] = 1.0  # duplicates summed by the constructor: back to 0/1
    r, c = (pt - 1) * n + pi, (pt - 1) * n + pj
    cols["shared_enemies_lag1"] = np.asarray(adj[r].multiply(adj[c]).sum(axis=1)).ravel()
    covariates.append("shared_enemies_lag1")
    frame = pd.DataFrame(cols)
    if nodes is not None:
        value_cols = [c_ for c_ in nodes.columns if c_ not in (node_actor, node_period)
                      and pd.api.types.is_numeric_dtype(nodes[c_])]
        keys = [node_actor] + ([node_period] if node_period is not None else [])
        table = nodes[keys + value_cols].copy()
        table[node_actor] = table[node_actor].astype(str)
        if table.duplicated(keys).any():
            raise ValueError(f"nodes has repeated rows for the same {' and '.join(keys)}")
        for role in ("sender", "receiver"):
            renamed = table.rename(columns={node_actor: role, **({node_period: "period"}
                                                               if node_period else {}),
                                            **{v: f"{v}_{role}" for v in value_cols}})
            frame = frame.merge(renamed, on=[role] + (["period"] if node_period else []),
                                how="left")
            covariates.extend(f"{v}_{role}" for v in value_cols)
    if dyads is not None:
        keys = ["sender", "receiver"] + ([dyad_period] if dyad_period is not None else [])
        for k in keys:
            if k not in dyads.columns:
                raise KeyError(f"dyads has no column {k!r}")
        value_cols = [c_ for c_ in dyads.columns if c_ not in keys
                      and pd.api.types.is_numeric_dtype(dyads[c_])]
        table = dyads[keys + value_cols].copy()
        table["sender"] = table["sender"].astype(str)
        table["receiver"] = table["receiver"].astype(str)
        if table.duplicated(keys).any():
            raise ValueError(f"dyads has repeated rows for the same {', '.join(keys)}")
        if dyad_period is not None:
            table = table.rename(columns={dyad_period: "period"})
        clash = [c_ for c_ in value_cols if c_ in frame.columns]
        if clash:
            raise ValueError(f"dyad covariates {clash} clash with columns already built")
        frame = frame.merge(table, on=["sender", "receiver"]
                            + (["period"] if dyad_period is not None else []), how="left")
        covariates.extend(value_cols)
    edge_frame = pd.DataFrame({"sender": np.asarray(actors, dtype=object)[es],
                               "receiver": np.asarray(actors, dtype=object)[er],
                               "period_index": ep})
    if "time" in e.columns:
        edge_frame["time"] = e["time"].to_numpy()
    return DyadData(frame=frame, covariates=tuple(covariates), directed=directed, periods=per,
                    edges=edge_frame)


def clash_data(
    events: EventTable,
    *,
    freq: str = "Y",
    half_life: float | None = 1.0,
    window: int | None = None,
    start: Any = None,
    end: Any = None,
) -> DyadData:
    r""""Any clash in dyad-period" from events, with the dyad panel's network covariates.

    Parameters
    ----------
    events : EventTable
    freq : {"D", "W", "M", "Y"}
        Calendar period.
    half_life : float or None
        Memory of the decayed network covariates, in periods (see
        :func:`~sahelmodel.dyad_panel`).
    window : int, optional
        An actor is at risk in period :math:`t` once it has taken part in a hostile event
        in some period before :math:`t`, and (with ``window``) in one of the ``window``
        periods before :math:`t`. Only the past decides, so the risk set of a forecast
        period is known when the forecast is made.
    start, end : date-like, optional
        First and last period.

    Returns
    -------
    DyadData
        Undirected (event data rarely record who initiated a clash): rows (i, j) and (j, i)
        share a cell with weight 1/2. Covariates: ``tie_lag1`` (a clash in the previous
        period), ``rivalry_lag1`` and ``cooperation_lag1`` (decayed tie intensities),
        ``shared_enemies_lag1``, ``shared_allies_lag1``, ``capture_sr_lag1`` (the sender
        captured materiel from the receiver in the previous period), ``capture_rs_lag1``
        (the reverse), ``capture_s_any_lag1`` and ``capture_r_any_lag1`` (from anyone), and
        their symmetric sums ``capture_dyad_lag1`` (a capture between the two, either way)
        and ``capture_any_lag1``. On undirected data a model with sender and receiver effects
        gives a sender covariate and its receiver twin the same coefficient (the data are
        symmetric), so use the symmetric sums there.

    Examples
    --------
    >>> from sahelmodel.events import EventTable
    >>> ev = EventTable.from_records([
    ...     {"event_id": str(k), "date": f"{2018 + k // 2}-03-01", "actor1": a, "actor2": b,
    ...      "event_type": "battle", "fatalities": 1}
    ...     for k, (a, b) in enumerate([("jnim", "is_sahel"), ("jnim", "military_mali"),
    ...                                 ("is_sahel", "military_mali"), ("jnim", "is_sahel")])])
    >>> data = clash_data(ev)
    >>> data.frame[["sender", "receiver", "period_index", "y", "tie_lag1"]].values.tolist()[:2]
    [['is_sahel', 'jnim', 1, 1, 1.0], ['is_sahel', 'military_mali', 1, 1, 0.0]]
    """
    panel = dyad_panel(events, freq=freq, risk_set="all", lags=1, half_life=half_life,
                       start=start, end=end)
    n_per = int(panel["period_index"].max()) + 1 if len(panel) else 0
    if n_per < 2:
        raise ValueError("clash_data needs events in at least two periods")
    # actors active (in a hostile event) per period, from the panel's outcome
    hit = panel[panel["hostile"] > 0]
    act = pd.concat([hit[["period_index", "actor_i"]].rename(columns={"actor_i": "a"}),
                     hit[["period_index", "actor_j"]].rename(columns={"actor_j": "a"})])
    actors = sorted(set(panel["actor_i"]) | set(panel["actor_j"]))
    a_index = {a: k for k, a in enumerate(actors)}
    active = np.zeros((n_per, len(actors)), dtype=bool)
    active[act["period_index"].to_numpy(np.int64),
           act["a"].astype(str).map(a_index).to_numpy(np.int64)] = True
    if window is None:
        seen = np.cumsum(active, axis=0) > 0
    else:
        if int(window) < 1:
            raise ValueError(f"window must be a positive number of periods, got {window!r}")
        csum = np.vstack([np.zeros((1, len(actors))), np.cumsum(active, axis=0)])
        k = np.arange(n_per)
        seen = (csum[k + 1] - csum[np.maximum(k + 1 - int(window), 0)]) > 0
    # at risk in t: seen in some period before t
    risk = np.vstack([np.zeros((1, len(actors)), dtype=bool), seen[:-1]])
    p = panel["period_index"].to_numpy(np.int64)
    ai = panel["actor_i"].astype(str).map(a_index).to_numpy(np.int64)
    aj = panel["actor_j"].astype(str).map(a_index).to_numpy(np.int64)
    keep = (p >= 1) & risk[p, ai] & risk[p, aj]
    sub = panel.loc[keep].reset_index(drop=True)
    if sub.empty:
        raise ValueError("no dyad is at risk: fewer than two actors with a hostile event "
                         "before the last period")
    cell = np.arange(len(sub), dtype=np.int64)
    common = {
        "period": sub["period"], "period_index": sub["period_index"],
        "y": (sub["hostile"] > 0).astype(np.int64),
        "tie_lag1": (sub["hostile_lag1"] > 0).astype(float),
        "rivalry_lag1": sub["rivalry_lag1"], "cooperation_lag1": sub["cooperation_lag1"],
        "shared_enemies_lag1": sub["shared_enemies_lag1"],
        "shared_allies_lag1": sub["shared_allies_lag1"],
    }
    ai_s, aj_s = sub["actor_i"].astype(str), sub["actor_j"].astype(str)
    fwd = pd.DataFrame({"sender": ai_s, "receiver": aj_s,
                        **common, "capture_sr_lag1": sub["capture_ij_lag1"],
                        "capture_rs_lag1": sub["capture_ji_lag1"],
                        "capture_s_any_lag1": sub["capture_i_any_lag1"],
                        "capture_r_any_lag1": sub["capture_j_any_lag1"]})
    bwd = pd.DataFrame({"sender": aj_s, "receiver": ai_s,
                        **common, "capture_sr_lag1": sub["capture_ji_lag1"],
                        "capture_rs_lag1": sub["capture_ij_lag1"],
                        "capture_s_any_lag1": sub["capture_j_any_lag1"],
                        "capture_r_any_lag1": sub["capture_i_any_lag1"]})
    fwd.insert(4, "cell", cell)
    bwd.insert(4, "cell", cell)
    frame = pd.concat([fwd, bwd], ignore_index=True)
    # symmetric versions: on undirected data only these are identified separately
    frame["capture_dyad_lag1"] = frame["capture_sr_lag1"] + frame["capture_rs_lag1"]
    frame["capture_any_lag1"] = frame["capture_s_any_lag1"] + frame["capture_r_any_lag1"]
    frame.insert(5, "weight", 0.5)
    frame = frame.sort_values(["period_index", "sender", "receiver"], kind="stable",
                              ignore_index=True)
    covariates = tuple(c for c in frame.columns if c.endswith("_lag1"))
    frame[list(covariates)] = frame[list(covariates)].astype(float)
    periods = pd.Index(sorted(panel["period"].unique()), name="period")
    edges = _event_edges(events, freq, start, end, periods)
    return DyadData(frame=frame, covariates=covariates, directed=False, periods=periods,
                    edges=edges)


def _event_edges(events: EventTable, freq: str, start: Any, end: Any,
                 periods: pd.Index) -> pd.DataFrame:
    """The hostile ties of the events, one row each, with their date (``time``).

    The panel's tie rules (:mod:`sahelmodel.network._ties`); the order of sender and receiver
    is as recorded (actor1, actor2, or capturer, loser).
    """
    from sahelmodel.network._ties import extract_ties

    ties = extract_ties(events, freq=freq, start=start, end=end)
    src, dst, _, per, _, rows = ties.hostile
    names = ties.actors.to_numpy(dtype=object).astype(str)
    dates = events.frame["date"].to_numpy()[rows]
    # align period indices with the panel's (both count from the first period in the window)
    offset = periods.get_indexer(ties.periods[:1])[0] if len(ties.periods) else 0
    return pd.DataFrame({"sender": names[src], "receiver": names[dst],
                         "period_index": per.astype(np.int64) + max(int(offset), 0),
                         "time": dates}).sort_values("time", kind="stable", ignore_index=True)
