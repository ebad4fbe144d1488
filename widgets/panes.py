"""The panes: a table pane (status heading, filter line, keyed table, notes below) and a static pane.

Each pane takes the prepared :class:`~widgets.panedata.PaneData` of the latest frame with ``update``; the
rows were built off the UI thread.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from dashboard.ui_state import SortState
from dashboard.views.columns import Row
from dashboard.views.items import Item
from widgets.panedata import PaneData, TableData
from widgets.rowstable import RowsTable


class TablePane(Vertical):
    """A pane around one table of things one can open.

    | Key | Action |
    | --- | --- |
    | `/` | filter the rows (substring or regex; `!` inverts; `esc` clears) |
    | `enter` | open the row under the cursor |
    | `y` | the raw API payload of the row under the cursor |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", key_display="/", id="pane.filter"),
        Binding("enter", "open", "Open", id="pane.open"),
        Binding("y", "raw", "Raw", id="pane.raw"),
    ]

    DEFAULT_CSS = """
    TablePane { height: 1fr; }
    TablePane > .pane-heading { height: 1; }
    TablePane > Input { display: none; height: 3; }
    TablePane.-filtering > Input { display: block; }
    TablePane > RowsTable { height: 1fr; }
    TablePane > .pane-notes { height: auto; max-height: 30%; }
    """

    class Opened(Message):
        """A row was opened: handled by ``on_table_pane_opened``."""

        def __init__(self, pane: TablePane, kind: str, key: str, item: Item, raw: bool) -> None:
            super().__init__()
            self.pane = pane
            self.kind = kind
            self.key = key
            self.item = item
            self.raw = raw

        @property
        def control(self) -> TablePane:
            """The pane."""
            return self.pane

    def __init__(self, pane_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pane_id = pane_id
        self.data: TableData | None = None
        self._heading = Static("Loading…", classes="pane-heading", markup=False)
        self._input = Input(placeholder="filter: text or regex, ! inverts, esc clears")
        self.table = RowsTable(id=f"table-{pane_id}")
        self._notes = VerticalScroll(Static("", markup=False), classes="pane-notes")
        self.add_class("-loading")

    def compose(self) -> ComposeResult:
        """Heading, filter line, table, notes."""
        yield self._heading
        yield self._input
        yield self.table
        yield self._notes

    def update(self, data: PaneData, sort: SortState | None = None) -> None:
        """Show the pane's latest data; cursor, scroll, filter and sort stay as they are."""
        self.remove_class("-loading")
        self._heading.update(data.heading)
        if data.table is not None:
            self.data = data.table
            if sort is not None and self.table.sort_state is None and not self.table.row_count:
                self.table.sort_state = sort
            self.table.show(data.table.columns, data.table.rows)
        self._notes.query_one(Static).update(data.body or "")

    @property
    def visible_rows(self) -> list[Row]:
        """The rows as shown (filtered and sorted), for export."""
        return self.table.visible_rows

    def _open(self, key: str, *, raw: bool) -> None:
        if self.data is None:
            return
        item = self.data.items.get(key)
        if item is not None:
            self.post_message(self.Opened(self, self.data.kind, key, item, raw))

    def on_rows_table_selected(self, event: RowsTable.Selected) -> None:
        """``enter`` or a click on a row opens it."""
        event.stop()
        self._open(event.key, raw=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as one types."""
        event.stop()
        self.table.set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """``enter`` in the filter line goes back to the table, the filter kept."""
        event.stop()
        self.remove_class("-filtering")
        self.table.focus()

    def on_key(self, event: events.Key) -> None:
        """``esc`` in the filter line clears the filter and goes back to the table."""
        if event.key == "escape" and self._input.has_focus:
            event.stop()
            self._input.value = ""
            self.table.set_filter("")
            self.remove_class("-filtering")
            self.table.focus()

    def action_filter(self) -> None:
        """Open the filter line."""
        self.add_class("-filtering")
        self._input.value = self.table.filter_text
        self._input.focus()

    def action_open(self) -> None:
        """Open the row under the cursor."""
        key = self.table.cursor_key
        if key is not None:
            self._open(key, raw=False)

    def action_raw(self) -> None:
        """Show the raw payload of the row under the cursor."""
        key = self.table.cursor_key
        if key is not None:
            self._open(key, raw=True)


class StaticPane(VerticalScroll):
    """A pane drawn as one renderable (Overview, Cost); keeps its scroll position across refreshes."""

    DEFAULT_CSS = """
    StaticPane { height: 1fr; }
    StaticPane > Static { width: 100%; }
    """

    def __init__(self, pane_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pane_id = pane_id
        self._body = Static("Loading…", markup=False)
        self.add_class("-loading")

    def compose(self) -> ComposeResult:
        """The body."""
        yield self._body

    def update(self, data: PaneData, sort: SortState | None = None) -> None:
        """Show the pane's latest data."""
        self.remove_class("-loading")
        self._body.update(data.body or "")

    @property
    def visible_rows(self) -> list[Row]:
        """Nothing to export."""
        return []
