r"""Dates as event exports write them: several formats, Excel serials, and out-of-range years.

:func:`parse_dates` turns a column of date strings into ``datetime64[ns]`` values, trying a
list of ``strptime`` formats. The format of the first date is tried first, so a file whose
dates all share one accepted format is parsed in one vectorised pass, whatever that format is;
rows that do not match it try the others. Besides ``strptime`` formats the list may hold
:data:`EXCEL_SERIAL`: a five-digit whole number counted in days from 1899-12-30, as a
spreadsheet stores a date cell without a date format (``44243`` is 2021-02-16).

pandas holds dates at nanosecond resolution, from 1677-09-22 to 2262-04-11. A date that is
well formed but outside that range (a typo such as ``3023-05-01``, or a year ``0025``) is not
a parse failure of the whole file: its row gets its own reason, which names the range.

Examples
--------
>>> import pandas as pd
>>> raw = pd.Series(["16-Feb-21", "3023-05-01", "44243", "soon"], dtype="string")
>>> dates, reasons = parse_dates(raw, ("%d-%b-%y", "%Y-%m-%d", EXCEL_SERIAL))
>>> [str(d.date()) if pd.notna(d) else None for d in dates]
['2021-02-16', None, '2021-02-16', None]
>>> reasons[1]
'date outside the range 1677-09-22 to 2262-04-11 that the package holds (a typo in the year?)'
>>> reasons[3] is None  # unparseable: the caller words that reason
True
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["EXCEL_SERIAL", "FORMAT_EXAMPLES", "OUT_OF_RANGE", "describe_formats", "parse_dates"]

#: Pseudo-format: a spreadsheet's day count from 1899-12-30 (five digits, 1927-2173).
EXCEL_SERIAL = "excel-serial"

#: Reason given to a well-formed date outside pandas' nanosecond range.
OUT_OF_RANGE = (
    "date outside the range 1677-09-22 to 2262-04-11 that the package holds "
    "(a typo in the year?)"
)

#: How each format is shown in error messages.
FORMAT_EXAMPLES: dict[str, str] = {
    "%Y-%m-%d": "2024-03-24",
    "%Y-%m-%d %H:%M:%S": "2024-03-24 00:00:00",
    "%Y-%m-%d %H:%M:%S.%f": "2024-03-24 00:00:00.000",
    "%Y-%m-%dT%H:%M:%S": "2024-03-24T00:00:00",
    "%m/%d/%Y %H:%M:%S": "03/24/2024 00:00:00",
    "%m/%d/%Y": "03/24/2024",
    "%d %B %Y": "24 March 2024",
    "%d %b %Y": "24 Mar 2024",
    "%d/%m/%Y": "24/03/2024",
    "%d-%B-%Y": "24-March-2024",
    "%d-%b-%Y": "24-Mar-2024",
    "%d-%b-%y": "24-Mar-24",
    "%Y%m%d": "20240324",
    EXCEL_SERIAL: "an Excel day number such as 45375",
}

#: Formats that pandas would read too leniently: the text must also match the pattern.
_PATTERNS = {
    "%Y%m%d": r"^\d{8}$",
    "%d-%b-%y": r"^\d{1,2}-[A-Za-z]{3}-\d{2}$",
    EXCEL_SERIAL: r"^\d{5}(\.0*)?$",
}
_EXCEL_ORIGIN = pd.Timestamp("1899-12-30")
_LOW, _HIGH = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")


def describe_formats(formats: Sequence[str]) -> str:
    """The formats as examples, for messages: ``2024-03-24 or 24 March 2024``."""
    return " or ".join(FORMAT_EXAMPLES.get(f, f) for f in formats)


def _parse_one(text: pd.Series, fmt: str) -> pd.Series:
    """Dates of ``text`` in ``fmt`` at microsecond resolution (NaT where it does not match)."""
    pattern = _PATTERNS.get(fmt)
    if pattern is not None:
        text = text.where(text.str.match(pattern).fillna(False))
    if fmt == EXCEL_SERIAL:
        days = pd.to_numeric(text, errors="coerce")
        return (_EXCEL_ORIGIN + pd.to_timedelta(days, unit="D")).astype("datetime64[us]")
    got = pd.to_datetime(text, format=fmt, errors="coerce")
    return got.astype("datetime64[us]") if got.dtype != "datetime64[us]" else got


def _python_parse(value: str, formats: Sequence[str]) -> bool:
    """Whether ``value`` is a well-formed date in one of ``formats`` (years 1-9999)."""
    for fmt in formats:
        if fmt == EXCEL_SERIAL:
            continue
        try:
            _dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return True
    return False


def parse_dates(raw: pd.Series, formats: Sequence[str]) -> tuple[pd.Series, np.ndarray]:
    """Parse date strings trying each format in turn.

    Parameters
    ----------
    raw : pandas.Series
        Stripped date strings, missing values as ``pd.NA``.
    formats : sequence of str
        ``strptime`` formats and/or :data:`EXCEL_SERIAL`.

    Returns
    -------
    dates : pandas.Series
        ``datetime64[ns]`` at midnight, NaT where a value is missing, unparseable or out of
        range.
    reasons : numpy.ndarray
        Object array: :data:`OUT_OF_RANGE` for well-formed dates outside pandas' range,
        ``None`` elsewhere (the caller words the reason for unparseable values).
    """
    raw = pd.Series(raw, dtype="string").reset_index(drop=True)
    present = raw.notna()
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    sample = raw[present].head(1)
    order = list(formats)
    if len(sample):  # the first date's format first: one pass for a uniform file
        first = [f for f in order if pd.notna(_parse_one(sample, f).iloc[0])]
        order = [*first[:1], *(f for f in order if f not in first[:1])]
    for fmt in order:
        todo = parsed.isna() & present
        if not todo.any():
            break
        parsed[todo] = _parse_one(raw[todo], fmt)
    reasons = np.full(len(raw), None, dtype=object)
    outside = parsed.notna() & ((parsed < _LOW) | (parsed > _HIGH))
    # pandas older than 3 gives NaT for dates it cannot hold: ask Python's own parser
    failed = present & parsed.isna()
    if failed.any():
        values = raw[failed]
        wellformed = {v: _python_parse(v, order) for v in values.unique()}
        outside |= failed & raw.map(wellformed).fillna(False).astype(bool)
    reasons[outside.to_numpy()] = OUT_OF_RANGE
    parsed = parsed.mask(outside)
    return parsed.dt.normalize().astype("datetime64[ns]"), reasons
