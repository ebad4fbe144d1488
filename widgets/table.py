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
from widgets._table_model import TableModel
from widgets._table_render import column_at, header_cells, line

T = TypeVar("T")


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
        self.model = TableModel(columns, key=key, format=format, sort_keys=sort_keys, search=search)
        self.columns = self.model.columns
        self.empty = empty
        self._cursor = 0
        self._cursor_key: str | None = None

    # ------------------------------------------------------------ state

    @property
    def rows(self) -> Sequence[T]:
        """Every row, in the order last given."""
        return self.model.rows

    @property
    def view(self) -> Sequence[T]:
        """The rows shown: filtered, then sorted."""
        return self.model.view

    @property
    def cursor_row(self) -> int:
        """The cursor's index in :attr:`view`."""
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor; None when the table is empty."""
        return self._cursor_key if self.model.view else None

    @property
    def sort(self) -> tuple[str, bool] | None:
        """``(column key, descending)``, or None for the rows' own order."""
        return self.model.sort

    @property
    def filter_text(self) -> str:
        """The active filter as typed, ``""`` when none."""
        return self.model.filter.text if self.model.filter else ""

    @property
    def filter_note(self) -> str | None:
        """Why the filter is not what it looks like (an invalid regex matched as text), or None."""
        return self.model.filter.note if self.model.filter else None

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
        self.model.replace(rows, format, sort_keys)
        self._rebuild(keep_line=True)

    def sort_by(self, column_key: str | None, reverse: bool = False) -> None:
        """Sort by a column (``reverse``: descending), or by the rows' own order when None.

        Raises:
            KeyError: No column has that key.
        """
        if column_key is not None and all(c.key != column_key for c in self.columns):
            raise KeyError(column_key)
        sort = None if column_key is None else (column_key, reverse)
        if sort == self.model.sort:
            return
        self.model.sort = sort
        self._rebuild(keep_line=False)
        self.post_message(self.SortChanged(self, sort))

    def toggle_sort(self, column_key: str) -> None:
        """Sort by a column ascending, or flip its direction when it is already the sort."""
        sort = self.model.sort
        if sort is not None and sort[0] == column_key:
            self.sort_by(column_key, not sort[1])
        else:
            self.sort_by(column_key, False)

    def set_filter(self, text: str) -> str | None:
        """Keep only rows whose search text matches ``text`` (see
        :func:`widgets._table_render.compile_filter`); ``""`` shows every row again.

        Returns:
            A note when the filter is not taken as written (an invalid regex, matched as text).
        """
        self.model.set_filter(text)
        self._rebuild(keep_line=False)
        self.post_message(self.FilterChanged(self, self.filter_text, self.filter_note))
        return self.filter_note

    def move_cursor(self, *, row: int | None = None, key: str | None = None) -> None:
        """Put the cursor on a row by index in :attr:`view` or by key (ignored when not shown)."""
        if key is not None:
            found = self.model.find(key, self._cursor)
            if found is None:
                return
            row = found
        if row is not None:
            self._set_cursor(row)

    def sort_key(self, column_key: str) -> Callable[[T], Any] | None:
        """The sort key function of a column, if it has one."""
        return self.model.sort_keys.get(column_key)

    def warm_search(self) -> None:
        """Make every row's search text now, so the first filter is fast (see
        :meth:`widgets._table_model.TableModel.warm_search`; fine in a worker thread)."""
        self.model.warm_search()

    # ------------------------------------------------------------ view building

    def _rebuild(self, *, keep_line: bool) -> None:
        old_key = self._cursor_key
        old_line = self._cursor - int(self.scroll_y)
        model = self.model
        model.rebuild()
        view = model.view
        self._fit_virtual_size()
        index = model.find(old_key, self._cursor) if old_key is not None else None
        if index is None:
            self._cursor = max(0, min(self._cursor, len(view) - 1))
            target_y = int(self.scroll_y)
        else:
            self._cursor = index
            target_y = index - old_line if keep_line else int(self.scroll_y)
        if view:
            self._cursor_key = model.key(view[self._cursor])
        self.scroll_to(y=max(0, target_y), animate=False, immediate=True)
        if not keep_line:  # a new sort or filter shows the cursor; a refresh leaves the view alone
            self._scroll_cursor_into_view()
        self.refresh()
        if view and self._cursor_key != old_key and self._cursor_key is not None:
            self.post_message(self.RowHighlighted(self, self._cursor_key))

    def _row(self, obj: T) -> Row:
        row, widened = self.model.row(obj)
        if widened:
            self._fit_virtual_size()
            self.refresh()
        return row

    def _widths(self, width: int) -> tuple[list[int], list[int]]:
        return self.model.layout.widths(width)

    def _content_width(self) -> int:
        return self.model.layout.content_width(self.scrollable_content_region.width or 80)

    # ------------------------------------------------------------ drawing

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header on line 0, else the row scrolled there."""
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        shown, widths = self._widths(width)
        base = self.rich_style
        if y == 0:
            if self._content_width() != self.virtual_size.width:  # a scrollbar came or went: no Resize
                self.call_later(self._fit_virtual_size)
            text = line(self.columns, shown, widths, header_cells(self.columns, self.model.sort))
            style = base + self.get_component_rich_style("virtual-table--header")
        else:
            index = scroll_y + y - 1
            if index >= len(self.model.view):
                if index == 0:
                    note = "no match" if self.model.filter is not None else self.empty
                    text = Text(note, style="dim", end="")
                    return self._strip(text, scroll_x, width, base)
                return Strip.blank(width, base)
            row = self._row(self.model.view[index])
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
        self._fit_virtual_size()
        self._scroll_cursor_into_view()

    def _fit_virtual_size(self) -> None:
        """The scrollable size: the columns as laid out for the width there is now, and every row."""
        self.virtual_size = Size(self._content_width(), len(self.model.view) + 1)

    # ------------------------------------------------------------ cursor

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _set_cursor(self, index: int) -> None:
        if not self.model.view:
            return
        index = max(0, min(index, len(self.model.view) - 1))
        old = self._cursor
        self._cursor = index
        self._cursor_key = self.model.key(self.model.view[index])
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
        self._set_cursor(len(self.model.view) - 1)

    def action_select(self) -> None:
        """Tell the app the row under the cursor was chosen."""
        if self.model.view and self._cursor_key is not None:
            self.post_message(self.RowSelected(self, self._cursor_key))

    def action_clear_filter(self) -> None:
        """Show every row again."""
        self.set_filter("")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``escape`` clears a filter only when there is one; otherwise it goes to the app (back)."""
        if action == "clear_filter":
            return self.model.filter is not None
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
        if 0 <= row < len(self.model.view):
            self._set_cursor(row)
            self.action_select()
