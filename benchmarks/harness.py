r"""The benchmark harness: cases, timing by medians of repeats, a table and JSON records.

A case module in ``benchmarks/cases/`` defines ``CASES``, a list of :class:`Case`. A case
prepares its input once per size (``setup``), then the harness times ``run`` (sahelmodel) and
every peer on that same input, alternating them so that machine noise hits both alike, and
records the medians.

Wall and CPU time are both recorded (``ratio`` from wall time, ``cpu_ratio`` from CPU time,
which the other users of a shared machine disturb least; a subprocess peer reports its own
CPU time).

Threads: every timed call, ours and the in-process peers', runs under
``threadpoolctl.threadpool_limits(1)`` (BLAS and OpenMP pools pinned to one thread), and the
environment variables ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``,
``NUMBA_NUM_THREADS`` and ``POLARS_MAX_THREADS`` are set to 1 by :func:`pin_threads` before any
numerical library is imported (``python -m benchmarks`` calls it first), so subprocess peers
(R's fixest, run with ``setFixest_nthreads(1)``) inherit one thread too. The results do not
depend on whether the user set ``OMP_NUM_THREADS`` beforehand.

Growth: a case with ``growth`` sizes (three sizes spanning about a decade, and ``size_n``
giving the numeric problem size) is also timed at those sizes, and the exponent :math:`a` of
:math:`t \propto N^a` is fitted by least squares on the log-log points
(:func:`run_growth`). Any case can declare growth sizes; the mechanism is not tied to a core.
"""

from __future__ import annotations

import importlib
import math
import os
import pkgutil
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Case", "GrowthRecord", "PeerUnavailable", "Record", "Timed", "discover",
           "pin_threads", "run_case", "run_growth", "thread_report", "time_call"]

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "NUMBA_NUM_THREADS", "POLARS_MAX_THREADS", "VECLIB_MAXIMUM_THREADS")


def pin_threads() -> None:
    """Set every thread-count variable to 1 (call before numerical libraries are imported)."""
    for var in THREAD_VARIABLES:
        os.environ[var] = "1"


def thread_report() -> str:
    """One line stating how threads are pinned, with the BLAS libraries threadpoolctl sees."""
    from threadpoolctl import threadpool_info, threadpool_limits

    with threadpool_limits(limits=1):
        pools = threadpool_info()
    libs = ", ".join(f"{p.get('internal_api')} ({p.get('num_threads')} thread)" for p in pools)
    env = " ".join(f"{v}={os.environ.get(v, 'unset')}" for v in THREAD_VARIABLES[:4])
    return (f"threads pinned to 1 for every timed call: threadpoolctl limits [{libs or 'none'}]; "
            f"{env} (inherited by subprocess peers)")


@dataclass(frozen=True)
class Timed:
    """Returned by a peer that times itself (e.g. R in a subprocess): its median seconds."""

    seconds: float
    cpu_seconds: float | None = None


class PeerUnavailable(RuntimeError):
    """Raised by a peer's setup when the peer library is not installed or cannot run."""


@dataclass(frozen=True)
class Case:
    """One benchmark case.

    Parameters
    ----------
    name : str
        Case name as used by ``--only``.
    sizes : dict
        ``{"quick": [...], "full": [...]}``: the problem sizes to run (any hashable label that
        ``setup`` understands; shown in the table).
    setup : callable
        ``setup(size) -> state``: builds the input once (not timed).
    run : callable
        ``run(state)``: the sahelmodel call being timed.
    peers : dict
        ``{peer_name: fn(state)}``. A peer may raise :class:`PeerUnavailable`.
    repeats : dict
        ``{"quick": n, "full": n}`` repeats per timing (medians are reported).
    peer_sizes : dict, optional
        ``{peer_name: predicate(size) -> bool}``: skip a peer at sizes where it would not
        finish in reasonable time.
    growth : dict, optional
        ``{"quick": [s1, s2, s3], "full": [...]}``: sizes spanning about a decade at which
        ``run`` is timed to fit the growth exponent (see :func:`run_growth`).
    size_n : callable, optional
        ``size_n(size) -> float``: the numeric problem size :math:`N` (rows, events).
    """

    name: str
    sizes: dict[str, list[Any]]
    setup: Callable[[Any], Any]
    run: Callable[[Any], Any]
    peers: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    repeats: dict[str, int] = field(default_factory=lambda: {"quick": 3, "full": 7})
    peer_sizes: dict[str, Callable[[Any], bool]] = field(default_factory=dict)
    growth: dict[str, list[Any]] = field(default_factory=dict)
    size_n: Callable[[Any], float] | None = None


@dataclass(frozen=True)
class Record:
    """One line of results: a case at one size against one peer."""

    name: str
    size: Any
    seconds: float
    peer: str | None
    peer_seconds: float | None
    ratio: float | None
    note: str = ""
    cpu_seconds: float | None = None
    peer_cpu_seconds: float | None = None

    @property
    def cpu_ratio(self) -> float | None:
        """``peer_cpu_seconds / cpu_seconds``: the ratio a loaded machine disturbs least."""
        if self.cpu_seconds and self.peer_cpu_seconds is not None:
            return self.peer_cpu_seconds / self.cpu_seconds
        return None

    def as_dict(self) -> dict[str, Any]:
        """The JSON record ``{"name", "size", "seconds", "peer", "peer_seconds", "ratio"}``."""
        out = {
            "name": self.name,
            "size": self.size,
            "seconds": self.seconds,
            "peer": self.peer,
            "peer_seconds": self.peer_seconds,
            "ratio": self.ratio,
            "cpu_seconds": self.cpu_seconds,
            "peer_cpu_seconds": self.peer_cpu_seconds,
            "cpu_ratio": self.cpu_ratio,
        }
        if self.note:
            out["note"] = self.note
        return out


