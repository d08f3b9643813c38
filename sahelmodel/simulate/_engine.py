"""The vectorised core of the simulated world: one loop over days, arrays over dyads and groups.

Everything here takes and returns numpy arrays (no pandas, no result classes). The public
wrapper is :meth:`sahelmodel.simulate.World.run`; the model and its equations are documented
there. :func:`simulate_days_reference` is the slow, obviously correct version (plain Python
loops over dyads, events and groups) that consumes the same random draws in the same order, so
that the two can be tested for identical output.

Random draws per day, in this order (both implementations):

1. ``poisson(lam)`` for the clash counts of all dyads (shape ``(D,)``);
2. ``random(k)`` attacker choice and ``random(k)`` capture outcome for the ``k`` clashes of the
   day (dyads in increasing order, clashes of a dyad contiguous);
3. for the ``c`` captures of the day: ``random(c)`` number of materiel classes, ``random((c, M))``
   Gumbel keys for the classes, ``poisson`` quantities ``(c, M)``;
4. ``poisson(civ)`` for the one-sided attacks of all groups (shape ``(G,)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["DayResult", "EngineInput", "EngineOutput", "EngineState", "simulate_day",
           "simulate_days", "simulate_days_reference"]


@dataclass(frozen=True)
class EngineInput:
    """Arrays describing a world for ``n_days`` days (see :meth:`World.run`)."""

    n_days: int
    dyad_a: np.ndarray  # (D,) int group index
    dyad_b: np.ndarray  # (D,) int group index
    baseline: np.ndarray  # (D,) clashes/day at endowment capability, rivalry fully on
    rivalry_start: np.ndarray  # (D,) first active day (may be negative)
    rivalry_end: np.ndarray  # (D,) first inactive day (n_days when open)
    rivalry_keep: float  # daily persistence of the decayed rivalry exp(-ln2/half_life)
    excitation: np.ndarray  # (D, D) branching ratios A[d, d']
    kernel_keep: float  # exp(-decay)
    kappa: float
    capture_step: float
    capture_window: int
    capture_cap: int  # at most this many recent captures compound
    endowment: np.ndarray  # (G,)
    capability_keep: float  # exp(-ln2/capability_half_life)
    clash_elasticity: float
    tempo_elasticity: float
    attack_slope: float
    capture_intercept: float
    capture_slope: float
    defender_penalty: float
    max_loss_share: float  # a loser gives at most this share of its capability per day
    civilian_rate: np.ndarray  # (G,)
    group_start: np.ndarray  # (G,) first active day
    materiel_weight: np.ndarray  # (M,) capability per unit
    materiel_logp: np.ndarray  # (M,) log class probabilities
    materiel_extra: np.ndarray  # (M,) mean quantity - 1
    class_probs: np.ndarray  # (3,) P(1, 2, 3 classes in one capture)


@dataclass(frozen=True)
class EngineOutput:
    """Simulated arrays: clashes, captures, one-sided attacks and capability paths."""

    clash_day: np.ndarray
    clash_dyad: np.ndarray
    clash_attacker: np.ndarray
    clash_defender: np.ndarray
    clash_capture: np.ndarray  # -1 none, else index into the capture arrays
    capture_clash: np.ndarray  # index into the clash arrays
    capture_capturer: np.ndarray
    capture_loser: np.ndarray
    capture_quantity: np.ndarray  # (C, M) units of each materiel class
    capture_weight: np.ndarray  # capability actually moved (after clipping)
    civ_day: np.ndarray
    civ_group: np.ndarray
    capability: np.ndarray  # (n_days, G) capability at the start of each day


_MAX_RATE = 1e5  # clashes per dyad and day: beyond this the process has exploded


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _draw_materiel(
    rng: np.random.Generator, inp: EngineInput, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Materiel of ``n`` captures: quantities ``(n, M)`` and nominal weights ``(n,)``."""
    m = inp.materiel_weight.size
    u = rng.random(n)
    k = 1 + (u >= inp.class_probs[0]).astype(int) + (u >= inp.class_probs[:2].sum()).astype(int)
    k = np.minimum(k, m)
    keys = inp.materiel_logp[None, :] - np.log(-np.log(rng.random((n, m))))
    rank = np.argsort(np.argsort(-keys, axis=1, kind="stable"), axis=1, kind="stable")
    chosen = rank < k[:, None]
    qty = (1 + rng.poisson(np.broadcast_to(inp.materiel_extra, (n, m)))) * chosen
    return qty, qty @ inp.materiel_weight


