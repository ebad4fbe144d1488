"""A virtual table: 100,000 rows, drawing only the lines on screen.

Textual's ``DataTable`` builds every cell up front: 14.6 s to load 100,000 rows, and ``clear()`` +
``add_rows()`` costs about 200 ms per 1,000 rows on each refresh (DESIGN.md section 5).
``textual-fastdatatable`` is fast but needs pyarrow, whose import alone would eat the 350 ms budget of the
first frame, and it cannot swap its rows in place. So this is a small table of our own on Textual's line
API (:class:`~textual.scroll_view.ScrollView` + :meth:`render_line`): it holds the domain objects as
given plus a row formatter, and formats only the rows being drawn (a small LRU cache keeps them). Sorting
uses a key function per column on the domain object, never formatted text; filtering matches a lowercase
search string made once per object.

A refresh (:meth:`VirtualTable.set_rows`) keeps the cursor on the same row *key* and that row on the same
screen line, so live data never moves what the user is looking at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dashboard.views.columns import Column, Row
from widgets import _table_messages as messages
from widgets._table_render import (
    LRU,
    ColumnLayout,
    RowFilter,
    column_at,
    compile_filter,
    filter_rows,
    header_cells,
    line,
    sort_rows,
)

T = TypeVar("T")

SAMPLE_ROWS = 200
"""Rows formatted up front to size the columns; rows drawn later can only widen them."""
ROW_CACHE = 512
"""Formatted rows kept (a few screens' worth)."""


class VirtualTable(ScrollView, Generic[T], can_focus=True):
    """A table of domain objects of type ``T`` under :class:`~dashboard.views.columns.Column`.

    Rows are identified by a stable key (``key(obj)``); cells come from ``format(obj)``, a
    :class:`~dashboard.views.columns.Row` of Rich Texts (cloud text already made safe, never markup).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "cursor_home", "First", show=False),
        Binding("end", "cursor_end", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-table--header", "virtual-table--cursor"}

    DEFAULT_CSS = """
    VirtualTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .virtual-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class RowHighlighted(messages.RowHighlighted):
        """The cursor moved to another row: ``on_virtual_table_row_highlighted``."""

    class RowSelected(messages.RowSelected):
        """A row was chosen (``enter``, click): ``on_virtual_table_row_selected``."""

    class SortChanged(messages.SortChanged):
        """The sort changed: ``on_virtual_table_sort_changed``."""

    class FilterChanged(messages.FilterChanged):
        """The filter changed: ``on_virtual_table_filter_changed``."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[T], str],
        format: Callable[[T], Row],
        sort_keys: Mapping[str, Callable[[T], Any]] | None = None,
        search: Callable[[T], str] | None = None,
        empty: str = "none",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """A table with no rows yet.

        Args:
            columns: The columns, in order; ``wide`` ones show from 200 cells on.
            key: A row's stable key (a job's ``key``); the cursor follows it across refreshes.
            format: A row's cells, called only for rows being drawn or sized (results cached).
            sort_keys: Per column key, the sort key of a row, on the domain object (None values sort
                last). A column without one sorts by its formatted text, which formats every row.
            search: A row's searchable text; by default the plain text of all its cells (which
                formats every row once). Lower-cased and kept per object.
            empty: What an empty table says.
            name: The widget's name.
            id: The widget's id.
            classes: The widget's CSS classes.
        """
        super().__init__(name=name, id=id, classes=classes)
        self.columns: tuple[Column, ...] = tuple(columns)
        self._key = key
        self._format = format
        self._sort_keys: dict[str, Callable[[T], Any]] = dict(sort_keys or {})
        self._search = search
        self.empty = empty
        self._rows: Sequence[T] = ()
        self._view: list[T] = []
        self._cursor = 0
        self._cursor_key: str | None = None
        self._sort: tuple[str, bool] | None = None
        self._filter: RowFilter | None = None
        self._layout = ColumnLayout(self.columns)
        self._sized = False
        self._formatted: LRU[int, tuple[T, Row]] = LRU(ROW_CACHE)
        self._search_text: dict[int, tuple[T, str]] = {}

    # ------------------------------------------------------------ state

    @property
    def rows(self) -> Sequence[T]:
        """Every row, in the order last given."""
        return self._rows

    @property
    def view(self) -> Sequence[T]:
        """The rows shown: filtered, then sorted."""
        return self._view

    @property
    def cursor_row(self) -> int:
        """The cursor's index in :attr:`view`."""
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor; None when the table is empty."""
        return self._cursor_key if self._view else None

    @property
    def sort(self) -> tuple[str, bool] | None:
        """``(column key, descending)``, or None for the rows' own order."""
        return self._sort

    @property
    def filter_text(self) -> str:
        """The active filter as typed, ``""`` when none."""
        return self._filter.text if self._filter else ""

    @property
    def filter_note(self) -> str | None:
        """Why the filter is not what it looks like (an invalid regex matched as text), or None."""
        return self._filter.note if self._filter else None

    # ------------------------------------------------------------ updates

    def set_rows(
        self,
        rows: Sequence[T],
        *,
        format: Callable[[T], Row] | None = None,
        sort_keys: Mapping[str, Callable[[T], Any]] | None = None,
    ) -> None:
        """Show a new full list of rows, keeping the cursor on its row's key and that row on its line.

        Args:
            rows: Every row, in their own order (used when no sort is set). Kept, not copied.
            format: A new row formatter (e.g. one that knows a later ``now``); drops formatted rows.
            sort_keys: New sort key functions (e.g. durations at a later ``now``), replacing the old.
        """
        if format is not None:
            self._format = format
            self._formatted.clear()
        if sort_keys is not None:
            self._sort_keys = dict(sort_keys)
        self._rows = rows
        if len(self._search_text) > 2 * len(rows) + 1024:
            self._search_text.clear()
        self._rebuild(keep_line=True)

    def sort_by(self, column_key: str | None, reverse: bool = False) -> None:
        """Sort by a column (``reverse``: descending), or by the rows' own order when None.

        Raises:
            KeyError: No column has that key.
        """
        if column_key is not None and all(c.key != column_key for c in self.columns):
            raise KeyError(column_key)
        sort = None if column_key is None else (column_key, reverse)
        if sort == self._sort:
            return
        self._sort = sort
        self._rebuild(keep_line=False)
        self.post_message(self.SortChanged(self, sort))

    def toggle_sort(self, column_key: str) -> None:
        """Sort by a column ascending, or flip its direction when it is already the sort."""
        if self._sort is not None and self._sort[0] == column_key:
            self.sort_by(column_key, not self._sort[1])
        else:
            self.sort_by(column_key, False)

    def set_filter(self, text: str) -> str | None:
        """Keep only rows whose search text matches ``text`` (see
        :func:`widgets._table_render.compile_filter`); ``""`` shows every row again.

        Returns:
            A note when the filter is not taken as written (an invalid regex, matched as text).
        """
        self._filter = compile_filter(text)
        self._rebuild(keep_line=False)
        self.post_message(self.FilterChanged(self, self.filter_text, self.filter_note))
        return self.filter_note

    def move_cursor(self, *, row: int | None = None, key: str | None = None) -> None:
        """Put the cursor on a row by index in :attr:`view` or by key (ignored when not shown)."""
        if key is not None:
            found = self._find(key)
            if found is None:
                return
            row = found
        if row is not None:
            self._set_cursor(row)

    def sort_key(self, column_key: str) -> Callable[[T], Any] | None:
        """The sort key function of a column, if it has one."""
        return self._sort_keys.get(column_key)

    def warm_search(self) -> None:
        """Make every row's search text now, so the first filter is fast. Safe in a worker thread when
        the table has a ``search`` function (the default, formatting rows, is left to the UI thread)."""
        cache, text_of = self._search_text, self._search
        if text_of is None:
            return
        for obj in list(self._rows):
            hit = cache.get(id(obj))
            if hit is None or hit[0] is not obj:
                cache[id(obj)] = (obj, text_of(obj).lower())

    # ------------------------------------------------------------ view building

    def _rebuild(self, *, keep_line: bool) -> None:
        old_key = self._cursor_key
        old_line = self._cursor - int(self.scroll_y)
        rows: Sequence[T] = self._rows
        if self._filter is not None:
            rows = self._filtered(rows, self._filter)
        self._view = self._sorted(rows) if self._sort is not None else list(rows)
        if not self._sized and self._view:
            self._size_columns()
        self.virtual_size = Size(self._content_width(), len(self._view) + 1)
        index = self._find(old_key) if old_key is not None else None
        if index is None:
            self._cursor = max(0, min(self._cursor, len(self._view) - 1))
            target_y = int(self.scroll_y)
        else:
            self._cursor = index
            target_y = index - old_line if keep_line else int(self.scroll_y)
        if self._view:
            self._cursor_key = self._key(self._view[self._cursor])
        self.scroll_to(y=max(0, target_y), animate=False, immediate=True)
        self._scroll_cursor_into_view()
        self.refresh()
        if self._view and self._cursor_key != old_key and self._cursor_key is not None:
            self.post_message(self.RowHighlighted(self, self._cursor_key))

    def _find(self, key: str) -> int | None:
        view, key_of = self._view, self._key
        near = self._cursor
        if near < len(view) and key_of(view[near]) == key:
            return near
        for i, obj in enumerate(view):
            if key_of(obj) == key:
                return i
        return None

    def _filtered(self, rows: Sequence[T], row_filter: RowFilter) -> list[T]:
        return filter_rows(rows, row_filter, self._search_text, self._search or self._plain)

    def _plain(self, obj: T) -> str:
        return "  ".join(cell.plain for cell in self._row(obj).cells)

    def _sorted(self, rows: Sequence[T]) -> list[T]:
        assert self._sort is not None
        column_key, reverse = self._sort
        fn = self._sort_keys.get(column_key)
        if fn is None:
            index = next(i for i, c in enumerate(self.columns) if c.key == column_key)
            values: list[Any] = [self._row(obj).cells[index].plain for obj in rows]
        else:
            values = [fn(obj) for obj in rows]
        return sort_rows(rows, values, reverse)

    # ------------------------------------------------------------ columns

    def _row(self, obj: T) -> Row:
        hit = self._formatted.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        row = self._format(obj)
        self._formatted.put(id(obj), (obj, row))
        if self._layout.widen(row.cells):
            self.virtual_size = Size(self._content_width(), len(self._view) + 1)
            self.refresh()
        return row

    def _size_columns(self) -> None:
        """Size the columns from the first rows shown; later rows can only widen them."""
        self._sized = True
        for obj in self._view[:SAMPLE_ROWS]:
            self._row(obj)

    def _widths(self, width: int) -> tuple[list[int], list[int]]:
        return self._layout.widths(width)

    def _content_width(self) -> int:
        return self._layout.content_width(self.scrollable_content_region.width or 80)

    # ------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header on line 0, else the row scrolled there."""
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        shown, widths = self._widths(width)
        base = self.rich_style
        if y == 0:
            text = line(self.columns, shown, widths, header_cells(self.columns, self._sort))
            style = base + self.get_component_rich_style("virtual-table--header")
        else:
            index = scroll_y + y - 1
            if index >= len(self._view):
                if index == 0:
                    note = "no match" if self._filter is not None else self.empty
                    text = Text(note, style="dim", end="")
                    return self._strip(text, scroll_x, width, base)
                return Strip.blank(width, base)
            row = self._row(self._view[index])
            text = line(self.columns, shown, widths, row.cells, row.style)
            style = base
            if index == self._cursor:
                style = base + self.get_component_rich_style("virtual-table--cursor")
                text.stylize(style)
        return self._strip(text, scroll_x, width, style)

    def _strip(self, text: Text, scroll_x: int, width: int, style: Style) -> Strip:
        segments = list(Segment.apply_style(text.render(self.app.console), style))
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, style)

    def on_resize(self, event: events.Resize) -> None:
        """Lay the columns out again for the new width."""
        self.virtual_size = Size(self._content_width(), len(self._view) + 1)
        self._scroll_cursor_into_view()

    # ------------------------------------------------------------ cursor

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _set_cursor(self, index: int) -> None:
        if not self._view:
            return
        index = max(0, min(index, len(self._view) - 1))
        old = self._cursor
        self._cursor = index
        self._cursor_key = self._key(self._view[index])
        self.refresh_line(old + 1)
        self.refresh_line(index + 1)
        self._scroll_cursor_into_view()
        if index != old:
            self.post_message(self.RowHighlighted(self, self._cursor_key))

    def _scroll_cursor_into_view(self) -> None:
        top = int(self.scroll_y)
        page = self._page()
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + page:
            self.scroll_to(y=self._cursor - page + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        """Cursor one row up."""
        self._set_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        """Cursor one row down."""
        self._set_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        """Cursor and view one page up."""
        page = self._page()
        self.scroll_to(y=max(0, int(self.scroll_y) - page), animate=False, immediate=True)
        self._set_cursor(self._cursor - page)

    def action_page_down(self) -> None:
        """Cursor and view one page down."""
        page = self._page()
        self.scroll_to(y=int(self.scroll_y) + page, animate=False, immediate=True)
        self._set_cursor(self._cursor + page)

    def action_cursor_home(self) -> None:
        """Cursor on the first row."""
        self._set_cursor(0)

    def action_cursor_end(self) -> None:
        """Cursor on the last row."""
        self._set_cursor(len(self._view) - 1)

    def action_select(self) -> None:
        """Tell the app the row under the cursor was chosen."""
        if self._view and self._cursor_key is not None:
            self.post_message(self.RowSelected(self, self._cursor_key))

    def action_clear_filter(self) -> None:
        """Show every row again."""
        self.set_filter("")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``escape`` clears a filter only when there is one; otherwise it goes to the app (back)."""
        if action == "clear_filter":
            return self._filter is not None
        return True

    def on_click(self, event: events.Click) -> None:
        """A click on the header sorts by that column (again: the other way); on a row, selects it."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            shown, widths = self._widths(self.scrollable_content_region.width)
            index = column_at(shown, widths, offset.x + int(self.scroll_x))
            if index is not None:
                self.toggle_sort(self.columns[index].key)
            return
        row = int(self.scroll_y) + offset.y - 1
        if 0 <= row < len(self._view):
            self._set_cursor(row)
            self.action_select()
