import numpy as np
import pandas as pd

import sahelmodel as sm


def _panel(seed=0, n_units=40, n_periods=20):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_periods)
    t = np.tile(np.arange(n_periods), n_units)
    start = rng.integers(5, 15, size=n_units)
    treated = rng.random(n_units) < 0.5
    ev = ((t == start[unit]) & treated[unit]).astype(int)
    y = rng.poisson(np.exp(0.2 + 0.3 * (t >= start[unit]) * treated[unit]))
    return pd.DataFrame({"dyad": unit.astype(str), "period": t, "period_index": t,
                         "hostile": y, "capture_ij": ev})


def test_results_render_compactly_and_in_full():
    panel = _panel()
    fit = sm.fepois("hostile ~ capture_ij | dyad + period", panel)
    assert repr(fit).startswith("<CountResults: poisson, ")
    assert "\n" not in repr(fit)
    assert "capture_ij" in str(fit) and "Log-likelihood" in str(fit)
    study = sm.event_study(panel, outcome="hostile", event="capture_ij", window=(-3, 4))
    assert repr(study).startswith("<EventStudyResults: twfe, window (-3, 4)")
    text = str(study)
    assert "Pre-trend (placebo) test" in text and "(reference)" in text
    assert "<caption>Horizons</caption>" in study.summary().as_html()
