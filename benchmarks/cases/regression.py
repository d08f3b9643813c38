"""Count regressions with two absorbed fixed effects on a dyad × week panel.

``fepois_2fe``: Poisson with dyad and week effects and two regressors, against pyfixest's
``fepois`` (same algorithm family, numba-compiled alternating projections) and statsmodels'
GLM with one dummy column per dyad and week (dense design; skipped above 20,000 rows, where
the design alone needs gigabytes; dyads without any clash are removed first, as the
fixed-effect estimators do, since their dummies have no finite estimate). ``fenegbin_2fe``:
NB2 with the dispersion estimated by maximum likelihood, against statsmodels'
``NegativeBinomial`` with dummies started from the Poisson fit (pyfixest 0.60 has no negative
binomial model). Sizes are (dyads, weeks).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.harness import Case, PeerUnavailable
from sahelmodel import fenegbin, fepois

FORMULA = "y ~ x1 + x2 | dyad + week"


def _panel(size: tuple[int, int], nb: bool = False) -> pd.DataFrame:
    n_d, n_w = size
    rng = np.random.default_rng(7)
    dyad = np.repeat(np.arange(n_d), n_w)
    week = np.tile(np.arange(n_w), n_d)
    x1 = rng.normal(size=dyad.size)
    x2 = rng.binomial(1, 0.1, dyad.size).astype(float)
    mu = np.exp(rng.normal(-0.5, 0.7, n_d)[dyad] + 0.2 * np.sin(week / 6) + 0.3 * x1 - 0.2 * x2)
    y = rng.negative_binomial(1.5, 1.5 / (1.5 + mu)) if nb else rng.poisson(mu)
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2, "dyad": dyad, "week": week})


def _pyfixest(df: pd.DataFrame):
    try:
        import pyfixest as pf
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise PeerUnavailable("pyfixest is not installed") from exc
    return pf.fepois(FORMULA, data=df, vcov="iid").coef()


def _dummies(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    # dyads that never clash have no finite MLE for their dummy: leave them out, as the
    # fixed-effect estimators do, so that statsmodels solves the same (well-posed) problem
    df = df[df.groupby("dyad")["y"].transform("sum") > 0]
    d = pd.get_dummies(df["dyad"], prefix="d", dtype=float)
    w = pd.get_dummies(df["week"], prefix="w", drop_first=True, dtype=float)
    return df["y"].to_numpy(float), np.column_stack([df[["x1", "x2"]].to_numpy(), d, w])


def _statsmodels_pois(df: pd.DataFrame):
    import statsmodels.api as sm

    y, x = _dummies(df)
    return sm.GLM(y, x, family=sm.families.Poisson()).fit().params[:2]


def _statsmodels_nb(df: pd.DataFrame):
    import statsmodels.api as sm

    y, x = _dummies(df)
    # start from the Poisson fit, as a careful user would; Newton then converges quickly
    start = np.append(sm.GLM(y, x, family=sm.families.Poisson()).fit().params, 0.5)
    res = sm.NegativeBinomial(y, x).fit(start_params=start, disp=0, method="newton", maxiter=100)
    return res.params[:2]


def _no_pyfixest_nb(df: pd.DataFrame):
    raise PeerUnavailable("pyfixest 0.60 has no negative binomial model")


def _small(limit: int):
    return lambda size: size[0] * size[1] <= limit


CASES = [
    Case(
        name="fepois_2fe",
        sizes={"quick": [(60, 10)], "full": [(400, 50), (2000, 50), (20000, 100)]},
        setup=_panel,
        run=lambda df: fepois(FORMULA, df),
        peers={"pyfixest": _pyfixest, "statsmodels": _statsmodels_pois},
        repeats={"quick": 3, "full": 3},
        peer_sizes={"statsmodels": _small(20_000)},
    ),
    Case(
        name="fenegbin_2fe",
        sizes={"quick": [(30, 10)], "full": [(200, 50), (400, 50), (2000, 50)]},
        setup=lambda size: _panel(size, nb=True),
        run=lambda df: fenegbin(FORMULA, df),
        peers={"statsmodels": _statsmodels_nb, "pyfixest": _no_pyfixest_nb},
        repeats={"quick": 3, "full": 3},
        peer_sizes={"statsmodels": _small(20_000)},
    ),
]
