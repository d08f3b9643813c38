"""Issue 14 item 6: an infinite value in a formula fit is refused before any iteration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sahelmodel.regression.models import fenegbin, fepois


def _data(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"y": rng.poisson(2.0, n).astype(float), "x": rng.normal(size=n),
                         "g": rng.integers(0, max(n // 20, 2), n), "o": np.zeros(n)})


@pytest.mark.parametrize("fit", [fepois, fenegbin])
@pytest.mark.parametrize("formula", ["y ~ x | g", "y ~ x"])
@pytest.mark.parametrize(("column", "named"), [("x", "regressor 'x'"), ("y", "outcome 'y'"),
                                               ("o", "column 'o'")])
@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_value_refused_naming_column_and_row(fit, formula, column, named, value):
    # 20,000 rows: before the fix the conjugate-gradient loop ran to its cap in every IRLS
    # iteration (159 s on 48 rows); now the refusal comes from the design step
    data = _data(20_000)
    data.loc[17, column] = value
    with pytest.raises(ValueError, match=rf"{named} has 1 non-finite value.*row 17"):
        fit(formula, data, offset="o")


def test_infinite_transform_named() -> None:
    data = _data(50).assign(x=0.0)
    with np.errstate(divide="ignore"), pytest.raises(ValueError, match=r"'np.log\(x\)'"):
        fepois("y ~ np.log(x) | g", data)


def test_infinite_offset_array_refused() -> None:
    data = _data(60)
    off = np.zeros(60)
    off[3] = np.inf
    with pytest.raises(ValueError, match="offset has an infinite value at row 3"):
        fepois("y ~ x | g", data, offset=off)


def test_missing_values_still_dropped() -> None:
    data = _data(200)
    data.loc[4, "x"] = np.nan
    assert fepois("y ~ x | g", data).nobs <= 199
