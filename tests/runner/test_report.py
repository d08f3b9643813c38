"""Report helpers: Monte Carlo summaries, comparison tables, provenance, network tables, files."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

import sahelmodel
from sahelmodel.report import (
    compare_results,
    monte_carlo_summary,
    new_figure,
    plot_estimates_against_truth,
    plot_exponential_qq,
    provenance_record,
    save_figure,
    save_numbers,
    write_provenance,
)
from sahelmodel.report.network import network_tables


def test_monte_carlo_summary_by_hand():
    est = pd.DataFrame({"a": [1.0, 2.0, 3.0, 6.0], "b": [0.0, 0.0, 1.0, np.nan]})
    lower = est - 1.0
    upper = est + 1.0
    s = monte_carlo_summary(est, {"a": 2.0, "b": 0.5}, lower=lower, upper=upper)
    assert s.loc["a", "mean"] == 3.0 and s.loc["a", "median"] == 2.5
    assert s.loc["a", "bias"] == 1.0 and s.loc["a", "relative_bias"] == 0.5
    assert s.loc["a", "rmse"] == pytest.approx(np.sqrt((1 + 0 + 1 + 16) / 4))
    assert s.loc["a", "coverage"] == 0.75  # [0,2],[1,3],[2,4] cover 2; [5,7] does not
    assert s.loc["a", "coverage_mcse"] == pytest.approx(np.sqrt(0.75 * 0.25 / 4))
    assert s.loc["b", "n"] == 3 and s.loc["b", "coverage"] == 1.0
    upper.loc[3, "a"] = np.inf  # an unbounded interval [5, inf) still does not cover 2
    lower.loc[0, "a"] = np.nan  # no interval: left out
    s = monte_carlo_summary(est, {"a": 2.0, "b": 0.5}, lower=lower, upper=upper)
    assert s.loc["a", "coverage"] == pytest.approx(2 / 3)
    lower.loc[3, "a"] = -np.inf
    s = monte_carlo_summary(est, {"a": 2.0, "b": 0.5}, lower=lower, upper=upper)
    assert s.loc["a", "coverage"] == 1.0


def test_compare_results_side_by_side():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=300)})
    df["y"] = rng.poisson(np.exp(0.3 + 0.5 * df["x"]))
    fits = {"iid": sahelmodel.fepois("y ~ x", df),
            "robust": sahelmodel.fepois("y ~ x", df, cov="robust")}
    table = compare_results(fits, level=0.9)
    assert list(table.columns.get_level_values(0).unique()) == ["iid", "robust"]
    assert table.loc["x", ("iid", "estimate")] == table.loc["x", ("robust", "estimate")]
    ci = fits["robust"].conf_int(level=0.9).loc["x"]
    assert table.loc["x", ("robust", "lower")] == ci.iloc[0]


def test_provenance_records_checksums_and_versions(tmp_path):
    data = tmp_path / "d.csv"
    data.write_bytes(b"a,b\n1,2\n")
    rec = provenance_record(config={"k": 1}, seeds={"entropy": 5}, data_files={"d": data},
                            wall_time=1.5, extra={"status": "ok"})
    assert rec["data_files"]["d"]["sha256"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert rec["data_files"]["d"]["bytes"] == 8
    assert rec["package"]["version"] == sahelmodel.__version__
    assert rec["libraries"]["numpy"] == np.__version__
    assert rec["status"] == "ok" and rec["seeds"] == {"entropy": 5}
    path = write_provenance(tmp_path / "p.json", rec)
    assert json.loads(path.read_text())["wall_time_seconds"] == 1.5


def test_figures_and_numbers_are_written(tmp_path):
    fig, axes = new_figure(1, 2)
    left = plot_estimates_against_truth(axes[0, 0], [0.9, 1.0, 1.1, 1.05, 50.0, np.nan],
                                        1.0, label="x", fence=3.0)
    assert left == 2  # the far-out 50 and the NaN
    rng = np.random.default_rng(1)
    p_good = plot_exponential_qq(axes[0, 1], rng.exponential(size=500), label="Exp(1)")
    p_bad = plot_exponential_qq(axes[0, 1], rng.exponential(size=500) ** 2, label="not")
    assert p_good > 0.01 and p_bad < 1e-6
    png, pdf = save_figure(fig, tmp_path, "demo")
    assert png.read_bytes()[:4] == b"\x89PNG" and pdf.read_bytes()[:4] == b"%PDF"

    def make(stem):
        f, ax = new_figure()
        ax[0, 0].plot([0, 1, 2], [1, 3, 2], label="line")
        ax[0, 0].legend()
        return save_figure(f, tmp_path, stem)[1].read_bytes()

    assert make("again1") == make("again2")  # no creation date: same figure, same bytes
    j = save_numbers({"a": np.float64(1.5), "b": np.arange(3)}, tmp_path, "n")
    assert json.loads(j.read_text()) == {"a": 1.5, "b": [0, 1, 2]}
    c = save_numbers(pd.DataFrame({"x": [1, 2]}), tmp_path, "n")
    assert c.read_text() == "x\n1\n2\n"


def test_network_tables_account_for_every_hostile_event():
    rows = []
    pairs = [("a", "b"), ("a", "c"), ("b", "c"), ("a", "b"), ("c", "d")]
    for k, (u, v) in enumerate(pairs * 3):
        rows.append({"event_id": f"e{k}", "date": f"{2019 + k % 3}-03-0{1 + k % 5}",
                     "actor1": u, "actor2": v, "event_type": "battle", "fatalities": k % 4})
    events = sahelmodel.EventTable.from_records(rows)
    net = sahelmodel.TemporalNetwork.from_events(events, freq="Y")
    tables = network_tables(net)
    periods, actors = tables["periods"], tables["actors"]
    assert periods["hostile_events"].sum() == len(rows)
    assert (periods["period"] == net.periods).all()
    # each hostile event has two ends: the per-actor events add up to twice the total
    assert actors["hostile_events"].sum() == 2 * len(rows)
    assert set(actors["actor"]) == {"a", "b", "c", "d"}
    assert (periods["hostile_density"].between(0, 1)).all()