def _clip_transfers(
    capability: np.ndarray, loser: np.ndarray, wanted: np.ndarray, share: float
) -> np.ndarray:
    """Scale down transfers so that no loser gives more than ``share`` of what it has."""
    demand = np.bincount(loser, weights=wanted, minlength=capability.size)
    limit = share * capability
    scale = np.ones_like(capability)
    over = demand > limit
    scale[over] = limit[over] / demand[over]
    return wanted * scale[loser]


@dataclass
class EngineState:
    """The state of the world at the start of a day (what the next day depends on).

    ``cap``: capabilities (G,); ``riv``: decayed rivalry terms (D,); ``state``: the Hawkes
    excitation states (D,); ``recent``: captures per dyad within the capture window (D,);
    ``ring``: captures per dyad on each of the last ``capture_window`` days.
    """

    cap: np.ndarray
    riv: np.ndarray
    state: np.ndarray
    recent: np.ndarray
    ring: np.ndarray

    @classmethod
    def initial(cls, inp: EngineInput) -> EngineState:
        """The state on day 0: capabilities at endowment, no excitation, no captures."""
        d_count = inp.baseline.size
        return cls(cap=inp.endowment.astype(float).copy(),
                   riv=(inp.rivalry_start <= 0).astype(float) * (inp.rivalry_end > 0),
                   state=np.zeros(d_count), recent=np.zeros(d_count),
                   ring=np.zeros((max(inp.capture_window, 1), d_count)))

    def copy(self) -> EngineState:
        """An independent copy."""
        return EngineState(self.cap.copy(), self.riv.copy(), self.state.copy(),
                           self.recent.copy(), self.ring.copy())

    def remove_capture(self, inp: EngineInput, t: int, dyad: int, capturer: int, loser: int,
                       weight: float) -> None:
        r"""Undo the effects of one capture of day ``t`` on this state (of day ``t + 1``).

        The capture's extra Hawkes mark :math:`\kappa - 1`, its place in the capture window
        (the step :math:`\theta`) and the capability it moved are taken back; the capturing
        clash itself and its ordinary offspring stay.
        """
        self.state[dyad] -= (1.0 - inp.kernel_keep) * (inp.kappa - 1.0)
        if inp.capture_window:
            self.recent[dyad] -= 1.0
            self.ring[t % inp.capture_window, dyad] -= 1.0
        moved = weight * inp.capability_keep
        self.cap[capturer] -= moved
        self.cap[loser] += moved


@dataclass(frozen=True)
class DayResult:
    """What one simulated day produced: clashes and captures per dyad, and the captures."""

    clashes: np.ndarray  # (D,) clashes per dyad
    captures: np.ndarray  # (D,) captures per dyad
    capture_dyad: np.ndarray
    capture_capturer: np.ndarray
    capture_loser: np.ndarray
    capture_weight: np.ndarray


