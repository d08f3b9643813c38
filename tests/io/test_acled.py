"""ACLED reader on rows the tests write themselves (ACLED's licence forbids shipping real rows)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from sahelmodel import EventDataError, read_acled
from sahelmodel.io import ACLED_EVENT_TYPES, ACLED_PROVENANCE
from sahelmodel.io.acled import merge_monadic, merge_monadic_slow

CURRENT = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]
OLD = [
    "GWNO", "EVENT_ID_CNTY", "EVENT_ID_NO_CNTY", "EVENT_DATE", "YEAR", "TIME_PRECISION",
    "EVENT_TYPE", "ACTOR1", "ALLY_ACTOR_1", "INTER1", "ACTOR2", "ALLY_ACTOR_2", "INTER2",
    "INTERACTION", "COUNTRY", "ADMIN1", "ADMIN2", "ADMIN3", "LOCATION", "LATITUDE", "LONGITUDE",
    "GEO_PRECISION", "SOURCE", "NOTES", "FATALITIES",
]


def event(**kw: object) -> dict:
    base = {
        "event_id_cnty": "BFO1", "event_date": "24 March 2024", "year": "2024",
        "time_precision": "1", "disorder_type": "Political violence", "event_type": "Battles",
        "sub_event_type": "Armed clash", "actor1": "Islamic State (Sahel)",
        "actor2": "JNIM: Group for Support of Islam and Muslims", "country": "Burkina Faso",
        "admin1": "Centre-Nord", "admin2": "Sanmatenga", "location": "Kalamba",
        "latitude": "13.09", "longitude": "-1.08", "notes": "Clash; weapons seized, 'quoted'",
        "fatalities": "12", "iso": "854",
    }
    base.update({k: str(v) for k, v in kw.items()})
    return base


def acled_csv(records: list[dict], header: list[str] = CURRENT) -> io.StringIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({k: rec.get(k, rec.get(k.lower(), "")) for k in header})
    out.seek(0)
    out.name = "acled.csv"
    return out


def test_current_layout() -> None:
    records = [
        event(),
        event(event_id_cnty="MLI2", event_date="2023-05-01",
              event_type="Explosions/Remote violence",
              actor1="Military Forces of Mali (2021-)", assoc_actor_1="Wagner Group",
              actor2="Civilians (Mali)", country="Mali", admin1="Mopti", fatalities="3"),
        event(event_id_cnty="NIG3", event_date="2022-01-09",
              event_type="Violence against civilians",
              actor1="Islamic State (West Africa)", actor2="Civilians (Niger)", country="Niger",
              admin1="Diffa", fatalities="0"),
        event(event_id_cnty="MLI4", event_date="2022-01-09",
              event_type="Violence against civilians",
              actor1="Islamic State (West Africa)", actor2="Civilians (Mali)", country="Mali",
              admin1="Menaka", fatalities="0"),
        event(event_id_cnty="BFO5", event_date="2022-06-01", event_type="Strategic developments",
              actor1="VDP: Volunteers for the Defense of the Homeland", actor2="",
              assoc_actor_1="Koglweogo Militia; Dozo Communal Militia (Burkina Faso)"),
        event(event_id_cnty="BFO6", event_type="Protests", actor1="Protesters (Burkina Faso)",
              actor2="", fatalities="0"),
    ]
    table = read_acled(acled_csv(records))
    f = table.frame.set_index("event_id")
    assert table.report.n_read == 6 and table.report.n_rejected == 0
    assert f.loc["BFO1", ["actor1", "actor2", "event_type"]].tolist() == [
        "is_sahel", "jnim", "battle"]
    assert f.loc["BFO1", "actor1_raw"] == "Islamic State (Sahel)"
    assert f.loc["BFO1", "notes"] == "Clash; weapons seized, 'quoted'"
    assert f.loc["MLI2", ["actor1", "assoc_actor1", "actor2", "event_type"]].tolist() == [
        "military_mali", "wagner", "civilians", "remote_violence"]
    assert f.loc["NIG3", "actor1"] == "iswap"
    assert f.loc["MLI4", "actor1"] == "is_sahel"
    assert f.loc["BFO5", "assoc_actor1"] == "koglweogo;dozo"
    assert pd.isna(f.loc["BFO5", "actor2"])
    assert f.loc["BFO5", "event_type"] == "strategic_development"
    assert f.loc["BFO6", ["actor1", "actor1_kind", "event_type"]].tolist() == [
        "protesters", "civilians", "protest_riot"]
    assert f.loc["BFO1", "date"] == pd.Timestamp("2024-03-24")
    assert not f["directed"].any()
    assert f["type_of_violence"].isna().all() and f["fatalities_low"].isna().all()
    assert set(f["source_dataset"]) == {"acled"}
    assert any("current layout" in m for m in table.report.messages)


def test_pre_2019_layout_and_event_types() -> None:
    old_types = [k for k in ACLED_EVENT_TYPES if k not in ("Battles", "Explosions/Remote violence",
                                                           "Protests", "Riots",
                                                           "Strategic developments")]
    records = [
        {"EVENT_ID_CNTY": f"MLI{i}", "EVENT_DATE": "12/05/2017", "EVENT_TYPE": t,
         "ACTOR1": "AQIM: Al Qaeda in the Islamic Maghreb", "ALLY_ACTOR_1": "Ansar Dine",
         "ACTOR2": "Military Forces of France", "COUNTRY": "Mali", "LATITUDE": "16.2",
         "LONGITUDE": "-0.1", "FATALITIES": str(i), "TIME_PRECISION": "2"}
        for i, t in enumerate(old_types)
    ]
    table = read_acled(acled_csv(records, header=OLD))
    f = table.frame.set_index("event_id")
    assert len(f) == len(old_types)
    expected = {f"MLI{i}": ACLED_EVENT_TYPES[t] for i, t in enumerate(old_types)}
    assert f["event_type"].astype(str).to_dict() == expected
    assert set(f["actor1"]) == {"aqim"} and set(f["actor2"]) == {"france"}
    # Ansar Dine merged into JNIM on 2 March 2017: the time rule applies to associates too
    assert set(f["assoc_actor1"]) == {"jnim"}
    assert (f["date"] == pd.Timestamp("2017-05-12")).all()
    assert set(f["date_precision"]) == {2}
    assert any("pre-2019" in m for m in table.report.messages)


def test_monadic_rows_merge_into_events() -> None:
    records = [
        event(actor1="Islamic State (Sahel)", actor2=""),
        event(actor1="JNIM: Group for Support of Islam and Muslims", actor2="",
              assoc_actor_1="Ansaroul Islam"),
        event(event_id_cnty="BFO2", actor1="VDP: Volunteers for the Defense of the Homeland",
              actor2="Islamic State (Sahel)"),
        event(event_id_cnty="BFO2", actor1="Islamic State (Sahel)",
              actor2="VDP: Volunteers for the Defense of the Homeland"),
        event(event_id_cnty="BFO2", actor1="Civilians (Burkina Faso)", actor2=""),
    ]
    table = read_acled(acled_csv(records))
    rep = table.report
    assert (rep.n_read, rep.n_kept, rep.n_rejected) == (5, 5, 0)
    assert len(table) == 2
    f = table.frame.set_index("event_id")
    assert f.loc["BFO1", ["actor1", "actor2", "assoc_actor2"]].tolist() == [
        "is_sahel", "jnim", "ansaroul_islam"]
    assert f.loc["BFO2", ["actor1", "actor2", "assoc_actor2"]].tolist() == [
        "vdp", "is_sahel", "civilians"]
    assert any("monadic" in m and "5 rows" in m for m in rep.messages)


def test_conflicting_duplicate_ids_are_rejected() -> None:
    records = [event(), event(fatalities="13"), event(event_date="25 March 2024"), event()]
    with pytest.raises(EventDataError) as err:
        read_acled(acled_csv(records))
    assert (err.value.row, err.value.column) == (3, "event_id_cnty")
    assert "fatalities differs from row 2" in str(err.value)
    rep = read_acled(acled_csv(records), errors="report").report
    assert (rep.n_read, rep.n_kept, rep.n_rejected) == (4, 1, 3)
    assert rep.rejected["row"].tolist() == [3, 4, 5]
    assert "repeats row 2 exactly" in rep.rejected["reason"].iloc[2]


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        ({"event_date": "2024-02-30"}, "event_date", "expected a date"),
        ({"event_type": "Clashes"}, "event_type", "unknown event type"),
        ({"actor1": ""}, "actor1", "missing value"),
        ({"fatalities": "-2"}, "fatalities", ">= 0"),
        ({"fatalities": ""}, "fatalities", "missing value"),
        ({"latitude": "113"}, "latitude", "[-90, 90]"),
        ({"time_precision": "4"}, "time_precision", "1-3"),
        ({"event_id_cnty": ""}, "event_id_cnty", "missing value"),
    ],
)
def test_bad_rows(change: dict, column: str, fragment: str) -> None:
    records = [event(event_id_cnty="A"), event(**{"event_id_cnty": "B", **change})]
    with pytest.raises(EventDataError) as err:
        read_acled(acled_csv(records))
    assert (err.value.source, err.value.row, err.value.column) == ("acled.csv", 3, column)
    assert fragment in str(err.value)
    rep = read_acled(acled_csv(records), errors="report").report
    assert (rep.n_read, rep.n_kept, rep.n_rejected) == (2, 1, 1)


def test_date_formats() -> None:
    dates = ["2024-03-24", "24 March 2024", "24-March-2024", "24-Mar-2024", "24/03/2024"]
    records = [event(event_id_cnty=f"E{i}", event_date=d) for i, d in enumerate(dates)]
    f = read_acled(acled_csv(records)).frame
    assert (f["date"] == pd.Timestamp("2024-03-24")).all()


def test_unknown_actor_is_kept_and_reported() -> None:
    table = read_acled(acled_csv([event(actor2="Katiba Serma (Mali)")]))
    assert table.frame.loc[0, "actor2"] == "katiba_serma_mali"
    assert pd.isna(table.frame.loc[0, "actor2_kind"])
    assert table.report.unknown_actors == ("Katiba Serma (Mali)",)


def test_missing_required_columns_named() -> None:
    header = [c for c in CURRENT if c not in ("fatalities", "event_date")]
    with pytest.raises(EventDataError, match=r"'event_date', 'fatalities'"):
        read_acled(acled_csv([event()], header=header))


def test_provenance_says_no_redistribution() -> None:
    assert "not be redistributed" in ACLED_PROVENANCE["licence"]


def _slow_args(frame: pd.DataFrame) -> list[list]:
    return [[None if pd.isna(v) else v for v in frame[c]]
            for c in ("ids", "a1", "s1", "a2", "s2")]


@pytest.mark.parametrize("seed", range(12))
def test_merge_monadic_matches_slow_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    unique = seed % 3 == 0  # dyadic exports take a fast path
    n = int(rng.integers(1, 6 if unique else 40))
    names = np.array(["A", "B", "C", "D", None], dtype=object)
    ids = rng.permutation(["e1", "e2", "e3", "e4", "e5", "e6"])[:n] if unique else rng.choice(
        ["e1", "e2", "e3", "e4", "e5"], n)
    frame = pd.DataFrame({
        "ids": ids,
        "a1": rng.choice(names if unique else names[:4], n),
        "s1": rng.choice(np.array(["x", "y;z", None], dtype=object), n),
        "a2": rng.choice(names, n),
        "s2": rng.choice(np.array(["w", None], dtype=object), n),
    }).astype("string")
    fast = merge_monadic(frame["ids"], frame["a1"], frame["s1"], frame["a2"], frame["s2"])
    slow = merge_monadic_slow(*_slow_args(frame))
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow, check_dtype=False)
