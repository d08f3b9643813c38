"""Shared machinery of the readers: loading raw text, vectorised parsing, row accounting.

Every reader follows the same path:

1. :func:`load_raw` decodes the file (a clear error for a wrong encoding or an empty file),
   reads it with pandas as strings (``dtype=str``, ``keep_default_na=False``) and counts the
   fields of every record, so that truncated rows and rows with extra fields are caught and
   every data row gets its 1-based spreadsheet row number (the header is row 1).
2. A :class:`Staging` object parses source columns into canonical ones, one vectorised check
   per column. Each failed check sets the row aside with the column, the raw value and the
   reason; a row keeps its first problem.
3. :meth:`Staging.actors` resolves actor names through the alias table and its place/time
   rules, :meth:`Staging.reject_duplicates` sets aside repeated event ids, and
   :meth:`Staging.finish` raises the first problem as :class:`EventDataError` when
   ``errors="raise"`` or lists them all in the :class:`ReadReport` when ``errors="report"``, and
   returns the :class:`EventTable`. ``n_read == n_kept + n_rejected`` always holds.

Field counts come from :func:`sahelmodel.io._fields.field_counts` (numpy quote parity, with the
``csv`` module as the reference and fallback); the csv module also builds the rows when a
record has more fields than the header, which pandas refuses to read.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sahelmodel._validation import check_choice
from sahelmodel.coding.actors import normalise_name, resolve_actors
from sahelmodel.events import EventDataError, EventTable, ReadReport
from sahelmodel.io._columns import check_columns, lower_columns
from sahelmodel.io._dates import describe_formats, parse_dates
from sahelmodel.io._fields import field_counts, field_counts_fast, stray_quote
from sahelmodel.io._sources import unpack

__all__ = [
    "ERRORS",
    "RawTable",
    "Staging",
    "check_columns",
    "load_raw",
    "lower_columns",
]

#: Accepted values of the readers' ``errors`` argument.
ERRORS = ("raise", "report")

PathOrFrame = str | os.PathLike[str] | pd.DataFrame | io.IOBase


@dataclass(frozen=True)
class RawTable:
    """A source read as strings, before any parsing.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per well-formed data record, every value a string (``""`` when empty).
    rows : numpy.ndarray
        Spreadsheet row number (header = 1) of each row of ``frame``.
    source : str
        File name, or ``"<DataFrame>"``.
    n_read : int
        Data records in the source, blank lines excluded; malformed records included.
    rejected : list of tuple
        ``(row, column, value, reason)`` of records that could not be split into the header's
        fields (too many or too few); they are not in ``frame``.
    messages : list of str
        Notes about the read (blank lines skipped).
    """

    frame: pd.DataFrame
    rows: np.ndarray
    source: str
    n_read: int
    rejected: list[tuple[int, str, str, str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _decode(data: bytes, source: str, encoding: str, *, check_only: bool = False) -> str:
    """The text of ``data``; with ``check_only`` only check that it decodes (in blocks)."""
    if not data.strip():
        raise EventDataError("the file is empty; expected a header row and data rows",
                             source=source)
    if data[:2] in _UTF16_BOMS and "16" not in encoding:
        raise EventDataError(
            "the file is UTF-16 encoded; re-save it as UTF-8 or pass encoding='utf-16'",
            source=source,
        )
    codec = "utf-8-sig" if _is_utf8(encoding) else encoding
    try:
        if not check_only:
            return data.decode(codec)
        decoder = codecs.getincrementaldecoder(codec)()
        view = memoryview(data)
        for start in range(0, len(data), 1 << 22):
            decoder.decode(view[start:start + (1 << 22)], final=start + (1 << 22) >= len(data))
        return ""
    except UnicodeDecodeError as exc:
        at = exc.start if not check_only else _first_bad_byte(data, codec)
        line = data[:at].count(b"\n") + 1
        raise EventDataError(
            f"byte 0x{data[at]:02x} on line {line} of the file is not valid {encoding}; "
            "the file is probably in another encoding (e.g. Windows-1252 from a spreadsheet): "
            "re-save it as UTF-8 or pass encoding='cp1252'",
            source=source,
        ) from None
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r}") from None


def _first_bad_byte(data: bytes, codec: str) -> int:
    try:
        data.decode(codec)
    except UnicodeDecodeError as exc:
        return exc.start
    return 0  # pragma: no cover - only called after a decoding error


def _frame_to_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """A user DataFrame as strings, as if it had been written to CSV and read back."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            text = col.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_float_dtype(col):
            # whole numbers stored as floats because of a blank (pandas' NaN) are written as a
            # CSV would hold them, so ids read from a frame equal ids read from the file; a
            # float too large to be an exact whole number keeps its float spelling ("1e+20")
            arr = col.to_numpy(dtype=float, na_value=np.nan)
            whole = np.isfinite(arr) & (np.abs(arr) < 2.0**53) & (arr == np.floor(arr))
            text = col.astype(object).map(repr)
            if whole.any():
                text[whole] = pd.Series(arr[whole].astype(np.int64), index=col.index[whole]
                                        ).astype(str).to_numpy(dtype=object)
        else:
            text = col.astype(object).map(str)
        out[str(name).strip()] = text.where(col.notna(), "").astype(object)
    return pd.DataFrame(out, index=range(len(frame)))


