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

Isolation and time limits: every timed callable (ours and each peer) runs in its own forked
worker process (:class:`_Worker`, its own process group) that inherits the prepared input, so a
peer that hangs is killed after ``timeout`` seconds per call (the case's ``timeout``, else the
harness default :data:`DEFAULT_TIMEOUT`, ``--timeout`` on the command line) and reported as
"timed out after N s"; a peer that raises is reported as "failed: ..." Nothing hangs and nothing
is dropped silently. Where fork is unavailable the calls run in-process without a limit.

Memory: a case that defines ``input_bytes(state)`` (the bytes of the input columns as the user
passes them) also gets the resident-memory peak of our call above the worker's resident size
at the start of the call (Linux: ``VmHWM`` reset through ``/proc/self/clear_refs`` before each
call, read after it; glibc's mmap threshold fixed at 1 MiB so that freed arrays leave the
resident set), recorded as ``peak_bytes`` and ``memory_ratio = peak_bytes / input_bytes`` (the
largest over the repeats).
"""

from __future__ import annotations

import importlib
import math
import os
import pkgutil
import signal
import statistics
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DEFAULT_TIMEOUT", "Case", "GrowthRecord", "PeerUnavailable", "Record", "Timed",
           "discover", "pin_threads", "run_case", "run_growth", "thread_report", "time_call"]

#: Seconds one timed call (ours or a peer's, warm-up included) may take before it is killed.
DEFAULT_TIMEOUT = 180.0

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
    timeout : float, optional
        Seconds one call may take before its worker is killed (default: the harness's).
    input_bytes : callable, optional
        ``input_bytes(state) -> int``: bytes of the input columns as the user passes them;
        when given, the peak resident memory of our call is recorded against it.
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
    timeout: float | None = None
    input_bytes: Callable[[Any], int] | None = None


@dataclass(frozen=True)
class Record:
    """One line of results: a case at one size against one peer."""

    name: str
    size: Any
    seconds: float | None
    peer: str | None
    peer_seconds: float | None
    ratio: float | None
    note: str = ""
    cpu_seconds: float | None = None
    peer_cpu_seconds: float | None = None
    peak_bytes: int | None = None
    input_bytes: int | None = None

    @property
    def memory_ratio(self) -> float | None:
        """Peak resident memory of our call above its start over the input columns' bytes."""
        if self.peak_bytes is not None and self.input_bytes:
            return self.peak_bytes / self.input_bytes
        return None

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
        if self.input_bytes is not None:
            out.update(peak_bytes=self.peak_bytes, input_bytes=self.input_bytes,
                       memory_ratio=self.memory_ratio)
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


def _status_bytes(field_name: str) -> int | None:
    """A ``/proc/self/status`` memory field (``VmRSS``, ``VmHWM``) in bytes (Linux only)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset this process's resident-memory high-water mark to its current size (Linux)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _fixed_mmap_threshold() -> None:
    """Make glibc return every freed block of 1 MiB or more to the system at once.

    glibc raises its mmap threshold (up to 32 MiB) after large blocks are freed, after which
    freed arrays stay in the heap: a repeated call then reuses them without growing the
    resident size, and its peak would be understated. A fixed threshold keeps each call's
    peak its own.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-3, 1 << 20)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


