r"""Field counts of the records of a CSV text: a vectorised core and the csv-module reference.

The readers need each record's field count to tell truncated rows and rows with extra fields
from good ones (pandas pads short rows silently). :func:`field_counts_slow` asks Python's
``csv`` module, record by record. :func:`field_counts_fast` gets the same numbers from numpy
arrays over the UTF-8 bytes:

* a character is *outside quotes* when the number of ``"`` before it is even (an escaped
  quote ``""`` adds two, so it never changes the parity);
* records end at newlines outside quotes, fields at commas outside quotes, so a record's count
  is one more than its commas outside quotes, and an empty record (a blank line) has none.

This agrees with the ``csv`` module (excel dialect) whenever every quote that opens a quoted
stretch stands at the start of a field (after a comma, a newline, another quote or the start
of the text), the text does not end inside quotes, carriage returns outside quotes only occur
in ``\r\n`` pairs and there are no NUL characters. For any other text
:func:`field_counts_fast` returns ``None`` and the caller falls back to the reference.

Examples
--------
>>> field_counts_fast('a,b\n1,"x, y"\n\n2\n').tolist()
[2, 2, 0, 1]
>>> field_counts_slow('a,b\n1,"x, y"\n\n2\n').tolist()
[2, 2, 0, 1]
>>> field_counts_fast('a,b\n1,x"y,z\n') is None  # a quote inside an unquoted field
True
"""

from __future__ import annotations

import csv
import io

import numpy as np

__all__ = ["field_counts", "field_counts_fast", "field_counts_slow", "stray_quote"]

_COMMA, _QUOTE, _LF, _CR = ord(","), ord('"'), ord("\n"), ord("\r")


def field_counts_slow(text: str) -> np.ndarray:
    """Field count of every record (header included) by the ``csv`` module; 0 for blank lines.

    Raises
    ------
    csv.Error
        When the ``csv`` module cannot split the text.
    """
    return np.fromiter(map(len, csv.reader(io.StringIO(text, newline=""))), dtype=np.int64)


def field_counts_fast(text: str) -> np.ndarray | None:
    """Field count of every record by quote parity, or ``None`` where that could be wrong."""
    if "\x00" in text:
        return None
    data = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    n = data.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    quote = data == _QUOTE
    if quote.any():
        q8 = quote.view(np.uint8)
        parity = np.bitwise_xor.accumulate(q8)  # quotes up to and including each byte, mod 2
        if parity[-1]:  # the text ends inside quotes
            return None
        outside = (parity ^ q8) == 0  # an even number of quotes before the byte
        opening = np.flatnonzero(quote & outside)
        prev = data[opening[opening > 0] - 1]
        if not np.isin(prev, (_COMMA, _LF, _QUOTE)).all():
            return None
    else:
        outside = np.ones(n, dtype=bool)
    cr = np.flatnonzero((data == _CR) & outside)
    if cr.size and (cr[-1] == n - 1 or (data[np.minimum(cr + 1, n - 1)] != _LF).any()):
        return None  # a carriage return ending a record on its own
    ends = np.flatnonzero((data == _LF) & outside)
    if ends.size == 0 or ends[-1] != n - 1:
        ends = np.append(ends, n)
    starts = np.concatenate(([0], ends[:-1] + 1))
    commas = np.flatnonzero((data == _COMMA) & outside)
    counts = np.searchsorted(commas, ends) - np.searchsorted(commas, starts) + 1
    length = ends - starts
    only_cr = (length == 1) & (data[np.minimum(starts, n - 1)] == _CR)
    counts[(length == 0) | only_cr] = 0
    return counts.astype(np.int64)


def field_counts(text: str) -> np.ndarray:
    """Field count of every record: the vectorised core where it is exact, else the reference."""
    fast = field_counts_fast(text)
    return fast if fast is not None else field_counts_slow(text)


def _ends_inside_quotes(text: str) -> bool:
    """Whether the ``csv`` module (excel dialect) is inside a quoted field at the end of text."""
    state = 0  # 0 start of field, 1 unquoted field, 2 quoted field, 3 quote seen in quoted
    for ch in text:
        if state == 2:
            if ch == '"':
                state = 3
        elif state == 3:
            state = 2 if ch == '"' else (0 if ch in ",\r\n" else 1)
        elif ch == '"' and state == 0:
            state = 2
        elif ch in ",\r\n":
            state = 0
        else:
            state = 1
    return state == 2


def stray_quote(text: str) -> tuple[int, int] | None:
    r"""The first record that a quote left open has run over several lines, if any.

    A record spanning several physical lines is legitimate when a quoted value holds a line
    break. It is a *stray quote* when it runs to the end of the text inside quotes: a quote
    that is never closed swallows every later line into one value (with the right field count
    when it opens in the last column). A record whose quote closes on a later line keeps its
    lines together; it is rejected when its field count is wrong, so nothing vanishes.

    Returns
    -------
    tuple of int or None
        ``(record, line)``: the record's index (0 = header) and the index of its first
        physical line; ``None`` when there is no stray quote.

    Examples
    --------
    >>> stray_quote('a,b\n1,"x\n2,y\n')
    (1, 1)
    >>> stray_quote('a,b\n1,"x\ny"\n') is None  # a quoted line break
    True
    """
    if '"' not in text:
        return None
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(iter(lines))
    prev, last = 0, None
    for k, _ in enumerate(reader):
        now = reader.line_num
        last = (k, prev) if now - prev > 1 and now == len(lines) else None
        prev = now
    if last is not None and _ends_inside_quotes("".join(lines[last[1]:])):
        return last
    return None
