"""Write sunab_data.csv: a staggered panel on which make_sunab.R runs fixest's ``sunab``.

60 units × 20 periods; 40 units first treated in one of 8 cohorts (periods 5..12), 20 never
treated (``first = 10000``, fixest's convention for a never-treated cohort); unit effects,
period effects and effects that grow with time since treatment and differ by cohort, so the
cohort-interacted estimator differs from two-way fixed effects. A control ``x`` is included.
Run from the repository root: ``python tests/reference/regression/make_sunab_data.py``.
"""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(20261206)
n_u, n_t = 60, 20
unit = np.repeat(np.arange(n_u), n_t)
period = np.tile(np.arange(n_t), n_u)
cohorts = np.arange(5, 13)
first_u = np.where(np.arange(n_u) < 40, cohorts[np.arange(n_u) % 8], 10000)
first = first_u[unit]
rel = period - first
treated = first < 10000
x = rng.normal(size=unit.size).round(6)
effect = np.where(treated & (rel >= 0), 0.05 * rel + 0.02 * (first - 8), 0.0)
mu = np.exp(1.0 + rng.normal(scale=0.4, size=n_u)[unit] + 0.2 * np.sin(period / 3)
            + 0.3 * x + effect)
df = pd.DataFrame({"unit": unit, "period": period, "first": first,
                   "event": (treated & (rel == 0)).astype(int), "x": x,
                   "y": rng.poisson(mu)})
df.to_csv(Path(__file__).with_name("sunab_data.csv"), index=False)
