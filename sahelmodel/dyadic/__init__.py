"""Who fights whom: dyadic network models (latent-factor network model, relational event model)."""

from sahelmodel.dyadic.latent import LatentFactorForecaster, LatentFactorModel, LatentFactorResults
from sahelmodel.dyadic.latent_simulate import simulate_latent_network
from sahelmodel.dyadic.rem import RelationalEventModel, RelationalEventResults, event_stream
from sahelmodel.dyadic.rem_forecast import RelationalEventForecaster
from sahelmodel.dyadic.rem_simulate import simulate_rem

__all__ = [
    "LatentFactorForecaster",
    "LatentFactorModel",
    "LatentFactorResults",
    "RelationalEventForecaster",
    "RelationalEventModel",
    "RelationalEventResults",
    "event_stream",
    "simulate_latent_network",
    "simulate_rem",
]
