"""Argument checks shared by every layer.

Each check raises a ``ValueError`` or ``TypeError`` whose message names the argument, what was
expected and what was given, so that a user can fix the call without reading the source.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "check_choice",
    "check_finite_array",
    "check_level",
    "check_positive",
    "check_probability",
]


def check_level(level: float) -> float:
    """Check a confidence level in the open interval (0, 1) and return it as a float.

    Examples
    --------
    >>> check_level(0.95)
    0.95
    """
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise TypeError(f"level must be a number in (0, 1), got {level!r}") from None
    if not 0.0 < value < 1.0:
        raise ValueError(f"level must be in (0, 1), e.g. 0.95, got {level!r}")
    return value


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """Check that ``value`` is one of ``choices``.

    Examples
    --------
    >>> check_choice("cov", "robust", ("iid", "robust", "cluster"))
    'robust'
    """
    options = tuple(choices)
    if value not in options:
        shown = ", ".join(repr(c) for c in options)
        raise ValueError(f"{name} must be one of {shown}; got {value!r}")
    return value


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Check a finite positive (or non-negative) scalar and return it as a float.

    Examples
    --------
    >>> check_positive("half_life", 4)
    4.0
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        bound = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a finite {bound} number, got {value!r}")
    return x


def check_probability(name: str, value: float) -> float:
    """Check a probability in [0, 1] and return it as a float.

    Examples
    --------
    >>> check_probability("p", 0.2)
    0.2
    """
    x = float(value)
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return x


def check_finite_array(name: str, values: Any, *, ndim: int | None = None) -> np.ndarray:
    """Return ``values`` as a float array, checking that it is finite and of dimension ``ndim``.

    Examples
    --------
    >>> check_finite_array("x", [1, 2]).tolist()
    [1.0, 2.0]
    """
    arr = np.asarray(values, dtype=float)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} has {int(bad.sum())} non-finite values (first at index {first})"
        )
    return arr
