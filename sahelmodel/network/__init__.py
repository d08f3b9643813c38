"""The time-varying rivalry network among armed groups and its statistics.

:class:`TemporalNetwork` holds hostile and cooperative ties per calendar period with decayed
intensities; the functions of :mod:`sahelmodel.network.statistics` turn it into labelled pandas
objects (period × actor or period × dyad).
"""

from sahelmodel.network._ties import HOSTILE_TYPES, LAYERS
from sahelmodel.network.statistics import (
    betweenness,
    communities,
    degree,
    reciprocity,
    rem_statistics,
    shared_allies,
    shared_enemies,
    shared_neighbours,
    strength,
    triad_census,
)
from sahelmodel.network.temporal import Layer, TemporalNetwork

__all__ = [
    "HOSTILE_TYPES",
    "LAYERS",
    "Layer",
    "TemporalNetwork",
    "betweenness",
    "communities",
    "degree",
    "reciprocity",
    "rem_statistics",
    "shared_allies",
    "shared_enemies",
    "shared_neighbours",
    "strength",
    "triad_census",
]
