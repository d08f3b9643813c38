"""Regenerate the paper's figures: find the figure scripts, configure, seed, run, record.

Each figure is a script ``experiments/figNN_<name>.py`` that defines

* ``DEFAULTS``: the configuration keys it understands, with their (paper) defaults;
* ``DATA``: configuration keys naming input files, with default locations (``shared:...`` for
  the shared real data, ``data:...`` for the project's own data, ``""`` for an optional file);
* ``main(config, out_dir, rng, runner=None)``: makes ``out_dir/figNN_<name>.png`` and ``.pdf``
  and the numbers plotted, and returns a small dict of headline numbers. Under the key
  ``"checks"`` it returns the claims of ``experiments/README.md`` about the figure as checks it
  ran: a list of ``{"claim": str, "passed": bool or None, "value": ...}`` (``None``: not
  evaluated in this configuration, with the reason in ``value``).

:func:`reproduce` runs the chosen figures in order. Figure ``NN`` is seeded with
``SeedSequence(seed, spawn_key=(NN,))`` from the ``[run] seed`` of the configuration, so its
numbers do not depend on which other figures run. A figure whose input file is absent (or
whose ``main`` raises :class:`SkipFigure`) is skipped with the reason; a figure that fails is
reported and the others still run. A figure whose checks do not all pass gets the status
``check failed`` (its outputs are kept), which counts as a failure. Every figure gets a
provenance record
``figNN_<name>_provenance.json``, and the run as a whole ``provenance.json``, which lists each
figure's status, outputs, seeds, data checksums and wall time. Monte Carlo figures hand their
replications to the :class:`~sahelmodel.runner.Runner`, which stores them under
``out_dir/_tasks/`` so that ``resume=True`` continues a killed run.
"""

from __future__ import annotations

import datetime as _dt
import importlib.util
import json
import re
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from sahelmodel._paths import experiments_dir
from sahelmodel.report.provenance import provenance_record, write_provenance
from sahelmodel.runner._core import Runner
from sahelmodel.runner._store import FolderLock, OutputFolderError
from sahelmodel.runner.config import (
    RUN_DEFAULTS,
    ConfigError,
    check_sections,
    load_config,
    resolve_data_path,
    section,
)

__all__ = ["FigureOutcome", "FigureScript", "SkipFigure", "check", "discover_figures",
           "reproduce"]

_NAME = re.compile(r"^fig(\d\d)_[a-z0-9_]+$")


class SkipFigure(Exception):
    """Raised by a figure's ``main`` when an input it needs is absent; the figure is skipped."""


