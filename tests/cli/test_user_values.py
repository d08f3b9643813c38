"""Numbers, dates and settings typed by the user give one-line errors, never tracebacks."""

from __future__ import annotations

import pytest

from sahelmodel.cli import main


def _one_line_error(capsys, argv, *needles):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    for needle in needles:
        assert needle in err
    return err


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["hawkes", "--days", "-5"], "--days"),
        (["hawkes", "--branching-ratio", "1.5"], "--branching-ratio"),
        (["world", "--start", "notadate"], "notadate"),
        (["world", "--start", "2020-01-05", "--end", "2020-01-01"], "before start"),
    ],
)
def test_simulate_rejects_bad_values(tmp_path, capsys, extra, needle):
    argv = ["simulate", extra[0], "--out", str(tmp_path / "x.csv"), *extra[1:]]
    _one_line_error(capsys, argv, "simulate:", needle)


def test_network_and_fit_reject_bad_values(tmp_path, capsys):
    events = tmp_path / "w.csv"
    assert main(["simulate", "world", "--out", str(events), "--start", "2020-01-01",
                 "--end", "2020-06-30"]) == 0
    capsys.readouterr()
    _one_line_error(capsys, ["network", str(events), "--half-life", "-1"], "half_life")
    model = tmp_path / "m.toml"
    model.write_text('model = "fepois"\nformula = "hostile ~ capture_ij_lag1 | dyad + period"\n'
                     "level = 1.5\n")
    out = tmp_path / "fit"
    _one_line_error(capsys, ["fit", str(model), str(events), "--out", str(out)], "level")
    assert not (out / "summary.txt").exists()


def test_fit_summary_uses_the_configured_level(tmp_path, capsys):
    events = tmp_path / "w.csv"
    main(["simulate", "world", "--out", str(events), "--start", "2019-01-01",
          "--end", "2021-12-31"])
    model = tmp_path / "m.toml"
    model.write_text('model = "fepois"\nformula = "hostile ~ capture_ij_lag1 | dyad + period"\n'
                     "level = 0.9\n")
    out = tmp_path / "fit"
    assert main(["fit", str(model), str(events), "--out", str(out)]) == 0
    summary = (out / "summary.txt").read_text()
    estimates = (out / "estimates.csv").read_text().splitlines()[1].split(",")
    lower_90 = float(estimates[5])
    assert f"{lower_90:.4f}" in summary
