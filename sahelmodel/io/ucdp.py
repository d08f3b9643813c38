r"""Reader for the UCDP Georeferenced Event Dataset (GED).

Two layouts are read: the official GED CSV (fatality estimates in ``best``, ``high``, ``low``;
ISO dates) and the export variant shipped in ``../shared/data/ucdp_ged_sahel.csv``
(``best_est``, ``high_est``, ``low_est``; dates written ``MM/DD/YYYY 00:00:00``;
``active_year`` as ``True``/``False``). The layout is recognised from the column names.

Column mapping
--------------
==================  =============================================================
canonical           UCDP GED
==================  =============================================================
event_id            ``id``
date                ``date_start``
date_precision      ``date_prec`` (1 exact day ... 5 year)
country             ``country``
admin1, admin2      ``adm_1``, ``adm_2``
location            ``where_coordinates``
latitude/longitude  ``latitude``, ``longitude``
event_type          ``type_of_violence``: 1 (state-based) and 2 (non-state) →
                    ``battle``; 3 (one-sided) → ``violence_against_civilians``
type_of_violence    ``type_of_violence`` kept as 1/2/3
actor1, actor2      ``side_a``, ``side_b`` through the alias table and its rules
                    (UCDP's "IS" becomes ``iswap`` or ``is_sahel`` by place);
                    coalitions such as "GATIA, MSA" give ``assoc_actor1/2``
directed            False: UCDP does not say which side initiated an event
fatalities          ``best`` (``best_est``); ``fatalities_low/high`` from
                    ``low``/``high`` (``low_est``/``high_est``)
notes               ``source_headline``
source_dataset      ``ucdp_ged``
==================  =============================================================

Examples
--------
>>> import io
>>> text = ("id,date_start,type_of_violence,side_a,side_b,best,low,high,country,adm_1,"
...         "latitude,longitude\n"
...         "1,2020-05-01,2,IS,JNIM,12,10,15,Mali,Gao region,15.9,0.5\n")
>>> table = read_ucdp_ged(io.StringIO(text))
>>> row = table.frame.iloc[0]
>>> row["actor1"], row["actor2"], row["event_type"], int(row["fatalities"])
('is_sahel', 'jnim', 'battle', 12)
"""

from __future__ import annotations

from sahelmodel._validation import check_choice
from sahelmodel.events import EventTable
from sahelmodel.io._common import (
    ERRORS,
    PathOrFrame,
    Staging,
    check_columns,
    load_raw,
    lower_columns,
)

__all__ = ["UCDP_GED_PROVENANCE", "read_ucdp_ged"]

#: Licence, citation and home page of UCDP GED.
UCDP_GED_PROVENANCE: dict[str, str] = {
    "name": "UCDP Georeferenced Event Dataset (GED)",
    "publisher": "Uppsala Conflict Data Program, Uppsala University",
    "home_page": "https://ucdp.uu.se/downloads/",
    "licence": "CC BY 4.0",
    "citation": (
        "Sundberg, Ralph, and Erik Melander (2013). Introducing the UCDP Georeferenced Event "
        "Dataset. Journal of Peace Research 50(4): 523-532; and for release 24.1: Davies, "
        "Shawn, Garoun Engström, Therese Pettersson & Magnus Öberg (2024). Organized violence "
        "1989-2023, and the prevalence of organized crime groups. Journal of Peace Research "
        "61(4)."
    ),
}

_TYPE_OF_VIOLENCE = {"1": "battle", "2": "battle", "3": "violence_against_civilians"}
_DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y",
)
_LAYOUTS = {
    "official": ("best", "low", "high"),
    "export variant": ("best_est", "low_est", "high_est"),
}
_REQUIRED = ("id", "date_start", "type_of_violence", "side_a", "side_b", "country",
             "latitude", "longitude")


