"""The parts a simulated world is built from: groups, admin units, rivalries and materiel.

Each part is a small frozen, keyword-only dataclass that checks itself on construction, so a
:class:`~sahelmodel.simulate.World` made of them is valid by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sahelmodel._validation import check_positive, check_probability
from sahelmodel.events import ACTOR_KINDS

__all__ = ["DEFAULT_MATERIEL", "Group", "Materiel", "Rivalry", "Unit"]


@dataclass(frozen=True, kw_only=True)
class Unit:
    """A second-level administrative unit (admin2) with named places.

    Parameters
    ----------
    country, admin1, admin2 : str
        Names as event data write them.
    latitude, longitude : float
        Centre of the unit (WGS84 degrees).
    places : tuple of (str, float, float)
        Place names with coordinates where events are located; at least one.

    Examples
    --------
    >>> Unit(country="Mali", admin1="Menaka", admin2="Menaka", latitude=15.9,
    ...      longitude=2.4, places=(("Tin-Akoff", 15.9, 2.4),)).admin2
    'Menaka'
    """

    country: str
    admin1: str
    admin2: str
    latitude: float
    longitude: float
    places: tuple[tuple[str, float, float], ...]

    def __post_init__(self) -> None:
        if not self.places:
            raise ValueError(f"unit {self.admin2!r} needs at least one place")
        object.__setattr__(
            self, "places", tuple((str(n), float(y), float(x)) for n, y, x in self.places)
        )
        for name, lat, lon in ((self.admin2, self.latitude, self.longitude), *self.places):
            if not (abs(lat) <= 90 and abs(lon) <= 180):
                raise ValueError(f"unit {self.admin2!r}: coordinates of {name!r} out of range")


@dataclass(frozen=True, kw_only=True)
class Group:
    """An armed group (or state force) of the world.

    Parameters
    ----------
    id : str
        Canonical actor id (``data/actors.csv`` where the group is real).
    name : str
        Name used in the generated notes (must resolve to ``id`` through the alias table for
        the capture coder to recognise it).
    kind : str
        One of :data:`sahelmodel.events.ACTOR_KINDS`.
    country : str
        Home country.
    endowment : float
        Capability the group returns to as captured gains depreciate and losses are made good
        (``c_bar`` in :class:`~sahelmodel.simulate.World`); also the initial capability.
    territory : tuple of int
        Indices of the admin units it holds, most important first; its reach at endowment.
    civilian_rate : float
        One-sided attacks on civilians per day at endowment capability.
    active_from : str, optional
        ISO date before which the group does not attack civilians.

    Examples
    --------
    >>> Group(id="jnim", name="JNIM", kind="jihadist_group", country="Mali",
    ...       endowment=20.0, territory=(0, 1)).endowment
    20.0
    """

    id: str
    name: str
    kind: str
    country: str
    endowment: float
    territory: tuple[int, ...]
    civilian_rate: float = 0.0
    active_from: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ACTOR_KINDS:
            raise ValueError(f"group {self.id!r}: kind {self.kind!r} not in {ACTOR_KINDS}")
        object.__setattr__(self, "endowment", check_positive(f"{self.id}.endowment",
                                                             self.endowment))
        object.__setattr__(self, "civilian_rate", check_positive(
            f"{self.id}.civilian_rate", self.civilian_rate, allow_zero=True))
        object.__setattr__(self, "territory", tuple(int(u) for u in self.territory))
        if not self.territory:
            raise ValueError(f"group {self.id!r} needs a territory of at least one unit")


@dataclass(frozen=True, kw_only=True)
class Rivalry:
    """A hostile dyad: the two groups clash at ``rate`` per day once the rivalry is on.

    Parameters
    ----------
    a, b : str
        Group ids (order does not matter).
    rate : float
        Target long-run clashes per day with both groups at endowment, all processes included
        (the world solves for the baseline that produces it, see
        :meth:`~sahelmodel.simulate.World.baseline`).
    start, end : str, optional
        ISO dates on which the rivalry switches on and off; the rivalry term follows the
        switch with the world's ``rivalry_half_life``.

    Examples
    --------
    >>> Rivalry(a="jnim", b="is_sahel", rate=0.06, start="2019-07-01").pair
    ('is_sahel', 'jnim')
    """

    a: str
    b: str
    rate: float
    start: str | None = None
    end: str | None = None

    def __post_init__(self) -> None:
        if self.a == self.b:
            raise ValueError(f"rivalry of {self.a!r} with itself")
        object.__setattr__(self, "rate", check_positive(f"rate of {self.a}|{self.b}",
                                                        self.rate))

    @property
    def pair(self) -> tuple[str, str]:
        """The two ids, sorted."""
        return (min(self.a, self.b), max(self.a, self.b))


@dataclass(frozen=True, kw_only=True)
class Materiel:
    """A class of materiel that can be captured.

    Parameters
    ----------
    cls : str
        Materiel class as in the lexicon (``data/materiel.csv``).
    singular, plural : str
        How the notes name one item and several; equal for uncountable materiel (written
        without a number).
    weight : float
        Capability per item (before the world's ``materiel_scale``).
    probability : float
        Relative frequency of the class among captures.
    mean_quantity : float
        Mean number of items when the class is taken (at least 1).

    Examples
    --------
    >>> Materiel(cls="machine_gun", singular="PKM machine gun", plural="PKM machine guns",
    ...          weight=2.0, probability=0.1, mean_quantity=1.5).cls
    'machine_gun'
    """

    cls: str
    singular: str
    plural: str
    weight: float
    probability: float
    mean_quantity: float = 1.0

    def __post_init__(self) -> None:
        check_positive(f"{self.cls}.weight", self.weight)
        check_probability(f"{self.cls}.probability", self.probability)
        if not np.isfinite(self.mean_quantity) or self.mean_quantity < 1:
            raise ValueError(f"{self.cls}.mean_quantity must be >= 1, got {self.mean_quantity}")


#: Materiel taken in simulated captures: names as ACLED notes write them, weights per item
#: (the scale of ``data/materiel.csv``), relative frequencies and mean quantities. ``World.default``
#: replaces the weights by those of the package's materiel lexicon where it has the class.
DEFAULT_MATERIEL: tuple[Materiel, ...] = (
    Materiel(cls="assault_rifle", singular="AK-47 assault rifle",
             plural="AK-47 assault rifles", weight=1.0, probability=0.30, mean_quantity=6.0),
    Materiel(cls="machine_gun", singular="PKM machine gun", plural="PKM machine guns",
             weight=2.0, probability=0.12, mean_quantity=1.5),
    Materiel(cls="rocket_launcher", singular="RPG-7 launcher", plural="RPG-7 launchers",
             weight=3.0, probability=0.10, mean_quantity=1.5),
    Materiel(cls="rockets_ammunition", singular="PG-7V rocket", plural="PG-7V rockets", weight=0.5,
             probability=0.05, mean_quantity=5.0),
    Materiel(cls="machine_gun", singular="DShK heavy machine gun",
             plural="DShK heavy machine guns", weight=4.0, probability=0.05, mean_quantity=1.0),
    Materiel(cls="vehicle", singular="pick-up truck", plural="pick-up trucks", weight=2.5,
             probability=0.10, mean_quantity=1.5),
    Materiel(cls="motorcycle", singular="motorbike", plural="motorbikes", weight=1.0,
             probability=0.13, mean_quantity=3.0),
    Materiel(cls="ammunition", singular="ammunition", plural="ammunition",
             weight=0.5, probability=0.15, mean_quantity=1.0),
)
