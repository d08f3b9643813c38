"""A Monte Carlo figure gives identical numbers under every scheduler and after SIGKILL + resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import matplotlib
import pytest

from sahelmodel.runner import Runner
from sahelmodel.runner.reproduce import reproduce

matplotlib.use("Agg")

CONFIG = """
[run]
seed = 7
[fig06]
n_replications = {n}
end_time = {end}
"""


def numbers(out_dir):
    return (out_dir / "fig06_time_rescaling.csv").read_text()


@pytest.mark.slow
def test_serial_processes_and_dask_local_give_identical_numbers(tmp_path):
    pytest.importorskip("distributed")
    cfg = tmp_path / "c.toml"
    cfg.write_text(CONFIG.format(n=4, end=150.0))
    results = {}
    for scheduler in ("serial", "processes", "dask-local"):
        out = tmp_path / scheduler
        (outcome,) = reproduce(["fig06"], config=cfg, out_dir=out,
                               runner=Runner(scheduler=scheduler, n_workers=2))
        assert outcome.status == "ok", outcome.message
        results[scheduler] = numbers(out)
        prov = json.loads((out / "fig06_time_rescaling_provenance.json").read_text())
        assert prov["scheduler"] == scheduler
    assert results["serial"] == results["processes"] == results["dask-local"]
    assert len(results["serial"].splitlines()) == 5


def run_cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "sahelmodel.cli", *args], capture_output=True,
                          text=True, **kwargs)


@pytest.mark.slow
def test_cli_sigkill_halfway_then_resume_equals_uninterrupted(tmp_path):
    n = 10
    cfg = tmp_path / "c.toml"
    cfg.write_text(CONFIG.format(n=n, end=150.0))
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    common = ["reproduce", "fig06", "--config", str(cfg), "--scheduler", "serial", "--quiet"]
    done = run_cli(*common, "--out", str(clean))
    assert done.returncode == 0, done.stderr

    proc = subprocess.Popen([sys.executable, "-m", "sahelmodel.cli", *common, "--out",
                             str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    tasks = killed / "_tasks" / "fig06_time_rescaling" / "replications" / "tasks"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if tasks.is_dir() and len(list(tasks.glob("*.json"))) >= n // 2:
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = len(list(tasks.glob("*.json")))
    assert n // 2 <= finished < n, f"not interrupted halfway ({finished} of {n} finished)"
    assert not (killed / "fig06_time_rescaling.csv").exists()

    resumed = run_cli(*common, "--out", str(killed), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert numbers(killed) == numbers(clean)
    assert len(list(tasks.glob("*.json"))) == n

    # resuming with a changed configuration is refused in one line
    cfg.write_text(CONFIG.format(n=n, end=300.0))
    bad = run_cli(*common, "--out", str(killed), "--resume")
    assert bad.returncode == 2  # the whole run is refused, not one figure (issue 14 item 9)
    assert "cannot resume" in bad.stderr and bad.stderr.count("\n") == 1
    assert "Traceback" not in bad.stdout + bad.stderr