def read_ucdp_ged(
    path_or_frame: PathOrFrame, *, errors: str = "raise", encoding: str = "utf-8"
) -> EventTable:
    r"""Read a UCDP GED CSV export into an :class:`~sahelmodel.events.EventTable`.

    Parameters
    ----------
    path_or_frame : path, file object or pandas.DataFrame
        The GED CSV (official layout or the ``best_est`` export variant), or a DataFrame with
        the same columns.
        Files may also be zip archives of one CSV file or ``.xlsx`` workbooks (see
        :mod:`sahelmodel.io`).
    errors : {"raise", "report"}
        ``"raise"``: the first bad row raises :class:`~sahelmodel.events.EventDataError`
        naming the file, the 1-based spreadsheet row, the column and what was expected.
        ``"report"``: bad rows are set aside and listed in ``table.report.rejected``.
    encoding : str
        Text encoding of the file.

    Returns
    -------
    EventTable
        One event per kept row, in the canonical schema (see the module docstring), with
        ``table.report`` accounting for every row: ``n_read == n_kept + n_rejected``.

    Raises
    ------
    EventDataError
        For file-level problems (empty file, wrong encoding, missing columns) whatever
        ``errors`` says, and for the first bad row when ``errors="raise"``.

    Notes
    -----
    A row is rejected when its ``id`` is missing or repeats an earlier id, ``date_start``
    is not a date, ``type_of_violence`` is not 1, 2 or 3, ``side_a`` is missing, the best
    estimate is not a whole number >= 0 (low/high likewise when present), ``date_prec`` is not
    1-5, or the coordinates are not numbers within [-90, 90] x [-180, 180].

    Examples
    --------
    >>> import io
    >>> bad = ("id,date_start,type_of_violence,side_a,side_b,best,country,latitude,longitude\n"
    ...        "7,2021-13-01,1,Government of Mali,JNIM,3,Mali,14.1,-4.2\n")
    >>> table = read_ucdp_ged(io.StringIO(bad), errors="report")
    >>> table.report.n_read, table.report.n_rejected, table.report.rejected.loc[0, "row"]
    (1, 1, np.int64(2))
    """
    check_choice("errors", errors, ERRORS)
    raw = load_raw(path_or_frame, encoding=encoding)
    lower_columns(raw)
    columns = set(raw.frame.columns)
    layout = next((k for k, (b, _, _) in _LAYOUTS.items() if b in columns), None)
    if layout is None:
        check_columns(raw, [*_REQUIRED, "best"], layout="UCDP GED ('best' or 'best_est')")
        layout = "official"
    best, low, high = _LAYOUTS[layout]
    check_columns(raw, _REQUIRED, layout=f"UCDP GED {layout}")
    st = Staging(raw, "ucdp_ged")
    out = st.out
    ids = st.text("id")
    st.required(ids, "id", "an event id")
    out["event_id"] = ids
    out["date"] = st.date("date_start", _DATE_FORMATS)
    out["date_precision"] = st.integer("date_prec" if "date_prec" in columns else None,
                                       minimum=1, maximum=5, what="a date precision 1-5")
    tov = st.integer("type_of_violence", required=True, minimum=1, maximum=3,
                     what="type_of_violence 1, 2 or 3")
    out["type_of_violence"] = tov
    out["event_type"] = tov.astype("string").map(_TYPE_OF_VIOLENCE)
    out["country"] = st.text("country")
    out["admin1"] = st.text("adm_1")
    out["admin2"] = st.text("adm_2")
    out["location"] = st.text("where_coordinates")
    out["latitude"] = st.real("latitude", bound=90.0, what="a latitude in [-90, 90]")
    out["longitude"] = st.real("longitude", bound=180.0, what="a longitude in [-180, 180]")
    what = "a whole number of deaths >= 0"
    out["fatalities"] = st.integer(best, required=True, minimum=0, what=what)
    out["fatalities_low"] = st.integer(low if low in columns else None, minimum=0, what=what)
    out["fatalities_high"] = st.integer(high if high in columns else None, minimum=0, what=what)
    out["notes"] = st.text("source_headline")
    out["directed"] = False
    st.actors(1, st.text("side_a"), required=True, column="side_a")
    st.actors(2, st.text("side_b"), required=False, column="side_b")
    st.reject_duplicates(ids, "id")
    if layout == "export variant":
        st.messages.append("UCDP GED export variant (best_est/low_est/high_est) read")
    return st.finish(errors)
