"""The docstring examples of the runner, report and command-line modules run and pass."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "sahelmodel.runner._core",
    "sahelmodel.runner._store",
    "sahelmodel.runner.config",
    "sahelmodel.runner.reproduce",
    "sahelmodel.report.figures",
    "sahelmodel.report.tables",
    "sahelmodel.report.provenance",
    "sahelmodel.cli",
]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
