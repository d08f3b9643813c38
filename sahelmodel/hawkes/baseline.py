"""Baseline (immigrant) intensities ``mu_d(t)`` of Hawkes processes.

A baseline carries the slow changes in activity (seasons, offensives, the arrival of a new
group) so that they are not mistaken for self-excitation. Three forms, all piecewise constant
in time underneath, which makes integrals exact and sampling of immigrants exact:

* :class:`ConstantBaseline`: ``mu_d(t) = mu_d``.
* :class:`PiecewiseConstantBaseline`: ``mu_d(t) = level[d, p]`` for ``knots[p] <= t <
  knots[p + 1]``, on user knots or automatic ones (:func:`auto_knots`: equally spaced, or at
  quantiles of the event times so each piece holds about as many events).
* :class:`LogLinearBaseline`: ``mu_d(t) = exp(intercept_d + x(t)' coef_d)`` with covariates
  ``x(t)`` given on a time grid (constant within each grid cell, e.g. daily or monthly values).

Every baseline offers ``value(t)``, ``cumulative(t)`` (the integral from an anchor point),
``integral(a, b)``, ``inverse_cumulative(y, dims)`` (for sampling by inversion),
``pieces(start, end)`` (the constant pieces within a window, used for exact immigrant sampling
and by likelihoods) and ``upper_bound(a, b)`` (for thinning).

Outside their knots, piecewise-constant baselines continue with their first and last levels;
a log-linear baseline is defined only on its covariate grid (``domain``), and asking for values
outside it raises.

Examples
--------
>>> b = PiecewiseConstantBaseline([0.0, 10.0, 30.0], [[0.2, 1.0]])
>>> b.value([5.0, 15.0], dims=0).tolist(), b.integral(0.0, 30.0).tolist()
([0.2, 1.0], [22.0])
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "Baseline",
    "ConstantBaseline",
    "LogLinearBaseline",
    "PiecewiseConstantBaseline",
    "as_baseline",
    "auto_knots",
]


def _levels_array(name: str, value: Any, n_pieces: int | None = None) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr[None, :] if n_pieces is not None else arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must have at most two dimensions, got shape {arr.shape}")
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        d, p = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must be finite and non-negative; dimension {d}, piece {p} is {arr[d, p]!r}"
        )
    if n_pieces is not None and arr.shape[1] != n_pieces:
        raise ValueError(
            f"{name} needs {n_pieces} levels per dimension (one per piece between the knots), "
            f"got shape {arr.shape}"
        )
    return arr


def _knots_array(knots: Any) -> np.ndarray:
    k = np.asarray(knots, dtype=float)
    if k.ndim != 1 or k.size < 2:
        raise ValueError(f"knots must be a vector of at least two boundaries, got {k!r}")
    if not np.isfinite(k).all():
        raise ValueError("knots must be finite")
    if (np.diff(k) <= 0).any():
        i = int(np.flatnonzero(np.diff(k) <= 0)[0])
        raise ValueError(
            f"knots must be strictly increasing; knots[{i}]={k[i]:g} >= knots[{i + 1}]={k[i + 1]:g}"
        )
    return k


class Baseline:
    """Piecewise-constant baseline engine shared by all baseline forms.

    Parameters
    ----------
    knots : array_like, shape (K + 1,)
        Boundaries of the ``K`` pieces.
    levels : array_like, shape (D, K)
        Non-negative level of each dimension on each piece.
    domain : tuple of float, optional
        Where the baseline is defined; outside ``knots`` the edge levels continue, and values
        outside ``domain`` raise. Default: the whole real line.

    Notes
    -----
    With interior breakpoints ``b_1 < ... < b_{K-1}`` and the anchor ``b_0 = knots[0]``, the
    cumulative intensity is ``C_d(t) = int_{b_0}^t mu_d(s) ds`` (negative for ``t < b_0``):
    on piece ``p``, ``C_d(t) = C_d(L_p) + level[d, p] (t - L_p)`` where ``L_p`` is the left
    edge of the piece (``L_0 = b_0``).
    """

    def __init__(
        self,
        knots: Any,
        levels: Any,
        *,
        domain: tuple[float, float] = (-np.inf, np.inf),
    ) -> None:
        k = _knots_array(knots)
        lv = _levels_array("levels", levels, n_pieces=k.size - 1)
        self._knots = k
        self._knots.setflags(write=False)
        self._levels = lv
        self._levels.setflags(write=False)
        self._domain = (float(domain[0]), float(domain[1]))
        left = np.concatenate([[k[0]], k[1:-1]])  # left edge of each piece for C
        self._left = left
        widths = np.diff(left)  # (K-1,)
        cum = np.zeros((lv.shape[0], lv.shape[1]))
        cum[:, 1:] = np.cumsum(lv[:, :-1] * widths, axis=1)
        self._cum_left = cum  # C_d at the left edge of each piece

    # ----------------------------------------------------------------- description
    @property
    def n_dims(self) -> int:
        """Number of dimensions ``D``."""
        return int(self._levels.shape[0])

    @property
    def knots(self) -> np.ndarray:
        """Piece boundaries, shape ``(K + 1,)``."""
        return self._knots

    @property
    def levels(self) -> np.ndarray:
        """Levels, shape ``(D, K)``."""
        return self._levels

    @property
    def domain(self) -> tuple[float, float]:
        """Interval on which the baseline is defined."""
        return self._domain

    def _check_domain(self, t: np.ndarray) -> None:
        lo, hi = self._domain
        if t.size and (t.min() < lo or t.max() > hi):
            raise ValueError(
                f"{type(self).__name__} is defined on [{lo:g}, {hi:g}] (its covariate grid); "
                f"asked for times in [{t.min():g}, {t.max():g}]"
            )

    def _piece(self, t: np.ndarray) -> np.ndarray:
        return np.searchsorted(self._knots[1:-1], t, side="right")

    # ----------------------------------------------------------------- evaluation
    def value(self, t: Any, dims: Any = None) -> np.ndarray:
        """``mu_d(t)``: shape ``t.shape + (D,)`` when ``dims`` is None, else broadcast shape."""
        t = np.asarray(t, dtype=float)
        self._check_domain(t)
        p = self._piece(t)
        if dims is None:
            return np.moveaxis(self._levels[:, p], 0, -1)
        d = np.asarray(dims, dtype=np.int64)
        self._check_dims(d)
        return self._levels[d, p]

    def cumulative(self, t: Any) -> np.ndarray:
        """``C_d(t) = int_{knots[0]}^t mu_d``, shape ``t.shape + (D,)``."""
        t = np.asarray(t, dtype=float)
        self._check_domain(t)
        p = self._piece(t)
        out = self._cum_left[:, p] + self._levels[:, p] * (t - self._left[p])
        return np.moveaxis(out, 0, -1)

    def integral(self, a: Any, b: Any) -> np.ndarray:
        """``int_a^b mu_d(s) ds`` for each dimension, shape ``broadcast(a, b).shape + (D,)``."""
        a = np.asarray(a, dtype=float)
        b = np.asarray(b, dtype=float)
        return self.cumulative(b) - self.cumulative(a)

    def mean(self, start: float, end: float) -> np.ndarray:
        """Average ``mu_d`` over ``[start, end]``, shape ``(D,)``."""
        if not end > start:
            raise ValueError(f"need end > start, got [{start}, {end}]")
        return self.integral(start, end) / (end - start)

    def inverse_cumulative(self, y: Any, dims: Any) -> np.ndarray:
        """The earliest time ``t`` with ``C_d(t) >= y`` for each ``(y, d)`` pair (broadcast).

        This is the generalised inverse of the cumulative intensity: it maps unit-rate Poisson
        points to points of the inhomogeneous Poisson process with rate ``mu_d``. Where a zero
        level continues forever the result is ``+inf`` (never reached) or ``-inf``.
        """
        y = np.asarray(y, dtype=float)
        d = np.asarray(dims, dtype=np.int64)
        shape = np.broadcast_shapes(y.shape, d.shape)
        y = np.broadcast_to(y, shape).ravel()
        d = np.broadcast_to(d, shape).ravel()
        self._check_dims(d)
        p = np.zeros(y.size, dtype=np.int64)
        for dim in np.unique(d):  # one searchsorted per dimension, vectorised over events
            sel = d == dim
            p[sel] = np.searchsorted(self._cum_left[dim, 1:], y[sel], side="left")
        lv = self._levels[d, p]
        with np.errstate(divide="ignore", invalid="ignore"):
            step = (y - self._cum_left[d, p]) / lv
        # a zero level is found only where C never reaches y: after the last knot (+inf) or,
        # before the first, for y <= 0 (every earlier time qualifies: -inf)
        step = np.where(lv > 0, step, np.where(y > self._cum_left[d, p], np.inf, -np.inf))
        return (self._left[p] + step).reshape(shape)

    def pieces(self, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
        """Constant pieces within ``[start, end]``: edges ``(P + 1,)`` and levels ``(D, P)``."""
        if not end >= start:
            raise ValueError(f"need end >= start, got [{start}, {end}]")
        self._check_domain(np.asarray([start, end]))
        inner = self._knots[1:-1]
        inner = inner[(inner > start) & (inner < end)]
        edges = np.concatenate([[start], inner, [end]])
        mids = edges[:-1] + 0.5 * np.diff(edges)
        return edges, self._levels[:, self._piece(mids)]

    def upper_bound(self, a: float, b: float) -> np.ndarray:
        """``sup_{a <= t <= b} mu_d(t)`` for each dimension (exact for piecewise constant)."""
        _, lv = self.pieces(a, b if b > a else a)
        return lv.max(axis=1)

    def _check_dims(self, d: np.ndarray) -> None:
        if d.size and (d.min() < 0 or d.max() >= self.n_dims):
            raise ValueError(f"dims must lie in 0..{self.n_dims - 1}")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.n_dims} dimensions, {self._levels.shape[1]} pieces on "
            f"[{self._knots[0]:g}, {self._knots[-1]:g}])"
        )

    def __eq__(self, other: object) -> bool:
        return (
            type(self) is type(other)
            and np.array_equal(self._knots, other._knots)  # type: ignore[attr-defined]
            and np.array_equal(self._levels, other._levels)  # type: ignore[attr-defined]
            and self._domain == other._domain  # type: ignore[attr-defined]
        )

    __hash__ = None  # type: ignore[assignment]


class ConstantBaseline(Baseline):
    """Constant baseline ``mu_d(t) = mu_d``.

    Parameters
    ----------
    mu : float or array_like, shape (D,)
        Non-negative rates per day.

    Examples
    --------
    >>> b = ConstantBaseline([0.5, 0.1])
    >>> b.mu.tolist(), b.integral(0.0, 10.0).tolist()
    ([0.5, 0.1], [5.0, 1.0])
    """

    def __init__(self, mu: Any) -> None:
        arr = np.atleast_1d(np.asarray(mu, dtype=float))
        if arr.ndim != 1:
            raise ValueError(f"mu must be a scalar or a vector, got shape {arr.shape}")
        super().__init__([0.0, 1.0], _levels_array("mu", arr[:, None], n_pieces=1))

    @property
    def mu(self) -> np.ndarray:
        """The rates, shape ``(D,)``."""
        return self._levels[:, 0]

    def integral(self, a: Any, b: Any) -> np.ndarray:
        """``mu_d (b - a)``, computed from the difference directly."""
        diff = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
        return diff[..., None] * self.mu

    def __repr__(self) -> str:
        return f"ConstantBaseline(mu={self.mu.tolist()})"


class PiecewiseConstantBaseline(Baseline):
    """Baseline constant between knots: ``mu_d(t) = level[d, p]`` on ``[knots[p], knots[p+1])``.

    Parameters
    ----------
    knots : array_like, shape (K + 1,)
        Strictly increasing boundaries (see :func:`auto_knots`).
    levels : array_like, shape (D, K), or (K,) for one dimension
        Non-negative rates per day on each piece.

    Notes
    -----
    Before ``knots[0]`` and after ``knots[-1]`` the first and last levels continue.

    Examples
    --------
    >>> b = PiecewiseConstantBaseline([0, 60, 120], [0.2, 2.0])
    >>> b.n_dims, b.value(90.0).tolist()
    (1, [2.0])
    """

    def __init__(self, knots: Any, levels: Any) -> None:
        k = _knots_array(knots)
        super().__init__(k, _levels_array("levels", levels, n_pieces=k.size - 1))


class LogLinearBaseline(Baseline):
    """Log-linear baseline ``mu_d(t) = exp(intercept_d + x(t)' coef_d)``.

    Parameters
    ----------
    grid : array_like, shape (G + 1,)
        Boundaries of the grid cells on which the covariates are given (e.g. days).
    covariates : array_like, shape (G, P)
        Covariate values, constant within each cell.
    coef : array_like, shape (D, P) or (P,)
        Coefficients per dimension.
    intercept : float or array_like, shape (D,)
        Log baseline when all covariates are zero.

    Notes
    -----
    The baseline is defined only on ``[grid[0], grid[-1]]``; asking for it elsewhere raises.
    Integrals are exact sums over grid cells.

    Examples
    --------
    >>> b = LogLinearBaseline([0, 1, 2], [[0.0], [1.0]], coef=[np.log(2.0)], intercept=0.0)
    >>> b.value([0.5, 1.5], dims=0).tolist()
    [1.0, 2.0]
    """

    def __init__(self, grid: Any, covariates: Any, coef: Any, intercept: Any = 0.0) -> None:
        g = _knots_array(grid)
        x = np.asarray(covariates, dtype=float)
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[0] != g.size - 1:
            raise ValueError(
                f"covariates must have shape ({g.size - 1}, P) for a grid of {g.size} "
                f"boundaries, got {np.shape(covariates)}"
            )
        if not np.isfinite(x).all():
            bad = np.argwhere(~np.isfinite(x))[0]
            raise ValueError(f"covariates are not finite at cell {bad[0]}, column {bad[1]}")
        beta = np.asarray(coef, dtype=float)
        if beta.ndim <= 1:
            beta = beta.reshape(1, -1)
        if beta.ndim != 2 or beta.shape[1] != x.shape[1]:
            raise ValueError(
                f"coef must have shape (D, {x.shape[1]}) for {x.shape[1]} covariates, got "
                f"{np.shape(coef)}"
            )
        icpt = np.broadcast_to(np.asarray(intercept, dtype=float), (beta.shape[0],)).copy()
        if not (np.isfinite(beta).all() and np.isfinite(icpt).all()):
            raise ValueError("coef and intercept must be finite")
        eta = icpt[:, None] + beta @ x.T
        if eta.max() > 700:
            raise ValueError(
                f"the log baseline reaches {eta.max():.4g}, which overflows exp(); rescale "
                "the covariates or the coefficients"
            )
        self._x = x
        self._coef = beta
        self._intercept = icpt
        super().__init__(g, np.exp(eta), domain=(float(g[0]), float(g[-1])))

    @property
    def covariates(self) -> np.ndarray:
        """Covariates per grid cell, shape ``(G, P)``."""
        return self._x

    @property
    def coef(self) -> np.ndarray:
        """Coefficients, shape ``(D, P)``."""
        return self._coef

    @property
    def intercept(self) -> np.ndarray:
        """Intercepts, shape ``(D,)``."""
        return self._intercept


def auto_knots(
    times: Any, start: float, end: float, n_pieces: int, *, method: str = "equal"
) -> np.ndarray:
    """Knots for a piecewise-constant baseline on ``[start, end]``.

    Parameters
    ----------
    times : array_like
        Event times (pooled over dimensions); used by ``method="quantile"``.
    start, end : float
        The observation window.
    n_pieces : int
        Number of pieces wanted.
    method : {"equal", "quantile"}
        Equally long pieces, or boundaries at quantiles of the event times (duplicates from
        ties are merged, so fewer pieces may result).

    Returns
    -------
    numpy.ndarray
        Strictly increasing knots from ``start`` to ``end``.

    Examples
    --------
    >>> auto_knots([], 0.0, 300.0, 3).tolist()
    [0.0, 100.0, 200.0, 300.0]
    """
    n = int(n_pieces)
    if n < 1:
        raise ValueError(f"n_pieces must be at least 1, got {n_pieces}")
    if not end > start:
        raise ValueError(f"need end > start, got [{start}, {end}]")
    if method == "equal":
        return np.linspace(start, end, n + 1)
    if method != "quantile":
        raise ValueError(f"method must be 'equal' or 'quantile', got {method!r}")
    t = np.asarray(times, dtype=float)
    t = t[(t >= start) & (t <= end)]
    if t.size < n:
        raise ValueError(f"quantile knots need at least {n} events in the window, got {t.size}")
    inner = np.quantile(t, np.linspace(0, 1, n + 1)[1:-1])
    knots = np.unique(np.concatenate([[start], inner, [end]]))
    return knots


def as_baseline(baseline: Baseline | Any) -> Baseline:
    """Return ``baseline`` itself, or a :class:`ConstantBaseline` for a scalar or vector.

    Examples
    --------
    >>> as_baseline(0.5).mu.tolist()
    [0.5]
    """
    if isinstance(baseline, Baseline):
        return baseline
    return ConstantBaseline(baseline)
