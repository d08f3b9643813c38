"""Regenerate the synthetic data set the package ships in ``data/synthetic/``.

Simulates the calibrated default world (:meth:`sahelmodel.simulate.World.default`) over ten
years, 2014-01-01 to 2023-12-31, with the fixed seed :data:`SEED`, and writes

* ``events.csv``: the events in the canonical columns (capture columns empty: run
  ``sahelmodel.code_captures`` on them to code the captures from the notes);
* ``truth.json``: the world's specification, the baseline rates, daily capability paths and
  every true capture (:class:`sahelmodel.simulate.Truth`);
* ``README.md``: how the set was made and what is in it, with its counts.

Run ``python experiments/make_synthetic.py [--out DIR]``; the output is identical byte for
byte on every run (a test checks it against the shipped files).
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from sahelmodel.simulate import World

SEED = 20240324  # the day of the Kalamba attack
START, END = "2014-01-01", "2023-12-31"


def _readme(events_sha: str, truth_sha: str, n_events: int, counts: dict[str, int],
            n_captures: int, by_attacker: int, ji: int, world: World) -> str:
    lines = [
        "# Synthetic Sahel events (simulated)",
        "",
        "Simulated data, not real events: the calibrated default world of `sahelmodel.simulate`",
        "run over ten years. It is the embedded default data set of the package (used when no",
        "real data are given) and a known-truth test bed for the estimators.",
        "",
        "## How it was made",
        "",
        f"`python experiments/make_synthetic.py` runs `World.default().run(\"{START}\", "
        f"\"{END}\", rng={SEED})`",
        "and writes the three files of this folder; it regenerates them byte for byte",
        "(`tests/simulate/test_shipped.py` checks that). The default world is calibrated to the",
        "UCDP GED Sahel events of 2019-2023 by `experiments/calibrate_world.py`",
        "(`sahelmodel/simulate/calibration.json`; UCDP GED is CC BY 4.0: Sundberg & Melander 2013,",
        "Davies et al. 2024). Place names and coordinates come from that calibration.",
        "",
        "## Files",
        "",
        f"* `events.csv` ({n_events} events, SHA-256 `{events_sha}`): the canonical",
        "  `EventTable` columns; `source_dataset` is `simulated`, `directed` is true (the",
        "  attacker is `actor1`), `notes` are generated in ACLED's style. The capture columns are",
        "  left empty on purpose: `sahelmodel.code_captures` fills them from the notes, so the",
        "  capture coder is part of every analysis of this set.",
        f"* `truth.json` (SHA-256 `{truth_sha}`): `sahelmodel.simulate.Truth.from_json` reads",
        "  it: the world's full specification, the baseline clash rate of each rivalry, the",
        "  capability of every group on every day, and every true capture (event id, capturer,",
        "  loser, attacker or defender, materiel, capability moved, immediate tempo, lethality",
        "  and reach ratios of the capturer).",
        "",
        "## What is in it",
        "",
        "| event type | events |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in counts.items()],
        "",
        f"* True captures: {n_captures} ({by_attacker} by the attacker, "
        f"{n_captures - by_attacker} by the defender).",
        f"* JNIM - Islamic State Sahel clashes 2020-2023: {ji} (UCDP GED: 95 in 2020-2023).",
        f"* Capture effects: kappa = {world.kappa:g} (a clash ending in a capture has kappa times",
        "  the offspring clashes of an ordinary one, Hawkes mark multiplier); capture_step =",
        f"  {world.capture_step:g} (no step effect in this set); self-excitation "
        f"{world.self_excitation:g},",
        f"  spill-over {world.spillover:g} per shared group, mean lag {1 / world.decay:g} days.",
        "",
        "## Caveats",
        "",
        "Rates are stationary over the ten years once each rivalry has started (no trend), the",
        "VDP's rates are assumptions (UCDP does not code them apart), and fatalities follow one",
        "negative binomial per event type scaled by the attacker's capability.",
        "",
    ]
    return "\n".join(lines)


def main(out_dir: str | Path | None = None) -> Path:
    """Write ``events.csv``, ``truth.json`` and ``README.md`` into ``out_dir``."""
    repo = Path(__file__).resolve().parent.parent
    out = Path(out_dir) if out_dir else repo / "data" / "synthetic"
    out.mkdir(parents=True, exist_ok=True)
    world = World.default()
    events, truth = world.run(START, END, rng=SEED)
    events.to_csv(out / "events.csv")
    truth.to_json(out / "truth.json")
    frame = events.frame
    counts = frame["event_type"].value_counts()
    pair = frame["actor1"].isin(["jnim", "is_sahel"]) & frame["actor2"].isin(["jnim", "is_sahel"])
    ji = int((pair & (frame["date"] >= "2020-01-01")).sum())
    text = _readme(
        hashlib.sha256((out / "events.csv").read_bytes()).hexdigest(),
        hashlib.sha256((out / "truth.json").read_bytes()).hexdigest(),
        len(events), {k: int(v) for k, v in counts.items() if v},
        len(truth.captures), int((truth.captures["by"] == "attacker").sum()), ji, world,
    )
    (out / "README.md").write_text(text, encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="output folder (default: data/synthetic)")
    print(main(parser.parse_args().out))
