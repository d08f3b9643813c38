"""The model commands of the command line: ``simulate``, ``fit`` and ``network``.

``sahelmodel simulate world``  runs the calibrated generative world (:mod:`sahelmodel.simulate`)
and writes an event CSV (readable by ``read_events``) and the truth as JSON.
``sahelmodel simulate hawkes`` simulates a univariate Hawkes process and writes its times.
``sahelmodel fit MODEL.toml EVENTS.csv`` fits a count regression on a dyad or actor panel, or a
Hawkes process on the event times, as the TOML file says (see :data:`FIT_KEYS`).
``sahelmodel network EVENTS.csv`` writes the rivalry network's ties and statistics per period
and a figure of its last period.

Event files are read by format: ``ucdp`` (UCDP GED CSV), ``acled`` (ACLED export), ``csv``
(the canonical columns written by ``EventTable.to_csv``), or ``auto`` (from the header).
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import tomllib
from pathlib import Path
from typing import Any

from sahelmodel._validation import check_level

__all__ = ["FIT_KEYS", "read_event_file", "register"]

#: Keys of a ``fit`` model file, with their defaults.
FIT_KEYS: dict[str, Any] = {
    "model": "fepois",  # fepois | fenegbin | hawkes
    "panel": "dyad",  # dyad | actor (regressions)
    "freq": "M",  # period of the panel: D, W, M, Y
    "formula": "",  # e.g. "hostile ~ capture_ij_lag1 + capture_ji_lag1 | dyad + period"
    "lags": [1],  # lags of the panel columns made available to the formula
    "exposure": "",  # panel column used as exposure (e.g. "events" for lethality), "" = none
    "cov": "cluster",  # iid | robust | cluster
    "cluster": [""],  # cluster variables when cov = "cluster" ("" = the panel's unit)
    "level": 0.95,
    "by": "",  # Hawkes: column defining the dimensions ("" = one dimension)
    "kernel": "exp",  # Hawkes kernel
    "baseline": "constant",  # Hawkes baseline: constant | piecewise
    "timing": "daily",  # Hawkes likelihood: daily (day-stamped data, ties) | continuous
    "code_captures": True,  # code arms captures from the event notes before fitting
    "actors": [""],  # keep only events among these actors ("" = all)
}


def _user_error(message: str) -> Exception:
    from sahelmodel.cli import UserError

    return UserError(message)


#: Columns of the event-times file written by ``simulate hawkes`` (read by ``fit``).
TIMES_COLUMNS = ("time", "dim", "dim_name", "start", "end")


def _header(path: Path) -> set[str]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return set(next(csv.reader(handle), []))


def read_times_file(path: str | Path) -> Any:
    """Read the event-times CSV written by ``sahelmodel simulate hawkes``."""
    import pandas as pd

    from sahelmodel.event_times import EventTimes

    frame = pd.read_csv(path)
    names = list(dict.fromkeys(frame["dim_name"].astype(str)))
    codes = frame["dim_name"].astype(str).map({n: k for k, n in enumerate(names)})
    start = float(frame["start"].iloc[0]) if len(frame) else 0.0
    end = float(frame["end"].iloc[0]) if len(frame) else None
    return EventTimes(frame["time"].to_numpy(float), codes.to_numpy(), start=start, end=end,
                      dim_names=names or None)


def read_event_file(path: str | Path, fmt: str = "auto", errors: str = "raise") -> Any:
    """Read an event file into an :class:`~sahelmodel.EventTable` by format.

    With ``errors="report"`` bad rows are left out and listed in the read report, which is
    printed (standard output) with the rows read, kept and rejected.
    """
    import sahelmodel

    path = Path(path)
    if not path.is_file():
        raise _user_error(f"event file {path} not found")
    if fmt == "auto":
        header = _header(path)
        if {"time", "end"} <= header and "date" not in header:
            raise _user_error(f"{path} is an event-times file (from 'simulate hawkes'); only a "
                              "hawkes model can be fitted to it")
        if {"side_a", "side_b", "type_of_violence"} <= header:
            fmt = "ucdp"
        elif {"event_id_cnty", "actor1"} <= header:
            fmt = "acled"
        else:
            fmt = "csv"
    reader = {"ucdp": "read_ucdp_ged", "acled": "read_acled", "csv": "read_events"}[fmt]
    events = getattr(sahelmodel, reader)(path, errors=errors)
    report = getattr(events, "report", None)
    if report is not None:
        print(str(report).strip(), flush=True)
    return events


def _simulate(args: argparse.Namespace) -> int:
    import sahelmodel

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.kind == "hawkes":
        if not 0 <= args.branching_ratio < 1:
            raise _user_error(f"simulate: --branching-ratio must be in [0, 1) for a stationary "
                              f"process, got {args.branching_ratio}")
        for flag, value in (("--baseline", args.baseline), ("--decay", args.decay),
                            ("--days", args.days)):
            if not value > 0 or value == float("inf"):
                raise _user_error(f"simulate: {flag} must be a positive number, got {value}")
        times = sahelmodel.simulate_hawkes(args.baseline, args.branching_ratio, args.decay,
                                           float(args.days), rng=args.seed)
        frame = times.to_frame()[["time", "dim", "dim_name"]]
        frame["start"], frame["end"] = 0.0, float(args.days)
        frame.to_csv(out, index=False)
        print(f"{times.n_events} events over {args.days} days -> {out}")
        return 0
    from sahelmodel.simulate import World

    world = World.default()
    events, truth = world.run(args.start, args.end, rng=args.seed)
    events.to_csv(out)
    truth_path = out.with_name(out.stem + "_truth.json")
    payload = truth.to_dict() if hasattr(truth, "to_dict") else truth
    truth_path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(f"{len(events)} events {args.start} to {args.end} -> {out}; truth -> {truth_path}")
    return 0


def _load_fit_config(path: Path) -> dict[str, Any]:
    from sahelmodel.runner.config import section

    if not path.is_file():
        raise _user_error(f"model file {path} not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise _user_error(f"{path}: not valid TOML ({exc})") from None
    cfg = section({"model": raw}, "model", FIT_KEYS, source=str(path))
    for key, choices in (("model", ("fepois", "fenegbin", "hawkes")), ("panel", ("dyad", "actor")),
                         ("freq", ("D", "W", "M", "Y")), ("cov", ("iid", "robust", "cluster")),
                         ("timing", ("daily", "continuous"))):
        if cfg[key] not in choices:
            raise _user_error(f"{path}: {key} must be one of {', '.join(choices)}, "
                              f"got {cfg[key]!r}")
    if cfg["model"] != "hawkes" and not cfg["formula"]:
        raise _user_error(f"{path}: a {cfg['model']} model needs a formula")
    try:
        check_level(cfg["level"])
    except (TypeError, ValueError) as exc:
        raise _user_error(f"{path}: {exc}") from None
    return cfg


def _fit_or_explain(source: str, fit: Any, *args: Any, **kwargs: Any) -> Any:
    """Call ``fit``; a model that cannot be fitted as specified becomes a one-line error."""
    from formulaic.errors import FormulaicError

    try:
        return fit(*args, **kwargs)
    except (ValueError, KeyError, FormulaicError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _user_error(f"{source}: the model cannot be fitted: {first}") from None


def _fit(args: argparse.Namespace) -> int:
    import sahelmodel

    cfg = _load_fit_config(Path(args.model))
    out = Path(args.out)
    if Path(args.events).is_file() and args.format == "auto" and \
            set(TIMES_COLUMNS) <= _header(Path(args.events)):
        if cfg["model"] != "hawkes":
            raise _user_error(f"{args.events} is an event-times file (from 'simulate hawkes'); "
                              f"{args.model} asks for {cfg['model']}, which needs an event file")
        times = read_times_file(args.events)
        model = sahelmodel.Hawkes(kernel=cfg["kernel"], baseline=cfg["baseline"],
                                  timing=cfg["timing"])
        return _write_fit(_fit_or_explain(args.model, model.fit, times), cfg, out)
    events = read_event_file(args.events, args.format, args.errors)
    if cfg["code_captures"]:
        events = sahelmodel.code_captures(events)
    actors = [a for a in cfg["actors"] if a]
    if actors:
        frame = events.frame
        events = events.subset(frame["actor1"].isin(actors) & frame["actor2"].isin(actors))
    if cfg["model"] == "hawkes":
        kw = {"by": cfg["by"]} if cfg["by"] else {}
        times = events.to_event_times(**kw)
        model = sahelmodel.Hawkes(kernel=cfg["kernel"], baseline=cfg["baseline"],
                                  timing=cfg["timing"])
        result = _fit_or_explain(args.model, model.fit, times)
    else:
        build = sahelmodel.dyad_panel if cfg["panel"] == "dyad" else sahelmodel.actor_panel
        panel = build(events, freq=cfg["freq"], lags=tuple(cfg["lags"]))
        fit = sahelmodel.fepois if cfg["model"] == "fepois" else sahelmodel.fenegbin
        kwargs: dict[str, Any] = {"cov": cfg["cov"]}
        if cfg["exposure"]:
            if cfg["exposure"] not in panel.columns:
                raise _user_error(f"{args.model}: exposure column {cfg['exposure']!r} is not a "
                                  f"panel column ({', '.join(panel.columns)})")
            panel = panel[panel[cfg["exposure"]] > 0]
            kwargs["exposure"] = cfg["exposure"]
        if cfg["cov"] == "cluster":
            cluster = [c for c in cfg["cluster"] if c] or [cfg["panel"]]
            missing = [c for c in cluster if c not in panel.columns]
            if missing:
                raise _user_error(f"{args.model}: cluster column(s) {missing} are not panel "
                                  f"columns ({', '.join(panel.columns)})")
            kwargs["cluster"] = cluster
        result = _fit_or_explain(args.model, fit, cfg["formula"], panel, **kwargs)
    return _write_fit(result, cfg, out)


def _write_fit(result: Any, cfg: dict[str, Any], out: Path) -> int:
    """Write ``summary.txt`` and ``estimates.csv`` (with IRR columns for count models)."""
    out.mkdir(parents=True, exist_ok=True)
    summary = str(result.summary(level=cfg["level"]))
    (out / "summary.txt").write_text(summary + "\n")
    table = result.to_frame(level=cfg["level"])
    if hasattr(result, "irr"):
        table = table.join(result.irr(level=cfg["level"]).rename(
            columns={"lower": "irr_lower", "upper": "irr_upper"}))
    table.to_csv(out / "estimates.csv")
    print(summary)
    print(f"estimates -> {out / 'estimates.csv'}")
    return 0


def _network(args: argparse.Namespace) -> int:
    from sahelmodel.network import TemporalNetwork
    from sahelmodel.report import new_figure, save_figure
    from sahelmodel.report.network import (
        draw_network,
        layout,
        legend_handles,
        network_tables,
    )

    events = read_event_file(args.events, args.format, args.errors)
    if len(events) == 0:
        raise _user_error(f"{args.events} holds no events")
    net = TemporalNetwork.from_events(events, freq=args.freq, half_life=args.half_life)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in network_tables(net).items():
        path = out / f"network_{name}.csv"
        table.to_csv(path, index=False)
        written.append(path)
    frame = events.frame
    kinds = dict(zip(frame["actor1"], frame["actor1_kind"], strict=True))
    kinds.update(dict(zip(frame["actor2"], frame["actor2_kind"], strict=True)))
    kinds = {k: v for k, v in kinds.items() if isinstance(k, str) and isinstance(v, str)}
    last = net.n_periods - 1
    fig, axes = new_figure(1, 1, width=7.5, height=7.0)
    draw_network(axes[0, 0], net, last, pos=layout(net, periods=[last]), kinds=kinds,
                 top=args.top)
    axes[0, 0].legend(handles=legend_handles(list(kinds.values())), fontsize="x-small",
                      loc="lower left", frameon=False)
    written.extend(save_figure(fig, out, "network_last_period"))
    for path in written:
        print(path)
    return 0


def _user_values(handler: Any) -> Any:
    """Run a command whose numbers, dates and settings come straight from the user.

    The library checks them and raises ``ValueError`` naming what is wrong; here that message
    becomes a one-line error (exit status 2) instead of a traceback.
    """

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except ValueError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise _user_error(f"{args.command}: {first}") from None

    return run


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``simulate``, ``fit`` and ``network`` to the command's subparsers."""
    fmt_help = ("event file format: auto (from the header; also the event-times file of "
                "'simulate hawkes'), ucdp, acled or csv (canonical)")
    errors_help = ("raise: stop at the first bad row (default); report: leave bad rows out "
                   "and list them in the read report (printed)")

    p = sub.add_parser("simulate", help="simulate synthetic event data",
                       description="Simulate event data with known truth: 'world' runs the "
                       "calibrated world of rival armed groups (events CSV + truth JSON); "
                       "'hawkes' a univariate Hawkes process (times CSV).")
    p.add_argument("kind", choices=["world", "hawkes"], help="what to simulate")
    p.add_argument("--out", required=True, metavar="FILE", help="CSV file to write")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--start", default="2014-01-01", help="world: first day (default 2014-01-01)")
    p.add_argument("--end", default="2023-12-31", help="world: last day (default 2023-12-31)")
    p.add_argument("--baseline", type=float, default=0.5, help="hawkes: events per day")
    p.add_argument("--branching-ratio", type=float, default=0.5, help="hawkes: branching ratio")
    p.add_argument("--decay", type=float, default=1.0, help="hawkes: kernel decay per day")
    p.add_argument("--days", type=float, default=1000.0, help="hawkes: length in days")
    p.set_defaults(handler=_user_values(_simulate), command='simulate')

    p = sub.add_parser("fit", help="fit a model from a TOML file to an event file",
                       description="Fit a count regression (fepois, fenegbin) on a dyad or actor "
                       "panel built from the events, or a Hawkes process on their times, as the "
                       "TOML model file says. Keys: " + ", ".join(
                           f"{k} (default {v!r})" for k, v in FIT_KEYS.items()) + ".")
    p.add_argument("model", metavar="MODEL.toml", help="model file")
    p.add_argument("events", metavar="EVENTS.csv", help="event file")
    p.add_argument("--format", default="auto", choices=["auto", "ucdp", "acled", "csv"],
                   help=fmt_help)
    p.add_argument("--errors", default="raise", choices=["raise", "report"],
                   help=errors_help)
    p.add_argument("--out", default="fit", metavar="DIR",
                   help="folder for summary.txt (the printed summary) and estimates.csv "
                   "(estimate, std_error, z, p_value, lower, upper and, for count models, irr, "
                   "irr_lower, irr_upper) (default: fit)")
    p.set_defaults(handler=_user_values(_fit), command='fit')

    p = sub.add_parser("network", help="rivalry network tables and a figure for an event file",
                       description="Build the time-varying rivalry network of an event file and "
                       "write its ties, per-actor statistics per period, and a drawing of the "
                       "network of the last period.")
    p.add_argument("events", metavar="EVENTS.csv", help="event file")
    p.add_argument("--format", default="auto", choices=["auto", "ucdp", "acled", "csv"],
                   help=fmt_help)
    p.add_argument("--freq", default="Y", choices=["D", "W", "M", "Y"],
                   help="period (default Y)")
    p.add_argument("--half-life", type=float, default=None, metavar="PERIODS",
                   help="memory of ties in periods (default: none)")
    p.add_argument("--top", type=int, default=25, help="actors drawn (default 25)")
    p.add_argument("--errors", default="raise", choices=["raise", "report"],
                   help=errors_help)
    p.add_argument("--out", default="network", metavar="DIR",
                   help="output folder (default: network)")
    p.set_defaults(handler=_user_values(_network), command='network')
