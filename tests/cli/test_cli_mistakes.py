"""Each user mistake of issue 12 gives one line on standard error and exit status 2; the fit
command reads what simulate writes and writes only its documented outputs."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from sahelmodel.cli import main
from sahelmodel.report._files import atomic_write_text


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, err, *needles):
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sahelmodel: error: ") and "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_reproduce_without_config_refuses_to_start_the_paper_study(tmp_path, capsys):
    code, _out, err = run(["reproduce", "--out", str(tmp_path)], capsys)
    one_line_error(code, err, "--config tiny", "--config paper", "hours")
    assert not any(tmp_path.iterdir())


def test_missing_data_path_in_config_is_an_error_not_a_skip(tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[fig03]\nevents = "/nonexistent/events.csv"\n')
    code, _, err = run(["reproduce", "3", "--config", str(cfg), "--out", str(tmp_path / "o")],
                       capsys)
    one_line_error(code, err, "[fig03] events", "/nonexistent/events.csv", "not found")


@pytest.mark.parametrize("value", [-5, 0])
def test_replications_below_one(tmp_path, capsys, value):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f"[fig05]\nn_replications = {value}\n")
    code, _, err = run(["reproduce", "5", "--config", str(cfg), "--out", str(tmp_path / "o")],
                       capsys)
    one_line_error(code, err, "[fig05] n_replications must be at least 1", str(value))


@pytest.mark.parametrize("flag,value", [("--decay", "-1"), ("--baseline", "0"),
                                        ("--days", "-3"), ("--decay", "nan")])
def test_bad_hawkes_numbers(tmp_path, capsys, flag, value):
    code, _, err = run(["simulate", "hawkes", "--out", str(tmp_path / "t.csv"), flag, value],
                       capsys)
    one_line_error(code, err, flag, "positive number")


def test_fit_takes_what_simulate_hawkes_writes(tmp_path, capsys):
    times = tmp_path / "times.csv"
    assert run(["simulate", "hawkes", "--out", str(times), "--days", "300", "--seed", "2"],
               capsys)[0] == 0
    model = tmp_path / "m.toml"
    model.write_text('model = "hawkes"\ntiming = "continuous"\n')
    code, _out, err = run(["fit", str(model), str(times), "--out", str(tmp_path / "fit")], capsys)
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "fit").iterdir()) == ["estimates.csv",
                                                                     "summary.txt"]
    bad = tmp_path / "p.toml"
    bad.write_text('model = "fepois"\nformula = "hostile ~ capture_ij_lag1 | dyad + period"\n')
    code, _, err = run(["fit", str(bad), str(times), "--out", str(tmp_path / "f2")], capsys)
    one_line_error(code, err, "event-times file", "fepois")


def test_fit_writes_documented_outputs_with_irrs(tmp_path, capsys):
    events = tmp_path / "ev.csv"
    assert run(["simulate", "world", "--out", str(events), "--start", "2019-01-01",
                "--end", "2021-12-31", "--seed", "3"], capsys)[0] == 0
    model = tmp_path / "m.toml"
    model.write_text('model = "fepois"\nfreq = "M"\ncov = "robust"\n'
                     'formula = "hostile ~ capture_ij_lag1 + capture_ji_lag1 | dyad + period"\n')
    code, out, err = run(["fit", str(model), str(events), "--out", str(tmp_path / "fit")],
                         capsys)
    assert code == 0, err
    assert "rows read" in out  # the read report is printed
    assert sorted(p.name for p in (tmp_path / "fit").iterdir()) == ["estimates.csv",
                                                                     "summary.txt"]
    table = pd.read_csv(tmp_path / "fit" / "estimates.csv", index_col=0)
    assert {"irr", "irr_lower", "irr_upper", "std_error", "p_value"} <= set(table.columns)


def test_errors_report_keeps_good_rows(tmp_path, capsys):
    events = tmp_path / "ev.csv"
    assert run(["simulate", "world", "--out", str(events), "--start", "2020-01-01",
                "--end", "2020-12-31", "--seed", "4"], capsys)[0] == 0
    frame = pd.read_csv(events, dtype=str, keep_default_na=False)
    frame.loc[0, "date"] = "not a date"
    frame.to_csv(events, index=False)
    code, _, err = run(["network", str(events), "--out", str(tmp_path / "n1")], capsys)
    one_line_error(code, err)
    code, out, err = run(["network", str(events), "--errors", "report", "--out",
                          str(tmp_path / "n2")], capsys)
    assert code == 0, err
    assert "1 rejected" in out


def test_output_files_get_the_umask_mode(tmp_path):
    old = os.umask(0o022)
    try:
        path = atomic_write_text(tmp_path / "x.txt", "hello")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
