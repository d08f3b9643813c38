"""Plots of a forecast evaluation: ROC and precision-recall curves, and calibration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sahelmodel.dyadic.forecast import ForecastResult

__all__ = ["plot_forecast_curves"]


def plot_forecast_curves(result: ForecastResult, *, models: Sequence[str] | None = None,
                         axes: Sequence[Any] | None = None, n_bins: int = 8) -> Any:
    """ROC curves, precision-recall curves and calibration of each model, side by side.

    Parameters
    ----------
    result : ForecastResult
    models : sequence of str, optional
        Which models, in legend order (default all).
    axes : sequence of three matplotlib Axes, optional
        Where to draw (a new 1 × 3 figure by default).
    n_bins : int
        Quantile bins of the calibration panel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import pandas as pd
    >>> pred = pd.DataFrame({"model": "m", "fold": 0, "y": [0.0, 1, 0, 1, 0],
    ...                      "p": [0.2, 0.7, 0.4, 0.6, 0.1], "weight": 1.0})
    >>> fig = plot_forecast_curves(ForecastResult(pred, "random"))
    >>> len(fig.axes)
    3
    """
    import matplotlib.pyplot as plt

    names = result.models if models is None else list(models)
    if axes is None:
        fig, axes = plt.subplots(1, 3, figsize=(13.0, 4.2))
    else:
        fig = axes[0].figure
    ax_roc, ax_pr, ax_cal = axes
    scores = result.scores()
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, name in enumerate(names):
        c = result.curves(name)
        s = scores.loc[name]
        col = colors[k % len(colors)]
        ax_roc.plot(c["fpr"], c["tpr"], color=col, lw=1.5,
                    label=f"{name} (AUC {s['roc_auc']:.3f})")
        ax_pr.step(c["recall"], c["precision"], where="post", color=col, lw=1.5,
                   label=f"{name} (AP {s['average_precision']:.3f})")
        cal = result.calibration(name, n_bins=n_bins)
        ax_cal.errorbar(cal["mean_predicted"], cal["observed"], yerr=1.96 * cal["std_error"],
                        fmt="o-", color=col, ms=3.5, lw=1, capsize=2, label=name)
    base = float(scores["base_rate"].iloc[0]) if len(scores) else np.nan
    cal_max = max(float(np.nanmax(np.r_[cal["mean_predicted"], cal["observed"]
                                        + 1.96 * cal["std_error"]]))
                  for cal in (result.calibration(m, n_bins=n_bins) for m in names))
    ax_roc.plot([0, 1], [0, 1], color="0.6", lw=0.8, ls="--")
    ax_roc.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
    ax_pr.axhline(base, color="0.6", lw=0.8, ls="--")
    ax_pr.set(xlabel="recall", ylabel="precision", title="precision-recall", ylim=(0, 1.02))
    ax_cal.plot([0, 1], [0, 1], color="0.6", lw=0.8, ls="--")
    top = min(1.0, max(cal_max, base) * 1.1)  # rare ties: zoom on the occupied range
    ax_cal.set(xlabel="predicted probability (bin mean)", ylabel="observed share of ties",
               title=f"calibration ({n_bins} equal-count bins)", xlim=(0, top), ylim=(0, top))
    for ax in (ax_roc, ax_pr):
        ax.legend(fontsize="x-small", frameon=False, loc="lower right" if ax is ax_roc
                  else "lower left")
    return fig
