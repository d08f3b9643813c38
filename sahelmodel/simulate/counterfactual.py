r"""The effect of captures on clashes by paired counterfactual simulation.

A capture can raise a dyad's later clashes through every channel of the world at once: the
Hawkes mark multiplier :math:`\kappa` (the capturing clash excites :math:`\kappa` times the
offspring of an ordinary clash), the step :math:`\theta` (the dyad's rate is multiplied by
:math:`\theta` for ``capture_window`` days) and the capability it moves (clash rates depend on
capability through ``clash_elasticity``). Their joint effect at an event-study horizon has no
closed form, so it is computed by simulation, as the estimand is defined:

For every capture of a run (the same world and seed as :meth:`World.run
<sahelmodel.simulate.World.run>`, so the same captures), the world is branched at the end of
the capture's day :math:`s` into two paths that share one stream of random numbers: the
*factual* path continues from the state of day :math:`s+1`; the *counterfactual* path continues
from the same state with that capture's effects taken back (its extra mark :math:`\kappa-1`, its
place in the capture window, the capability it moved; the capturing clash and its ordinary
offspring stay). Both run to the end of period :math:`P_0 + \bar h` (:math:`P_0` the capture's
period). With :math:`Y^1_{c,h}` and :math:`Y^0_{c,h}` the dyad's clashes in period
:math:`P_0 + h` on the two paths (the clashes of period :math:`P_0` up to day :math:`s` are
common to both), the effect at horizon :math:`h` is the ratio of the summed means,

.. math:: \mathrm{IRR}_h = \frac{\sum_c E[Y^1_{c,h}]}{\sum_c E[Y^0_{c,h}]},

the Poisson average effect on the treated that an event study of ``hostile`` on the capture
indicator estimates (Wooldridge 2023), and ``extra`` :math:`= \sum_c (Y^1_{c,h} - Y^0_{c,h}) /
C`, the expected extra clashes per capture. Leads (:math:`h < 0`) are 1: the two paths share
their history. The outcome counts clashes as :func:`sahelmodel.dyad_panel` does with the same
``capture_clash`` option (by default without the capturing clashes).

The ratio is estimated with Monte Carlo error; ``std_error`` is its delta-method standard error
over captures (and draws), :math:`\sqrt{\sum_c (Y^1_c - R\,Y^0_c)^2} / \sum_c Y^0_c`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sahelmodel._rng import RNGLike, as_generator
from sahelmodel.network._core import period_codes
from sahelmodel.simulate._engine import DayResult, EngineState, simulate_day, simulate_days

if TYPE_CHECKING:  # pragma: no cover
    from sahelmodel.simulate.world import World

__all__ = ["paired_capture_effects"]


def paired_capture_effects(world: World, start: Any, end: Any, *, rng: RNGLike,
                           freq: str = "W", horizons: Any = range(-4, 9), n_draws: int = 1,
                           capture_clash: str = "exclude", captures: str = "all") -> pd.DataFrame:
    """Effect of captures on the dyad's clashes by horizon (see the module notes).

    Parameters
    ----------
    world : World
    start, end : date-like
        As for :meth:`World.run`.
    rng : int or numpy.random.SeedSequence
        The seed of the run (a ``Generator`` object is consumed by ``World.run``, so pass the
        seed that made it to get the same run).
    freq : {"D", "W", "M", "Y"}
        Period of the panel.
    horizons : iterable of int
        Periods relative to the capture's period.
    n_draws : int
        Pairs of paths per capture (more: less Monte Carlo error).
    capture_clash : {"exclude", "count"}
        Whether capturing clashes count in the outcome (as in :func:`sahelmodel.dyad_panel`).
    captures : {"all", "first"}
        Every capture (a distributed-lag event study), or each dyad's first (the cohort
        estimator).

    Returns
    -------
    pandas.DataFrame
        Indexed by horizon: ``irr``, ``std_error`` (Monte Carlo), ``extra`` (clashes per
        capture), ``factual`` and ``counterfactual`` (mean clashes per capture) and
        ``n_captures``.

    Examples
    --------
    >>> from sahelmodel.simulate import World
    >>> w = World.default(kappa=1.0, capture_step=1.0, clash_elasticity=0.0,
    ...                   tempo_elasticity=0.0, capture_slope=0.0)
    >>> eff = paired_capture_effects(w, "2022-01-01", "2022-12-31", rng=1, horizons=[-1, 1])
    >>> eff["irr"].tolist()  # no effects, no capability channels: the paths never part
    [1.0, 1.0]
    """
    if capture_clash not in ("exclude", "count"):
        raise ValueError(f"capture_clash must be 'exclude' or 'count', got {capture_clash!r}")
    if captures not in ("all", "first"):
        raise ValueError(f"captures must be 'all' or 'first', got {captures!r}")
    if int(n_draws) < 1:
        raise ValueError(f"n_draws must be at least 1, got {n_draws}")
    if isinstance(rng, np.random.Generator):
        raise TypeError("rng must be the seed of the run (an int or SeedSequence), not a "
                        "Generator: World.run consumes a Generator, so its run cannot be repeated")
    hs = sorted({int(h) for h in horizons})
    t0, t1 = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    n_days = int((t1 - t0).days) + 1
    days = pd.date_range(t0, periods=n_days, freq="D").to_numpy().astype("datetime64[D]")
    code = period_codes(days, freq)
    inp = world._engine_input(t0, n_days)
    gen = as_generator(rng)
    engine_rng, _ = gen.spawn(2)  # exactly as World.run
    branch_root = gen.spawn(1)[0].bit_generator.seed_seq
    exclude = capture_clash == "exclude"
    outcome = np.zeros((n_days, inp.baseline.size))
    points: list[tuple[int, EngineState, DayResult]] = []

    def record(t: int, day: DayResult, state: EngineState) -> None:
        outcome[t] = day.clashes - (day.captures if exclude else 0.0)
        if day.capture_dyad.size:
            points.append((t, state.copy(), day))

    simulate_days(inp, engine_rng, on_day=record)
    pos = [h for h in hs if h >= 0]
    hmax = max(pos) if pos else -1
    seen: set[int] = set()
    y1: dict[int, list[float]] = {h: [] for h in pos}
    y0: dict[int, list[float]] = {h: [] for h in pos}
    n_cap = 0
    seeds = iter(branch_root.spawn(sum(p[2].capture_dyad.size for p in points) * int(n_draws)))
    for t, state, day in points:  # loop over capture days, then the day's captures
        for j in range(day.capture_dyad.size):
            d = int(day.capture_dyad[j])
            if captures == "first" and d in seen:
                continue
            seen.add(d)
            n_cap += 1
            last = int(np.searchsorted(code, code[t] + hmax, side="right")) - 1
            p0 = np.flatnonzero(code == code[t])
            common = float(outcome[p0[p0 <= t], d].sum())
            for _ in range(int(n_draws)):
                seq = next(seeds)
                fact, cf = state.copy(), state.copy()
                cf.remove_capture(inp, t, d, int(day.capture_capturer[j]),
                                  int(day.capture_loser[j]), float(day.capture_weight[j]))
                g1 = np.random.Generator(np.random.PCG64(seq))
                g0 = np.random.Generator(np.random.PCG64(seq))
                path1 = np.zeros(max(last - t, 0))
                path0 = np.zeros_like(path1)
                for i, u in enumerate(range(t + 1, last + 1)):  # days of the branch
                    r1 = simulate_day(inp, u, fact, g1)
                    r0 = simulate_day(inp, u, cf, g0)
                    path1[i] = r1.clashes[d] - (r1.captures[d] if exclude else 0.0)
                    path0[i] = r0.clashes[d] - (r0.captures[d] if exclude else 0.0)
                branch_codes = code[t + 1:last + 1] - code[t]
                for h in pos:
                    if code[t] + h > code[-1]:
                        continue  # the period lies beyond the simulation
                    sel = branch_codes == h
                    base = common if h == 0 else 0.0
                    y1[h].append(base + float(path1[sel].sum()))
                    y0[h].append(base + float(path0[sel].sum()))
    rows = []
    for h in hs:
        if h < 0:
            rows.append((h, 1.0, 0.0, 0.0, np.nan, np.nan, n_cap))
            continue
        a, b = np.array(y1[h]), np.array(y0[h])
        if b.sum() <= 0:
            rows.append((h, np.nan, np.nan, np.nan, np.nan, np.nan, n_cap))
            continue
        ratio = float(a.sum() / b.sum())
        se = float(np.sqrt(np.sum((a - ratio * b) ** 2)) / b.sum())
        rows.append((h, ratio, se, float((a - b).mean()), float(a.mean()), float(b.mean()),
                     n_cap))
    return pd.DataFrame(rows, columns=["horizon", "irr", "std_error", "extra", "factual",
                                       "counterfactual", "n_captures"]).set_index("horizon")
