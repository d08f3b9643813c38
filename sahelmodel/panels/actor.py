r"""The actor × period panel: tempo, lethality, reach, targets and the capability stock.

Column contract (other modules code against these names):

=======================  ===========================================================================
column                   meaning
=======================  ===========================================================================
``period``               Timestamp, start of the calendar period
``period_index``         int from 0
``actor``                canonical actor id
``events``               events the actor takes part in (as actor1 or actor2), tempo
``clashes``              its events against another armed actor (the opponent's kind is neither
                         empty nor ``civilians``): the events a capture can happen in
``events_initiated``     events with the actor as actor1 and ``directed`` true, plus its captures
``fatalities``           deaths in the actor's events (with ``events`` as exposure: lethality)
``admin2_count``         distinct admin2 units of its events (reach)
``spread_km``            standard distance of its located events from their centroid, km (0 with
                         fewer than two located events)
``events_vs_state``      its events whose opponent is a state force
``share_vs_state``       ``events_vs_state / events`` (0 when ``events`` is 0)
``captures``             captures with the actor as capturer
``losses``               captures with the actor as loser (``captured_from``)
``captured_weight``      materiel weight captured in the period
``lost_weight``          materiel weight lost in the period
``capability``           :math:`K[t] = \delta K[t-1] + \text{captured weight}[t]`
``capability_lost``      the same stock for weight lost
``<col>_lag<k>``         value in period t-k (NaN before the first period)
``<col>_lead<k>``        value in period t+k (NaN after the last period)
=======================  ===========================================================================

``capability`` at period t includes the captures of period t; use ``capability_lag1`` as a
regressor so that nothing from period t leaks into it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._validation import check_choice, check_positive
from sahelmodel.events import EventTable
from sahelmodel.network._core import decay, decay_factor, sorted_unique
from sahelmodel.network._ties import extract_ties
from sahelmodel.panels._common import DenseGrid, check_shifts, period_frame, shifted_columns

__all__ = ["ACTOR_OUTCOMES", "EARTH_RADIUS_KM", "actor_panel"]

#: Columns of the actor panel that can get lags and leads.
ACTOR_OUTCOMES: tuple[str, ...] = (
    "events",
    "clashes",
    "events_initiated",
    "fatalities",
    "admin2_count",
    "spread_km",
    "events_vs_state",
    "share_vs_state",
    "captures",
    "losses",
    "captured_weight",
    "lost_weight",
    "capability",
    "capability_lost",
)

#: Mean Earth radius used for distances.
EARTH_RADIUS_KM = 6371.0088


def _spread_km(group: np.ndarray, lat: np.ndarray, lon: np.ndarray, n_groups: int) -> np.ndarray:
    """Standard distance (root mean square great-circle distance to the spherical centroid)."""
    phi, lam = np.radians(lat), np.radians(lon)
    xyz = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1)
    sums = np.stack(
        [np.bincount(group, weights=xyz[:, k], minlength=n_groups) for k in range(3)], axis=1
    )
    sums = sums.astype(np.float64)
    norm = np.linalg.norm(sums, axis=1, keepdims=True)
    centre = np.divide(sums, norm, out=np.zeros_like(sums), where=norm > 0)
    cosang = np.clip(np.einsum("ij,ij->i", xyz, centre[group]), -1.0, 1.0)
    dist = EARTH_RADIUS_KM * np.arccos(cosang)
    n = np.bincount(group, minlength=n_groups)
    sq = np.bincount(group, weights=dist**2, minlength=n_groups).astype(np.float64)
    return np.where(n >= 2, np.sqrt(sq / np.maximum(n, 1)), 0.0)


def actor_panel(
    events: EventTable,
    *,
    freq: str = "W",
    lags: int | tuple[int, ...] = 1,
    leads: int | tuple[int, ...] = 0,
    lag_columns: tuple[str, ...] | None = None,
    half_life: float | None = 4.0,
    risk_set: str = "all",
    state_kinds: tuple[str, ...] = ("state_force",),
    include_civilians: bool = False,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame:
    r"""One row per actor and period with tempo, lethality, reach, targets and capability.

    Parameters
    ----------
    events : EventTable
        Canonical events.
    freq : {"D", "W", "M", "Y"}
        Calendar period.
    lags, leads : int or tuple of int
        An int k means 1..k. Columns ``<col>_lag<k>`` and ``<col>_lead<k>``.
    lag_columns : tuple of str, optional
        Columns that get lags/leads; default ``events``, ``fatalities``, ``captures``,
        ``losses``, ``capability``, ``capability_lost``.
    half_life : float or None
        Half-life of the capability stocks in periods (None: the stock is the period's weight).
    risk_set : {"all", "entered"}
        ``all``: every actor in every period; ``entered``: an actor from the period of its first
        event onward.
    state_kinds : tuple of str
        Actor kinds counted as state forces for ``events_vs_state``.
    include_civilians : bool
        Keep civilian actors as rows.
    start, end : date-like, optional
        First and last period.

    Returns
    -------
    pandas.DataFrame
        The columns of the module's contract, sorted by actor and period; ``attrs`` holds
        ``freq``, ``half_life`` and ``missing_capture_weight`` (captures whose weight was
        missing and counted as 0).

    Notes
    -----
    With :math:`\delta = e^{-\ln 2 / h}` the capability stock is
    :math:`K_a[t] = \delta K_a[t-1] + \sum_{e \in \mathrm{captures}_a(t)} w_e`, with
    :math:`K_a[-1] = 0`.

    Examples
    --------
    >>> from sahelmodel.events import EventTable
    >>> ev = EventTable.from_records([
    ...     {"event_id": "1", "date": "2024-03-24", "actor1": "is_sahel", "actor2": "jnim",
    ...      "event_type": "battle", "fatalities": 10, "capture": True,
    ...      "capturer": "is_sahel", "captured_from": "jnim", "capture_weight": 2.0},
    ...     {"event_id": "2", "date": "2024-04-02", "actor1": "jnim", "actor2": "fama",
    ...      "event_type": "battle", "fatalities": 1}])
    >>> p = actor_panel(ev, freq="W", half_life=1.0)
    >>> p.loc[p.actor == "is_sahel", ["period_index", "captures", "capability"]].values.tolist()
    [[0.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 0.0, 0.5]]
    """
    check_choice("freq", freq, ("D", "W", "M", "Y"))
    check_choice("risk_set", risk_set, ("all", "entered"))
    lag_k, lead_k = check_shifts("lags", lags), check_shifts("leads", leads)
    if lag_columns is None:
        lag_columns = ("events", "fatalities", "captures", "losses", "capability",
                       "capability_lost")
    for col in lag_columns:
        check_choice("lag_columns", col, ACTOR_OUTCOMES)
    if half_life is not None:
        half_life = check_positive("half_life", half_life)
    ties = extract_ties(events, freq=freq, include_civilians=include_civilians, start=start,
                        end=end)
    actors, n_per = ties.actors, ties.n_periods
    n_act = len(actors)
    frame = events._frame  # read-only
    period = ties.row_period
    inside = (period >= 0) & (period < n_per)
    rows = np.flatnonzero(inside)

    # Participation: (event row, actor, opponent kind is state) for actor1 and actor2.
    n1 = actors.get_indexer(frame["actor1"].to_numpy(dtype=object)[rows])
    n2 = actors.get_indexer(frame["actor2"].to_numpy(dtype=object)[rows])
    k1 = frame["actor1_kind"].to_numpy(dtype=object, na_value="")[rows]
    k2 = frame["actor2_kind"].to_numpy(dtype=object, na_value="")[rows]
    directed = frame["directed"].fillna(False).to_numpy(dtype=bool)[rows]
    vs_state_1 = np.isin(k2, list(state_kinds))
    vs_state_2 = np.isin(k1, list(state_kinds))
    same = n1 == n2
    take2 = (n2 >= 0) & ~same  # a self-loop counts once for its actor
    prow = np.concatenate([rows[n1 >= 0], rows[take2]])
    pact = np.concatenate([n1[n1 >= 0], n2[take2]])
    pstate = np.concatenate([vs_state_1[n1 >= 0], vs_state_2[take2]])
    armed_2 = (k2 != "") & (k2 != "civilians")  # actor1's opponent is armed
    armed_1 = (k1 != "") & (k1 != "civilians")
    pclash = np.concatenate([armed_2[n1 >= 0], armed_1[take2]])
    pper = period[prow]
    cell = pact * n_per + pper  # actor-major cell index
    n_cells = n_act * n_per
    fat = frame["fatalities"].to_numpy(dtype=np.float64)
    grid = {
        "events": np.bincount(cell, minlength=n_cells).astype(np.float64),
        "fatalities": np.bincount(cell, weights=fat[prow], minlength=n_cells),
        "events_vs_state": np.bincount(cell, weights=pstate.astype(float), minlength=n_cells),
        "clashes": np.bincount(cell, weights=pclash.astype(float), minlength=n_cells),
    }
    init = (n1 >= 0) & directed
    cap_s, cap_l, cap_p = ties.captures
    cap_rows = ties.capture_rows
    grid["events_initiated"] = np.bincount(
        np.concatenate([n1[init] * n_per + period[rows[init]], cap_s * n_per + cap_p]),
        minlength=n_cells,
    ).astype(np.float64)
    # a capture that is also a directed event by its capturer counts once
    dup = frame["directed"].fillna(False).to_numpy(dtype=bool)[cap_rows] & (
        actors.get_indexer(frame["actor1"].to_numpy(dtype=object)[cap_rows]) == cap_s
    )
    grid["events_initiated"] -= np.bincount(
        cap_s[dup] * n_per + cap_p[dup], minlength=n_cells
    )

    # Reach: distinct admin2 units and spatial spread.
    admin = frame["admin2"].to_numpy(dtype=object, na_value=None)[prow]
    has_admin = pd.notna(admin)
    admin_code = pd.factorize(admin[has_admin])[0]
    distinct = sorted_unique(cell[has_admin] * (admin_code.max(initial=0) + 1) + admin_code)
    grid["admin2_count"] = np.bincount(
        distinct // (admin_code.max(initial=0) + 1), minlength=n_cells
    ).astype(np.float64)
    lat = frame["latitude"].to_numpy(dtype=np.float64)[prow]
    lon = frame["longitude"].to_numpy(dtype=np.float64)[prow]
    located = np.isfinite(lat) & np.isfinite(lon)
    grid["spread_km"] = _spread_km(cell[located], lat[located], lon[located], n_cells)
    grid["share_vs_state"] = np.divide(
        grid["events_vs_state"], grid["events"],
        out=np.zeros(n_cells), where=grid["events"] > 0,
    )

    # Captures and the capability stocks.
    weight = frame["capture_weight"].to_numpy(dtype=np.float64)[cap_rows]
    missing_w = ~np.isfinite(weight)
    weight = np.where(missing_w, 0.0, weight)
    grid["captures"] = np.bincount(cap_s * n_per + cap_p, minlength=n_cells).astype(float)
    known = cap_l >= 0
    lost_cell = cap_l[known] * n_per + cap_p[known]
    grid["losses"] = np.bincount(lost_cell, minlength=n_cells).astype(float)
    grid["captured_weight"] = np.bincount(
        cap_s * n_per + cap_p, weights=weight, minlength=n_cells
    )
    grid["lost_weight"] = np.bincount(lost_cell, weights=weight[known], minlength=n_cells)
    factor = decay_factor(half_life)
    for stock, flow in (("capability", "captured_weight"), ("capability_lost", "lost_weight")):
        series = grid[flow].reshape(n_act, n_per)
        stocked = decay(series, factor)
        grid[stock] = np.asarray(
            stocked.toarray() if hasattr(stocked, "toarray") else stocked
        ).ravel()

    # Rows.
    act = np.repeat(np.arange(n_act), n_per)
    per = np.tile(np.arange(n_per), n_act)
    if risk_set == "entered":
        first = np.full(n_act, n_per, dtype=np.int64)
        np.minimum.at(first, pact, pper)
        np.minimum.at(first, cap_s, cap_p)
        np.minimum.at(first, cap_l[known], cap_p[known])
        keep = per >= first[act]
        act, per = act[keep], per[keep]
    idx = act * n_per + per
    cols: dict[str, Any] = period_frame(ties.periods, per)
    cols["actor"] = pd.array(actors.to_numpy(dtype=object)[act], dtype="string")
    integer = {"events", "clashes", "events_initiated", "fatalities", "admin2_count",
               "events_vs_state",
               "captures", "losses"}
    for col in ACTOR_OUTCOMES:
        values = grid[col][idx]
        cols[col] = values.astype(np.int64) if col in integer else values
    for col in lag_columns:
        g = DenseGrid(grid[col].reshape(n_act, n_per))
        cols.update(shifted_columns({col: g}, act, per, lag_k, lead_k))
    panel = pd.DataFrame(cols)
    panel.attrs.update(
        freq=freq,
        half_life=half_life,
        risk_set=risk_set,
        missing_capture_weight=int(missing_w.sum()),
        civilians_included=include_civilians,
    )
    return panel
