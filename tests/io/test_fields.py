"""Field counts per CSV record: the numpy core against the csv module on hand-made edge cases."""

from __future__ import annotations

import csv

import pytest

from sahelmodel.io._fields import field_counts, field_counts_fast, field_counts_slow

EXACT = {
    "plain": ("a,b,c\n1,2,3\n4,5\n", [3, 3, 2]),
    "no final newline": ("a,b\n1,2", [2, 2]),
    "crlf": ("a,b\r\n1,2\r\n\r\n3\r\n", [2, 2, 0, 1]),
    "blank lines": ("a\n\n\nb\n", [1, 0, 0, 1]),
    "quoted comma and newline": ('a,b\n"x,\ny",2\n', [2, 2]),
    "escaped quotes": ('a,b\n"say ""hi"", then",2\n', [2, 2]),
    "empty quoted": ('a,b\n"",""\n', [2, 2]),
    "quoted carriage return": ('a,b\n"x\ry",2\n', [2, 2]),
    "closing quote then text": ('a,b\n"x"y,2\n', [2, 2]),
    "empty text": ("", []),
    "unicode": ("é,ü\nMénaka,Tillabéri\n", [2, 2]),
}
FALLBACK = {
    "quote inside unquoted field": 'a,b\n1,x"y,z\n',
    "quote after a space": 'a,b\n1, "x,y"\n',
    "ends inside quotes": 'a,b\n1,"x,y\n',
    "bare carriage return": "a,b\r1,2\r",
    "NUL": "a,b\n1,\x002\n",
}


@pytest.mark.parametrize(("text", "expected"), EXACT.values(), ids=EXACT.keys())
def test_exact_cases(text: str, expected: list[int]) -> None:
    assert field_counts_slow(text).tolist() == expected
    fast = field_counts_fast(text)
    assert fast is not None and fast.tolist() == expected
    assert field_counts(text).tolist() == expected


@pytest.mark.parametrize("text", FALLBACK.values(), ids=FALLBACK.keys())
def test_doubtful_texts_fall_back(text: str) -> None:
    assert field_counts_fast(text) is None
    try:
        expected = field_counts_slow(text).tolist()
    except csv.Error:  # the csv module may refuse it (NUL); the reader reports that
        return
    assert field_counts(text).tolist() == expected
