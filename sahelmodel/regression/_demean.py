r"""Weighted projection of columns off any number of fixed-effect factors (arrays only).

Given factor codes :math:`g_1, \dots, g_F` (integer arrays of length ``n``), positive weights
:math:`w` and columns :math:`X`, the demeaned columns are the weighted least-squares residuals

.. math::

    \tilde X = X - D\hat a, \qquad
    \hat a = \arg\min_a \, (X - Da)^\top W (X - Da),

where :math:`D = [D_1, \dots, D_F]` stacks the 0/1 indicator matrices of the factors. With one
factor the solution is the weighted group mean. With several, the method of alternating
projections (MAP, used by fixest and ppmlhdfe) sweeps the factors in turn, each sweep being one
block Gauss-Seidel step on the normal equations :math:`D^\top W D a = D^\top W X`. The fast
core :func:`demean` solves the same normal equations by conjugate gradients preconditioned with
the block diagonal (the per-level weight sums), i.e. a Krylov-accelerated simultaneous
projection, for all columns at once; it accepts a warm start for :math:`a` (IRLS reuses the
previous iteration's solution). :func:`demean_map` is plain alternating projections and
:func:`demean_reference` a dense least-squares fit with dummy variables; tests check all three
agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import scipy.linalg
import scipy.linalg.lapack
import scipy.sparse as sp

from sahelmodel.regression import _fe_kernels as kern

__all__ = [
    "FixedEffects",
    "code_dtype",
    "demean",
    "demean_map",
    "demean_reference",
    "project",
    "solve_normal",
]


def code_dtype(n_levels: int) -> type[np.signedinteger]:
    """The smallest signed integer type holding the codes ``0 .. n_levels - 1``.

    Examples
    --------
    >>> code_dtype(100).__name__, code_dtype(100_000).__name__
    ('int8', 'int32')
    """
    for dtype in (np.int8, np.int16, np.int32):
        if n_levels <= np.iinfo(dtype).max + 1:
            return dtype
    return np.int64


@dataclass(frozen=True)
class FixedEffects:
    """Integer-coded fixed-effect factors of one sample.

    Attributes
    ----------
    codes : tuple of numpy.ndarray
        One integer array of length ``n`` per factor, values ``0 .. sizes[f] - 1``, in the
        smallest signed integer type that holds them (:func:`code_dtype`): ``int8`` for a
        week factor, ``int32`` for 100,000 dyads (arithmetic on codes casts to ``int64``).
    sizes : tuple of int
        Number of levels per factor.
    """

    codes: tuple[np.ndarray, ...]
    sizes: tuple[int, ...]

    @classmethod
    def from_codes(cls, codes: list[np.ndarray] | tuple[np.ndarray, ...]) -> FixedEffects:
        """Build from integer codes, re-coding each factor densely to ``0 .. G - 1``."""
        dense = []
        sizes = []
        for c in codes:
            arr = np.asarray(c)
            if arr.ndim != 1:
                raise ValueError(f"fixed-effect codes must be 1-dimensional, got shape {arr.shape}")
            if arr.size and np.issubdtype(arr.dtype, np.integer) and arr.min() >= 0 \
                    and arr.max() < 4 * arr.size:
                # already integer codes: re-number the levels present, in order, in O(n)
                present = np.bincount(arr) > 0
                inv = arr if present.all() else (np.cumsum(present) - 1)[arr]
            else:
                _, inv = np.unique(arr, return_inverse=True)
            size = int(inv.max()) + 1 if inv.size else 0
            dense.append(inv.astype(code_dtype(size), copy=False))
            sizes.append(size)
        n = {len(c) for c in dense}
        if len(n) > 1:
            raise ValueError(f"fixed-effect factors have different lengths {sorted(n)}")
        return cls(tuple(dense), tuple(sizes))

    @property
    def n_factors(self) -> int:
        """Number of factors."""
        return len(self.codes)

    @property
    def nobs(self) -> int:
        """Number of observations."""
        return len(self.codes[0]) if self.codes else 0

    def subset(self, keep: np.ndarray) -> FixedEffects:
        """The factors restricted to the rows where ``keep`` is True, re-coded densely."""
        return FixedEffects.from_codes([c[keep] for c in self.codes])

    def release(self) -> None:
        """Drop the cached row-length work arrays (:attr:`stacked` and the indicator).

        They are rebuilt on the next use; a fit calls this once its passes are done, so that
        the stacked level indices do not outlive it in the results.
        """
        for name in ("stacked", "_indicator"):
            self.__dict__.pop(name, None)

    @cached_property
    def stacked(self) -> np.ndarray:
        """``(n, F)`` level indices of every row, factor ``f`` shifted by the levels before it.

        The column index of each row's ones in :meth:`indicator` (built once, cached), the
        layout of the compiled passes in :mod:`~sahelmodel.regression._fe_kernels`.
        """
        offsets = np.cumsum((0, *self.sizes[:-1]))
        dtype = np.int32 if sum(self.sizes) < 2**31 else np.int64
        out = np.empty((self.nobs, self.n_factors), dtype=dtype)
        for f, (c, o) in enumerate(zip(self.codes, offsets, strict=True)):
            out[:, f] = c + o
        return out

    def indicator(self) -> sp.csr_matrix:
        """The sparse ``n × sum(sizes)`` indicator matrix :math:`D` (built once, cached)."""
        return self._indicator

    @cached_property
    def _indicator(self) -> sp.csr_matrix:
        n = self.nobs
        offsets = np.cumsum((0, *self.sizes[:-1]))
        cols = np.concatenate([c + o for c, o in zip(self.codes, offsets, strict=True)])
        rows = np.tile(np.arange(n), self.n_factors)
        data = np.ones(cols.size)
        return sp.csr_matrix((data, (rows, cols)), shape=(n, int(sum(self.sizes))))

    @cached_property
    def _pair_blocks(self) -> list[tuple[int, int, np.ndarray, np.ndarray, np.ndarray]]:
        r"""Sparsity of the off-diagonal blocks :math:`D_f^\top W D_h`, built once per sample.

        For each pair of factors: ``(f, h, inverse, indices, indptr)``, where ``inverse`` maps
        each observation to its (sorted, hence CSR-ordered) pair of levels, so that the block's
        CSR data for weights ``w`` is simply ``bincount(inverse, w)``.
        """
        blocks = []
        for f in range(self.n_factors):
            for h in range(f + 1, self.n_factors):
                key = self.codes[f].astype(np.int64) * self.sizes[h] + self.codes[h]
                uniq, inv = np.unique(key, return_inverse=True)
                rows = uniq // self.sizes[h]
                indptr = np.concatenate(([0], np.cumsum(np.bincount(rows,
                                                                    minlength=self.sizes[f]))))
                blocks.append((f, h, inv, (uniq % self.sizes[h]).astype(np.int32),
                               indptr.astype(np.int64)))
        return blocks

    def normal_matrix(self, weights: np.ndarray) -> _NormalMatrix:
        r""":math:`D^\top W D` for these weights, as a block operator (pattern cached)."""
        diag = np.concatenate([np.bincount(c, weights=weights, minlength=g)
                               for c, g in zip(self.codes, self.sizes, strict=True)])
        offsets = np.cumsum((0, *self.sizes))
        blocks = []
        for f, h, inv, indices, indptr in self._pair_blocks:
            data = np.bincount(inv, weights=weights, minlength=len(indices))
            mat = sp.csr_matrix((data, indices, indptr), shape=(self.sizes[f], self.sizes[h]))
            blocks.append((slice(offsets[f], offsets[f + 1]), slice(offsets[h], offsets[h + 1]),
                           mat, mat.T))
        return _NormalMatrix(diag, blocks)

    def direct_cost(self) -> float | None:
        """Estimated flops of one direct solve (see :func:`solve_normal`).

        ``None`` when the direct solver is not worth it (one factor, too many levels outside
        the largest factor, or a complement too expensive to form).
        """
        return self._direct_cost

    @cached_property
    def _direct_cost(self) -> float | None:
        if self.n_factors < 2:
            return None
        big = int(np.argmax(self.sizes))
        m = int(sum(self.sizes)) - self.sizes[big]
        if m > _DIRECT_MAX_LEVELS:
            return None
        deg = np.zeros(self.sizes[big])
        for f, h, _, indices, indptr in self._pair_blocks:
            if f == big:
                deg += np.diff(indptr)
            elif h == big:
                deg += np.bincount(indices, minlength=self.sizes[big])
        sparse_cost = float(np.dot(deg, deg))
        dense_cost = m * m * self.sizes[big] / 20.0  # BLAS runs far faster per flop
        cost = min(sparse_cost, dense_cost) + m**3 / 3.0
        return cost if cost <= _DIRECT_MAX_COST else None

    def rank(self) -> int:
        """Number of estimable fixed-effect parameters (column rank of :math:`D`).

        Exact for one and two factors (two factors lose one degree of freedom per connected
        component of their bipartite graph). For three or more factors this is the fixest
        convention: the first two factors exactly, then ``G - 1`` per further factor, an
        upper bound on the rank.
        """
        if self.n_factors == 0:
            return 0
        if self.n_factors == 1:
            return self.sizes[0]
        g1, g2 = self.sizes[0], self.sizes[1]
        n_comp = kern.bipartite_components(self.codes[0], self.codes[1], g1, g2)
        return g1 + g2 - n_comp + sum(g - 1 for g in self.sizes[2:])


@dataclass(frozen=True)
class _NormalMatrix:
    r""":math:`D^\top W D` as its diagonal plus the off-diagonal blocks (symmetric)."""

    diag: np.ndarray
    blocks: list[tuple[slice, slice, sp.csr_matrix, sp.csc_matrix]]

    @property
    def shape(self) -> tuple[int, int]:
        return (self.diag.size, self.diag.size)

    def diagonal(self) -> np.ndarray:
        return self.diag

    def __matmul__(self, p: np.ndarray) -> np.ndarray:
        out = self.diag[:, None] * p
        for rows, cols, mat, mat_t in self.blocks:
            out[rows] += mat @ p[cols]
            out[cols] += mat_t @ p[rows]
        return out


_DIRECT_MAX_LEVELS = 2500
_DIRECT_MAX_COST = 4e8


def _solve_direct(fe: FixedEffects, w: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    r"""Exact solve of the normal equations by eliminating the largest factor.

    With the largest factor's (diagonal) block :math:`A_{bb} = \operatorname{diag}(d)`, the
    others' block :math:`A_{rr}` and the coupling :math:`B = A_{rb}`:
    :math:`S a_r = b_r - B d^{-1} b_b` with :math:`S = A_{rr} - B d^{-1} B^\top`, then
    :math:`a_b = (b_b - B^\top a_r)/d`. :math:`S` is singular along the normalisations of
    the factors; it is factorised by Cholesky with complete pivoting (LAPACK ``pstrf``),
    which stops at the numerical rank (pivots below :math:`10^{-12}\max (A_{rr})_{jj}`), and
    the remaining pivots are set to zero: an exact solution of a consistent system.
    Returns ``None`` when the factorisation fails (the caller then uses CG).
    """
    sizes = fe.sizes
    big = int(np.argmax(sizes))
    others = [f for f in range(fe.n_factors) if f != big]
    offsets = np.cumsum((0, *sizes))
    b_r = np.vstack([b[offsets[f]:offsets[f + 1]] for f in others])
    b_b = b[offsets[big]:offsets[big + 1]]
    key = hash(w.tobytes())
    cached = fe.__dict__.get("_direct_factor")
    if cached is None or cached[0] != key:
        plan = _direct_factor(fe, w, big, others)
        if plan is None:
            return None
        object.__setattr__(fe, "_direct_factor", (key, plan))
    else:
        plan = cached[1]
    _, factor, scaled, back, inv_d, where = plan
    rr = b_r - scaled @ b_b
    a_r = np.zeros_like(rr)
    piv, upper = factor
    rank = upper.shape[0]
    step = scipy.linalg.solve_triangular(upper, rr[piv[:rank]], trans="T", check_finite=False)
    a_r[piv[:rank]] = scipy.linalg.solve_triangular(upper, step, check_finite=False)
    a_b = (b_b - back @ a_r) * inv_d[:, None]
    out = np.empty_like(b)
    for f in others:
        out[offsets[f]:offsets[f + 1]] = a_r[where[f]]
    out[offsets[big]:offsets[big + 1]] = a_b
    return out


def _direct_factor(fe: FixedEffects, w: np.ndarray, big: int,
                   others: list[int]) -> tuple[Any, ...] | None:
    """Schur complement of the largest factor, factorised (see :func:`_solve_direct`)."""
    sizes = fe.sizes
    roff = np.cumsum((0, *[sizes[f] for f in others]))
    where = {f: slice(int(roff[i]), int(roff[i + 1])) for i, f in enumerate(others)}
    m = int(roff[-1])
    diag = [np.bincount(c, weights=w, minlength=g) for c, g in zip(fe.codes, sizes,
                                                                     strict=True)]
    s_mat = np.zeros((m, m))
    for f in others:
        idx = np.arange(where[f].start, where[f].stop)
        s_mat[idx, idx] = diag[f]
    coupling: dict[int, sp.csr_matrix] = {}
    for f, h, inv, indices, indptr in fe._pair_blocks:
        data = np.bincount(inv, weights=w, minlength=len(indices))
        mat = sp.csr_matrix((data, indices, indptr), shape=(sizes[f], sizes[h]))
        if h == big:
            coupling[f] = mat
        elif f == big:
            coupling[h] = mat.T.tocsr()
        else:
            dense = mat.toarray()
            s_mat[where[f], where[h]] += dense
            s_mat[where[h], where[f]] += dense.T
    # rank threshold relative to the complement's scale before elimination (the eliminated
    # part can cancel a diagonal entry down to rounding, e.g. a factor with a single level)
    tol_rank = 1e-12 * max(float(np.max(np.diag(s_mat), initial=0.0)), 1e-300)
    d = diag[big]
    inv_d = np.where(d > 0, 1.0 / np.where(d > 0, d, 1.0), 0.0)
    cpl = sp.vstack([coupling[f] for f in others]).tocsr()
    if cpl.nnz > 0.2 * m * sizes[big]:
        dense_c = cpl.toarray()
        scaled: Any = dense_c * inv_d
        s_mat -= scaled @ dense_c.T
        back: Any = dense_c.T
    else:
        scaled = (cpl @ sp.diags(inv_d)).tocsr()
        s_mat -= (scaled @ cpl.T).toarray()
        back = cpl.T.tocsr()
    # Cholesky with complete pivoting: P^T S P = U^T U on the leading `rank` pivots; the
    # trailing ones (the normalisations) are set to zero, which solves a consistent system
    c, piv, rank, info = scipy.linalg.lapack.dpstrf(s_mat, lower=0, tol=tol_rank)
    if info < 0 or rank == 0:
        return None
    upper = np.triu(c[:rank, :rank])
    return s_mat, (piv - 1, upper), scaled, back, inv_d, where


def _group_sums(codes: np.ndarray, size: int, values: np.ndarray) -> np.ndarray:
    """Column-wise sums of ``values`` (n × k) within groups: a (size × k) array."""
    out = np.empty((size, values.shape[1]))
    for j in range(values.shape[1]):  # loop over columns (few), not observations
        out[:, j] = np.bincount(codes, weights=values[:, j], minlength=size)
    return out


def demean(
    x: np.ndarray,
    fe: FixedEffects,
    weights: np.ndarray | None = None,
    *,
    tol: float = 1e-12,
    maxiter: int = 10_000,
    start: np.ndarray | None = None,
    method: str = "auto",
) -> tuple[np.ndarray, np.ndarray, int, bool]:
    r"""Project the columns of ``x`` off the fixed effects (fast core).

    Parameters
    ----------
    x : numpy.ndarray
        ``(n,)`` or ``(n, k)`` columns to demean.
    fe : FixedEffects
        The factors.
    weights : numpy.ndarray, optional
        Positive weights of length ``n`` (unit weights when omitted).
    tol : float
        Convergence when the preconditioned residual norm of the normal equations, relative
        to that of the right-hand side, is below ``tol`` for every column.
    maxiter : int
        Maximum conjugate-gradient iterations.
    start : numpy.ndarray, optional
        Warm start for the stacked fixed-effect coefficients, shape ``(sum(sizes), k)``.
    method : {"auto", "cg", "direct"}
        Solver of the normal equations (see :func:`solve_normal`).

    Returns
    -------
    demeaned : numpy.ndarray
        Same shape as ``x``.
    coef : numpy.ndarray
        ``(sum(sizes), k)`` fixed-effect coefficients (defined up to the usual normalisation).
    n_iter : int
        Conjugate-gradient iterations used (0 for one factor, which is solved exactly).
    converged : bool

    Notes
    -----
    With :math:`A = D^\top W D` and :math:`M = \operatorname{diag}(A)`, conjugate gradients
    on :math:`A a = D^\top W x` preconditioned by :math:`M` converge in the range of
    :math:`A` even though :math:`A` is singular (the system is consistent).

    Examples
    --------
    >>> fe = FixedEffects.from_codes([np.array([0, 0, 1, 1])])
    >>> demean(np.array([1.0, 3.0, 2.0, 6.0]), fe)[0].tolist()
    [-1.0, 1.0, -2.0, 2.0]
    """
    out, coef, it, converged, _ = project(x, fe, weights, tol=tol, maxiter=maxiter,
                                          start=start, method=method)
    return out, coef, it, converged


def project(
    x: np.ndarray,
    fe: FixedEffects,
    weights: np.ndarray | None = None,
    *,
    tol: float = 1e-12,
    maxiter: int = 10_000,
    start: np.ndarray | None = None,
    method: str = "auto",
    gram: bool = False,
    out: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, int, bool, np.ndarray | None]:
    r""":func:`demean`, also returning :math:`\tilde X^\top W \tilde X` when ``gram``.

    The cross-products are accumulated in the same pass that subtracts the fixed effects
    (``None`` when ``gram`` is false). ``out``, a C-ordered ``(n, k)`` array, receives the
    projected columns (IRLS reuses one buffer across iterations).
    """
    one_d = x.ndim == 1
    xm = np.ascontiguousarray(x.reshape(-1, 1) if one_d else x, dtype=float)
    n, k = xm.shape
    w = np.ones(n) if weights is None else np.ascontiguousarray(weights, dtype=float)
    if fe.n_factors == 0:
        out = xm.copy()
        cross = kern.weighted_gram(out, w) if gram else None
        return (out.ravel() if one_d else out), np.zeros((0, k)), 0, True, cross
    idx = fe.stacked
    resid = None
    if fe.n_factors > 1 and start is not None and method == "cg":
        start = np.ascontiguousarray(start, dtype=float)
        b, resid, diag = kern.residual_sums(idx, w, xm, start)
    else:
        b, diag = kern.weighted_sums(idx, w, xm, int(sum(fe.sizes)))
    if fe.n_factors == 1:
        coef = b / np.where(diag > 0, diag, 1.0)[:, None]
        it, converged = 0, True
    else:
        coef, it, converged = solve_normal(fe, w, b, tol=tol, maxiter=maxiter, start=start,
                                           method=method, _diag=diag, _resid=resid)
    if gram:
        out, cross = kern.subtract_gram(idx, xm, coef, w, out)
    else:
        out, cross = kern.subtract_effects(idx, xm, coef, out), None
    return (out.ravel() if one_d else out), coef, it, converged, cross


def solve_normal(
    fe: FixedEffects,
    weights: np.ndarray,
    rhs: np.ndarray,
    *,
    tol: float = 1e-12,
    maxiter: int = 10_000,
    start: np.ndarray | None = None,
    method: str = "auto",
    _diag: np.ndarray | None = None,
    _resid: np.ndarray | None = None,
) -> tuple[np.ndarray, int, bool]:
    r"""Solve :math:`D^\top W D\, a = b` for any right-hand sides (CG or direct).

    The system is singular (the factors overlap by constants); conjugate gradients converge
    to a solution whenever the system is consistent, i.e. when every column of ``rhs`` is
    orthogonal to the null space of :math:`D^\top W D` (true for :math:`b = D^\top W x`,
    and for contrasts of levels that are estimable). An inconsistent column does not
    converge, which ``converged`` reports.

    Parameters
    ----------
    fe : FixedEffects
    weights : numpy.ndarray
        Positive weights of length ``n``.
    rhs : numpy.ndarray
        ``(sum(sizes), k)`` right-hand sides.
    tol : float
        Convergence when the preconditioned residual norm relative to that of ``rhs`` is
        below ``tol`` for every column.
    maxiter : int
    start : numpy.ndarray, optional
        Warm start, shape ``(sum(sizes), k)`` (conjugate gradients only).
    method : {"auto", "cg", "direct"}
        ``"direct"`` eliminates the largest factor exactly (its block of the normal matrix
        is diagonal) and factorises the Schur complement on the other factors, a dense
        matrix of side :math:`m` = their total number of levels; ``"auto"`` takes it when
        :math:`m` and the cost of forming the complement are small (e.g. many units and a
        few hundred periods, or many cohort × period cells), else conjugate gradients.

    Returns
    -------
    coef : numpy.ndarray
        ``(sum(sizes), k)``.
    n_iter : int
        Conjugate-gradient iterations (0 for the direct solver).
    converged : bool

    Examples
    --------
    >>> fe = FixedEffects.from_codes([np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])])
    >>> a, _, ok = solve_normal(fe, np.ones(4), np.array([[1.0], [-1.0], [0.0], [0.0]]))
    >>> ok, round(float(a[0, 0] - a[1, 0]), 12)  # contrast of the two first-factor levels
    (True, 1.0)
    """
    b = np.asarray(rhs, dtype=float)
    k = b.shape[1]
    if method not in ("auto", "cg", "direct"):
        raise ValueError(f"method must be 'auto', 'cg' or 'direct', got {method!r}")
    if method == "direct" or (method == "auto" and fe.direct_cost() is not None):
        a_mat = fe.normal_matrix(np.asarray(weights, dtype=float))
        direct = _solve_direct(fe, np.asarray(weights, dtype=float), b)
        if direct is not None:
            # accept the direct solution when it meets the tolerance (it does unless the
            # complement is nearly singular, e.g. under separation); else polish it by CG
            res = b - a_mat @ direct
            diag = a_mat.diagonal()
            inv_m = np.where(diag > 0, 1.0 / np.where(diag > 0, diag, 1.0), 0.0)
            rz = np.einsum("ij,ij->j", res, res * inv_m[:, None])
            bn = np.einsum("ij,ij->j", b, b * inv_m[:, None])
            if np.all(rz <= tol**2 * np.where(bn > 0, bn, 1.0)):
                return direct, 0, True
            start = direct
    # conjugate gradients. Within a projection (a few columns, weights that change with every
    # call) the normal matrix is applied by one compiled pass over the rows; for a direct
    # call (often many right-hand sides, fixed weights) by its cached sparse blocks, whose
    # products cost the number of distinct level pairs rather than the number of rows
    w = np.ascontiguousarray(weights, dtype=float)
    idx = fe.stacked
    if _diag is None:
        a_mat = fe.normal_matrix(w)
        diag = a_mat.diagonal()

        def product(q: np.ndarray) -> np.ndarray:
            return a_mat @ q
    else:
        diag = _diag

        def product(q: np.ndarray) -> np.ndarray:
            return kern.normal_product(idx, w, np.ascontiguousarray(q))
    inv_m = np.where(diag > 0, 1.0 / np.where(diag > 0, diag, 1.0), 0.0)
    coef = np.zeros((diag.size, k)) if start is None else np.array(start, dtype=float)
    r = b.copy() if start is None else _resid if _resid is not None \
        else b - product(coef)
    z = r * inv_m[:, None]
    p = z.copy()
    rz = np.einsum("ij,ij->j", r, z)
    bnorm = np.einsum("ij,ij->j", b, b * inv_m[:, None])
    bnorm = np.where(bnorm > 0, bnorm, 1.0)
    converged = bool(np.all(rz <= tol**2 * bnorm))
    it = 0
    while not converged and it < maxiter:
        it += 1
        ap = product(p)
        pap = np.einsum("ij,ij->j", p, ap)
        step = np.where(pap > 0, rz / np.where(pap > 0, pap, 1.0), 0.0)
        coef += p * step
        r -= ap * step
        z = r * inv_m[:, None]
        rz_new = np.einsum("ij,ij->j", r, z)
        beta = np.where(rz > 0, rz_new / np.where(rz > 0, rz, 1.0), 0.0)
        p = z + p * beta
        rz = rz_new
        converged = bool(np.all(rz <= tol**2 * bnorm))
    return coef, it, converged


def demean_map(
    x: np.ndarray,
    fe: FixedEffects,
    weights: np.ndarray | None = None,
    *,
    tol: float = 1e-13,
    maxiter: int = 100_000,
) -> tuple[np.ndarray, int, bool]:
    """Plain weighted alternating projections (the textbook MAP algorithm).

    Each sweep subtracts, factor by factor, the weighted group means of the current
    residuals; iteration stops when a sweep changes no value by more than ``tol`` times the
    scale of ``x``. Slow for weakly connected factors; kept as a transparent reference.

    Returns
    -------
    demeaned : numpy.ndarray
    n_iter : int
    converged : bool

    Examples
    --------
    >>> fe = FixedEffects.from_codes([np.array([0, 0, 1, 1])])
    >>> demean_map(np.array([1.0, 3.0, 2.0, 6.0]), fe)[0].tolist()
    [-1.0, 1.0, -2.0, 2.0]
    """
    one_d = x.ndim == 1
    out = (x.reshape(-1, 1) if one_d else x).astype(float).copy()
    w = np.ones(out.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    wsums = [np.bincount(c, weights=w, minlength=g) for c, g in zip(fe.codes, fe.sizes,
                                                                      strict=True)]
    scale = max(float(np.abs(out).max()) if out.size else 0.0, 1.0)
    for it in range(1, maxiter + 1):
        change = 0.0
        for c, g, ws in zip(fe.codes, fe.sizes, wsums, strict=True):
            means = _group_sums(c, g, out * w[:, None]) / ws[:, None]
            out -= means[c]
            change = max(change, float(np.abs(means).max()))
        if change <= tol * scale:
            return (out.ravel() if one_d else out), it, True
    return (out.ravel() if one_d else out), maxiter, False


def demean_reference(x: np.ndarray, fe: FixedEffects,
                     weights: np.ndarray | None = None) -> np.ndarray:
    """Dense weighted least squares on dummy variables: obviously correct, O(n G²).

    Examples
    --------
    >>> fe = FixedEffects.from_codes([np.array([0, 0, 1, 1])])
    >>> demean_reference(np.array([1.0, 3.0, 2.0, 6.0]), fe).round(12).tolist()
    [-1.0, 1.0, -2.0, 2.0]
    """
    w = np.ones(x.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    d = fe.indicator().toarray()
    sw = np.sqrt(w)
    xm = x.reshape(-1, 1) if x.ndim == 1 else x
    coef, *_ = np.linalg.lstsq(d * sw[:, None], xm * sw[:, None], rcond=None)
    out = xm - d @ coef
    return out.ravel() if x.ndim == 1 else out
