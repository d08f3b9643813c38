"""Count regressions with absorbed fixed effects, and the cohort event study.

``fepois_2fe`` / ``fepois_3fe``: Poisson with dyad and week effects (and a region × year
effect for three factors) and two regressors; ``fenegbin_2fe``: NB2 with the dispersion
estimated by maximum likelihood. Sizes are (dyads, weeks); 10,000 × 100 is 1e6 rows, as in
fixest's and pyfixest's published benchmarks. Peers: R's fixest (``fepois`` /
``fenegbin``, one thread, through ``Rscript``; see :mod:`benchmarks.rpeer`), pyfixest's
``fepois`` (numba-compiled alternating projections; it has no negative binomial model), and
statsmodels' GLM with one dummy column per dyad and week at small sizes (dense design; dyads
without any clash are removed first, as the fixed-effect estimators do).

``cohort_event_study``: the Sun-Abraham (interaction-weighted) Poisson event study on a weekly
dyad panel (369 dyads × 210 weeks = 77,490 rows, 100 cohorts, window -4..8) against fixest's
``sunab`` where fixest's dense cohort × period design fits in 2 GB (the quick size and, in
the full run, 150 dyads × 120 weeks with 30 cohorts; equality with ``sunab`` is checked in
``tests/reference/regression/test_sunab_reference.py``).

Full sizes: ``fepois_2fe`` at 1e5, 1e6 and 1e7 rows, ``fepois_3fe`` at 1e6 and 1e7,
``fenegbin_2fe`` at 1e5 and 1e6; pyfixest runs up to 1e6 rows (at 1e7 its fit alone would take
a few minutes of the run), fixest at every size. Growth: ``fepois_2fe`` is also timed at 1e5,
3e5 and 1e6 rows (full; quick: 1e4 .. 1e5).

Memory: each FE case records the resident peak of our fit above its start against the bytes of
the ``y``, ``x1``, ``x2`` and fixed-effect columns as passed (``memory_ratio`` in the records).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.harness import Case, PeerUnavailable
from benchmarks.rpeer import run_fixest
from sahelmodel import event_study, fenegbin, fepois

FORMULA = "y ~ x1 + x2 | dyad + week"
FORMULA_3FE = "y ~ x1 + x2 | dyad + week + region_year"


def _panel(size: tuple[int, int], nb: bool = False) -> pd.DataFrame:
    n_d, n_w = size
    rng = np.random.default_rng(7)
    dyad = np.repeat(np.arange(n_d), n_w)
    week = np.tile(np.arange(n_w), n_d)
    x1 = rng.normal(size=dyad.size)
    x2 = rng.binomial(1, 0.1, dyad.size).astype(float)
    region = rng.integers(0, 20, n_d)[dyad]
    region_year = region * 100 + week // 52
    mu = np.exp(rng.normal(-0.5, 0.7, n_d)[dyad] + 0.2 * np.sin(week / 6) + 0.3 * x1 - 0.2 * x2
                + 0.1 * (region_year % 7) / 7)
    y = rng.negative_binomial(1.5, 1.5 / (1.5 + mu)) if nb else rng.poisson(mu)
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2, "dyad": dyad, "week": week,
                         "region_year": region_year})


def _pyfixest(formula: str):
    def run(df: pd.DataFrame):
        try:
            import pyfixest as pf
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise PeerUnavailable("pyfixest is not installed") from exc
        return pf.fepois(formula, data=df, vcov="iid").coef()
    return run


def _input_bytes(columns: list[str]):
    """Bytes of the outcome, regressor and fixed-effect columns as the user passes them."""
    return lambda df: int(sum(df[c].to_numpy().nbytes for c in columns))


def _fixest(call: str):
    return lambda df: run_fixest(df, call)


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
    raise PeerUnavailable("pyfixest has no negative binomial model")


def _small(limit: int):
    return lambda size: size[0] * size[1] <= limit


def cohort_panel(n_d: int = 369, n_w: int = 210, n_cohorts: int = 100,
                 seed: int = 11) -> pd.DataFrame:
    """Weekly dyad panel with ``n_cohorts`` capture cohorts (60% of dyads ever captured)."""
    rng = np.random.default_rng(seed)
    dyad = np.repeat(np.arange(n_d), n_w)
    week = np.tile(np.arange(n_w), n_d)
    weeks = np.sort(rng.choice(np.arange(5, n_w - 5), n_cohorts, replace=False))
    n_tr = int(0.6 * n_d)
    first = np.full(n_d, -1)
    first[:n_tr] = weeks[np.arange(n_tr) % n_cohorts]
    k = week - first[dyad]
    treated = first[dyad] >= 0
    mu = np.exp(rng.normal(0.3, 0.5, n_d)[dyad] + 0.3 * np.sin(week / 8)
                + np.where(treated & (k >= 0), 0.3, 0.0))
    return pd.DataFrame({"dyad": dyad, "period_index": week, "period": week,
                         "capture": (treated & (k == 0)).astype(int), "y": rng.poisson(mu),
                         "cohort": np.where(first[dyad] >= 0, first[dyad], 10_000)})


def _cohort_setup(size: tuple[int, int, int]) -> pd.DataFrame:
    return cohort_panel(*size)


def _cohort_run(df: pd.DataFrame):
    return event_study(df, outcome="y", event="capture", window=(-4, 8), method="cohort",
                       cluster="dyad")


CASES = [
    Case(
        name="fepois_2fe",
        sizes={"quick": [(60, 10)], "full": [(2000, 50), (10_000, 100), (100_000, 100)]},
        setup=_panel,
        run=lambda df: fepois(FORMULA, df),
        peers={"fixest": _fixest("fepois(y ~ x1 + x2 | dyad + week, d, vcov = 'iid')"),
               "pyfixest": _pyfixest(FORMULA), "statsmodels": _statsmodels_pois},
        repeats={"quick": 3, "full": 3},
        timeout=600.0,  # (R's first call at 1e7 rows writes and reads a 1e7-row CSV)
        peer_sizes={"statsmodels": _small(20_000), "pyfixest": _small(1_000_000)},
        size_n=lambda size: size[0] * size[1],
        input_bytes=_input_bytes(["y", "x1", "x2", "dyad", "week"]),
        growth={"quick": [(100, 100), (300, 100), (1000, 100)],
                "full": [(1000, 100), (3000, 100), (10_000, 100)]},
    ),
    Case(
        name="fepois_3fe",
        sizes={"quick": [(60, 10)], "full": [(10_000, 100), (100_000, 100)]},
        setup=_panel,
        run=lambda df: fepois(FORMULA_3FE, df),
        peers={"fixest": _fixest("fepois(y ~ x1 + x2 | dyad + week + region_year, d,"
                                 " vcov = 'iid')"),
               "pyfixest": _pyfixest(FORMULA_3FE)},
        repeats={"quick": 3, "full": 3},
        timeout=600.0,  # (R's first call at 1e7 rows writes and reads a 1e7-row CSV)
        peer_sizes={"pyfixest": _small(1_000_000)},
        size_n=lambda size: size[0] * size[1],
        input_bytes=_input_bytes(["y", "x1", "x2", "dyad", "week", "region_year"]),
    ),
    Case(
        name="fenegbin_2fe",
        sizes={"quick": [(30, 10)], "full": [(2000, 50), (10_000, 100)]},
        setup=lambda size: _panel(size, nb=True),
        run=lambda df: fenegbin(FORMULA, df),
        peers={"fixest": _fixest("fenegbin(y ~ x1 + x2 | dyad + week, d, vcov = 'iid')"),
               "statsmodels": _statsmodels_nb, "pyfixest": _no_pyfixest_nb},
        repeats={"quick": 3, "full": 3},
        timeout=600.0,  # (R's first call at 1e7 rows writes and reads a 1e7-row CSV)
        peer_sizes={"statsmodels": _small(20_000)},
        size_n=lambda size: size[0] * size[1],
        input_bytes=_input_bytes(["y", "x1", "x2", "dyad", "week"]),
    ),
    Case(
        name="cohort_event_study",
        sizes={"quick": [(60, 40, 10)], "full": [(150, 120, 30), (369, 210, 100)]},
        setup=_cohort_setup,
        run=_cohort_run,
        peers={"fixest": _fixest("fepois(y ~ sunab(cohort, period) | dyad + period, d, "
                                 "cluster = ~dyad)")},
        repeats={"quick": 3, "full": 3},
        timeout=600.0,  # (R's first call at 1e7 rows writes and reads a 1e7-row CSV)
        # sunab builds a dense rows × (cohorts × periods) design: at the full size that is
        # 77,490 × ~15,000 doubles (9 GB; R was killed by the out-of-memory killer at 19 GB
        # resident), so fixest runs only where that design stays under 2 GB
        peer_sizes={"fixest": lambda size: size[0] * size[1] * size[2] * size[1] * 8 < 2e9},
    ),
]
