import numpy as np
import pandas as pd
import pytest

import sahelmodel as sm
from sahelmodel.regression import Poisson


def _panel(seed=1, n_units=30, n_periods=16):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_periods)
    t = np.tile(np.arange(n_periods), n_units)
    start = rng.integers(4, 12, size=n_units)
    ev = ((t == start[unit]) & (rng.random(n_units) < 0.6)[unit]).astype(int)
    y = rng.poisson(np.exp(0.5 + 0.8 * ev))
    return pd.DataFrame({"dyad": unit.astype(str), "period": t, "period_index": t,
                         "hostile": y, "capture_ij": ev})


def test_probability_intervals_stay_inside_zero_one():
    study = sm.event_study(_panel(), outcome="hostile", event="capture_ij", window=(-3, 3))
    out = sm.capture_effects(study)
    assert (out["p_with_lower"] >= 0).all() and (out["p_with_upper"] <= 1).all()
    assert (out["p_diff_upper"] <= 1 - out["p_without"] + 1e-12).all()
    assert (out["p_with_lower"] <= out["p_with"]).all()


def test_window_ending_at_zero_is_refused():
    study = sm.event_study(_panel(), outcome="hostile", event="capture_ij", window=(-3, 0))
    with pytest.raises(ValueError, match="window ending at 1 or later"):
        sm.capture_effects(study)


def test_fit_arrays_with_named_cluster_says_what_to_do():
    spec = Poisson(cov="cluster", cluster="dyad")
    with pytest.raises(ValueError, match="fit_arrays takes the cluster"):
        spec.fit_arrays(np.array([1.0, 2.0, 0.0]), np.ones((3, 1)))
