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
