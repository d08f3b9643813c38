"""Atomic, resumable storage of task results as JSON files.

A sweep named ``name`` keeps its state in ``<out_dir>/<name>/``: a manifest ``sweep.json``
(name, seed, number of tasks and a SHA-256 fingerprint of the task list) and one file
``tasks/<key>.json`` per finished task. Every file is written to a temporary file in the same
folder and moved into place with :func:`os.replace`, which is atomic on POSIX and Windows, so a
process killed at any instant leaves either the complete file or no file, never half of one.
Results are stored as JSON (never pickle), so a stored result is read back exactly: Python's
``json`` writes floats with ``repr`` and reads them back bit for bit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sahelmodel.report._files import atomic_write_text

__all__ = ["RunnerError", "SweepStore", "atomic_write_text", "to_jsonable"]


class RunnerError(RuntimeError):
    """A sweep could not be run, stored or resumed; the message says what and where."""


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
        """Create the folder; on resume check the manifest, otherwise start afresh."""
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
                raise RunnerError(
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
        atomic_write_text(manifest_path, _dumps(self.manifest))

    def load(self, key: str) -> dict[str, Any] | None:
        """The stored record of a finished task, or ``None`` if it has not finished."""
        path = self._task_path(key)
        if not path.is_file():
            return None
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:  # cannot happen with atomic writes; say so if it does
            raise RunnerError(f"{path} is not valid JSON ({exc}); delete it and resume") from None
        if record.get("key") != key or "result" not in record:
            raise RunnerError(f"{path} does not hold the result of task {key!r}")
        return record

    def save(self, key: str, record: Mapping[str, Any]) -> dict[str, Any]:
        """Write a finished task atomically and return the record as it will be read back."""
        text = _dumps(to_jsonable(dict(record)))
        atomic_write_text(self._task_path(key), text)
        return json.loads(text)


def roundtrip(value: Any) -> Any:
    """``value`` exactly as it reads back from the JSON store (so fresh == resumed)."""
    return json.loads(_dumps(to_jsonable(value)))