def load_raw(path_or_frame: PathOrFrame, *, encoding: str = "utf-8") -> RawTable:
    """Read a CSV file (or take a DataFrame) as strings, accounting for every record.

    Parameters
    ----------
    path_or_frame : path, file object or pandas.DataFrame
        The source. A DataFrame's rows are numbered as if it had been written to CSV.
    encoding : str
        Text encoding of a file.

    Raises
    ------
    EventDataError
        Empty file, undecodable bytes, a header with repeated or blank-only names, or text
        the CSV parser cannot split at all.
    """
    if isinstance(path_or_frame, pd.DataFrame):
        frame = _frame_to_strings(path_or_frame)
        dup = frame.columns[frame.columns.duplicated()]
        if len(dup):
            raise EventDataError(f"column {dup[0]!r} appears more than once",
                                 source="<DataFrame>")
        return RawTable(frame, np.arange(len(frame)) + 2, "<DataFrame>", len(frame))
    if isinstance(path_or_frame, io.IOBase) or hasattr(path_or_frame, "read"):
        source = str(getattr(path_or_frame, "name", "<stream>"))
        data = path_or_frame.read()  # type: ignore[union-attr]
        if isinstance(data, str):  # a text stream is already decoded
            if not data.strip():
                raise EventDataError("the file is empty; expected a header row and data rows",
                                     source=source)
            return _parse_text(data.removeprefix("\ufeff"), source)
    else:
        source = str(path_or_frame)
        try:
            data = Path(path_or_frame).read_bytes()
        except FileNotFoundError:
            raise FileNotFoundError(f"no such event file: {source}") from None
    unpacked = unpack(data, source)
    if isinstance(unpacked, tuple):
        return _workbook_raw(*unpacked, source)
    del data
    if _is_utf8(encoding) and unpacked[:2] not in _UTF16_BOMS:
        _decode(unpacked, source, encoding, check_only=True)
        return _parse_utf8(unpacked, source)
    return _parse_text(_decode(unpacked, source, encoding), source)


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _is_utf8(encoding: str) -> bool:
    return encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig")


def _check_header(header: list[str], source: str) -> None:
    if not any(header):
        raise EventDataError("the first row is blank; expected a header row", source=source)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise EventDataError(f"column {name!r} appears more than once in the header",
                                 source=source)
        seen.add(name)


def _workbook_raw(header: list[str], rows: list[list[str]], numbers: np.ndarray,
                  source: str) -> RawTable:
    """A :class:`RawTable` from a workbook's cells (cells beyond the header are rejected)."""
    while header and not header[-1]:
        header = header[:-1]
    _check_header(header, source)
    width = len(header)
    long = np.array([any(c.strip() for c in r[width:]) for r in rows], dtype=bool)
    rejected = [
        (int(numbers[i]), "", ",".join(rows[i][width:]).strip(",")[:80],
         f"row has cells beyond the header's {width} columns")
        for i in np.flatnonzero(long)
    ]
    good = [r[:width] for r, bad in zip(rows, long, strict=True) if not bad]
    frame = pd.DataFrame(good, columns=header, dtype=object)
    return RawTable(frame, numbers[~long], source, len(rows), rejected)


def _records(text: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""))


def _parse_text(text: str, source: str) -> RawTable:
    try:
        header = [h.strip() for h in next(_records(text), [])]
        stray = stray_quote(text)
    except csv.Error as exc:
        raise EventDataError(f"the CSV text cannot be parsed: {exc}", source=source) from None
    if stray is not None:
        return _set_aside_line(text, source, header, *stray)
    try:
        # field count of every record (vectorised where exact, else by the csv module)
        counts = field_counts(text)[1:]
    except csv.Error as exc:
        raise EventDataError(f"the CSV text cannot be parsed: {exc}", source=source) from None
    return _split(header, counts, source, lambda: io.StringIO(text), lambda: text)


