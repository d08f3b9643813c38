"""Estimates that move with the baseline, said in words (hawkes.sensitivity)."""

import pytest

from sahelmodel import Hawkes, simulate_hawkes
from sahelmodel.hawkes import PiecewiseConstantBaseline
from sahelmodel.hawkes.sensitivity import default_baselines


@pytest.fixture(scope="module")
def step():
    """No excitation to speak of, a background that rises six-fold after a year."""
    base = PiecewiseConstantBaseline([0.0, 365.0, 730.0], [[0.1, 0.6]])
    return Hawkes().fit(simulate_hawkes(base, 0.05, 1.0, 730.0, rng=1))


def test_a_baseline_step_read_as_excitation_is_said_to_move(step):
    sens = step.baseline_sensitivity({"yearly": {"baseline": "piecewise", "knots": 2}})
    # the constant fit reads the step as strong excitation; the two-level fit does not
    table = sens.table
    assert table.loc[("alpha[0<-0]", "fitted"), "estimate"] > 0.5
    assert table.loc[("alpha[0<-0]", "yearly"), "estimate"] < 0.2
    assert sens.moves["alpha[0<-0]"]
    assert "branching_ratio" not in sens.moves.index  # univariate: it is alpha
    words = "\n".join(sens.notes)
    assert "alpha[0<-0] moves with the baseline" in words
    assert "not by the events" in words
    summary = step.summary().as_text()
    assert "moves with the baseline" in summary.replace("\n  ", " ")


def test_a_constant_process_does_not_move():
    res = Hawkes().fit(simulate_hawkes(0.3, 0.4, 1.0, 730.0, rng=2))
    sens = res.baseline_sensitivity()
    assert list(sens.table.index.get_level_values("baseline").unique()) == [
        "constant", "yearly", "changepoint"]  # the fit is the constant one: not repeated
    assert not sens.moves.any()
    assert sens.notes[0].startswith("No estimate moves with the baseline")
    assert "moves with the baseline" not in Hawkes().fit(
        simulate_hawkes(0.3, 0.4, 1.0, 200.0, rng=3)).summary().as_text()


def test_default_baselines_cut_the_window_into_years(step):
    specs = default_baselines(step)
    assert specs["yearly"] == {"baseline": "piecewise", "knots": 2}
    assert specs["constant"]["baseline"] == "constant"
