"""Readers of event data: ACLED, UCDP GED and any CSV with a column mapping.

Every reader returns an :class:`~sahelmodel.events.EventTable` in the canonical schema, maps
actor names to canonical ids through :mod:`sahelmodel.coding.actors`, and accounts for every row in
``table.report`` (``n_read == n_kept + n_rejected``). With ``errors="raise"`` the first bad row
raises :class:`~sahelmodel.events.EventDataError` naming the file, the 1-based spreadsheet row
(the header is row 1), the column and what was expected; with ``errors="report"`` bad rows are
set aside and listed. Provenance constants (licence, citation, home page) sit next to each
reader.

Sources as they come: a CSV file or stream, a zip archive holding one CSV file (such as the
archive ``sahelmodel fetch ucdp`` downloads), an Excel ``.xlsx`` workbook (first sheet; needs
``pip install 'sahelmodel[excel]'``), or a DataFrame, whose rows are numbered as if it had
been written to CSV. Damage is accounted row by row, never by losing the file or rows:

* a date outside pandas' range 1677-2262 (``3023-05-01``, a year ``0025``) rejects its row;
* a quote opened and never closed would swallow the rest of the file into one value: the
  line it opens on is rejected and the lines after it are read as rows of their own;
* whole numbers must be whole as written and below 2**53 (``2.0000000000000001`` and
  ``9007199254740993`` are rejected, not rounded);
* column names are matched without regard to case, so two names that differ only in case
  (``id`` and ``ID``) are a file-level error naming both.
"""

from sahelmodel.io.acled import ACLED_EVENT_TYPES, ACLED_PROVENANCE, read_acled
from sahelmodel.io.generic import CSV_PROVENANCE, read_events
from sahelmodel.io.ucdp import UCDP_GED_PROVENANCE, read_ucdp_ged

__all__ = [
    "ACLED_EVENT_TYPES",
    "ACLED_PROVENANCE",
    "CSV_PROVENANCE",
    "UCDP_GED_PROVENANCE",
    "read_acled",
    "read_events",
    "read_ucdp_ged",
]
