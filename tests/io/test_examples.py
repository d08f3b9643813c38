"""The Examples sections of the actor and reader modules run and give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["sahelmodel.coding.actors", "sahelmodel.io._common", "sahelmodel.io._fields",
           "sahelmodel.io.acled", "sahelmodel.io.ucdp", "sahelmodel.io.generic"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if name != "sahelmodel.io._common":
        assert result.attempted > 0
