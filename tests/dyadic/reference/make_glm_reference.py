"""Reference values for the fixed-effect logit and probit (tests/dyadic/test_glm_binary.py).

Writes ``glm_data.csv`` (a simulated directed dyad x period panel: sender, receiver and period
effects, two covariates, seed 20261206) and ``glm_statsmodels.csv``: coefficients, standard
errors and log-likelihoods of statsmodels' GLM Binomial (logit and probit links) with one dummy
per fixed-effect level; iid (expected information), HC0 robust and one-way clustered by sender
(no small-sample correction). ``make_glm_reference.R`` adds fixest's ``feglm`` on the same file.
Run from this folder: ``python make_glm_reference.py`` (statsmodels 0.14).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

HERE = Path(__file__).resolve().parent


def make_data() -> pd.DataFrame:
    rng = np.random.default_rng(20261206)
    n_act, n_per = 12, 6
    s, r, t = np.meshgrid(np.arange(n_act), np.arange(n_act), np.arange(n_per), indexing="ij")
    keep = s != r
    df = pd.DataFrame({"sender": s[keep], "receiver": r[keep], "period": t[keep]})
    a = rng.normal(0, 0.7, n_act)
    b = rng.normal(0, 0.7, n_act)
    d = rng.normal(0, 0.4, n_per)
    df["x1"] = rng.normal(size=len(df)).round(4)
    df["x2"] = rng.binomial(1, 0.3, len(df))
    eta = -1.2 + 0.6 * df.x1 - 0.5 * df.x2 + a[df.sender] + b[df.receiver] + d[df.period]
    df["y"] = (rng.random(len(df)) < 1 / (1 + np.exp(-eta))).astype(int)
    df["sender"] = "s" + df["sender"].astype(str)
    df["receiver"] = "r" + df["receiver"].astype(str)
    df["period"] = 2000 + df["period"]
    return df


def main() -> None:
    df = make_data()
    df.to_csv(HERE / "glm_data.csv", index=False)
    dummies = pd.get_dummies(df[["sender", "receiver", "period"]].astype(str),
                             drop_first=True).astype(float)
    x = sm.add_constant(pd.concat([df[["x1", "x2"]], dummies], axis=1))
    rows = []
    for link in ("logit", "probit"):
        fam = sm.families.Binomial(sm.families.links.Logit() if link == "logit"
                                   else sm.families.links.Probit())
        fits = {
            "iid": sm.GLM(df.y, x, family=fam).fit(),
            "hc0": sm.GLM(df.y, x, family=fam).fit(cov_type="HC0"),
            "cluster_sender_nocorr": sm.GLM(df.y, x, family=fam).fit(
                cov_type="cluster", cov_kwds={"groups": pd.factorize(df.sender)[0],
                                              "use_correction": False}),
        }
        for cov, res in fits.items():
            for term in ("x1", "x2"):
                rows.append({"link": link, "cov": cov, "term": term,
                             "estimate": res.params[term], "std_error": res.bse[term],
                             "loglik": res.llf})
    pd.DataFrame(rows).to_csv(HERE / "glm_statsmodels.csv", index=False, float_format="%.12g")


if __name__ == "__main__":
    main()
