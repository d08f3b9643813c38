"""Event readers and actor resolution.

``read_ucdp``
    ``read_ucdp_ged`` on the shared UCDP GED Sahel file (4,383 rows, 47 columns) against
    ``pandas.read_csv`` of the same file (peer ``pandas``): the price of validation, actor
    resolution and the canonical table on top of parsing. ``sahel_x4`` is the file with its
    rows repeated four times under new ids. Where ``../shared`` is absent the case reads a
    generated file in the same layout instead, and its size is labelled ``synthetic_<n>``.
``read_acled``
    ``read_acled`` on generated rows in ACLED's current layout (the project ships no ACLED
    rows) against ``pandas.read_csv`` of the same file.
``resolve_actors``
    The vectorised resolver with place/time rules against its row-by-row reference
    ``resolve_actors_slow`` (peer ``slow_reference``) on UCDP-like side names.

Peak memory (``python -m benchmarks.cases.io --memory [N]``)
    ``read_ucdp_ged`` on N rows (default 200,000) of the shared file repeated under new ids
    (synthetic rows where ``../shared`` is absent), against ``pandas.read_csv`` of the same
    file: each in a fresh Python process, peak resident memory (``ru_maxrss``) in MiB, with the
    memory of the process after its imports, its CPU seconds and the load average.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.harness import Case
from sahelmodel import read_acled, read_ucdp_ged
from sahelmodel._paths import shared_dir
from sahelmodel.coding.actors import resolve_actors, resolve_actors_slow

_NAMES = np.array(["JNIM", "Government of Mali", "Civilians", "IS", "Government of Burkina Faso",
                   "Government of Niger", "Dozos (Mali)", "Dan na Ambassagou", "AQIM",
                   "GATIA, MSA", "Koglweogo", "Fulani"], dtype=object)
_PLACES = np.array([("Mali", "Gao region", 0.5, 16.3), ("Niger", "Diffa region", 12.6, 13.3),
                    ("Niger", "Tillabéri region", 1.5, 14.2),
                    ("Burkina Faso", "Sahel region", -0.3, 14.1)], dtype=object)


@lru_cache(maxsize=1)
def _tmp() -> Path:
    """A scratch folder for generated input files, made on first use."""
    return Path(tempfile.mkdtemp(prefix="sahelmodel-bench-io-"))


def _shared_file() -> Path | None:
    folder = shared_dir()
    path = None if folder is None else folder / "data" / "ucdp_ged_sahel.csv"
    return path if path is not None and path.is_file() else None


def _synthetic_ucdp(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    place = _PLACES[rng.integers(0, len(_PLACES), n)]
    days = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D")
    best = rng.poisson(4, n)
    return pd.DataFrame({
        "id": np.arange(1, n + 1), "year": days.year, "active_year": "True",
        "type_of_violence": rng.integers(1, 4, n),
        "side_a": _NAMES[rng.integers(0, len(_NAMES), n)],
        "side_b": _NAMES[rng.integers(0, len(_NAMES), n)],
        "source_headline": [f"Clash reported near village {i % 997}" for i in range(n)],
        "where_coordinates": [f"Village {i % 997}" for i in range(n)],
        "adm_1": place[:, 1], "adm_2": "", "latitude": place[:, 3].astype(float),
        "longitude": place[:, 2].astype(float), "country": place[:, 0],
        "date_prec": rng.integers(1, 6, n), "date_start": days.strftime("%m/%d/%Y 00:00:00"),
        "date_end": days.strftime("%m/%d/%Y 00:00:00"),
        "best_est": best, "high_est": best + rng.poisson(1, n), "low_est": best,
    })


def _setup_ucdp(size: str | int) -> Path:
    if isinstance(size, int):
        return _ucdp_rows(size)
    shared = _shared_file()
    if size.startswith("sahel") and shared is not None:
        if size == "sahel":
            return shared
        frame = pd.read_csv(shared, dtype=str, keep_default_na=False)
        copies = [frame.assign(id=frame["id"] + f"_{k}") for k in range(4)]
        path = _tmp() / "ucdp_x4.csv"
        pd.concat(copies, ignore_index=True).to_csv(path, index=False)
        return path
    n = 4383 * (4 if size.endswith("x4") else 1)
    path = _tmp() / f"ucdp_synthetic_{n}.csv"
    _synthetic_ucdp(n).to_csv(path, index=False)
    return path


def _ucdp_rows(n: int) -> Path:
    """A UCDP file of ``n`` rows: the shared file repeated under new ids, or synthetic rows."""
    path = _tmp() / f"ucdp_rows_{n}.csv"
    if path.is_file():
        return path
    shared = _shared_file()
    if shared is not None:
        frame = pd.read_csv(shared, dtype=str, keep_default_na=False)
        copies = -(-n // len(frame))
        frame = pd.concat([frame.assign(id=frame["id"] + f"_{k}") for k in range(copies)],
                          ignore_index=True).iloc[:n]
    else:
        frame = _synthetic_ucdp(n)
    frame.to_csv(path, index=False)
    return path


_MEMORY_PROBE = """
import resource, sys, time
import pandas as pd
from sahelmodel import read_ucdp_ged
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu = time.process_time()
(pd.read_csv if sys.argv[1] == "pandas" else read_ucdp_ged)(sys.argv[2])
print(base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.process_time() - cpu)
"""


def peak_memory(n: int = 200_000) -> list[dict]:
    """Peak resident memory (MiB) of reading ``n`` UCDP rows: sahelmodel and pandas.

    Each reader runs in a fresh interpreter, so the peak is that read's alone (plus imports,
    reported separately as ``after_imports_mib``). Linux reports ``ru_maxrss`` in KiB.
    """
    path = _ucdp_rows(n)
    out = []
    for who in ("sahelmodel", "pandas"):
        got = subprocess.run([sys.executable, "-c", _MEMORY_PROBE, who, str(path)],
                             check=True, capture_output=True, text=True).stdout.split()
        base, peak, cpu = int(got[0]), int(got[1]), float(got[2])
        out.append({"reader": who, "rows": n, "peak_mib": round(peak / 1024, 1),
                    "after_imports_mib": round(base / 1024, 1), "cpu_seconds": round(cpu, 2),
                    "file_mib": round(path.stat().st_size / 2**20, 1),
                    "load_average": round(os.getloadavg()[0], 2)})
    return out


def _ucdp_sizes(sizes: list[str]) -> list[str]:
    if _shared_file() is not None:
        return sizes
    return [f"synthetic_{4383 * (4 if s.endswith('x4') else 1)}" for s in sizes]


def _setup_acled(n: int) -> Path:
    rng = np.random.default_rng(1)
    place = _PLACES[rng.integers(0, len(_PLACES), n)]
    days = pd.Timestamp("2018-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")
    acled_names = np.array(["JNIM: Group for Support of Islam and Muslims",
                            "Islamic State (Sahel)", "Military Forces of Mali (2021-)",
                            "Military Forces of Burkina Faso (2022-)", "Civilians (Mali)",
                            "VDP: Volunteers for the Defense of the Homeland", "Wagner Group",
                            "Unidentified Armed Group (Burkina Faso)"], dtype=object)
    frame = pd.DataFrame({
        "event_id_cnty": [f"MLI{i}" for i in range(n)],
        "event_date": days.strftime("%d %B %Y"), "year": days.year, "time_precision": 1,
        "disorder_type": "Political violence",
        "event_type": rng.choice(["Battles", "Explosions/Remote violence",
                                  "Violence against civilians"], n),
        "sub_event_type": "Armed clash",
        "actor1": acled_names[rng.integers(0, len(acled_names), n)],
        "assoc_actor_1": np.where(rng.random(n) < 0.1, "Wagner Group", ""),
        "inter1": 2, "actor2": acled_names[rng.integers(0, len(acled_names), n)],
        "assoc_actor_2": "", "inter2": 1, "interaction": 12, "civilian_targeting": "",
        "iso": 466, "region": "Western Africa", "country": place[:, 0], "admin1": place[:, 1],
        "admin2": "", "admin3": "", "location": [f"Village {i % 997}" for i in range(n)],
        "latitude": place[:, 3].astype(float), "longitude": place[:, 2].astype(float),
        "geo_precision": 1, "source": "Local source", "source_scale": "National",
        "notes": [f"On {d:%d %B %Y}, militants attacked village {i % 997}." for i, d in
                  enumerate(days)],
        "fatalities": rng.poisson(3, n), "tags": "", "timestamp": 1700000000,
    })
    path = _tmp() / f"acled_{n}.csv"
    frame.to_csv(path, index=False)
    return path


def _setup_names(n: int) -> dict:
    rng = np.random.default_rng(2)
    place = _PLACES[rng.integers(0, len(_PLACES), n)]
    return {"names": list(_NAMES[rng.integers(0, len(_NAMES), n)]), "source": "ucdp_ged",
            "country": list(place[:, 0]), "admin1": list(place[:, 1]),
            "longitude": list(place[:, 2])}


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path)


CASES = [
    Case(
        name="read_ucdp",
        sizes={"quick": _ucdp_sizes(["sahel"]),
               "full": [*_ucdp_sizes(["sahel", "sahel_x4"]), 200_000]},
        setup=_setup_ucdp,
        run=read_ucdp_ged,
        peers={"pandas": _read_csv},
        repeats={"quick": 3, "full": 9},
    ),
    Case(
        name="read_acled",
        sizes={"quick": [5_000], "full": [5_000, 50_000]},
        setup=_setup_acled,
        run=read_acled,
        peers={"pandas": _read_csv},
        repeats={"quick": 3, "full": 7},
    ),
    Case(
        name="resolve_actors",
        sizes={"quick": [5_000], "full": [5_000, 50_000]},
        setup=_setup_names,
        run=lambda s: resolve_actors(**s),
        peers={"slow_reference": lambda s: resolve_actors_slow(**s)},
        repeats={"quick": 3, "full": 5},
        peer_sizes={"slow_reference": lambda n: n <= 50_000},
    ),
]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cases.io")
    parser.add_argument("--memory", type=int, nargs="?", const=200_000, metavar="ROWS",
                        help="peak memory of reading ROWS UCDP rows (default 200,000)")
    args = parser.parse_args()
    if args.memory is None:
        parser.error("nothing to do; the timings run with python -m benchmarks --only read_ucdp")
    for rec in peak_memory(args.memory):
        print("  ".join(f"{k}={v}" for k, v in rec.items()))
