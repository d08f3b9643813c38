"""The anchored event study against a slow reference (weighted Poisson, one fit per horizon)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sahelmodel import event_study
from sahelmodel.regression import Poisson


def burst_panel(seed: int, n_units: int = 12, n_t: int = 60, effect: float = 1.5,
                p_capture: float = 0.15) -> pd.DataFrame:
    """Self-exciting weekly clash counts; each clash is a capture with probability p."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_units):  # units
        base = rng.uniform(0.3, 1.5)
        excite, boost = 0.0, 0.0
        for t in range(n_t):  # periods
            lam = base + 0.3 * excite + boost  # branching ratio 0.6
            n = rng.poisson(lam)
            c = rng.binomial(n, p_capture)
            y_other = n - c
            rows.append({"dyad": f"d{u}", "period_index": t, "hostile": y_other,
                         "hostile_all": n, "capture": c, "exposure": rng.uniform(0.5, 2.0),
                         "block": f"d{u}-{t // 10}"})
            excite = 0.5 * excite + n
            boost = 0.5 * boost + (effect - 1.0) * c
    return pd.DataFrame(rows)


def reference(panel: pd.DataFrame, h: int, exposure: str | None, cluster: str | None
              ) -> tuple[float, float]:
    """One weighted Poisson fit: a treated and a control row per anchor unit-period."""
    p = panel.sort_values(["dyad", "period_index"]).copy()
    p["y_h"] = p.groupby("dyad")["hostile"].shift(-h)
    if exposure:
        p["e_h"] = p.groupby("dyad")[exposure].shift(-h)
    p = p[(p["hostile_all"] > 0) & p["y_h"].notna()]
    p["anchor_id"] = np.arange(len(p)) if cluster is None else pd.factorize(p[cluster])[0]
    treated = p.assign(D=1.0, w=p["capture"].astype(float))
    control = p.assign(D=0.0, w=(p["hostile_all"] - p["capture"]).astype(float))
    data = pd.concat([treated, control])
    data = data[data["w"] > 0]
    fit = Poisson("y_h ~ D | dyad", weights="w", exposure="e_h" if exposure else None,
                  cov="cluster", cluster="anchor_id", small_sample=False).fit(data)
    return float(fit.params["D"]), float(np.sqrt(fit.cov.loc["D", "D"]))


@pytest.mark.parametrize(("seed", "exposure", "cluster"),
                         [(1, None, None), (2, "exposure", None), (3, None, "block")])
def test_anchored_equals_weighted_poisson_reference(seed, exposure, cluster):
    panel = burst_panel(seed)
    es = event_study(panel, outcome="hostile", event="capture", anchors="hostile_all",
                     method="anchored", window=(-3, 3), exposure=exposure, cluster=cluster)
    for h in (-3, -1, 0, 2, 3):
        b, se = reference(panel, h, exposure, cluster)
        assert es.table.loc[h, "estimate"] == pytest.approx(b, abs=1e-8)
        assert es.table.loc[h, "std_error"] == pytest.approx(se, rel=1e-6)


def test_anchored_is_centred_without_an_effect_in_bursty_data():
    """Bursty clashes, captures random among clashes, no effect: lags and leads near 0."""
    est, lead = [], []
    for seed in range(6):  # replications
        panel = burst_panel(100 + seed, n_units=30, n_t=80, effect=1.0)
        es = event_study(panel, outcome="hostile", event="capture", anchors="hostile_all",
                         method="anchored", window=(-2, 2), cluster=None)
        est.append(es.table.loc[1, "estimate"])
        lead.append(es.table.loc[-2, "estimate"])
    # no effect: the anchored estimates are centred on 0 (standard error ~0.05 each)
    assert abs(np.mean(est)) < 0.06 and abs(np.mean(lead)) < 0.06


def test_anchored_refuses_what_it_cannot_use():
    panel = burst_panel(4)
    with pytest.raises(ValueError, match="needs anchors"):
        event_study(panel, outcome="hostile", event="capture", method="anchored")
    bad = panel.assign(hostile_all=0)
    with pytest.raises(ValueError, match="more 'capture' than 'hostile_all'"):
        event_study(bad, outcome="hostile", event="capture", anchors="hostile_all",
                    method="anchored")
    with pytest.raises(ValueError, match="Poisson design"):
        event_study(panel, outcome="hostile", event="capture", anchors="hostile_all",
                    method="anchored", model="nb2")
    with pytest.raises(ValueError, match="anchored' only"):
        event_study(panel, outcome="hostile", event="capture", anchors="hostile_all")


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 9)),
                min_size=6, max_size=30))
@settings(max_examples=40, deadline=None)
def test_one_stratum_is_the_ratio_of_the_anchors_mean_outcomes(cells):
    """With one unit, e^beta_h is the treated anchors' mean next-period outcome over the
    control anchors' (the profile score's root in closed form)."""
    n = np.array([a + c for c, a, _ in cells], dtype=float)  # anchors: captures + others
    c = np.array([c for c, _, _ in cells], dtype=float)
    y = np.array([y for _, _, y in cells], dtype=float)
    panel = pd.DataFrame({"dyad": "d", "period_index": np.arange(len(cells)), "hostile": y,
                          "hostile_all": n, "capture": c})
    a1, n1 = (c[:-1] * y[1:]).sum(), c[:-1].sum()
    a0, n0 = ((n - c)[:-1] * y[1:]).sum(), (n - c)[:-1].sum()
    assume(c.sum() > 0 and n1 > 0 and n0 > 0 and a1 > 0 and a0 > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # horizons without anchors
        es = event_study(panel, outcome="hostile", event="capture", anchors="hostile_all",
                         method="anchored", window=(-2, 1), cluster=None)
    assert es.table.loc[1, "estimate"] == pytest.approx(np.log((a1 / n1) / (a0 / n0)),
                                                        abs=1e-9)
