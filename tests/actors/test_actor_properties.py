"""Property tests of actor resolution: spelling invariance and fast == slow reference."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahelmodel.coding.actors import actor_id, alias_table, resolve_actors, resolve_actors_slow

pytestmark = pytest.mark.properties

TABLE = alias_table()
PAIRS = [(rec.actor_id, alias) for rec in TABLE.itertuples(index=False)
         for alias in rec.aliases.split(";")]


@st.composite
def respelled(draw: st.DrawFn) -> tuple[str, str]:
    """An alias with random case, padding, punctuation, accents and an ACLED year range."""
    expected, alias = draw(st.sampled_from(PAIRS))
    chars = []
    for ch in alias:
        ch = ch.upper() if draw(st.booleans()) else ch.lower()
        if ch == " ":
            ch = draw(st.sampled_from([" ", "  ", "\t", " - ", "_"]))
        chars.append(ch)
    text = "".join(chars)
    if draw(st.booleans()):
        text = text.replace("e", "é").replace("E", "É")
    if draw(st.booleans()):
        text += draw(st.sampled_from([" (2021-)", " (2012-2013)", " (1960- )"]))
    pad = draw(st.sampled_from(["", " ", "\n", "  "]))
    return expected, pad + text + pad


@given(respelled())
def test_any_spelling_of_an_alias_resolves_to_its_actor(case: tuple[str, str]) -> None:
    expected, name = case
    assert actor_id(name) == expected


NAMES = st.sampled_from(["IS", "Islamic State (West Africa)", "Ansar Dine", "JNIM", "",
                         "Nobody", "GATIA, MSA", "Civilians (Niger)", "Al Mourabitoune",
                         "FLM", "AQIM, JAS, MUJAO"])
CONTEXT = st.fixed_dictionaries({
    "country": st.sampled_from(["Niger", "Mali", "Nigeria", "", "Chad", "Burkina Faso"]),
    "admin1": st.sampled_from(["Diffa region", "Tillabéri", "", "Ménaka", "Sahel"]),
    "date": st.sampled_from(["2016-01-01", "2017-03-02", "2017-03-01", "", "junk"]),
    "longitude": st.sampled_from(["12.5", "1.0", "10.5", "", "x"]),
    "latitude": st.sampled_from(["13.0", "", "14.2"]),
})


@given(st.lists(st.tuples(NAMES, CONTEXT), max_size=30),
       st.sampled_from(["acled", "ucdp_ged", "csv", None]))
def test_fast_resolver_equals_slow_reference(rows: list, source: str | None) -> None:
    names = [n for n, _ in rows]
    ctx = {k: [c[k] for _, c in rows] for k in ("country", "admin1", "date", "longitude",
                                                "latitude")}
    fast = resolve_actors(names, source=source, **ctx)
    slow = resolve_actors_slow(names, source=source, **ctx)
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow)
