"""Issue 14 items 9 and 10: a resumed sweep refuses another sweep's results, one run per
output folder, clean errors for read-only and full disks, no temp files or orphan workers."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from sahelmodel.cli import main
from sahelmodel.runner import FolderLock, OutputFolderError, Runner, RunnerError


def draw(rng: np.random.Generator, n: int) -> list[float]:
    return rng.normal(size=n).tolist()


TASKS = [{"n": 3 + i} for i in range(8)]


def test_resume_refuses_task_files_of_another_seed(tmp_path):
    # what two runs sharing a folder leave behind: B's manifest, some of A's task files
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    Runner(scheduler="serial", out_dir=a_dir).map(draw, TASKS, seed=0, name="s")
    b = Runner(scheduler="serial", out_dir=b_dir).map(draw, TASKS, seed=777, name="s")
    for key in ("t00002", "t00005"):
        shutil.copy(a_dir / "s" / "tasks" / f"{key}.json", b_dir / "s" / "tasks")
    with pytest.raises(OutputFolderError,
                       match=r"cannot resume: .*t00002\.json was written by a different sweep "
                             r"\(its seed_entropy is 0, this sweep's is 777\)"):
        Runner(scheduler="serial", out_dir=b_dir, resume=True).map(draw, TASKS, seed=777,
                                                                     name="s")
    # a file holding another task's parameters or index is refused too
    rec = json.loads((a_dir / "s" / "tasks" / "t00001.json").read_text())
    rec["params"] = {"n": 99}
    (a_dir / "s" / "tasks" / "t00001.json").write_text(json.dumps(rec))
    with pytest.raises(OutputFolderError, match=r"t00001\.json .*its params"):
        Runner(scheduler="serial", out_dir=a_dir, resume=True).map(draw, TASKS, seed=0, name="s")
    # an untouched store resumes to the same numbers
    again = Runner(scheduler="serial", out_dir=b_dir / "x").map(draw, TASKS, seed=777, name="s")
    assert again == b


def test_resume_refuses_another_package_version(tmp_path):
    Runner(scheduler="serial", out_dir=tmp_path).map(draw, TASKS, seed=1, name="s")
    manifest = tmp_path / "s" / "sweep.json"
    stored = json.loads(manifest.read_text())
    assert stored["package_version"]
    stored["package_version"] = "0.0.0"
    manifest.write_text(json.dumps(stored))
    with pytest.raises(OutputFolderError, match=r"cannot resume.*package_version"):
        Runner(scheduler="serial", out_dir=tmp_path, resume=True).map(draw, TASKS, seed=1,
                                                                        name="s")


def test_one_run_per_folder(tmp_path):
    holder = FolderLock(tmp_path / "s").acquire()
    try:
        with pytest.raises(OutputFolderError, match=r"is in use by another run \(pid \d+\)"):
            Runner(scheduler="serial", out_dir=tmp_path).map(draw, TASKS, seed=1, name="s")
    finally:
        holder.release()
    # released: the run proceeds and releases its own lock at the end, even on failure
    Runner(scheduler="serial", out_dir=tmp_path).map(draw, TASKS, seed=1, name="s")
    FolderLock(tmp_path / "s").acquire().release()


def test_cli_refuses_a_locked_output_folder_in_one_line(tmp_path, capsys):
    holder = FolderLock(tmp_path).acquire()
    try:
        code = main(["reproduce", "fig07", "--config", "tiny", "--out", str(tmp_path)])
    finally:
        holder.release()
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "in use by another run" in err


def test_temp_files_of_a_killed_run_are_removed(tmp_path):
    Runner(scheduler="serial", out_dir=tmp_path).map(draw, TASKS, seed=1, name="s")
    left = [tmp_path / "s" / ".sweep.json.k1l2.tmp",
            tmp_path / "s" / "tasks" / ".t00003.json.x9.tmp"]
    for path in left:
        path.write_text("{half")
    Runner(scheduler="serial", out_dir=tmp_path, resume=True).map(draw, TASKS, seed=1, name="s")
    assert not any(p.exists() for p in left)


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _read_only(*args, **kwargs):
    raise OSError(errno.EROFS, "Read-only file system")


@pytest.mark.parametrize(("fail", "said"), [(_no_space, "the disk is full"),
                                            (_read_only, "the file system is read-only")])
def test_unwritable_store_is_one_clear_error(tmp_path, monkeypatch, fail, said):
    import sahelmodel.report._files as files

    monkeypatch.setattr(files.tempfile, "mkstemp", fail)
    with pytest.raises(OutputFolderError, match=rf"cannot write .*sweep\.json: {said}"):
        Runner(scheduler="serial", out_dir=tmp_path).map(draw, TASKS, seed=1, name="s")


def test_cli_disk_full_during_provenance_is_one_line(tmp_path, monkeypatch, capsys):
    import sahelmodel.runner.reproduce as rep

    def full(path, record):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(rep, "write_provenance", full)
    code = main(["reproduce", "fig07", "--config", "tiny", "--scheduler", "serial",
                 "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "No space left on device" in err and "provenance.json" in err


def test_cli_resume_with_another_seed_exits_2_in_one_line(tmp_path, capsys):
    tiny = Path(__file__).resolve().parents[2] / "experiments" / "configs" / "tiny.toml"
    other = tmp_path / "seed777.toml"
    text = tiny.read_text()
    assert "\nseed = 20240324\n" in text
    other.write_text(text.replace("\nseed = 20240324\n", "\nseed = 777\n", 1))
    out = tmp_path / "out"
    args = ["reproduce", "fig07", "--scheduler", "serial", "--out", str(out)]
    assert main([*args, "--config", "tiny"]) == 0
    capsys.readouterr()
    code = main([*args, "--config", str(other), "--resume"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "cannot resume" in err and "seed_entropy" in err


ORPHAN_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from sahelmodel.runner import Runner

    def wait(rng, i):
        Path(sys.argv[1], f"{os.getpid()}.pid").write_text("")
        time.sleep(120)
        return i

    if __name__ == "__main__":
        Runner(scheduler="processes", n_workers=2).map(wait, [{"i": 0}, {"i": 1}], seed=1,
                                                       name="orphans")
    """
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_process_workers_die_with_a_killed_parent(tmp_path):
    script = tmp_path / "orphans.py"
    script.write_text(ORPHAN_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path)])
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("*.pid"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.stem) for p in tmp_path.glob("*.pid")]
    assert len(workers) == 2
    os.kill(proc.pid, signal.SIGKILL)  # the parent only, not its process group
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [w for w in workers if _alive(w)]
    for w in alive:  # do not leave them behind if the test fails
        os.kill(w, signal.SIGKILL)
    assert not alive, "worker processes outlived their killed parent"


def test_runner_error_is_the_base():
    assert issubclass(OutputFolderError, RunnerError)
