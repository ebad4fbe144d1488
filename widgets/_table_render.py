"""The pure half of :class:`widgets.table.VirtualTable`: column layout, one line of cells as a Text, the
filter language, and the small caches. No Textual here, so each piece is cheap to test and to time."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich.text import Text

from dashboard.views import grid
from dashboard.views.columns import WIDE_AT, Column

GAP = grid.GAP
"""Spaces between columns."""
SORT_MARKS = {False: " ▲", True: " ▼"}
"""Appended to the header of the sorted column: ascending, descending."""

K = TypeVar("K")
T = TypeVar("T")
V = TypeVar("V")


def shown_columns(columns: Sequence[Column], width: int) -> list[int]:
    """Indexes of the columns shown at ``width`` cells: ``wide`` ones only from :data:`WIDE_AT` on."""
    wide = width >= WIDE_AT
    return [i for i, c in enumerate(columns) if wide or not c.wide]


def natural_width(column: Column, cell_len: int) -> int:
    """A column's width for a cell of ``cell_len``: at least its header, within its min and max."""
    width = max(cell_len, len(column.header) + 2)  # room for the sort mark
    if column.max_width is not None:
        width = min(width, column.max_width)
    if column.min_width is not None and not column.shrink:  # a shrink column's floor, not its padding
        width = max(width, column.min_width)
    return width


def fit(
    columns: Sequence[Column], shown: Sequence[int], natural: Sequence[int], width: int
) -> tuple[list[int], list[int]]:
    """The columns kept for a line of ``width`` cells and their widths: columns of a ``drop`` priority
    give way when even the narrowest layout does not fit, then ``shrink`` columns narrow
    (:func:`dashboard.views.grid.fit_columns`); what still does not fit scrolls horizontally."""
    return grid.fit_columns(columns, shown, [natural[i] for i in shown], width)


def line(
    columns: Sequence[Column],
    shown: Sequence[int],
    widths: Sequence[int],
    cells: Sequence[Text],
    style: str = "",
) -> Text:
    """One table line: the shown cells, each fitted to its width, ``GAP`` spaces apart."""
    out = Text(style=style, no_wrap=True, overflow="crop", end="")
    gap = " " * GAP
    last = len(shown) - 1
    for k, i in enumerate(shown):
        if k:
            out.append(gap)
        column = columns[i]
        out.append_text(grid.fit_cell(cells[i], widths[k], column.justify, k == last, column.cut))
    return out


def header_cells(columns: Sequence[Column], sort: tuple[str, bool] | None) -> list[Text]:
    """The header cells, the sorted column marked ▲ (ascending) or ▼ (descending)."""
    out = []
    for column in columns:
        text = Text(column.header)
        if sort is not None and sort[0] == column.key:
            text.append(SORT_MARKS[sort[1]])
        out.append(text)
    return out


def column_at(shown: Sequence[int], widths: Sequence[int], x: int) -> int | None:
    """The index of the column under content offset ``x`` (gaps belong to the column on their left)."""
    edge = 0
    for k, i in enumerate(shown):
        edge += widths[k] + GAP
        if x < edge:
            return i
    return None


class ColumnLayout:
    """Column widths: each column's natural width (grown by the widest cell seen, never shrunk, so the
    table does not jitter while scrolling) and the fitted widths for a line width, cached."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self.natural = [natural_width(c, 0) for c in self.columns]
        self._cache: tuple[int, tuple[int, ...], list[int], list[int]] | None = None

    def widen(self, cells: Sequence[Text]) -> bool:
        """Widen the columns these cells need (within their max); whether any changed."""
        changed = False
        for i, (column, cell) in enumerate(zip(self.columns, cells, strict=False)):
            width = natural_width(column, cell.cell_len)
            if width > self.natural[i]:
                self.natural[i] = width
                changed = True
        return changed

    def widths(self, width: int) -> tuple[list[int], list[int]]:
        """The columns shown at ``width`` cells and their widths."""
        cache = self._cache
        natural = tuple(self.natural)
        if cache is None or cache[0] != width or cache[1] != natural:
            shown, widths = fit(self.columns, shown_columns(self.columns, width), natural, width)
            cache = (width, natural, shown, widths)
            self._cache = cache
        return cache[2], cache[3]

    def content_width(self, width: int) -> int:
        """How wide a line is when laid out for ``width`` cells (wider: it scrolls horizontally)."""
        shown, widths = self.widths(width)
        return sum(widths) + GAP * max(0, len(shown) - 1)


@dataclass(frozen=True, slots=True)
class RowFilter:
    """A compiled filter: what the user typed, how it matches, and any note about it."""

    text: str
    """As typed, ``!`` included."""
    invert: bool
    regex: bool
    """Matched as a regular expression (else as a plain substring)."""
    note: str | None
    """Why it is not what it looked like, e.g. an invalid regex matched as text."""
    match: Callable[[str], bool]
    """Whether a row's lowercase search text matches, before inversion."""

    def keep(self, search_text: str) -> bool:
        """Whether a row with this lowercase search text stays."""
        return self.match(search_text) != self.invert


