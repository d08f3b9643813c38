"""The materiel lexicon of arms-capture coding: ``data/materiel.csv``, checked and compiled.

Each row names a piece of materiel with a case-insensitive regular expression, a class from
:data:`MATERIEL_CLASSES` and an ordinal capability weight (one Kalashnikov-pattern rifle = 1);
how the weights enter a capture's weight is documented in :mod:`sahelmodel.coding.captures`, which
re-exports :data:`MATERIEL_CLASSES` and :func:`materiel_lexicon`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from sahelmodel._paths import data_dir

__all__ = ["CIVILIAN_CLASSES", "MATERIEL_CLASSES", "compiled_lexicon", "materiel_lexicon"]

#: Materiel classes of the arms-capture codebook (``../shared/coding/CODEBOOK.md``): every
#: lexicon entry maps to one of them.
MATERIEL_CLASSES: tuple[str, ...] = (
    "assault_rifle",
    "machine_gun",
    "rocket_launcher",
    "rockets_ammunition",
    "ammunition",
    "unspecified_arms",
    "vehicle",
    "motorcycle",
    "explosives",
    "other_military_equipment",
)
#: Classes that civilians own too (a villager's motorbike, a trader's truck, a company's
#: equipment): taken from a civilian they are looting, not an arms capture.
CIVILIAN_CLASSES: frozenset[str] = frozenset({"vehicle", "motorcycle", "other_military_equipment"})

_LEXICON_COLUMNS = ("name", "class", "weight", "countable", "container", "pattern", "surface",
                    "note")


# --------------------------------------------------------------------------------------------
# lexicon
# --------------------------------------------------------------------------------------------
def _check_lexicon(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    missing = [c for c in _LEXICON_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{source}: missing lexicon column(s) {missing}")
    out = frame.loc[:, list(_LEXICON_COLUMNS)].copy()
    for i, rec in enumerate(out.itertuples(index=False), start=2):
        where = f"{source}, row {i}"
        if not re.fullmatch(r"[a-z0-9_]+", str(rec.name)):
            raise ValueError(f"{where}: name must be snake_case, got {rec.name!r}")
        if rec[1] not in MATERIEL_CLASSES:
            raise ValueError(f"{where}: class {rec[1]!r} is not one of {MATERIEL_CLASSES}")
        try:
            weight = float(rec.weight)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: weight must be a number, got {rec.weight!r}") from None
        if not np.isfinite(weight) or weight <= 0:
            raise ValueError(f"{where}: weight must be positive and finite, got {rec.weight!r}")
        for col in ("countable", "container"):
            if str(getattr(rec, col)).lower() not in ("true", "false"):
                raise ValueError(f"{where}: {col} must be true or false, got "
                                 f"{getattr(rec, col)!r}")
        try:
            compiled = re.compile(str(rec.pattern), re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"{where}: pattern does not compile ({exc})") from None
        if compiled.groups:
            raise ValueError(f"{where}: pattern must use non-capturing groups (?:...) only")
        if compiled.fullmatch(""):
            raise ValueError(f"{where}: pattern matches the empty string")
    dup = out["name"].duplicated()
    if dup.any():
        raise ValueError(f"{source}: lexicon name {out.loc[dup, 'name'].iloc[0]!r} repeats")
    out["weight"] = out["weight"].astype(float)
    out["countable"] = out["countable"].astype(str).str.lower().eq("true")
    out["container"] = out["container"].astype(str).str.lower().eq("true")
    return out.reset_index(drop=True)


@lru_cache(maxsize=1)
def _lexicon_frame() -> pd.DataFrame:
    path = data_dir() / "materiel.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return _check_lexicon(frame, str(path))


def materiel_lexicon() -> pd.DataFrame:
    """Return the materiel lexicon ``data/materiel.csv`` as a DataFrame (a copy).

    Columns: ``name`` (snake_case id), ``class`` (one of :data:`MATERIEL_CLASSES`),
    ``weight`` (ordinal capability weight, one rifle = 1), ``countable`` (bool: whether a
    number in the text multiplies the weight), ``pattern`` (case-insensitive regular
    expression), ``surface`` (a plural English form, matched by ``pattern``, that text
    generators may write) and ``note`` (what the entry covers and why it weighs what it does).

    Examples
    --------
    >>> lex = materiel_lexicon()
    >>> row = lex.set_index("name").loc["rpg_7"]
    >>> row["class"], float(row["weight"]), row["surface"]
    ('rocket_launcher', 3.0, 'RPG-7 launchers')
    """
    return _lexicon_frame().copy()


@dataclass(frozen=True)
class _Lexicon:
    """The lexicon as tuples, in file order (the order names are tried in)."""

    names: tuple[str, ...]
    classes: tuple[str, ...]
    weights: tuple[float, ...]
    countable: tuple[bool, ...]
    container: tuple[bool, ...]
    patterns: tuple[str, ...]

    @property
    def containers(self) -> frozenset[int]:
        """Indices of container names ("an arsenal", "a cache")."""
        return frozenset(i for i, c in enumerate(self.container) if c)


@lru_cache(maxsize=1)
def compiled_lexicon() -> _Lexicon:
    lex = _lexicon_frame()
    return _Lexicon(
        tuple(lex["name"]), tuple(lex["class"]), tuple(lex["weight"]),
        tuple(bool(c) for c in lex["countable"]), tuple(bool(c) for c in lex["container"]),
        tuple(lex["pattern"]),
    )
