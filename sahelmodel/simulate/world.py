"""The generative world of rival armed groups: specification and the daily model.

A :class:`World` is a frozen, keyword-only specification. :meth:`World.run` simulates it from
one date to another, one day at a time and vectorised over dyads and groups, and returns the
events as an :class:`~sahelmodel.events.EventTable` (``source_dataset="simulated"``, the
attacker as ``actor1``, ``directed=True``, generated ACLED-style ``notes``, capture columns left
empty for :func:`sahelmodel.code_captures`) together with the :class:`~sahelmodel.simulate.Truth`.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._rng import RNGLike, as_generator
from sahelmodel._validation import check_positive
from sahelmodel.events import EventTable
from sahelmodel.simulate._engine import EngineInput, simulate_days
from sahelmodel.simulate._events import build_events
from sahelmodel.simulate.spec import DEFAULT_MATERIEL, Group, Materiel, Rivalry, Unit
from sahelmodel.simulate.truth import Truth

__all__ = ["World"]

_LN2 = math.log(2.0)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


@dataclass(frozen=True, kw_only=True)
class World:
    r"""A world of armed groups, their rivalries and the processes that generate events.

    Parameters
    ----------
    groups : sequence of Group
        The armed groups and state forces (ids unique).
    units : sequence of Unit
        The admin units (the gazetteer); groups' territories index into it.
    rivalries : sequence of Rivalry
        Hostile dyads with target clash rates and start/end dates.
    alliances : sequence of (str, str)
        Allied pairs; an allied pair may not also be a rivalry.
    materiel : sequence of Materiel
        What captures take (class, weight, frequency, quantity).
    self_excitation : float
        :math:`\alpha_s`: expected direct offspring clashes in a dyad of one ordinary clash in it.
    spillover : float
        :math:`\alpha_x`: expected direct offspring in a dyad of one clash in another dyad that
        shares a group with it (cross-excitation).
    decay : float
        :math:`\beta`, per day: the kernel's mean lag is about ``1 / decay`` days.
    kappa : float
        :math:`\kappa`: a clash that ends in a capture has ``kappa`` times the offspring of an
        ordinary clash (the Hawkes mark multiplier); 1 switches this channel off.
    capture_step : float
        :math:`\theta`: each capture in a dyad multiplies the dyad's clash rate by ``theta`` for
        the ``capture_window`` days after it (the event-study step); 1 switches it off.
    capture_window : int
        :math:`H`, days.
    capture_cap : int
        :math:`n_{max}`: at most this many recent captures compound (keeps the step process
        from running away when captures are frequent). The world requires
        ``max(1, capture_step) ** capture_cap * branching_ratio < 1``, a sufficient condition
        for the clash process not to explode.
    rivalry_half_life : float
        Days for the rivalry term to cover half the way to its new level after a switch.
    capability_half_life : float
        Days for captured gains (and losses) to be half depreciated (made good).
    clash_elasticity, tempo_elasticity, lethality_elasticity, reach_elasticity : float
        :math:`\psi_c, \psi_t, \psi_l, \psi_r`: elasticities of clash rates, attacks on
        civilians, fatalities per event and the number of admin units reached with respect to
        capability relative to endowment.
    attack_slope : float
        :math:`\gamma_a`: log-odds that group i rather than j attacks, per unit log(c_i/c_j).
    capture_probability : float
        Probability that an attack between equals ends in a capture by the attacker.
    capture_slope : float
        :math:`\gamma_1`: change of the capture log-odds per unit log capability ratio.
    defender_capture_penalty : float
        :math:`\gamma_d`: how much lower the defender's capture log-odds are.
    max_loss_share : float
        A group loses at most this share of its capability to captures in one day.
    materiel_scale : float
        Capability units per unit of materiel weight.
    battle_fatalities, civilian_fatalities : float
        Mean deaths per clash and per attack on civilians at endowment capability.
    fatality_dispersion : float
        Negative-binomial dispersion :math:`k` of deaths per event (variance
        :math:`m + m^2/k`).
    front_share : float
        Probability that a clash takes place in a unit both groups hold, where there is one.

    Notes
    -----
    Time runs in days :math:`t`. For each hostile dyad :math:`d = (i, j)` the number of clashes
    on day :math:`t` is Poisson with mean

    .. math::

        \lambda_d(t) = \Big[\mu_d\, r_d(t) \Big(\tfrac{c_i(t)}{\bar c_i}\Big)^{\psi_c/2}
        \Big(\tfrac{c_j(t)}{\bar c_j}\Big)^{\psi_c/2}
        + \sum_{d'} A_{dd'} \sum_{s<t} g(t-s)\,\big(N_{d'}(s) + (\kappa-1) K_{d'}(s)\big)\Big]
        \, \theta^{\,\min(n_{max},\ \sum_{s=t-H}^{t-1} K_d(s))}

    with :math:`N_d(s)` clashes and :math:`K_d(s)` captures on day :math:`s`, the discrete
    exponential kernel :math:`g(\ell) = (1-e^{-\beta}) e^{-\beta(\ell-1)}` for
    :math:`\ell \ge 1` (it sums to one, so :math:`A` holds branching ratios:
    :math:`A_{dd} = \alpha_s`, :math:`A_{dd'} = \alpha_x` when :math:`d, d'` share a group),
    and the decayed rivalry :math:`r_d(t) = \rho_r r_d(t-1) + (1-\rho_r)\,
    1\{\text{rivalry on at } t\}`. The baseline :math:`\mu` solves
    :math:`\mu = (I - \tilde A)\,\text{rate}`, where :math:`\tilde A` is :math:`A` with each
    column scaled by :math:`1 + (\kappa-1)\bar p_{d'}` (the mean capture probability of a clash),
    so that with groups at endowment and :math:`\theta = 1` the long-run clash rate of each
    dyad equals the rivalry's ``rate``.

    In a clash, group i attacks with probability :math:`\sigma(\gamma_a \log(c_i/c_j))`; the
    attacker captures materiel with probability
    :math:`p_A = \sigma(\gamma_0 + \gamma_1 \log(c_A/c_D))`, otherwise the defender does with
    probability :math:`\sigma(\gamma_0 - \gamma_d - \gamma_1 \log(c_A/c_D))` (at most one capture
    per clash; :math:`\gamma_0` = logit of ``capture_probability``). The materiel (one to three
    classes, quantities 1 + Poisson) has weight :math:`w`; ``materiel_scale`` * w moves from the
    loser to the capturer, never more than ``max_loss_share`` of what the loser has.
    Capability then depreciates toward the endowment,
    :math:`c(t+1) = \bar c + (c(t) + \Delta(t) - \bar c)\rho_c`, so it never goes negative.

    Each group attacks civilians at rate :math:`\tau_g (c_g/\bar c_g)^{\psi_t}` (tempo).
    Deaths per event are negative binomial with mean :math:`m (c_A/\bar c_A)^{\psi_l}`
    (lethality). An event's admin unit is drawn from the first
    :math:`R_g(t) = \mathrm{round}(|T_g| (c_g/\bar c_g)^{\psi_r})` units of the attacker's list
    (its territory :math:`T_g`, then the other units by distance), or from the units both
    groups hold with probability ``front_share`` (reach).

    The capture estimands recorded in :class:`~sahelmodel.simulate.Truth`: ``kappa`` (the
    Hawkes mark multiplier); :meth:`Truth.clash_effect`, the effect of a capture on the dyad's
    clashes by event-study horizon through every channel at once (:math:`\kappa`,
    :math:`\theta` and capability), computed by paired counterfactual simulation
    (:mod:`sahelmodel.simulate.counterfactual`): this is what an event study of ``hostile`` on
    the capture indicator estimates; and :meth:`Truth.clash_rate_ratio`, the :math:`\theta`
    channel alone.

    Examples
    --------
    >>> world = World.synthetic(n_groups=4, rng=1)
    >>> events, truth = world.run("2020-01-01", "2020-12-31", rng=7)
    >>> events.frame["source_dataset"].unique().tolist()
    ['simulated']
    >>> bool((truth.capability.to_numpy() >= 0).all())
    True
    """

    groups: tuple[Group, ...]
    units: tuple[Unit, ...]
    rivalries: tuple[Rivalry, ...]
    alliances: tuple[tuple[str, str], ...] = ()
    materiel: tuple[Materiel, ...] = DEFAULT_MATERIEL
    self_excitation: float = 0.3
    spillover: float = 0.02
    decay: float = 1.0 / 14.0
    kappa: float = 2.0
    capture_step: float = 1.0
    capture_window: int = 28
    capture_cap: int = 3
    rivalry_half_life: float = 60.0
    capability_half_life: float = 180.0
    clash_elasticity: float = 0.5
    tempo_elasticity: float = 0.5
    lethality_elasticity: float = 0.5
    reach_elasticity: float = 1.0
    attack_slope: float = 0.5
    capture_probability: float = 0.06
    capture_slope: float = 0.5
    defender_capture_penalty: float = 1.0
    max_loss_share: float = 0.25
    materiel_scale: float = 0.1
    battle_fatalities: float = 8.0
    civilian_fatalities: float = 8.0
    fatality_dispersion: float = 0.3
    front_share: float = 0.7

    def __post_init__(self) -> None:
        for name in ("groups", "units", "rivalries", "materiel"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "alliances", tuple(tuple(sorted(p)) for p in self.alliances))
        ids = [g.id for g in self.groups]
        if len(set(ids)) != len(ids):
            raise ValueError(f"group ids must be unique, got {ids}")
        if not self.groups or not self.units or not self.materiel:
            raise ValueError("a world needs at least one group, one unit and one materiel class")
        known = set(ids)
        for g in self.groups:
            bad = [u for u in g.territory if not 0 <= u < len(self.units)]
            if bad:
                raise ValueError(f"group {g.id!r}: territory units {bad} are not in "
                                 f"0..{len(self.units) - 1}")
        pairs = [r.pair for r in self.rivalries]
        if len(set(pairs)) != len(pairs):
            raise ValueError("each pair of groups may have at most one rivalry")
        for pair in [*pairs, *self.alliances]:
            missing = set(pair) - known
            if missing:
                raise ValueError(f"pair {pair} names unknown groups {sorted(missing)}")
        both = set(pairs) & set(self.alliances)
        if both:
            raise ValueError(f"pairs both allied and hostile: {sorted(both)}")
        for name in ("self_excitation", "spillover"):
            check_positive(name, getattr(self, name), allow_zero=True)
        for name in ("decay", "kappa", "capture_step", "rivalry_half_life",
                     "capability_half_life", "materiel_scale", "battle_fatalities",
                     "civilian_fatalities", "fatality_dispersion"):
            check_positive(name, getattr(self, name))
        for name in ("clash_elasticity", "tempo_elasticity", "lethality_elasticity",
                     "reach_elasticity", "attack_slope", "capture_slope",
                     "defender_capture_penalty"):
            if not np.isfinite(getattr(self, name)):
                raise ValueError(f"{name} must be finite")
        if not 0 < self.capture_probability < 1:
            raise ValueError(
                f"capture_probability must be in (0, 1), got {self.capture_probability}")
        if not 0 < self.max_loss_share <= 1:
            raise ValueError(f"max_loss_share must be in (0, 1], got {self.max_loss_share}")
        if not 0 <= self.front_share <= 1:
            raise ValueError(f"front_share must be in [0, 1], got {self.front_share}")
        if int(self.capture_cap) != self.capture_cap or self.capture_cap < 0:
            raise ValueError(f"capture_cap must be a whole number >= 0, got {self.capture_cap}")
        if int(self.capture_window) != self.capture_window or self.capture_window < 0:
            raise ValueError(f"capture_window must be a whole number of days >= 0, got "
                             f"{self.capture_window}")
        radius = self.branching_ratio
        if self.rivalries and radius >= 1:
            raise ValueError(
                f"the clash process is explosive: spectral radius of the effective excitation "
                f"matrix is {radius:.3f} >= 1; lower self_excitation, spillover or kappa")
        boost = max(1.0, self.capture_step) ** int(self.capture_cap)
        if self.rivalries and radius * boost >= 1:
            raise ValueError(
                f"the clash process may explode: the capture step can multiply the clash rate "
                f"by capture_step**capture_cap = {boost:.3g}, and {boost:.3g} x the branching "
                f"ratio {radius:.3f} >= 1; lower capture_step, capture_cap or the excitation")
        mu = self.baseline()
        if np.any(mu <= 0):
            d = int(np.argmin(mu))
            raise ValueError(
                f"no positive baseline reproduces the target rate of rivalry "
                f"{'|'.join(self.rivalries[d].pair)}: the excitation from neighbouring dyads "
                f"alone exceeds it; lower spillover or raise that rivalry's rate")

    # ------------------------------------------------------------------ construction helpers
    def replace(self, **changes: Any) -> World:
        """Return a copy with some settings changed (the copy is validated again).

        Examples
        --------
        >>> w = World.synthetic(n_groups=3, rng=0)
        >>> w.replace(kappa=1.0).kappa
        1.0
        """
        return dataclasses.replace(self, **changes)

    def restrict(self, ids: Any) -> World:
        """The world of the groups ``ids`` only: their rivalries and alliances, same units.

        Examples
        --------
        >>> w = World.default().restrict(["jnim", "is_sahel", "military_mali"])
        >>> [r.pair for r in w.rivalries]
        [('is_sahel', 'jnim'), ('is_sahel', 'military_mali'), ('jnim', 'military_mali')]
        """
        keep = set(ids)
        unknown = keep - set(self.group_ids)
        if unknown:
            raise ValueError(f"not groups of this world: {sorted(unknown)}")
        return self.replace(
            groups=tuple(g for g in self.groups if g.id in keep),
            rivalries=tuple(r for r in self.rivalries if set(r.pair) <= keep),
            alliances=tuple(p for p in self.alliances if set(p) <= keep))

    @classmethod
    def default(cls, **changes: Any) -> World:
        """The world calibrated to the UCDP GED Sahel events of 2019–2023.

        JNIM, Islamic State Sahel, the armed forces of Burkina Faso, Mali, Niger and Benin,
        the VDP, Dozo hunters, Dan na Ambassagou, Koglweogo, GATIA, MSA and the CMA, on the
        admin units where UCDP places their events, with the rivalry rates, start dates,
        one-sided violence and fatalities per event measured by
        ``experiments/calibrate_world.py`` (stored in ``calibration.json`` beside this module).
        Keyword arguments override settings.

        Examples
        --------
        >>> w = World.default()
        >>> [g.id for g in w.groups][:2]
        ['cma', 'dan_na_ambassagou']
        """
        from sahelmodel.simulate._default import default_spec

        return cls(**{**default_spec(), **changes})

    @classmethod
    def synthetic(cls, *, n_groups: int = 20, n_units: int = 60, density: float = 0.3,
                  rng: RNGLike = None, **changes: Any) -> World:
        """A random world of ``n_groups`` groups on a grid of ``n_units`` units.

        Rivalries join a share ``density`` of the pairs, with rates between 0.01 and 0.2 per
        day. Useful for benchmarks and property tests.

        Examples
        --------
        >>> len(World.synthetic(n_groups=5, rng=3).groups)
        5
        """
        from sahelmodel.simulate._default import synthetic_spec

        return cls(**{**synthetic_spec(n_groups, n_units, density, as_generator(rng)),
                      **changes})

    # ------------------------------------------------------------------ derived arrays
    @property
    def group_ids(self) -> tuple[str, ...]:
        """Group ids in the order of the arrays."""
        return tuple(g.id for g in self.groups)

    def _dyad_index(self) -> tuple[np.ndarray, np.ndarray]:
        pos = {g: i for i, g in enumerate(self.group_ids)}
        a = np.array([pos[r.pair[0]] for r in self.rivalries], dtype=np.int64)
        b = np.array([pos[r.pair[1]] for r in self.rivalries], dtype=np.int64)
        return a, b

    def excitation_matrix(self) -> np.ndarray:
        """Branching ratios ``A[d, d']`` between dyads (self on the diagonal, spill-over off it).

        Examples
        --------
        >>> World.synthetic(n_groups=3, rng=0).excitation_matrix().shape[0] >= 1
        True
        """
        mat = np.where(self.shares_group(), self.spillover, 0.0)
        np.fill_diagonal(mat, self.self_excitation)
        return mat

    def shares_group(self) -> np.ndarray:
        """``(D, D)`` boolean: the two rivalries have a group in common (diagonal True)."""
        a, b = self._dyad_index()
        return (a[:, None] == a[None, :]) | (a[:, None] == b[None, :]) | (
            b[:, None] == a[None, :]) | (b[:, None] == b[None, :])

    def mean_capture_probability(self) -> np.ndarray:
        """Probability that a clash of each dyad ends in a capture, groups at endowment."""
        a, b = self._dyad_index()
        cbar = np.array([g.endowment for g in self.groups])
        lr = np.log(cbar[a] / cbar[b])
        g0 = _logit(self.capture_probability)
        out = np.zeros(a.size)
        for sign in (1.0, -1.0):  # i attacks, j attacks
            p_who = 1.0 / (1.0 + np.exp(-self.attack_slope * sign * lr))
            p_att = 1.0 / (1.0 + np.exp(-(g0 + self.capture_slope * sign * lr)))
            p_def = (1 - p_att) / (1.0 + np.exp(-(g0 - self.defender_capture_penalty
                                                  - self.capture_slope * sign * lr)))
            out += p_who * (p_att + p_def)
        return out

    def effective_excitation(self) -> np.ndarray:
        """``A`` with column ``d'`` scaled by ``1 + (kappa - 1) * p_bar[d']``."""
        return self.excitation_matrix() * (
            1.0 + (self.kappa - 1.0) * self.mean_capture_probability())[None, :]

    def baseline(self) -> np.ndarray:
        r"""Baseline clash rates :math:`\mu = (I - \tilde A)\,\text{rate}` per dyad.

        Examples
        --------
        >>> w = World.synthetic(n_groups=3, rng=0)
        >>> bool((w.baseline() > 0).all())
        True
        """
        rate = np.array([r.rate for r in self.rivalries], dtype=float)
        return rate - self.effective_excitation() @ rate

    @property
    def branching_ratio(self) -> float:
        """Spectral radius of the effective excitation matrix (below one: stationary)."""
        if not self.rivalries:
            return 0.0
        return float(np.max(np.abs(np.linalg.eigvals(self.effective_excitation()))))

    def _engine_input(self, start: pd.Timestamp, n_days: int) -> EngineInput:
        a, b = self._dyad_index()

        def day(iso: str | None, missing: int) -> int:
            return missing if iso is None else int((pd.Timestamp(iso) - start).days)

        weights = np.array([m.weight for m in self.materiel]) * self.materiel_scale
        prob = np.array([m.probability for m in self.materiel])
        return EngineInput(
            n_days=n_days, dyad_a=a, dyad_b=b, baseline=self.baseline(),
            rivalry_start=np.array([day(r.start, -(10**9)) for r in self.rivalries], np.int64),
            rivalry_end=np.array([day(r.end, 10**9) for r in self.rivalries], np.int64),
            rivalry_keep=math.exp(-_LN2 / self.rivalry_half_life),
            excitation=self.excitation_matrix(), kernel_keep=math.exp(-self.decay),
            kappa=float(self.kappa), capture_step=float(self.capture_step),
            capture_window=int(self.capture_window), capture_cap=int(self.capture_cap),
            endowment=np.array([g.endowment for g in self.groups]),
            capability_keep=math.exp(-_LN2 / self.capability_half_life),
            clash_elasticity=self.clash_elasticity, tempo_elasticity=self.tempo_elasticity,
            attack_slope=self.attack_slope,
            capture_intercept=_logit(self.capture_probability),
            capture_slope=self.capture_slope, defender_penalty=self.defender_capture_penalty,
            max_loss_share=self.max_loss_share,
            civilian_rate=np.array([g.civilian_rate for g in self.groups]),
            group_start=np.array([day(g.active_from, -(10**9)) for g in self.groups], np.int64),
            materiel_weight=weights, materiel_logp=np.log(prob / prob.sum()),
            materiel_extra=np.array([m.mean_quantity - 1.0 for m in self.materiel]),
            class_probs=np.array([0.5, 0.35, 0.15]),
        )

    # ------------------------------------------------------------------ simulation
    def run(self, start: Any, end: Any, *, rng: RNGLike = None) -> tuple[EventTable, Truth]:
        """Simulate the world from ``start`` to ``end`` (inclusive days).

        Parameters
        ----------
        start, end : str or datetime-like
            First and last day.
        rng : int, numpy.random.Generator or None
            Source of randomness; the same seed gives identical events and truth.

        Returns
        -------
        events : EventTable
            Clashes (``event_type="battle"``, UCDP type 1 when a state force takes part,
            else 2) and attacks on civilians (type 3), attacker as ``actor1``.
        truth : Truth
            Parameters, capability paths, true captures and their effects.

        Examples
        --------
        >>> events, truth = World.synthetic(n_groups=3, rng=0).run(
        ...     "2021-01-01", "2021-03-31", rng=1)
        >>> len(events) == truth.n_events
        True
        """
        t0, t1 = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
        n_days = int((t1 - t0).days) + 1
        if n_days < 1:
            raise ValueError(f"end {t1.date()} is before start {t0.date()}")
        if t0 < pd.Timestamp("1678-01-01") or t1 > pd.Timestamp("2261-12-31"):
            raise ValueError(f"dates must lie in 1678-2261 (event tables hold nanosecond "
                             f"timestamps); got {t0.date()} to {t1.date()}")
        gen = as_generator(rng)
        engine_rng, event_rng = gen.spawn(2)
        out = simulate_days(self._engine_input(t0, n_days), engine_rng)
        frame, captures = build_events(self, out, t0, event_rng)
        truth = Truth.from_simulation(self, out, captures, t0, n_days, len(frame))
        if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
            truth.extra["seed"] = int(rng)  # lets Truth.clash_effect re-run this world
        return EventTable(frame), truth

    def to_dict(self) -> dict[str, Any]:
        """The specification as plain JSON-ready data (see :meth:`from_dict`)."""
        out = {}
        for f in dataclasses.fields(self):
            if f.name.startswith("_"):
                continue
            value = getattr(self, f.name)
            if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
                value = [dataclasses.asdict(v) for v in value]
            elif isinstance(value, tuple):
                value = [list(v) for v in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> World:
        """Rebuild a world from :meth:`to_dict` output."""
        kinds: dict[str, type] = {"groups": Group, "units": Unit, "rivalries": Rivalry,
                                  "materiel": Materiel}
        kw = dict(data)
        for name, kind in kinds.items():
            if name in kw:
                kw[name] = tuple(kind(**v) for v in kw[name])
        if "units" in kw:
            kw["units"] = tuple(dataclasses.replace(u, places=tuple(map(tuple, u.places)))
                                for u in kw["units"])
        if "groups" in kw:
            kw["groups"] = tuple(dataclasses.replace(g, territory=tuple(g.territory))
                                 for g in kw["groups"])
        kw["alliances"] = tuple(tuple(p) for p in kw.get("alliances", ()))
        return cls(**kw)

    def to_json(self) -> str:
        """The specification as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)
