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


#: Bytes processed at a time by :func:`field_counts_fast` (bounds its temporary arrays).
BLOCK = 1 << 22


def field_counts_fast(text: str | bytes) -> np.ndarray | None:
    """Field count of every record by quote parity, or ``None`` where that could be wrong.

    ``text`` may be a string or its UTF-8 bytes. The bytes are scanned in blocks of
    :data:`BLOCK` with the quote parity, the previous byte and a pending carriage return
    carried from block to block, so the temporary arrays stay a few times the block size
    whatever the size of the file.
    """
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if raw.find(b"\x00") >= 0:
        return None
    n = len(raw)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    buf = np.frombuffer(raw, dtype=np.uint8)
    carry, prev_byte, pending_cr, comma_total = 0, _LF, False, 0
    ends_parts, commas_parts = [], []
    for start in range(0, n, BLOCK):
        d = buf[start:start + BLOCK]
        quote = d == _QUOTE
        if quote.any():
            q8 = quote.view(np.uint8)
            parity = np.bitwise_xor.accumulate(q8) ^ np.uint8(carry)
            outside = (parity ^ q8) == 0  # an even number of quotes before the byte
            opening = np.flatnonzero(quote & outside)
            if opening.size:
                prev = d[np.maximum(opening - 1, 0)]
                if opening[0] == 0:
                    prev[0] = prev_byte
                if not np.isin(prev, (_COMMA, _LF, _QUOTE)).all():
                    return None
            carry = int(parity[-1])
        else:
            outside = np.full(d.size, carry == 0)
        if pending_cr and d[0] != _LF:
            return None
        cr = np.flatnonzero((d == _CR) & outside)
        pending_cr = bool(cr.size) and cr[-1] == d.size - 1
        inner = cr[:-1] if pending_cr else cr
        if inner.size and (d[inner + 1] != _LF).any():
            return None  # a carriage return ending a record on its own
        ends = np.flatnonzero((d == _LF) & outside)
        commas = np.cumsum((d == _COMMA) & outside, dtype=np.int64)
        ends_parts.append(ends + start)
        commas_parts.append(comma_total + commas[ends])
        comma_total += int(commas[-1])
        prev_byte = d[-1]
    if carry or pending_cr:  # the text ends inside quotes, or with a lone carriage return
        return None
    ends = np.concatenate(ends_parts)
    cum = np.concatenate(commas_parts)
    if ends.size == 0 or ends[-1] != n - 1:
        ends = np.append(ends, n)
        cum = np.append(cum, comma_total)
    starts = np.concatenate(([0], ends[:-1] + 1))
    counts = np.diff(cum, prepend=0) + 1
    length = ends - starts
    only_cr = (length == 1) & (buf[np.minimum(starts, n - 1)] == _CR)
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
