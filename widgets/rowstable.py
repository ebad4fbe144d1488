"""A keyed table of view rows with filter and sort, over Textual's DataTable: the panes' table until the
fast line-API table (``widgets/table.py``) takes over. Fine for the small tables (tens to hundreds of rows);
its public surface (``show``, ``set_filter``, ``set_sort``, ``visible_rows``, ``cursor_key`` and the
``Selected``/``SortChanged`` messages) is what the panes use, so the table behind it can change.

A refresh keeps the cursor on the same row key and the scroll position where it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from dashboard.ui_state import SortState
from dashboard.views import grid
from dashboard.views.columns import WIDE_AT, Column, Row
from widgets.rowops import filter_rows, sort_rows


class RowsTable(DataTable[Text]):
    """Rows of a pane, keyed, filtered and sorted.

    | Key | Action |
    | --- | --- |
    | `s` | sort by the next column |
    | `S` | reverse the sort |
    | `esc` | clear the filter (or go back when there is none) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "cycle_sort", "Sort", id="table.sort"),
        Binding("S", "reverse_sort", "Reverse", key_display="S", id="table.reverse"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="table.clear_filter"),
    ]

    class Selected(Message):
        """A row was chosen (``enter`` or a click): handled by ``on_rows_table_selected``."""

        def __init__(self, table: RowsTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> RowsTable:
            """The table."""
            return self.table

    class SortChanged(Message):
        """The sort changed: handled by ``on_rows_table_sort_changed`` (to remember it)."""

        def __init__(self, table: RowsTable, sort: SortState | None) -> None:
            super().__init__()
            self.table = table
            self.sort = sort

        @property
        def control(self) -> RowsTable:
            """The table."""
            return self.table

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes, cursor_type="row", zebra_stripes=False)
        self._columns: tuple[Column, ...] = ()
        self._shown: list[int] = []
        self._rows: list[Row] = []
        self._visible: list[Row] = []
        self.filter_text = ""
        self.sort_state: SortState | None = None

    # ---------------------------------------------------------------- public API

    @property
    def columns_shown(self) -> tuple[Column, ...]:
        """The table's columns (all of them, wide ones included)."""
        return self._columns

    @property
    def visible_rows(self) -> list[Row]:
        """The rows as shown: filtered and sorted."""
        return list(self._visible)

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor."""
        if not self._visible or self.cursor_row >= len(self._visible):
            return None
        return self._visible[max(0, self.cursor_row)].key

    def show(self, columns: Sequence[Column], rows: Sequence[Row]) -> None:
        """Show ``rows``; the cursor stays on its row (by key) and the scroll position is kept."""
        self._columns = tuple(columns)
        self._rows = list(rows)
        self._redraw()

    def set_filter(self, text: str) -> None:
        """Keep the rows matching ``text`` (substring or regex, ``!`` inverts; empty: all rows)."""
        self.filter_text = text
        self._redraw()

    def set_sort(self, sort: SortState | None, *, announce: bool = True) -> None:
        """Sort by a column key (None: the view's order)."""
        self.sort_state = sort
        self._redraw()
        if announce:
            self.post_message(self.SortChanged(self, sort))

    # ---------------------------------------------------------------- private

    def _sorted(self) -> list[Row]:
        rows = filter_rows(self._rows, self.filter_text)
        if self.sort_state is not None:
            keys = [c.key for c in self._columns]
            if self.sort_state.column in keys:
                rows = sort_rows(rows, keys.index(self.sort_state.column), reverse=self.sort_state.reverse)
        return rows

    def _redraw(self) -> None:
        old_key = self.cursor_key
        old_row = self.cursor_row
        scroll_x, scroll_y = self.scroll_x, self.scroll_y
        wide = self.app.size.width >= WIDE_AT
        shown = [i for i, c in enumerate(self._columns) if wide or not c.wide]
        self._visible = self._sorted()
        widths = grid.natural_widths(self._columns, self._visible, shown)
        self.clear(columns=True)
        for k, i in enumerate(shown):
            column = self._columns[i]
            label = column.header
            if self.sort_state is not None and self.sort_state.column == column.key:
                label += " ▼" if self.sort_state.reverse else " ▲"
            self.add_column(Text(label, justify=column.justify), key=column.key, width=widths[k])
        self._shown = shown
        self.add_rows([[_fit(row.cells[i], self._columns[i]) for i in shown] for row in self._visible])
        if self._visible:
            keys = [row.key for row in self._visible]
            target = keys.index(old_key) if old_key in keys else min(max(0, old_row), len(keys) - 1)
            self.move_cursor(row=target, animate=False, scroll=False)
        self.scroll_to(scroll_x, scroll_y, animate=False, immediate=True)

    def _on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def _on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        column = self._columns[self._shown[event.column_index]]
        same = self.sort_state is not None and self.sort_state.column == column.key
        reverse = not self.sort_state.reverse if same and self.sort_state is not None else False
        self.set_sort(SortState(column=column.key, reverse=reverse))

    # ---------------------------------------------------------------- actions

    def action_cycle_sort(self) -> None:
        """Sort by the next column (after the last, the view's own order)."""
        keys = [self._columns[i].key for i in self._shown]
        if not keys:
            return
        if self.sort_state is None or self.sort_state.column not in keys:
            self.set_sort(SortState(column=keys[0]))
        elif keys.index(self.sort_state.column) + 1 < len(keys):
            self.set_sort(SortState(column=keys[keys.index(self.sort_state.column) + 1]))
        else:
            self.set_sort(None)

    def action_reverse_sort(self) -> None:
        """Reverse the sort (sorting by the first column if there was none)."""
        if self.sort_state is None:
            if self._shown:
                self.set_sort(SortState(column=self._columns[self._shown[0]].key, reverse=True))
            return
        self.set_sort(SortState(column=self.sort_state.column, reverse=not self.sort_state.reverse))

    def action_clear_filter(self) -> None:
        """Clear the filter; with none set, let ``esc`` go back."""
        if not self.filter_text:
            raise SkipAction()
        self.set_filter("")


def _fit(text: Text, column: Column) -> Text:
    """A cell on one line, cut with an ellipsis at the column's width."""
    if text.no_wrap and text.overflow == "ellipsis":
        return text
    fitted = text.copy()
    fitted.no_wrap = True
    fitted.overflow = "ellipsis"
    return fitted
