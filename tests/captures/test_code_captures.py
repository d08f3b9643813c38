"""code_captures over tables: agreement with the row-by-row reference, the Kalamba record,
simulated ACLED-style notes (recall and precision) and the real UCDP file."""

import numpy as np
import pandas as pd
import pytest

import sahelmodel
from sahelmodel import EventTable, code_captures, materiel_lexicon
from sahelmodel._paths import data_dir
from sahelmodel.coding.captures import code_captures_slow

from .test_parse_capture import NEGATIVE, POSITIVE

CAPTURE_COLUMNS = ["capture", "capturer", "captured_from", "materiel", "capture_weight"]


def _table(rows):
    records = []
    for i, (text, actor1, actor2, directed) in enumerate(rows):
        records.append({"event_id": f"e{i}", "date": "2022-01-01", "event_type": "battle",
                        "actor1": actor1 or "jnim", "actor2": actor2, "directed": directed,
                        "fatalities": 0, "notes": text, "country": "Mali"})
    return EventTable.from_records(records)


def _hand_written_table():
    rows = [(text, a1, a2, d) for text, (a1, a2, d), _ in POSITIVE]
    rows += [(text, "jnim", "military_burkina_faso", False) for text in NEGATIVE]
    rows += rows[:5]  # repeated texts and actors exercise the memo
    rows += [("Soldiers seized weapons from JNIM.", None, None, True), (None, "vdp", None, False)]
    return _table(rows)


def test_fast_path_equals_row_by_row_reference():
    table = _hand_written_table()
    fast = code_captures(table).frame
    slow = code_captures_slow(table).frame
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["capture"].sum() == len(POSITIVE) + 5 + 1
    assert fast["capture"].dtype == "boolean"


def test_columns_follow_the_contract_and_input_is_unchanged():
    table = _hand_written_table()
    before = table.frame
    coded = code_captures(table)
    after = coded.frame
    pd.testing.assert_frame_equal(table.frame, before)
    other = [c for c in after.columns if c not in CAPTURE_COLUMNS]
    pd.testing.assert_frame_equal(after[other], before[other])
    assert coded.report is table.report
    no = ~after["capture"].to_numpy(dtype=bool)
    assert (after.loc[no, "capture_weight"] == 0).all()
    assert after.loc[no, ["capturer", "captured_from", "materiel"]].isna().all().all()
    yes = ~no
    classes = set(materiel_lexicon()["class"])
    for value in after.loc[yes, "materiel"]:
        assert value and set(value.split(";")) <= classes
    assert (after.loc[yes, "capture_weight"] > 0).all()


def test_recoding_replaces_stale_capture_columns():
    table = _table([("Militants seized livestock.", "jnim", None, False)])
    stale = table.with_columns(capture=pd.array([True], dtype="boolean"),
                               capturer=pd.array(["jnim"], dtype="string"),
                               capture_weight=np.array([3.0]))
    frame = code_captures(stale).frame
    assert not frame.loc[0, "capture"] and pd.isna(frame.loc[0, "capturer"])
    assert frame.loc[0, "capture_weight"] == 0


def test_empty_table_and_wrong_type():
    empty = EventTable(pd.DataFrame(columns=["event_id", "date", "actor1", "event_type",
                                             "fatalities"]))
    assert len(code_captures(empty)) == 0
    with pytest.raises(TypeError, match="EventTable"):
        code_captures(pd.DataFrame({"notes": ["seized weapons"]}))


def test_kalamba_case_record():
    path = data_dir() / "cases" / "kalamba_2024.csv"
    table = sahelmodel.read_events(path)
    assert table.report.n_read == table.report.n_kept == 1
    row = table.frame.iloc[0]
    assert (row["actor1"], row["actor2"], row["country"]) == ("is_sahel", "jnim", "Burkina Faso")
    assert bool(row["capture"]) and row["capturer"] == "is_sahel"
    assert row["captured_from"] == "jnim"
    assert {"assault_rifle", "rocket_launcher", "rockets_ammunition"} <= set(
        row["materiel"].split(";"))
    # the curated capture columns are exactly what the coder reads in the notes
    recoded = code_captures(table).frame
    pd.testing.assert_frame_equal(recoded[CAPTURE_COLUMNS], table.frame[CAPTURE_COLUMNS])


# ---- generated ACLED-style notes -----------------------------------------------------------
GROUPS = [("JNIM militants", "jnim", "jihadist_group"),
          ("Islamic State Sahel fighters", "is_sahel", "jihadist_group"),
          ("Malian soldiers", "military_mali", "state_force"),
          ("VDP members", "vdp", "militia"),
          ("Dozo hunters", "dozo", "militia")]
