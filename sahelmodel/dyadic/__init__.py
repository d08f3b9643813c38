"""Who fights whom: dyadic network models (latent-factor network model, relational event model)."""

from sahelmodel.dyadic.latent import LatentFactorModel, LatentFactorResults
from sahelmodel.dyadic.latent_simulate import simulate_latent_network

__all__ = ["LatentFactorModel", "LatentFactorResults", "simulate_latent_network"]
