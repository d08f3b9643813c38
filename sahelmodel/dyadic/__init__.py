"""Who fights whom: dyadic network models and forecast evaluation.

A model family beside the count regressions and Hawkes processes, meeting them only through
:class:`~sahelmodel.events.EventTable`, the dyad panel and the network's statistics:
dyad × period data (:class:`DyadData`, :func:`dyad_data`, :func:`clash_data`), binary dyadic
GLMs with absorbed sender, receiver and period effects (:class:`DyadicGLM`), the latent-factor
network model (:class:`LatentFactorModel`), the relational event model
(:class:`RelationalEventModel`) and forecast evaluation (:func:`rolling_origin`,
:func:`cross_validate`, :func:`forecast_scores`, :func:`compare_models`).
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
from sahelmodel.dyadic.latent import LatentFactorForecaster, LatentFactorModel, LatentFactorResults
from sahelmodel.dyadic.latent_simulate import simulate_latent_network
from sahelmodel.dyadic.plots import plot_forecast_curves
from sahelmodel.dyadic.protocol import DyadModel, FittedDyadModel, FrameModel
from sahelmodel.dyadic.rem import RelationalEventModel, RelationalEventResults, event_stream
from sahelmodel.dyadic.rem_forecast import RelationalEventForecaster
from sahelmodel.dyadic.rem_simulate import simulate_rem

__all__ = [
    "CVSplit",
    "DyadData",
    "DyadModel",
    "DyadicGLM",
    "FittedDyadModel",
    "ForecastResult",
    "FrameModel",
    "LatentFactorForecaster",
    "LatentFactorModel",
    "LatentFactorResults",
    "RelationalEventForecaster",
    "RelationalEventModel",
    "RelationalEventResults",
    "calibration_table",
    "clash_data",
    "compare_models",
    "cross_validate",
    "dyad_data",
    "event_stream",
    "forecast_scores",
    "plot_forecast_curves",
    "rolling_origin",
    "simulate_latent_network",
    "simulate_rem",
]
