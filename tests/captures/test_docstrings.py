"""The docstring examples of the capture-coding modules run and give what they show."""

import doctest
import importlib

import pytest

MODULES = ["sahelmodel.coding.captures", "sahelmodel.coding._clauses", "sahelmodel.coding._text",
           "sahelmodel.coding._materiel", "sahelmodel.coding._mentions",
           "sahelmodel.coding.review", "sahelmodel.coding.actors"]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