def simulate_day(inp: EngineInput, t: int, st: EngineState, rng: np.random.Generator,
                 out: dict[str, list] | None = None,
                 counters: list[int] | None = None) -> DayResult:
    """Simulate day ``t`` from state ``st`` (updated in place to the state of day ``t + 1``).

    Appends the day's events to ``out`` (with running clash and capture numbers in
    ``counters``) when given. The draws are those listed in the module notes.
    """
    d_count = inp.baseline.size
    g_count = inp.endowment.size
    a, b = inp.dyad_a, inp.dyad_b
    cap = st.cap
    rel = cap / inp.endowment
    half = inp.clash_elasticity / 2.0
    lam = inp.baseline * st.riv * rel[a] ** half * rel[b] ** half + inp.excitation @ st.state
    lam = lam * np.exp(np.log(inp.capture_step) * np.minimum(st.recent, inp.capture_cap))
    if not np.all(lam < _MAX_RATE):
        raise FloatingPointError(
            f"clash rates exploded on day {t} (max {float(np.nanmax(lam)):.3g} per day, "
            f"dyad {int(np.nanargmax(lam))}): the world's parameters are not stable")
    counts = rng.poisson(lam)
    marks = counts.astype(float)
    captured = np.zeros(d_count)
    transfer = np.zeros(g_count)
    k = int(counts.sum())
    empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0)
    cap_dyad, cap_who, cap_loser, cap_w = empty_i, empty_i, empty_i, empty_f
    n_clash, n_capt = counters if counters is not None else (0, 0)
    if k:
        dyad = np.repeat(np.arange(d_count), counts)
        da, db = a[dyad], b[dyad]
        lr = np.log(cap[da] / cap[db])  # capability > 0 at the start of every day
        a_attacks = rng.random(k) < _sigmoid(inp.attack_slope * lr)
        att = np.where(a_attacks, da, db)
        dfn = np.where(a_attacks, db, da)
        lr_ad = np.where(a_attacks, lr, -lr)
        p_att = _sigmoid(inp.capture_intercept + inp.capture_slope * lr_ad)
        p_def = (1.0 - p_att) * _sigmoid(
            inp.capture_intercept - inp.defender_penalty - inp.capture_slope * lr_ad)
        v = rng.random(k)
        by_att = v < p_att
        by_def = ~by_att & (v < p_att + p_def)
        is_cap = by_att | by_def
        ccap = np.full(k, -1)
        c = int(is_cap.sum())
        if c:
            idx = np.flatnonzero(is_cap)
            ccap[idx] = n_capt + np.arange(c)
            capturer = np.where(by_att[idx], att[idx], dfn[idx])
            loser = np.where(by_att[idx], dfn[idx], att[idx])
            qty, nominal = _draw_materiel(rng, inp, c)
            w = _clip_transfers(cap, loser, nominal, inp.max_loss_share)
            transfer += np.bincount(capturer, weights=w, minlength=g_count)
            transfer -= np.bincount(loser, weights=w, minlength=g_count)
            captured = np.bincount(dyad[idx], minlength=d_count).astype(float)
            marks += (inp.kappa - 1.0) * captured
            cap_dyad, cap_who, cap_loser, cap_w = dyad[idx], capturer, loser, w
            if out is not None:
                out["cclash"].append(n_clash + idx)
                out["capturer"].append(capturer)
                out["loser"].append(loser)
                out["qty"].append(qty)
                out["w"].append(w)
            n_capt += c
        if out is not None:
            out["day"].append(np.full(k, t))
            out["dyad"].append(dyad)
            out["att"].append(att)
            out["dfn"].append(dfn)
            out["ccap"].append(ccap)
        n_clash += k
    active = (t >= inp.group_start).astype(float)
    civ = rng.poisson(inp.civilian_rate * active * rel ** inp.tempo_elasticity)
    if civ.any() and out is not None:
        grp = np.repeat(np.arange(g_count), civ)
        out["civ_day"].append(np.full(grp.size, t))
        out["civ_group"].append(grp)
    if counters is not None:
        counters[0], counters[1] = n_clash, n_capt
    # state of the next day
    cbar = inp.endowment
    st.cap = cbar + (np.maximum(cap + transfer, 0.0) - cbar) * inp.capability_keep
    st.state = inp.kernel_keep * st.state + (1.0 - inp.kernel_keep) * marks
    on = ((inp.rivalry_start <= t + 1) & (inp.rivalry_end > t + 1)).astype(float)
    st.riv = inp.rivalry_keep * st.riv + (1.0 - inp.rivalry_keep) * on
    window = inp.capture_window
    if window:
        slot = t % window
        st.recent = st.recent + captured - st.ring[slot]
        st.ring[slot] = captured
    return DayResult(counts, captured, cap_dyad, cap_who, cap_loser, cap_w)