_REGEX_CHARS = re.compile(r"[.^$*+?{}\[\]\\|()]")


def compile_filter(text: str) -> RowFilter | None:
    """Parse a filter: a substring, or a regular expression when it has regex characters (case
    ignored); a leading ``!`` keeps the rows that do *not* match. An invalid regex is matched as plain
    text and the filter's :attr:`~RowFilter.note` says so. Empty (or a lone ``!``): None, no filter.
    """
    invert = text.startswith("!")
    body = text[1:] if invert else text
    if not body:
        return None
    needle = body.lower()
    if _REGEX_CHARS.search(body) is None:
        return RowFilter(text, invert, False, None, _contains(needle))
    try:
        # Search texts are lower-cased: a pattern without capitals matches them as it is, which is
        # several times faster than re.IGNORECASE.
        pattern = re.compile(body, 0 if body == body.lower() else re.IGNORECASE)
    except re.error as exc:
        note = f"invalid regex ({exc.msg}): matching the text as typed"
        return RowFilter(text, invert, False, note, _contains(needle))
    words = needle.split("|")
    if len(words) > 1 and all(w and _REGEX_CHARS.search(w) is None for w in words):
        return RowFilter(text, invert, True, None, _contains_any(tuple(words)))  # a|b|c: 3x faster
    search = pattern.search
    return RowFilter(text, invert, True, None, lambda s: search(s) is not None)


def _contains(needle: str) -> Callable[[str], bool]:
    return lambda s: needle in s


def _contains_any(needles: tuple[str, ...]) -> Callable[[str], bool]:
    if len(needles) == 2:  # the common ``a|b``, without a generator per row
        a, b = needles
        return lambda s: a in s or b in s
    return lambda s: any(n in s for n in needles)


def filter_rows(
    rows: Sequence[T],
    row_filter: RowFilter,
    cache: dict[int, tuple[T, str]],
    text_of: Callable[[T], str],
) -> list[T]:
    """The rows ``row_filter`` keeps. Each object's lowercase search text is made once and kept in
    ``cache`` (by object identity, the object kept alongside so the identity stays its own)."""
    out = []
    keep = row_filter.keep
    for obj in rows:
        hit = cache.get(id(obj))
        if hit is None or hit[0] is not obj:
            text = text_of(obj).lower()
            cache[id(obj)] = (obj, text)
        else:
            text = hit[1]
        if keep(text):
            out.append(obj)
    return out


def sort_rows(rows: Sequence[T], values: Sequence[Any], reverse: bool) -> list[T]:
    """``rows`` ordered by their sort ``values`` (stable; None values last in either direction)."""
    present = [i for i, v in enumerate(values) if v is not None]
    present.sort(key=values.__getitem__, reverse=reverse)
    missing = [i for i, v in enumerate(values) if v is None]
    return [rows[i] for i in present] + [rows[i] for i in missing]


class LRU(Generic[K, V]):
    """A small least-recently-used cache."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The value for ``key``, now most recent; None when absent."""
        value = self._data.get(key)
        if value is not None:
            self._data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        """Remember ``value``, forgetting the least recent entry beyond the size."""
        self._data[key] = value
        self._data.move_to_end(key)
        if len(self._data) > self._size:
            self._data.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
