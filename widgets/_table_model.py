"""What :class:`widgets.table.VirtualTable` shows, without Textual: every row as a domain object, the
rows shown (filtered, then sorted), the formatted rows being drawn, each row's search text and the column
widths. The widget adds the cursor, scrolling, drawing and input."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar, overload

from dashboard.views.columns import Column, Row
from widgets._table_render import LRU, ColumnLayout, RowFilter, compile_filter, sort_rows

T = TypeVar("T")
V = TypeVar("V")
D = TypeVar("D")

SAMPLE_ROWS = 60
"""Rows formatted up front to size the columns (a screen's worth); rows drawn later can only widen them."""
ROW_CACHE = 512
"""Formatted rows kept (a few screens' worth)."""


class IdentityCache(Generic[V]):
    """A value per object, by the object's identity (for objects that cannot be hashed, like jobs).

    The objects are kept alive alongside (in a plain list, 8 bytes each), so an ``id`` in the cache is
    always its own object's: no other can be born with it. With 100,000 rows that is 5 MB less than a
    ``(object, value)`` tuple per entry. Not locked: two threads filling it at once may keep an object
    twice, never a wrong value.
    """

    __slots__ = ("_kept", "_values")

    def __init__(self) -> None:
        """Empty."""
        self._values: dict[int, V] = {}
        self._kept: list[object] = []

    def __len__(self) -> int:
        """How many objects have a value."""
        return len(self._values)

    @overload
    def get(self, obj: object) -> V | None: ...

    @overload
    def get(self, obj: object, default: D) -> V | D: ...

    def get(self, obj: object, default: object = None) -> object:
        """The value of ``obj``, or ``default``."""
        return self._values.get(id(obj), default)

    def put(self, obj: object, value: V) -> V:
        """Remember ``value`` for ``obj``; returns it."""
        values = self._values
        key = id(obj)
        if key not in values:
            self._kept.append(obj)
        values[key] = value
        return value

    def clear(self) -> None:
        """Forget every value (and let the objects go)."""
        self._values = {}
        self._kept = []

    def keep_only(self, objs: Sequence[object]) -> None:
        """Forget the values of objects not in ``objs`` (older versions of rows), keeping the others."""
        values = self._values
        kept: list[object] = []
        fresh: dict[int, V] = {}
        for obj in objs:
            key = id(obj)
            if key in values and key not in fresh:
                fresh[key] = values[key]
                kept.append(obj)
        self._values, self._kept = fresh, kept


class TableModel(Generic[T]):
    """Rows of ``T`` under columns: see :class:`widgets.table.VirtualTable` for the arguments."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[T], str],
        format: Callable[[T], Row],
        sort_keys: Mapping[str, Callable[[T], Any]] | None = None,
        search: Callable[[T], str] | None = None,
    ) -> None:
        self.columns: tuple[Column, ...] = tuple(columns)
        self.key = key
        self.format = format
        self.sort_keys: dict[str, Callable[[T], Any]] = dict(sort_keys or {})
        self.search = search
        self.rows: Sequence[T] = ()
        self.view: list[T] = []
        """The rows shown: filtered, then sorted."""
        self.sort: tuple[str, bool] | None = None
        self.filter: RowFilter | None = None
        self.layout = ColumnLayout(self.columns)
        self._sized = False
        self._formatted: LRU[int, tuple[T, Row]] = LRU(ROW_CACHE)
        self._search_text: IdentityCache[str] = IdentityCache()
        """Lowercase search text per object."""

    def replace(
        self,
        rows: Sequence[T],
        format: Callable[[T], Row] | None = None,
        sort_keys: Mapping[str, Callable[[T], Any]] | None = None,
    ) -> None:
        """Take a new full list of rows (and formatter, sort keys); call :meth:`rebuild` after."""
        if format is not None:
            self.format = format
            self._formatted.clear()
        if sort_keys is not None:
            self.sort_keys = dict(sort_keys)
        self.rows = rows
        if len(self._search_text) > 2 * len(rows) + 1024:
            self._search_text.clear()

    def set_filter(self, text: str) -> None:
        """Filter by ``text`` (see :func:`widgets._table_render.compile_filter`); call :meth:`rebuild`."""
        self.filter = compile_filter(text)

    def rebuild(self) -> None:
        """Filter and sort the rows into :attr:`view`; the first time, size the columns from a sample."""
        rows: Sequence[T] = self.rows
        if self.filter is not None:
            rows = self._filtered(rows, self.filter)
        self.view = self._sorted(rows) if self.sort is not None else list(rows)
        if not self._sized and self.view:
            self._sized = True
            for obj in self.view[:SAMPLE_ROWS]:
                self.row(obj)

    def row(self, obj: T) -> tuple[Row, bool]:
        """A row's cells (formatted once, then cached) and whether they widened a column."""
        hit = self._formatted.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1], False
        row = self.format(obj)
        self._formatted.put(id(obj), (obj, row))
        return row, self.layout.widen(row.cells)

    def find(self, key: str, near: int) -> int | None:
        """The index in :attr:`view` of the row with ``key``, looking at ``near`` first."""
        view, key_of = self.view, self.key
        if near < len(view) and key_of(view[near]) == key:
            return near
        for i, obj in enumerate(view):
            if key_of(obj) == key:
                return i
        return None

    def warm_search(self) -> None:
        """Make every row's search text now. Safe in a worker thread when there is a ``search``
        function (the default, formatting rows, is left to the UI thread)."""
        cache, text_of = self._search_text, self.search
        if text_of is None:
            return
        rows = list(self.rows)
        if len(cache) > len(rows):
            cache.keep_only(rows)  # the texts of jobs since replaced go
        for obj in rows:
            if cache.get(obj) is None:
                cache.put(obj, text_of(obj).lower())

    def _filtered(self, rows: Sequence[T], row_filter: RowFilter) -> list[T]:
        """The rows ``row_filter`` keeps, by their lowercase search text (made once per object)."""
        cache, text_of = self._search_text, self.search or self._plain
        keep = row_filter.keep
        out: list[T] = []
        for obj in rows:
            text = cache.get(obj)
            if text is None:
                text = cache.put(obj, text_of(obj).lower())
            if keep(text):
                out.append(obj)
        return out

    def _plain(self, obj: T) -> str:
        return "  ".join(cell.plain for cell in self.row(obj)[0].cells)

    def _sorted(self, rows: Sequence[T]) -> list[T]:
        assert self.sort is not None
        column_key, reverse = self.sort
        fn = self.sort_keys.get(column_key)
        if fn is None:
            index = next(i for i, c in enumerate(self.columns) if c.key == column_key)
            values: list[Any] = [self.row(obj)[0].cells[index].plain for obj in rows]
        else:
            values = [fn(obj) for obj in rows]
        return sort_rows(rows, values, reverse)
