"""Tables and drawings of a rivalry network, shared by figure 1 and ``sahelmodel network``.

:func:`network_tables` turns a :class:`~sahelmodel.network.TemporalNetwork` into three tables:
per period (active actors, hostile and cooperative ties and events, density of the hostile
layer among active actors, the structural-balance triad census), per actor and period (hostile
degree, events, betweenness, community) and the long tie table of
:meth:`~sahelmodel.network.TemporalNetwork.to_frame`. :func:`draw_network` draws one period
with node positions that can be shared across periods, so that drawings of successive years
can be compared at a glance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from sahelmodel.network import TemporalNetwork
from sahelmodel.network import statistics as st

__all__ = ["KIND_COLORS", "display_name", "draw_network", "layout", "legend_handles",
           "network_tables"]

#: Node colours by actor kind.
KIND_COLORS: dict[str, str] = {
    "state_force": "#1f4e79",
    "jihadist_group": "#b22222",
    "militia": "#e08a00",
    "armed_movement": "#6a3d9a",
    "foreign_force": "#2e8b57",
    "civilians": "#999999",
    "unidentified": "#cccccc",
}


def network_tables(net: TemporalNetwork) -> dict[str, pd.DataFrame]:
    """Per-period, per-actor and per-tie tables of a temporal network.

    Parameters
    ----------
    net : TemporalNetwork

    Returns
    -------
    dict of pandas.DataFrame
        ``periods``: one row per period with ``period, active_actors, hostile_ties,
        hostile_events, cooperative_ties, hostile_density`` (ties / possible pairs among
        actors with a tie in the period) and the triad census (``+++, ++-, +--, ---,
        balance``); ``actors``: one row per actor and period with ``hostile_degree,
        hostile_events, betweenness, community`` (rows only where the actor has a tie);
        ``ties``: the long table of :meth:`TemporalNetwork.to_frame`.
    """
    ties = net.to_frame()
    hostile = ties[ties["layer"] == "hostile"]
    coop = ties[ties["layer"] == "cooperative"]
    deg = st.degree(net, "hostile") if "hostile" in net.layers else None
    periods = pd.DataFrame({"period": net.periods})
    per_h = hostile[hostile["count"] > 0].groupby("period_index")
    per_c = coop[coop["count"] > 0].groupby("period_index")
    idx = np.arange(net.n_periods)
    periods["hostile_ties"] = per_h.size().reindex(idx, fill_value=0).to_numpy()
    periods["hostile_events"] = per_h["count"].sum().reindex(idx, fill_value=0).to_numpy()
    periods["cooperative_ties"] = per_c.size().reindex(idx, fill_value=0).to_numpy()
    live = ties[ties["count"] > 0]
    active = pd.concat([live[["period_index", "source"]].rename(columns={"source": "actor"}),
                        live[["period_index", "target"]].rename(columns={"target": "actor"})])
    periods["active_actors"] = (active.drop_duplicates().groupby("period_index").size()
                                .reindex(idx, fill_value=0).to_numpy())
    pairs = periods["active_actors"] * (periods["active_actors"] - 1) / 2
    periods["hostile_density"] = np.where(pairs > 0, periods["hostile_ties"] / pairs.where(
        pairs > 0, 1), 0.0)
    if {"hostile", "cooperative"} <= set(net.layers):
        triads = st.triad_census(net).reset_index(drop=True)
        periods = pd.concat([periods, triads], axis=1)

    actors = pd.DataFrame()
    if deg is not None:
        ends = pd.concat([
            hostile[["period_index", "source", "count"]].rename(columns={"source": "actor"}),
            hostile[["period_index", "target", "count"]].rename(columns={"target": "actor"}),
        ])
        events = ends.groupby(["period_index", "actor"])["count"].sum()
        btw = st.betweenness(net, "hostile")
        com = st.communities(net, "hostile", value="count")
        long = pd.DataFrame({
            "hostile_degree": deg.to_numpy().ravel(),
            "betweenness": btw.to_numpy().ravel(),
            "community": com.to_numpy().ravel(),
        })
        long["period_index"] = np.repeat(idx, net.n_actors)
        long["actor"] = np.tile(net.actors.to_numpy(), net.n_periods)
        long = long[long["hostile_degree"] > 0]
        long = long.merge(events.rename("hostile_events").reset_index(), how="left",
                          on=["period_index", "actor"])
        long["hostile_events"] = long["hostile_events"].fillna(0).astype(np.int64)
        long.insert(0, "period", net.periods[long["period_index"].to_numpy()])
        actors = long[["period", "period_index", "actor", "hostile_degree", "hostile_events",
                       "betweenness", "community"]].reset_index(drop=True)
    return {"periods": periods, "actors": actors, "ties": ties}


def layout(net: TemporalNetwork, *, periods: Sequence[int] | None = None,
           seed: int = 7) -> dict[str, np.ndarray]:
    """Node positions shared by all drawings: a spring layout of the union of the periods.

    Parameters
    ----------
    net : TemporalNetwork
    periods : sequence of int, optional
        Period positions whose ties shape the layout (default all).
    seed : int
        Seed of the (deterministic) layout.
    """
    frame = net.to_frame()
    frame = frame[frame["count"] > 0]
    if periods is not None:
        frame = frame[frame["period_index"].isin(list(periods))]
    graph = nx.Graph()
    for (u, v), n in frame.groupby(["source", "target"])["count"].sum().items():
        w = graph.get_edge_data(u, v, {"weight": 0.0})["weight"]
        graph.add_edge(u, v, weight=w + float(np.log1p(n)))
    if graph.number_of_nodes() == 0:
        return {}
    # the largest component fills the unit square; smaller ones line up beneath it
    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), sorted(c)))
    main = graph.subgraph(parts[0])
    pos = nx.spring_layout(main, seed=seed, weight="weight", iterations=300,
                           k=1.5 / np.sqrt(max(main.number_of_nodes(), 1)))
    xy = np.array(list(pos.values()))
    span = np.maximum(np.ptp(xy, axis=0), 1e-9)
    pos = {n: 2 * (p - xy.min(axis=0)) / span - 1 for n, p in pos.items()}
    x = -1.0
    for part in parts[1:]:
        members = sorted(part)
        for j, node in enumerate(members):
            pos[node] = np.array([x + 0.12 * j, -1.35])
        x += 0.12 * len(members) + 0.25
    return pos


def draw_network(
    ax: Axes,
    net: TemporalNetwork,
    period: Any,
    *,
    pos: Mapping[str, np.ndarray] | None = None,
    kinds: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    top: int | None = None,
) -> None:
    """Draw the ties of one period: hostile in red, cooperative in dashed blue.

    Parameters
    ----------
    ax : matplotlib Axes
    net : TemporalNetwork
    period : int or date-like
        The period to draw.
    pos : dict, optional
        Node positions (:func:`layout`); computed from this period alone when absent.
    kinds : dict, optional
        Actor kind per actor id (node colour, :data:`KIND_COLORS`).
    labels : dict, optional
        Short labels for actors (default: :func:`display_name` of the id).
    top : int, optional
        Label only the ``top`` actors with the most hostile events in the period.
    """
    p = net.period_index(period)
    frame = net.to_frame()
    frame = frame[(frame["period_index"] == p) & (frame["count"] > 0)]
    pos = dict(pos) if pos else layout(net, periods=[p])
    nodes = sorted(set(frame["source"]) | set(frame["target"]))
    ax.set_axis_off()
    allxy = np.array(list(pos.values())) if pos else np.zeros((1, 2))
    pad = 0.15
    ax.set_xlim(allxy[:, 0].min() - pad, allxy[:, 0].max() + pad)
    ax.set_ylim(allxy[:, 1].min() - pad, allxy[:, 1].max() + pad)
    ax.set_title(f"{net.periods[p]:%Y}" if net.freq == "Y" else f"{net.periods[p]:%Y-%m-%d}",
                 fontsize="medium")
    if not nodes:
        ax.text(0.5, 0.5, "no ties", ha="center", va="center", transform=ax.transAxes)
        return
    for row in frame.itertuples(index=False):  # one drawn line per tie of one period
        if row.source not in pos or row.target not in pos:
            continue
        (x0, y0), (x1, y1) = pos[row.source], pos[row.target]
        hostile = row.layer == "hostile"
        ax.plot([x0, x1], [y0, y1], color="crimson" if hostile else "royalblue",
                ls="-" if hostile else "--", lw=0.6 + 1.2 * np.log1p(row.count),
                alpha=0.7, zorder=1)
    load = pd.concat([frame.groupby("source")["count"].sum(),
                      frame.groupby("target")["count"].sum()]).groupby(level=0).sum()
    xy = np.array([pos[n] for n in nodes if n in pos])
    shown = [n for n in nodes if n in pos]
    colors = [KIND_COLORS.get((kinds or {}).get(n, "unidentified"), "#cccccc") for n in shown]
    sizes = 20 + 25 * np.sqrt(load.reindex(shown).fillna(0).to_numpy())
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=colors, edgecolors="k", linewidths=0.4, zorder=2)
    ranked = load.sort_values(ascending=False).index
    keep = set(ranked[:top] if top is not None else ranked)
    centre = xy.mean(axis=0)
    for n, (x, y) in zip(shown, xy, strict=True):
        if n in keep:  # labels point away from the centre, so they do not sit on the ties
            dx, dy = x - centre[0], y - centre[1]
            norm = float(np.hypot(dx, dy)) or 1.0
            ax.annotate((labels or {}).get(n, display_name(n)), (x, y), fontsize=6,
                        ha="left" if dx >= 0 else "right", va="bottom" if dy >= 0 else "top",
                        xytext=(6 * dx / norm, 6 * dy / norm), textcoords="offset points",
                        zorder=3)


_ACRONYMS = {"jnim": "JNIM", "cma": "CMA", "msa": "MSA", "vdp": "VDP", "gatia": "GATIA",
             "is_sahel": "IS Sahel", "iswap": "ISWAP", "hcua": "HCUA", "mnla": "MNLA"}


def display_name(actor: str) -> str:
    """A readable name for a canonical actor id (``military_mali`` -> ``Mali (army)``).

    Examples
    --------
    >>> display_name("military_burkina_faso"), display_name("jnim"), display_name("dozo")
    ('Burkina Faso (army)', 'JNIM', 'Dozo')
    """
    if actor in _ACRONYMS:
        return _ACRONYMS[actor]
    if actor.startswith("military_"):
        return actor[len("military_"):].replace("_", " ").title() + " (army)"
    return actor.replace("_", " ").capitalize()


def legend_handles(kinds_present: Sequence[str]) -> list[Line2D]:
    """Legend entries for node kinds and the two tie layers."""
    handles = [Line2D([], [], marker="o", ls="", color=KIND_COLORS[k], label=k.replace("_", " "))
               for k in KIND_COLORS if k in set(kinds_present)]
    handles.append(Line2D([], [], color="crimson", label="hostile tie"))
    handles.append(Line2D([], [], color="royalblue", ls="--", label="cooperative tie"))
    return handles