def _trim_heap() -> None:
    """Return the free pages of glibc's heap to the system (``malloc_trim(0)``).

    Freed memory left resident in the heap (by an earlier call, or by the parent process
    before the fork) would be reused without growing the resident size, and the peak of
    the next call would be understated.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def measured_call(fn: Callable[[Any], Any], state: Any, memory: bool = False
                  ) -> tuple[float, float, int | None]:
    """(wall, CPU, peak) of ``fn(state)``; ``peak`` is the resident peak above the start."""
    if memory:
        import gc

        gc.collect()
        _trim_heap()
    reset = memory and _reset_peak()
    rss0 = _status_bytes("VmRSS") if reset else None
    wall, cpu = _timed(fn, state)
    hwm = _status_bytes("VmHWM") if rss0 is not None else None
    return wall, cpu, (None if hwm is None or rss0 is None else max(hwm - rss0, 0))


class TimedOut(RuntimeError):
    """A timed call did not finish within its limit (its worker was killed)."""


class _Worker:
    """A forked process that runs ``fn(state)`` on request, killable with its children.

    The child inherits ``state`` (copy-on-write), starts its own process group (so that a
    subprocess peer such as ``Rscript`` dies with it) and answers each request with
    ``("ok", wall, cpu, peak)``, ``("unavailable", message)`` or ``("error", message)``.
    """

    def __init__(self, fn: Callable[[Any], Any], state: Any, memory: bool = False) -> None:
        import multiprocessing.connection as mpc

        self.conn, child = mpc.Pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 0
            try:
                os.setpgid(0, 0)
                self.conn.close()
                if memory:
                    _fixed_mmap_threshold()
                while True:
                    if child.recv() != "run":
                        break
                    try:
                        child.send(("ok", *measured_call(fn, state, memory)))
                    except PeerUnavailable as exc:
                        child.send(("unavailable", str(exc)))
                    except BaseException as exc:
                        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
                        child.send(("error", last[:300]))
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        child.close()
        self.pid = pid

    def call(self, timeout: float) -> tuple:
        """One timed call; raises :class:`TimedOut` (and kills the worker) past ``timeout``."""
        try:
            self.conn.send("run")
            if self.conn.poll(timeout):
                return self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.close()
            return ("error", "the worker process died (e.g. killed for memory)")
        self.close()
        raise TimedOut(f"timed out after {timeout:g} s")

    def close(self) -> None:
        """Stop the worker (and its process group)."""
        if self.pid is None:
            return
        try:
            self.conn.send("stop")
        except (OSError, BrokenPipeError):
            pass
        for sig in (None, signal.SIGKILL):
            if sig is not None:
                try:
                    os.killpg(self.pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass
            deadline = time.monotonic() + (2.0 if sig is None else 10.0)
            while time.monotonic() < deadline:
                done, _ = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    break
                time.sleep(0.02)
            else:
                continue
            break
        self.conn.close()
        self.pid = None


class _InProcess:
    """The same interface without isolation (no fork on this platform): no time limit."""

    def __init__(self, fn: Callable[[Any], Any], state: Any, memory: bool = False) -> None:
        self.fn, self.state, self.memory = fn, state, memory

    def call(self, timeout: float) -> tuple:
        try:
            return ("ok", *measured_call(self.fn, self.state, self.memory))
        except PeerUnavailable as exc:
            return ("unavailable", str(exc))
        except Exception as exc:
            return ("error", traceback.format_exception_only(type(exc), exc)[-1].strip()[:300])

    def close(self) -> None:
        """Nothing to stop."""


def _worker(fn: Callable[[Any], Any], state: Any, memory: bool = False) -> Any:
    return _Worker(fn, state, memory) if hasattr(os, "fork") else _InProcess(fn, state, memory)


def _outcome(worker: Any, timeout: float) -> tuple[tuple | None, str]:
    """``(("ok", wall, cpu, peak), "")`` or ``(None, note)`` for a failed or killed call."""
    try:
        out = worker.call(timeout)
    except TimedOut as exc:
        return None, str(exc)
    if out[0] == "ok":
        return out, ""
    worker.close()
    return None, (f"unavailable: {out[1]}" if out[0] == "unavailable" else f"failed: {out[1]}")


def run_case(case: Case, *, quick: bool, timeout: float | None = None) -> list[Record]:
    """Run one case at each of its sizes and return its records.

    Ours and each peer run in their own worker (:class:`_Worker`) with a per-call limit of
    ``timeout`` seconds (else the case's, else :data:`DEFAULT_TIMEOUT`); a call past it is
    killed and reported ("timed out after N s") in the record's note.
    """
    mode = "quick" if quick else "full"
    repeats = case.repeats[mode]
    limit = float(timeout or case.timeout or DEFAULT_TIMEOUT)
    records: list[Record] = []
    for size in case.sizes[mode]:
        state = case.setup(size)
        in_bytes = int(case.input_bytes(state)) if case.input_bytes is not None else None
        ours_worker = _worker(case.run, state, memory=in_bytes is not None)
        peers: dict[str, Any] = {}
        notes: dict[str, str] = {}
        try:
            _, ours_note = _outcome(ours_worker, limit)  # warm-up (imports, compilation)
            for peer, fn in case.peers.items():
                if peer in case.peer_sizes and not case.peer_sizes[peer](size):
                    notes[peer] = "skipped at this size"
                    continue
                if ours_note:
                    notes[peer] = f"not timed: sahelmodel {ours_note}"
                    continue
                worker = _worker(fn, state)
                out, note = _outcome(worker, limit)  # warm-up; an absent peer says so here
                if out is None:
                    notes[peer] = note
                    continue
                peers[peer] = worker
            ours: list[tuple] = []
            theirs: dict[str, list[tuple]] = {p: [] for p in peers}
            for _ in range(repeats if not ours_note else 0):
                out, ours_note = _outcome(ours_worker, limit)
                if out is None:
                    break
                ours.append(out)
                for peer in list(peers):
                    if peer in notes:
                        continue
                    out, note = _outcome(peers[peer], limit)
                    if out is None:
                        notes[peer] = note
                    else:
                        theirs[peer].append(out)
        finally:
            ours_worker.close()
            for worker in peers.values():
                worker.close()
        med = statistics.median(o[1] for o in ours) if ours else None
        cpu_med = statistics.median(o[2] for o in ours) if ours else None
        peaks = [o[3] for o in ours if o[3] is not None]
        mem = {"peak_bytes": max(peaks) if peaks else None, "input_bytes": in_bytes}
        lead = f"sahelmodel {ours_note}" if ours_note else ""
        if not case.peers:
            records.append(Record(case.name, size, med, None, None, None, lead,
                                  cpu_seconds=cpu_med, **mem))
        for peer in case.peers:
            runs = theirs.get(peer, [])
            note = "; ".join(x for x in (lead, notes.get(peer, "")) if x)
            if runs and med:
                peer_med = statistics.median(r[1] for r in runs)
                records.append(Record(case.name, size, med, peer, peer_med, peer_med / med,
                                      note, cpu_seconds=cpu_med,
                                      peer_cpu_seconds=statistics.median(r[2] for r in runs),
                                      **mem))
            else:
                records.append(Record(case.name, size, med, peer, None, None,
                                      note or "no timing", cpu_seconds=cpu_med, **mem))
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


def run_growth(case: Case, *, quick: bool, timeout: float | None = None
               ) -> GrowthRecord | None:
    r"""Time ``case.run`` at its growth sizes and fit :math:`t \propto N^a`.

    The exponent is fitted to medians of CPU time, which the other users of a shared machine
    disturb less than wall time. Each size runs in a killable worker (limit as in
    :func:`run_case`); a size that fails or times out gives ``None`` with a warning.
    """
    mode = "quick" if quick else "full"
    sizes = case.growth.get(mode)
    if not sizes or case.size_n is None:
        return None
    limit = float(timeout or case.timeout or DEFAULT_TIMEOUT)
    n_vals, walls, cpus = [], [], []
    for size in sizes:
        state = case.setup(size)
        worker = _worker(case.run, state)
        try:
            runs = []
            for _ in range(max(case.repeats[mode], 3) + 1):  # the first is the warm-up
                out, note = _outcome(worker, limit)
                if out is None:
                    warnings.warn(f"growth case {case.name} at size {size!r}: {note}",
                                  RuntimeWarning, stacklevel=2)
                    return None
                runs.append(out)
        finally:
            worker.close()
        n_vals.append(float(case.size_n(size)))
        walls.append(statistics.median(r[1] for r in runs[1:]))
        cpus.append(statistics.median(r[2] for r in runs[1:]))
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
