"""The time-varying rivalry network among armed groups and its statistics.

:class:`TemporalNetwork` holds hostile and cooperative ties per calendar period with decayed
intensities; the functions of :mod:`sahelmodel.network.statistics` turn it into labelled pandas
objects (period × actor or period × dyad).
"""

from sahelmodel.network._ties import HOSTILE_TYPES, LAYERS
from sahelmodel.network.temporal import Layer, TemporalNetwork

__all__ = ["HOSTILE_TYPES", "LAYERS", "Layer", "TemporalNetwork"]
