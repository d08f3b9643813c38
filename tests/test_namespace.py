"""The package namespace is declared in ``__init__.pyi`` and loaded on first use (SPEC 1)."""

import subprocess
import sys

import pytest

import sahelmodel
import sahelmodel.report


@pytest.mark.parametrize("package", [sahelmodel, sahelmodel.report])
def test_every_declared_name_resolves(package):
    assert package.__all__ and set(package.__all__) <= set(dir(package))
    for name in package.__all__:
        assert getattr(package, name) is not None, name


def test_an_undeclared_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_model"):
        sahelmodel.no_such_model  # noqa: B018


def test_the_hawkes_package_loads_without_the_regression_network_or_plotting_code():
    code = ("import sys, sahelmodel.hawkes; "
            "print(sorted(m for m in ('matplotlib', 'sahelmodel.regression', 'sahelmodel.network',"
            " 'sahelmodel.dyadic', 'scipy.signal') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    lazy = subprocess.run([sys.executable, "-c", "import sahelmodel, sys; sahelmodel.fepois; "
                           "print('sahelmodel.regression' in sys.modules)"],
                          capture_output=True, text=True, check=True)
    assert lazy.stdout.strip() == "True"
