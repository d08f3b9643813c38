"""Event-count regressions: Poisson and negative binomial models with absorbed fixed effects,
robust and clustered inference, event studies around captures, capture effects and
interrupted time series."""

from sahelmodel.regression.models import NegativeBinomial, Poisson, fenegbin, fepois
from sahelmodel.regression.results import CountResults, DroppedObservations

__all__ = [
    "CountResults",
    "DroppedObservations",
    "NegativeBinomial",
    "Poisson",
    "fenegbin",
    "fepois",
]
