"""The command line: help for each command, one-line errors for user mistakes, fetch checks."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error

import pytest

from sahelmodel.cli import fetch as fetch_mod
from sahelmodel.cli import main


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", ["reproduce", "fetch", "simulate", "fit", "network"])
def test_help_for_each_command(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: sahelmodel {command}")
    assert len(out.splitlines()) > 5


def test_console_script_is_installed():
    proc = subprocess.run([sys.executable, "-m", "sahelmodel.cli", "--help"],
                          capture_output=True, text=True, check=True)
    for command in ("reproduce", "simulate", "fit", "network", "fetch"):
        assert command in proc.stdout


def one_line_error(code, err, *needles):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sahelmodel: error: ")
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0]


def test_missing_config_file(tmp_path, capsys):
    code, _, err = run(["reproduce", "--config", str(tmp_path / "nope.toml"),
                        "--out", str(tmp_path)], capsys)
    one_line_error(code, err, "nope.toml", "not found")


def test_bad_config_key_section_and_type(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[run]\nseed = 1\n[fig09]\nn_replications = 3\n")
    code, _, err = run(["reproduce", "--config", str(bad), "--out", str(tmp_path)], capsys)
    one_line_error(code, err, "unknown key 'n_replications' in [fig09]", "known keys:")
    bad.write_text("[run]\nseeds = 1\n")
    code, _, err = run(["reproduce", "--config", str(bad), "--out", str(tmp_path)], capsys)
    one_line_error(code, err, "unknown key 'seeds' in [run]")
    bad.write_text("[fig42]\nx = 1\n")
    code, _, err = run(["reproduce", "--config", str(bad), "--out", str(tmp_path)], capsys)
    one_line_error(code, err, "unknown section [fig42]")
    bad.write_text("[run]\nseed = 'abc'\n")
    code, _, err = run(["reproduce", "--config", str(bad), "--out", str(tmp_path)], capsys)
    one_line_error(code, err, "[run] seed must be a integer")
    bad.write_text("[run\nseed = 1\n")
    code, _, err = run(["reproduce", "--config", str(bad), "--out", str(tmp_path)], capsys)
    one_line_error(code, err, "not valid TOML")


def test_unknown_figure_and_scheduler(tmp_path, capsys):
    code, _, err = run(["reproduce", "fig42", "--config", "tiny", "--out", str(tmp_path)],
                       capsys)
    one_line_error(code, err, "unknown figure 'fig42'", "fig01_")
    code, _, err = run(["reproduce", "--scheduler", "threads", "--config", "tiny",
                        "--out", str(tmp_path)], capsys)
    one_line_error(code, err, "unknown scheduler 'threads'")
    code, _, err = run(["reproduce", "9", "--scheduler", "dask://localhost", "--config",
                        "tiny", "--out", str(tmp_path)], capsys)
    one_line_error(code, err, "dask://HOST:PORT")


def test_missing_event_file(tmp_path, capsys):
    code, _, err = run(["network", str(tmp_path / "missing.csv"), "--out", str(tmp_path)],
                       capsys)
    one_line_error(code, err, "missing.csv")
    code, _, err = run(["fit", str(tmp_path / "model.toml"), str(tmp_path / "missing.csv")],
                       capsys)
    one_line_error(code, err, "model.toml")


def test_fetch_offline_is_one_line(tmp_path, capsys, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(fetch_mod.urllib.request, "urlopen", offline)
    code, _, err = run(["fetch", "ucdp", "--cache", str(tmp_path), "--quiet"], capsys)
    one_line_error(code, err, "cannot download", "offline")
    assert not list(tmp_path.iterdir())  # nothing half-written is left behind


SYNTHETIC = __import__("sahelmodel._paths", fromlist=["data_dir"]).data_dir() / "synthetic"


def test_simulate_hawkes_and_world(tmp_path, capsys):
    code, out, _ = run(["simulate", "hawkes", "--out", str(tmp_path / "h.csv"), "--days", "60",
                        "--seed", "3"], capsys)
    assert code == 0 and "events over 60.0 days" in out
    first = (tmp_path / "h.csv").read_text()
    run(["simulate", "hawkes", "--out", str(tmp_path / "h.csv"), "--days", "60", "--seed", "3"],
        capsys)
    assert (tmp_path / "h.csv").read_text() == first  # same seed, same file
    code, out, _ = run(["simulate", "world", "--out", str(tmp_path / "w.csv"), "--start",
                        "2020-01-01", "--end", "2020-03-31", "--seed", "1"], capsys)
    assert code == 0
    truth = json.loads((tmp_path / "w_truth.json").read_text())
    assert truth["start"] == "2020-01-01" and truth["n_events"] > 0


def test_fit_regression_and_hawkes(tmp_path, capsys):
    model = tmp_path / "m.toml"
    model.write_text('model = "fepois"\nfreq = "M"\n'
                     'formula = "hostile ~ capture_ij_lag1 + capture_ji_lag1 | dyad + period"\n')
    code, _, err = run(["fit", str(model), str(SYNTHETIC / "events.csv"), "--out",
                          str(tmp_path / "fit")], capsys)
    assert code == 0, err
    est = (tmp_path / "fit" / "estimates.csv").read_text()
    assert "capture_ij_lag1" in est and "capture_ji_lag1" in est
    model.write_text('model = "hawkes"\nactors = ["jnim", "is_sahel"]\n')
    code, _out, err = run(["fit", str(model), str(SYNTHETIC / "events.csv"), "--out",
                          str(tmp_path / "fit2")], capsys)
    assert code == 0, err
    assert "decay" in (tmp_path / "fit2" / "estimates.csv").read_text()


def test_fit_bad_model_file(tmp_path, capsys):
    model = tmp_path / "m.toml"
    model.write_text('model = "fepois"\nformla = "y ~ x"\n')
    code, _, err = run(["fit", str(model), str(SYNTHETIC / "events.csv")], capsys)
    one_line_error(code, err, "unknown key 'formla'")
    model.write_text('model = "ols"\n')
    code, _, err = run(["fit", str(model), str(SYNTHETIC / "events.csv")], capsys)
    one_line_error(code, err, "model must be one of fepois, fenegbin, hawkes")
    model.write_text('model = "fepois"\n')
    code, _, err = run(["fit", str(model), str(SYNTHETIC / "events.csv")], capsys)
    one_line_error(code, err, "needs a formula")
    model.write_text('model = "fepois"\nformula = "hostile ~ no_such_column | dyad"\n')
    code, _, err = run(["fit", str(model), str(SYNTHETIC / "events.csv"), "--out",
                        str(tmp_path / "f")], capsys)
    one_line_error(code, err, "the model cannot be fitted", "no_such_column")
    model.write_text('model = "fepois"\nformula = "hostile ~ hostile_lag1"\ncluster = ["zone"]\n')
    code, _, err = run(["fit", str(model), str(SYNTHETIC / "events.csv"), "--out",
                        str(tmp_path / "f")], capsys)
    one_line_error(code, err, "cluster column(s) ['zone'] are not panel columns")


def test_fit_actor_panel_with_exposure(tmp_path, capsys):
    model = tmp_path / "m.toml"
    model.write_text('model = "fepois"\npanel = "actor"\nfreq = "M"\nexposure = "events"\n'
                     'formula = "fatalities ~ captures_lag1 | actor + period"\n')
    code, _, err = run(["fit", str(model), str(SYNTHETIC / "events.csv"), "--out",
                        str(tmp_path / "fit")], capsys)
    assert code == 0, err
    assert "captures_lag1" in (tmp_path / "fit" / "estimates.csv").read_text()


def test_network_command(tmp_path, capsys):
    code, _out, err = run(["network", str(SYNTHETIC / "events.csv"), "--out", str(tmp_path),
                          "--freq", "Y", "--half-life", "1"], capsys)
    assert code == 0, err
    periods = (tmp_path / "network_periods.csv").read_text().splitlines()
    assert periods[0].startswith("period,") and len(periods) == 11  # ten years
    assert (tmp_path / "network_last_period.png").stat().st_size > 5_000
