"""Multivariate Hawkes processes: parameters, kernels, baselines, simulation and estimation."""

from sahelmodel.hawkes.baseline import (
    Baseline,
    ConstantBaseline,
    LogLinearBaseline,
    PiecewiseConstantBaseline,
    auto_knots,
)
from sahelmodel.hawkes.kernels import ExponentialKernel, Kernel, SumExponentialKernel
from sahelmodel.hawkes.params import HawkesParams, dyad_relations, relational_adjacency
from sahelmodel.hawkes.simulate import SimulationOverflowError, simulate, simulate_hawkes

__all__ = [
    "Baseline",
    "ConstantBaseline",
    "ExponentialKernel",
    "HawkesParams",
    "Kernel",
    "LogLinearBaseline",
    "PiecewiseConstantBaseline",
    "SimulationOverflowError",
    "SumExponentialKernel",
    "auto_knots",
    "dyad_relations",
    "relational_adjacency",
    "simulate",
    "simulate_hawkes",
]
