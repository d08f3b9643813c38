"""Readers of event data: ACLED, UCDP GED and any CSV with a column mapping.

Every reader returns an :class:`~sahelmodel.events.EventTable` in the canonical schema, maps
actor names to canonical ids through :mod:`sahelmodel.coding.actors`, and accounts for every row in
``table.report`` (``n_read == n_kept + n_rejected``). With ``errors="raise"`` the first bad row
raises :class:`~sahelmodel.events.EventDataError` naming the file, the 1-based spreadsheet row
(the header is row 1), the column and what was expected; with ``errors="report"`` bad rows are
set aside and listed. Provenance constants (licence, citation, home page) sit next to each
reader.
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