@dataclass(frozen=True)
class FigureScript:
    """A figure script found in the experiments folder."""

    number: int
    stem: str
    path: Path

    @property
    def section(self) -> str:
        """The configuration section of the figure, ``figNN``."""
        return f"fig{self.number:02d}"

    def load(self) -> ModuleType:
        """Import the script (once per process) under a private module name."""
        name = f"_sahelmodel_experiment_{self.stem}"
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.spec_from_file_location(name, self.path)
        if spec is None or spec.loader is None:
            raise ConfigError(f"cannot load figure script {self.path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        for attr in ("DEFAULTS", "DATA", "main"):
            if not hasattr(module, attr):
                raise ConfigError(f"figure script {self.path} does not define {attr}")
        return module


@dataclass
class FigureOutcome:
    """What happened to one figure: ``status`` is ``ok``, ``skipped`` or ``failed``."""

    figure: str
    status: str
    message: str = ""
    seconds: float = 0.0
    outputs: list[str] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        """The checks that ran and did not pass."""
        return [c for c in self.checks if c.get("passed") is False]


def discover_figures(folder: str | Path | None = None) -> dict[str, FigureScript]:
    """The figure scripts ``figNN_<name>.py`` of the experiments folder, by section name.

    Examples
    --------
    >>> figs = discover_figures()
    >>> all(key.startswith("fig") for key in figs)
    True
    """
    root = Path(folder) if folder is not None else experiments_dir()
    found: dict[str, FigureScript] = {}
    for path in sorted(root.glob("fig*.py")):
        match = _NAME.match(path.stem)
        if match:
            script = FigureScript(int(match.group(1)), path.stem, path)
            found[script.section] = script
    return found


def select_figures(names: Sequence[str], figures: Mapping[str, FigureScript]) -> list[FigureScript]:
    """Resolve names given on the command line (``5``, ``fig05``, ``fig05_hawkes_recovery``)."""
    if not names:
        return list(figures.values())
    chosen = []
    for name in names:
        key = name.lower()
        if key.isdigit():
            key = f"fig{int(key):02d}"
        key = key[:5]
        if key not in figures:
            known = ", ".join(s.stem for s in figures.values())
            raise ConfigError(f"unknown figure {name!r}; known figures: {known}")
        if figures[key] not in chosen:
            chosen.append(figures[key])
    return chosen


def _resolve_data(script: FigureScript, module: ModuleType, cfg: dict[str, Any],
                  source: str) -> tuple[dict[str, Any], dict[str, Path], str | None]:
    paths: dict[str, Path] = {}
    resolved = dict(cfg)
    for key in module.DATA:
        value = cfg[key]
        if value == "":
            resolved[key] = ""
            continue
        path = resolve_data_path(value)
        if path is None:
            return resolved, paths, (
                f"needs {key} = {value!r} but the shared data folder is absent "
                "(set SAHELMODEL_SHARED to the folder holding data/ and reference/)"
            )
        if not path.is_file():
            return resolved, paths, (
                f"needs {key}: file {path} not found (set [{script.section}] {key} in the config)"
            )
        paths[key] = path
        resolved[key] = str(path.resolve())
    return resolved, paths, None


def check_counts(cfg: Mapping[str, Any], defaults: Mapping[str, Any], name: str,
                 source: str) -> None:
    """Counts (integer keys named ``n_*``) must be at least 1: a one-line :class:`ConfigError`."""
    for key, default in defaults.items():
        if key.startswith("n_") and isinstance(default, int) and not isinstance(default, bool):
            if cfg[key] < 1:
                raise ConfigError(f"{source}: [{name}] {key} must be at least 1, got {cfg[key]}")


def check_named_data(cfg_all: Mapping[str, Any], script: FigureScript, module: ModuleType,
                     cfg: Mapping[str, Any], source: str) -> None:
    """A data file the configuration names explicitly must exist (a default may be absent).

    A figure whose *default* input (e.g. the shared real data) is absent is skipped with the
    reason; a path the user wrote into the configuration that does not exist is a mistake,
    reported before anything runs.
    """
    given = cfg_all.get(script.section, {})
    for key in module.DATA:
        value = cfg[key]
        if key not in given or value == "":
            continue
        path = resolve_data_path(value)
        if path is None:
            raise ConfigError(f"{source}: [{script.section}] {key} = {value!r} needs the shared "
                              "data folder, which is absent (set SAHELMODEL_SHARED)")
        if not path.is_file():
            raise ConfigError(f"{source}: [{script.section}] {key}: file {path} not found")


def _checks(raw: Any, stem: str) -> list[dict[str, Any]]:
    """Validate a figure's checks: a list of dicts with ``claim`` and ``passed``."""
    out = []
    for item in raw or []:
        if not isinstance(item, dict) or "claim" not in item or "passed" not in item:
            raise TypeError(f"{stem}: each check must be a dict with 'claim' and 'passed'")
        passed = item["passed"]
        out.append({"claim": str(item["claim"]),
                    "passed": None if passed is None else bool(passed),
                    "value": _plain(item.get("value"))})
    return out


def _plain(value: Any) -> Any:
    """JSON-ready copy of a check's value (numpy scalars and arrays to Python)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def check(claim: str, passed: bool | None, value: Any = None) -> dict[str, Any]:
    """One check of a figure's claim, for the ``"checks"`` list ``main`` returns.

    Examples
    --------
    >>> check("the tie is absent before 2019", True, [2019, 2020])
    {'claim': 'the tie is absent before 2019', 'passed': True, 'value': [2019, 2020]}
    """
    return {"claim": claim, "passed": None if passed is None else bool(passed),
            "value": _plain(value)}


def _outputs(out_dir: Path, stem: str) -> list[str]:
    return sorted(p.name for p in out_dir.glob(f"{stem}*") if p.is_file()
                  and not p.name.endswith("_provenance.json"))


def reproduce(
    figures: Sequence[str] = (),
    *,
    config: str | Path = "paper",
    out_dir: str | Path = "results",
    runner: Runner | None = None,
    report: Callable[[FigureOutcome], None] | None = None,
    experiments: str | Path | None = None,
) -> list[FigureOutcome]:
    """Regenerate figures into ``out_dir``.

    Parameters
    ----------
    figures : sequence of str
        Figures to make (``"5"``, ``"fig05"`` or the full stem); all when empty.
    config : str or path
        ``"tiny"``, ``"paper"`` or a TOML file (see :mod:`sahelmodel.runner.config`).
    out_dir : path
        Output folder (created).
    runner : Runner, optional
        Scheduler, workers, resume and progress settings for the Monte Carlo figures; its
        ``out_dir`` is replaced by ``out_dir/_tasks/<figure>``. Default: local processes.
    report : callable, optional
        Called with each :class:`FigureOutcome` as soon as the figure is done.
    experiments : path, optional
        Folder of the figure scripts (default: the shipped ``experiments/``).

    Returns
    -------
    list of FigureOutcome
    """
    started = _dt.datetime.now(_dt.UTC)
    cfg_all, source = load_config(config)
    scripts = discover_figures(experiments)
    check_sections(cfg_all, set(scripts), source=source)
    run_cfg = section(cfg_all, "run", RUN_DEFAULTS, source=source)
    if run_cfg["seed"] < 0 or run_cfg["n_workers"] < 0:
        raise ConfigError(f"{source}: [run] seed and n_workers must be >= 0")
    chosen = select_figures(figures, scripts)
    base = runner or Runner()
    if base.n_workers is None and run_cfg["n_workers"] > 0:
        base = replace(base, n_workers=run_cfg["n_workers"])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lock = FolderLock(out).acquire()  # one run per folder; clears a killed run's temp files

    # check every selected figure's configuration before running anything
    prepared = []
    for script in chosen:
        module = script.load()
        keys = {**module.DATA, **module.DEFAULTS}
        cfg = section(cfg_all, script.section, keys, source=source)
        check_counts(cfg, module.DEFAULTS, script.section, source)
        check_named_data(cfg_all, script, module, cfg, source)
        prepared.append((script, module, cfg))

    outcomes: list[FigureOutcome] = []
    for script, module, cfg in prepared:
        resolved, paths, missing = _resolve_data(script, module, cfg, source)
        seed = np.random.SeedSequence(run_cfg["seed"], spawn_key=(script.number,))
        seeds = {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)}
        t0 = time.perf_counter()
        if missing is not None:
            outcome = FigureOutcome(script.stem, "skipped", missing)
        else:
            fig_runner = replace(base, out_dir=out / "_tasks" / script.stem)
            try:
                numbers = dict(module.main(resolved, out, seed, runner=fig_runner) or {})
                checks = _checks(numbers.pop("checks", []), script.stem)
                outcome = FigureOutcome(script.stem, "ok", numbers=numbers, checks=checks)
                if outcome.failed_checks:
                    outcome.status = "check failed"
                    outcome.message = "; ".join(
                        f"check failed: {c['claim']} (got {c.get('value')})"
                        for c in outcome.failed_checks)
            except (KeyboardInterrupt, SystemExit, OutputFolderError):
                raise
            except SkipFigure as exc:
                outcome = FigureOutcome(script.stem, "skipped", str(exc))
            except Exception as exc:
                frames = traceback.extract_tb(exc.__traceback__)
                where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
                outcome = FigureOutcome(script.stem, "failed",
                                        f"{type(exc).__name__}: {exc}{where}")
        outcome.seconds = time.perf_counter() - t0
        outcome.outputs = (_outputs(out, script.stem)
                           if outcome.status in ("ok", "check failed") else [])
        record = provenance_record(
            config={"source": source, "run": run_cfg, script.section: cfg},
            seeds=seeds, data_files=paths, wall_time=outcome.seconds,
            extra={"figure": script.stem, "status": outcome.status,
                   "message": outcome.message, "outputs": outcome.outputs,
                   "numbers": outcome.numbers, "checks": outcome.checks,
                   "scheduler": base.scheduler, "resumed": base.resume},
        )
        if outcome.status in ("ok", "check failed"):
            write_provenance(out / f"{script.stem}_provenance.json", record)
        outcomes.append(outcome)
        _write_run_provenance(out, source, run_cfg, started, outcome, record)
        if report is not None:
            report(outcome)
    lock.release()
    return outcomes


def _write_run_provenance(out: Path, source: str, run_cfg: dict[str, Any],
                          started: _dt.datetime, outcome: FigureOutcome,
                          record: dict[str, Any]) -> None:
    path = out / "provenance.json"
    figures: dict[str, Any] = {}
    if path.is_file():
        try:
            figures = dict(json.loads(path.read_text(encoding="utf-8")).get("figures", {}))
        except (json.JSONDecodeError, AttributeError):
            figures = {}
    figures[outcome.figure] = {
        "status": outcome.status, "message": outcome.message, "seconds": outcome.seconds,
        "outputs": outcome.outputs, "seeds": record["seeds"],
        "data_files": record["data_files"], "config": record["config"],
        "numbers": outcome.numbers, "checks": outcome.checks,
    }
    figures = dict(sorted(figures.items()))
    data_files = {f"{fig}:{label}": info for fig, entry in figures.items()
                  for label, info in entry.get("data_files", {}).items()}
    wall = (_dt.datetime.now(_dt.UTC) - started).total_seconds()
    top = provenance_record(config={"source": source, "run": run_cfg}, started=started,
                            wall_time=wall, extra={"figures": figures})
    top["data_files"] = data_files
    write_provenance(path, top)
