"""Summary objects: one description of a fitted model, rendered as text, HTML or LaTeX.

A :class:`Summary` never prints. ``str(summary)`` gives the text form; notebooks show the HTML
form through ``_repr_html_``; ``as_latex()`` gives a ``tabular`` block for a paper.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Summary", "format_value"]

#: Widest text layout of the info block before it falls back to one column.
_MAX_WIDTH = 100


def format_value(value: object, digits: int = 4) -> str:
    """Format one cell: floats to ``digits`` significant decimals, p-values kept readable.

    Examples
    --------
    >>> format_value(0.123456)
    '0.1235'
    >>> format_value(3)
    '3'
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):d}"
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if np.isnan(x):
            return ""
        if x != 0 and (abs(x) < 10 ** (-digits) or abs(x) >= 1e7):
            return f"{x:.{digits - 1}e}"
        return f"{x:.{digits}f}"
    if value is None or value is pd.NA:
        return ""
    return str(value)


def _cells(frame: pd.DataFrame, digits: int) -> list[list[str]]:
    rows = [[""] + [str(c) for c in frame.columns]]
    for label, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        rows.append([str(label)] + [format_value(v, digits) for v in row])
    return rows


def _multicolumn(ncol: int, text: str) -> str:
    return rf"\multicolumn{{{ncol}}}{{l}}{{{text}}} \\"


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def _latex_escape(text: str) -> str:
    """Escape LaTeX's special characters in one pass (so escapes are not escaped again)."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


@dataclass(frozen=True)
class Summary:
    """A rendered-on-demand description of results.

    Parameters
    ----------
    title : str
        E.g. ``"Poisson regression with absorbed fixed effects"``.
    info : sequence of (str, object)
        Key/value lines (number of observations, log-likelihood, covariance type ...).
    tables : sequence of (str, pandas.DataFrame)
        Named tables (coefficients, incidence-rate ratios ...).
    notes : sequence of str
        Footnotes (dropped observations, convergence warnings ...).
    digits : int
        Decimals shown for floats.

    Examples
    --------
    >>> s = Summary("Demo", [("Observations", 10)],
    ...             [("Coefficients", pd.DataFrame({"estimate": [0.5]}, index=["x"]))])
    >>> print(s.as_text().splitlines()[0].strip())
    Demo
    """

    title: str
    info: Sequence[tuple[str, object]] = ()
    tables: Sequence[tuple[str, pd.DataFrame]] = ()
    notes: Sequence[str] = field(default_factory=tuple)
    digits: int = 4

    def as_text(self) -> str:
        """Plain-text rendering."""
        blocks: list[str] = []
        info = [(k, format_value(v, self.digits)) for k, v in self.info]
        body: list[str] = []
        if info:
            wk = max(len(k) for k, _ in info)
            wv = max(len(v) for _, v in info)
            two_columns = 2 * (wk + 1 + wv) + 5 <= _MAX_WIDTH
            half = (len(info) + 1) // 2 if two_columns else len(info)
            left, right = info[:half], info[half:]
            for i, (k, v) in enumerate(left):
                line = f"{k + ':':<{wk + 1}} " + (f"{v:>{wv}}" if two_columns else v)
                if i < len(right):
                    k2, v2 = right[i]
                    line += f"    {k2 + ':':<{wk + 1}} {v2:>{wv}}"
                body.append(line)
        for name, frame in self.tables:
            cells = _cells(frame, self.digits)
            widths = [max(len(r[j]) for r in cells) for j in range(len(cells[0]))]
            lines = []
            for r_i, row in enumerate(cells):
                first = f"{row[0]:<{widths[0]}}"
                rest = "  ".join(f"{c:>{w}}" for c, w in zip(row[1:], widths[1:], strict=True))
                lines.append(f"{first}  {rest}".rstrip())
                if r_i == 0:
                    lines.append("-" * len(lines[0]))
            blocks.append(name + "\n" + "\n".join(lines))
        width = max([len(self.title)] + [len(x) for x in body]
                    + [len(line) for b in blocks for line in b.splitlines()])
        out = [self.title.center(width), "=" * width, *body]
        for b in blocks:
            out.extend(["=" * width, b])
        out.append("=" * width)
        out.extend(self.notes)
        return "\n".join(out)

    def as_html(self) -> str:
        """HTML rendering (tables with a caption each)."""
        parts = [f"<div class='sahelmodel-summary'><h4>{html.escape(self.title)}</h4>"]
        if self.info:
            parts.append("<table>")
            for k, v in self.info:
                parts.append(f"<tr><th>{html.escape(str(k))}</th>"
                             f"<td>{html.escape(format_value(v, self.digits))}</td></tr>")
            parts.append("</table>")
        for name, frame in self.tables:
            cells = _cells(frame, self.digits)
            parts.append(f"<table><caption>{html.escape(name)}</caption>")
            parts.append("<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cells[0]) + "</tr>")
            for row in cells[1:]:
                parts.append("<tr><th>" + html.escape(row[0]) + "</th>"
                             + "".join(f"<td>{html.escape(c)}</td>" for c in row[1:]) + "</tr>")
            parts.append("</table>")
        parts.extend(f"<p>{html.escape(n)}</p>" for n in self.notes)
        parts.append("</div>")
        return "\n".join(parts)

    def as_latex(self) -> str:
        """LaTeX rendering: one ``tabular`` per table, info and notes as rows."""
        out = [f"% {self.title}"]
        for name, frame in self.tables:
            cells = _cells(frame, self.digits)
            ncol = len(cells[0])
            out.append(r"\begin{tabular}{l" + "r" * (ncol - 1) + "}")
            out.append(_multicolumn(ncol, _latex_escape(name)))
            out.append(r"\hline")
            out.append(" & ".join(_latex_escape(c) for c in cells[0]) + r" \\")
            out.append(r"\hline")
            out.extend(" & ".join(_latex_escape(c) for c in row) + r" \\" for row in cells[1:])
            out.append(r"\hline")
            for k, v in self.info:
                out.append(_multicolumn(ncol, _latex_escape(
                    f"{k}: {format_value(v, self.digits)}")))
            out.extend(_multicolumn(ncol, _latex_escape(n)) for n in self.notes)
            out.append(r"\end{tabular}")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()

    @classmethod
    def from_results(cls, title: str, info: Iterable[tuple[str, object]],
                     table: pd.DataFrame, notes: Iterable[str] = (),
                     table_name: str = "Estimates") -> Summary:
        """Build a summary with one estimates table (the common case)."""
        return cls(title, tuple(info), ((table_name, table),), tuple(notes))
