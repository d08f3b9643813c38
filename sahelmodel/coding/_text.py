"""Text helpers for arms-capture coding: normalisation, sentences and numbers in notes.

Event notes (ACLED ``notes``, UCDP ``source_headline``) are normalised once
(:func:`normalise_text`), split into sentences (:func:`sentences`), and the counts written before
materiel names are read as integers (:func:`parse_count`). Actor mentions are
:mod:`sahelmodel.coding._mentions`; the seizure grammar is :mod:`sahelmodel.coding._clauses`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["COUNT_SOURCE", "is_missing", "normalise_text", "parse_count", "scan", "sentences",
           "word_starts"]

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": " - ",
        "\u2015": " - ", "\u2212": "-", "\u00a0": " ", "\u202f": " ",
    }
)
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"https?://\S*?([^/\s]*)/?(?=\s|$)")
_SLUG_SEP = re.compile(r"[-_+]|\.(?:html?|php|aspx?)$")


def normalise_text(text: Any) -> str:
    """Return ``text`` with typographic quotes and dashes made ASCII and spaces collapsed.

    Case is kept (a few acronyms, such as "IS", are only recognised in capitals). Missing
    values give the empty string.

    Examples
    --------
    >>> normalise_text("IS\u00a0fighters \u2018seized\u2019  RPG\u20117 launchers")
    "IS fighters 'seized' RPG-7 launchers"
    >>> normalise_text("https://example.org/news/terrorists-neutralized-weapons-recovered")
    'terrorists neutralized weapons recovered'

    """
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return ""
    out = unicodedata.normalize("NFKC", str(text)).translate(_TRANSLATE)
    if "://" in out:  # a URL given as a headline: keep the words of its last path segment
        out = _URL.sub(lambda m: " " + _SLUG_SEP.sub(" ", m.group(1)) + " ", out)
    return _SPACE.sub(" ", out).strip()


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\n\s*")


def sentences(text: str) -> list[tuple[int, str]]:
    """Split normalised text into sentences; return ``(offset, sentence)`` pairs.

    A sentence ends at ``.``, ``!``, ``?`` or ``;`` followed by white space (so "12.7 mm" and
    "RPG-7." stay whole).

    Examples
    --------
    >>> [s for _, s in sentences("Militants attacked. Soldiers fled; weapons were seized.")]
    ['Militants attacked.', 'Soldiers fled;', 'weapons were seized.']
    """
    out: list[tuple[int, str]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            out.append((start, text[start : m.start()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return out


_UNITS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
    "a dozen": 12, "a hundred": 100, "one hundred": 100, "a pair of": 2, "a couple of": 2,
    "one dozen": 12,
}
#: Regex source of a count written before a materiel name ("two", "12", "a dozen", "1,200").
COUNT_SOURCE = (
    r"(?:\d{1,3}(?:[,.\u00a0 ]\d{3})+(?![\d,.])|\d+|"
    r"a\s+dozen|one\s+dozen|a\s+hundred|one\s+hundred|"
    r"a\s+pair\s+of|a\s+couple\s+of|" + "|".join(sorted(
        (k for k in _UNITS if " " not in k), key=len, reverse=True)) + r")"
)


def parse_count(word: str) -> int | None:
    """Return the integer written as ``word`` (digits or English number words), else None.

    Examples
    --------
    >>> parse_count("two"), parse_count("1,200"), parse_count("a dozen"), parse_count("some")
    (2, 1200, 12, None)
    >>> parse_count("1 000"), parse_count("1.000")
    (1000, 1000)
    """
    key = _SPACE.sub(" ", word.strip().lower())
    if re.fullmatch(r"\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+", key):
        return int(re.sub(r"[,.\u00a0 ]", "", key))
    return _UNITS.get(key)



_WORD_STARTS = re.compile(r"(?<!\w)\w")


def scan(pattern: re.Pattern[str], text: str, pos: int = 0,
         endpos: int | None = None) -> list[re.Match[str]]:
    r"""Non-overlapping matches of ``pattern`` that start at the first character of a word.

    The same matches as ``pattern.finditer`` for a pattern that begins with ``\b`` and a word
    character (every lexicon, verb and mention pattern of the coder), found several times
    faster: a large alternation is tried only where a word starts, not at every character.

    Examples
    --------
    >>> pattern = re.compile(r"\b(?:rifles?|rpgs?)\b", re.IGNORECASE)
    >>> [m.group() for m in scan(pattern, "two rifles and an RPG")]
    ['rifles', 'RPG']
    """
    end = len(text) if endpos is None else endpos
    out: list[re.Match[str]] = []
    after = pos
    for start in word_starts(text):
        if start < after:
            continue
        if start >= end:
            break
        m = pattern.match(text, start, end)
        if m is not None and m.end() > m.start():
            out.append(m)
            after = m.end()
    return out


@lru_cache(maxsize=256)
def word_starts(text: str) -> tuple[int, ...]:
    """Offsets of the first character of every word of ``text`` (cached)."""
    return tuple(w.start() for w in _WORD_STARTS.finditer(text))


def is_missing(value: Any) -> bool:
    """True for None, NA, NaN and blank strings."""
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()

