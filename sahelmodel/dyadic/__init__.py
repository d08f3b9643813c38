"""Who fights whom: dyadic network models and forecast evaluation.

A model family beside the count regressions and Hawkes processes, meeting them only through
:class:`~sahelmodel.events.EventTable`, the dyad panel and the network's statistics:
dyad × period data (:class:`DyadData`, :func:`dyad_data`, :func:`clash_data`), binary dyadic
GLMs with absorbed sender, receiver and period effects (:class:`DyadicGLM`) and forecast
evaluation (:func:`rolling_origin`, :func:`cross_validate`, :func:`forecast_scores`,
:func:`compare_models`).
"""

from sahelmodel.dyadic.data import DyadData, clash_data, dyad_data
from sahelmodel.dyadic.forecast import (
    CVSplit,
    ForecastResult,
    calibration_table,
    compare_models,
    cross_validate,
    forecast_scores,
    rolling_origin,
)
from sahelmodel.dyadic.glm import DyadicGLM
from sahelmodel.dyadic.plots import plot_forecast_curves
from sahelmodel.dyadic.protocol import DyadModel, FittedDyadModel, FrameModel

__all__ = [
    "CVSplit",
    "DyadData",
    "DyadModel",
    "DyadicGLM",
    "FittedDyadModel",
    "ForecastResult",
    "FrameModel",
    "calibration_table",
    "clash_data",
    "compare_models",
    "cross_validate",
    "dyad_data",
    "forecast_scores",
    "plot_forecast_curves",
    "rolling_origin",
]
