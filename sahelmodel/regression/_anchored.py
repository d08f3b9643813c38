r"""The anchored (stacked) event study: events compared with the anchor events that lacked them.

Some events can only happen inside another event: an arms capture happens in a clash. Clashes
come in bursts (self-excitation), so a capture, which needs a clash, falls when the dyad's clash
intensity is high, and a unit-FE event study that compares post-capture periods with the unit's
other periods credits the burst's own continuation to the capture (parallel trends fail). The
anchored design compares instead each *treated anchor* (a clash that produced a capture) with the
*control anchors* of the same stratum (clashes that produced none), on the same relative-time
axis.

Identifying assumption: **given the stratum** :math:`s` (by default the unit: the dyad or the
actor), **whether an anchor event becomes a treated event is as good as random**: independent
of the anchor's potential outcomes :math:`Y^0_{a,h}` (the unit's outcome :math:`h` periods after
the anchor's period if this anchor had not been treated). Then control anchors show what treated
anchors would have seen without the treatment, at every horizon, including the persistence of
the burst the anchor fell in. In the package's simulator it holds: each clash ends in a capture
with a probability that depends only on the two groups' capability ratio (logistic in the log
ratio), drawn independently of the clash process's history; it holds within a dyad up to the
slow drift of capabilities. On real data it is an assumption to defend: it fails if captures are
more likely in clashes that also signal a lasting escalation (larger engagements, a new front).
The leads (:math:`h < 0`) are its placebo test: treated and control anchors must have the same
past.

Anchor unit-periods :math:`i = (u, t)` hold :math:`c_i` treated anchors (``event``) and
:math:`n_i - c_i` control anchors (``anchors`` minus ``event``); all anchors of one unit-period
share their outcomes :math:`y_{u, t+h}` (with exposure :math:`E_{u,t+h}`, 1 without). For each
horizon :math:`h` separately, the Poisson model with a stratum intercept

.. math::

    E[y_{u,t+h} \mid \text{anchor } a] = \mu_{s,h}\, E_{u,t+h}\, e^{\beta_h D_a},

with :math:`D_a = 1` for treated anchors, has the profile score (sums over the anchor
unit-periods :math:`i` of stratum :math:`s` whose period :math:`t+h` is observed)

.. math::

    U(\beta_h) = \sum_s \Big[A^1_s - \frac{N^1_s e^{\beta_h} (A^1_s + A^0_s)}
    {N^1_s e^{\beta_h} + N^0_s}\Big] = 0, \quad
    A^1_s = \sum_i c_i y_i,\ A^0_s = \sum_i (n_i - c_i) y_i,\
    N^1_s = \sum_i c_i E_i,\ N^0_s = \sum_i (n_i - c_i) E_i,

solved by Newton's method (one stratum: :math:`e^{\beta_h}` is the ratio of the treated and
control anchors' mean rates). :math:`\exp(\beta_h)` estimates the ratio of the mean outcome of
treated anchors to its counterfactual without the treatment, the average effect on the treated
as a rate ratio, which is what :meth:`Truth.clash_effect
<sahelmodel.simulate.Truth.clash_effect>` computes in the simulator. Every horizon is
estimated (there is no reference period), none binned.

Horizon 0 is the anchor's own period: its outcome holds the anchor events of that period,
which an outcome may count differently for treated and control anchors (``hostile`` leaves
capturing clashes out but counts a control anchor's own clash), so :math:`\beta_0` compares
unlike things and is descriptive only; the effect is read at :math:`h \ge 1`.

The covariance is the sandwich of the stacked estimating equations with the stratum
intercepts profiled out: anchor unit-period :math:`i` contributes

.. math::

    \psi_{i,h} = c_i (y_i - \hat\mu_s e^{\hat\beta_h} E_i)
    - r_s \big[n_i y_i - \hat\mu_s E_i (c_i e^{\hat\beta_h} + n_i - c_i)\big],\qquad
    r_s = \frac{N^1_s e^{\hat\beta_h}}{N^1_s e^{\hat\beta_h} + N^0_s},

with information :math:`I_h = \sum_s \hat\mu_s e^{\hat\beta_h} N^1_s N^0_s / (N^1_s
e^{\hat\beta_h} + N^0_s)`, and :math:`\operatorname{Cov}(\hat\beta_h, \hat\beta_{h'}) =
\sum_g \Psi_{g,h} \Psi_{g,h'} / (I_h I_{h'})` with :math:`\Psi_{g,h}` the sum of
:math:`\psi_{i,h}` over the anchor unit-periods of cluster :math:`g`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["AnchoredFit", "fit_anchored"]


@dataclass(frozen=True)
class AnchoredFit:
    """Estimates of the anchored design (see the module notes)."""

    estimate: np.ndarray  # (H,) log rate ratios by horizon
    cov: np.ndarray  # (H, H)
    horizons: list[int]
    n_anchor_periods: int  # unit-periods with at least one anchor
    n_treated: float  # treated anchors
    n_control: float  # control anchors
    n_strata: int
    n_clusters: int
    cluster: str
    baseline_rate: float  # counterfactual mean outcome of treated anchors, horizons >= 0


def _shift(grid: np.ndarray, h: int) -> np.ndarray:
    """``out[:, t] = grid[:, t + h]`` (NaN outside the grid)."""
    out = np.full(grid.shape, np.nan)
    n_t = grid.shape[1]
    if abs(h) >= n_t:
        return out
    if h >= 0:
        out[:, : n_t - h] = grid[:, h:]
    else:
        out[:, -h:] = grid[:, : n_t + h]
    return out


def _solve(a1: np.ndarray, a0: np.ndarray, n1: np.ndarray, n0: np.ndarray) -> float:
    """Root of the profile score by Newton's method on the log ratio."""
    if a1.sum() <= 0 or (a0.sum() <= 0):
        return float("nan")
    b = float(np.log((a1.sum() / n1.sum()) / (a0.sum() / n0.sum())))
    a = a1 + a0
    for _ in range(100):  # Newton iterations (the score is monotone in b)
        eb = np.exp(b)
        den = n1 * eb + n0
        score = float(np.sum(a1 - n1 * eb * a / den))
        info = float(np.sum(a * n1 * eb * n0 / den**2))
        if info <= 0:
            return float("nan")
        step = score / info
        b += float(np.clip(step, -5.0, 5.0))
        if abs(step) < 1e-12:
            break
    return b