def time_call(fn: Callable[..., Any], *args: Any) -> float:
    """Wall time of one call ``fn(*args)`` in seconds (BLAS pinned to one thread).

    A peer that returns :class:`Timed` reports its own time instead.
    """
    return _timed(fn, *args)[0]


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[float, float]:
    """(wall, CPU) seconds of one call with every thread pool limited to one thread."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # peers' notices (e.g. separation) are not timed news
        start, cpu = time.perf_counter(), time.process_time()
        out = fn(*args)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    if isinstance(out, Timed):
        return out.seconds, out.cpu_seconds if out.cpu_seconds is not None else out.seconds
    return wall, cpu


def run_case(case: Case, *, quick: bool) -> list[Record]:
    """Run one case at each of its sizes and return its records."""
    mode = "quick" if quick else "full"
    repeats = case.repeats[mode]
    records: list[Record] = []
    for size in case.sizes[mode]:
        state = case.setup(size)
        _timed(case.run, state)  # warm-up (imports, caches, compilation)
        peers: dict[str, Callable[[Any], Any]] = {}
        notes: dict[str, str] = {}
        for peer, fn in case.peers.items():
            if peer in case.peer_sizes and not case.peer_sizes[peer](size):
                notes[peer] = "skipped at this size"
                continue
            try:
                _timed(fn, state)  # warm-up, and the place where an absent peer says so
            except PeerUnavailable as exc:
                notes[peer] = f"unavailable: {exc}"
                continue
            peers[peer] = fn
        ours: list[float] = []
        ours_cpu: list[float] = []
        theirs: dict[str, list[float]] = {p: [] for p in peers}
        theirs_cpu: dict[str, list[float]] = {p: [] for p in peers}
        for _ in range(repeats):
            wall, cpu = _timed(case.run, state)
            ours.append(wall)
            ours_cpu.append(cpu)
            for peer, fn in peers.items():
                p_wall, p_cpu = _timed(fn, state)
                theirs[peer].append(p_wall)
                theirs_cpu[peer].append(p_cpu)
        med = statistics.median(ours)
        cpu_med = statistics.median(ours_cpu)
        if not case.peers:
            records.append(Record(case.name, size, med, None, None, None, cpu_seconds=cpu_med))
        for peer in case.peers:
            if peer in theirs:
                peer_med = statistics.median(theirs[peer])
                records.append(Record(case.name, size, med, peer, peer_med, peer_med / med,
                                      cpu_seconds=cpu_med,
                                      peer_cpu_seconds=statistics.median(theirs_cpu[peer])))
            else:
                records.append(Record(case.name, size, med, peer, None, None, notes[peer],
                                      cpu_seconds=cpu_med))
    return records


@dataclass(frozen=True)
class GrowthRecord:
    """Run time of one case at sizes spanning a decade and the fitted exponent."""

    name: str
    sizes: list[Any]
    n: list[float]
    seconds: list[float]
    cpu_seconds: list[float]
    exponent: float

    def as_records(self) -> list[dict[str, Any]]:
        """One JSON record per size (``peer`` None, ``growth_exponent`` on each)."""
        return [{"name": f"{self.name} (growth)", "size": n, "seconds": t, "peer": None,
                 "peer_seconds": None, "ratio": None, "cpu_seconds": c,
                 "growth_exponent": self.exponent}
                for n, t, c in zip(self.n, self.seconds, self.cpu_seconds, strict=True)]


def fit_exponent(n: list[float], seconds: list[float]) -> float:
    """Least-squares slope of ``log(seconds)`` on ``log(n)``.

    Examples
    --------
    >>> round(fit_exponent([1e3, 1e4, 1e5], [0.01, 0.1, 1.0]), 6)
    1.0
    """
    x = [math.log(v) for v in n]
    y = [math.log(v) for v in seconds]
    mx, my = statistics.fmean(x), statistics.fmean(y)
    sxx = sum((a - mx) ** 2 for a in x)
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sxx


def run_growth(case: Case, *, quick: bool) -> GrowthRecord | None:
    r"""Time ``case.run`` at its growth sizes and fit :math:`t \propto N^a`.

    The exponent is fitted to medians of CPU time, which the other users of a shared machine
    disturb less than wall time.
    """
    mode = "quick" if quick else "full"
    sizes = case.growth.get(mode)
    if not sizes or case.size_n is None:
        return None
    n_vals, walls, cpus = [], [], []
    for size in sizes:
        state = case.setup(size)
        _timed(case.run, state)
        runs = [_timed(case.run, state) for _ in range(max(case.repeats[mode], 3))]
        n_vals.append(float(case.size_n(size)))
        walls.append(statistics.median(r[0] for r in runs))
        cpus.append(statistics.median(r[1] for r in runs))
    return GrowthRecord(case.name, list(sizes), n_vals, walls, cpus, fit_exponent(n_vals, cpus))


def discover() -> dict[str, Case]:
    """All cases defined in the modules of ``benchmarks.cases``, by name."""
    from benchmarks import cases as package

    found: dict[str, Case] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for case in getattr(module, "CASES", []):
            if case.name in found:
                raise RuntimeError(f"benchmark case {case.name!r} is defined twice")
            found[case.name] = case
    return found
