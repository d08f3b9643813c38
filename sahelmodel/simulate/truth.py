r"""What really happened in a simulated world: parameters, capability paths and true captures.

:class:`Truth` is what :meth:`World.run <sahelmodel.simulate.World.run>` returns beside the
events. It holds the world's specification, the baseline clash rates it solved for, the daily
capability of every group, every true capture (who took what from whom, the capability it
moved, and its immediate effect on the capturer's tempo, lethality and reach), and the capture
estimands in the form the estimators report them:

* ``kappa``: a clash ending in a capture has ``kappa`` times the offspring of an ordinary
  clash; the mark multiplier :math:`\kappa` of :class:`sahelmodel.Hawkes` with capture marks.
* :meth:`Truth.clash_effect`: the effect of a capture on the dyad's clashes at each
  event-study horizon through *both* channels (:math:`\kappa` and the step :math:`\theta`, and
  the capability it moves), computed by paired counterfactual simulation: the same world and
  seed, branched at every capture into a path with and a path without that capture's effects
  (:func:`sahelmodel.simulate.counterfactual.paired_capture_effects`). This is the estimand of
  an event study (and of :func:`sahelmodel.capture_effects`) of ``hostile`` on the capture
  indicator of a dyad x period panel.
* :meth:`Truth.clash_rate_ratio`: the :math:`\theta` channel alone, the multiplicative change
  of a dyad's clash rate in period :math:`h \ge 1` after the period of a capture, exact when
  self-excitation and :math:`\kappa` are switched off.
* :meth:`Truth.capture_response`: expected extra clashes in the dyad within :math:`h` days
  caused by one capture through :math:`\kappa`.

It round-trips through JSON exactly (:meth:`to_json`, :meth:`from_json`); capability is stored
to four decimals and capture quantities to six.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from sahelmodel.simulate._engine import EngineOutput
    from sahelmodel.simulate.world import World

__all__ = ["Truth"]

_FREQ_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12.0}
_CAPTURE_COLUMNS = ("event_id", "date", "dyad", "capturer", "captured_from", "by", "materiel",
                    "quantities", "weight", "capturer_capability", "loser_capability",
                    "tempo_ratio", "lethality_ratio", "reach_ratio", "loser_tempo_ratio")


_FLOAT_COLUMNS = ("weight", "capturer_capability", "loser_capability", "tempo_ratio",
                  "lethality_ratio", "reach_ratio", "loser_tempo_ratio")


def _typed(caps: pd.DataFrame) -> pd.DataFrame:
    """The capture table with its canonical column order and dtypes."""
    out = caps[list(_CAPTURE_COLUMNS)].reset_index(drop=True)
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    for col in _CAPTURE_COLUMNS:
        if col in _FLOAT_COLUMNS:
            out[col] = out[col].astype("float64")
        elif col != "date":
            out[col] = out[col].astype("string")
    return out


@dataclass(frozen=True, eq=False)
class Truth:
    """The true parameters and latent paths of one simulation.

    Attributes
    ----------
    world : dict
        The world's specification (:meth:`World.to_dict`); :meth:`world_spec` rebuilds it.
    start, end : str
        First and last simulated day (ISO).
    n_events : int
        Events in the simulated table.
    dyads : tuple of str
        ``"a|b"`` rivalries (sorted ids) in the order of :attr:`baseline`.
    baseline : numpy.ndarray
        Baseline clash rates per day the world solved for.
    capability : pandas.DataFrame
        Capability of every group (columns) at the start of every day (index).
    captures : pandas.DataFrame
        One row per true capture: ``event_id``, ``date``, ``dyad``, ``capturer``,
        ``captured_from``, ``by`` (attacker or defender), ``materiel`` (``;``-joined classes),
        ``quantities`` (``class:count``), ``weight`` (capability moved), the two groups'
        capabilities before it, and the immediate ratios of the capturer's attack rate on
        civilians (``tempo_ratio`` = (1 + w/c)^psi_t), fatalities per event
        (``lethality_ratio``) and reach (``reach_ratio``), and the loser's tempo ratio.

    Examples
    --------
    >>> from sahelmodel.simulate import World
    >>> _, truth = World.synthetic(n_groups=3, rng=0).run("2020-01-01", "2020-06-30", rng=2)
    >>> type(truth).from_json(truth.to_json()) == truth
    True
    """

    world: dict[str, Any]
    start: str
    end: str
    n_events: int
    dyads: tuple[str, ...]
    baseline: np.ndarray
    capability: pd.DataFrame
    captures: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_simulation(cls, world: World, out: EngineOutput, captures: pd.DataFrame,
                        start: pd.Timestamp, n_days: int, n_events: int) -> Truth:
        """Assemble the truth of one run (used by :meth:`World.run`)."""
        days = pd.date_range(start, periods=n_days, freq="D")
        cap = pd.DataFrame(np.round(out.capability, 4), index=days,
                           columns=list(world.group_ids))
        cap.index.name = "date"
        table = captures.copy()
        table.insert(1, "date", start + pd.to_timedelta(table.pop("day"), unit="D"))
        for col in _FLOAT_COLUMNS:
            table[col] = np.round(table[col].to_numpy(dtype=float), 6)
        table = _typed(table.sort_values(["date", "event_id"], kind="stable"))
        return cls(
            world=json.loads(world.to_json()),
            start=str(days[0].date()), end=str(days[-1].date()), n_events=int(n_events),
            dyads=tuple("|".join(r.pair) for r in world.rivalries),
            baseline=np.round(world.baseline(), 8), capability=cap, captures=table,
        )

    def world_spec(self) -> World:
        """Rebuild the :class:`~sahelmodel.simulate.World` that produced this truth."""
        from sahelmodel.simulate.world import World

        return World.from_dict(self.world)

    # ------------------------------------------------------------------ estimands
    @property
    def kappa(self) -> float:
        """The Hawkes mark multiplier of captures."""
        return float(self.world["kappa"])

    @property
    def capture_step(self) -> float:
        """The event-study step: each capture multiplies the dyad's rate by this factor."""
        return float(self.world["capture_step"])

    @property
    def capture_window(self) -> int:
        """Days after a capture during which the step applies."""
        return int(self.world["capture_window"])

    def clash_rate_ratio(self, freq: str | int = "W", horizons: Any = range(1, 9)) -> pd.Series:
        r"""True incidence-rate ratio of a dyad's clashes ``h`` periods after a capture.

        A capture on day :math:`s` multiplies the dyad's clash rate by :math:`\theta` on days
        :math:`s+1, \dots, s+H`. On a panel of periods of :math:`P` days, with the capture
        on day :math:`u` of period 0 (uniform), period :math:`h` covers days
        :math:`hP, \dots, hP+P-1`, and the expected multiplier of its rate is

        .. math:: \mathrm{IRR}_h = 1 + (\theta - 1)\, E_u\big[|[hP, hP+P-1] \cap
                  [u+1, u+H]| / P\big],

        which is :math:`\theta` wherever the window covers the whole period. Horizon 0 (the
        period of the capture, which holds the capturing clash itself) is not an estimand of
        the capture effect and is refused.

        Parameters
        ----------
        freq : {"D", "W", "M"} or int
            Period length: day, week, month (taken as 365.25/12 days) or a number of days.
        horizons : iterable of int
            Periods after the capture period, each at least 1.

        Returns
        -------
        pandas.Series
            IRR by horizon.

        Examples
        --------
        >>> from sahelmodel.simulate import World
        >>> w = World.synthetic(n_groups=3, rng=0, capture_step=1.5, capture_window=28,
        ...                     capture_cap=1)
        >>> _, t = w.run("2020-01-01", "2020-01-31", rng=0)
        >>> t.clash_rate_ratio("W", [1, 3, 4, 5]).round(4).tolist()
        [1.5, 1.5, 1.2857, 1.0]
        """
        period = float(_FREQ_DAYS[freq]) if isinstance(freq, str) else float(freq)
        if period <= 0:
            raise ValueError(f"freq must be 'D', 'W', 'M' or a positive number of days, got {freq}")
        hs = [int(h) for h in horizons]
        if any(h < 1 for h in hs):
            raise ValueError("horizons must be >= 1: horizon 0 holds the capturing clash itself")
        window = self.capture_window
        n_u = max(1, round(period))
        u = np.arange(n_u) * (period / n_u)
        out = []
        for h in hs:
            lo, hi = h * period, (h + 1) * period  # period h as [lo, hi) in days
            cover = np.clip(np.minimum(hi, u + 1 + window) - np.maximum(lo, u + 1), 0, None)
            out.append(1.0 + (self.capture_step - 1.0) * float(np.mean(cover / period)))
        return pd.Series(out, index=pd.Index(hs, name="horizon"), name="irr")

    def clash_effect(self, freq: str = "W", horizons: Any = range(-4, 9), *,
                     capture_clash: str = "exclude", captures: str = "all",
                     n_draws: int = 1) -> pd.DataFrame:
        r"""Effect of a capture on the dyad's clashes by horizon, through every channel.

        The world and seed of this run are simulated again, branched at each capture into a
        path with and a path without that capture's effects (common random numbers), and the
        ratio of the clashes of the two paths in each period after the capture's is returned
        (see :func:`sahelmodel.simulate.counterfactual.paired_capture_effects` for the
        definition, its Monte Carlo standard error and the options). This is the quantity an
        event study of ``hostile`` (``capture_clash`` as in :func:`sahelmodel.dyad_panel`) on
        the capture indicator estimates.

        Returns
        -------
        pandas.DataFrame
            By horizon: ``irr``, ``std_error``, ``extra``, ``factual``, ``counterfactual``,
            ``n_captures``.

        Raises
        ------
        ValueError
            When the run was not seeded with an int (its random stream cannot be repeated).

        Examples
        --------
        >>> from sahelmodel.simulate import World
        >>> w = World.default(capture_step=1.5, capture_cap=2)
        >>> _, t = w.run("2022-01-01", "2022-12-31", rng=3)
        >>> eff = t.clash_effect("W", [-1, 1])
        >>> float(eff.loc[-1, "irr"]), bool(eff.loc[1, "irr"] > 1.0), int(eff.loc[1, "n_captures"])
        (1.0, True, 395)
        """
        from sahelmodel.simulate.counterfactual import paired_capture_effects

        seed = self.extra.get("seed")
        if seed is None:
            raise ValueError("this run was not seeded with an int, so it cannot be repeated; "
                             "use World.run(..., rng=<int>) or paired_capture_effects(world, "
                             "start, end, rng=<seed>)")
        return paired_capture_effects(self.world_spec(), self.start, self.end, rng=int(seed),
                                      freq=freq, horizons=horizons, n_draws=n_draws,
                                      capture_clash=capture_clash, captures=captures)

    def capture_response(self, h: int, *, cascades: bool = True) -> float:
        r"""Expected extra clashes in the dyad within ``h`` days caused by one capture via kappa.

        Direct offspring only: :math:`\alpha_s(\kappa-1)\sum_{\ell=1}^{h} g(\ell)` with the
        discrete kernel :math:`g(\ell) = (1-e^{-\beta})e^{-\beta(\ell-1)}`; with ``cascades``
        their own offspring in the same dyad are added (spill-over to other dyads is left
        out). The ``capture_step`` channel is not included (its extra clashes depend on the
        dyad's current rate).

        Examples
        --------
        >>> from sahelmodel.simulate import World
        >>> w = World.synthetic(n_groups=3, rng=0, kappa=2.0)
        >>> _, t = w.run("2020-01-01", "2020-01-31", rng=0)
        >>> round(t.capture_response(10_000, cascades=False), 6) == round(w.self_excitation, 6)
        True
        """
        if h < 0:
            raise ValueError(f"h must be >= 0 days, got {h}")
        a = float(self.world["self_excitation"])
        beta = float(self.world["decay"])
        lags = np.arange(1, h + 1)
        g = (1 - math.exp(-beta)) * np.exp(-beta * (lags - 1))
        first = a * (self.kappa - 1.0) * g
        if not cascades or h == 0:
            return float(first.sum())
        y = np.zeros(h + 1)  # y[l]: expected extra clashes on day l
        gg = np.r_[0.0, g]
        for ell in range(1, h + 1):  # O(h^2) renewal recursion over days, not events
            y[ell] = first[ell - 1] + a * float(np.dot(gg[ell - 1:0:-1], y[1:ell]))
        return float(y.sum())

    def capability_effects(self, days: int = 0) -> pd.DataFrame:
        r"""True effect of each capture on the capturer's tempo, lethality and reach.

        A capture moves capability :math:`w` to a capturer that had :math:`c`; the gain
        depreciates as :math:`w \rho_c^{\ell}` after :math:`\ell` days
        (:math:`\rho_c = 2^{-1/\text{capability\_half\_life}}`). Holding everything else
        fixed, the capturer's rate of attacks on civilians (tempo), mean deaths per event
        (lethality) and number of admin units reached (reach, before rounding) are multiplied
        by :math:`(1 + w\rho_c^{\ell}/c)^{\psi}` with the world's elasticities
        :math:`\psi_t, \psi_l, \psi_r`; the loser's tempo by
        :math:`(1 - w\rho_c^\ell/c_L)^{\psi_t}`.

        Parameters
        ----------
        days : int
            Days after the capture (0: the day after it, before any depreciation).

        Returns
        -------
        pandas.DataFrame
            One row per capture: ``event_id``, ``capturer``, ``captured_from``,
            ``tempo_ratio``, ``lethality_ratio``, ``reach_ratio``, ``loser_tempo_ratio``.

        Examples
        --------
        >>> from sahelmodel.simulate import World
        >>> _, t = World.default().run("2020-01-01", "2020-12-31", rng=1)
        >>> e0, e180 = t.capability_effects(0), t.capability_effects(180)
        >>> bool((e180["tempo_ratio"] - 1 < e0["tempo_ratio"] - 1).all())
        True
        """
        if days < 0:
            raise ValueError(f"days must be >= 0, got {days}")
        keep = 0.5 ** (days / float(self.world["capability_half_life"]))
        c = self.captures
        gain = c["weight"].to_numpy() * keep
        cap = c["capturer_capability"].to_numpy()
        loser = c["loser_capability"].to_numpy()
        out = c[["event_id", "capturer", "captured_from"]].copy()
        for name, key in (("tempo_ratio", "tempo_elasticity"),
                          ("lethality_ratio", "lethality_elasticity"),
                          ("reach_ratio", "reach_elasticity")):
            out[name] = (1.0 + gain / cap) ** float(self.world[key])
        out["loser_tempo_ratio"] = np.maximum(1.0 - gain / loser, 0.0) ** float(
            self.world["tempo_elasticity"])
        return out

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        caps = self.captures.copy()
        caps["date"] = caps["date"].dt.strftime("%Y-%m-%d")
        return {
            "start": self.start, "end": self.end, "n_events": self.n_events,
            "estimands": {"kappa": self.kappa, "capture_step": self.capture_step,
                          "capture_window": self.capture_window,
                          "clash_rate_ratio_weekly": self.clash_rate_ratio("W").tolist()},
            "dyads": list(self.dyads),
            "baseline": [float(x) for x in self.baseline],
            "capability": {"groups": list(self.capability.columns),
                           "values": self.capability.to_numpy().tolist()},
            "captures": {"columns": list(caps.columns),
                         "rows": caps.astype(object).to_numpy().tolist()},
            "world": self.world,
            "extra": self.extra,
        }

    def to_json(self, path: str | Path | None = None) -> str:
        """The truth as JSON text; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=None,
                          separators=(",", ":")) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, source: str | Path) -> Truth:
        """Read a truth from JSON text or a file written by :meth:`to_json`."""
        text = str(source)
        if not text.lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        data = json.loads(text)
        days = pd.date_range(data["start"], data["end"], freq="D")
        cap = pd.DataFrame(np.array(data["capability"]["values"], dtype=float).reshape(
            len(days), len(data["capability"]["groups"])), index=days,
            columns=data["capability"]["groups"])
        cap.index.name = "date"
        caps = pd.DataFrame(data["captures"]["rows"], columns=data["captures"]["columns"])
        if caps.empty:
            caps = pd.DataFrame({c: [] for c in _CAPTURE_COLUMNS})
        caps = _typed(caps)
        return cls(world=data["world"], start=data["start"], end=data["end"],
                   n_events=int(data["n_events"]), dyads=tuple(data["dyads"]),
                   baseline=np.array(data["baseline"], dtype=float), capability=cap,
                   captures=caps, extra=data.get("extra", {}))

    def __eq__(self, other: object) -> bool:
        """Equal truths: the same world, run and paths (the seed that made them aside)."""
        if not isinstance(other, Truth):
            return NotImplemented

        def plain(t: Truth) -> dict[str, Any]:
            d = t.to_dict()
            d["extra"] = {k: v for k, v in d["extra"].items() if k != "seed"}
            return d

        return plain(self) == plain(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Truth({self.start} to {self.end}, {self.n_events} events, "
                f"{len(self.captures)} captures, {self.capability.shape[1]} groups, "
                f"kappa={self.kappa:g}, capture_step={self.capture_step:g})")
