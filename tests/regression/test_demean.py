import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahelmodel.regression._demean import (
    FixedEffects,
    demean,
    demean_map,
    demean_reference,
)


def _problem(seed: int, n: int, sizes: tuple[int, ...], k: int):
    rng = np.random.default_rng(seed)
    fe = FixedEffects.from_codes([rng.integers(0, g, n) for g in sizes])
    x = rng.normal(size=(n, k)) * rng.uniform(0.1, 10, k)
    w = np.exp(rng.normal(size=n))
    return fe, x, w


@pytest.mark.properties
@given(seed=st.integers(0, 10_000), n=st.integers(5, 120),
       sizes=st.lists(st.integers(1, 12), min_size=1, max_size=3), k=st.integers(1, 3))
def test_fast_core_matches_dense_reference(seed, n, sizes, k):
    fe, x, w = _problem(seed, n, tuple(sizes), k)
    fast, coef, _, ok = demean(x, fe, w)
    ref = demean_reference(x, fe, w)
    assert ok
    np.testing.assert_allclose(fast, ref, atol=1e-8 * (1 + np.abs(x).max()))
    # the coefficients reproduce the projection
    np.testing.assert_allclose(x - fe.indicator() @ coef, fast, atol=1e-10 * (1 + np.abs(x).max()))


@pytest.mark.properties
@given(seed=st.integers(0, 10_000), n=st.integers(5, 80),
       sizes=st.lists(st.integers(1, 8), min_size=2, max_size=2))
def test_alternating_projections_match_reference(seed, n, sizes):
    fe, x, w = _problem(seed, n, tuple(sizes), 2)
    out, _, ok = demean_map(x, fe, w)
    assert ok
    np.testing.assert_allclose(out, demean_reference(x, fe, w), atol=1e-8 * (1 + np.abs(x).max()))


def test_weighted_residuals_are_orthogonal_to_every_factor():
    fe, x, w = _problem(3, 500, (30, 7, 4), 2)
    out = demean(x, fe, w)[0]
    for codes, g in zip(fe.codes, fe.sizes, strict=True):
        for j in range(2):
            np.testing.assert_allclose(np.bincount(codes, w * out[:, j], g), 0.0, atol=1e-9)


def test_warm_start_gives_the_same_answer_in_fewer_iterations():
    fe, x, w = _problem(4, 2000, (200, 40), 2)
    _, coef, it, _ = demean(x, fe, w)
    out2, _, it2, _ = demean(x, fe, w * 1.001, start=coef)
    np.testing.assert_allclose(out2, demean(x, fe, w * 1.001)[0], atol=1e-9)
    assert it2 <= it


def test_rank_counts_connected_components():
    # two disconnected blocks: (a0,a1) x (b0) and (a2) x (b1)
    fe = FixedEffects.from_codes([np.array([0, 1, 2]), np.array([0, 0, 1])])
    assert fe.rank() == 3 + 2 - 2
    assert FixedEffects.from_codes([np.array([0, 1, 1])]).rank() == 2


def test_mismatched_lengths_are_rejected():
    with pytest.raises(ValueError, match="different lengths"):
        FixedEffects.from_codes([np.array([0, 1]), np.array([0, 1, 2])])
