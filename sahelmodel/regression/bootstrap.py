r"""Wild cluster score bootstrap for one coefficient of a Poisson model with fixed effects.

Cluster-robust Wald tests over-reject when there are few clusters (Cameron, Gelbach & Miller
2008). The wild *restricted* (WCR) bootstrap fixes most of this for linear models; for
non-linear models such as Poisson with absorbed fixed effects refitting the model in every
bootstrap draw is slow and may fail, so this module implements the score bootstrap of Kline &
Santos (2012, *J. Econometric Methods* 1(1)), which perturbs the restricted scores instead.
(``wildboottest`` on PyPI implements the WCR bootstrap for linear models only, so it does not
apply here.)

For :math:`H_0: \beta_j = b_0`, fit the restricted model (:math:`\beta_j` fixed at
:math:`b_0` through the offset), with means :math:`\tilde\mu_i`. Let :math:`\tilde x_i` be
the regressor :math:`x_j` projected off the other regressors and the fixed effects with
weights :math:`\tilde\mu_i` (the efficient-score direction), and sum the restricted scores by
cluster, :math:`c_g = \sum_{i\in g} \tilde x_i (y_i - \tilde\mu_i)`. The score statistic is

.. math:: t = \frac{\sum_g c_g}{\sqrt{\sum_g c_g^2}},

and its bootstrap distribution is that of :math:`t^* = \sum_g v_g c_g / \sqrt{\sum_g v_g^2
c_g^2}` with independent cluster weights :math:`v_g` (Rademacher :math:`\pm 1`, or Webb's
six-point distribution, better with fewer than about 12 clusters). The two-sided p-value is the
share of draws with :math:`|t^*| \ge |t|`. With Rademacher weights and :math:`2^G` at most
``n_boot``, all sign vectors are enumerated and the p-value is exact for the bootstrap
distribution. Small-sample factors cancel in the ratio.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sahelmodel._rng import RNGLike, as_generator
from sahelmodel.regression._demean import FixedEffects, demean
from sahelmodel.regression._irls import fit_irls
from sahelmodel.regression.formula import build_design, parse_formula

__all__ = ["BootstrapTest", "score_contributions", "wild_cluster_bootstrap"]

_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


@dataclass(frozen=True)
class BootstrapTest:
    """Result of :func:`wild_cluster_bootstrap`.

    Attributes
    ----------
    term : str
    null : float
        The hypothesised value :math:`b_0`.
    statistic : float
        Observed score statistic :math:`t`.
    p_value : float
        Two-sided bootstrap p-value.
    n_clusters : int
    n_boot : int
        Draws used (``2**n_clusters`` when enumerated).
    weights : str
    enumerated : bool
    """

    term: str
    null: float
    statistic: float
    p_value: float
    n_clusters: int
    n_boot: int
    weights: str
    enumerated: bool

    def __str__(self) -> str:
        how = "all sign vectors" if self.enumerated else f"{self.n_boot} draws"
        return (f"Wild cluster score bootstrap of {self.term} = {self.null:g}: t = "
                f"{self.statistic:.3f}, p = {self.p_value:.4f} ({self.n_clusters} clusters, "
                f"{self.weights} weights, {how})")


def score_contributions(y: np.ndarray, x_term: np.ndarray, x_other: np.ndarray,
                        fe: FixedEffects, clusters: np.ndarray, *, null: float = 0.0,
                        offset: np.ndarray | None = None) -> np.ndarray:
    r"""Restricted efficient-score sums :math:`c_g` by cluster (arrays; see module notes).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=50); y = rng.poisson(1.0, 50).astype(float)
    >>> c = score_contributions(y, x, np.ones((50, 1)), FixedEffects((), ()), np.arange(50) % 5)
    >>> c.shape
    (5,)
    """
    off = np.zeros(y.size) if offset is None else np.asarray(offset, float)
    res = fit_irls(y, x_other, fe, family="poisson", offset=off + null * x_term)
    if not res.converged:
        raise RuntimeError("the restricted Poisson fit did not converge")
    w = res.mu
    cols = np.column_stack([x_term, x_other])
    if fe.n_factors:
        cols = demean(cols, fe, w)[0]
    xt, xo = cols[:, 0], cols[:, 1:]
    if xo.shape[1]:
        sw = np.sqrt(w)
        coef = np.linalg.lstsq(xo * sw[:, None], xt * sw, rcond=None)[0]
        xt = xt - xo @ coef
    _, inv = np.unique(clusters, return_inverse=True)
    return np.bincount(inv, weights=xt * (y - res.mu))


def _draws(g: int, n_boot: int, weights: str, rng: np.random.Generator) -> tuple[
        np.ndarray, bool]:
    if weights == "rademacher" and 2 ** g <= n_boot:
        return np.array(list(itertools.product((-1.0, 1.0), repeat=g))), True
    if weights == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=(n_boot, g)), False
    return rng.choice(_WEBB, size=(n_boot, g)), False


def wild_cluster_bootstrap(formula: str, data: pd.DataFrame, *, term: str, cluster: str,
                           null: float = 0.0, n_boot: int = 9999, weights: str = "webb",
                           offset: str | None = None, rng: RNGLike = None) -> BootstrapTest:
    r"""Wild cluster score-bootstrap test of one Poisson coefficient (see module notes).

    Parameters
    ----------
    formula : str
        ``"y ~ x1 + x2 | fe1 + fe2"`` as for :func:`sahelmodel.fepois`.
    data : pandas.DataFrame
    term : str
        The regressor tested.
    cluster : str
        Cluster column (one-way).
    null : float
        :math:`b_0` (log rate ratio; 0 means no effect).
    n_boot : int
        Bootstrap draws (all :math:`2^G` sign vectors are used when fewer, with Rademacher).
    weights : {"webb", "rademacher"}
    offset : str, optional
        Offset column (log exposure).
    rng : int, Generator or None

    Returns
    -------
    BootstrapTest

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"g": np.repeat(np.arange(8), 30), "x": rng.normal(size=240)})
    >>> df["y"] = rng.poisson(np.exp(0.1 * df["g"]))
    >>> res = wild_cluster_bootstrap("y ~ x | g", df, term="x", cluster="g", rng=0,
    ...                              weights="rademacher")
    >>> res.enumerated, 0 <= res.p_value <= 1
    (True, True)
    """
    if weights not in ("webb", "rademacher"):
        raise ValueError(f"weights must be 'webb' or 'rademacher', got {weights!r}")
    if int(n_boot) < 99:
        raise ValueError(f"n_boot must be at least 99, got {n_boot}")
    parsed = parse_formula(formula)
    extra = [cluster] + ([offset] if offset else [])
    for col in extra:
        if col not in data.columns:
            raise KeyError(f"column {col!r} is not in the data")
    y, x, names, fe_raw, keep, _ = build_design(parsed, data, extra)
    if term not in names:
        raise ValueError(f"term {term!r} is not a regressor of {formula!r} (regressors: "
                         f"{', '.join(names)})")
    j = names.index(term)
    frame = data.reset_index(drop=True)
    clusters = frame[cluster].to_numpy()[keep]
    g = int(pd.unique(clusters).size)
    if g < 2:
        raise ValueError(f"the wild cluster bootstrap needs at least two clusters, got {g}")
    off = None if offset is None else frame[offset].to_numpy(dtype=float)[keep]
    fe = FixedEffects.from_codes([pd.factorize(f)[0] for f in fe_raw]) if fe_raw else \
        FixedEffects((), ())
    c = score_contributions(y, x[:, j], np.delete(x, j, axis=1), fe, clusters, null=null,
                            offset=off)
    den = float(np.sqrt(np.sum(c ** 2)))
    if den == 0:
        raise ValueError(f"the restricted scores of {term!r} are zero in every cluster: the "
                         "test is undefined")
    t = float(c.sum()) / den
    v, enumerated = _draws(g, int(n_boot), weights, as_generator(rng))
    t_star = (v @ c) / np.sqrt((v ** 2) @ (c ** 2))
    p = float(np.mean(np.abs(t_star) >= abs(t) - 1e-12))
    return BootstrapTest(term=term, null=float(null), statistic=t, p_value=p, n_clusters=g,
                         n_boot=int(v.shape[0]), weights=weights, enumerated=enumerated)

