"""Where the project's own data and experiment scripts live.

In a wheel the top-level ``data/`` and ``experiments/`` folders of the repository are installed
as ``sahelmodel/_data`` and ``sahelmodel/_experiments``; in a source checkout (editable
install) they are read from the repository itself.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["data_dir", "experiments_dir", "shared_dir"]

_HERE = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for path in candidates:
        if path.is_dir():
            return path
    return candidates[-1]


def data_dir() -> Path:
    """Return the folder holding the project's curated data (actors, materiel, synthetic)."""
    return _first_existing(_HERE / "_data", _HERE.parent / "data")


def experiments_dir() -> Path:
    """Return the folder holding the experiment scripts."""
    return _first_existing(_HERE / "_experiments", _HERE.parent / "experiments")


def shared_dir() -> Path | None:
    """Return the folder of shared real data, or ``None`` where it is absent.

    The environment variable ``SAHELMODEL_SHARED`` names it; otherwise ``../shared`` beside the
    repository checkout is used where it exists.
    """
    env = os.environ.get("SAHELMODEL_SHARED")
    if env:
        path = Path(env).expanduser()
        return path if path.is_dir() else None
    candidate = _HERE.parent.parent / "shared"
    return candidate if candidate.is_dir() else None
