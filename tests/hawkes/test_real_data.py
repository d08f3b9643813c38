"""Load -> fit on the real UCDP GED Sahel events (skips where ../shared is absent)."""

import warnings

import numpy as np
import pytest

from sahelmodel import Hawkes
from sahelmodel.hawkes.model import HawkesWarning


@pytest.fixture(scope="module")
def two_dyads(ucdp_path):
    from sahelmodel.io import read_ucdp_ged

    et = read_ucdp_ged(ucdp_path, errors="report").to_event_times(by="dyad")
    top = np.argsort(et.counts)[::-1][:2]
    return et.select([int(k) for k in top])


def test_daily_fit_of_the_two_busiest_dyads(two_dyads):
    assert two_dyads.has_ties  # UCDP records days
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HawkesWarning)  # excitation between dyads may be 0
        res = Hawkes(timing="daily").fit(two_dyads)
    assert res.converged and np.isfinite(res.loglik)
    lo, hi = res.branching_ratio_interval()
    assert np.isfinite(lo) and lo < res.branching_ratio < hi
    # clashes in each of these dyads cluster: self-excitation is clearly positive
    selfs = [f"alpha[{name}<-{name}]" for name in two_dyads.dim_names]
    assert (res.conf_int(terms=selfs)["lower"] > 0).all()
    assert "Hawkes" in str(res.summary())
    tab = res.capture_response(30.0, source=0, target=0)
    assert (tab["std_error"] >= 0).all() and np.isfinite(tab.to_numpy()).all()
