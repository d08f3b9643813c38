"""Write fe_data.csv: the small panel on which make_reference.R computes reference values.

Run from the repository root: ``python tests/reference/regression/make_data.py``.
"""

from pathlib import Path

import numpy as np
import pandas as pd

rng = np.random.default_rng(20240324)
n = 600
a = rng.integers(0, 20, n)
b = rng.integers(0, 12, n)
df = pd.DataFrame({
    "a": [f"a{i:02d}" for i in a],
    "b": [f"b{i:02d}" for i in b],
    "c1": rng.integers(0, 15, n),
    "c2": rng.integers(0, 9, n),
    "x1": rng.normal(size=n).round(6),
    "x2": rng.binomial(1, 0.3, n),
    "expo": rng.uniform(0.5, 2.0, n).round(6),
})
eff_a = rng.normal(scale=0.5, size=20)
eff_b = rng.normal(scale=0.3, size=12)
mu = df["expo"] * np.exp(0.2 + 0.4 * df["x1"] - 0.3 * df["x2"] + eff_a[a] + eff_b[b])
df["y"] = rng.poisson(mu)
df["yn"] = rng.negative_binomial(1.5, 1.5 / (1.5 + mu))
df.to_csv(Path(__file__).with_name("fe_data.csv"), index=False)
