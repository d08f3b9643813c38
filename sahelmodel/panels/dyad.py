"""The dyad × period panel that count models of rivalry are fitted on.

Column contract (other modules code against these names):

==========================  =====================================================================
column                      meaning
==========================  =====================================================================
``period``                  Timestamp, start of the calendar period
``period_index``            int from 0 (period fixed effects)
``dyad``                    ``"i|j"`` with ``actor_i < actor_j`` (dyad fixed effects)
``dyad_index``              int code of the dyad
``actor_i``, ``actor_j``    the two actors, ``actor_i < actor_j``
``hostile``                 hostile events between i and j in the period (either direction);
                            with ``capture_clash="exclude"`` (default) a clash in which one of
                            the two captured materiel from the other is left out
``hostile_all``             hostile events including those capturing clashes
``fatalities``              deaths in those events
``capture_ij``              1 if actor_i captured materiel from actor_j in the period, else 0
``capture_ji``              1 if actor_j captured materiel from actor_i in the period, else 0
``capture_i_any``           1 if actor_i captured materiel from anyone (loser known or not)
``capture_j_any``           1 if actor_j captured materiel from anyone
``<col>_lag<k>``            value of ``<col>`` in period t-k (NaN before the first period)
``<col>_lead<k>``           value of ``<col>`` in period t+k (NaN after the last period)
``rivalry_lag1``            decayed hostile intensity between i and j at the end of period t-1
``cooperation_lag1``        decayed cooperative intensity between i and j at the end of t-1
``shared_enemies_lag1``     actors k with decayed hostile ties to both i and j above
                            ``tie_threshold`` at the end of t-1
``shared_allies_lag1``      the same for cooperative ties
==========================  =====================================================================

Nothing from period t enters a ``_lag`` column or a network covariate of period t; the
``*_lag1`` network covariates are NaN in the first period, where no history is observed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sahelmodel._validation import check_choice, check_positive
from sahelmodel.events import EventTable
from sahelmodel.network._core import lookup, pairs_within_groups, sorted_unique
from sahelmodel.network._ties import extract_ties
from sahelmodel.network.temporal import TemporalNetwork
from sahelmodel.panels._common import DenseGrid, check_shifts, period_frame, shifted_columns

__all__ = ["DYAD_OUTCOMES", "dyad_panel"]

#: Outcome columns of the dyad panel (the default columns that get lags and leads).
DYAD_OUTCOMES: tuple[str, ...] = (
    "hostile",
    "fatalities",
    "capture_ij",
    "capture_ji",
    "capture_i_any",
    "capture_j_any",
)

#: Largest panel the "all" risk set may build before asking for a smaller one.
MAX_ROWS = 50_000_000
_CHUNK = 200_000


def _common_neighbours(mat: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    out = np.empty(rows.size)
    for s in range(0, rows.size, _CHUNK):  # bounded memory, not a per-row loop
        r, c = rows[s : s + _CHUNK], cols[s : s + _CHUNK]
        out[s : s + _CHUNK] = np.asarray(mat[r].multiply(mat[c]).sum(axis=1)).ravel()
    return out


def _capturing_clash(frame: pd.DataFrame, rows: np.ndarray, names: np.ndarray,
                     src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """True for hostile ties whose event is a capture by one of the tie's actors from the other."""
    if rows.size == 0 or "capture" not in frame.columns:
        return np.zeros(rows.size, dtype=bool)
    flag = frame["capture"].fillna(False).to_numpy(dtype=bool)[rows]
    if not flag.any():
        return flag
    capturer = frame["capturer"].astype("string").fillna("").to_numpy(dtype=object)[rows]
    loser = frame["captured_from"].astype("string").fillna("").to_numpy(dtype=object)[rows]
    a, b = names[src], names[dst]
    return flag & (((capturer == a) & (loser == b)) | ((capturer == b) & (loser == a)))