def _new_out() -> dict[str, list[np.ndarray]]:
    return {k: [] for k in ("day", "dyad", "att", "dfn", "ccap", "cclash", "capturer", "loser",
                            "qty", "w", "civ_day", "civ_group")}


def simulate_days(inp: EngineInput, rng: np.random.Generator,
                  on_day: Any = None) -> EngineOutput:
    """Simulate the world day by day, vectorised over dyads, clashes and groups.

    ``on_day(t, day_result, state)``, when given, is called after every day with the state of
    the next day (used to branch counterfactual paths at captures; it must not change it).
    """
    g_count = inp.endowment.size
    st = EngineState.initial(inp)
    capability = np.empty((inp.n_days, g_count))
    out = _new_out()
    counters = [0, 0]
    for t in range(inp.n_days):
        capability[t] = st.cap
        day = simulate_day(inp, t, st, rng, out, counters)
        if on_day is not None:
            on_day(t, day, st)
    return _pack(out, capability, inp.materiel_weight.size)


def _pack(out: dict[str, list], capability: np.ndarray, m: int) -> EngineOutput:
    def cat(key: str, dtype: type = np.int64) -> np.ndarray:
        return np.concatenate(out[key]).astype(dtype) if out[key] else np.zeros(0, dtype)

    qty = np.concatenate(out["qty"]).astype(np.int64) if out["qty"] else np.zeros((0, m), int)
    return EngineOutput(
        clash_day=cat("day"), clash_dyad=cat("dyad"), clash_attacker=cat("att"),
        clash_defender=cat("dfn"), clash_capture=cat("ccap"), capture_clash=cat("cclash"),
        capture_capturer=cat("capturer"), capture_loser=cat("loser"), capture_quantity=qty,
        capture_weight=cat("w", float), civ_day=cat("civ_day"), civ_group=cat("civ_group"),
        capability=capability,
    )


