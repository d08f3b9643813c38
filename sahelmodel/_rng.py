"""One randomness convention for the whole package.

Every function that draws random numbers takes ``rng: int | numpy.random.Generator | None``
and turns it into a :class:`numpy.random.Generator` with :func:`as_generator`. No function
touches numpy's global state. Independent streams for parallel work come from
:func:`spawn`, which uses :class:`numpy.random.SeedSequence` so that results do not depend on
the order or the place in which tasks run.
"""

from __future__ import annotations

import numpy as np

RNGLike = int | np.random.Generator | np.random.SeedSequence | None

__all__ = ["RNGLike", "as_generator", "spawn"]


def as_generator(rng: RNGLike = None) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``rng``.

    Parameters
    ----------
    rng : int, numpy.random.Generator, numpy.random.SeedSequence or None
        A seed, an existing generator (returned unchanged, so draws continue its stream),
        a seed sequence, or ``None`` for fresh operating-system entropy.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> g = as_generator(2024)
    >>> float(g.random()) == float(as_generator(2024).random())
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)):
        raise TypeError(
            f"rng must be an int, a numpy.random.Generator or None, got {type(rng).__name__}"
        )
    if rng < 0:
        raise ValueError(f"rng seed must be a non-negative integer, got {rng}")
    return np.random.default_rng(int(rng))


def spawn(rng: RNGLike, n: int) -> list[np.random.Generator]:
    """Return ``n`` statistically independent generators derived from ``rng``.

    Parameters
    ----------
    rng : int, numpy.random.Generator, numpy.random.SeedSequence or None
        The parent source of randomness.
    n : int
        Number of child generators.

    Returns
    -------
    list of numpy.random.Generator

    Examples
    --------
    >>> a, b = spawn(7, 2)
    >>> float(a.random()) != float(b.random())
    True
    """
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    if isinstance(rng, np.random.Generator):
        return list(rng.spawn(n))
    seq = rng if isinstance(rng, np.random.SeedSequence) else np.random.SeedSequence(
        None if rng is None else int(rng)
    )
    return [np.random.default_rng(s) for s in seq.spawn(n)]
