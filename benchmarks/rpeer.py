"""R's fixest as a benchmark peer, run through ``Rscript`` in a subprocess.

The data go to R as a CSV file written once per input (``data.table::fread``); R fits once to
warm up, then times ``repeats`` fits with ``system.time`` and prints the median elapsed and
CPU seconds, which the harness records as the peer's time
(:class:`~benchmarks.harness.Timed`): R's start-up and the file transfer are not counted.
fixest runs with ``setFixest_nthreads(1)`` and the subprocess inherits
``OMP_NUM_THREADS=1``. Where ``Rscript`` or fixest is missing the peer raises
:class:`~benchmarks.harness.PeerUnavailable` (install fixest from ``../shared/r/`` with its
``install.sh``).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.harness import PeerUnavailable, Timed

__all__ = ["fixest_version", "run_fixest"]

_TEMPLATE = r"""
suppressPackageStartupMessages({{library(fixest); library(data.table)}})
setFixest_nthreads(1); setDTthreads(1)
d <- fread("{path}")
fit <- function() {call}
invisible(fit())
times <- replicate({repeats}, {{t <- system.time(fit()); c(t[["elapsed"]],
                                 t[["user.self"]] + t[["sys.self"]])}})
res <- fit()
cat("SECONDS", median(times[1, ]), median(times[2, ]), "\n")
cat("COEF", sprintf("%.12g", {coef}), "\n")
"""


@functools.lru_cache(maxsize=1)
def fixest_version() -> str | None:
    """The version of fixest, or ``None`` when ``Rscript`` or fixest is unavailable."""
    if shutil.which("Rscript") is None:
        return None
    try:
        out = subprocess.run(["Rscript", "-e", 'cat(as.character(packageVersion("fixest")))'],
                             capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None


_CACHE: dict[tuple[int, str], Timed] = {}


def run_fixest(data: Any, call: str, *, coef: str = "coef(res)", repeats: int = 3,
               key: Any = None) -> Timed:
    """Time ``call`` (an R expression on the data.table ``d``) in R; median seconds.

    The result is cached per (input, call), so the harness's repeats reuse one R session.
    """
    if fixest_version() is None:
        raise PeerUnavailable("Rscript or the R package fixest is not installed "
                              "(see ../shared/r/README.md)")
    import pandas as pd

    sig = (data.shape, int(pd.util.hash_pandas_object(data.head(2000), index=False).sum()))
    cache_key = (sig if key is None else key, call)
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        data.to_csv(path, index=False)
        script = Path(tmp) / "run.R"
        script.write_text(_TEMPLATE.format(path=path.as_posix(), call=call, repeats=repeats,
                                           coef=coef))
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        out = subprocess.run(["Rscript", str(script)], capture_output=True, text=True,
                             env=env, timeout=3600, check=False)
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no message"])[-1]
        how = (f"killed by signal {-out.returncode} (e.g. out of memory)" if out.returncode < 0
               else f"exit {out.returncode}")
        raise PeerUnavailable(f"fixest failed ({how}): {last}")
    wall, cpu = next((float(line.split()[1]), float(line.split()[2]))
                     for line in out.stdout.splitlines() if line.startswith("SECONDS"))
    _CACHE[cache_key] = Timed(wall, cpu)
    return _CACHE[cache_key]
