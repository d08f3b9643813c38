"""Multivariate Hawkes processes: parameters, kernels, baselines, simulation and estimation."""

from sahelmodel.hawkes.baseline import (
    Baseline,
    ConstantBaseline,
    LogLinearBaseline,
    PiecewiseConstantBaseline,
    auto_knots,
)
from sahelmodel.hawkes.diagnostics import KSResult
from sahelmodel.hawkes.kernels import ExponentialKernel, Kernel, SumExponentialKernel
from sahelmodel.hawkes.knots import changepoint_knots
from sahelmodel.hawkes.model import Hawkes, HawkesFitError, HawkesWarning
from sahelmodel.hawkes.params import HawkesParams, dyad_relations, relational_adjacency
from sahelmodel.hawkes.response import capture_response
from sahelmodel.hawkes.results import HawkesResults
from sahelmodel.hawkes.simulate import SimulationOverflowError, simulate, simulate_hawkes

__all__ = [
    "Baseline",
    "ConstantBaseline",
    "ExponentialKernel",
    "Hawkes",
    "HawkesFitError",
    "HawkesParams",
    "HawkesResults",
    "HawkesWarning",
    "KSResult",
    "Kernel",
    "LogLinearBaseline",
    "PiecewiseConstantBaseline",
    "SimulationOverflowError",
    "SumExponentialKernel",
    "auto_knots",
    "capture_response",
    "changepoint_knots",
    "dyad_relations",
    "relational_adjacency",
    "simulate",
    "simulate_hawkes",
]
