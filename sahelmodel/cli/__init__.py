"""The ``sahelmodel`` command line.

Subcommands::

    sahelmodel reproduce [FIGURE ...] --config tiny|paper|PATH [--out DIR]
                         [--scheduler serial|processes|dask-local|dask://HOST:PORT] [--resume]
    sahelmodel simulate  --out FILE [--seed N] [--days N] ...   (a synthetic event file)
    sahelmodel fit       CONFIG.toml EVENTS.csv [--out DIR]      (a model from a TOML config)
    sahelmodel network   EVENTS.csv [--out DIR] [--freq year]    (rivalry network tables + figure)
    sahelmodel fetch ucdp [--cache DIR] [--force]               (download UCDP GED)

Mistakes a user can make (a missing file, a bad configuration key, an unknown figure, an
unreachable scheduler) end the program with a one-line message on standard error and exit
status 2, never a traceback. Long work shows tqdm progress bars on standard error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["UserError", "main"]


class UserError(Exception):
    """A mistake on the command line or in an input file; printed as one line."""


def _reproduce(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from sahelmodel.runner import Runner
    from sahelmodel.runner.reproduce import reproduce

    if args.config is None:
        raise UserError("reproduce: choose --config tiny (a smoke run, minutes), --config paper "
                        "(the full study, hours on two cores) or --config PATH.toml")
    runner = Runner(scheduler=args.scheduler, n_workers=args.workers, resume=args.resume,
                    out_dir=Path(args.out), progress=not args.quiet)

    def show(outcome) -> None:
        line = f"{outcome.figure:<28} {outcome.status:<12} {outcome.seconds:7.1f} s"
        if outcome.message:
            line += f"  {outcome.message}"
        elif outcome.outputs:
            line += f"  {', '.join(o for o in outcome.outputs if o.endswith('.png'))}"
        print(line, flush=True)

    outcomes = reproduce(args.figures, config=args.config, out_dir=args.out, runner=runner,
                         report=show)
    ok = sum(o.status in ("ok", "check failed") for o in outcomes)
    skipped = sum(o.status == "skipped" for o in outcomes)
    failed = [o for o in outcomes if o.status == "failed"]
    checks = sum(len(o.checks) for o in outcomes)
    bad = sum(len(o.failed_checks) for o in outcomes)
    unchecked = sum(c.get("passed") is None for o in outcomes for c in o.checks)
    note = f" ({unchecked} not checked in this configuration)" if unchecked else ""
    print(f"{ok} figure(s) made, {skipped} skipped, {len(failed)} failed; "
          f"{checks - bad - unchecked} of {checks} check(s) passed{note}; "
          f"provenance in {Path(args.out) / 'provenance.json'}")
    failed += [o for o in outcomes if o.status == "check failed"]
    return 1 if failed else 0


def _fetch(args: argparse.Namespace) -> int:
    from sahelmodel.cli.fetch import fetch_ucdp

    path = fetch_ucdp(version=args.release, cache=args.cache, force=args.force,
                      sha256=args.sha256, progress=not args.quiet)
    print(path)
    return 0


def _subcommands() -> dict[str, tuple[str, str]]:
    return {
        "reproduce": ("regenerate the paper's figures",
                      "Regenerate the paper's figures with their numbers and provenance."),
        "fetch": ("download a public data set (UCDP GED)",
                  "Download UCDP GED, verify its SHA-256 checksum and keep it in a cache."),
    }


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``sahelmodel`` command."""
    from sahelmodel import __version__

    parser = argparse.ArgumentParser(
        prog="sahelmodel",
        description="Research on rivalry between armed groups in the Sahel: reproduce the "
        "paper's figures, simulate event data, fit models, describe rivalry networks.",
    )
    parser.add_argument("--version", action="version", version=f"sahelmodel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    helps = _subcommands()

    p = sub.add_parser("reproduce", help=helps["reproduce"][0],
                       description=helps["reproduce"][1] + " Figures needing a data file that is "
                       "absent are skipped with the reason; the others run. A killed run "
                       "continues with --resume and ends with the same numbers.")
    p.add_argument("figures", nargs="*", metavar="FIGURE",
                   help="figures to make: 5, fig05 or fig05_hawkes_recovery (default: all)")
    p.add_argument("--config", default=None, metavar="tiny|paper|PATH",
                   help="required: tiny (seconds per figure), paper (the full study, hours) or "
                   "a TOML file")
    p.add_argument("--out", default="results", metavar="DIR",
                   help="output folder (default: results)")
    p.add_argument("--scheduler", default="processes",
                   metavar="serial|processes|dask-local|dask://HOST:PORT",
                   help="where Monte Carlo replications run (default: processes; the same "
                   "numbers under every scheduler)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (default: [run] n_workers of the config, else all "
                   "CPUs)")
    p.add_argument("--resume", action="store_true",
                   help="keep replications already finished in --out and run only the rest")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(handler=_reproduce)

    p = sub.add_parser("fetch", help=helps["fetch"][0], description=helps["fetch"][1] +
                       " Needs an internet connection; the file is kept in the cache folder and "
                       "verified again on every later call.")
    p.add_argument("dataset", choices=["ucdp"], help="ucdp: UCDP GED, global event CSV")
    p.add_argument("--cache", default=None, metavar="DIR",
                   help="cache folder (default: $SAHELMODEL_CACHE or ~/.cache/sahelmodel)")
    p.add_argument("--release", default="25.1", choices=["25.1", "24.1"],
                   help="GED release (default 25.1)")
    p.add_argument("--sha256", default=None, metavar="HEX",
                   help="expected SHA-256 of the archive (otherwise the one measured at the "
                   "first download is kept and checked on later calls)")
    p.add_argument("--force", action="store_true", help="download again even if cached")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=_fetch)

    _add_model_commands(sub)
    return parser


def _add_model_commands(sub: argparse._SubParsersAction) -> None:
    """Register the commands that use the coding and model layers (code, simulate, fit, ...)."""
    from sahelmodel.cli import coding, models

    coding.register(sub)
    models.register(sub)


def _user_errors() -> tuple[type[BaseException], ...]:
    from sahelmodel.cli.fetch import FetchError
    from sahelmodel.events import EventDataError
    from sahelmodel.runner import RunnerError
    from sahelmodel.runner.config import ConfigError

    return (UserError, FetchError, ConfigError, RunnerError, EventDataError, FileNotFoundError,
            IsADirectoryError, NotADirectoryError, FileExistsError, PermissionError,
            OSError)  # a read-only folder or a full disk: one line, not a traceback


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sahelmodel`` command; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when some figure failed, 2 for a user mistake.

    Examples
    --------
    >>> main(["reproduce", "fig99", "--config", "tiny", "--out", "/tmp/x"])  # doctest: +SKIP
    sahelmodel: error: unknown figure 'fig99'; known figures: ...
    2
    """
    parser = build_parser()
    args = parser.parse_args(None if argv is None else list(argv))
    try:
        return int(args.handler(args))
    except _user_errors() as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if isinstance(exc, OSError) and exc.filename and str(exc.filename) not in message:
            message = f"{exc.filename}: {message}"
        print(f"sahelmodel: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sahelmodel: interrupted (finished replications are kept; rerun with --resume)",
              file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
