"""Figure 1: the Sahel rivalry network by year, 2017-2023, from UCDP GED.

What it shows
-------------
One drawing per year of the network among armed actors (state forces, jihadist groups,
militias, armed movements, foreign forces; civilians are not nodes): hostile ties in red with
width growing with the number of events, cooperative ties (actors on the same side of an
event) dashed blue, node size growing with the actor's hostile events, colour by kind. Node
positions are the same in every year. The last panel plots, per year, the number of active
actors and hostile ties and the density of the hostile layer.

What it reproduces
------------------
The descriptive network figure of the paper, from the real UCDP GED events for Burkina Faso,
Mali, Niger, Benin and Togo (``../shared/data/ucdp_ged_sahel.csv``, GED release very likely
24.1). What it must show: the JNIM - Islamic State Sahel hostile tie is absent before 2019 and
present from 2019 on (UCDP records 1, 32, 15, 28 and 20 IS - JNIM non-state events in
2019-2023), and the state forces of Mali and Burkina Faso are the hubs of the hostile layer.

Outputs: ``fig01_network_by_year.png/.pdf``, ``fig01_network_by_year.csv`` (per year),
``fig01_network_by_year_actors.csv`` (per actor and year: hostile degree, events,
betweenness, community) and ``fig01_network_by_year_ties.csv`` (every tie and year).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

import sahelmodel
from sahelmodel.report import new_figure, save_figure, save_numbers
from sahelmodel.report.network import draw_network, layout, legend_handles, network_tables
from sahelmodel.runner.reproduce import check

FIGURE = "fig01_network_by_year"

DEFAULTS: dict[str, Any] = {"first_year": 2017, "last_year": 2023, "label_top": 8}
DATA: dict[str, str] = {"events": "shared:data/ucdp_ged_sahel.csv"}



def main(config: dict[str, Any], out_dir: Path, rng: Any, runner: Any = None) -> dict[str, Any]:
    """Make figure 1 (deterministic; ``rng`` is unused)."""
    out_dir = Path(out_dir)
    first, last = config["first_year"], config["last_year"]
    if last < first:
        raise ValueError(f"[fig01] last_year {last} is before first_year {first}")
    events = sahelmodel.read_ucdp_ged(config["events"])
    frame = events.frame
    years = frame["date"].dt.year
    events = events.subset((years >= first) & (years <= last))
    net = sahelmodel.TemporalNetwork.from_events(events, freq="Y", start=f"{first}-01-01",
                                                 end=f"{last}-12-31")
    tables = network_tables(net)
    per_year = tables["periods"].assign(year=net.periods.year)
    save_numbers(per_year, out_dir, FIGURE)
    save_numbers(tables["actors"].assign(year=tables["actors"]["period"].dt.year), out_dir,
                 f"{FIGURE}_actors")
    save_numbers(tables["ties"].assign(year=tables["ties"]["period"].dt.year), out_dir,
                 f"{FIGURE}_ties")

    frame = events.frame
    kinds = {}
    for side in ("1", "2"):
        pairs = frame[[f"actor{side}", f"actor{side}_kind"]].dropna()
        kinds.update(dict(zip(pairs.iloc[:, 0], pairs.iloc[:, 1], strict=True)))
    pos = layout(net)
    n = net.n_periods
    ncols = 4
    nrows = int(np.ceil((n + 1) / ncols))
    fig, axes = new_figure(nrows, ncols, width=4.0 * ncols, height=3.9 * nrows)
    flat = axes.ravel()
    for p in range(n):
        draw_network(flat[p], net, p, pos=pos, kinds=kinds, labels=None,
                     top=config["label_top"])
    ax = flat[n]
    ax.plot(per_year["year"], per_year["active_actors"], "o-", label="active actors")
    ax.plot(per_year["year"], per_year["hostile_ties"], "s-", label="hostile ties")
    ax.set_xlabel("year")
    ax2 = ax.twinx()
    ax2.plot(per_year["year"], per_year["hostile_density"], "^--", color="0.3",
             label="hostile density")
    ax2.set_ylabel("density")
    ax.legend(loc="upper left", fontsize="small", frameon=False)
    ax2.legend(loc="lower right", fontsize="small", frameon=False)
    for extra in flat[n + 1:]:
        extra.set_axis_off()
    fig.legend(handles=legend_handles(list(kinds.values())), loc="lower center", ncol=8,
               fontsize="small", frameon=False)
    fig.suptitle(f"Rivalry network among armed actors, UCDP GED, {first}-{last}")
    save_figure(fig, out_dir, FIGURE)

    ties = tables["ties"]
    ji = ties[(ties["layer"] == "hostile") & (ties["count"] > 0)
              & (((ties["source"] == "is_sahel") & (ties["target"] == "jnim"))
                 | ((ties["source"] == "jnim") & (ties["target"] == "is_sahel")))]
    ji_years = sorted({int(y) for y in ji["period"].dt.year})
    counts = {int(y): int(c) for y, c in ji.groupby(ji["period"].dt.year)["count"].sum().items()}
    shown = [int(y) for y in per_year["year"]]
    expected = {2019: 1, 2020: 32, 2021: 15, 2022: 28, 2023: 20}
    checks = [
        check("the JNIM - IS Sahel hostile tie is absent before 2019",
              not [y for y in ji_years if y < 2019], ji_years),
        check("the JNIM - IS Sahel hostile tie is present in every year from 2019 on",
              all(y in ji_years for y in shown if y >= 2019), ji_years),
    ]
    if set(expected) <= set(shown):
        checks.append(check("JNIM - IS Sahel events 2019-2023 are 1, 32, 15, 28, 20 as UCDP "
                            "records", all(counts.get(y) == n for y, n in expected.items()),
                            {y: counts.get(y, 0) for y in expected}))
    else:
        checks.append(check("JNIM - IS Sahel events 2019-2023 are 1, 32, 15, 28, 20 as UCDP "
                            "records", None, f"not evaluated: years shown {shown}"))
    return {"years": shown,
            "jnim_is_sahel_hostile_years": ji_years,
            "jnim_is_sahel_events": counts,
            "hostile_ties": [int(v) for v in per_year["hostile_ties"]],
            "checks": checks}


if __name__ == "__main__":
    from sahelmodel.runner.reproduce import reproduce

    reproduce(["fig01"], config=sys.argv[1] if len(sys.argv) > 1 else "tiny")
