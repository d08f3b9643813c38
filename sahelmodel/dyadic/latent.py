r"""Latent-factor network model (additive and multiplicative effects) for directed dyad-periods.

The probit AME model of Hoff (2015, 2021; R package ``amen``, ``ame_rep``) for a binary outcome
:math:`y_{ijt}` of the directed dyad :math:`i \to j` in period :math:`t`:

.. math::

    y_{ijt} = 1\{z_{ijt} > 0\},\qquad
    z_{ijt} = \beta^\top x_{ijt} + a_i + b_j + u_i^\top v_j + \varepsilon_{ijt},

with sender and receiver effects :math:`(a_i, b_i) \sim N(0, \Sigma_{ab})`, rank-:math:`R`
multiplicative effects :math:`(u_i, v_i) \sim N(0, \Sigma_{uv})` and dyadic correlation
:math:`\operatorname{corr}(\varepsilon_{ijt}, \varepsilon_{jit}) = \rho`. Node covariates
enter as columns of the dyad frame holding the sender's (or receiver's) value. Actors and
periods span a complete grid; cells without a row (an actor absent in a period, a held-out
cell) are missing and are imputed in the sampler, so actor sets may change over time.

Estimation is by the compiled Gibbs sampler of :mod:`sahelmodel.dyadic._latent_gibbs`, run as
several chains from dispersed starts; convergence is judged by the rank-normalised split R-hat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sahelmodel._rng import RNGLike, as_generator
from sahelmodel._summary import Summary
from sahelmodel._validation import check_choice, check_level, check_positive
from sahelmodel.dyadic._latent_gibbs import design_moments, run_chain
from sahelmodel.dyadic._latent_mcmc import ess_bulk, rhat
from sahelmodel.dyadic.protocol import training_frame

__all__ = ["FittedLatentForecaster", "LatentFactorForecaster", "LatentFactorModel",
           "LatentFactorResults"]


def _grid(data: pd.DataFrame, sender: str, receiver: str, period: str,
          actors: np.ndarray | None = None, periods: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    for col in (sender, receiver, period):
        if col not in data.columns:
            raise KeyError(f"column {col!r} not found in the dyad frame (columns: "
                           f"{list(data.columns)})")
    if actors is None:
        actors = np.unique(np.concatenate([data[sender].to_numpy(), data[receiver].to_numpy()]))
    if periods is None:
        periods = np.unique(data[period].to_numpy())
    si = pd.Index(actors).get_indexer(data[sender])
    ri = pd.Index(actors).get_indexer(data[receiver])
    ti = pd.Index(periods).get_indexer(data[period])
    return actors, periods, si, ri, ti


@dataclass(frozen=True)
class LatentFactorModel:
    r"""Probit latent-factor (AME) network model, fitted by a compiled Gibbs sampler.

    Parameters
    ----------
    outcome : str
        0/1 column of the dyad frame (NaN marks a missing cell).
    covariates : sequence of str
        Dyad (or node, held per row) covariate columns; an intercept is added.
    sender, receiver, period : str
        Columns naming the directed dyad and its period.
    rank : int, default 2
        Dimension :math:`R` of the multiplicative effects (0 for none).
    family : {"probit", "poisson"}
        ``"probit"``: binary :math:`y = 1\{z > 0\}` with unit error variance.
        ``"poisson"``: counts through a log link, :math:`y \sim \text{Poisson}(e^{z})`
        (Poisson log-normal), with the error variance :math:`\sigma^2` of
        :math:`\varepsilon` estimated (reported as ``var_error``).
    n_chains, n_burn, n_draws, thin : int
        Chains, burn-in sweeps per chain, kept draws per chain and thinning interval.
    prior_beta_var : float
        Prior variance :math:`\sigma_\beta^2` of each regression coefficient.
    prior_ab_df : float or None, default 4
        Degrees of freedom :math:`\nu` of the inverse-Wishart prior on the sender/receiver
        covariance :math:`\Sigma_{ab}`, with scale :math:`(\nu - 3) I` so that its prior mean
        is the identity (one unit of the probit scale); must exceed 3. ``None`` gives
        ``amen``'s prior :math:`IW(\eta_0, \eta_0 I)`, :math:`\eta_0 = 4 + 3n/100`, whose mean
        :math:`\eta_0/(\eta_0 - 3)\, I` (2.4 I at 40 actors) pulls the sender and receiver
        variances up and so widens the intervals of node-covariate coefficients.
    px : bool, default True
        Add the marginal-augmentation (PX-DA) scale move of
        :mod:`sahelmodel.dyadic._latent_gibbs` to each sweep (probit only): same posterior,
        faster mixing of the dyad-covariate coefficients (1.5-2 times the bulk ESS per
        CPU-second on a 40-actor, 20-period problem; 0.7-1.2 times for the other parameters,
        from two data sets). ``False`` gives the plain data-augmentation Gibbs sampler.
    shift : bool, default True
        Add the exact translations between the additive and multiplicative effects of
        :mod:`sahelmodel.dyadic._latent_shift` to each sweep (both families): same
        posterior at about the same cost per sweep. On two 40-actor, 20-period, rank-2 data
        sets the product of the mean positions :math:`\bar u^\top \bar v` goes from 0.4-1
        to 74-164 bulk ESS per CPU-second, the sender covariate from 9 to 147 on one of them,
        and the sender/receiver variances and covariance gain 1.1-5.6 times; the dyad
        covariate and :math:`\rho` stay at 23-34 and 35-43 with or without them. ``False``
        leaves them out.
    rhat_threshold : float
        Largest R-hat of the reported parameters for ``converged``.
    ess_per_chain : float
        Smallest bulk ESS per chain of the reported parameters for ``converged`` (100 per
        chain, 400 for 4 chains, as Vehtari et al. 2021 recommend).
    rng : int, Generator or None
        Seeds of the chains.

    Notes
    -----
    Model and priors as in :mod:`sahelmodel.dyadic._latent_gibbs`. ``params`` are posterior
    means of :math:`\beta`, :math:`\rho` and the entries of :math:`\Sigma_{ab}`;
    ``std_errors`` posterior standard deviations; ``conf_int`` equal-tailed credible intervals.

    Examples
    --------
    >>> from sahelmodel.dyadic.latent_simulate import simulate_latent_network
    >>> frame, truth = simulate_latent_network(n_actors=12, n_periods=4, rank=1, rng=3)
    >>> res = LatentFactorModel(outcome="y", covariates=["x_dyad"], rank=1, n_chains=2,
    ...                         n_burn=100, n_draws=100, rng=1).fit(frame)
    >>> list(res.params.index)
    ['intercept', 'x_dyad', 'rho', 'var_sender', 'cov_sender_receiver', 'var_receiver']
    >>> p = res.predict_proba(frame.head(3))
    >>> bool(((p > 0) & (p < 1)).all())
    True
    """

    outcome: str = "y"
    covariates: Sequence[str] = ()
    sender: str = "sender"
    receiver: str = "receiver"
    period: str = "period"
    rank: int = 2
    family: str = "probit"
    n_chains: int = 4
    n_burn: int = 500
    n_draws: int = 1000
    thin: int = 1
    prior_beta_var: float = 100.0
    prior_ab_df: float | None = 4.0
    px: bool = True
    shift: bool = True
    rhat_threshold: float = 1.01
    ess_per_chain: float = 100.0
    rng: RNGLike = None

    def _check(self) -> None:
        for name in ("n_chains", "n_draws", "thin"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if int(self.n_burn) < 0:
            raise ValueError(f"n_burn must be >= 0, got {self.n_burn}")
        if int(self.rank) < 0:
            raise ValueError(f"rank must be >= 0, got {self.rank}")
        if self.n_draws < 4:
            raise ValueError("n_draws must be >= 4 for the split R-hat")
        check_positive("prior_beta_var", self.prior_beta_var)
        check_positive("ess_per_chain", self.ess_per_chain)
        check_choice("family", self.family, ("probit", "poisson"))
        if self.prior_ab_df is not None and not float(self.prior_ab_df) > 3.0:
            raise ValueError(f"prior_ab_df must exceed 3 (or be None), got {self.prior_ab_df}")

    def _design(self, data: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
        cols = list(self.covariates)
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise KeyError(f"covariate columns {missing} not found in the dyad frame")
        x = np.ones((len(data), 1 + len(cols)))
        if cols:
            x[:, 1:] = data[cols].to_numpy(dtype=float)
        return x

    def fit(self, data: pd.DataFrame) -> LatentFactorResults:
        """Fit to a dyad frame with one row per observed directed dyad-period.

        Parameters
        ----------
        data : pandas.DataFrame
            Columns ``sender``, ``receiver``, ``period``, ``outcome`` and the covariates.

        Returns
        -------
        LatentFactorResults
        """
        self._check()
        actors, periods, si, ri, ti = _grid(data, self.sender, self.receiver, self.period)
        if (si == ri).any():
            raise ValueError(f"row {int(np.flatnonzero(si == ri)[0])}: sender equals receiver")
        y_col = data[self.outcome].to_numpy(dtype=float)
        count = self.family == "poisson"
        if count:
            ok = np.isnan(y_col) | ((y_col >= 0) & (y_col == np.round(y_col)))
            what = "a count (non-negative integer) or NaN"
        else:
            ok = np.isnan(y_col) | (y_col == 0) | (y_col == 1)
            what = "0, 1 or NaN"
        if not ok.all():
            bad = int(np.flatnonzero(~ok)[0])
            raise ValueError(f"outcome {self.outcome!r} must be {what}; row {bad} holds "
                             f"{y_col[bad]!r}")
        xrows = self._design(data)
        obs = ~np.isnan(y_col)
        if not np.isfinite(xrows[obs]).all():
            bad = int(np.flatnonzero(obs & ~np.isfinite(xrows).all(axis=1))[0])
            raise ValueError(f"row {bad}: a covariate of an observed cell is not finite")
        n, n_t, p = actors.size, periods.size, xrows.shape[1]
        key = (ti * n + si) * n + ri
        if np.unique(key).size != key.size:
            raise ValueError("the dyad frame holds a sender-receiver-period cell twice")
        y = np.full((n_t, n, n), np.nan)
        x = np.zeros((n_t, n, n, p))
        x[..., 0] = 1.0
        y[ti, si, ri] = y_col
        x[ti, si, ri] = np.where(np.isfinite(xrows), xrows, 0.0)
        if np.nansum(y > 0) == 0 or np.nansum(y == 0) == 0:
            raise ValueError(f"outcome {self.outcome!r} has no variation in the observed cells")
        a_mat, b_mat = design_moments(x, n)
        gen = as_generator(self.rng)
        seeds = gen.integers(1, 2**31 - 1, size=self.n_chains)
        if self.prior_ab_df is None:
            ab_df = ab_scale = 4.0 + 3.0 * n / 100.0
        else:
            ab_df, ab_scale = float(self.prior_ab_df), float(self.prior_ab_df) - 3.0
        chains = [run_chain(y, x, a_mat, b_mat, int(self.rank), int(self.n_burn),
                            int(self.n_draws), int(self.thin), int(s), float(self.prior_beta_var),
                            ab_df, ab_scale, count, bool(self.px) and not count,
                            bool(self.shift))
                  for s in seeds]
        names = ["intercept", *self.covariates]
        draws = {
            "beta": np.stack([c[0] for c in chains]),
            "rho": np.stack([c[1] for c in chains]),
            "s_ab": np.stack([c[2] for c in chains]),
            "s_uv": np.stack([c[3] for c in chains]),
            "a": np.stack([c[4] for c in chains]),
            "b": np.stack([c[5] for c in chains]),
            "u": np.stack([c[6] for c in chains]),
            "v": np.stack([c[7] for c in chains]),
        }
        draws["s2"] = np.stack([c[9] for c in chains])
        missing_prob = np.mean([c[8] for c in chains], axis=0)
        missing_prob[~np.isnan(y)] = np.nan  # only cells missing in fitting carry one
        # the missing cells that had a row: the sampler imputed them from these covariates
        order = np.argsort(key[~obs], kind="stable")
        imputed_keys = key[~obs][order]
        imputed_design = x[ti[~obs], si[~obs], ri[~obs]][order]
        return LatentFactorResults(model=self, actors=actors, periods=periods,
                                   param_names=names, draws=draws, nobs=int(obs.sum()),
                                   missing_prob=missing_prob, imputed_keys=imputed_keys,
                                   imputed_design=imputed_design)


@dataclass(frozen=True)
class LatentFactorResults:
    """Posterior of a :class:`LatentFactorModel` fit (see the model for the contract)."""

    model: LatentFactorModel
    actors: np.ndarray
    periods: np.ndarray
    param_names: list[str]
    draws: dict[str, np.ndarray] = field(repr=False)
    nobs: int
    missing_prob: np.ndarray = field(repr=False)
    #: Grid keys ``(t * n + i) * n + j`` (sorted) of the cells passed with a NaN outcome,
    #: and the design rows the sampler imputed them with.
    imputed_keys: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64),
                                     repr=False)
    imputed_design: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)

    def _param_draws(self) -> np.ndarray:
        """Draws of the reported parameters, shape (chains, draws, k)."""
        s = self.draws["s_ab"]
        parts = [self.draws["beta"], self.draws["rho"][..., None], s[..., 0, 0, None],
                 s[..., 0, 1, None], s[..., 1, 1, None]]
        if self.model.family == "poisson":
            parts.append(self.draws["s2"][..., None])
        return np.concatenate(parts, axis=2)

    @property
    def _names(self) -> list[str]:
        extra = ["var_error"] if self.model.family == "poisson" else []
        return [*self.param_names, "rho", "var_sender", "cov_sender_receiver", "var_receiver",
                *extra]

    @property
    def params(self) -> pd.Series:
        """Posterior means."""
        d = self._param_draws()
        return pd.Series(d.mean(axis=(0, 1)), index=self._names, name="estimate")

    @property
    def cov(self) -> pd.DataFrame:
        """Posterior covariance of the parameters."""
        d = self._param_draws().reshape(-1, len(self._names))
        return pd.DataFrame(np.cov(d, rowvar=False), index=self._names, columns=self._names)

    @property
    def std_errors(self) -> pd.Series:
        """Posterior standard deviations."""
        d = self._param_draws().reshape(-1, len(self._names))
        return pd.Series(d.std(axis=0, ddof=1), index=self._names, name="std_error")

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Equal-tailed credible intervals with columns ``lower`` and ``upper``."""
        level = check_level(level)
        d = self._param_draws().reshape(-1, len(self._names))
        lo, hi = np.quantile(d, [(1 - level) / 2, (1 + level) / 2], axis=0)
        return pd.DataFrame({"lower": lo, "upper": hi}, index=self._names)

    @property
    def rhat(self) -> pd.Series:
        """Rank-normalised split R-hat of each parameter (NaN with one chain of constants)."""
        d = self._param_draws()
        return pd.Series([rhat(d[..., k]) for k in range(d.shape[2])], index=self._names,
                         name="rhat")

    @property
    def ess(self) -> pd.Series:
        """Bulk effective sample size of each parameter."""
        d = self._param_draws()
        return pd.Series([ess_bulk(d[..., k]) for k in range(d.shape[2])], index=self._names,
                         name="ess_bulk")

    @property
    def converged(self) -> bool:
        """True when every reported parameter has converged.

        That is, R-hat below the model's ``rhat_threshold`` and bulk ESS of at least
        ``ess_per_chain`` times the number of chains.
        """
        r = self.rhat.to_numpy()
        e = self.ess.to_numpy()
        m = self.model
        return bool(np.all(np.isfinite(r)) and np.all(r < m.rhat_threshold)
                    and np.all(np.isfinite(e)) and np.all(e >= m.ess_per_chain * m.n_chains))

    @property
    def n_iter(self) -> int:
        """Sweeps run in total (burn-in included) over all chains."""
        m = self.model
        return int(m.n_chains * (m.n_burn + m.n_draws * m.thin))

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Table of ``estimate, std_error, lower, upper, rhat, ess_bulk`` by parameter."""
        ci = self.conf_int(level)
        return pd.DataFrame({"estimate": self.params, "std_error": self.std_errors,
                             "lower": ci["lower"], "upper": ci["upper"],
                             "rhat": self.rhat, "ess_bulk": self.ess})

    def summary(self, level: float = 0.95) -> Summary:
        """Summary of the posterior (text, HTML or LaTeX)."""
        m = self.model
        link = "probit" if m.family == "probit" else "log (Poisson log-normal)"
        info = [("Outcome", m.outcome), ("Link", link), ("Rank", m.rank),
                ("Actors", self.actors.size), ("Periods", self.periods.size),
                ("Observed cells", self.nobs), ("Chains", m.n_chains),
                ("Draws per chain", m.n_draws), ("Converged (R-hat)", self.converged)]
        return Summary.from_results(f"Latent-factor network model (AME, {m.family})", info,
                                    self.to_frame(level),
                                    notes=[f"Equal-tailed {level:.0%} credible intervals."])

    def __repr__(self) -> str:
        return (f"LatentFactorResults(actors={self.actors.size}, periods={self.periods.size}, "
                f"rank={self.model.rank}, nobs={self.nobs}, converged={self.converged})")

    def latent_positions(self) -> pd.DataFrame:
        r"""Sender and receiver positions from the posterior mean of :math:`UV^\top`.

        As in ``amen``: with :math:`\bar M = E[UV^\top]` and its SVD :math:`P D Q^\top`, the
        positions are :math:`P_{:R} D^{1/2}` (``u1..uR``) and :math:`Q_{:R} D^{1/2}`
        (``v1..vR``), identified up to sign.
        """
        r = self.model.rank
        mean_uv = np.einsum("cdir,cdjr->ij", self.draws["u"], self.draws["v"]) / (
            self.draws["u"].shape[0] * self.draws["u"].shape[1])
        left, sv, right = np.linalg.svd(mean_uv)
        scale = np.sqrt(sv[:r])
        out = {f"u{k + 1}": left[:, k] * scale[k] for k in range(r)}
        out.update({f"v{k + 1}": right[k] * scale[k] for k in range(r)})
        out["sender_effect"] = self.draws["a"].mean(axis=(0, 1))
        out["receiver_effect"] = self.draws["b"].mean(axis=(0, 1))
        return pd.DataFrame(out, index=pd.Index(self.actors, name="actor"))

    def predict_mean(self, cells: pd.DataFrame, rng: RNGLike = 0) -> np.ndarray:
        r"""Posterior predictive mean count :math:`E[e^{\eta + \varepsilon}]` (``poisson``).

        Averages :math:`\exp(\eta_{ijt} + \sigma^2/2)` over the posterior draws, with
        :math:`\eta` and unseen actors handled as in :meth:`predict_proba` (the reverse cell is
        not used here).
        """
        return self.predict_proba(cells, rng, mean=True)

    def predict_proba(self, cells: pd.DataFrame, rng: RNGLike = 0, *,
                      mean: bool = False) -> np.ndarray:
        r"""Posterior predictive :math:`P(y_{ijt} = 1)` of the given dyad-period cells.

        Averages :math:`\Phi(\beta^\top x + a_i + b_j + u_i^\top v_j)` over the posterior
        draws; for ``family="poisson"`` it is :math:`P(y_{ijt} \ge 1) = 1 -
        E[\exp(-e^{\eta_{ijt} + \sigma\epsilon})]`, the expectation over
        :math:`\epsilon \sim N(0, 1)` by 32-point Gauss-Hermite quadrature.
        The effects of an actor not seen in fitting are drawn, per posterior draw, from
        their population distribution: :math:`a_i \sim N(0, \Sigma_{ab,11})`,
        :math:`u_i \sim N(0, \Sigma_{uu})` for a sender, :math:`b_j, v_j` likewise for a
        receiver.

        A cell that was passed to :meth:`LatentFactorModel.fit` with a missing (NaN) outcome
        and is asked for with the same covariates gets the sampler's Rao-Blackwellised
        probability instead, the posterior mean of :math:`P(y_{ijt} = 1 \mid y_{jit}, \mu,
        \rho)`: when the reverse cell :math:`(j, i, t)` was observed, the dyadic
        correlation carries its outcome over,

        .. math::

            P(y_{ijt} = 1 \mid y_{jit} = 1) = \bar\Phi_2(-\mu_{ijt}, -\mu_{jit}; \rho)
            / \Phi(\mu_{jit}).

        For ``poisson`` it is the average over kept sweeps of :math:`P(y_{ijt} \ge 1 \mid
        z_{ijt})` with :math:`z_{ijt}` imputed given the reverse cell. A grid cell that had no
        row in fitting (an absent actor, or a held-out cell left out of the frame) was
        imputed from an all-zero design, blind to its covariates, so it gets the posterior
        mean of :math:`\Phi(\eta_{ijt})` from its own covariates, as does a cell whose
        covariates differ from those it was fitted with.

        Parameters
        ----------
        cells : pandas.DataFrame
            Sender, receiver, period and covariate columns (the outcome is not needed).
        rng : int, Generator or None
            Randomness for the effects of unseen actors.
        mean : bool
            Return the predictive mean count instead (see :meth:`predict_mean`).
        """
        m = self.model
        for col in (m.sender, m.receiver):
            if col not in cells.columns:
                raise KeyError(f"column {col!r} not found in the cells to predict")
        x = m._design(cells)
        if not np.isfinite(x).all():
            bad = int(np.flatnonzero(~np.isfinite(x).all(axis=1))[0])
            raise ValueError(f"row {bad} of the cells to predict has a non-finite covariate")
        index = pd.Index(self.actors)
        si = index.get_indexer(cells[m.sender])
        ri = index.get_indexer(cells[m.receiver])
        beta = self.draws["beta"].reshape(-1, x.shape[1])
        k = beta.shape[0]
        a = self.draws["a"].reshape(k, -1)
        b = self.draws["b"].reshape(k, -1)
        u = self.draws["u"].reshape(k, self.actors.size, m.rank)
        v = self.draws["v"].reshape(k, self.actors.size, m.rank)
        s_ab = self.draws["s_ab"].reshape(k, 2, 2)
        gen = as_generator(rng)
        lin = beta @ x.T  # (draws, cells)
        a_cell = np.where(si >= 0, a[:, np.maximum(si, 0)], 0.0)
        b_cell = np.where(ri >= 0, b[:, np.maximum(ri, 0)], 0.0)
        unseen_s, unseen_r = si < 0, ri < 0
        if unseen_s.any():
            a_cell[:, unseen_s] = gen.normal(size=(k, int(unseen_s.sum()))) * np.sqrt(
                s_ab[:, 0, 0])[:, None]
        if unseen_r.any():
            b_cell[:, unseen_r] = gen.normal(size=(k, int(unseen_r.sum()))) * np.sqrt(
                s_ab[:, 1, 1])[:, None]
        mult = np.zeros_like(lin)
        r = m.rank
        if r > 0:
            u_cell = u[:, np.maximum(si, 0)]
            v_cell = v[:, np.maximum(ri, 0)]
            s_uv = self.draws["s_uv"].reshape(k, 2 * r, 2 * r)
            for mask, target, block in ((unseen_s, u_cell, slice(0, r)),
                                        (unseen_r, v_cell, slice(r, 2 * r))):
                if mask.any():
                    chol = np.linalg.cholesky(s_uv[:, block, block])
                    e = gen.normal(size=(k, int(mask.sum()), r))
                    target[:, mask] = np.einsum("krs,kcs->kcr", chol, e)
            mult = np.einsum("kcr,kcr->kc", u_cell, v_cell)
        eta = lin + a_cell + b_cell + mult
        if mean:
            if m.family == "probit":
                raise ValueError("predict_mean needs family='poisson'")
            return np.exp(eta + 0.5 * self.draws["s2"].reshape(k)[:, None]).mean(axis=0)
        if m.family == "probit":
            p = stats.norm.cdf(eta).mean(axis=0)
        else:  # P(y >= 1) = 1 - E exp(-exp(eta + sigma e)), e ~ N(0, 1), by Gauss-Hermite
            nodes, weights = np.polynomial.hermite_e.hermegauss(32)
            sigma = np.sqrt(self.draws["s2"].reshape(k))[:, None, None]
            rate = np.exp(np.minimum(eta[..., None] + sigma * nodes, 700.0))
            p = 1.0 - (np.exp(-rate) @ (weights / weights.sum())).mean(axis=0)
        if m.period in cells.columns:
            ti = pd.Index(self.periods).get_indexer(cells[m.period])
            inside = (ti >= 0) & (si >= 0) & (ri >= 0) & (si != ri)
            rb = np.full(p.shape, np.nan)
            rb[inside] = self._imputed_prob(x[inside], ti[inside], si[inside], ri[inside])
            p = np.where(np.isnan(rb), p, rb)
        return p

    def _imputed_prob(self, x: np.ndarray, ti: np.ndarray, si: np.ndarray,
                      ri: np.ndarray) -> np.ndarray:
        """The sampler's probability of grid cells imputed from the same design, else NaN."""
        out = np.full(ti.size, np.nan)
        keys = self.imputed_keys
        if keys.size == 0 or ti.size == 0:
            return out
        n = self.actors.size
        key = (ti.astype(np.int64) * n + si) * n + ri
        pos = np.minimum(np.searchsorted(keys, key), keys.size - 1)
        same = keys[pos] == key
        same &= np.isclose(self.imputed_design[pos], x, rtol=1e-10, atol=1e-12).all(axis=1)
        out[same] = self.missing_prob[ti[same], si[same], ri[same]]
        return out