def _parse_utf8(data: bytes, source: str) -> RawTable:
    """:func:`_parse_text` for UTF-8 bytes, without building the whole text as a string.

    The field counts come from the bytes; pandas reads the bytes; the text is decoded only
    when the csv module must split records (malformed rows, or quotes the vectorised count
    cannot follow, which includes a quote left open). A decoded str of a file with one
    character beyond U+FFFF takes four bytes per character, so this keeps the peak memory of
    a large read near the size of the parsed columns.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    counts = field_counts_fast(data)
    first = data[: data.find(b"\n") + 1 or len(data)].decode("utf-8")
    if counts is None or first.count('"') % 2:
        return _parse_text(data.decode("utf-8"), source)
    try:
        header = [h.strip() for h in next(_records(first), [])]
    except csv.Error as exc:
        raise EventDataError(f"the CSV text cannot be parsed: {exc}", source=source) from None
    return _split(header, counts[1:], source, lambda: io.BytesIO(data),
                  lambda: data.decode("utf-8"))


def _split(header: list[str], counts: np.ndarray, source: str,
           stream: Callable[[], Any], text_of: Callable[[], str]) -> RawTable:
    """Rows of the records whose field count matches the header; the others rejected."""
    _check_header(header, source)
    width = len(header)
    rows_all = np.arange(len(counts)) + 2
    blank = counts == 0
    good = counts == width
    frame = None
    if len(counts) and (counts <= width).all():
        # pandas pads short records, so only over-long ones need the slow path below
        try:
            frame = pd.read_csv(stream(), dtype=str, keep_default_na=False,
                                skip_blank_lines=False, header=0, names=header,
                                index_col=False, engine="c")
        except (pd.errors.ParserError, ValueError):
            frame = None
        if frame is not None and len(frame) != len(counts):
            frame = None
        if frame is not None:
            frame = frame.iloc[np.flatnonzero(good)].astype(object)
    bad = np.flatnonzero(~good & ~blank)
    records: dict[int, list[str]] = {}
    if frame is None or bad.size:
        wanted = set((bad + 1).tolist()) if frame is not None else None
        for i, rec in enumerate(_records(text_of())):
            if i and (wanted is None or i in wanted):
                records[i] = rec
    if frame is None:
        body = [records[i + 1] for i in np.flatnonzero(good)]
        frame = pd.DataFrame(body, columns=header, dtype=object)
    rejected = []
    for i in bad:
        rec = records[i + 1]
        if counts[i] > width:
            reason = f"row has {counts[i]} fields but the header has {width}"
            rejected.append((int(rows_all[i]), "", ",".join(rec[width:])[:80], reason))
        else:
            reason = (f"row has only {counts[i]} of {width} fields (truncated); "
                      f"column {header[counts[i]]!r} and after are missing")
            rejected.append((int(rows_all[i]), header[counts[i]], "", reason))
    messages = []
    if blank.any():
        messages.append(f"{int(blank.sum())} blank lines skipped")
    return RawTable(
        frame.reset_index(drop=True),
        rows_all[good],
        source,
        int((~blank).sum()),
        rejected,
        messages,
    )


def _set_aside_line(text: str, source: str, header: list[str], record: int,
                    line: int) -> RawTable:
    """Reject the first line of a record a stray quote ran on, and read the lines after it."""
    if record == 0:
        raise EventDataError("a quote opened in the header row is never closed", source=source)
    lines = io.StringIO(text, newline="").readlines()
    first = lines[line]
    inner = _parse_text("".join(lines[:line] + lines[line + 1:]), source)
    row = record + 1
    fields = next(csv.reader([first.rstrip("\r\n")]), [""])
    column = header[len(fields) - 1] if 0 < len(fields) <= len(header) else ""
    quote = first.find('"', len(",".join(fields[:-1])))
    value = first[max(quote, 0):].rstrip("\r\n")
    reason = ("a quote opened here is not closed on this line, so the rows after it would be "
              "read as one value; this line is set aside and the lines after it are read as "
              "rows of their own")
    shifted = np.where(inner.rows >= row, inner.rows + 1, inner.rows)
    rejected = [(r + 1 if r >= row else r, c, v, s) for r, c, v, s in inner.rejected]
    rejected.append((row, column, value[:80], reason))
    return RawTable(inner.frame, shifted, source, inner.n_read + 1, rejected, inner.messages)


def label_map(values: pd.Series, mapping: Mapping[str, str]) -> pd.Series:
    """Map labels through ``mapping`` keyed by :func:`normalise_name` keys (unique values once)."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    mapped = np.array([mapping.get(normalise_name(u)) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)


