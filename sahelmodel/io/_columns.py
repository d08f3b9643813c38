"""Column names of a source: case-free matching, layout renames, and required columns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from sahelmodel.events import EventDataError

if TYPE_CHECKING:  # pragma: no cover
    from sahelmodel.io._common import RawTable

__all__ = ["check_columns", "lower_columns"]


def lower_columns(raw: RawTable, renames: Mapping[str, str] | None = None,
                  notes: Mapping[str, str] | None = None) -> None:
    """Lower-case (and rename) the columns, refusing two that become one name.

    ``notes`` says which layout an original name belongs to, for the message
    (``ally_actor_1`` beside ``assoc_actor_1``).
    """
    renames, notes = renames or {}, notes or {}
    original = [str(c) for c in raw.frame.columns]
    new = [renames.get(c.strip().lower(), c.strip().lower()) for c in original]
    first: dict[str, str] = {}
    for old, name in zip(original, new, strict=True):
        if name in first:
            a, b = first[name], old
            shown = [f"{x!r}" + (f" ({notes[x.lower()]})" if x.lower() in notes else "")
                     for x in (a, b)]
            raise EventDataError(
                f"columns {shown[0]} and {shown[1]} name the same field ({name!r}; column "
                "names are read without regard to case); keep one of them",
                source=raw.source,
            )
        first[name] = old
    raw.frame.columns = new


def check_columns(raw: RawTable, required: Iterable[str], *, layout: str) -> None:
    """Raise :class:`EventDataError` naming every required column the source lacks."""
    missing = [c for c in required if c not in raw.frame.columns]
    if missing:
        listed = ", ".join(repr(c) for c in missing)
        raise EventDataError(
            f"missing required column{'s' if len(missing) > 1 else ''} {listed} "
            f"(expected the {layout} layout)",
            source=raw.source,
        )
