"""Provenance records: what produced an output, so that anyone can tell how to remake it.

A provenance record is a JSON document written next to an output. It holds the package version
and the git commit of the source tree (with whether it had uncommitted changes), the
configuration, the seeds, the SHA-256 of every data file read, the versions of Python and of the
scientific libraries, the platform, the start time and the wall time.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.metadata
import json
import platform
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sahelmodel.report._files import atomic_write_text

__all__ = ["LIBRARIES", "file_sha256", "git_commit", "provenance_record", "write_provenance"]

#: Libraries whose versions are recorded.
LIBRARIES: tuple[str, ...] = (
    "numpy", "scipy", "pandas", "statsmodels", "networkx", "matplotlib", "formulaic", "tqdm",
    "dask", "distributed",
)

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def file_sha256(path: str | Path, *, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"abc")
    >>> file_sha256(f.name)[:16]
    'ba7816bf8f01cfea'
    >>> os.unlink(f.name)
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def git_commit(root: str | Path | None = None) -> dict[str, Any]:
    """Commit hash of the source checkout and whether tracked files differ from it.

    Returns ``{"commit": None, "dirty": None}`` outside a git checkout (an installed wheel).
    """
    root = Path(root) if root is not None else _PACKAGE_ROOT
    if not (root / ".git").exists():
        return {"commit": None, "dirty": None}
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=10, check=True).stdout.strip()
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                 "--untracked-files=no"], capture_output=True, text=True,
                                timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": head, "dirty": bool(status.strip())}


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def provenance_record(
    *,
    config: Mapping[str, Any] | None = None,
    seeds: Mapping[str, Any] | None = None,
    data_files: Mapping[str, str | Path] | None = None,
    wall_time: float | None = None,
    started: _dt.datetime | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build a provenance record.

    Parameters
    ----------
    config : dict, optional
        The configuration used.
    seeds : dict, optional
        Seeds (entropy and spawn keys) used.
    data_files : dict, optional
        ``{label: path}`` of input files; each is recorded with its size and SHA-256.
    wall_time : float, optional
        Seconds the work took.
    started : datetime, optional
        When the work started (UTC).
    extra : dict, optional
        Anything else worth keeping (outputs written, status).

    Returns
    -------
    dict

    Examples
    --------
    >>> rec = provenance_record(config={"n": 1}, wall_time=0.5)
    >>> rec["package"]["name"], rec["wall_time_seconds"], "numpy" in rec["libraries"]
    ('sahelmodel', 0.5, True)
    """
    from sahelmodel import __version__

    files = {}
    for label, path in (data_files or {}).items():
        p = Path(path)
        files[label] = {"path": str(p.resolve()), "bytes": p.stat().st_size,
                        "sha256": file_sha256(p)}
    return {
        "package": {"name": "sahelmodel", "version": __version__, **git_commit()},
        "config": dict(config or {}),
        "seeds": dict(seeds or {}),
        "data_files": files,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": {name: _version(name) for name in LIBRARIES},
        "started_utc": None if started is None else started.isoformat(timespec="seconds"),
        "wall_time_seconds": wall_time,
        **dict(extra or {}),
    }


def write_provenance(path: str | Path, record: Mapping[str, Any]) -> Path:
    """Write a provenance record as indented JSON (atomically) and return the path."""
    path = Path(path)
    atomic_write_text(path, json.dumps(record, indent=2, default=str) + "\n")
    return path
