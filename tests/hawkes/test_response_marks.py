import numpy as np
import pytest


def test_monte_carlo_of_the_true_cascade_matches_the_formula():
    # alpha 0.5, decay 1, kappa 2, 10% of offspring marked: 2.127 extra events within 7 days
    rng = np.random.default_rng(5)
    alpha, beta, kappa, p, h = 0.5, 1.0, 2.0, 0.1, 7.0
    total = 0
    n_cascades = 40_000
    times = np.zeros(n_cascades)
    mult = np.full(n_cascades, kappa)
    while times.size:
        n_kids = rng.poisson(alpha * mult)
        parent_t = np.repeat(times, n_kids)
        kids = parent_t + rng.exponential(1 / beta, size=parent_t.size)
        kids = kids[kids <= h]
        total += kids.size
        times = kids
        mult = np.where(rng.random(kids.size) < p, kappa, 1.0)
    m = 1 + p * (kappa - 1)
    a = alpha * m
    expected = kappa / m * a / (1 - a) * -np.expm1(-beta * (1 - a) * h)
    se = 3.0 / np.sqrt(n_cascades)  # offspring totals have variance of order a few
    assert total / n_cascades == pytest.approx(expected, abs=4 * se)
