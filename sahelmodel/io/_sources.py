r"""Files that are not plain CSV text: zip archives of one CSV, and Excel ``.xlsx`` workbooks.

:func:`unpack` looks at the first bytes of a source. A zip archive (``PK\x03\x04``) is either
an Excel workbook (it holds ``xl/workbook.xml``) or an archive such as UCDP's
``ged251-csv.zip``, which must hold exactly one ``.csv`` member; that member's bytes are
returned for the CSV path. Anything else is returned unchanged.

A workbook's first sheet is read with python-calamine (``pip install 'sahelmodel[excel]'``) and
every cell becomes the text a CSV export would hold: date cells ``2021-02-16`` (with the time
when it is not midnight), whole numbers without ``.0`` (when a float holds them exactly),
other numbers in Python's shortest round-trip spelling, booleans ``True``/``False``. A date
cell stored without a date format stays a day number (``44243``); the ACLED reader accepts
those. Rows are numbered as the spreadsheet shows them (header = row 1); empty rows are
skipped and counted like blank lines of a CSV file.
"""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
from typing import Any

import numpy as np

from sahelmodel.events import EventDataError

__all__ = ["cell_text", "unpack", "workbook_cells"]

_ZIP = b"PK\x03\x04"


def cell_text(value: Any) -> str:
    """The CSV text of one spreadsheet cell.

    Examples
    --------
    >>> [cell_text(v) for v in (3.0, 2.5, 1e20, _dt.date(2021, 2, 16), None, True)]
    ['3', '2.5', '1e+20', '2021-02-16', '', 'True']
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if np.isfinite(value) and abs(value) < 2.0**53 and value == int(value):
            return str(int(value))
        return repr(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta, int)):
        return str(value)
    return str(value)


def workbook_cells(data: bytes, source: str) -> tuple[list[str], list[list[str]], np.ndarray]:
    """Header, data rows (as text) and their spreadsheet row numbers from a workbook's bytes."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"{source} is an Excel workbook; reading it needs python-calamine: "
            "pip install 'sahelmodel[excel]' (or save the sheet as CSV)"
        ) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        cells = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types
        raise EventDataError(f"the Excel workbook cannot be read ({exc})", source=source) from None
    if not cells or not any(str(c).strip() for c in cells[0]):
        raise EventDataError("the first row of the first sheet is blank; expected a header "
                             "row", source=source)
    header = [cell_text(c).strip() for c in cells[0]]
    rows, numbers = [], []
    for i, cells_row in enumerate(cells[1:]):
        text = [cell_text(c) for c in cells_row]
        if any(t.strip() for t in text):
            rows.append(text + [""] * (len(header) - len(text)))
            numbers.append(i + 2)
    return header, rows, np.asarray(numbers, dtype=np.int64)


def unpack(data: bytes, source: str) -> bytes | tuple[list[str], list[list[str]], np.ndarray]:
    """CSV bytes of a source, or the cells of a workbook (see the module docstring)."""
    if not data.startswith(_ZIP):
        return data
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if "xl/workbook.xml" in names:
            return workbook_cells(data, source)
        members = [n for n in names if n.lower().endswith(".csv")
                   and not n.startswith("__MACOSX/") and not n.endswith("/")]
        if len(members) != 1:
            held = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
            raise EventDataError(
                "a zip archive must hold exactly one .csv file; this one holds "
                f"{held or 'nothing'}",
                source=source,
            )
        return archive.read(members[0])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise EventDataError(f"the zip archive is damaged ({exc})", source=source) from None
