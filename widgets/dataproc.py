"""The Dataproc pane: three tables one above the other (clusters, the jobs on them, Serverless batches),
each under its title. ``tab`` moves between them; ``enter`` opens the row under the cursor of the table
that has the focus; the filter applies to all three. The cluster table is the pane's main table: the
insights jump to its rows, its sort is remembered, export writes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from dashboard.views.columns import Column, Row
from dashboard.views.items import Item
from widgets.frame import Frame
from widgets.panes import TablePane, rows_table
from widgets.sourcepane import find
from widgets.table import VirtualTable


class DataprocPane(TablePane):
    """Clusters, then the jobs on them, then Serverless batches."""

    DEFAULT_CSS = """
    DataprocPane > VirtualTable { height: auto; max-height: 35%; }
    DataprocPane > #table-dataproc-batches { height: 1fr; min-height: 4; max-height: 100%; }
    DataprocPane > .table-title { height: 1; margin-top: 1; }
    DataprocPane > .pane-notes { height: auto; max-height: 3; }
    """

    TITLES: ClassVar[tuple[str, ...]] = ("Jobs", "Serverless batches")

    def __init__(self, pane_id: str, *, id: str | None = None) -> None:
        super().__init__(pane_id, id=id)
        found = find(pane_id)
        more = () if found is None else found.more
        self.more: list[VirtualTable[Any]] = [rows_table(c, id=f"table-{pane_id}-{n}") for n, c in more]

    def compose(self) -> ComposeResult:
        """Heading, filter line, the clusters, each further table under its title, notes."""
        yield Static("Loading…", classes="pane-heading", markup=False)
        yield self._input
        yield self.table
        for title, table in zip(self.TITLES, self.more, strict=True):
            yield Static(title, classes="table-title", markup=False)
            yield table
        with VerticalScroll(classes="pane-notes", can_focus=False):
            yield Static("", markup=False)

    @property
    def tables(self) -> list[VirtualTable[Any]]:
        """Every table of the pane, the clusters first."""
        return [self.table, *self.more]

    @property
    def focused_table(self) -> VirtualTable[Any]:
        """The table with the focus (the clusters when none has it). Asks the screen, not ``has_focus``:
        that follows only once the focus event is handled, after a key typed right behind ``tab``."""
        focused = self.screen.focused if self.is_attached else None
        return next((t for t in self.more if t is focused), self.table)

    def _fill(self, frame: Frame) -> None:
        super()._fill(frame)
        data = frame.panes[self.pane_id]
        titles = list(self.query(".table-title").results(Static))
        for (title, more), table, label in zip(data.more, self.more, titles, strict=False):
            table.set_rows(more.rows)
            label.update(title)

    def item(self, key: str) -> tuple[str, Item] | None:
        """What the row ``key`` shows, in whichever table holds it."""
        found = super().item(key)
        data = self.data
        if found is not None or data is None:
            return found
        for _, more in data.more:
            hit = more.items.get(key)
            if hit is not None:
                return more.kind, hit
        return None

    def set_filter(self, text: str) -> None:
        """Filter every table."""
        for table in self.tables:
            table.set_filter(text)

    def export_rows(self) -> tuple[Sequence[Column], list[Row]]:
        """The focused table's rows as shown."""
        table = self.focused_table
        return table.columns, list(table.view)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``enter`` opens a row from any of the tables (in the filter line it keeps the filter)."""
        if action == "open":
            focused = self.screen.focused if self.is_attached else None
            return any(t is focused for t in self.tables)
        return True

    def action_open(self) -> None:
        """Open the row under the cursor of the focused table."""
        key = self.focused_table.cursor_key
        if key is not None:
            self._open(key, raw=False)

    def action_raw(self) -> None:
        """The raw payload of the row under the cursor of the focused table."""
        key = self.focused_table.cursor_key
        if key is not None:
            self._open(key, raw=True)

    def action_cycle_sort(self) -> None:
        """Sort the focused table by its next column."""
        if self.focused_table is self.table:
            super().action_cycle_sort()
            return
        table = self.focused_table
        keys = [c.key for c in table.columns]
        sort = table.sort
        if sort is None:
            table.sort_by(keys[0])
        elif keys.index(sort[0]) + 1 < len(keys):
            table.sort_by(keys[keys.index(sort[0]) + 1])
        else:
            table.sort_by(None)

    def action_reverse_sort(self) -> None:
        """Reverse the focused table's sort."""
        table = self.focused_table
        sort = table.sort
        table.sort_by(table.columns[0].key if sort is None else sort[0], sort is None or not sort[1])

    def on_virtual_table_sort_changed(self, event: VirtualTable.SortChanged) -> None:
        """Only the clusters' sort is remembered across restarts."""
        if event.table is not self.table:
            event.stop()
