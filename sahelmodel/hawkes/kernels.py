r"""Triggering kernels of Hawkes processes: densities of the lag between a parent and a child.

Every kernel here is a probability density on ``t > 0`` (it integrates to one), so the
excitation matrix holds branching ratios and the kernel only says *when* offspring come:

.. math::

    \lambda_d(t) = \mu_d(t) + \sum_{t_j < t} \alpha_{d, k_j}\, m(\text{mark}_j)\,
    g_{d k_j}(t - t_j),
    \qquad
    g_{dk}(t) = \sum_{c=1}^{C} w_{dkc}\, \beta_{dkc}\, e^{-\beta_{dkc} t},
    \qquad \sum_c w_{dkc} = 1.

``d`` is the target (child) dimension and ``k`` the source (parent) dimension, as in
``adjacency[d, k]``. Both kernels expose the same arrays, ``decays(D)`` and ``weights(D)`` of
shape ``(D, D, C)``, so likelihood code can treat them alike:

* :class:`ExponentialKernel` (``C = 1``): one decay rate, shared (scalar), per target dimension
  (shape ``(D,)``, ``decay[d]``) or per pair (shape ``(D, D)``, ``decay[d, k]``). The mean lag
  is ``1 / decay`` days.
* :class:`SumExponentialKernel`: ``C`` decay rates shared by all pairs, with weights shared
  (shape ``(C,)``) or per pair (shape ``(D, D, C)``), each summing to one.

All methods are vectorised over arrays of lags and of (target, source) pairs.

Examples
--------
>>> k = ExponentialKernel(0.5)
>>> float(k.density(0.0)), float(k.integral(2.0)), float(k.mean_lag())
(0.5, 0.6321205588285577, 2.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sahelmodel._rng import RNGLike, as_generator

__all__ = ["ExponentialKernel", "Kernel", "SumExponentialKernel", "as_kernel"]


def _positive_array(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    bad = ~np.isfinite(arr) | (arr <= 0)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
        raise ValueError(
            f"{name} must be finite and positive; got {arr[first] if arr.ndim else arr!r} "
            f"at index {first}"
        )
    return arr


class Kernel:
    """Base class: a mixture of exponential densities for each (target, source) pair.

    Subclasses define :meth:`decays` and :meth:`weights`, arrays of shape ``(D, D, C)``; the
    methods here evaluate and sample the kernel from those arrays.
    """

    #: how the decay is shared: ``"shared"``, ``"target"`` or ``"pair"``
    structure: str = "shared"

    def decays(self, n_dims: int) -> np.ndarray:
        """Decay rates ``beta[d, k, c]`` of shape ``(n_dims, n_dims, C)``."""
        raise NotImplementedError

    def weights(self, n_dims: int) -> np.ndarray:
        """Mixture weights ``w[d, k, c]``, shape ``(n_dims, n_dims, C)``, summing to one over c."""
        raise NotImplementedError

    @property
    def n_components(self) -> int:
        """Number ``C`` of exponential components."""
        raise NotImplementedError

    @property
    def n_dims(self) -> int | None:
        """Number of dimensions fixed by the parameters, or ``None`` when any is allowed."""
        return None

    def _pair_arrays(
        self, target: Any, source: Any, shape: tuple[int, ...]
    ) -> tuple[np.ndarray, np.ndarray]:
        n = self.n_dims
        if n is None:  # the same parameters for every pair
            full = (*shape, self.n_components)
            return (
                np.broadcast_to(self.decays(1)[0, 0], full),
                np.broadcast_to(self.weights(1)[0, 0], full),
            )
        tgt = np.broadcast_to(np.asarray(0 if target is None else target, dtype=np.int64), shape)
        src = np.broadcast_to(np.asarray(0 if source is None else source, dtype=np.int64), shape)
        for name, arr in (("target", tgt), ("source", src)):
            if arr.size and (arr.min() < 0 or arr.max() >= n):
                raise ValueError(f"{name} dimensions must lie in 0..{n - 1}")
        return self.decays(n)[tgt, src], self.weights(n)[tgt, src]  # (..., C)

    def density(self, t: Any, target: Any = None, source: Any = None) -> np.ndarray:
        """Kernel density ``g_{dk}(t)`` (zero for ``t < 0``), broadcast over all arguments.

        Parameters
        ----------
        t : array_like
            Lags in days.
        target, source : array_like of int, optional
            Target ``d`` and source ``k`` dimensions (default 0), broadcast against ``t``.

        Returns
        -------
        numpy.ndarray
        """
        t = np.asarray(t, dtype=float)
        shape = np.broadcast_shapes(t.shape, np.shape(target), np.shape(source))
        beta, w = self._pair_arrays(target, source, shape)
        tt = np.broadcast_to(t, shape)[..., None]
        out = (w * beta * np.exp(-beta * np.maximum(tt, 0.0))).sum(axis=-1)
        return np.where(np.broadcast_to(t, shape) >= 0, out, 0.0)

    def integral(self, t: Any, target: Any = None, source: Any = None) -> np.ndarray:
        """The CDF ``G_{dk}(t) = int_0^t g_{dk}(s) ds`` (zero for ``t <= 0``).

        Computed as ``-expm1(-beta t)`` so that small lags keep full relative precision.
        """
        t = np.asarray(t, dtype=float)
        shape = np.broadcast_shapes(t.shape, np.shape(target), np.shape(source))
        beta, w = self._pair_arrays(target, source, shape)
        tt = np.maximum(np.broadcast_to(t, shape), 0.0)[..., None]
        return (w * -np.expm1(-beta * tt)).sum(axis=-1)

    def survival(self, t: Any, target: Any = None, source: Any = None) -> np.ndarray:
        """``1 - G_{dk}(t)``, computed without cancellation for long lags."""
        t = np.asarray(t, dtype=float)
        shape = np.broadcast_shapes(t.shape, np.shape(target), np.shape(source))
        beta, w = self._pair_arrays(target, source, shape)
        tt = np.maximum(np.broadcast_to(t, shape), 0.0)[..., None]
        return (w * np.exp(-beta * tt)).sum(axis=-1)

    def mean_lag(self, target: Any = None, source: Any = None) -> np.ndarray:
        """Mean lag ``sum_c w_c / beta_c`` in days."""
        shape = np.broadcast_shapes(np.shape(target), np.shape(source))
        beta, w = self._pair_arrays(target, source, shape)
        return (w / beta).sum(axis=-1)

    def sample(self, target: Any, source: Any, rng: RNGLike = None) -> np.ndarray:
        """Draw one lag for each (target, source) pair, all at once.

        A component is chosen with probability ``w[d, k, c]`` (inverse CDF on the cumulative
        weights), then an exponential lag with rate ``beta[d, k, c]``.

        Parameters
        ----------
        target, source : array_like of int
            Dimensions of the child and of the parent of each lag (broadcast together).
        rng : int, numpy.random.Generator or None
            Source of randomness.

        Returns
        -------
        numpy.ndarray
            Positive lags of the broadcast shape.
        """
        gen = as_generator(rng)
        shape = np.broadcast_shapes(np.shape(target), np.shape(source))
        beta, w = self._pair_arrays(target, source, shape)
        e = gen.standard_exponential(size=shape)
        if self.n_components == 1:
            return e / beta[..., 0]
        u = gen.random(size=shape)[..., None]
        comp = (np.cumsum(w, axis=-1) < u).sum(axis=-1)
        comp = np.minimum(comp, self.n_components - 1)
        chosen = np.take_along_axis(beta, comp[..., None], axis=-1)[..., 0]
        return e / chosen

    def check_dims(self, n_dims: int) -> None:
        """Raise ``ValueError`` when the kernel's parameters do not fit ``n_dims`` dimensions."""
        if self.n_dims is not None and self.n_dims != n_dims:
            raise ValueError(
                f"the kernel has parameters for {self.n_dims} dimensions but the process has "
                f"{n_dims}"
            )


