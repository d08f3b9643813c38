"""The shipped synthetic data set and the calibration are reproducible byte for byte."""

from __future__ import annotations

import importlib.util
import json

import pandas as pd

from sahelmodel import code_captures
from sahelmodel._paths import data_dir, experiments_dir
from sahelmodel.io import read_events
from sahelmodel.simulate import Truth, World
from sahelmodel.simulate._default import calibration


def _script(name: str):
    path = experiments_dir() / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_synthetic_regenerates_the_shipped_files(tmp_path):
    out = _script("make_synthetic").main(tmp_path)
    for name in ("events.csv", "truth.json", "README.md"):
        assert (out / name).read_bytes() == (data_dir() / "synthetic" / name).read_bytes(), name


def test_shipped_files_read_back():
    folder = data_dir() / "synthetic"
    events = read_events(folder / "events.csv")
    truth = Truth.from_json(folder / "truth.json")
    assert len(events) == truth.n_events
    assert truth.world_spec() == World.default()
    assert events.report.n_rejected == 0
    assert (events.frame["source_dataset"] == "simulated").all()
    coded = code_captures(events).frame
    found = set(coded.loc[coded["capture"].fillna(False).astype(bool), "event_id"])
    true = set(truth.captures["event_id"])
    assert len(found & true) >= 0.95 * len(true) and len(found & true) >= 0.95 * len(found)
    years = events.frame["date"].dt.year
    assert years.min() == 2014 and years.max() == 2023


def test_calibration_reproduces_from_ucdp(ucdp_path, tmp_path):
    module = _script("calibrate_world")
    out = module.main([str(ucdp_path), "--out", str(tmp_path / "cal.json")])
    assert json.loads(out.read_text(encoding="utf-8")) == calibration()
    cal = calibration()
    ji = next(r for r in cal["rivalries"] if {r["a"], r["b"]} == {"jnim", "is_sahel"})
    assert ji["events"] == 96  # UCDP non-state IS - JNIM events 2019-2023
    raw = pd.read_csv(ucdp_path, usecols=["side_a", "side_b"])
    assert ((raw["side_a"] == "IS") & (raw["side_b"] == "JNIM")).sum() >= 96
