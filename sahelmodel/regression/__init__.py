"""Event-count regressions around arms captures.

Poisson and negative binomial models with absorbed fixed effects (:class:`Poisson`,
:class:`NegativeBinomial`, :func:`fepois`, :func:`fenegbin`), iid, robust and clustered
inference, event studies (:func:`event_study`), capture effects (:func:`capture_effects`),
capability shifts on the actor panel (:func:`capability_shifts`) and interrupted time series
(:func:`interrupted_time_series`, :func:`harmonics`); logit and probit with absorbed fixed
effects (:class:`Logit`, :class:`Probit`, :func:`felogit`, :func:`feprobit`).
"""

from sahelmodel.regression.binary import Logit, Probit, felogit, feprobit
from sahelmodel.regression.binary_results import BinaryResults
from sahelmodel.regression.bootstrap import BootstrapTest, wild_cluster_bootstrap
from sahelmodel.regression.effects import capability_shifts, capture_effects
from sahelmodel.regression.event_study import EventStudyResults, event_study
from sahelmodel.regression.its import harmonics, interrupted_time_series
from sahelmodel.regression.models import NegativeBinomial, Poisson, fenegbin, fepois
from sahelmodel.regression.results import CountResults, DroppedObservations

__all__ = [
    "BinaryResults",
    "BootstrapTest",
    "CountResults",
    "DroppedObservations",
    "EventStudyResults",
    "Logit",
    "NegativeBinomial",
    "Poisson",
    "Probit",
    "capability_shifts",
    "capture_effects",
    "event_study",
    "felogit",
    "fenegbin",
    "fepois",
    "feprobit",
    "harmonics",
    "interrupted_time_series",
    "wild_cluster_bootstrap",
]
