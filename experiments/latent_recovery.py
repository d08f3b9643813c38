"""Recovery study of the latent-factor (AME probit) network model.

Data are simulated from the model itself (:func:`sahelmodel.dyadic.latent_simulate.
simulate_latent_network`): 40 actors, 20 training periods plus one held-out period, rank-2
multiplicative effects with entries of sd 0.7, sender/receiver covariance
[[0.5, 0.2], [0.2, 0.5]], coefficients (intercept -1, dyad covariate 0.5, sender covariate 0.3)
and dyadic correlation rho = 0.5. Each replication fits the model (2 chains, 200 burn-in and
600 kept sweeps, with the PX-DA scale move and the translations between additive and
multiplicative effects; the prior on the sender/receiver covariance is set by
``prior_ab_df``, 4 by default, ``None`` for amen's) and records whether each 95%
credible interval covers the true value, the posterior SDs, the posterior mean of the sender
variance beside the realised mean square of the true sender effects, R-hat and bulk ESS of
every parameter and the ROC-AUC on the held-out period of the posterior predictive
probabilities and of the oracle Phi(true linear predictor).

A second arm simulates with no multiplicative effects (``sd_uv = 0``) and compares the rank-2
model's held-out AUC with a probit GLM with sender and receiver fixed effects and the dyad
covariate (statsmodels), to check that the latent factors do not cost accuracy when absent.

Run ``python experiments/latent_recovery.py OUT_DIR [n_reps] [n_glm_reps] [a:b c:d TAG]``; it
writes ``latent_recovery_reps.csv``, ``latent_recovery_glm.csv`` and ``latent_recovery.json``
(with slices ``a:b`` and ``c:d`` of the two arms, files tagged ``TAG`` for running in several
processes; ``python experiments/latent_recovery.py summarise OUT_DIR`` merges them). ``python
experiments/latent_recovery.py ess OUT_DIR [n_seeds] [px|shift] [n_draws]`` measures bulk ESS per
CPU-second of every parameter without and with the PX-DA scale move (``px``, the default) or the
translations (``shift``) on the same data (``latent_px_ess.csv``, ``latent_shift_ess.csv``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

DEFAULTS: dict[str, Any] = {
    "n_reps": 100,
    "n_glm_reps": 12,
    "n_actors": 40,
    "n_periods": 20,
    "rank": 2,
    "rho": 0.5,
    "n_chains": 2,
    "n_burn": 200,
    "n_draws": 600,
    "prior_ab_df": 4.0,
    "px": True,
    "shift": True,
}


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    """ROC-AUC as the Mann-Whitney probability that a positive outranks a negative."""
    ranks = stats.rankdata(p)
    pos = y > 0.5
    n1, n0 = int(pos.sum()), int((~pos).sum())
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _glm_proba(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    import statsmodels.api as sm

    def design(frame: pd.DataFrame) -> np.ndarray:
        n = int(max(train.sender.max(), train.receiver.max())) + 1
        s = np.eye(n)[frame.sender.to_numpy()]
        r = np.eye(n)[frame.receiver.to_numpy()][:, 1:]
        return np.column_stack([s, r, frame.x_dyad.to_numpy()])

    fit = sm.Probit(train.y.to_numpy(), design(train)).fit(disp=0, maxiter=200)
    return np.asarray(fit.predict(design(test)))


def one_replication(cfg: dict[str, Any], seed: int, *, sd_uv: float = 0.7,
                    with_glm: bool = False) -> dict[str, Any]:
    from sahelmodel.dyadic.latent import LatentFactorModel
    from sahelmodel.dyadic.latent_simulate import simulate_latent_network

    rng = np.random.default_rng(seed)
    frame, truth = simulate_latent_network(
        n_actors=cfg["n_actors"], n_periods=cfg["n_periods"] + 1, rank=cfg["rank"],
        rho=cfg["rho"], sd_uv=sd_uv, rng=rng)
    last = cfg["n_periods"]
    train, test = frame[frame.period < last], frame[frame.period == last]
    model = LatentFactorModel(outcome="y", covariates=["x_dyad", "x_sender"], rank=cfg["rank"],
                              n_chains=cfg["n_chains"], n_burn=cfg["n_burn"],
                              n_draws=cfg["n_draws"], prior_ab_df=cfg["prior_ab_df"],
                              px=cfg["px"], shift=cfg["shift"], rng=rng)
    t0 = time.process_time()
    res = model.fit(train)
    cpu = time.process_time() - t0
    ci = res.conf_int(0.95)
    true = {"intercept": truth["beta"][0], "x_dyad": truth["beta"][1],
            "x_sender": truth["beta"][2], "rho": float(truth["rho"])}
    out: dict[str, Any] = {"seed": seed, "cpu_s": cpu, "max_rhat": float(res.rhat.max()),
                           "converged": res.converged}
    ess = res.ess
    out["min_ess"] = float(ess.min())
    out["min_ess_param"] = str(ess.idxmin())
    for name in ess.index:
        out[f"rhat_{name}"] = float(res.rhat[name])
        out[f"ess_{name}"] = float(ess[name])
    out["var_sender_est"] = float(res.params["var_sender"])
    out["var_sender_realised"] = float(np.mean(truth["a"] ** 2))
    for name, value in true.items():
        out[f"{name}_est"] = float(res.params[name])
        out[f"{name}_sd"] = float(res.std_errors[name])
        out[f"{name}_covered"] = bool(ci.loc[name, "lower"] <= value <= ci.loc[name, "upper"])
    p = res.predict_proba(test)
    out["auc_model"] = _auc(test.y.to_numpy(), p)
    out["auc_oracle"] = _auc(test.y.to_numpy(), stats.norm.cdf(test.eta.to_numpy()))
    if with_glm:
        out["auc_glm"] = _auc(test.y.to_numpy(), _glm_proba(train, test))
    return out


PARAMS = ("intercept", "x_dyad", "x_sender", "rho")


def summarise(rep: pd.DataFrame, glm: pd.DataFrame, cfg: dict[str, Any]) -> dict[str, Any]:
    """Coverage with its Monte Carlo s.e., convergence shares, AUC gaps and the GLM comparison."""
    summary: dict[str, Any] = {"config": cfg, "n_reps": len(rep)}
    if len(rep):
        cov = {n: float(rep[f"{n}_covered"].mean()) for n in PARAMS}
        summary["coverage"] = cov
        summary["coverage_mc_se"] = {n: float(np.sqrt(c * (1 - c) / len(rep)))
                                     for n, c in cov.items()}
        summary["coverage_mc_se_at_0.95"] = float(np.sqrt(0.95 * 0.05 / len(rep)))
        gap = rep.auc_oracle - rep.auc_model
        summary["auc_gap_mean"] = float(gap.mean())
        summary["auc_gap_max"] = float(gap.max())
        summary["share_auc_gap_within_0.01"] = float((gap <= 0.01).mean())
        summary["share_converged"] = float(rep.converged.mean())
        summary["share_max_rhat_below_1.01"] = float((rep.max_rhat < 1.01).mean())
        summary["share_max_rhat_below_1.05"] = float((rep.max_rhat < 1.05).mean())
        summary["median_max_rhat"] = float(rep.max_rhat.median())
        need = 100.0 * cfg["n_chains"]
        names = [c[4:] for c in rep.columns if c.startswith("ess_")]
        summary["by_parameter"] = {
            n: {"share_rhat_below_1.01": float((rep[f"rhat_{n}"] < 1.01).mean()),
                "share_ess_at_least_100_per_chain": float((rep[f"ess_{n}"] >= need).mean()),
                "median_ess": float(rep[f"ess_{n}"].median()),
                "median_ess_per_cpu_s": float((rep[f"ess_{n}"] / rep.cpu_s).median())}
            for n in names}
        summary["cpu_s_per_fit"] = float(rep.cpu_s.mean())
    if len(glm):
        summary["no_multiplicative"] = {
            "n_reps": len(glm),
            "auc_glm_minus_latent_mean": float((glm.auc_glm - glm.auc_model).mean()),
            "auc_glm_minus_latent_max": float((glm.auc_glm - glm.auc_model).max()),
            "auc_oracle_minus_latent_mean": float((glm.auc_oracle - glm.auc_model).mean()),
        }
    return summary


def ess_per_cpu(out_dir: str | Path, n_seeds: int = 3, rng: int = 20261206,
                config: dict[str, Any] | None = None, move: str = "px") -> pd.DataFrame:
    """Bulk ESS per CPU-second of every parameter, without against with one move.

    ``move`` is ``"px"`` (the PX-DA scale move) or ``"shift"`` (the translations between
    additive and multiplicative effects; the other move stays at the study's setting). Both
    samplers fit the same data (the study's first ``n_seeds`` replications) with the study's
    chain settings (``config`` overrides them); writes ``latent_{move}_ess.csv`` (one row per
    seed, sampler and parameter). Every sampler is compiled on a small fit first, so the CPU
    times are sampling only. Besides the reported parameters, the rows hold
    ``ubar_vbar``, the inner product of the mean sender and receiver positions, the
    direction the translations move.
    """
    from sahelmodel.dyadic._latent_mcmc import ess_bulk
    from sahelmodel.dyadic.latent import LatentFactorModel
    from sahelmodel.dyadic.latent_simulate import simulate_latent_network

    cfg = {**DEFAULTS, **(config or {})}
    seeds = np.random.SeedSequence(rng).generate_state(n_seeds)
    rows = []
    small, _ = simulate_latent_network(n_actors=6, n_periods=2, rank=2, rng=0)
    for on in (False, True):  # compile first
        LatentFactorModel(outcome="y", covariates=["x_dyad"], rank=2, n_chains=1, n_burn=5,
                          n_draws=5, **{**{k: cfg[k] for k in ("px", "shift")}, move: on}
                          ).fit(small)
    for seed in seeds:
        frame, _ = simulate_latent_network(
            n_actors=cfg["n_actors"], n_periods=cfg["n_periods"], rank=cfg["rank"],
            rho=cfg["rho"], rng=np.random.default_rng(int(seed)))
        for on in (False, True):
            moves = {**{k: cfg[k] for k in ("px", "shift")}, move: on}
            model = LatentFactorModel(outcome="y", covariates=["x_dyad", "x_sender"],
                                      rank=cfg["rank"], n_chains=cfg["n_chains"],
                                      n_burn=cfg["n_burn"], n_draws=cfg["n_draws"],
                                      prior_ab_df=cfg["prior_ab_df"], rng=int(seed), **moves)
            t0 = time.process_time()
            res = model.fit(frame)
            cpu = time.process_time() - t0
            d = res.draws
            uv = np.einsum("cdr,cdr->cd", d["u"].mean(axis=2), d["v"].mean(axis=2))
            ess = {**res.ess, "ubar_vbar": ess_bulk(uv)}
            for name, e in ess.items():
                known = name in res.params.index
                rows.append({"seed": int(seed), move: on, "parameter": name, "cpu_s": cpu,
                             "ess": float(e),
                             "rhat": float(res.rhat[name]) if known else np.nan,
                             "ess_per_cpu_s": float(e) / cpu,
                             "mean": float(res.params[name]) if known else np.nan,
                             "sd": float(res.std_errors[name]) if known else np.nan})
            out = Path(out_dir)
            out.mkdir(parents=True, exist_ok=True)
            pd.DataFrame(rows).to_csv(out / f"latent_{move}_ess.csv", index=False)
    return pd.DataFrame(rows)


def main(config: dict[str, Any] | None = None, out_dir: str | Path = "results",
         rng: int = 20261206) -> dict[str, Any]:
    cfg = {**DEFAULTS, **(config or {})}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seeds = np.random.SeedSequence(rng).generate_state(cfg["n_reps"] + cfg["n_glm_reps"])
    # optional slices of the replications (to split the study across processes; a run over
    # slices gives the same replications as one run, each keyed by its seed)
    lo, hi = cfg.get("rep_range", (0, cfg["n_reps"]))
    glo, ghi = cfg.get("glm_range", (0, cfg["n_glm_reps"]))
    tag = cfg.get("tag", "")
    reps = []
    for k in range(lo, hi):
        reps.append(one_replication(cfg, int(seeds[k])))
        pd.DataFrame(reps).to_csv(out / f"latent_recovery_reps{tag}.csv", index=False)
    glm = []
    for k in range(glo, ghi):
        glm.append(one_replication(cfg, int(seeds[cfg["n_reps"] + k]), sd_uv=0.0,
                                   with_glm=True))
        pd.DataFrame(glm).to_csv(out / f"latent_recovery_glm{tag}.csv", index=False)
    summary = summarise(pd.DataFrame(reps), pd.DataFrame(glm), cfg)
    (out / "latent_recovery.json").write_text(json.dumps(summary, indent=2, default=str))
    return summary


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "summarise":  # merge the slice files of OUT_DIR into the record
        where = Path(args[1])
        rep_all = pd.concat([pd.read_csv(f)
                             for f in sorted(where.glob("latent_recovery_reps*.csv"))])
        glm_all = pd.concat([pd.read_csv(f)
                             for f in sorted(where.glob("latent_recovery_glm*.csv"))])
        result = summarise(rep_all.reset_index(drop=True), glm_all.reset_index(drop=True),
                           dict(DEFAULTS))
        (where / "latent_recovery.json").write_text(json.dumps(result, indent=2, default=str))
        print(json.dumps(result, indent=2, default=str))
        sys.exit(0)
    if args and args[0] == "ess":  # ESS per CPU-second, without against with a move
        which = args[3] if len(args) > 3 else "px"
        over = {"n_draws": int(args[4])} if len(args) > 4 else {}
        table = ess_per_cpu(args[1], int(args[2]) if len(args) > 2 else 3, config=over,
                            move=which)
        print(table.pivot_table(index="parameter", columns=["seed", which],
                                values="ess_per_cpu_s"))
        sys.exit(0)
    conf: dict[str, Any] = {}
    if len(args) > 1:
        conf["n_reps"] = int(args[1])
    if len(args) > 2:
        conf["n_glm_reps"] = int(args[2])
    if len(args) > 4:  # replication slices "a:b" for the two arms, and a file tag
        conf["rep_range"] = tuple(int(v) for v in args[3].split(":"))
        conf["glm_range"] = tuple(int(v) for v in args[4].split(":"))
        conf["tag"] = args[5] if len(args) > 5 else ""
    print(json.dumps(main(conf, args[0] if args else "results"), indent=2, default=str))
