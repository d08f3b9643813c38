"""The cohort event study against fixest's Sun-Abraham estimator (``sunab``, Poisson).

Reference values: ``make_sunab.R`` (fixest 0.14.2, tolerances 1e-12) on ``sunab_data.csv``
(written by ``make_sunab_data.py``). The window spans every relative period, so each horizon
averages exactly the cells fixest aggregates. Estimates must agree to 1e-9; clustered
standard errors to 1e-7 relative; fixest's iid standard errors carry its small-sample factor
:math:`(n-1)/(n-K)`, which the package's model-based covariance (as R's ``glm``) does not.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sahelmodel import event_study

pytestmark = pytest.mark.reference

HERE = Path(__file__).parent
DATA = pd.read_csv(HERE / "sunab_data.csv")
REF = pd.read_csv(HERE / "sunab_reference.csv")


@pytest.mark.parametrize(("controls", "cov"), [("none", "iid"), ("none", "cluster"),
                                               ("x", "iid"), ("x", "cluster")])
def test_cohort_event_study_equals_fixest_sunab(controls, cov):
    ref = REF[(REF["controls"] == controls) & (REF["cov"] == cov)].set_index("horizon")
    es = event_study(DATA, outcome="y", event="event", unit="unit", time="period",
                     fixed_effects=("unit", "period"), method="cohort",
                     window=(int(ref.index.min()), int(ref.index.max())),
                     cluster="unit" if cov == "cluster" else None,
                     controls=("x",) if controls == "x" else ())
    ours = es.table.drop(index=-1).loc[ref.index]
    np.testing.assert_allclose(ours["estimate"], ref["estimate"], rtol=0, atol=1e-9)
    se = ours["std_error"].to_numpy()
    if cov == "iid":
        n, k = es.fit.nobs, es.fit.df_model
        se = se * np.sqrt((n - 1) / (n - k))
    np.testing.assert_allclose(se, ref["std_error"], rtol=1e-7)
