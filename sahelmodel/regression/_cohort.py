r"""The cohort (interaction-weighted) event-study estimator on absorbed fixed effects.

Model (Sun & Abraham 2021, Poisson as in Wooldridge 2023), for unit :math:`i` first treated
in period :math:`g_i` (its cohort), relative period :math:`r = t - g_i`:

.. math::

    \log E[y_{it}] = o_{it} + x_{it}^\top\gamma + \alpha_i + \lambda_t
        + \sum_{(g, r),\, r \ne -1} \tau_{g,r}\, 1\{g_i = g,\ t - g_i = r\}.

Every treated observation outside its cohort's reference period :math:`r = -1` lies in
exactly one cohort × relative-period cell, so the cell indicators are the levels of one factor
(with one extra level, "none", for the never-treated and the reference rows). Adding that
factor as a further absorbed fixed effect spans the same model, and
:math:`\tau_{g,r} = c_{g,r} - c_{\mathrm{none}}` is a contrast of its levels. The fit is
then an ordinary fixed-effects Poisson (or NB2) fit with three factors, whatever the number
of cells: no dummy column is ever built.

The horizon estimates are the contrasts :math:`\beta_k = \sum_{(g,r) \in k} w_{g,r}
\tau_{g,r} = c_k^\top\theta`, with :math:`w_{g,r}` the cell's share of the horizon's
observations in the estimation sample (fixest's ``aggregate``). With :math:`J = Z^\top W Z`
the information of all parameters :math:`\theta` (fixed effects and :math:`\gamma`, design
:math:`Z`), solve :math:`J u_k = c_k` (conjugate gradients on the fixed-effect normal
equations, then the small block of the regressors by Schur complement) and set
:math:`q_k = Z u_k`. Then

.. math::

    \hat\beta_k = q_k^\top W (\hat\eta - o), \qquad
    \widehat{\operatorname{Cov}}(\hat\beta) = G\, V_q\, G, \quad G = Q^\top W Q,

where :math:`V_q` is the usual covariance (model-based, robust or clustered, with the same
small-sample factors) computed as if :math:`Q` were the projected regressors: since
:math:`u_k = J^{-1} c_k`, :math:`G = C^\top J^{-1} C` and the sandwich
:math:`C^\top J^{-1} M J^{-1} C = Q^\top \ldots Q` is exactly the sandwich of the dummy-variable
regression restricted to the horizon contrasts. A contrast that the data cannot identify
(:math:`c_k` outside the range of :math:`J`) leaves the solver unconverged, and that horizon
is reported as NaN with a warning.

Separation (the Poisson or NB2 likelihood has its supremum at the boundary) takes two
forms here, both resolved before the horizons are aggregated, each with a warning that
counts them:

* a cell whose outcome is zero on all its rows has :math:`\hat\tau_{g,r} = -\infty`
  (rate ratio 0). Its rows are removed with the all-zero levels of the cell factor, the cell
  leaves the average of its horizon and the remaining cells' shares are renormalised;
* a cohort whose rows at the reference period :math:`r = -1` all have a zero outcome:
  those rows are the only link between the cohort's cells and the comparison rows, so the
  cohort's effects are :math:`+\infty` (the reference rows' fitted means go to 0 and their
  IRLS weights to rounding, which left every contrast numerically unsolvable). The cohort is
  left out, as a cohort without reference rows; this changes no other parameter, since its
  rows carry no information on them once the reference rows are fitted exactly.

Only a horizon with no estimable cell left is NaN. fixest's ``sunab`` in ``fepois``
(0.14.2) removes only all-zero fixed-effect levels: the cell dummies are regressors, so an
all-zero cell is dropped as collinear once its coefficient has diverged (the same
renormalised average), while a separated cohort's coefficients diverge, the fit does not
converge and every horizon holding one of its cells reports an estimate of several units
with a standard error in the thousands. On panels without separation the two agree.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel.regression.covariance import covariance
from sahelmodel.regression.models import NegativeBinomial, Poisson
from sahelmodel.regression.results import CountResults

__all__ = ["CohortCells", "cohort_cells", "fit_cohort"]

CELL_COLUMN = "__cohort_cell__"


@dataclass(frozen=True)
class CohortCells:
    """Cohort × relative-period cells of a panel.

    Attributes
    ----------
    cell : numpy.ndarray
        Per row: 0 for never-treated rows and the reference period :math:`r = -1`, else the
        cell number ``1 .. n_cells``.
    cohort, rel : numpy.ndarray
        Per cell (index ``0`` unused): first-event period and relative period.
    unreferenced : numpy.ndarray
        Per row: True when the row's cohort has no row at :math:`r = -1` among ``usable`` rows
        (its cells are identified only up to a common shift: left out, as fixest's ``sunab``
        leaves out always-treated cohorts).
    unreferenced_cohorts : list
    first : numpy.ndarray
        Per row: the unit's cohort (first-event period; the largest int64 if never treated).
    reference : numpy.ndarray
        Per row: True at a treated unit's reference period :math:`r = -1`.
    """

    cell: np.ndarray
    cohort: np.ndarray
    rel: np.ndarray
    unreferenced: np.ndarray
    unreferenced_cohorts: list[int]
    first: np.ndarray
    reference: np.ndarray


def cohort_cells(frame: pd.DataFrame, *, event: str, unit: str, time: str,
                 usable: np.ndarray | None = None,
                 reference_ok: np.ndarray | None = None) -> CohortCells:
    """Number the cohort × relative-period cells (vectorised; any number of cells).

    ``reference_ok`` (default: ``usable``) marks the rows that may serve as a cohort's
    reference: a cohort with none of them among its rows at :math:`r = -1` is unreferenced.

    Examples
    --------
    >>> df = pd.DataFrame({"u": [0, 0, 0, 1, 1, 1], "t": [0, 1, 2] * 2,
    ...                    "e": [0, 1, 0, 0, 0, 0]})
    >>> c = cohort_cells(df, event="e", unit="u", time="t")
    >>> c.cell.tolist(), c.rel[1:].tolist()
    ([0, 1, 2, 0, 0, 0], [0, 1])
    """
    t = pd.to_numeric(frame[time]).to_numpy().astype(np.int64)
    ev = pd.to_numeric(frame[event]).to_numpy() > 0
    never = np.iinfo(np.int64).max
    first = pd.Series(np.where(ev, t, never)).groupby(
        frame[unit].to_numpy()).transform("min").to_numpy()
    treated = first < never
    if treated.all():
        raise ValueError("method='cohort' needs units that never have an event (controls)")
    rel = np.where(treated, t - first, 0)
    ok = np.ones(len(frame), dtype=bool) if usable is None else np.asarray(usable, dtype=bool)
    ref_ok = ok if reference_ok is None else ok & np.asarray(reference_ok, dtype=bool)
    has_ref = pd.Series(treated & (rel == -1) & ref_ok).groupby(first).transform(
        "any").to_numpy()
    unref = treated & ~has_ref
    in_cell = treated & (rel != -1) & ~unref
    keys = pd.MultiIndex.from_arrays([first[in_cell], rel[in_cell]])
    codes, uniq = pd.factorize(keys, sort=True)
    cell = np.zeros(len(frame), dtype=np.int64)
    cell[in_cell] = codes + 1
    cohort = np.concatenate(([0], uniq.get_level_values(0).to_numpy(dtype=np.int64)))
    rels = np.concatenate(([0], uniq.get_level_values(1).to_numpy(dtype=np.int64)))
    return CohortCells(cell, cohort, rels, unref & ok,
                       sorted(np.unique(first[unref & ok]).tolist()), first,
                       treated & (rel == -1))


def fit_cohort(frame: pd.DataFrame, *, outcome: str, event: str, unit: str, time: str,
               window: tuple[int, int], model: str, fixed_effects: tuple[str, ...],
               controls: tuple[str, ...], spec_kwargs: dict[str, Any],
               rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, CountResults,
                                                  np.ndarray]:
    """Fit the cohort-interacted model and aggregate it to horizons (see module notes).

    Returns
    -------
    estimate : numpy.ndarray
        Horizon estimates (log rate ratios) for ``lo .. hi`` without ``-1``.
    cov : numpy.ndarray
    fit : CountResults
        The fixed-effects fit (its ``params`` are the controls only).
    in_window : numpy.ndarray
        Per row of ``frame``: True for treated rows outside the reference period.
    """
    lo, hi = window
    horizons = [k for k in range(lo, hi + 1) if k != -1]
    usable = np.ones(len(frame), dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
    # a cohort whose reference rows all have a zero outcome is separated: its effects
    # against the reference are +inf at the boundary of the likelihood (the reference rows'
    # fitted means go to 0), so it is left out like a cohort without reference rows
    y = pd.to_numeric(frame[outcome], errors="coerce").to_numpy(dtype=float)
    named = [c for c in (*controls, *fixed_effects) if c in frame.columns]
    observed = usable & np.isfinite(y) & frame[named].notna().all(axis=1).to_numpy()
    cells = cohort_cells(frame, event=event, unit=unit, time=time, usable=usable,
                         reference_ok=observed & (y > 0))
    seen = np.unique(cells.first[cells.reference & observed])
    separated = [g for g in cells.unreferenced_cohorts if g in set(seen.tolist())]
    missing = [g for g in cells.unreferenced_cohorts if g not in set(seen.tolist())]
    for group, why in ((missing, "have no row at the reference period -1"),
                       (separated, "have an all-zero outcome at the reference period -1 "
                        "(separated: their effects are +inf at the boundary)")):
        if group:
            more = "" if len(group) <= 5 else ", ..."
            n_rows = int((cells.unreferenced & np.isin(cells.first, group)).sum())
            warnings.warn(f"{len(group)} cohort(s) (first event at {time} = "
                          f"{', '.join(map(str, group[:5]))}{more}) {why}; their {n_rows} "
                          "rows are left out of the cohort estimator (their effects are not "
                          "identified against the reference)", RuntimeWarning, stacklevel=3)
    fit_rows = usable & ~cells.unreferenced
    if CELL_COLUMN in frame.columns:
        raise ValueError(f"the panel may not have a column named {CELL_COLUMN!r}")
    data = frame.assign(**{CELL_COLUMN: cells.cell})[fit_rows]
    formula = (f"{outcome} ~ {' + '.join(controls) or '1'} | "
               + " + ".join([*fixed_effects, CELL_COLUMN]))
    spec = (Poisson(formula, **spec_kwargs) if model == "poisson"
            else NegativeBinomial(formula, **spec_kwargs))
    # the cell factor makes conjugate gradients slow; the direct solver eliminates it exactly
    fit, extras = spec._fit_full(data, allow_empty=True, solver="auto")
    res, fe, active = extras["irls"], extras["fe"], extras["active"]
    at_rows = data.index.to_numpy()[extras["keep"]][active]  # positions in frame
    cell_active = cells.cell[at_rows]
    # a cohort whose reference rows were all dropped (e.g. separated: all zero) is no longer
    # identified against its reference period: its cells leave the aggregation
    kept_ref = np.unique(cells.first[at_rows][cells.reference[at_rows]])
    # the cell factor is the last one; map its dense levels back to cell numbers
    size = fe.sizes[-1]
    orig = np.empty(size, dtype=np.int64)
    orig[fe.codes[-1]] = cell_active
    counts = np.bincount(fe.codes[-1], minlength=size).astype(float)
    horizon_of = np.clip(cells.rel[orig], lo, hi)
    lost = (orig > 0) & ~np.isin(cells.cohort[orig], kept_ref)
    if lost.any():
        gone = np.unique(cells.cohort[orig[lost]])
        warnings.warn(f"{gone.size} cohort(s) (first event at {time} = "
                      f"{', '.join(map(str, gone[:5].tolist()))}{', ...' if gone.size > 5 else ''}"
                      ") lost every reference-period row from the estimation sample (all-zero "
                      "or separated outcomes); their cells are left out of the horizon "
                      "averages", RuntimeWarning, stacklevel=3)
    # cells removed from the sample (all-zero outcome: the cell's rate ratio is 0 at the
    # boundary of the likelihood, i.e. separated) leave their horizon's average, whose
    # weights are the shares of the cells that remain
    in_fit = np.unique(cells.cell[fit_rows & (cells.cell > 0)])
    removed = np.setdiff1d(in_fit, orig[orig > 0])
    if removed.size:
        hz, n_h = np.unique(np.clip(cells.rel[removed], lo, hi), return_counts=True)
        per = ", ".join(f"{h}: {n}" for h, n in zip(hz.tolist(), n_h.tolist(), strict=True))
        warnings.warn(f"{removed.size} of {in_fit.size} cohort cells were removed from the "
                      "estimation sample (all-zero outcome: separated, rate ratio 0 at the "
                      f"boundary); by horizon {{{per}}}. Each horizon averages the remaining "
                      "cells with their shares renormalised", RuntimeWarning, stacklevel=3)
    none = np.flatnonzero(orig == 0)
    if none.size != 1:
        raise ValueError("no never-treated or reference-period rows are left in the "
                         "estimation sample: the cohort estimator has no comparison group")
    offset = int(sum(fe.sizes[:-1]))
    rhs = np.zeros((int(sum(fe.sizes)), len(horizons)))
    empty = np.zeros(len(horizons), dtype=bool)
    for j, k in enumerate(horizons):  # loop over horizons (few), vectorised over cells
        at = np.flatnonzero((orig > 0) & ~lost & (horizon_of == k))
        empty[j] = not at.size
        if at.size:
            rhs[offset + at, j] = counts[at] / counts[at].sum()
            rhs[offset + none[0], j] = -1.0
    if empty.all():
        raise ValueError("no horizon of the window has an estimable cohort cell (all cells "
                         "were removed as separated or lost their reference rows)")
    if empty.any():
        warnings.warn(f"horizon(s) {[horizons[j] for j in np.flatnonzero(empty)]} have no "
                      "estimable cohort cell left in the sample (all separated or without a "
                      "reference): reported as NaN", RuntimeWarning, stacklevel=3)
    est, v = _contrasts(rhs, res, fe, extras, fit, spec, horizons, empty)
    in_window = cells.cell != 0
    return est, v, fit, in_window


def _contrasts(rhs: np.ndarray, res: Any, fe: Any, extras: dict[str, Any], fit: CountResults,
               spec: Any, horizons: list[int],
               empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Estimates and covariance of the contrasts ``rhs`` of the fixed-effect levels."""
    from sahelmodel.regression._demean import solve_normal

    w = res.weights
    sol, _, _ = solve_normal(fe, w, rhs, tol=1e-11, maxiter=3000)
    # columns the solver could not satisfy are contrasts outside the range: not estimable
    check = fe.normal_matrix(w) @ sol - rhs
    unsolved = np.linalg.norm(check, axis=0) > 1e-6 * np.linalg.norm(rhs, axis=0)
    bad = unsolved | empty
    offsets = np.cumsum((0, *fe.sizes))
    q = np.zeros((w.size, rhs.shape[1]))
    for f, codes in enumerate(fe.codes):  # q = D u, factor by factor (gathers)
        q += sol[offsets[f]:offsets[f + 1]][codes]
    x, xt = extras["x"], res.x_tilde
    if x.shape[1]:  # the regressors' block, by Schur complement (see module notes)
        info = xt.T @ (xt * w[:, None])
        g = -np.linalg.solve(info, (x * w[:, None]).T @ q)
        q = q + xt @ g
    est = q.T @ (w * (res.eta - extras["offset"]))
    k = len(horizons)
    cov = np.full((k, k), np.nan)
    good = np.flatnonzero(~bad)
    if unsolved.any():
        warnings.warn(f"horizon(s) {[horizons[j] for j in np.flatnonzero(unsolved)]} are not "
                      "identified by the cohort cells left in the sample (no comparison "
                      "rows in some of their periods): reported as NaN", RuntimeWarning,
                      stacklevel=4)
    est[bad] = np.nan
    if good.size:
        qg = q[:, good]
        gram = qg.T @ (qg * w[:, None])
        kind = "iid" if spec.cov == "iid" else spec.cov
        vq = covariance(kind, qg, w, res.score, df_model=extras["df_cov"], scale=fit.scale,
                        clusters=extras["clusters"], small_sample=spec.small_sample)
        cov[np.ix_(good, good)] = gram @ vq @ gram
    return est, cov