class ExponentialKernel(Kernel):
    """Exponential kernel ``g_{dk}(t) = beta_{dk} exp(-beta_{dk} t)``: mean lag ``1/beta``.

    Parameters
    ----------
    decay : float or array_like
        Decay rate(s) per day: a scalar (shared), shape ``(D,)`` (one per target dimension
        ``d``), or shape ``(D, D)`` (one per pair ``[d, k]``).

    Notes
    -----
    The density integrates to one, so ``adjacency[d, k]`` is the expected number of direct
    offspring in ``d`` of an event in ``k``, and ``1 / decay`` is the mean lag in days.

    Examples
    --------
    >>> k = ExponentialKernel([[1.0, 0.5], [0.2, 2.0]])
    >>> k.structure, k.n_dims, k.mean_lag(target=[0, 1], source=[1, 0]).tolist()
    ('pair', 2, [2.0, 5.0])
    """

    def __init__(self, decay: Any) -> None:
        arr = _positive_array("decay", decay)
        if arr.ndim > 2 or (arr.ndim == 2 and arr.shape[0] != arr.shape[1]):
            raise ValueError(
                f"decay must be a scalar, a vector (per target) or a square matrix (per pair); "
                f"got shape {arr.shape}"
            )
        arr.setflags(write=False)
        self._decay = arr
        self.structure = ("shared", "target", "pair")[arr.ndim]

    @property
    def decay(self) -> np.ndarray:
        """The decay parameter as given (scalar array, ``(D,)`` or ``(D, D)``)."""
        return self._decay

    @property
    def n_components(self) -> int:
        """One component."""
        return 1

    @property
    def n_dims(self) -> int | None:
        """Dimensions fixed by a vector or matrix decay; ``None`` for a shared scalar."""
        return None if self._decay.ndim == 0 else int(self._decay.shape[0])

    def decays(self, n_dims: int) -> np.ndarray:
        """Decay rates of shape ``(n_dims, n_dims, 1)``."""
        self.check_dims(n_dims)
        d = self._decay
        if d.ndim == 0:
            full = np.full((n_dims, n_dims), float(d))
        elif d.ndim == 1:
            full = np.repeat(d[:, None], n_dims, axis=1)
        else:
            full = d
        return full[..., None]

    def weights(self, n_dims: int) -> np.ndarray:
        """All ones, shape ``(n_dims, n_dims, 1)``."""
        self.check_dims(n_dims)
        return np.ones((n_dims, n_dims, 1))

    def __repr__(self) -> str:
        return f"ExponentialKernel(decay={self._decay.tolist()})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExponentialKernel) and np.array_equal(
            self._decay, other._decay
        ) and self._decay.shape == other._decay.shape

    __hash__ = None  # type: ignore[assignment]


