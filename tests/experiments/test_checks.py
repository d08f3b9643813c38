"""A figure's claims are checks recorded in the provenance; a failed check is reported."""

from __future__ import annotations

import json

import pytest

from sahelmodel.runner import Runner
from sahelmodel.runner.reproduce import check, reproduce

SCRIPT = '''
"""Figure 98: a test figure.

What it shows
-------------
Nothing.

What it reproduces
------------------
Nothing.
"""
from pathlib import Path

from sahelmodel.runner.reproduce import check

DEFAULTS = {"value": 1.0}
DATA = {}


def main(config, out_dir, rng, runner=None):
    (Path(out_dir) / "fig98_test.png").write_bytes(b"png")
    return {"value": config["value"],
            "checks": [check("value is one", config["value"] == 1.0, config["value"]),
                       check("paper-only claim", None, "not evaluated here")]}
'''


@pytest.mark.parametrize("value,status", [(1.0, "ok"), (2.0, "check failed")])
def test_checks_are_recorded_and_a_failure_reported(tmp_path, value, status):
    folder = tmp_path / "experiments"
    folder.mkdir()
    (folder / "fig98_test.py").write_text(SCRIPT)
    cfg = tmp_path / "c.toml"
    cfg.write_text(f"[fig98]\nvalue = {value}\n")
    (outcome,) = reproduce(config=cfg, out_dir=tmp_path / "out", experiments=folder,
                           runner=Runner(scheduler="serial"))
    assert outcome.status == status
    assert [c["passed"] for c in outcome.checks] == [value == 1.0, None]
    if status == "check failed":
        assert outcome.message.startswith("check failed: value is one (got 2.0)")
        assert outcome.failed_checks == [outcome.checks[0]]
    top = json.loads((tmp_path / "out" / "provenance.json").read_text())
    entry = top["figures"]["fig98_test"]
    assert entry["status"] == status and entry["checks"] == outcome.checks
    assert entry["outputs"] == ["fig98_test.png"]


def test_check_helper_makes_values_plain():
    import numpy as np

    c = check("x", np.bool_(True), {"a": np.float64(0.5), "b": np.array([1, 2])})
    assert c == {"claim": "x", "passed": True, "value": {"a": 0.5, "b": [1, 2]}}
    json.dumps(c)