def fit_anchored(frame: pd.DataFrame, *, outcome: str, event: str, anchors: str, unit: str,
                 time: str, window: tuple[int, int], exposure: str | None = None,
                 strata: str | None = None, cluster: str | None = None,
                 rows: np.ndarray | None = None) -> AnchoredFit:
    """Estimate the anchored event study (see the module notes).

    ``cluster``: a column constant within unit-periods whose values group the anchor
    unit-periods (default: each anchor unit-period its own cluster, i.e. the anchors of one
    unit-period, which share their outcomes, form one cluster). ``rows``: the outcome is
    observed only in these unit-periods.
    """
    lo, hi = window
    u_codes, _ = pd.factorize(frame[unit], sort=True)
    t = pd.to_numeric(frame[time]).to_numpy().astype(np.int64)
    ti = t - t.min()
    shape = (int(u_codes.max()) + 1, int(ti.max()) + 1)

    def grid(values: np.ndarray, fill: float = 0.0) -> np.ndarray:
        g = np.full(shape, fill)
        g[u_codes, ti] = values
        return g

    y = grid(pd.to_numeric(frame[outcome]).to_numpy(dtype=float), np.nan)
    expo = (grid(pd.to_numeric(frame[exposure]).to_numpy(dtype=float), np.nan)
            if exposure else np.where(np.isnan(y), np.nan, 1.0))
    if rows is not None:
        y = np.where(grid(rows.astype(float)) > 0, y, np.nan)
    c = grid(pd.to_numeric(frame[event]).to_numpy(dtype=float))
    n = grid(pd.to_numeric(frame[anchors]).to_numpy(dtype=float))
    ctrl = n - c
    if strata is None:
        s_grid = np.repeat(np.arange(shape[0])[:, None], shape[1], axis=1)
    else:
        s_codes, _ = pd.factorize(frame[strata], sort=True)
        s_grid = grid(s_codes.astype(float), -1).astype(np.int64)
    if cluster is None:
        g_grid = np.arange(shape[0] * shape[1]).reshape(shape)
        cluster_name = f"{unit}-{time} of the anchor"
    else:
        g_codes, _ = pd.factorize(frame[cluster], sort=True)
        g_grid = grid(g_codes.astype(float), -1).astype(np.int64)
        cluster_name = cluster
    anchor = n > 0
    s_a, g_a = s_grid[anchor], g_grid[anchor]
    n_s, n_g = int(s_a.max()) + 1, int(g_a.max()) + 1
    horizons = list(range(lo, hi + 1))
    est = np.full(len(horizons), np.nan)
    psi_g = np.zeros((n_g, len(horizons)))
    info = np.full(len(horizons), np.nan)
    base = []
    for j, h in enumerate(horizons):  # loop over horizons (few), vectorised over the panel
        yh, eh = _shift(y, h)[anchor], _shift(expo, h)[anchor]
        ok = np.isfinite(yh) & np.isfinite(eh)
        yh, eh = np.where(ok, yh, 0.0), np.where(ok, eh, 0.0)
        ci, ki, ni = c[anchor] * ok, ctrl[anchor] * ok, n[anchor] * ok
        a1 = np.bincount(s_a, ci * yh, n_s)
        a0 = np.bincount(s_a, ki * yh, n_s)
        n1 = np.bincount(s_a, ci * eh, n_s)
        n0 = np.bincount(s_a, ki * eh, n_s)
        both = (n1 > 0) & (n0 > 0)  # strata with treated and control anchors
        b = _solve(a1[both], a0[both], n1[both], n0[both])
        if not np.isfinite(b):
            continue
        eb = np.exp(b)
        den = np.where(both, n1 * eb + n0, 1.0)
        mu = np.where(both, (a1 + a0) / den, 0.0)
        r = np.where(both, n1 * eb / den, 0.0)
        m, rs = mu[s_a], r[s_a]
        psi = ci * (yh - m * eb * eh) - rs * (ni * yh - m * eh * (ci * eb + ki))
        psi = np.where(both[s_a], psi, 0.0)
        est[j] = b
        info[j] = float(np.sum(np.where(both, mu * eb * n1 * n0 / den, 0.0)))
        psi_g[:, j] = np.bincount(g_a, psi, n_g)
        if h >= 0:
            base.append(float(np.sum(n1 * mu) / np.sum(n1[both])) if both.any() else np.nan)
    cov = (psi_g.T @ psi_g) / np.outer(info, info)
    used = np.abs(psi_g).sum(axis=1) > 0
    return AnchoredFit(
        estimate=est, cov=cov, horizons=horizons, n_anchor_periods=int(anchor.sum()),
        n_treated=float(c[anchor].sum()), n_control=float(ctrl[anchor].sum()),
        n_strata=len(np.unique(s_a)), n_clusters=int(used.sum()), cluster=cluster_name,
        baseline_rate=float(np.nanmean(base)) if base else float("nan"))
