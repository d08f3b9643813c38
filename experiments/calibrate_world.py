"""Calibrate the default simulated world to the UCDP GED Sahel events.

Reproduces ``sahelmodel/simulate/calibration.json``, the numbers behind
:meth:`sahelmodel.simulate.World.default`, from ``ucdp_ged_sahel.csv`` (UCDP GED, CC BY 4.0).
Run ``python experiments/calibrate_world.py [path/to/ucdp_ged_sahel.csv] [--out PATH]``; with no
path the shared data folder is used (``SAHELMODEL_SHARED`` or ``../shared``). The output is a
pure function of the input file: running it twice gives the same bytes.

What is measured (calibration window 2019-01-01 to 2023-12-31, the years in which JNIM and
Islamic State Sahel are both active):

* groups: JNIM, Islamic State Sahel (UCDP's ``IS`` outside Niger's Diffa region, which is the
  Lake Chad branch), the governments of Burkina Faso, Mali, Niger and Benin (their armed forces),
  Dozo hunters, Dan na Ambassagou, Koglweogo, MSA, GATIA and the CMA (CSP-PSD is folded into
  the CMA); the VDP are not coded apart by UCDP (their events sit inside the Government of
  Burkina Faso's) and enter with assumed rates, see ``assumptions`` in the output;
* rivalries: every pair of these groups with at least five state-based or non-state events in
  the window; the rivalry starts on the first day of the month of the pair's first event
  (whole file) and its rate is events per day from that start (or 2019-01-01, whichever is
  later) to 2023-12-31; for the JNIM–IS Sahel pair this is the 96 events of 2019–2023;
* one-sided violence: events per day against civilians for each group over the same span;
* fatalities per event (UCDP best estimate) for battles and for one-sided violence, with the
  negative-binomial dispersion from the method of moments (``var = m + m**2 / k``);
* capability endowments proportional to the square root of each group's event count, scaled to
  a mean of 10 (the capability scale is arbitrary; only ratios enter the model);
* the gazetteer: second-level administrative units (country, admin1, admin2, mean coordinates)
  with events in 2017–2023, and up to four short place names per unit taken from UCDP's
  ``where_description``; a group's territory is the admin2 units of its events in 2017–2023,
  most frequent first (at most 20).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

WINDOW = (pd.Timestamp("2019-01-01"), pd.Timestamp("2023-12-31"))
TERRITORY_SINCE = pd.Timestamp("2017-01-01")
MAX_TERRITORY = 20
MAX_PLACES = 4

#: UCDP actor names -> (canonical id, display name used in notes, kind, home country)
GROUPS: dict[str, tuple[str, str, str, str]] = {
    "JNIM": ("jnim", "JNIM", "jihadist_group", "Mali"),
    "IS": ("is_sahel", "Islamic State Sahel", "jihadist_group", "Niger"),
    "Government of Burkina Faso": (
        "military_burkina_faso", "Military Forces of Burkina Faso", "state_force", "Burkina Faso"),
    "Government of Mali": ("military_mali", "Military Forces of Mali", "state_force", "Mali"),
    "Government of Niger": ("military_niger", "Military Forces of Niger", "state_force", "Niger"),
    "Government of Benin": ("military_benin", "Military Forces of Benin", "state_force", "Benin"),
    "Dozos (Mali)": ("dozo", "Dozo", "militia", "Mali"),
    "Dan na Ambassagou": ("dan_na_ambassagou", "Dan na Ambassagou", "militia", "Mali"),
    "Koglweogo": ("koglweogo", "Koglweogo", "militia", "Burkina Faso"),
    "MSA": ("msa", "MSA", "armed_movement", "Mali"),
    "GATIA": ("gatia", "GATIA", "armed_movement", "Mali"),
    "CMA": ("cma", "CMA", "armed_movement", "Mali"),
    "CSP-PSD": ("cma", "CMA", "armed_movement", "Mali"),
}
VDP = ("vdp", "VDP", "militia", "Burkina Faso")
#: Assumptions for what UCDP does not code separately (documented in the output).
ASSUMPTIONS = {
    "vdp": "VDP (Volontaires pour la defense de la patrie, law of 21 January 2020) are not "
    "coded apart by UCDP; their clashes with JNIM and IS Sahel are set to a quarter of the "
    "Burkinabe army's rates from 2020-02-01, their one-sided violence to a quarter of the "
    "army's, and their territory to the army's.",
    "allies": "VDP and Koglweogo fight beside the Burkinabe army, Dozos and Dan na Ambassagou "
    "beside the Malian army, GATIA and MSA beside the Malian army against IS Sahel; allies "
    "never clash.",
}
ALLIANCES = [
    ("vdp", "military_burkina_faso"),
    ("koglweogo", "military_burkina_faso"),
    ("dozo", "military_mali"),
    ("dan_na_ambassagou", "military_mali"),
    ("gatia", "military_mali"),
    ("msa", "military_mali"),
    ("gatia", "msa"),
]
_UNIT_SUFFIX = re.compile(r"\s+(commune|cercle|department|province|region|district)$", re.I)
_PLACE_OK = re.compile(r"^[A-ZÀ-Ý][\w'’\-]+(?: [A-ZÀ-Ý][\w'’\-]+)?$")


def _clean_place(text: object) -> str | None:
    """A short place name from a UCDP ``where_description`` or None."""
    if not isinstance(text, str):
        return None
    head = re.split(r"[,(;\n/]| near | village| town| area", text.replace("#", ""), maxsplit=1)
    name = head[0].strip()
    if 3 <= len(name) <= 22 and _PLACE_OK.match(name) and not any(c.isdigit() for c in name):
        return name
    return None


def _group_of(side: pd.Series, adm1: pd.Series) -> pd.Series:
    ids = side.map({k: v[0] for k, v in GROUPS.items()})
    diffa = side.eq("IS") & adm1.eq("Diffa region")
    ids = ids.mask(diffa)  # Lake Chad branch: not IS Sahel
    return ids.mask(side.eq("Civilians"), "civilians")


def calibrate(path: Path) -> dict:
    """Return the calibration of the default world as a JSON-ready dict."""
    raw = path.read_bytes()
    data = pd.read_csv(path, low_memory=False)
    data["date"] = pd.to_datetime(data["date_start"], format="%m/%d/%Y %H:%M:%S")
    data["a"] = _group_of(data["side_a"], data["adm_1"])
    data["b"] = _group_of(data["side_b"], data["adm_1"])
    known = data[data["a"].notna() & data["b"].notna()].copy()
    end = WINDOW[1]

    # gazetteer
    recent = known[(known["date"] >= TERRITORY_SINCE) & known["adm_2"].notna()].copy()
    recent["place"] = recent["where_description"].map(_clean_place)
    units = (
        recent.groupby(["country", "adm_1", "adm_2"], sort=True)
        .agg(latitude=("latitude", "mean"), longitude=("longitude", "mean"), n=("id", "size"))
        .reset_index()
    )
    unit_key = {(r.country, r.adm_1, r.adm_2): i for i, r in enumerate(units.itertuples())}
    places = (
        recent.dropna(subset=["place"])
        .groupby(["country", "adm_1", "adm_2", "place"], sort=True)
        .agg(n=("id", "size"), latitude=("latitude", "mean"), longitude=("longitude", "mean"))
        .reset_index()
        .sort_values(["n", "place"], ascending=[False, True], kind="stable")
    )
    unit_records = []
    for r in units.itertuples():
        own = places[
            (places["country"] == r.country) & (places["adm_1"] == r.adm_1)
            & (places["adm_2"] == r.adm_2)
        ].head(MAX_PLACES)
        plist = [[p.place, round(p.latitude, 4), round(p.longitude, 4)] for p in own.itertuples()]
        if not plist:
            plist = [[_UNIT_SUFFIX.sub("", r.adm_2), round(r.latitude, 4), round(r.longitude, 4)]]
        unit_records.append({
            "country": r.country,
            "admin1": _UNIT_SUFFIX.sub("", r.adm_1),
            "admin2": _UNIT_SUFFIX.sub("", r.adm_2),
            "latitude": round(r.latitude, 4),
            "longitude": round(r.longitude, 4),
            "places": plist,
        })

    # groups: territory, activity, endowment
    long = pd.concat([
        recent[["a", "country", "adm_1", "adm_2", "id"]].rename(columns={"a": "g"}),
        recent[["b", "country", "adm_1", "adm_2", "id"]].rename(columns={"b": "g"}),
    ])
    group_ids = sorted({v[0] for v in GROUPS.values()})
    in_window = known[(known["date"] >= WINDOW[0]) & (known["date"] <= end)]
    counts = pd.concat([in_window["a"], in_window["b"]]).value_counts()
    first_seen = pd.concat([
        known[["a", "date"]].rename(columns={"a": "g"}),
        known[["b", "date"]].rename(columns={"b": "g"}),
    ]).groupby("g")["date"].min()
    meta = {v[0]: v for v in GROUPS.values()}
    groups = []
    for gid in group_ids:
        terr = (
            long[long["g"] == gid]
            .groupby(["country", "adm_1", "adm_2"]).size()
            .sort_values(ascending=False, kind="stable").head(MAX_TERRITORY)
        )
        start = max(first_seen[gid].to_period("M").to_timestamp(), WINDOW[0])
        days = (end - start).days + 1
        onesided = in_window[(in_window["a"] == gid) & (in_window["b"] == "civilians")]
        groups.append({
            "id": gid, "name": meta[gid][1], "kind": meta[gid][2], "country": meta[gid][3],
            "events": int(counts.get(gid, 0)),
            "active_from": str(first_seen[gid].to_period("M").to_timestamp().date()),
            "territory": [unit_key[k] for k in terr.index],
            "civilian_rate": round(len(onesided) / days, 6),
        })
    ev = np.array([g["events"] for g in groups], dtype=float)
    endow = np.sqrt(ev) / np.sqrt(ev).mean() * 10.0
    for g, e in zip(groups, endow, strict=True):
        g["endowment"] = round(float(e), 4)

    # rivalries
    hostile = known[known["b"] != "civilians"].copy()
    lo = hostile[["a", "b"]].min(axis=1)
    hi = hostile[["a", "b"]].max(axis=1)
    hostile["pair"] = lo + "|" + hi
    hostile = hostile[lo != hi]
    rivalries = []
    for pair, rows in sorted(hostile.groupby("pair")):
        start = rows["date"].min().to_period("M").to_timestamp()
        span_start = max(start, WINDOW[0])
        n = int(((rows["date"] >= span_start) & (rows["date"] <= end)).sum())
        if n < 5:
            continue
        a, b = pair.split("|")
        rivalries.append({
            "a": a, "b": b, "events": n, "start": str(start.date()),
            "rate": round(n / ((end - span_start).days + 1), 6),
        })
    # VDP by assumption
    army = {r["b"] if r["a"] == "military_burkina_faso" else r["a"]: r for r in rivalries
            if "military_burkina_faso" in (r["a"], r["b"])}
    bf = next(g for g in groups if g["id"] == "military_burkina_faso")
    for enemy in ("is_sahel", "jnim"):
        if enemy in army:
            a, b = sorted((enemy, "vdp"))
            rivalries.append({"a": a, "b": b, "events": None, "start": "2020-02-01",
                              "rate": round(army[enemy]["rate"] / 4, 6)})
    groups.append({
        "id": VDP[0], "name": VDP[1], "kind": VDP[2], "country": VDP[3], "events": None,
        "active_from": "2020-02-01", "territory": list(bf["territory"]),
        "civilian_rate": round(bf["civilian_rate"] / 4, 6), "endowment": round(10.0 / 2, 4),
    })
    groups.sort(key=lambda g: g["id"])
    rivalries.sort(key=lambda r: (r["a"], r["b"]))

    def _nb(values: pd.Series) -> dict:
        m, v = float(values.mean()), float(values.var())
        k = m * m / (v - m) if v > m else None
        return {"mean": round(m, 4), "dispersion": None if k is None else round(k, 4),
                "events": len(values)}

    battles = in_window[in_window["type_of_violence"].isin([1, 2])]["best_est"]
    onesided_all = in_window[in_window["type_of_violence"] == 3]["best_est"]
    return {
        "source": "UCDP GED (CC BY 4.0), ucdp_ged_sahel.csv",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "window": [str(WINDOW[0].date()), str(WINDOW[1].date())],
        "fatalities": {"battle": _nb(battles), "violence_against_civilians": _nb(onesided_all)},
        "assumptions": ASSUMPTIONS,
        "alliances": [list(p) for p in ALLIANCES],
        "groups": groups,
        "rivalries": rivalries,
        "units": unit_records,
    }


def main(argv: list[str] | None = None) -> Path:
    """Write the calibration JSON and return its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="ucdp_ged_sahel.csv (default: shared data)")
    parser.add_argument("--out", default=None, help="output JSON (default: the package's)")
    args = parser.parse_args(argv)
    repo = Path(__file__).resolve().parent.parent
    if args.path is None:
        sys.path.insert(0, str(repo))
        from sahelmodel._paths import shared_dir

        shared = shared_dir()
        if shared is None:
            parser.error("no path given and no shared data folder found")
        path = shared / "data" / "ucdp_ged_sahel.csv"
    else:
        path = Path(args.path)
    out = Path(args.out) if args.out else repo / "sahelmodel" / "simulate" / "calibration.json"
    text = json.dumps(calibrate(path), indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    out.write_text(text, encoding="utf-8")
    return out


if __name__ == "__main__":
    print(main())
