import numpy as np
import pytest

from sahelmodel._rng import as_generator, spawn


def test_as_generator_conventions():
    g = np.random.default_rng(1)
    assert as_generator(g) is g
    assert as_generator(5).random() == as_generator(5).random()
    with pytest.raises(TypeError):
        as_generator("5")
    with pytest.raises(TypeError):
        as_generator(True)
    with pytest.raises(ValueError):
        as_generator(-1)


def test_spawn_is_reproducible_and_independent():
    a = [g.random() for g in spawn(3, 4)]
    b = [g.random() for g in spawn(3, 4)]
    assert a == b
    assert len(set(a)) == 4
