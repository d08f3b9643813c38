"""Smoke test of every figure on the tiny configuration, and the reproduce machinery."""

from __future__ import annotations

import json

import matplotlib
import pytest

from sahelmodel.runner import Runner
from sahelmodel.runner.config import ConfigError, load_config
from sahelmodel.runner.reproduce import discover_figures, reproduce

matplotlib.use("Agg")

FIGURES = sorted(discover_figures())

#: figures that read a file from ../shared (skipped, with the reason, where it is absent)
NEEDS_SHARED = {"fig01", "fig02", "fig09", "fig11"}


def test_figures_with_headers_and_tiny_sections():
    figures = discover_figures()
    assert sorted(figures) == [f"fig{n:02d}" for n in range(1, 12)]
    tiny, _ = load_config("tiny")
    paper, _ = load_config("paper")
    for key, script in figures.items():
        module = script.load()
        doc = module.__doc__ or ""
        assert "What it shows" in doc and "What it reproduces" in doc, script.stem
        assert key in tiny and key in paper, key
        assert set(tiny[key]) <= set(module.DEFAULTS) | set(module.DATA)


@pytest.mark.parametrize("figure", FIGURES)
def test_figure_on_tiny_config(figure, tmp_path, request):
    if figure in NEEDS_SHARED:
        request.getfixturevalue("shared_path")
    outcomes = reproduce([figure], config="tiny", out_dir=tmp_path,
                         runner=Runner(scheduler="serial"))
    (outcome,) = outcomes
    # "check failed": the figure was made but a claim of experiments/README.md did not hold
    # in this (tiny) configuration; the checks are recorded either way
    assert outcome.status in ("ok", "check failed"), outcome.message
    assert all(isinstance(c["claim"], str) for c in outcome.checks)
    if figure in ("fig01", "fig03", "fig04", "fig09", "fig11"):
        assert outcome.checks, "the figure records no checks of its claims"
    stem = outcome.figure
    assert (tmp_path / f"{stem}.png").stat().st_size > 5_000
    assert (tmp_path / f"{stem}.pdf").stat().st_size > 1_000
    numbers = [p for p in tmp_path.glob(f"{stem}*") if p.suffix in (".csv", ".json")
               and not p.name.endswith("provenance.json")]
    assert numbers, "the numbers behind the figure are not written"
    prov = json.loads((tmp_path / f"{stem}_provenance.json").read_text())
    assert prov["package"]["name"] == "sahelmodel"
    assert prov["seeds"]["spawn_key"] == [int(figure[3:])]
    assert prov["status"] == outcome.status and prov["wall_time_seconds"] > 0
    assert prov["checks"] == outcome.checks
    assert set(prov["libraries"]) >= {"numpy", "scipy", "pandas"}
    for info in prov["data_files"].values():
        assert len(info["sha256"]) == 64
    top = json.loads((tmp_path / "provenance.json").read_text())
    assert top["figures"][stem]["status"] == outcome.status


def test_missing_data_file_named_in_the_config_is_a_mistake(tmp_path):
    # a path the user wrote into the configuration must exist (issue 12): refused before
    # anything runs; a figure whose *default* input is absent is skipped (next test)
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[fig09]\nsicily = "{tmp_path / "absent.csv"}"\n')
    with pytest.raises(ConfigError, match=r"\[fig09\] sicily: file .*absent.csv not found"):
        reproduce(["9"], config=cfg, out_dir=tmp_path / "out",
                  runner=Runner(scheduler="serial"))
    assert not (tmp_path / "out" / "provenance.json").exists()


def test_shared_folder_absent_skips(tmp_path, monkeypatch):
    monkeypatch.setenv("SAHELMODEL_SHARED", str(tmp_path / "nowhere"))
    (outcome,) = reproduce(["fig09"], config="tiny", out_dir=tmp_path,
                           runner=Runner(scheduler="serial"))
    assert outcome.status == "skipped" and "SAHELMODEL_SHARED" in outcome.message


def test_config_errors_name_file_section_and_key(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[fig09]\nlevel = 'high'\n")
    with pytest.raises(ConfigError, match=r"c\.toml: \[fig09\] level must be a number"):
        reproduce(["9"], config=cfg, out_dir=tmp_path)
    cfg.write_text("[fig09]\nlevle = 0.9\n")
    with pytest.raises(ConfigError, match="unknown key 'levle' in \\[fig09\\]"):
        reproduce(["9"], config=cfg, out_dir=tmp_path)


def test_event_study_on_a_real_file_with_too_few_captures_says_so(tmp_path, ucdp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[fig03]\nevents = "{ucdp_path}"\ntruth = ""\nfreq = "M"\n')
    (outcome,) = reproduce(["3"], config=cfg, out_dir=tmp_path / "out",
                           runner=Runner(scheduler="serial"))
    assert outcome.status == "failed"
    assert "dyad-periods with an arms capture were coded in" in outcome.message
    assert "min_captures" in outcome.message