def simulate_days_reference(inp: EngineInput, rng: np.random.Generator) -> EngineOutput:
    """Slow reference of :func:`simulate_days`: plain loops, the same draws in the same order."""
    import math

    d_count = inp.baseline.size
    g_count = inp.endowment.size
    m = inp.materiel_weight.size
    cap = [float(x) for x in inp.endowment]
    riv = [float(inp.rivalry_start[d] <= 0 and inp.rivalry_end[d] > 0) for d in range(d_count)]
    state = [0.0] * d_count
    history: list[list[float]] = []  # captures per dyad on each past day
    capability = np.empty((inp.n_days, g_count))
    out: dict[str, list] = {k: [] for k in (
        "day", "dyad", "att", "dfn", "ccap", "cclash", "capturer", "loser", "qty", "w",
        "civ_day", "civ_group")}

    def sig(x: float) -> float:
        return 1.0 / (1.0 + math.exp(-x))

    for t in range(inp.n_days):
        capability[t] = cap
        lam = np.empty(d_count)
        for d in range(d_count):
            i, j = inp.dyad_a[d], inp.dyad_b[d]
            x = inp.baseline[d] * riv[d] * (cap[i] / inp.endowment[i]) ** (
                inp.clash_elasticity / 2) * (cap[j] / inp.endowment[j]) ** (
                inp.clash_elasticity / 2)
            x += sum(inp.excitation[d, e] * state[e] for e in range(d_count))
            n_recent = sum(h[d] for h in history[max(0, t - inp.capture_window):t])
            lam[d] = x * inp.capture_step ** min(n_recent, inp.capture_cap)
        counts = rng.poisson(lam)
        clashes = [(d, inp.dyad_a[d], inp.dyad_b[d]) for d in range(d_count)
                   for _ in range(counts[d])]
        k = len(clashes)
        marks = [float(c) for c in counts]
        captured = [0.0] * d_count
        transfer = [0.0] * g_count
        if k:
            u_att, v_cap = rng.random(k), rng.random(k)
            caps = []
            for e, (d, i, j) in enumerate(clashes):
                lr = math.log(cap[i] / cap[j])
                att, dfn, lr_ad = (i, j, lr) if u_att[e] < sig(inp.attack_slope * lr) else (
                    j, i, -lr)
                p_att = sig(inp.capture_intercept + inp.capture_slope * lr_ad)
                p_def = (1 - p_att) * sig(
                    inp.capture_intercept - inp.defender_penalty - inp.capture_slope * lr_ad)
                out["day"].append(t)
                out["dyad"].append(d)
                out["att"].append(att)
                out["dfn"].append(dfn)
                if v_cap[e] < p_att:
                    caps.append((e, d, att, dfn))
                elif v_cap[e] < p_att + p_def:
                    caps.append((e, d, dfn, att))
                out["ccap"].append(-1)
            c = len(caps)
            if c:
                u = rng.random(c)
                gum = rng.random((c, m))
                extra = rng.poisson(np.broadcast_to(inp.materiel_extra, (c, m)))
                base = len(out["cclash"])
                nominal = []
                for r, (e, _, capturer, loser) in enumerate(caps):
                    n_cls = 1 if u[r] < inp.class_probs[0] else (
                        2 if u[r] < inp.class_probs[0] + inp.class_probs[1] else 3)
                    keys = [inp.materiel_logp[q] - math.log(-math.log(gum[r, q]))
                            for q in range(m)]
                    order = sorted(range(m), key=lambda q: -keys[q])
                    qty = [0] * m
                    for q in order[:min(n_cls, m)]:
                        qty[q] = 1 + int(extra[r, q])
                    nominal.append(sum(qty[q] * inp.materiel_weight[q] for q in range(m)))
                    out["qty"].append(qty)
                    out["ccap"][len(out["ccap"]) - k + e] = base + r
                    out["cclash"].append(len(out["day"]) - k + e)
                    out["capturer"].append(capturer)
                    out["loser"].append(loser)
                demand = [0.0] * g_count
                for r, (_, _, _, loser) in enumerate(caps):
                    demand[loser] += nominal[r]
                for r, (_, dy, capturer, loser) in enumerate(caps):
                    limit = inp.max_loss_share * cap[loser]
                    w = nominal[r] * (limit / demand[loser] if demand[loser] > limit else 1.0)
                    out["w"].append(w)
                    transfer[capturer] += w
                    transfer[loser] -= w
                    captured[dy] += 1.0
                    marks[dy] += inp.kappa - 1.0
        civ_lam = np.array([
            inp.civilian_rate[g] * float(t >= inp.group_start[g])
            * (cap[g] / inp.endowment[g]) ** inp.tempo_elasticity for g in range(g_count)])
        civ = rng.poisson(civ_lam)
        for g in range(g_count):
            for _ in range(civ[g]):
                out["civ_day"].append(t)
                out["civ_group"].append(g)
        for g in range(g_count):
            x = max(cap[g] + transfer[g], 0.0)
            cap[g] = inp.endowment[g] + (x - inp.endowment[g]) * inp.capability_keep
        for d in range(d_count):
            state[d] = inp.kernel_keep * state[d] + (1 - inp.kernel_keep) * marks[d]
            on = float(inp.rivalry_start[d] <= t + 1 < inp.rivalry_end[d])
            riv[d] = inp.rivalry_keep * riv[d] + (1 - inp.rivalry_keep) * on
        history.append(captured)
    arr = {k: np.asarray(v) for k, v in out.items()}
    return EngineOutput(
        clash_day=arr["day"].astype(np.int64), clash_dyad=arr["dyad"].astype(np.int64),
        clash_attacker=arr["att"].astype(np.int64), clash_defender=arr["dfn"].astype(np.int64),
        clash_capture=arr["ccap"].astype(np.int64), capture_clash=arr["cclash"].astype(np.int64),
        capture_capturer=arr["capturer"].astype(np.int64),
        capture_loser=arr["loser"].astype(np.int64),
        capture_quantity=arr["qty"].astype(np.int64).reshape(-1, m),
        capture_weight=arr["w"].astype(float), civ_day=arr["civ_day"].astype(np.int64),
        civ_group=arr["civ_group"].astype(np.int64), capability=capability,
    )
