"""Specifications of the calibrated default world and of random synthetic worlds."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from sahelmodel.simulate.spec import DEFAULT_MATERIEL, Group, Materiel, Rivalry, Unit

__all__ = ["calibration", "default_spec", "safe_spillover", "synthetic_spec"]

_CALIBRATION = Path(__file__).with_name("calibration.json")


@lru_cache(maxsize=1)
def _calibration_text() -> str:
    return _CALIBRATION.read_text(encoding="utf-8")


def calibration() -> dict[str, Any]:
    """The calibration written by ``experiments/calibrate_world.py`` (a fresh copy)."""
    return json.loads(_calibration_text())


def _lexicon_materiel() -> tuple[Materiel, ...]:
    """The default materiel of the simulated world, :data:`DEFAULT_MATERIEL`.

    Its weights follow the lexicon's ordinal scheme (one Kalashnikov-pattern rifle = 1, a
    general-purpose machine gun 2, a shoulder-fired launcher 3, a crew-served heavy machine
    gun 4, a pick-up 2.5, a lot of ammunition 0.5) and are fixed here, so that regrouping the
    lexicon's classes (as the arms-capture codebook did) does not change the simulated world.
    """
    return DEFAULT_MATERIEL


def default_spec() -> dict[str, Any]:
    """Keyword arguments of :meth:`World.default`."""
    cal = calibration()
    units = tuple(
        Unit(country=u["country"], admin1=u["admin1"], admin2=u["admin2"],
             latitude=u["latitude"], longitude=u["longitude"],
             places=tuple(tuple(p) for p in u["places"]))
        for u in cal["units"]
    )
    groups = tuple(
        Group(id=g["id"], name=g["name"], kind=g["kind"], country=g["country"],
              endowment=g["endowment"], territory=tuple(g["territory"]),
              civilian_rate=g["civilian_rate"], active_from=g["active_from"])
        for g in cal["groups"]
    )
    rivalries = tuple(
        Rivalry(a=r["a"], b=r["b"], rate=r["rate"], start=r["start"]) for r in cal["rivalries"]
    )
    fat = cal["fatalities"]
    spec = {"groups": groups, "units": units, "rivalries": rivalries,
            "alliances": tuple(tuple(p) for p in cal["alliances"])}
    return {
        "spillover": safe_spillover(spec),
        "groups": groups,
        "units": units,
        "rivalries": rivalries,
        "alliances": tuple(tuple(p) for p in cal["alliances"]),
        "materiel": _lexicon_materiel(),
        "battle_fatalities": fat["battle"]["mean"],
        "civilian_fatalities": fat["violence_against_civilians"]["mean"],
        "fatality_dispersion": round(
            (fat["battle"]["dispersion"] + fat["violence_against_civilians"]["dispersion"]) / 2,
            4),
    }


def synthetic_spec(n_groups: int, n_units: int, density: float,
                   rng: np.random.Generator) -> dict[str, Any]:
    """Keyword arguments of :meth:`World.synthetic`."""
    if n_groups < 2:
        raise ValueError(f"n_groups must be at least 2, got {n_groups}")
    if n_units < 1:
        raise ValueError(f"n_units must be at least 1, got {n_units}")
    if not 0 < density <= 1:
        raise ValueError(f"density must be in (0, 1], got {density}")
    side = int(np.ceil(np.sqrt(n_units)))
    units = tuple(
        Unit(country=f"Country {u % 3 + 1}", admin1=f"Region {u // side + 1}",
             admin2=f"District {u + 1}", latitude=12.0 + (u // side) * 0.3,
             longitude=-2.0 + (u % side) * 0.3,
             places=((f"Village {u + 1}", 12.0 + (u // side) * 0.3, -2.0 + (u % side) * 0.3),))
        for u in range(n_units)
    )
    kinds = rng.choice(["jihadist_group", "militia", "state_force"], size=n_groups,
                       p=[0.4, 0.4, 0.2])
    groups = []
    for g in range(n_groups):
        size = int(rng.integers(2, max(3, n_units // 4) + 1))
        terr = rng.choice(n_units, size=min(size, n_units), replace=False)
        groups.append(Group(
            id=f"group_{g + 1:02d}", name=f"Group {g + 1:02d}", kind=str(kinds[g]),
            country=units[int(terr[0])].country, endowment=float(rng.uniform(3.0, 30.0)),
            territory=tuple(int(u) for u in terr),
            civilian_rate=float(rng.uniform(0.0, 0.1))))
    i, j = np.triu_indices(n_groups, 1)
    keep = rng.random(i.size) < density
    if not keep.any():
        keep[0] = True
    rates = rng.uniform(0.01, 0.2, size=i.size)
    rivalries = tuple(
        Rivalry(a=groups[a].id, b=groups[b].id, rate=float(r))
        for a, b, r, k in zip(i, j, rates, keep, strict=True) if k
    )
    spec = {"groups": tuple(groups), "units": units, "rivalries": rivalries}
    return {**spec, "spillover": safe_spillover(spec)}


def safe_spillover(spec: dict[str, Any], *, cap: float = 0.02, margin: float = 0.5) -> float:
    r"""The largest spill-over (at most ``cap``) that keeps every baseline rate positive.

    Every baseline stays above ``margin`` times what it would be without spill-over.

    With :math:`e_d = 1 + (\kappa - 1)\bar p_d`, the baseline of dyad :math:`d` is
    :math:`r_d(1 - \alpha_s e_d) - \alpha_x \sum_{d' \sim d} r_{d'} e_{d'}`, so
    :math:`\alpha_x \le (1 - \text{margin})\, \min_d r_d (1 - \alpha_s e_d) /
    \sum_{d' \sim d} r_{d'} e_{d'}`. The result is rounded down to four decimals.
    """
    from sahelmodel.simulate.world import World

    probe = World(**{**spec, "spillover": 0.0})
    e = 1.0 + (probe.kappa - 1.0) * probe.mean_capture_probability()
    rate = np.array([r.rate for r in probe.rivalries])
    share = probe.shares_group().astype(float)
    np.fill_diagonal(share, 0.0)
    pressure = share @ (rate * e)
    own = rate * (1.0 - probe.self_excitation * e)
    with np.errstate(divide="ignore"):
        bound = np.where(pressure > 0, (1.0 - margin) * own / pressure, np.inf)
    return float(np.floor(min(cap, float(bound.min())) * 1e4) / 1e4)
