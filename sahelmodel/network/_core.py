r"""Array cores of the temporal network: calendar periods, tie aggregation, decay, adjacency.

Everything here takes and returns numpy arrays or scipy.sparse matrices (no pandas, no result
classes), and every function is vectorised: no Python loop runs once per event, per tie or per
period. The slow, obviously correct counterparts live in :mod:`sahelmodel.network._reference`.

Notes
-----
Decay. With ``delta = exp(-ln 2 / half_life)`` (half-life in periods) the intensity of every tie
follows the linear recursion

.. math:: W_t = \delta W_{t-1} + C_t, \qquad W_{-1} = 0,

which is a first-order IIR filter along the time axis; :func:`decay` applies it to all ties at
once with :func:`scipy.signal.lfilter` (coefficients ``b = [1]``, ``a = [1, -delta]``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = [
    "FREQS",
    "aggregate_ties",
    "decay",
    "decay_factor",
    "distinct",
    "lookup",
    "pairs_within_groups",
    "period_codes",
    "period_starts",
    "sorted_unique",
]

#: Calendar period codes understood by the network and the panels.
FREQS: tuple[str, ...] = ("D", "W", "M", "Y")

# 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday (pandas "W-SUN").
_WEEK_SHIFT = 3


def period_codes(dates: np.ndarray, freq: str) -> np.ndarray:
    """Absolute period number of each date (int64; consecutive periods differ by one).

    Parameters
    ----------
    dates : numpy.ndarray
        ``datetime64`` values.
    freq : {"D", "W", "M", "Y"}
        Day, week (Monday to Sunday), calendar month or calendar year.

    Returns
    -------
    numpy.ndarray
        ``int64`` codes: days, weeks, months or years since the 1970 epoch period.

    Examples
    --------
    >>> import numpy as np
    >>> period_codes(np.array(["1970-01-04", "1970-01-05"], dtype="datetime64[D]"), "W")
    array([0, 1])
    """
    if freq == "D":
        return dates.astype("datetime64[D]").astype(np.int64)
    if freq == "W":
        days = dates.astype("datetime64[D]").astype(np.int64)
        return (days + _WEEK_SHIFT) // 7
    if freq == "M":
        return dates.astype("datetime64[M]").astype(np.int64)
    if freq == "Y":
        return dates.astype("datetime64[Y]").astype(np.int64)
    raise ValueError(f"freq must be one of {', '.join(FREQS)}; got {freq!r}")


def period_starts(codes: np.ndarray, freq: str) -> np.ndarray:
    """First day (``datetime64[ns]``, midnight) of each period code from :func:`period_codes`.

    Examples
    --------
    >>> period_starts(np.array([0, 1]), "W").astype("datetime64[D]").tolist()
    [datetime.date(1969, 12, 29), datetime.date(1970, 1, 5)]
    """
    codes = np.asarray(codes, dtype=np.int64)
    if freq == "D":
        out = codes.astype("datetime64[D]")
    elif freq == "W":
        out = (codes * 7 - _WEEK_SHIFT).astype("datetime64[D]")
    elif freq == "M":
        out = codes.astype("datetime64[M]")
    elif freq == "Y":
        out = codes.astype("datetime64[Y]")
    else:
        raise ValueError(f"freq must be one of {', '.join(FREQS)}; got {freq!r}")
    return out.astype("datetime64[ns]")


def decay_factor(half_life: float | None) -> float:
    """Per-period retention ``exp(-ln 2 / half_life)``; 0 (no memory) when ``half_life`` is None.

    Examples
    --------
    >>> decay_factor(1.0)
    0.5
    """
    if half_life is None:
        return 0.0
    return float(np.exp(-np.log(2.0) / half_life))


def sorted_unique(
    keys: np.ndarray, *, return_inverse: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """``np.unique`` of int keys by one stable sort (numpy's hashing path is slow for int64).

    Examples
    --------
    >>> sorted_unique(np.array([5, 2, 5, 0]), return_inverse=True)
    (array([0, 2, 5]), array([2, 1, 2, 0]))
    """
    keys = np.asarray(keys, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.ones(ordered.size, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    values = ordered[first]
    if not return_inverse:
        return values
    inverse = np.empty(keys.size, dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return values, inverse


def distinct(
    keys: np.ndarray, space: int, *, return_inverse: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of non-negative int ``keys`` below ``space`` (like np.unique).

    When ``space`` is not much larger than the number of keys, a presence table (bincount) is
    used instead of sorting: linear time.

    Examples
    --------
    >>> distinct(np.array([5, 2, 5, 0]), 8, return_inverse=True)
    (array([0, 2, 5]), array([2, 1, 2, 0]))
    """
    keys = np.asarray(keys, dtype=np.int64)
    if space > 4 * keys.size + 65_536:
        return sorted_unique(keys, return_inverse=return_inverse)
    present = np.bincount(keys, minlength=space) > 0
    values = np.flatnonzero(present).astype(np.int64)
    if not return_inverse:
        return values
    rank = np.cumsum(present) - 1
    return values, rank[keys].astype(np.int64)


def aggregate_ties(
    keys: np.ndarray, period: np.ndarray, weight: np.ndarray, n_periods: int
) -> tuple[np.ndarray, sp.csr_matrix, sp.csr_matrix]:
    """Group tie occurrences by key and period.

    Parameters
    ----------
    keys : numpy.ndarray
        ``int64`` tie key of each occurrence (any encoding of source, target, direction).
    period : numpy.ndarray
        Period index (0 .. ``n_periods - 1``) of each occurrence.
    weight : numpy.ndarray
        Weight of each occurrence.
    n_periods : int
        Number of periods.

    Returns
    -------
    unique_keys : numpy.ndarray
        The sorted distinct keys (one row per observed tie).
    count : scipy.sparse.csr_matrix
        ``int64`` (ties × periods): number of occurrences.
    total : scipy.sparse.csr_matrix
        ``float64`` (ties × periods): summed weights.

    Examples
    --------
    >>> u, c, w = aggregate_ties(np.array([7, 3, 7]), np.array([0, 1, 0]),
    ...                          np.array([1.0, 2.0, 5.0]), 2)
    >>> u.tolist(), c.toarray().tolist(), w.toarray().tolist()
    ([3, 7], [[0, 1], [2, 0]], [[0.0, 2.0], [6.0, 0.0]])
    """
    keys = np.asarray(keys, dtype=np.int64)
    space = int(keys.max()) + 1 if keys.size else 0
    unique_keys, row = distinct(keys, space, return_inverse=True)
    shape = (unique_keys.size, int(n_periods))
    period = np.asarray(period, dtype=np.int64)
    count = sp.csr_matrix(
        (np.ones(keys.size, dtype=np.int64), (row, period)), shape=shape, dtype=np.int64
    )
    count.sum_duplicates()
    weight = np.asarray(weight, dtype=np.float64)
    if np.all(weight == 1.0):
        # unit weights: the summed weight is the count (exact in float64 below 2**53), with
        # the same sparsity pattern, so the second COO -> CSR conversion is skipped
        return unique_keys, count, count.astype(np.float64)
    total = sp.csr_matrix((weight, (row, period)), shape=shape, dtype=np.float64)
    total.sum_duplicates()
    return unique_keys, count, total


def decay(values: sp.spmatrix | np.ndarray, factor: float) -> np.ndarray | sp.csr_matrix:
    """Apply ``W[t] = factor * W[t-1] + C[t]`` along axis 1 of a ties × periods matrix.

    With ``factor == 0`` the input is returned (as CSR) unchanged: no memory, no densifying.
    Otherwise the result is a dense ``float64`` array of the same shape, so memory grows with
    the number of observed ties times the number of periods, never with actors squared.

    Examples
    --------
    >>> decay(np.array([[1.0, 0.0, 0.0, 2.0]]), 0.5).tolist()
    [[1.0, 0.5, 0.25, 2.125]]
    """
    if factor == 0.0:
        return sp.csr_matrix(values, dtype=np.float64)
    dense = values.toarray() if sp.issparse(values) else np.asarray(values, dtype=np.float64)
    if dense.size == 0:
        return dense.astype(np.float64)
    from scipy.signal import lfilter  # (scipy.signal takes 0.7 s to import)

    return lfilter([1.0], [1.0, -factor], dense.astype(np.float64, copy=False), axis=1)


def lookup(sorted_keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Row of each ``query`` key in ``sorted_keys``, or -1 where it is absent.

    Examples
    --------
    >>> lookup(np.array([2, 5, 9]), np.array([5, 3, 9])).tolist()
    [1, -1, 2]
    """
    sorted_keys = np.asarray(sorted_keys, dtype=np.int64)
    query = np.asarray(query, dtype=np.int64)
    if sorted_keys.size == 0:
        return np.full(query.shape, -1, dtype=np.int64)
    pos = np.searchsorted(sorted_keys, query)
    pos_clipped = np.minimum(pos, sorted_keys.size - 1)
    found = sorted_keys[pos_clipped] == query
    return np.where(found, pos_clipped, -1).astype(np.int64)


def pairs_within_groups(group: np.ndarray, member: np.ndarray) -> tuple[np.ndarray, ...]:
    """All pairs of members within each group, without a loop over groups.

    Inputs must be sorted by (group, member); returns ``(group, first, second)`` with
    ``first < second`` when members are distinct.

    Examples
    --------
    >>> [x.tolist() for x in pairs_within_groups(np.array([0, 0, 0, 1]), np.array([1, 2, 3, 0]))]
    [[0, 0, 0], [1, 1, 2], [2, 3, 3]]
    """
    if group.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, group.size])
    pos = np.arange(group.size) - np.repeat(starts, sizes)
    later = np.repeat(sizes, sizes) - pos - 1  # partners after each member in its group
    total = int(later.sum())
    first = np.repeat(np.arange(group.size), later)
    offset = np.arange(total) - np.repeat(np.cumsum(later) - later, later)
    second = first + 1 + offset
    return group[first], member[first], member[second]
