"""The benchmark harness pins threads, honours self-timed peers and fits growth exponents."""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
harness = pytest.importorskip("benchmarks.harness")


def test_every_timed_call_runs_with_one_blas_thread():
    from threadpoolctl import threadpool_info

    seen = []
    harness.time_call(lambda: seen.extend(p["num_threads"] for p in threadpool_info()))
    assert seen and set(seen) == {1}


def test_a_self_timed_peer_reports_its_own_seconds():
    assert harness.time_call(lambda: harness.Timed(12.5)) == 12.5


def test_growth_exponent_is_the_log_log_slope():
    n = [1e3, 3e3, 1e4]
    assert harness.fit_exponent(n, [2e-4 * v**1.3 for v in n]) == pytest.approx(1.3)


def test_growth_run_records_three_sizes_and_an_exponent():
    case = harness.Case(name="toy", sizes={"quick": [10]}, setup=lambda s: np.ones(s),
                        run=lambda x: x.sum(), growth={"quick": [10, 100, 1000]},
                        size_n=float)
    g = harness.run_growth(case, quick=True)
    assert g.n == [10.0, 100.0, 1000.0] and np.isfinite(g.exponent)
    recs = g.as_records()
    assert len(recs) == 3 and all(r["growth_exponent"] == g.exponent for r in recs)


def _sleep_forever(_state):
    import time

    time.sleep(60)


def _raise(_state):
    raise ValueError("bad input")


def _allocate(n):
    a = np.ones(n)  # n doubles resident at once
    return float(a.sum())


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_a_hanging_or_failing_peer_is_reported_and_never_hangs():
    import time

    case = harness.Case(name="toy", sizes={"quick": [1000]}, setup=lambda s: np.ones(s),
                        run=lambda x: x.sum(), peers={"hangs": _sleep_forever, "fails": _raise,
                                                      "fine": lambda x: x.sum()},
                        repeats={"quick": 2}, timeout=1.0)
    start = time.monotonic()
    recs = {r.peer: r for r in harness.run_case(case, quick=True)}
    assert time.monotonic() - start < 30
    assert recs["hangs"].ratio is None and recs["hangs"].note == "timed out after 1 s"
    assert recs["fails"].ratio is None and recs["fails"].note.startswith("failed: ValueError")
    assert recs["fine"].ratio is not None and recs["fine"].note == ""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="Linux /proc only")
def test_memory_peak_above_the_start_is_recorded_against_the_input_bytes():
    n = 4_000_000  # 32 MB allocated by the timed call, 8 bytes per row of input
    case = harness.Case(name="toy", sizes={"quick": [n]}, setup=lambda s: s,
                        run=_allocate, repeats={"quick": 1}, input_bytes=lambda s: 8 * s)
    (rec,) = harness.run_case(case, quick=True)
    assert rec.input_bytes == 8 * n
    assert 0.9 < rec.memory_ratio < 1.5  # the array, plus little else
    assert rec.as_dict()["memory_ratio"] == rec.memory_ratio