@dataclass(frozen=True)
class LatentFactorForecaster:
    r"""The latent-factor model behind the forecast protocol of :mod:`sahelmodel.dyadic`.

    ``fit(data, rows)`` takes a dyad-period data object with a ``frame`` (columns ``sender``,
    ``receiver``, ``period_index``, ``y`` and the covariates; hidden outcomes NaN) and a
    ``directed`` flag, fits :class:`LatentFactorModel` to ``frame.iloc[rows]`` together with
    the hidden rows (outcome NaN) of the periods those rows cover, which the sampler imputes
    from their own covariates (so a held-out cell of a cross-validation fold borrows its
    reverse cell's outcome through the dyadic correlation; the other cells of the grid are
    missing and imputed too), and returns an object whose ``predict_proba(data, rows)``
    gives the posterior predictive probability of each row.
    Undirected data are fitted on both rows of each cell, which carry the same outcome: the
    dyadic correlation :math:`\rho` then goes to 1, so the pair counts once in the
    likelihood (:math:`P(z_{ijt} > 0, z_{jit} > 0) \to \Phi(\min(\mu_{ijt}, \mu_{jit}))`),
    and every actor's sender and receiver effects are learnt from all of its cells; a
    row's probability is the mean of its two orientations'. (On one orientation, the
    reversed one's effects would be left to the prior and its probability uncalibrated.)

    Examples
    --------
    Cross-validated forecasts from a plain directed actor × year edge list with a node
    covariate, where group ``H`` enters in 2003 (its earlier dyads are not in the risk set):

    >>> import pandas as pd
    >>> from sahelmodel.dyadic import cross_validate, dyad_data
    >>> rng = np.random.default_rng(0)
    >>> edges = pd.DataFrame({"side_a": rng.choice(list("ABCDEFGH"), 200),
    ...                       "side_b": rng.choice(list("ABCDEFG"), 200),
    ...                       "year": rng.integers(2000, 2006, 200)})
    >>> edges = edges[(edges.side_a != edges.side_b)
    ...               & ((edges.side_a != "H") | (edges.year >= 2003))]
    >>> nodes = pd.DataFrame([(a, y, rng.normal()) for y in range(2000, 2006)
    ...                       for a in "ABCDEFGH" if a != "H" or y >= 2003],
    ...                      columns=["actor", "year", "troops"])
    >>> data = dyad_data(edges, sender="side_a", receiver="side_b", period="year",
    ...                  nodes=nodes, node_period="year")
    >>> model = LatentFactorForecaster(covariates=("tie_lag1", "reciprocity_lag1",
    ...                                            "troops_sender"), rank=1,
    ...                                n_burn=50, n_draws=50)
    >>> res = cross_validate(data, {"latent": model}, k=3, rng=0)
    >>> len(res.predictions) == len(data.frame), bool(res.predictions.p.between(0, 1).all())
    (True, True)
    """

    covariates: Sequence[str] = ()
    rank: int = 2
    n_chains: int = 2
    n_burn: int = 300
    n_draws: int = 500
    rng: RNGLike = 0
    name: str = "latent factor (AME)"

    def _model(self) -> LatentFactorModel:
        return LatentFactorModel(outcome="y", covariates=tuple(self.covariates),
                                 sender="sender", receiver="receiver", period="period_index",
                                 rank=self.rank, n_chains=self.n_chains, n_burn=self.n_burn,
                                 n_draws=self.n_draws, rng=self.rng)

    def fit(self, data: Any, rows: np.ndarray) -> FittedLatentForecaster:
        """Fit on ``data.frame.iloc[rows]`` and the hidden rows of the periods they cover."""
        frame = training_frame(data.frame, rows, hidden=True)
        directed = bool(getattr(data, "directed", True))
        return FittedLatentForecaster(results=self._model().fit(frame), directed=directed)


@dataclass(frozen=True)
class FittedLatentForecaster:
    """A fitted :class:`LatentFactorForecaster` (``results`` holds the posterior)."""

    results: LatentFactorResults
    directed: bool = True

    def predict_proba(self, data: Any, rows: np.ndarray) -> np.ndarray:
        """Posterior predictive P(y = 1) of ``data.frame.iloc[rows]``, in that order."""
        cells = data.frame.iloc[np.asarray(rows, dtype=np.int64)]
        p = self.results.predict_proba(cells)
        if not self.directed:
            swapped = cells.rename(columns={"sender": "receiver", "receiver": "sender"})
            p = 0.5 * (p + self.results.predict_proba(swapped))
        return p