class SumExponentialKernel(Kernel):
    """Mixture of exponentials ``g_{dk}(t) = sum_c w_{dkc} beta_c exp(-beta_c t)``.

    Parameters
    ----------
    decays : array_like, shape (C,)
        Distinct positive decay rates per day, shared by all pairs (e.g. a fast and a slow
        response: ``[1.0, 1 / 30]``).
    weights : array_like, shape (C,) or (D, D, C), optional
        Non-negative mixture weights summing to one over the last axis; default equal weights.

    Notes
    -----
    A sum of exponentials approximates slowly decaying (heavy-tailed) responses while keeping
    the intensity Markovian in ``C`` states per pair, so likelihoods stay linear in the events.
    The mean lag is ``sum_c w_c / beta_c``.

    Examples
    --------
    >>> k = SumExponentialKernel([1.0, 0.1], weights=[0.5, 0.5])
    >>> round(float(k.mean_lag()), 6), round(float(k.integral(1e9)), 12)
    (5.5, 1.0)
    """

    structure = "shared"

    def __init__(self, decays: Any, weights: Any = None) -> None:
        beta = _positive_array("decays", decays)
        if beta.ndim != 1 or beta.size < 1:
            raise ValueError(f"decays must be a non-empty vector, got shape {beta.shape}")
        if np.unique(beta).size != beta.size:
            raise ValueError(f"decays must be distinct, got {beta.tolist()}")
        c = beta.size
        w = np.full(c, 1.0 / c) if weights is None else np.asarray(weights, dtype=float)
        if w.shape not in ((c,),) and not (w.ndim == 3 and w.shape[0] == w.shape[1]
                                           and w.shape[2] == c):
            raise ValueError(
                f"weights must have shape ({c},) or (D, D, {c}) to match {c} decays; got "
                f"shape {w.shape}"
            )
        if (~np.isfinite(w)).any() or (w < 0).any():
            raise ValueError("weights must be finite and non-negative")
        sums = w.sum(axis=-1)
        if not np.allclose(sums, 1.0, rtol=0, atol=1e-10):
            raise ValueError(
                f"weights must sum to one over the components; sums range "
                f"{float(np.min(sums)):.6g}..{float(np.max(sums)):.6g}"
            )
        beta.setflags(write=False)
        w = w / sums[..., None]
        w.setflags(write=False)
        self._beta = beta
        self._w = w
        self.structure = "shared" if w.ndim == 1 else "pair"

    @property
    def n_components(self) -> int:
        """Number of exponential components."""
        return int(self._beta.size)

    @property
    def n_dims(self) -> int | None:
        """Dimensions fixed by per-pair weights, else ``None``."""
        return None if self._w.ndim == 1 else int(self._w.shape[0])

    @property
    def component_decays(self) -> np.ndarray:
        """The ``C`` decay rates."""
        return self._beta

    @property
    def component_weights(self) -> np.ndarray:
        """The weights as given, shape ``(C,)`` or ``(D, D, C)``."""
        return self._w

    def decays(self, n_dims: int) -> np.ndarray:
        """Decay rates of shape ``(n_dims, n_dims, C)``."""
        self.check_dims(n_dims)
        return np.broadcast_to(self._beta, (n_dims, n_dims, self.n_components)).copy()

    def weights(self, n_dims: int) -> np.ndarray:
        """Weights of shape ``(n_dims, n_dims, C)``."""
        self.check_dims(n_dims)
        return np.broadcast_to(self._w, (n_dims, n_dims, self.n_components)).copy()

    def __repr__(self) -> str:
        w = self._w.tolist() if self._w.ndim == 1 else f"<array {self._w.shape}>"
        return f"SumExponentialKernel(decays={self._beta.tolist()}, weights={w})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SumExponentialKernel)
            and np.array_equal(self._beta, other._beta)
            and self._w.shape == other._w.shape
            and np.array_equal(self._w, other._w)
        )

    __hash__ = None  # type: ignore[assignment]


def as_kernel(kernel: Kernel | Any) -> Kernel:
    """Return ``kernel`` itself, or an :class:`ExponentialKernel` for a decay (scalar/array).

    Examples
    --------
    >>> as_kernel(2.0)
    ExponentialKernel(decay=2.0)
    """
    if isinstance(kernel, Kernel):
        return kernel
    if kernel is None:
        raise ValueError("a kernel or a decay rate is required")
    return ExponentialKernel(kernel)
