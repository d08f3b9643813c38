"""Replicated: the capture coder reads the simulated notes of the calibrated default world.

Each replication simulates three years of ``World.default()`` (clashes, attacks on civilians,
look-alike phrases such as "seized livestock" and "a weapons cache was destroyed") and codes
captures from the notes alone. Recall and precision against the true captures must be at least
95% in every replication; who captured from whom is checked on the matched captures.
"""

from __future__ import annotations

import numpy as np
import pytest

from sahelmodel import code_captures
from sahelmodel.simulate import World

pytestmark = pytest.mark.slow


def test_capture_coder_recall_and_precision_on_simulated_notes():
    world = World.default()
    recall, precision, direction = [], [], []
    for seed in range(20):  # replications
        events, truth = world.run("2019-01-01", "2021-12-31", rng=500 + seed)
        coded = code_captures(events).frame.set_index("event_id")
        is_cap = coded["capture"].fillna(False).to_numpy(bool)
        found = set(coded.index[is_cap])
        true = truth.captures.set_index("event_id")
        both = sorted(found & set(true.index))
        recall.append(len(both) / len(true))
        precision.append(len(both) / len(found))
        same = (coded.loc[both, "capturer"].to_numpy() == true.loc[both, "capturer"].to_numpy()) & (
            coded.loc[both, "captured_from"].to_numpy()
            == true.loc[both, "captured_from"].to_numpy())
        direction.append(same.mean())
    assert min(recall) >= 0.95 and min(precision) >= 0.95, (recall, precision)
    assert np.mean(direction) >= 0.9, direction
