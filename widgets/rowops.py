"""Filtering, sorting and exporting table rows: pure functions over :class:`~dashboard.views.columns.Row`.

A filter is a substring (case-insensitive) or, when it compiles and holds a regex character, a regular
expression; a leading ``!`` keeps the rows that do *not* match. Sorting reads a cell's value back from
its text (``3m12s``, ``1.50 GiB``, ``$12.34/h``, ``42%``, ``1,234``) so numbers sort as numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Sequence

from dashboard.views.columns import Column, Row

_REGEX_CHARS = set(".*+?[](){}|^$\\")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
_SIZE_UNITS = {"B": 0, "KiB": 1, "MiB": 2, "GiB": 3, "TiB": 4, "PiB": 5, "EiB": 6}
_NUMBER = re.compile(r"^[~<]?\$?(-?[\d,]*\.?\d+)(%|/h)?$")


def matcher(pattern: str) -> Callable[[str], bool] | None:
    """A predicate for ``pattern`` (None: everything matches). ``!`` in front inverts it."""
    invert = pattern.startswith("!")
    body = pattern[1:] if invert else pattern
    if not body:
        return None
    test: Callable[[str], bool]
    if _REGEX_CHARS & set(body):
        try:
            regex = re.compile(body, re.IGNORECASE)
        except re.error:
            regex = None
        if regex is not None:
            test = lambda text: regex.search(text) is not None  # noqa: E731
        else:
            folded = body.casefold()
            test = lambda text: folded in text.casefold()  # noqa: E731
    else:
        folded = body.casefold()
        test = lambda text: folded in text.casefold()  # noqa: E731
    if invert:
        return lambda text: not test(text)
    return test


def row_text(row: Row) -> str:
    """All of a row's cells as one searchable line."""
    return "\t".join(cell.plain for cell in row.cells)


def filter_rows(rows: Sequence[Row], pattern: str) -> list[Row]:
    """The rows whose text matches ``pattern`` (see :func:`matcher`)."""
    test = matcher(pattern)
    if test is None:
        return list(rows)
    return [row for row in rows if test(row_text(row))]


def sort_value(text: str) -> tuple[int, float, str]:
    """A sort key for a cell's text: numbers, durations, sizes, money and percentages by value, anything
    else by its folded text, unknown (``-``) last."""
    plain = text.strip()
    if plain in ("", "-", "—", "–"):
        return (2, 0.0, "")
    match = _DURATION.match(plain)
    if match and any(match.groups()):
        d, h, m, s = (int(g or 0) for g in match.groups())
        return (0, float(((d * 24 + h) * 60 + m) * 60 + s), "")
    parts = plain.split(" ")
    if len(parts) == 2 and parts[1] in _SIZE_UNITS:
        try:
            return (0, float(parts[0]) * 1024 ** _SIZE_UNITS[parts[1]], "")
        except ValueError:
            pass
    match = _NUMBER.match(plain)
    if match:
        try:
            return (0, float(match.group(1).replace(",", "")), "")
        except ValueError:
            pass
    return (1, 0.0, plain.casefold())


def sort_rows(rows: Sequence[Row], index: int, *, reverse: bool = False) -> list[Row]:
    """The rows sorted by column ``index`` (stable; unknown values last either way)."""
    keyed = [(sort_value(row.cells[index].plain), row) for row in rows]
    known = [kr for kr in keyed if kr[0][0] < 2]
    unknown = [row for key, row in keyed if key[0] == 2]
    known.sort(key=lambda kr: kr[0], reverse=reverse)
    return [row for _, row in known] + unknown


def to_records(columns: Sequence[Column], rows: Sequence[Row]) -> list[dict[str, str]]:
    """Rows as dicts of column key to the cell's text, as shown."""
    return [{c.key: row.cells[i].plain for i, c in enumerate(columns)} for row in rows]


def to_csv(columns: Sequence[Column], rows: Sequence[Row]) -> str:
    """Rows as CSV, a header of column titles first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([cell.plain for cell in row.cells])
    return out.getvalue()


def to_json(columns: Sequence[Column], rows: Sequence[Row]) -> str:
    """Rows as a JSON array of objects keyed by column key."""
    return json.dumps(to_records(columns, rows), indent=2, ensure_ascii=False) + "\n"
