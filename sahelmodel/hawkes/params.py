r"""The parameters of a marked multivariate Hawkes process, shared by simulation and estimation.

Model
-----
With events ``(t_j, k_j, mark_j)`` the intensity of dimension ``d`` is

.. math::

    \lambda_d(t) = \mu_d(t) + \sum_{t_j < t} \alpha_{d k_j}\,
    \kappa_{\text{mark}_j}\, g_{d k_j}(t - t_j), \qquad \kappa_0 = 1,

* ``mu_d(t)``: the baseline (:mod:`sahelmodel.hawkes.baseline`), in events per day;
* ``alpha = adjacency``: ``adjacency[d, k]`` is the **branching ratio** from ``k`` to ``d``, the
  expected number of direct offspring in dimension ``d`` of one unmarked event in dimension
  ``k``;
* ``g_dk``: a kernel that integrates to one (:mod:`sahelmodel.hawkes.kernels`); for the
  exponential kernel ``g(t) = decay * exp(-decay * t)``, ``decay`` is a rate per day and the
  mean lag is ``1 / decay`` days;
* ``kappa = mark_multiplier``: events with mark ``m > 0`` (e.g. ``1`` = an arms capture) have
  their productivity multiplied by ``kappa_m``. Usually there is one mark (a scalar ``kappa``:
  does a capture trigger more than an ordinary clash?); a vector ``(kappa_1, ..., kappa_M)``
  gives each of ``M`` mark levels its own multiplier. Unmarked events (mark 0) have factor 1.

For simulation, each event (immigrant or offspring) in dimension ``k`` carries mark ``m`` with
probability ``mark_probability[k, m - 1]`` (unmarked with the remaining probability). An event
in ``k`` then has on average ``adjacency[:, k] * (1 - sum_m p_km + sum_m p_km kappa_m)`` direct
offspring (the *effective adjacency*); with one mark, ``adjacency[:, k] * (1 - p_k + p_k
kappa)``. The
process is stationary when the spectral radius of the effective adjacency (the
:attr:`HawkesParams.branching_ratio`) is below one; with a constant baseline the mean intensity
is then ``(I - A_eff)^{-1} mu``.

Relational parametrisation
--------------------------
With one dimension per dyad, the ``D x D`` adjacency has ``D^2`` entries. :func:`dyad_relations`
classifies each pair (source dyad ``(i, j)`` -> target dyad ``(k, l)``):

==========  ==============  =====================================================
code        name            when
==========  ==============  =====================================================
1           ``inertia``     the same dyad
2           ``retaliation`` the reversed dyad ``(j, i)`` (directed dyads only)
3           ``spillover``   the dyads share exactly one actor
0           (none)          otherwise; no excitation
==========  ==============  =====================================================

and :func:`relational_adjacency` builds ``adjacency = sum_r theta_r * 1[relation == r]`` from a
handful of parameters, so hundreds of dyads need three numbers.

Examples
--------
>>> p = HawkesParams(baseline=0.5, adjacency=0.5, kernel=1.0)
>>> p.n_dims, float(p.branching_ratio), p.mean_intensity().tolist()
(1, 0.5, [1.0])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sahelmodel.hawkes.baseline import Baseline, ConstantBaseline, as_baseline
from sahelmodel.hawkes.kernels import Kernel, as_kernel

__all__ = [
    "RELATIONS",
    "HawkesParams",
    "dyad_relations",
    "relational_adjacency",
]

#: Relation codes between dyads, by name (0 means unrelated).
RELATIONS: dict[str, int] = {"inertia": 1, "retaliation": 2, "spillover": 3}


def _adjacency_array(value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"adjacency must be a scalar or a square matrix, got shape {arr.shape}")
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        d, k = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"adjacency must be finite and non-negative; adjacency[{d}, {k}] = {arr[d, k]!r}"
        )
    return arr


@dataclass(frozen=True, eq=False)
class HawkesParams:
    """Parameters of a (marked, multivariate) Hawkes process.

    Parameters
    ----------
    baseline : Baseline, float or array_like
        A baseline object, or constant rates (scalar for one dimension, ``(D,)`` otherwise).
    adjacency : float or array_like, shape (D, D)
        Branching ratios ``adjacency[d, k]`` (offspring in ``d`` per event in ``k``).
    kernel : Kernel, float or array_like
        A kernel object, or the decay rate(s) of an exponential kernel (scalar, ``(D,)`` per
        target, ``(D, D)`` per pair).
    mark_multiplier : float or array_like of shape (M,), default 1.0
        ``kappa``: productivity multiplier of events with mark 1 (or of marks ``1..M``). Stored
        as a read-only array of shape ``(M,)``.
    mark_probability : float or array_like, optional
        Probability that a simulated event in each dimension carries each mark: a scalar or
        shape ``(D,)`` for one mark, shape ``(D, M)`` or ``(M,)`` for ``M`` marks (rows sum to at
        most one). ``None``: events are unmarked. Stored as shape ``(D, M)``. Not part of the
        intensity; used by simulators.
    dim_names : sequence of str, optional
        Labels of the dimensions.

    Raises
    ------
    ValueError
        When shapes disagree, or any rate, ratio or probability is out of range.

    Examples
    --------
    >>> p = HawkesParams(baseline=[0.1, 0.2], adjacency=[[0.3, 0.1], [0.2, 0.3]],
    ...                  kernel=[1.0, 0.5], mark_multiplier=2.0, mark_probability=0.1)
    >>> p.effective_adjacency.round(3).tolist()
    [[0.33, 0.11], [0.22, 0.33]]
    """

    baseline: Baseline = field()
    adjacency: np.ndarray = field()
    kernel: Kernel = field()
    mark_multiplier: float | np.ndarray = 1.0
    mark_probability: np.ndarray | None = None
    dim_names: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        adj = _adjacency_array(self.adjacency)
        d = adj.shape[0]
        base = as_baseline(self.baseline)
        if base.n_dims == 1 and d > 1 and isinstance(base, ConstantBaseline):
            base = ConstantBaseline(np.full(d, float(base.mu[0])))
        if base.n_dims != d:
            raise ValueError(
                f"the baseline has {base.n_dims} dimensions but adjacency is {d} x {d}"
            )
        kern = as_kernel(self.kernel)
        kern.check_dims(d)
        kappa = np.atleast_1d(np.asarray(self.mark_multiplier, dtype=float)).copy()
        if kappa.ndim != 1 or not np.isfinite(kappa).all() or (kappa < 0).any():
            raise ValueError(
                f"mark_multiplier must be a finite number >= 0 (or a vector of them, one per "
                f"mark level), got {self.mark_multiplier!r}"
            )
        kappa.setflags(write=False)
        prob = None
        if self.mark_probability is not None:
            prob = _mark_probability(self.mark_probability, d, kappa.size)
        names = None
        if self.dim_names is not None:
            names = tuple(str(x) for x in self.dim_names)
            if len(names) != d or len(set(names)) != d:
                raise ValueError(f"dim_names must be {d} unique labels, got {list(names)}")
        adj = adj.copy()
        adj.setflags(write=False)
        object.__setattr__(self, "baseline", base)
        object.__setattr__(self, "adjacency", adj)
        object.__setattr__(self, "kernel", kern)
        object.__setattr__(self, "mark_multiplier", kappa)
        object.__setattr__(self, "mark_probability", prob)
        object.__setattr__(self, "dim_names", names)

    @property
    def n_dims(self) -> int:
        """Number of dimensions ``D``."""
        return int(self.adjacency.shape[0])

    @property
    def n_mark_levels(self) -> int:
        """Number ``M`` of mark levels with their own multiplier."""
        return int(self.mark_multiplier.size)

    @property
    def mark_weights(self) -> np.ndarray:
        """Productivity factor by mark value: ``[1, kappa_1, ..., kappa_M]``."""
        return np.concatenate([[1.0], self.mark_multiplier])

    @property
    def mark_factor(self) -> np.ndarray:
        """Mean productivity factor per source dimension, ``1 - sum_m p_km (1 - kappa_m)``."""
        if self.mark_probability is None:
            return np.ones(self.n_dims)
        p = self.mark_probability
        return 1.0 - p.sum(axis=1) + p @ self.mark_multiplier

    @property
    def effective_adjacency(self) -> np.ndarray:
        """Mean offspring matrix ``adjacency * mark_factor`` (column ``k`` scaled)."""
        return self.adjacency * self.mark_factor[None, :]

    @property
    def branching_ratio(self) -> float:
        """Spectral radius of :attr:`effective_adjacency` (stationary when below one)."""
        return float(np.max(np.abs(np.linalg.eigvals(self.effective_adjacency))))

    @property
    def is_stationary(self) -> bool:
        """Whether :attr:`branching_ratio` is below one."""
        return self.branching_ratio < 1.0

    def mean_intensity(self, start: float | None = None, end: float | None = None) -> np.ndarray:
        """Stationary mean intensity ``(I - A_eff)^{-1} mu`` per dimension (events per day).

        For a time-varying baseline, ``mu`` is its average over ``[start, end]`` (required), and
        the result is the mean intensity averaged over that window up to edge effects of the
        order of the mean lag.

        Raises
        ------
        ValueError
            If the process is not stationary (the mean intensity would be infinite).
        """
        if not self.is_stationary:
            raise ValueError(
                f"the process is not stationary (branching ratio {self.branching_ratio:.4g} "
                ">= 1); its mean intensity grows without bound"
            )
        if isinstance(self.baseline, ConstantBaseline):
            mu = self.baseline.mu
        else:
            if start is None or end is None:
                raise ValueError("a time-varying baseline needs start and end to average over")
            mu = self.baseline.mean(start, end)
        return np.linalg.solve(np.eye(self.n_dims) - self.effective_adjacency, mu)

    def replace(self, **changes: Any) -> HawkesParams:
        """A copy with some fields replaced (the object itself is frozen)."""
        return dataclasses.replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HawkesParams):
            return NotImplemented
        same_prob = (self.mark_probability is None and other.mark_probability is None) or (
            self.mark_probability is not None
            and other.mark_probability is not None
            and np.array_equal(self.mark_probability, other.mark_probability)
        )
        return (
            self.baseline == other.baseline
            and np.array_equal(self.adjacency, other.adjacency)
            and self.kernel == other.kernel
            and np.array_equal(self.mark_multiplier, other.mark_multiplier)
            and same_prob
            and self.dim_names == other.dim_names
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"HawkesParams({self.n_dims} dimensions, branching ratio "
            f"{self.branching_ratio:.3g}, {self.kernel!r}, {self.baseline!r}, "
            f"mark_multiplier={self.mark_multiplier.tolist()})"
        )


def _mark_probability(value: Any, n_dims: int, n_levels: int) -> np.ndarray:
    """Mark probabilities as a read-only ``(D, M)`` array, checked."""
    arr = np.asarray(value, dtype=float)
    try:
        if n_levels == 1 and arr.ndim <= 1:
            arr = np.broadcast_to(arr, (n_dims,))[:, None]
        else:
            arr = np.broadcast_to(arr, (n_dims, n_levels))
    except ValueError:
        raise ValueError(
            f"mark_probability must have shape ({n_dims}, {n_levels}) (or broadcast to it) for "
            f"{n_dims} dimensions and {n_levels} mark levels, got shape {np.shape(value)}"
        ) from None
    arr = arr.copy()
    if not (np.isfinite(arr).all() and (arr >= 0).all() and (arr <= 1).all()):
        raise ValueError(f"mark_probability must lie in [0, 1], got {np.asarray(value)}")
    if (arr.sum(axis=1) > 1 + 1e-12).any():
        d = int(np.flatnonzero(arr.sum(axis=1) > 1 + 1e-12)[0])
        raise ValueError(
            f"mark probabilities of dimension {d} sum to {arr[d].sum():.6g} > 1"
        )
    arr.setflags(write=False)
    return arr


def _parse_dyads(dyads: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    first, second = [], []
    for pos, dyad in enumerate(dyads):
        if isinstance(dyad, str):
            parts = dyad.split("|")
        else:
            parts = list(dyad)
        if len(parts) != 2 or not all(str(p) for p in parts):
            raise ValueError(
                f"dyad {pos} ({dyad!r}) must be 'i|j' or a pair (i, j) of actor ids"
            )
        first.append(str(parts[0]))
        second.append(str(parts[1]))
    return np.asarray(first, dtype=object), np.asarray(second, dtype=object)


def dyad_relations(dyads: Sequence[Any], *, directed: bool = True) -> np.ndarray:
    """Relation code between every pair of dyads: ``relation[target, source]``.

    Parameters
    ----------
    dyads : sequence of str or pairs
        Dyads as ``"i|j"`` (the ``dim_names`` of :class:`~sahelmodel.EventTimes` built with
        ``by="directed_dyad"`` or ``by="dyad"``) or ``(i, j)`` pairs.
    directed : bool, default True
        Whether ``(i, j)`` and ``(j, i)`` are different dyads. Undirected dyads have no
        retaliation relation (the reversed dyad is the same dyad).

    Returns
    -------
    numpy.ndarray of int, shape (D, D)
        Codes of :data:`RELATIONS` (0: unrelated), indexed like ``adjacency[target, source]``.

    Examples
    --------
    >>> dyad_relations(["a|b", "b|a", "a|c", "c|d"]).tolist()
    [[1, 2, 3, 0], [2, 1, 3, 0], [3, 3, 1, 3], [0, 0, 3, 1]]
    """
    i, j = _parse_dyads(dyads)
    if (i == j).any():
        pos = int(np.flatnonzero(i == j)[0])
        raise ValueError(f"dyad {pos} ({dyads[pos]!r}) joins an actor with itself")
    if not directed:
        lo = np.where(i <= j, i, j)
        hi = np.where(i <= j, j, i)
        i, j = lo, hi
    keys = i + "|" + j
    if np.unique(keys).size != keys.size:
        raise ValueError("dyads must be unique" + ("" if directed else " (as undirected pairs)"))
    ti, tj = i[:, None], j[:, None]  # target dyad (rows)
    si, sj = i[None, :], j[None, :]  # source dyad (columns)
    same = (ti == si) & (tj == sj)
    reverse = (ti == sj) & (tj == si)
    shared = (ti == si) | (ti == sj) | (tj == si) | (tj == sj)
    out = np.zeros(same.shape, dtype=np.int64)
    out[shared] = RELATIONS["spillover"]
    if directed:
        out[reverse] = RELATIONS["retaliation"]
    out[same] = RELATIONS["inertia"]
    return out


def relational_adjacency(
    dyads: Sequence[Any],
    *,
    inertia: float = 0.0,
    retaliation: float = 0.0,
    spillover: float = 0.0,
    directed: bool = True,
) -> np.ndarray:
    """Adjacency of a many-dyad Hawkes process from three relational branching ratios.

    ``adjacency[d, k] = inertia`` if dyads ``d`` and ``k`` are the same, ``retaliation`` if ``d``
    is ``k`` reversed, ``spillover`` if they share one actor, else 0 (see
    :func:`dyad_relations`).

    Parameters
    ----------
    dyads : sequence of str or pairs
        The dimensions, as dyads.
    inertia, retaliation, spillover : float
        Non-negative branching ratios of each relation.
    directed : bool, default True
        Whether dyads are directed.

    Returns
    -------
    numpy.ndarray, shape (D, D)

    Examples
    --------
    >>> relational_adjacency(["a|b", "b|a"], inertia=0.3, retaliation=0.2).tolist()
    [[0.3, 0.2], [0.2, 0.3]]
    """
    values = {"inertia": inertia, "retaliation": retaliation, "spillover": spillover}
    theta = np.zeros(len(RELATIONS) + 1)
    for name, value in values.items():
        v = float(value)
        if not np.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite non-negative branching ratio, got {value!r}")
        theta[RELATIONS[name]] = v
    if not directed and retaliation:
        raise ValueError("undirected dyads have no retaliation relation; set retaliation=0")
    return theta[dyad_relations(dyads, directed=directed)]
