"""The benchmark harness: cases, timing by medians of repeats, a table and JSON records.

A case module in ``benchmarks/cases/`` defines ``CASES``, a list of :class:`Case`. A case
prepares its input once per size (``setup``), then the harness times ``run`` (sahelmodel) and
every peer on that same input, alternating them so that machine noise hits both alike, and
records the medians.
"""

from __future__ import annotations

import importlib
import pkgutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Case", "PeerUnavailable", "Record", "discover", "run_case", "time_call"]


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
    """

    name: str
    sizes: dict[str, list[Any]]
    setup: Callable[[Any], Any]
    run: Callable[[Any], Any]
    peers: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    repeats: dict[str, int] = field(default_factory=lambda: {"quick": 3, "full": 7})
    peer_sizes: dict[str, Callable[[Any], bool]] = field(default_factory=dict)


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

    def as_dict(self) -> dict[str, Any]:
        """The JSON record ``{"name", "size", "seconds", "peer", "peer_seconds", "ratio"}``."""
        out = {
            "name": self.name,
            "size": self.size,
            "seconds": self.seconds,
            "peer": self.peer,
            "peer_seconds": self.peer_seconds,
            "ratio": self.ratio,
        }
        if self.note:
            out["note"] = self.note
        return out


def time_call(fn: Callable[..., Any], *args: Any) -> float:
    """Wall time of one call ``fn(*args)`` in seconds."""
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def run_case(case: Case, *, quick: bool) -> list[Record]:
    """Run one case at each of its sizes and return its records."""
    mode = "quick" if quick else "full"
    repeats = case.repeats[mode]
    records: list[Record] = []
    for size in case.sizes[mode]:
        state = case.setup(size)
        case.run(state)  # warm-up (imports, caches, compilation)
        peers: dict[str, Callable[[Any], Any]] = {}
        notes: dict[str, str] = {}
        for peer, fn in case.peers.items():
            if peer in case.peer_sizes and not case.peer_sizes[peer](size):
                notes[peer] = "skipped at this size"
                continue
            try:
                fn(state)  # warm-up, and the place where an absent peer says so
            except PeerUnavailable as exc:
                notes[peer] = f"unavailable: {exc}"
                continue
            peers[peer] = fn
        ours: list[float] = []
        theirs: dict[str, list[float]] = {p: [] for p in peers}
        for _ in range(repeats):
            ours.append(time_call(case.run, state))
            for peer, fn in peers.items():
                theirs[peer].append(time_call(fn, state))
        med = statistics.median(ours)
        if not case.peers:
            records.append(Record(case.name, size, med, None, None, None))
        for peer in case.peers:
            if peer in theirs:
                peer_med = statistics.median(theirs[peer])
                records.append(Record(case.name, size, med, peer, peer_med, peer_med / med))
            else:
                records.append(Record(case.name, size, med, peer, None, None, notes[peer]))
    return records


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
