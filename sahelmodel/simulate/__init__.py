"""A generative world of rival armed groups with arms captures, and its known truth.

``World`` specifies the groups, their territories, rivalries and the processes (self- and
cross-exciting clashes, captures that move capability from loser to capturer, lethality,
reach, attacks on civilians); ``World.run(start, end, rng=...)`` returns an ``EventTable`` of
simulated events with ACLED-style notes and a ``Truth``. ``World.default()`` is calibrated to
the UCDP GED Sahel events (``experiments/calibrate_world.py``).

Examples
--------
>>> from sahelmodel.simulate import World
>>> events, truth = World.default().run("2022-01-01", "2022-03-31", rng=1)
>>> events.frame["source_dataset"].unique().tolist(), truth.kappa
(['simulated'], 2.0)
"""

from sahelmodel.simulate.notes import compose_notes, describe_materiel
from sahelmodel.simulate.spec import DEFAULT_MATERIEL, Group, Materiel, Rivalry, Unit
from sahelmodel.simulate.truth import Truth
from sahelmodel.simulate.world import World

__all__ = [
    "DEFAULT_MATERIEL",
    "Group",
    "Materiel",
    "Rivalry",
    "Truth",
    "Unit",
    "World",
    "compose_notes",
    "describe_materiel",
]
