r"""Simulation of marked multivariate Hawkes processes: cluster construction and Ogata thinning.

Two exact simulators of the same process (see :mod:`sahelmodel.hawkes.params` for the model):

* ``method="branching"`` (default, fast): the cluster (Galton-Watson) construction, vectorised
  by generation. Immigrants come from the baseline: on each constant piece of ``mu_d`` on the
  window, a Poisson number of them, placed uniformly (exact for every baseline here, which are
  all piecewise constant). Then, one generation at a time and for all parents at once, the
  number of direct offspring of each parent in dimension ``k`` with mark ``m`` is drawn as
  ``Poisson(kappa_m * sum_d adjacency[d, k])`` (``kappa_0 = 1``), each child's dimension ``d``
  from the categorical distribution ``adjacency[:, k] / sum_d adjacency[d, k]`` (the same law
  as independent Poisson counts per target), its lag from the kernel ``g_dk`` and its mark
  from the categorical distribution ``mark_probability[d]`` (unmarked otherwise). Children
  after ``end_time`` are discarded (their own descendants would come later still). The Python
  loop runs once per generation, never once per event.
* ``method="thinning"`` (slow reference): Ogata's modified thinning, one candidate point at a
  time in a plain Python loop. Between events the excitation of every kernel here only decays,
  and the baseline is constant until its next knot, so the intensity at the current time
  (with the baseline's level until the next knot) bounds the intensity until the next event or
  knot.

Both start from an empty history at ``start`` and return :class:`~sahelmodel.EventTimes` on
``[start, end_time]``.

Examples
--------
>>> et = simulate_hawkes(0.5, 0.5, 1.0, 1000.0, rng=1)
>>> et.n_dims, 800 < len(et) < 1200
(1, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sahelmodel._rng import RNGLike, as_generator
from sahelmodel.event_times import EventTimes
from sahelmodel.hawkes.baseline import Baseline
from sahelmodel.hawkes.kernels import Kernel, as_kernel
from sahelmodel.hawkes.params import HawkesParams

__all__ = ["SimulationOverflowError", "simulate", "simulate_hawkes"]

#: Default cap on the number of simulated events (protects against explosive parameters).
MAX_EVENTS = 20_000_000


class SimulationOverflowError(RuntimeError):
    """Raised when a simulation exceeds ``max_events`` (usually an explosive process)."""


def simulate_hawkes(
    baseline: float | Sequence[float] | np.ndarray | Baseline,
    adjacency: float | Sequence[Sequence[float]] | np.ndarray,
    decay: float | Sequence[Any] | np.ndarray | None,
    end_time: float,
    *,
    kernel: Kernel | None = None,
    marks: float | Sequence[float] | np.ndarray | None = None,
    mark_multiplier: float | Sequence[float] | np.ndarray = 1.0,
    start: float = 0.0,
    dim_names: Sequence[str] | None = None,
    rng: RNGLike = None,
    method: str = "branching",
    max_events: int = MAX_EVENTS,
) -> EventTimes:
    r"""Simulate a (marked, multivariate) Hawkes process on ``[start, end_time]``.

    Parameters
    ----------
    baseline : float, array_like of shape (D,), or Baseline
        Immigrant rates per day (scalar for one dimension), or a baseline object
        (:class:`~sahelmodel.hawkes.ConstantBaseline`,
        :class:`~sahelmodel.hawkes.PiecewiseConstantBaseline`,
        :class:`~sahelmodel.hawkes.LogLinearBaseline`).
    adjacency : float or array_like, shape (D, D)
        Branching ratios: ``adjacency[d, k]`` is the expected number of direct offspring in
        dimension ``d`` of one (unmarked) event in dimension ``k``.
    decay : float or array_like, or None
        Rate of the exponential kernel ``decay * exp(-decay * t)`` (mean lag ``1 / decay``
        days): scalar, ``(D,)`` per target, or ``(D, D)`` per pair. ``None`` when ``kernel``
        is given.
    end_time : float
        End of the simulated window, in days.
    kernel : Kernel, optional
        Another kernel (e.g. :class:`~sahelmodel.hawkes.SumExponentialKernel`) instead of
        ``decay``.
    marks : float or array_like of shape (D,) or (D, M), optional
        Probability that an event of each dimension carries a mark (e.g. ``0.02``: 2% of
        events are captures), or each of ``M`` mark levels. ``None``: unmarked events.
    mark_multiplier : float or array_like of shape (M,), default 1.0
        ``kappa``: marked events have ``kappa`` times the offspring of unmarked ones (one
        multiplier per mark level).
    start : float, default 0.0
        Start of the window (the history before it is empty).
    dim_names : sequence of str, optional
        Labels of the dimensions.
    rng : int, numpy.random.Generator or None
        Source of randomness.
    method : {"branching", "thinning"}
        The vectorised cluster construction, or Ogata thinning (slow reference).
    max_events : int
        Stop with :class:`SimulationOverflowError` beyond this many events.

    Returns
    -------
    EventTimes
        Sorted event times with dimensions, marks (0 or the mark level, when ``marks`` is
        given), the window
        ``[start, end_time]`` and ``dim_names``.

    Notes
    -----
    The intensity is

    .. math::

        \lambda_d(t) = \mu_d(t) + \sum_{t_j < t} A_{d k_j}\,\kappa_{m_j}\,
        \beta e^{-\beta (t - t_j)},

    and with a constant baseline and spectral radius of
    ``A * (1 - p + p * kappa)`` below one, the mean intensity is
    ``(I - A (1 - p + p kappa))^{-1} mu``.

    Examples
    --------
    >>> et = simulate_hawkes([0.2, 0.1], [[0.3, 0.2], [0.1, 0.4]], 0.5, 500.0,
    ...                      marks=0.05, mark_multiplier=2.0, rng=7)
    >>> et.n_dims, et.marks is not None, et.end
    (2, True, 500.0)
    """
    if kernel is not None and decay is not None:
        raise ValueError("give either decay (exponential kernel) or kernel, not both")
    params = HawkesParams(
        baseline=baseline,
        adjacency=adjacency,
        kernel=kernel if kernel is not None else as_kernel(decay),
        mark_multiplier=mark_multiplier,
        mark_probability=marks,
        dim_names=dim_names,
    )
    return simulate(
        params, end_time, start=start, rng=rng, method=method, max_events=max_events
    )


def simulate(
    params: HawkesParams,
    end_time: float,
    *,
    start: float = 0.0,
    rng: RNGLike = None,
    method: str = "branching",
    max_events: int = MAX_EVENTS,
) -> EventTimes:
    """Simulate the Hawkes process described by ``params`` on ``[start, end_time]``.

    Parameters
    ----------
    params : HawkesParams
        Baseline, adjacency, kernel, mark multiplier and mark probabilities.
    end_time : float
        End of the window in days.
    start : float, default 0.0
        Start of the window.
    rng : int, numpy.random.Generator or None
        Source of randomness.
    method : {"branching", "thinning"}
        Simulator (see the module docstring).
    max_events : int
        Upper limit on the number of events.

    Returns
    -------
    EventTimes

    Raises
    ------
    SimulationOverflowError
        When more than ``max_events`` events are generated (an explosive process).

    Examples
    --------
    >>> p = HawkesParams(baseline=0.05, adjacency=0.5, kernel=1 / 14)
    >>> simulate(p, 3650.0, rng=3).n_events > 0
    True
    """
    if not isinstance(params, HawkesParams):
        raise TypeError(f"params must be HawkesParams, got {type(params).__name__}")
    start_f = float(start)
    end_f = float(end_time)
    if not (np.isfinite(start_f) and np.isfinite(end_f) and end_f > start_f):
        raise ValueError(f"need finite start < end_time, got start={start!r}, end={end_time!r}")
    if method not in ("branching", "thinning"):
        raise ValueError(f"method must be 'branching' or 'thinning', got {method!r}")
    gen = as_generator(rng)
    core = _branching if method == "branching" else _thinning
    times, dims, marks = core(params, start_f, end_f, gen, int(max_events))
    return EventTimes(
        times,
        dims=dims,
        marks=None if params.mark_probability is None else marks,
        start=start_f,
        end=end_f,
        n_dims=params.n_dims,
        dim_names=params.dim_names,
    )


def _overflow(params: HawkesParams, n: int, max_events: int) -> SimulationOverflowError:
    return SimulationOverflowError(
        f"the simulation passed max_events={max_events} ({n} events so far); the branching "
        f"ratio is {params.branching_ratio:.4g}"
        + (" (>= 1: the process is explosive)" if not params.is_stationary else "")
        + "; shorten the window, lower the adjacency, or raise max_events"
    )


def _immigrants(
    baseline: Baseline, start: float, end: float, gen: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Exact immigrant times and dimensions: Poisson counts per constant piece, uniform times."""
    edges, levels = baseline.pieces(start, end)
    n_dims, n_pieces = levels.shape
    lengths = np.diff(edges)
    counts = gen.poisson(levels * lengths[None, :]).ravel()  # row-major: (dim, piece)
    cell = np.repeat(np.arange(n_dims * n_pieces), counts)
    dims = cell // n_pieces
    piece = cell % n_pieces
    times = edges[piece] + gen.random(cell.size) * lengths[piece]
    return times, dims.astype(np.int64)


