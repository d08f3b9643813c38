"""Sample accounting of the FE count models: drop rules and re-basing on the rows left.

:func:`_drop_rules_impl` applies the all-zero-group and single-regressor separation rules
until nothing changes; :func:`_compact` re-bases every row array on the rows still in the
sample (one copy, after which the full-length arrays can be freed: the fit's peak memory stays
a small multiple of the rows it actually uses); :func:`_rows_of` selects row labels without
the temporaries of ``RangeIndex.take``. Arrays only, apart from the labels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__: list[str] = []


def _rows_of(labels: pd.Index, mask: np.ndarray) -> pd.Index:
    """``labels[mask]``; for a range index without the temporaries of ``RangeIndex.take``."""
    if isinstance(labels, pd.RangeIndex):
        pos = np.flatnonzero(mask)
        if labels.step != 1:
            pos *= labels.step
        if labels.start:
            pos += labels.start
        return pd.Index(pos, name=labels.name, copy=False)
    return labels[mask]


def _compact(sel: np.ndarray, y: np.ndarray, x: np.ndarray, fe_codes: list[np.ndarray],
             offset: np.ndarray | None, pw: np.ndarray | None, clusters: list[np.ndarray]
             ) -> tuple[Any, ...]:
    """The rows ``sel`` of every row array; ``x`` as columns 1..k of a new [z, X] buffer."""
    work = np.empty((int(sel.sum()), x.shape[1] + 1))
    for j in range(x.shape[1]):  # (one column at a time: no second copy of the design)
        work[:, j + 1] = x[:, j][sel]
    return (y[sel], work[:, 1:], work, [c[sel] for c in fe_codes],
            None if offset is None else offset[sel], None if pw is None else pw[sel],
            [c[sel] for c in clusters])


def _drop_rules_impl(y: np.ndarray, x: np.ndarray, names: list[str],
                     fe_codes: list[np.ndarray], fe_levels: list[Any], fe_names: list[str],
                     active: np.ndarray, all_zero: dict[str, list[Any]], separating: list[str],
                     n_zero: int, n_sep: int) -> tuple[int, int]:
    """Apply the all-zero-group and single-regressor separation rules until stable."""
    while True:
        if not (y[active] > 0).any():
            raise ValueError("the outcome is zero in every observation (after removing "
                             "all-zero fixed-effect groups); the model is not estimable")
        changed = False
        for codes, levels, name in zip(fe_codes, fe_levels, fe_names, strict=True):
            sums = np.bincount(codes[active], weights=y[active], minlength=len(levels))
            present = np.bincount(codes[active], minlength=len(levels)) > 0
            bad = present & (sums == 0)
            if bad.any():
                rows = active & bad[codes]
                n_zero += int(rows.sum())
                all_zero[name].extend(levels[bad].tolist())
                active &= ~rows
                changed = True
        pos = active & (y > 0)
        zero = active & (y == 0)
        for j in range(x.shape[1]):  # loop over regressors, not observations
            xj = x[:, j]
            if np.any(xj[pos] != 0):
                continue
            nz = zero & (xj != 0)
            if nz.any() and (np.all(xj[nz] > 0) or np.all(xj[nz] < 0)):
                n_sep += int(nz.sum())
                active &= ~nz
                separating.append(names[j])
                changed = True
        if not changed:
            return n_zero, n_sep
