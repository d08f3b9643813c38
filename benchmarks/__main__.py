"""Command line of the benchmark suite: ``python -m benchmarks [--quick] [--only ...]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.harness import discover, run_case


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time sahelmodel's cores against peers measured in the same run "
        "(medians of repeats; ratio = peer_seconds / seconds, above 1 means faster).",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these cases")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write records as JSON")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    args = parser.parse_args(argv)

    cases = discover()
    if args.list:
        print("\n".join(sorted(cases)))
        return 0
    names = args.only or sorted(cases)
    unknown = [n for n in names if n not in cases]
    if unknown:
        print(f"unknown benchmark case(s): {', '.join(unknown)}; known: "
              f"{', '.join(sorted(cases))}", file=sys.stderr)
        return 2
    records = []
    header = f"{'case':<18} {'size':>12} {'seconds':>10} {'peer':<12} {'peer s':>10} {'ratio':>8}"
    print(header)
    print("-" * len(header))
    for name in names:
        for rec in run_case(cases[name], quick=args.quick):
            records.append(rec)
            print(f"{rec.name:<18} {rec.size!s:>12} {rec.seconds:>10.4f} "
                  f"{rec.peer or '-':<12} {_fmt(rec.peer_seconds, '>10.4f'):>10} "
                  f"{_fmt(rec.ratio, '>8.1f'):>8} {rec.note}", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([r.as_dict() for r in records], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
