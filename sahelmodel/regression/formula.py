"""Formulas with absorbed fixed effects: ``"y ~ x1 + x2 | fe1 + fe2"``.

The part left of ``|`` is an ordinary Wilkinson formula handed to formulaic (transforms such as
``np.log(x)``, ``C(region)`` and interactions ``a:b`` work as in formulaic). The part right of
``|`` lists fixed-effect factors separated by ``+``; ``a^b`` is the factor of all observed
combinations of ``a`` and ``b`` (fixest's syntax). Without ``|`` the model has an intercept and
no absorbed effects; with ``|`` the intercept is absorbed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from formulaic import Formula

__all__ = ["ParsedFormula", "build_design", "parse_formula"]


@dataclass(frozen=True)
class ParsedFormula:
    """The pieces of a formula."""

    outcome: str
    rhs: str
    fixed_effects: tuple[tuple[str, ...], ...]

    @property
    def fe_names(self) -> list[str]:
        """Display names of the fixed-effect factors (``a^b`` for combinations)."""
        return ["^".join(parts) for parts in self.fixed_effects]


def parse_formula(formula: str) -> ParsedFormula:
    """Split ``"y ~ rhs | fe1 + fe2^fe3"`` into its parts.

    Examples
    --------
    >>> p = parse_formula("clashes ~ capture_lag1 | dyad + period")
    >>> p.outcome, p.rhs, p.fe_names
    ('clashes', 'capture_lag1', ['dyad', 'period'])
    """
    if not isinstance(formula, str):
        raise TypeError(f"formula must be a string like 'y ~ x | fe', got {type(formula).__name__}")
    if formula.count("~") != 1:
        raise ValueError(f"formula must contain exactly one '~', got {formula!r}")
    lhs, right = (s.strip() for s in formula.split("~"))
    if not lhs:
        raise ValueError(f"formula has no outcome left of '~': {formula!r}")
    if right.count("|") > 1:
        raise ValueError(f"formula may contain at most one '|', got {formula!r}")
    rhs, _, fe_part = (s.strip() for s in right.partition("|"))
    fes: list[tuple[str, ...]] = []
    if fe_part:
        for term in fe_part.split("+"):
            parts = tuple(p.strip() for p in term.split("^"))
            if not all(parts):
                raise ValueError(f"empty fixed-effect name in {fe_part!r}")
            fes.append(parts)
    elif "|" in right:
        raise ValueError(f"nothing after '|' in formula {formula!r}")
    return ParsedFormula(lhs, rhs or "1", tuple(fes))


def _combine(data: pd.DataFrame, parts: tuple[str, ...]) -> np.ndarray:
    for p in parts:
        if p not in data.columns:
            raise KeyError(f"fixed-effect column {p!r} is not in the data")
    if len(parts) == 1:
        return data[parts[0]].to_numpy()
    return (data[list(parts)].astype(str).agg("^".join, axis=1)).to_numpy()


def _refuse_infinite(values: np.ndarray, what: list[str], labels: pd.Index) -> None:
    """Raise ``ValueError`` naming the first column and row holding an infinite value."""
    if values.size == 0 or np.isfinite(values).all():
        return
    bad = ~np.isfinite(values)
    col = int(np.flatnonzero(bad.any(axis=0))[0])
    rows = np.flatnonzero(bad[:, col])
    raise ValueError(
        f"{what[col]} has {rows.size} non-finite value(s) ({values[rows[0], col]} in row "
        f"{labels[rows[0]]!r}); a fit needs finite values: drop or fix those rows (an "
        "infinite transform such as np.log(0) needs a shifted argument)"
    )


def build_design(parsed: ParsedFormula, data: pd.DataFrame,
                 extra_columns: list[str] = (), *, integer_outcome: bool = False) -> tuple[
        np.ndarray, np.ndarray, list[str], list[np.ndarray], np.ndarray, object]:
    """Outcome, regressors, term names, fixed-effect labels and the rows used.

    Rows with a missing outcome, regressor, fixed effect or extra column are left out. An
    infinite value (``inf`` in the data, ``np.log(0)`` in a transform) in the outcome, a
    regressor or a numeric extra column (offset, exposure, weights) is refused with a
    ``ValueError`` naming the column and the row, before any fitting starts: it is not
    missing, and an iterative fit could only fail slowly on it.

    Returns
    -------
    y, x, names, fe_labels, keep, spec
        ``keep`` is a boolean mask over the rows of ``data``; ``spec`` rebuilds the regressors
        for new data (:func:`formulaic.ModelSpec`). ``x`` is the view of columns ``1..k`` of
        a C-ordered ``(n, k + 1)`` array (``x.base``), the layout of the IRLS working array
        ``[z, X]``, so the fit uses it without a copy; when every row is kept, ``y`` and the
        fixed-effect labels are taken without selecting rows. With ``integer_outcome``, an
        outcome column of a numpy integer type is returned as it is (a read-only view, no
        float copy; the count models' compiled passes read it directly).
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    frame = data.reset_index(drop=True)
    if parsed.outcome not in frame.columns:
        raise KeyError(f"outcome column {parsed.outcome!r} is not in the data")
    fe_raw = [_combine(frame, parts) for parts in parsed.fixed_effects]
    mm = Formula(parsed.rhs).get_model_matrix(frame, na_action="drop")
    keep = np.zeros(len(frame), dtype=bool)
    if isinstance(mm.index, pd.RangeIndex):  # (no materialised, cached copy of the index)
        keep[mm.index.start:mm.index.stop:mm.index.step] = True
    else:
        keep[np.asarray(mm.index, dtype=np.int64)] = True
    keep &= frame[parsed.outcome].notna().to_numpy()
    for lab in fe_raw:
        keep &= pd.notna(lab)
    for col in extra_columns:
        keep &= frame[col].notna().to_numpy()
    every = bool(keep.all())  # (then no row selection, hence no copies of the columns)
    names = [str(c) for c in mm.columns]
    drop = [j for j, nm in enumerate(names) if parsed.fixed_effects and nm == "Intercept"]
    used = [j for j in range(len(names)) if j not in drop]
    # the regressors go straight into columns 1..k of the fit's [z, X] working array
    rows = None if every and len(mm) == len(frame) else \
        mm.index.get_indexer(np.flatnonzero(keep))
    work = np.empty((int(keep.sum()), len(used) + 1))
    for i, j in enumerate(used):
        col = mm.iloc[:, j].to_numpy(dtype=float)
        work[:, i + 1] = col if rows is None else col[rows]
    x = work[:, 1:]
    names = [names[j] for j in used]
    raw = frame[parsed.outcome]
    if integer_outcome and isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "iu":
        y = raw.to_numpy()
    else:
        y = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    if not every:
        y = y[keep]
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError(f"outcome column {parsed.outcome!r} is not numeric")
    labels = data.index if every else data.index[keep]
    _refuse_infinite(y[:, None], [f"outcome {parsed.outcome!r}"], labels)
    _refuse_infinite(x, [f"regressor {n!r}" for n in names], labels)
    numeric = [c for c in extra_columns if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    if numeric:
        extra = frame.loc[keep, numeric].to_numpy(dtype=float)
        _refuse_infinite(extra, [f"column {c!r}" for c in numeric], labels)
    return y, x, names, fe_raw if every else [lab[keep] for lab in fe_raw], keep, \
        mm.model_spec
