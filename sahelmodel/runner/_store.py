"""Atomic, resumable storage of task results as JSON files.

A sweep named ``name`` keeps its state in ``<out_dir>/<name>/``: a manifest ``sweep.json``
(name, seed, number of tasks and a SHA-256 fingerprint of the task list) and one file
``tasks/<key>.json`` per finished task. Every file is written to a temporary file in the same
folder and moved into place with :func:`os.replace`, which is atomic on POSIX and Windows, so a
process killed at any instant leaves either the complete file or no file, never half of one.
Results are stored as JSON (never pickle), so a stored result is read back exactly: Python's
``json`` writes floats with ``repr`` and reads them back bit for bit.

Two safeguards keep results of different sweeps apart. The manifest records the seed, the
task list's fingerprint, the function and the package version, and a resumed sweep must match
all of them; every task file records its index, parameters and seed, and a resumed sweep
refuses a file that does not match the task it stands for. While a sweep runs it holds an
exclusive lock on ``<out_dir>/<name>/.lock`` (:class:`FolderLock`), so a second run cannot
write into the same folder at the same time; the lock dies with its process, so a killed run
never leaves a stale lock. Temporary files left by a killed run are removed under that lock.
Failures to write (a read-only folder, a full disk) are :class:`RunnerError` naming the file.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sahelmodel.report._files import atomic_write_text

__all__ = ["FolderLock", "OutputFolderError", "RunnerError", "SweepStore", "atomic_write_text",
           "to_jsonable"]


class RunnerError(RuntimeError):
    """A sweep could not be run, stored or resumed; the message says what and where."""


class OutputFolderError(RunnerError):
    """The output folder cannot be used; this ends a whole run, not just one figure.

    Another run holds the folder, it holds another sweep's results, or it cannot be written.
    """


def write_error(path: Path, exc: OSError) -> OutputFolderError:
    """A one-line :class:`RunnerError` for a file that could not be written."""
    why = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
           errno.EACCES: "permission denied", errno.EDQUOT: "the disk quota is exceeded"}
    reason = why.get(exc.errno or 0, exc.strerror or str(exc))
    return OutputFolderError(f"cannot write {path}: {reason}; choose another output folder "
                             "(--out) or free space, then run again with --resume")


class FolderLock:
    """An exclusive, advisory lock on an output folder, held while a run writes into it.

    The lock is ``fcntl.flock`` on ``<folder>/.lock`` (where ``fcntl`` exists; elsewhere no
    lock is taken). It is released by :meth:`release` or when the process ends, however it
    ends, so a killed run never blocks the next one. On acquiring it, temporary files that an
    atomic write of a killed run left behind (``.<name>.<random>.tmp``) are removed: nobody
    else can be writing them.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> lock = FolderLock(folder).acquire()
    >>> try:
    ...     FolderLock(folder).acquire()
    ... except RunnerError as err:
    ...     print(str(err).split(" (pid")[0].endswith("is in use by another run"))
    True
    >>> lock.release()
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._fd: int | None = None

    def acquire(self) -> FolderLock:
        """Take the lock or raise :class:`RunnerError` naming the process that holds it."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / ".lock"
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise write_error(self.folder / ".lock", exc) from None
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory lock
            self._fd = fd
            return self
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise OutputFolderError(
                f"{self.folder} is in use by another run (pid {holder}); wait for it to "
                "finish or choose another output folder"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        for leftover in self.folder.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)
        return self

    def __del__(self) -> None:
        self.release()

    def release(self) -> None:
        """Release the lock (closing its file); harmless when not held."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def to_jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays and tuples into plain JSON types, recursively.

    Parameters
    ----------
    value : object
        Numbers, strings, booleans, None, numpy scalars or arrays, and lists, tuples or dicts
        (with string keys) of these.

    Returns
    -------
    object
        The same data in types that :mod:`json` writes and reads back unchanged.

    Examples
    --------
    >>> to_jsonable({"a": np.float64(0.5), "b": np.arange(2)})
    {'a': 0.5, 'b': [0, 1]}
    """
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise RunnerError(f"result dictionaries need string keys, got {k!r}")
            out[k] = to_jsonable(v)
        return out
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if value is None or isinstance(value, str):
        return value
    raise RunnerError(
        f"task results must be JSON-like (numbers, strings, lists, dicts, numpy arrays); "
        f"got {type(value).__name__}"
    )


def _dumps(payload: Any) -> str:
    return json.dumps(payload, indent=1, sort_keys=True, allow_nan=True) + "\n"


def fingerprint(keys: Sequence[str], params: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 of the task keys and parameters (what a resumed sweep must match)."""
    blob = json.dumps(
        [[k, to_jsonable(dict(p))] for k, p in zip(keys, params, strict=True)], sort_keys=True
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class SweepStore:
    """The folder of one sweep: its manifest and one JSON file per finished task.

    Parameters
    ----------
    root : path
        ``<out_dir>/<name>``.
    manifest : dict
        What identifies the sweep (name, seed, fingerprint of the tasks, function).
    """

    def __init__(self, root: Path, manifest: Mapping[str, Any]) -> None:
        self.root = Path(root)
        self.manifest = to_jsonable(dict(manifest))
        self.tasks_dir = self.root / "tasks"

    def _task_path(self, key: str) -> Path:
        return self.tasks_dir / f"{key}.json"

    def prepare(self, *, resume: bool) -> None:
        """Lock the folder; on resume check the manifest, otherwise start afresh."""
        self.lock = FolderLock(self.root).acquire()
        try:
            self._prepare(resume)
        except OSError as exc:
            self.close()
            raise write_error(Path(exc.filename or self.root), exc) from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release the folder's lock."""
        lock = getattr(self, "lock", None)
        if lock is not None:
            lock.release()

    def _prepare(self, resume: bool) -> None:
        manifest_path = self.root / "sweep.json"
        if resume and manifest_path.is_file():
            try:
                stored = json.loads(manifest_path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise RunnerError(f"{manifest_path} is not valid JSON ({exc})") from None
            diff = sorted(
                k for k in set(stored) | set(self.manifest)
                if stored.get(k) != self.manifest.get(k)
            )
            if diff:
                raise OutputFolderError(
                    f"cannot resume: {manifest_path} was written by a different sweep "
                    f"(differs in {', '.join(diff)}); use a new output folder or drop --resume"
                )
        else:
            if self.tasks_dir.is_dir():
                for old in self.tasks_dir.glob("*.json"):
                    old.unlink()
        self.tasks_dir.mkdir(parents=True, exist_ok=True)
        for leftover in self.tasks_dir.glob(".*.tmp"):
            leftover.unlink()
        try:
            atomic_write_text(manifest_path, _dumps(self.manifest))
        except OSError as exc:
            raise write_error(manifest_path, exc) from None

    def load(self, key: str, expect: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """The stored record of a finished task, or ``None`` if it has not finished.

        ``expect`` holds what the record must say about itself (index, parameters, seed);
        a record that says otherwise was written by another sweep and is refused.
        """
        path = self._task_path(key)
        if not path.is_file():
            return None
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:  # cannot happen with atomic writes; say so if it does
            raise RunnerError(f"{path} is not valid JSON ({exc}); delete it and resume") from None
        if record.get("key") != key or "result" not in record:
            raise RunnerError(f"{path} does not hold the result of task {key!r}")
        for field_name, value in to_jsonable(dict(expect or {})).items():
            if record.get(field_name) != value:
                raise OutputFolderError(
                    f"cannot resume: {path} was written by a different sweep (its "
                    f"{field_name} is {record.get(field_name)!r}, this sweep's is {value!r}); "
                    "use a new output folder or drop --resume"
                )
        return record

    def save(self, key: str, record: Mapping[str, Any]) -> dict[str, Any]:
        """Write a finished task atomically and return the record as it will be read back."""
        text = _dumps(to_jsonable(dict(record)))
        try:
            atomic_write_text(self._task_path(key), text)
        except OSError as exc:
            raise write_error(self._task_path(key), exc) from None
        return json.loads(text)


def roundtrip(value: Any) -> Any:
    """``value`` exactly as it reads back from the JSON store (so fresh == resumed)."""
    return json.loads(_dumps(to_jsonable(value)))