class Staging:
    """Canonical columns being parsed from a :class:`RawTable`, with per-row rejections."""

    def __init__(self, raw: RawTable, source_dataset: str) -> None:
        self.raw = raw
        self.source_dataset = source_dataset
        self.n = len(raw.frame)
        self.rows = np.asarray(raw.rows, dtype=np.int64)
        self.out: dict[str, Any] = {}
        self._reason = np.full(self.n, None, dtype=object)
        self._column = np.full(self.n, "", dtype=object)
        self._value = np.full(self.n, "", dtype=object)
        self.messages: list[str] = list(raw.messages)
        self._text: dict[str, pd.Series] = {}
        self.unknown_actors: set[str] = set()

    # -- raw access ------------------------------------------------------------------------
    def text(self, column: str | None) -> pd.Series:
        """A source column, stripped, with empty strings as missing (all missing if absent)."""
        if column is None or column not in self.raw.frame.columns:
            return pd.Series(pd.NA, index=range(self.n), dtype="string")
        if column not in self._text:
            values = self.raw.frame[column].to_numpy(dtype=object)
            col = pd.Series(values, dtype="string").str.strip()
            self._text[column] = col.mask(col == "", pd.NA)
        return self._text[column].copy()

    @property
    def ok(self) -> np.ndarray:
        """Rows with no problem so far."""
        return np.asarray(pd.isna(self._reason), dtype=bool)

    def reject(self, mask: Any, column: str, values: Any, reason: str | np.ndarray) -> None:
        """Set aside the rows in ``mask`` (keeping an earlier reason where there is one)."""
        mask = np.asarray(mask, dtype=bool) & self.ok
        if not mask.any():
            return
        vals = np.asarray(pd.Series(values).astype(object).fillna("").astype(str), dtype=object)
        self._reason[mask] = reason[mask] if isinstance(reason, np.ndarray) else reason
        self._column[mask] = column
        self._value[mask] = vals[mask] if vals.shape == mask.shape else ""

    # -- typed parsers ---------------------------------------------------------------------
    def required(self, values: pd.Series, column: str, what: str) -> None:
        """Reject rows where a required value is missing."""
        self.reject(values.isna().to_numpy(), column, values, f"missing value; expected {what}")

    def integer(
        self, column: str | None, *, required: bool = False, minimum: int | None = None,
        maximum: int | None = None, what: str = "a whole number",
    ) -> pd.Series:
        """Parse whole numbers (``"3"``, ``"3.0"``, ``"1e3"``) into an ``Int64`` Series.

        A value is whole as written, not after rounding to a float: ``2.0000000000000001`` is
        rejected, and so is any value of magnitude 2**53 or more, which a float cannot hold
        exactly (``9007199254740993`` would become ``...992``).
        """
        raw = self.text(column)
        num = pd.to_numeric(raw, errors="coerce").astype("Float64")
        values = num.to_numpy(dtype=float, na_value=np.nan)
        huge = raw.notna().to_numpy() & np.isfinite(values) & ~(np.abs(values) < 2.0**53)
        plain = raw.str.fullmatch(r"[+-]?\d+(\.0*)?").fillna(False).to_numpy(dtype=bool)
        other = raw.notna().to_numpy() & ~plain & np.isfinite(values) & ~huge
        if other.any():  # decimals and exponents: whole exactly as written?
            exact = {v: _whole_as_written(v) for v in raw[other].unique()}
            inexact = other & ~raw.map(exact).fillna(True).astype(bool).to_numpy()
            num = num.mask(pd.Series(inexact, index=num.index))
        num = num.mask(pd.Series(~np.isfinite(values) | huge, index=num.index))
        bad = raw.notna() & (num.isna() | (num != num.round()))
        if minimum is not None:
            bad |= num.notna() & (num < minimum)
        if maximum is not None:
            bad |= num.notna() & (num > maximum)
        if column is not None:
            self.reject(huge, column, raw, f"expected {what} below 2**53 (a larger number "
                        "cannot be held exactly)")
            self.reject(bad.fillna(True).to_numpy(), column, raw, f"expected {what}")
            if required:
                self.required(raw, column, what)
        return num.where(~bad.fillna(True)).round().astype("Int64")

    def real(self, column: str | None, *, bound: float | None = None,
             what: str = "a number") -> pd.Series:
        """Parse decimal numbers into ``float64`` (NaN when empty), checking ``|x| <= bound``."""
        raw = self.text(column)
        num = pd.to_numeric(raw, errors="coerce").astype("float64")
        bad = raw.notna().to_numpy() & ~np.isfinite(num.to_numpy())
        if bound is not None:
            bad |= np.isfinite(num.to_numpy()) & (np.abs(num.to_numpy()) > bound)
        if column is not None:
            self.reject(bad, column, raw, f"expected {what}")
        return num.where(~bad)

    def date(self, column: str, formats: Sequence[str]) -> pd.Series:
        """Parse dates trying each format in turn (see :func:`~sahelmodel.io._dates.parse_dates`).

        Unparseable, missing and out-of-range dates are rejected, each with its own reason.
        """
        raw = self.text(column)
        parsed, reasons = parse_dates(raw, formats)
        self.reject(reasons != None, column, raw, reasons)  # noqa: E711
        self.reject((raw.notna() & parsed.isna()).to_numpy(), column, raw,
                    f"expected a date like {describe_formats(formats)}")
        self.required(raw, column, "a date")
        return parsed

    def boolean(self, column: str | None) -> pd.Series:
        """Parse ``True/False/1/0/yes/no`` (any case) into a ``boolean`` Series."""
        raw = self.text(column)
        low = raw.str.lower()
        value = low.map(_BOOLEANS.get, na_action="ignore")
        bad = (raw.notna() & value.isna()).to_numpy()
        if column is not None:
            self.reject(bad, column, raw, "expected True or False")
        return value.astype("boolean")

    def event_type(self, column: str, mapping: Mapping[str, str], expected: str) -> pd.Series:
        """Map source event-type labels onto :data:`~sahelmodel.events.EVENT_TYPES`."""
        raw = self.text(column)
        mapped = label_map(raw, mapping)
        self.reject((raw.notna() & mapped.isna()).to_numpy(), column, raw,
                    f"unknown event type; expected {expected}")
        self.required(raw, column, "an event type")
        return mapped

    # -- actors ----------------------------------------------------------------------------
    def actors(self, side: int, raw: pd.Series, assoc: pd.Series | None = None,
               *, required: bool, column: str, target: dict[str, Any] | None = None) -> None:
        """Resolve one side's raw names (and associated actors) to canonical ids.

        The results go to ``target`` (the staged rows by default), whose ``country``,
        ``admin1``, ``date``, ``longitude`` and ``latitude`` are the place/time context of the
        actor rules.
        """
        out = self.out if target is None else target
        ctx = {k: _reset(out.get(k)) for k in
               ("country", "admin1", "date", "longitude", "latitude")}
        res = resolve_actors(raw.reset_index(drop=True), source=self.source_dataset, **ctx)
        out[f"actor{side}"] = res["actor"]
        out[f"actor{side}_raw"] = raw.reset_index(drop=True)
        out[f"actor{side}_kind"] = res["kind"]
        unknown = raw[~res["known"].to_numpy()].dropna()
        self.unknown_actors |= set(unknown.astype(str))
        if required:
            self.required(raw, column, "an actor name")
        joined = res["assoc"]
        if assoc is not None:
            joined = _join_id_lists(joined, self.assoc_ids(assoc, ctx))
        out[f"assoc_actor{side}"] = joined.astype("string")

    def assoc_ids(self, names: pd.Series, context: dict[str, Any] | None = None) -> pd.Series:
        """Resolve ``;``-joined raw names into ``;``-joined canonical ids (vectorised).

        ``context`` holds the place/time columns aligned with ``names`` for the actor rules.
        """
        names = names.reset_index(drop=True)
        parts = names.str.split(";").explode().str.strip()
        parts = parts[parts.notna() & (parts != "")]
        if parts.empty:
            return pd.Series(pd.NA, index=names.index, dtype="string")
        where = parts.index.to_numpy()
        ctx = {k: (None if v is None else pd.Series(v).reset_index(drop=True).iloc[where])
               for k, v in (context or {}).items()}
        res = resolve_actors(parts.reset_index(drop=True), source=self.source_dataset, **ctx)
        self.unknown_actors |= set(
            parts[~res["known"].to_numpy()].astype(str))
        ids = pd.Series(res["actor"].to_numpy(), index=parts.index, dtype="string")
        return _join_id_lists(pd.Series(pd.NA, index=names.index, dtype="string"), ids)

    # -- the end ---------------------------------------------------------------------------
    def reject_duplicates(self, ids: pd.Series, column: str) -> None:
        """Reject later rows whose event id repeats one of an earlier kept row."""
        ok = self.ok
        kept_ids = ids.where(ok)
        dup = kept_ids.duplicated(keep="first") & kept_ids.notna()
        if not dup.any():
            return
        first_row = pd.Series(self.rows, index=ids.index).where(ok).groupby(kept_ids).transform(
            "min")
        reasons = ("duplicated event id; first used on row "
                   + first_row.fillna(0).astype(np.int64).astype(str)).to_numpy(dtype=object)
        self.reject(dup.to_numpy(), column, ids, reasons)

    def finish(self, errors: str, frame: pd.DataFrame | None = None,
               keep: np.ndarray | None = None) -> EventTable:
        """Raise or report the rejections and build the table from the kept rows."""
        check_choice("errors", errors, ERRORS)
        ok = self.ok if keep is None else keep
        rej = [
            (int(r), c, v, s)
            for r, c, v, s in zip(self.rows[~self.ok], self._column[~self.ok],
                                  self._value[~self.ok], self._reason[~self.ok], strict=True)
        ] + list(self.raw.rejected)
        rej.sort(key=lambda t: t[0])
        if rej and errors == "raise":
            row, column, value, reason = rej[0]
            value = value if len(value) <= 80 else value[:77] + "..."
            shown = f" (got {value!r})" if value else ""
            raise EventDataError(f"{reason}{shown}", source=self.raw.source, row=row,
                                 column=column or None)
        if frame is None:
            frame = pd.DataFrame(
                {k: v.reset_index(drop=True) if isinstance(v, pd.Series) else v
                 for k, v in self.out.items()},
                index=pd.RangeIndex(self.n),
            )
            frame = frame.loc[ok]
        n_kept = int(self.ok.sum())
        rejected = pd.DataFrame(rej, columns=["row", "column", "value", "reason"])
        report = ReadReport(
            source=self.raw.source,
            n_read=self.raw.n_read,
            n_kept=n_kept,
            n_rejected=len(rej),
            rejected=rejected,
            unknown_actors=tuple(sorted(self.unknown_actors)),
            messages=tuple(self.messages),
        )
        if "source_dataset" in frame.columns:
            frame = frame.assign(source_dataset=frame["source_dataset"].astype("string").fillna(
                self.source_dataset))
        else:
            frame = frame.assign(source_dataset=self.source_dataset)
        return EventTable(frame, report=report)