CAPTURE_TEMPLATES = [
    "{a} attacked positions of {b} near {p}, killing {k} and seizing {m}.",
    "{a} ambushed {b} near {p}. The attackers made off with {m}.",
    "{a} overran a camp held by {b} near {p} and carried off {m}.",
    "{a} clashed with {b} near {p}; {m} were captured by {a} from {b}.",
    "{a} raided {b} near {p}, killing {k}, and looted {m}.",
]
DECOY_TEMPLATES = [
    "{a} attacked {b} near {p}, killing {k}, and seized livestock.",
    "{a} clashed with {b} near {p}. No weapons were seized.",
    "{a} ambushed {b} near {p}; {m} were destroyed in the fighting.",
    "{a} attacked {b} near {p} and burned {m}.",
    "{a} on motorbikes attacked {b} near {p}, killing {k}.",
    "{a} captured {k} members of {b} near {p}.",
    "{a} tried to seize {m} from {b} near {p} but were repelled.",
]


def _generated(n, seed):
    rng = np.random.default_rng(seed)
    lex = materiel_lexicon()
    surfaces = lex["surface"].to_numpy()
    rows, truth = [], []
    for i in range(n):
        a, b = rng.choice(len(GROUPS), 2, replace=False)
        k = int(rng.integers(1, 40))
        picks = rng.choice(len(surfaces), int(rng.integers(1, 4)), replace=False)
        words = [f"{['two', 'three', '12'][int(rng.integers(3))]} {surfaces[j]}"
                 if rng.random() < 0.3 else str(surfaces[j]) for j in picks]
        m = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        capture = rng.random() < 0.4
        template = (CAPTURE_TEMPLATES if capture else DECOY_TEMPLATES)[
            int(rng.integers(len(CAPTURE_TEMPLATES if capture else DECOY_TEMPLATES)))]
        text = template.format(a=GROUPS[a][0], b=GROUPS[b][0], p=f"Village {i}", k=k, m=m)
        rows.append({"event_id": f"g{i}", "date": "2022-01-01", "event_type": "battle",
                     "actor1": GROUPS[a][1], "actor2": GROUPS[b][1], "directed": True,
                     "actor1_kind": GROUPS[a][2], "actor2_kind": GROUPS[b][2],
                     "fatalities": k, "notes": text})
        truth.append((capture, GROUPS[a][1] if capture else None,
                      GROUPS[b][1] if capture else None,
                      ";".join(dict.fromkeys(lex["class"].to_numpy()[picks])) if capture else None))
    return EventTable.from_records(rows), pd.DataFrame(
        truth, columns=["capture", "capturer", "captured_from", "materiel"],
        index=[f"g{i}" for i in range(n)])


def test_generated_notes_recall_precision_and_parties():
    table, truth = _generated(600, seed=20260324)
    coded = code_captures(table).frame.set_index("event_id").loc[truth.index]
    pred = coded["capture"].to_numpy(dtype=bool)
    true = truth["capture"].to_numpy(dtype=bool)
    recall = (pred & true).sum() / true.sum()
    precision = (pred & true).sum() / pred.sum()
    assert recall >= 0.95 and precision >= 0.95, (recall, precision)
    hit = pred & true
    parties = (coded["capturer"].to_numpy(object)[hit] == truth["capturer"].to_numpy(object)[hit])
    losers = (coded["captured_from"].to_numpy(object)[hit]
              == truth["captured_from"].to_numpy(object)[hit])
    materiel = (coded["materiel"].to_numpy(object)[hit] == truth["materiel"].to_numpy(object)[hit])
    assert parties.mean() >= 0.95 and losers.mean() >= 0.95 and materiel.mean() >= 0.95


@pytest.mark.parametrize("world", ["default", "synthetic"])
def test_simulated_world_notes(world):
    simulate = pytest.importorskip("sahelmodel.simulate")
    spec = (simulate.World.default() if world == "default"
            else simulate.World.synthetic(n_groups=12, rng=5))
    events, truth = spec.run("2021-01-01", "2022-06-30", rng=7)
    coded = code_captures(events).frame.set_index("event_id")
    true_ids = pd.Index(truth.captures["event_id"].astype(str))
    assert len(true_ids) > 20
    pred = coded.index[coded["capture"].to_numpy(dtype=bool)]
    recall = true_ids.isin(pred).mean()
    precision = pred.isin(true_ids).mean()
    assert recall >= 0.95 and precision >= 0.95, (recall, precision)
    both = truth.captures.set_index(truth.captures["event_id"].astype(str))
    got = coded.loc[both.index]
    assert (got["capturer"].to_numpy(object) == both["capturer"].to_numpy(object)).mean() >= 0.95
    assert (got["captured_from"].to_numpy(object)
            == both["captured_from"].to_numpy(object)).mean() >= 0.95


def test_real_ucdp_kalamba_event(ucdp_path):
    table = sahelmodel.read_ucdp_ged(ucdp_path)
    coded = code_captures(table).frame.set_index("event_id")
    row = coded.loc["497867"]
    assert bool(row["capture"])
    assert (row["capturer"], row["captured_from"]) == ("is_sahel", "jnim")
    # the UCDP headlines rarely report captures; the coder finds a handful, not hundreds
    assert 3 <= int(coded["capture"].sum()) <= 20
    pd.testing.assert_frame_equal(code_captures(table).frame,
                                  code_captures_slow(table).frame)