def _target_table(adjacency: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column sums and a flat table for drawing children's dimensions for every parent at once.

    For source ``k`` the normalised cumulative column ``c_k`` lies in ``(0, 1]``; the flat
    table holds ``c_k + k`` for all ``k`` in order, so one ``searchsorted`` of ``k + u`` draws
    the target of every child whatever its parent's dimension.
    """
    n = adjacency.shape[0]
    totals = adjacency.sum(axis=0)
    safe = np.where(totals > 0, totals, 1.0)
    cum = np.cumsum(adjacency, axis=0) / safe[None, :]
    cum[-1, :] = 1.0
    flat = (cum + np.arange(n)[None, :]).T.ravel()  # source-major
    return totals, flat


def _draw_marks(params: HawkesParams, dims: np.ndarray, gen: np.random.Generator) -> np.ndarray:
    """Mark of each event: level ``m`` with probability ``mark_probability[d, m - 1]``, else 0."""
    if params.mark_probability is None:
        return np.zeros(dims.size, dtype=np.int64)
    cum = np.cumsum(params.mark_probability, axis=1)  # (D, M)
    u = gen.random(dims.size)
    passed = (u[:, None] >= cum[dims]).sum(axis=1)
    return np.where(passed < cum.shape[1], passed + 1, 0).astype(np.int64)


def _branching(
    params: HawkesParams, start: float, end: float, gen: np.random.Generator, max_events: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_dims = params.n_dims
    weights = params.mark_weights
    totals, flat = _target_table(params.adjacency)
    kernel = params.kernel

    times, dims = _immigrants(params.baseline, start, end, gen)
    marks = _draw_marks(params, dims, gen)
    out_t, out_d, out_m = [times], [dims], [marks]
    n_total = times.size
    if n_total > max_events:
        raise _overflow(params, n_total, max_events)
    while times.size:
        mean = totals[dims] * weights[marks]
        n_children = gen.poisson(mean)
        if not n_children.any():
            break
        if n_children.sum() > max_events:  # (all are drawn before those past the end go)
            raise _overflow(params, n_total + int(n_children.sum()), max_events)
        parent = np.repeat(np.arange(times.size), n_children)
        source = dims[parent]
        u = gen.random(parent.size)
        target = np.searchsorted(flat, source + u, side="right") - source * n_dims
        target = np.minimum(target, n_dims - 1)  # guards rounding at the top of a column
        lags = kernel.sample(target, source, gen)
        child_t = times[parent] + lags
        child_m = _draw_marks(params, target, gen)
        keep = child_t < end
        times, dims, marks = child_t[keep], target[keep], child_m[keep]
        n_total += times.size
        if n_total > max_events:
            raise _overflow(params, n_total, max_events)
        out_t.append(times)
        out_d.append(dims)
        out_m.append(marks)
    all_t = np.concatenate(out_t)
    order = np.argsort(all_t)  # ties have probability zero; the sort is deterministic
    return (
        all_t[order],
        np.concatenate(out_d)[order].astype(np.int64),
        np.concatenate(out_m)[order].astype(np.int64),
    )


def _thinning(
    params: HawkesParams, start: float, end: float, gen: np.random.Generator, max_events: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ogata's thinning: the slow, obviously correct reference (a Python loop per point)."""
    n_dims = params.n_dims
    beta = params.kernel.decays(n_dims)  # (D, D, C)
    weight = params.kernel.weights(n_dims)
    coef = params.adjacency[:, :, None] * weight * beta  # intensity per unit of state
    state = np.zeros_like(beta)  # sum over past events of k: m_j exp(-beta (t - t_j))
    cum_prob = (
        None if params.mark_probability is None else np.cumsum(params.mark_probability, axis=1)
    )
    weights = params.mark_weights
    edges, levels = params.baseline.pieces(start, end)
    out_t: list[float] = []
    out_d: list[int] = []
    out_m: list[int] = []
    t = start
    piece = 0
    while piece < levels.shape[1]:
        next_edge = edges[piece + 1]
        mu = levels[:, piece]
        bound = mu.sum() + (coef * state).sum()
        wait = gen.exponential(1.0 / bound) if bound > 0 else np.inf
        if t + wait >= next_edge:
            state *= np.exp(-beta * (next_edge - t))
            t = next_edge
            piece += 1
            continue
        t += wait
        state *= np.exp(-beta * wait)
        lam = mu + (coef * state).sum(axis=(1, 2))
        u = gen.random() * bound
        total = lam.sum()
        if u >= total:
            continue  # rejected candidate
        d = min(int(np.searchsorted(np.cumsum(lam), u, side="right")), n_dims - 1)
        mark = 0
        if cum_prob is not None:
            passed = int((gen.random() >= cum_prob[d]).sum())
            mark = passed + 1 if passed < cum_prob.shape[1] else 0
        state[:, d, :] += weights[mark]
        out_t.append(t)
        out_d.append(d)
        out_m.append(mark)
        if len(out_t) > max_events:
            raise _overflow(params, len(out_t), max_events)
    return (
        np.asarray(out_t, dtype=float),
        np.asarray(out_d, dtype=np.int64),
        np.asarray(out_m, dtype=np.int64),
    )
