"""The ``code`` command: code arms captures in an event file, for review and correction.

``sahelmodel code EVENTS.csv --review review.csv`` reads an event file (ACLED export, UCDP GED
or canonical CSV), codes the arms captures of every event from its text and writes the review
table (:func:`sahelmodel.coding.review_table`): decision, capturer, captured_from, materiel,
confidence and evidence per event. ``--corrections FILE`` applies a corrections file over the
automatic coding and ``--overrides FILE`` writes what it changed; ``--out FILE`` writes the
coded events as canonical CSV, which ``fit`` and ``network`` read.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

__all__ = ["register"]


def _code(args: argparse.Namespace) -> int:
    from sahelmodel.cli.models import read_event_file
    from sahelmodel.coding import apply_corrections, code_captures, review_table

    events = read_event_file(args.events, args.format)
    print(events.report)
    coded = code_captures(events)
    overrides = None
    if args.corrections:
        if not Path(args.corrections).is_file():
            raise FileNotFoundError(2, "no such corrections file", args.corrections)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            coded, overrides = apply_corrections(coded, args.corrections)
        for w in caught:
            print(f"sahelmodel: warning: {w.message}", file=sys.stderr)
        print(f"{len(overrides)} fields of {overrides['event_id'].nunique()} events corrected "
              f"from {args.corrections}")
    if args.review:
        review = review_table(coded if overrides is None else events, all_events=args.all)
        if overrides is not None and len(overrides):
            fixed = set(overrides["event_id"])
            review["corrected"] = review["event_id"].isin(fixed)
        review.to_csv(args.review, index=False)
        print(f"review table of {len(review)} events written to {args.review}")
    if overrides is not None and args.overrides:
        overrides.to_csv(args.overrides, index=False)
    if args.out:
        coded.to_csv(args.out)
        print(f"coded events written to {args.out}")
    frame = coded.frame
    n = int(frame["capture"].fillna(False).sum())
    print(f"{n} of {len(frame)} events code an arms capture", file=sys.stdout)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``code`` command to the command's subparsers."""
    p = sub.add_parser("code", help="code arms captures in an event file for review",
                       description="Code the arms captures of every event from its text and "
                       "write a review table (decision, sides, materiel, confidence, evidence); "
                       "apply a corrections file over the automatic coding.")
    p.add_argument("events", metavar="EVENTS.csv", help="event file")
    p.add_argument("--format", default="auto", choices=["auto", "ucdp", "acled", "csv"],
                   help="event file format: auto (from the header), ucdp, acled or csv")
    p.add_argument("--review", metavar="FILE", help="write the review table to this CSV")
    p.add_argument("--all", action="store_true",
                   help="list every event in the review table, not only those with a "
                   "capture clause")
    p.add_argument("--corrections", metavar="FILE",
                   help="corrections CSV (event_id, capture, capturer, captured_from, "
                   "materiel, note) applied over the automatic coding")
    p.add_argument("--overrides", metavar="FILE",
                   help="with --corrections: write the fields it changed to this CSV")
    p.add_argument("--out", metavar="FILE", help="write the coded events (canonical CSV)")
    p.set_defaults(handler=_code)