def dyad_panel(
    events: EventTable,
    *,
    freq: str = "W",
    risk_set: str = "observed",
    lags: int | tuple[int, ...] = 1,
    leads: int | tuple[int, ...] = 0,
    lag_columns: tuple[str, ...] | None = None,
    network: TemporalNetwork | None = None,
    half_life: float | None = 4.0,
    tie_threshold: float = 0.5,
    include_civilians: bool = False,
    start: Any = None,
    end: Any = None,
    capture_clash: str = "exclude",
) -> pd.DataFrame:
    r"""One row per dyad and period, zeros where nothing happened.

    Parameters
    ----------
    events : EventTable
        Canonical events.
    freq : {"D", "W", "M", "Y"}
        Calendar period.
    risk_set : {"observed", "active", "all"}
        Which dyads get rows: ``observed``, pairs with a hostile or cooperative tie in some
        period, in every period; ``active``, in each period all pairs of actors that take part
        in an event of that period (as actor1, actor2, capturer or loser); ``all``, every pair
        of actors in every period.
    lags, leads : int or tuple of int
        An int k means 1..k; a tuple lists the shifts. Columns ``<col>_lag<k>``,
        ``<col>_lead<k>``.
    lag_columns : tuple of str, optional
        Columns that get lags and leads; default :data:`DYAD_OUTCOMES`.
    network : TemporalNetwork, optional
        Source of the network covariates (its periods and actors then fix the panel's). By
        default one is built from ``events`` with ``half_life``.
    half_life : float or None
        Half-life in periods of the network memory when ``network`` is not given.
    tie_threshold : float
        Decayed intensity above which two actors count as tied for the shared-neighbour
        covariates.
    include_civilians : bool
        Keep civilian actors as dyad members.
    start, end : date-like, optional
        First and last period (default from the first to the last event).
    capture_clash : {"exclude", "count"}
        Whether the ``hostile`` outcome counts the clash in which a capture between the
        dyad's two actors happened. ``"exclude"`` (default) leaves it out, so ``hostile``
        counts the clashes *other than* the capturing clash, which is what "clashes after a
        capture" means: the capture period (horizon 0 of an event study) then measures the
        other clashes of that period instead of the capture itself. ``"count"`` keeps every
        clash. ``hostile_all`` always counts every clash; ``fatalities`` always sums the
        deaths of every hostile event.

    Returns
    -------
    pandas.DataFrame
        The columns of the module's contract, sorted by dyad and period. ``attrs`` holds
        ``freq``, ``risk_set``, ``half_life`` and the event ``accounting``.

    Notes
    -----
    With :math:`y_{ij,t}` hostile events and :math:`W^h_{ij}[t] = \delta W^h_{ij}[t-1] +
    C^h_{ij}[t]`, :math:`\delta = e^{-\ln 2 / h}`, the row of dyad ij in period t holds
    :math:`y_{ij,t}`, :math:`y_{ij,t-k}`, :math:`W^h_{ij}[t-1]` (``rivalry_lag1``) and
    :math:`\#\{k: W^h_{ik}[t-1] > \tau, W^h_{jk}[t-1] > \tau\}` (``shared_enemies_lag1``),
    so a model of :math:`y_{ij,t}` only sees the past.

    Examples
    --------
    >>> from sahelmodel.events import EventTable
    >>> ev = EventTable.from_records([
    ...     {"event_id": "1", "date": "2020-01-06", "actor1": "jnim", "actor2": "is_sahel",
    ...      "event_type": "battle", "fatalities": 3},
    ...     {"event_id": "2", "date": "2020-01-20", "actor1": "is_sahel", "actor2": "jnim",
    ...      "event_type": "battle", "fatalities": 0, "capture": True,
    ...      "capturer": "is_sahel", "captured_from": "jnim"}])
    >>> panel = dyad_panel(ev, freq="W")
    >>> cols = ["period_index", "hostile", "hostile_all", "capture_ij", "hostile_lag1"]
    >>> panel["dyad"].unique().tolist()
    ['is_sahel|jnim']
    >>> panel[cols].values.tolist()  # the capturing clash is in hostile_all, not hostile
    [[0.0, 1.0, 1.0, 0.0, nan], [1.0, 0.0, 0.0, 0.0, 1.0], [2.0, 0.0, 1.0, 1.0, 0.0]]
    """
    check_choice("freq", freq, ("D", "W", "M", "Y"))
    check_choice("capture_clash", capture_clash, ("exclude", "count"))
    check_choice("risk_set", risk_set, ("observed", "active", "all"))
    lag_k, lead_k = check_shifts("lags", lags), check_shifts("leads", leads)
    lag_columns = DYAD_OUTCOMES if lag_columns is None else tuple(lag_columns)
    for col in lag_columns:
        check_choice("lag_columns", col, DYAD_OUTCOMES)
    tie_threshold = check_positive("tie_threshold", tie_threshold, allow_zero=True)
    if network is not None:
        if network.freq != freq:
            raise ValueError(f"network has freq {network.freq!r} but the panel asks for {freq!r}")
        start, end = network.periods[0], network.periods[-1]
        missing = set(("hostile", "cooperative")) - set(network.layers)
        if missing:
            raise ValueError(f"network lacks the layer(s) {sorted(missing)}")
    ties = extract_ties(
        events,
        freq=freq,
        include_civilians=include_civilians,
        actors=None if network is None else network.actors,
        start=start,
        end=end,
    )
    if network is None:
        if half_life is not None:
            half_life = check_positive("half_life", half_life)
        network = TemporalNetwork._from_ties(
            ties, half_life=half_life, layers=("hostile", "cooperative"), weight="events"
        )
    actors, n_per = ties.actors, ties.n_periods
    n = max(len(actors), 1)
    frame = events._frame  # read-only

    hs, hd, _, hper, _, hrows = ties.hostile
    lo, hi = np.minimum(hs, hd), np.maximum(hs, hd)
    cs, cd, cper = ties.captures

    # Risk set: (i, j, period) rows.
    if risk_set == "observed":
        cs_, cd_ = ties.cooperative[0], ties.cooperative[1]
        keys = sorted_unique(np.concatenate([lo * n + hi, cs_ * n + cd_]))
        per = np.tile(np.arange(n_per), keys.size)
        pi, pj = np.repeat(keys // n, n_per), np.repeat(keys % n, n_per)
    elif risk_set == "active":
        act_per, act_node = ties.active()
        order = np.lexsort((act_node, act_per))
        per, pi, pj = pairs_within_groups(act_per[order], act_node[order])
    else:
        n_rows = len(actors) * (len(actors) - 1) // 2 * n_per
        if n_rows > MAX_ROWS:
            raise ValueError(
                f"risk_set='all' would build {n_rows:,} rows ({len(actors)} actors, {n_per} "
                "periods); use risk_set='observed' or 'active'"
            )
        iu, ju = np.triu_indices(len(actors), k=1)
        per = np.tile(np.arange(n_per), iu.size)
        pi, pj = np.repeat(iu, n_per), np.repeat(ju, n_per)
    if risk_set == "active":  # the other risk sets are built in (dyad, period) order
        order = np.lexsort((per, pj, pi))
        per, pi, pj = (x[order] for x in (per, pi, pj))
    per, pi, pj = (x.astype(np.int64, copy=False) for x in (per, pi, pj))
    dyad_keys, dyad_index = sorted_unique(pi * n + pj, return_inverse=True)
    n_dyads = dyad_keys.size

    # Outcome grids over the panel's dyads (dense dyads × periods) and actors.
    fat = frame["fatalities"].to_numpy(dtype=np.float64)
    h_pos = lookup(dyad_keys, lo * n + hi)
    c_lo, c_hi = np.minimum(cs, cd), np.maximum(cs, cd)
    both = (cd >= 0) & (cs != cd)
    c_pos = np.where(both, lookup(dyad_keys, c_lo * n + c_hi), -1)
    forward = cs < cd  # capturer is actor_i
    own = _capturing_clash(frame, hrows, actors.to_numpy(dtype=object), hs, hd)
    grids = {
        "hostile": DenseGrid.from_cells(
            np.where(own, -1, h_pos) if capture_clash == "exclude" else h_pos, hper, None,
            n_dyads, n_per),
        "hostile_all": DenseGrid.from_cells(h_pos, hper, None, n_dyads, n_per),
        "fatalities": DenseGrid.from_cells(h_pos, hper, fat[hrows], n_dyads, n_per),
        "capture_ij": DenseGrid.from_cells(
            np.where(forward, c_pos, -1), cper, None, n_dyads, n_per),
        "capture_ji": DenseGrid.from_cells(
            np.where(~forward, c_pos, -1), cper, None, n_dyads, n_per),
    }
    cap_any = DenseGrid.from_cells(cs, cper, None, len(actors), n_per)
    for name in ("capture_ij", "capture_ji"):
        grids[name].values = (grids[name].values > 0).astype(np.float64)
    cap_any.values = (cap_any.values > 0).astype(np.float64)
    grids["capture_i_any"] = grids["capture_j_any"] = cap_any
    units = {"hostile": dyad_index, "hostile_all": dyad_index, "fatalities": dyad_index,
             "capture_ij": dyad_index,
             "capture_ji": dyad_index, "capture_i_any": pi, "capture_j_any": pj}

    names = actors.to_numpy(dtype=object)
    dyad_names = pd.array(
        [f"{names[k // n]}|{names[k % n]}" for k in dyad_keys.tolist()], dtype="string"
    )  # one string per distinct dyad, then taken row by row in C
    actor_names = pd.array(names.astype(str), dtype="string")
    cols: dict[str, Any] = period_frame(ties.periods, per)
    cols.update(
        dyad=dyad_names.take(dyad_index),
        dyad_index=dyad_index.astype(np.int64),
        actor_i=actor_names.take(pi),
        actor_j=actor_names.take(pj),
    )
    for col in (*DYAD_OUTCOMES, "hostile_all"):
        cols[col] = grids[col].values[units[col], per].astype(np.int64)
    for col in lag_columns:
        cols.update(shifted_columns({col: grids[col]}, units[col], per, lag_k, lead_k))
    cols.update(
        _network_covariates(network, per, pi, pj, dyad_keys, dyad_index, tie_threshold)
    )
    panel = pd.DataFrame(cols)
    panel.attrs.update(
        freq=freq,
        risk_set=risk_set,
        half_life=network.half_life,
        tie_threshold=tie_threshold,
        capture_clash=capture_clash,
        accounting=ties.accounting.to_dict(),
    )
    return panel


def _pair_grid(net: TemporalNetwork, layer: str) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs (a < b, key ``a * n + b``) and their summed tie intensity per period."""
    lay = net.layer(layer)
    n = max(net.n_actors, 1)
    keys = np.minimum(lay.source, lay.target) * n + np.maximum(lay.source, lay.target)
    pairs, inv = sorted_unique(keys, return_inverse=True)
    member = sp.csr_matrix(
        (np.ones(lay.n_ties), (inv, np.arange(lay.n_ties))), shape=(pairs.size, lay.n_ties)
    )
    summed = member @ lay.intensity
    dense = summed.toarray() if sp.issparse(summed) else np.asarray(summed)
    return pairs, dense.reshape(pairs.size, net.n_periods)


def _network_covariates(
    net: TemporalNetwork,
    per: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    dyad_keys: np.ndarray,
    dyad_index: np.ndarray,
    threshold: float,
) -> dict[str, np.ndarray]:
    """Decayed covariates at the end of period t-1 for rows (t, i, j); NaN for t = 0."""
    n = max(net.n_actors, 1)
    prev = per - 1
    has = prev >= 0
    out: dict[str, np.ndarray] = {}
    size = n * net.n_periods
    for layer, pair_name, shared_name in (
        ("hostile", "rivalry_lag1", "shared_enemies_lag1"),
        ("cooperative", "cooperation_lag1", "shared_allies_lag1"),
    ):
        pairs, grid = _pair_grid(net, layer)
        pos = lookup(pairs, dyad_keys)[dyad_index]  # one search per dyad, not per row
        value = np.zeros(per.size)
        hit = has & (pos >= 0)
        value[hit] = grid[pos[hit], prev[hit]]
        out[pair_name] = np.where(has, value, np.nan)
        # symmetric 0/1 block matrix of pairs above the threshold, one block per period
        k, p = np.nonzero(grid > threshold)
        a, b = pairs[k] // n, pairs[k] % n
        rows = np.concatenate([p * n + a, p * n + b])
        cols = np.concatenate([p * n + b, p * n + a])
        adj = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(size, size))
        r = np.maximum(prev, 0) * n + pi
        c = np.maximum(prev, 0) * n + pj
        out[shared_name] = np.where(has, _common_neighbours(adj, r, c), np.nan)
    return out
