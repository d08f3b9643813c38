"""Figure helpers: backend-free matplotlib figures saved as PNG and PDF with their numbers.

Figures are built with :class:`matplotlib.figure.Figure` directly, not through ``pyplot``, so
they need no display, touch no global state and are safe in worker processes. Every figure is
saved twice, ``<stem>.png`` (150 dpi) and ``<stem>.pdf``, and the numbers it plots are saved
beside it (:func:`save_numbers`), so a reader can check or replot them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy import stats

from sahelmodel.report._files import atomic_write_bytes, atomic_write_text

__all__ = [
    "new_figure",
    "plot_estimates_against_truth",
    "plot_exponential_qq",
    "save_figure",
    "save_numbers",
]


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float = 6.4,
               height: float = 4.0, **kwargs: Any) -> tuple[Figure, np.ndarray]:
    """A new figure with a grid of axes (always returned as a 2-d array).

    Examples
    --------
    >>> fig, axes = new_figure(1, 2)
    >>> axes.shape
    (1, 2)
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes


def save_figure(fig: Figure, out_dir: str | Path, stem: str) -> list[Path]:
    """Save ``fig`` as ``out_dir/stem.png`` and ``out_dir/stem.pdf``; return both paths.

    The PDF carries no creation date, so the same figure gives the same bytes.
    """
    out = Path(out_dir)
    paths = []
    for ext, kwargs in (("png", {"dpi": 150}), ("pdf", {"metadata": {"CreationDate": None}})):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=ext, **kwargs)
        paths.append(atomic_write_bytes(out / f"{stem}.{ext}", buffer.getvalue()))
    return paths


def _json_default(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (pd.Timestamp, Path)):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def save_numbers(data: pd.DataFrame | Mapping[str, Any], out_dir: str | Path,
                 stem: str) -> Path:
    """Save the numbers behind a figure: a DataFrame as CSV, a mapping as JSON.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> save_numbers(pd.DataFrame({"x": [1, 2]}), d, "demo").name
    'demo.csv'
    """
    out = Path(out_dir)
    if isinstance(data, pd.DataFrame):
        return atomic_write_text(out / f"{stem}.csv", data.to_csv(index=False,
                                                                    lineterminator="\n"))
    text = json.dumps(data, indent=2, default=_json_default, allow_nan=True)
    return atomic_write_text(out / f"{stem}.json", text + "\n")


def plot_estimates_against_truth(ax: Axes, estimates: Sequence[float], truth: float, *,
                                 label: str, bins: int | str = "auto",
                                 fence: float | None = None) -> int:
    """Histogram of Monte Carlo estimates with the truth and the median estimate marked.

    Parameters
    ----------
    ax : matplotlib Axes
    estimates : sequence of float
        One estimate per replication (non-finite values are left out).
    truth : float
        The true value.
    label : str
        Axis label.
    bins : int or str
        Histogram bins.
    fence : float, optional
        Leave out of the histogram the estimates beyond Tukey's fences, ``fence`` times the
        interquartile range outside the quartiles (3 marks "far out" values), so that a few
        degenerate fits do not squash the rest; the number left out is written on the plot.

    Returns
    -------
    int
        Number of estimates outside the plotted range (or not finite).
    """
    values = np.asarray(estimates, dtype=float)
    finite = values[np.isfinite(values)]
    shown = finite
    if fence is not None and finite.size:
        q1, q3 = np.quantile(finite, [0.25, 0.75])
        lo, hi = q1 - fence * (q3 - q1), q3 + fence * (q3 - q1)
        shown = finite[(finite >= min(lo, truth)) & (finite <= max(hi, truth))]
    left_out = values.size - shown.size
    ax.hist(shown, bins=bins, color="0.75", edgecolor="0.35")
    ax.axvline(truth, color="crimson", lw=2, label=f"truth {truth:g}")
    if finite.size:
        ax.axvline(np.median(finite), color="k", ls="--", lw=1.2,
                   label=f"median {np.median(finite):.3g}")
    if left_out:
        ax.text(0.98, 0.6, f"{left_out} outside", transform=ax.transAxes, ha="right",
                fontsize="small")
    ax.set_xlabel(label)
    ax.set_ylabel("replications")
    ax.legend(fontsize="small", frameon=False)
    return int(left_out)


def plot_exponential_qq(ax: Axes, residuals: Sequence[float], *, label: str,
                        level: float = 0.95, color: str | None = None) -> float:
    r"""Exp(1) QQ plot of time-rescaled residuals with a pointwise band; return the KS p-value.

    Notes
    -----
    Under a correct model the rescaled inter-event times :math:`\tau_k = \Lambda(t_k) -
    \Lambda(t_{k-1})` are i.i.d. Exp(1). The k-th order statistic of n Exp(1) draws has
    probability integral transform :math:`U_{(k)} \sim \mathrm{Beta}(k, n - k + 1)`, which
    gives the pointwise band drawn in grey.
    """
    tau = np.sort(np.asarray(residuals, dtype=float))
    n = tau.size
    if n < 2:
        raise ValueError(f"a QQ plot needs at least 2 residuals, got {n}")
    k = np.arange(1, n + 1)
    theo = -np.log1p(-(k - 0.5) / n)
    lo = -np.log1p(-stats.beta.ppf((1 - level) / 2, k, n - k + 1))
    hi = -np.log1p(-stats.beta.ppf((1 + level) / 2, k, n - k + 1))
    pvalue = float(stats.kstest(tau, "expon").pvalue)
    ax.fill_between(theo, lo, hi, color="0.85", lw=0)
    ax.plot(theo, tau, ".", ms=3, color=color, label=f"{label} (KS p = {pvalue:.3g})")
    top = max(theo[-1], tau[-1])
    ax.plot([0, top], [0, top], color="0.3", lw=0.8)
    ax.set_xlabel("Exp(1) quantile")
    ax.set_ylabel("rescaled inter-event time")
    return pvalue
