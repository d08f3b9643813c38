"""Command line of the benchmark suite: ``python -m benchmarks [--quick] [--only ...]``."""

from __future__ import annotations

from benchmarks.harness import pin_threads

pin_threads()  # before numpy, numba or any BLAS is loaded (and for subprocess peers)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks.harness import (  # noqa: E402
    DEFAULT_TIMEOUT,
    discover,
    run_case,
    run_growth,
    thread_report,
)


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _memory(r: dict) -> str:
    """``ratio (peak MB / input MB)`` of a record that measured memory, else ``-``."""
    if r.get("memory_ratio") is None:
        return "-"
    return (f"{r['memory_ratio']:.2f} ({r['peak_bytes'] / 2**20:.0f} / "
            f"{r['input_bytes'] / 2**20:.0f} MiB)")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_report() -> dict[str, str]:
    """Machine, load and library versions for the header of a run."""
    from benchmarks.rpeer import fixest_version

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {
        "machine": f"{cpu}, {os.cpu_count()} logical cores, {platform.system()}",
        "load average (1, 5, 15 min)": ", ".join(f"{v:.2f}" for v in load),
        "python": platform.python_version(),
        "versions": ", ".join(f"{d} {_version(d)}" for d in
                              ("sahelmodel", "numpy", "scipy", "pandas", "numba", "pyfixest",
                               "statsmodels")) + f", R fixest {fixest_version() or 'unavailable'}",
        "threads": thread_report(),
    }


def markdown_table(records: list[dict], growth: list[dict], meta: dict[str, str]) -> str:
    """The README benchmark table: one row per case, size and peer, and the growth exponents."""
    lines = ["| case | size | sahelmodel s (CPU s) | peer | peer s (CPU s) | ratio wall | "
             "ratio CPU | memory ÷ input |", "|---|---|---|---|---|---|---|---|"]
    for r in records:
        lines.append(f"| {r['name']} | {r['size']} | {_fmt(r['seconds'], '.3f')} "
                     f"({_fmt(r.get('cpu_seconds'), '.3f')}) | {r['peer'] or '-'} | "
                     f"{_fmt(r['peer_seconds'], '.3f')} ({_fmt(r.get('peer_cpu_seconds'), '.3f')})"
                     f" | {_fmt(r['ratio'], '.2f')} | {_fmt(r.get('cpu_ratio'), '.2f')}"
                     f"{' ' + r['note'] if r.get('note') else ''} | {_memory(r)} |")
    if growth:
        lines += ["", "| growth case | sizes N | CPU s | exponent a (t ∝ N^a) |",
                  "|---|---|---|---|"]
        for g in growth:
            lines.append(f"| {g['name']} | {', '.join(f'{n:.0f}' for n in g['n'])} | "
                         f"{', '.join(f'{t:.3f}' for t in g['cpu_seconds'])} | "
                         f"{g['exponent']:.2f} |")
    lines += [""] + [f"* {k}: {v}" for k, v in meta.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time sahelmodel's cores against peers measured in the same run "
        "(medians of repeats; ratio = peer_seconds / seconds, above 1 means faster; every "
        "timed call with BLAS/OpenMP pinned to one thread).",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these cases")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write records as JSON")
    parser.add_argument("--markdown", type=Path, metavar="PATH",
                        help="write the README benchmark table (with machine and versions)")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth timings")
    parser.add_argument("--max-n", type=float, metavar="N",
                        help="skip sizes above N rows/events (cases that state their size); "
                        "the default runs every size, 1e7-row FE fits included")
    parser.add_argument("--timeout", type=float, default=None, metavar="S",
                        help="seconds one timed call (ours or a peer's) may take before it is "
                        "killed and reported as timed out (default: the case's own limit, "
                        f"else {DEFAULT_TIMEOUT:g})")
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
    started = time.perf_counter()
    meta = machine_report()
    for key, value in meta.items():
        print(f"# {key}: {value}")
    records = []
    header = (f"{'case':<20} {'size':>16} {'seconds':>10} {'cpu s':>8} {'peer':<12} "
              f"{'peer s':>10} {'ratio':>8} {'peer cpu':>9} {'cpu ratio':>9} {'mem/in':>6}")
    print(header)
    print("-" * len(header))
    if args.max_n is not None:
        for name in names:
            case = cases[name]
            if case.size_n is not None:
                kept = [z for z in case.sizes["full"] if case.size_n(z) <= args.max_n]
                cases[name] = replace(case, sizes={**case.sizes, "full": kept})
    for name in names:
        for rec in run_case(cases[name], quick=args.quick, timeout=args.timeout):
            records.append(rec.as_dict())
            print(f"{rec.name:<20} {rec.size!s:>16} {_fmt(rec.seconds, '>10.4f'):>10} "
                  f"{_fmt(rec.cpu_seconds, '>8.3f'):>8} {rec.peer or '-':<12} "
                  f"{_fmt(rec.peer_seconds, '>10.4f'):>10} "
                  f"{_fmt(rec.ratio, '>8.2f'):>8} {_fmt(rec.peer_cpu_seconds, '>9.3f'):>9} "
                  f"{_fmt(rec.cpu_ratio, '>9.2f'):>9} {_fmt(rec.memory_ratio, '>6.2f'):>6} "
                  f"{rec.note}", flush=True)
    growth = []
    if not args.no_growth:
        for name in names:
            g = run_growth(cases[name], quick=args.quick, timeout=args.timeout)
            if g is not None:
                growth.append({"name": g.name, "n": g.n, "seconds": g.seconds,
                               "cpu_seconds": g.cpu_seconds, "exponent": g.exponent})
                records.extend(g.as_records())
                print(f"growth {g.name:<20} N = {', '.join(f'{n:.3g}' for n in g.n)}; CPU s = "
                      f"{', '.join(f'{t:.3g}' for t in g.cpu_seconds)}; exponent a = "
                      f"{g.exponent:.2f}", flush=True)
    total = time.perf_counter() - started
    meta["run time"] = (f"{total / 60:.1f} min for this invocation "
                        f"({' '.join(argv if argv is not None else sys.argv[1:]) or 'no options'})")
    meta["load average at the end (1, 5, 15 min)"] = ", ".join(
        f"{v:.2f}" for v in (os.getloadavg() if hasattr(os, "getloadavg") else ()))
    print(f"# run time: {meta['run time']}; load average at the end: "
          f"{meta['load average at the end (1, 5, 15 min)']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(records, indent=2) + "\n")
    if args.markdown:
        own = [r for r in records if "growth_exponent" not in r]
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown_table(own, growth, meta))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
