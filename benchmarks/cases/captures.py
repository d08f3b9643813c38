"""Arms-capture coding of event notes: ``code_captures`` against the previous coder.

The peer ``previous_coder`` is the coder as it stood before the coding layer was rebuilt for
real ACLED notes (kept frozen in ``benchmarks/legacy_coder``): the rebuilt coder must be no
slower per note. ``reference`` is the row-by-row path of the current coder (a correctness
twin, not a performance peer).

The notes are generated in ACLED's style: 15% report a capture (with materiel names drawn
from the lexicon and counts), 10% carry look-alike phrases that are not captures ("seized
livestock", "weapons were destroyed"), the rest are ordinary clashes and attacks on civilians
(in real ACLED Sahel notes captures are rarer still). Place names and numbers vary, so most
texts are distinct. The clause-grammar cache is cleared before every timed call, so both sides
parse every distinct text afresh.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks.harness import Case
from benchmarks.legacy_coder import _grammar as legacy_grammar
from benchmarks.legacy_coder import captures as legacy
from sahelmodel import EventTable, code_captures, materiel_lexicon
from sahelmodel.coding._clauses import parse_clauses
from sahelmodel.coding.captures import code_captures_slow

_GROUPS = np.array([
    ("JNIM militants", "jnim"), ("Islamic State Sahel fighters", "is_sahel"),
    ("Military Forces of Mali", "military_mali"), ("Burkinabe soldiers", "military_burkina_faso"),
    ("VDP members", "vdp"), ("Dozo hunters", "dozo"), ("Unidentified gunmen",
                                                       "unidentified_armed_group"),
], dtype=object)
_CAPTURE = np.array([
    "{a} attacked positions of {b} near {p}, killing {k} and seizing {m}.",
    "{a} ambushed {b} near {p}, killing {k}. The attackers made off with {m}.",
    "{a} clashed with {b} near {p}; {b2} repelled the attack and seized {m} from {a2}.",
    "{a} overran a camp of {b} near {p} and carried off {m}.",
], dtype=object)
_DECOY = np.array([
    "{a} attacked civilians in {p}, killing {k}, and seized livestock.",
    "{a} clashed with {b} near {p}, killing {k}. A weapons cache was destroyed in the fighting.",
    "{a} attacked {b} near {p} and burned {m}.",
], dtype=object)
_PLAIN = np.array([
    "{a} attacked {b} near {p}, killing {k}.",
    "{a} clashed with {b} near {p}. No fatalities were reported.",
    "{a} attacked civilians in {p}, killing {k}.",
    "An IED planted by {a} hit a vehicle of {b} near {p}, killing {k}.",
], dtype=object)


def notes_table(n: int, seed: int = 0) -> EventTable:
    """``n`` events with generated ACLED-style notes (15% report a capture)."""
    rng = np.random.default_rng(seed)
    surfaces = materiel_lexicon()["surface"].to_numpy(dtype=object)
    a = rng.integers(0, len(_GROUPS), n)
    b = (a + rng.integers(1, len(_GROUPS), n)) % len(_GROUPS)
    kind = rng.choice(3, n, p=[0.15, 0.10, 0.75])
    counts = rng.choice(np.array(["", "two ", "three ", "12 ", "a "], dtype=object), (n, 2))
    picks = rng.integers(0, surfaces.size, (n, 2))
    materiel = counts[:, 0] + surfaces[picks[:, 0]] + " and " + counts[:, 1] + surfaces[picks[:, 1]]
    template = np.where(kind == 0, _CAPTURE[rng.integers(0, _CAPTURE.size, n)],
                        np.where(kind == 1, _DECOY[rng.integers(0, _DECOY.size, n)],
                                 _PLAIN[rng.integers(0, _PLAIN.size, n)]))
    names_a, names_b = _GROUPS[a, 0], _GROUPS[b, 0]
    notes = [
        t.format(a=x, b=y, a2=x, b2=y, p=f"Village {i % 997}", k=int(k), m=m)
        for i, (t, x, y, k, m) in enumerate(
            zip(template, names_a, names_b, rng.integers(0, 60, n), materiel, strict=True))
    ]
    frame = pd.DataFrame({
        "event_id": [f"n{i}" for i in range(n)],
        "date": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 730, n), "D"),
        "event_type": "battle", "actor1": _GROUPS[a, 1], "actor2": _GROUPS[b, 1],
        "actor1_raw": names_a, "actor2_raw": names_b, "directed": True,
        "fatalities": 0, "notes": notes, "country": "Mali",
    })
    return EventTable(frame)


def _fast(table: EventTable) -> EventTable:
    parse_clauses.cache_clear()
    return code_captures(table)


def _reference(table: EventTable) -> EventTable:
    parse_clauses.cache_clear()
    return code_captures_slow(table)


def _previous(table: EventTable) -> EventTable:
    legacy_grammar.parse_clauses.cache_clear()
    return legacy.code_captures(table)


CASES = [
    Case(
        name="code_captures",
        sizes={"quick": [1_000], "full": [10_000, 50_000]},
        setup=notes_table,
        run=_fast,
        peers={"previous_coder": _previous, "reference": _reference},
        repeats={"quick": 3, "full": 3},
    ),
]