_BOOLEANS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False,
             "t": True, "f": False}



def _whole_as_written(text: str) -> bool:
    """Whether a decimal or exponent literal is a whole number exactly (``"1e3"`` yes)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return False
    return value.is_finite() and value == value.to_integral_value()


def _reset(values: Any) -> Any:
    return values.reset_index(drop=True) if isinstance(values, pd.Series) else values


def _join_id_lists(*lists: pd.Series) -> pd.Series:
    """Union of ``;``-joined id lists row by row, first-seen order, missing when empty.

    The lists are aligned on the first one's index; labels may repeat within a list (several
    entries for one row). Only non-empty entries are touched and the strings are joined with
    one ``np.add.reduceat`` over the sorted entries, so the cost grows with the associated
    actors, not with the events, and there is no Python call per row.
    """
    index = lists[0].index
    stacked = pd.concat(list(lists))
    stacked = stacked[stacked.notna() & (stacked != "")]
    out = pd.Series(pd.NA, index=index, dtype="string")
    if stacked.empty:
        return out
    parts = stacked.astype("string").str.split(";").explode().str.strip()
    parts = parts[parts.notna() & (parts != "")]
    if parts.empty:
        return out
    frame = pd.DataFrame({"row": parts.index.to_numpy(), "id": parts.to_numpy(dtype=object)})
    frame = frame.drop_duplicates()
    rows = frame["row"].to_numpy()
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    ids = frame["id"].to_numpy(dtype=object)[order] + ";"
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    joined = pd.Series(np.add.reduceat(ids, starts), dtype="string").str[:-1]
    out.loc[rows[starts]] = joined.to_numpy()
    return out
