"""The panes: table panes (status heading, filter line, a virtual table, notes below) and static panes.

Each pane takes the latest :class:`~widgets.frame.Frame` with ``update``; the rows of the small tables
were built off the UI thread. The BigQuery jobs pane wraps :class:`~widgets.jobs.JobsPane`, which formats
only the rows on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from dashboard.pricing import default_prices
from dashboard.sources.jobs import view as jobs_view
from dashboard.ui_state import SortState
from dashboard.views.collect import job_item, reservation_editions
from dashboard.views.columns import Column, Row
from dashboard.views.columns import table as columns_table
from dashboard.views.items import Item
from widgets.frame import Frame, PaneData
from widgets.jobs import JobsPane, PreparedJobs
from widgets.rowops import row_text, sort_value
from widgets.sourcepane import find
from widgets.table import VirtualTable


def columns_of(pane_id: str) -> tuple[Column, ...]:
    """The columns of a source's table pane (its :class:`~widgets.sourcepane.SourcePane`'s)."""
    found = find(pane_id)
    if found is None:
        raise KeyError(pane_id)
    return found.columns


def _row_key(row: Row) -> str:
    return row.key


def _same(row: Row) -> Row:
    return row


def _search(row: Row) -> str:
    return row_text(row)


def _sort_key(index: int) -> Callable[[Row], Any]:
    def key(row: Row) -> Any:
        value = sort_value(row.cells[index].plain)
        return None if value[0] == 2 else value

    return key


def rows_table(columns: Sequence[Column], *, id: str | None = None) -> VirtualTable[Row]:
    """A virtual table of prepared view rows, sorting numbers, sizes and durations by value."""
    return VirtualTable(
        columns,
        key=_row_key,
        format=_same,
        sort_keys={c.key: _sort_key(i) for i, c in enumerate(columns)},
        search=_search,
        empty="none",
        id=id,
    )


SORT = Binding.Group("Sort", compact=True)
"""``s`` and ``S`` in the footer as ``sS Sort``, so the footer of a table pane fits 120 cells."""


class TablePane(Vertical):
    """A pane around one table of things one can open.

    | Key | Action |
    | --- | --- |
    | `/` | filter the rows (substring or regex; `!` inverts; `esc` clears) |
    | `s` / `S` | sort by the next column / reverse the sort (or click a header) |
    | `enter` | open the row under the cursor (or click it) |
    | `y` | the raw API payload of the row under the cursor |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", priority=True, id="pane.open"),
        Binding("slash", "filter", "Filter", key_display="/", id="pane.filter"),
        Binding("s", "cycle_sort", "Sort", id="pane.sort", group=SORT),
        Binding("S", "reverse_sort", "Reverse", key_display="S", id="pane.reverse", group=SORT),
        Binding("y", "raw", "Raw", show=False, id="pane.raw"),
    ]
    """``enter`` is a priority binding so that the footer shows it (the table's own ``enter`` is hidden
    and would otherwise stand for the key); it applies only while the table has the focus, so ``enter``
    in the filter line still keeps the filter. ``y`` is left out of the footer (``?`` lists it) so that
    the footer, replay keys included, fits 120 cells."""

    DEFAULT_CSS = """
    TablePane { height: 1fr; }
    TablePane > .pane-heading { height: 1; }
    TablePane > Input { display: none; height: 3; }
    TablePane.-filtering > Input { display: block; }
    TablePane > VirtualTable { height: 1fr; }
    TablePane > .pane-notes { height: auto; max-height: 30%; }
    TablePane.-short > VirtualTable { height: auto; max-height: 50%; }
    TablePane.-short > .pane-notes { height: 1fr; max-height: 100%; }
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
        self.frame: Frame | None = None
        self._input = Input(placeholder="filter: text or regex, ! inverts, esc clears")
        self.table: VirtualTable[Any] = self._make_table()
        self.add_class("-loading")
        found = find(pane_id)
        if found is not None and found.short:
            self.add_class("-short")

    def _make_table(self) -> VirtualTable[Any]:
        return rows_table(columns_of(self.pane_id), id=f"table-{self.pane_id}")

    def compose(self) -> ComposeResult:
        """Heading, filter line, table, notes."""
        yield Static("Loading…", classes="pane-heading", markup=False)
        yield self._input
        yield self.table
        with VerticalScroll(classes="pane-notes", can_focus=False):
            yield Static("", markup=False)

    @property
    def data(self) -> PaneData | None:
        """This pane's part of the latest frame."""
        return None if self.frame is None else self.frame.panes.get(self.pane_id)

    def update(self, frame: Frame, sort: SortState | None = None) -> None:
        """Show the latest frame; cursor, scroll, filter and sort stay as they are."""
        first = self.frame is None
        self.frame = frame
        self.remove_class("-loading")
        self._fill(frame)
        if first and sort is not None and any(c.key == sort.column for c in self.table.columns):
            self.table.sort_by(sort.column, sort.reverse)

    def _fill(self, frame: Frame) -> None:
        data = frame.panes[self.pane_id]
        self.query_one(".pane-heading", Static).update(data.heading)
        if data.table is not None:
            self.table.set_rows(data.table.rows)
        self.query_one(".pane-notes Static", Static).update(data.body or "")

    def export_rows(self) -> tuple[Sequence[Column], list[Row]]:
        """The columns and the rows as shown (filtered and sorted)."""
        return self.table.columns, list(self.table.view)

    def item(self, key: str) -> tuple[str, Item] | None:
        """What the row ``key`` shows, found by its exact key."""
        data = self.data
        if data is None or data.table is None:
            return None
        found = data.table.items.get(key)
        return None if found is None else (data.table.kind, found)

    def set_filter(self, text: str) -> None:
        """Filter the table."""
        self.table.set_filter(text)

    def _open(self, key: str, *, raw: bool) -> None:
        found = self.item(key)
        if found is not None:
            self.post_message(self.Opened(self, found[0], key, found[1], raw))

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        """``enter`` or a click on a row opens it."""
        event.stop()
        self._open(event.key, raw=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as one types."""
        event.stop()
        self.set_filter(event.value)

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
            self.set_filter("")
            self.remove_class("-filtering")
            self.table.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``enter`` opens the row only from the table (in the filter line it keeps the filter)."""
        if action == "open":
            return self.table.has_focus
        return True

    def action_filter(self) -> None:
        """Open the filter line."""
        self.add_class("-filtering")
        self._input.value = self.table.filter_text
        self._input.focus()

    def action_cycle_sort(self) -> None:
        """Sort by the next column (after the last, the rows' own order)."""
        keys = [c.key for c in self.table.columns]
        sort = self.table.sort
        if sort is None:
            self.table.sort_by(keys[0])
        elif keys.index(sort[0]) + 1 < len(keys):
            self.table.sort_by(keys[keys.index(sort[0]) + 1])
        else:
            self.table.sort_by(None)

    def action_reverse_sort(self) -> None:
        """Reverse the sort (sorting by the first column when there is none)."""
        sort = self.table.sort
        if sort is None:
            self.table.sort_by(self.table.columns[0].key, True)
        else:
            self.table.sort_by(sort[0], not sort[1])

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


class JobsTablePane(TablePane):
    """The BigQuery jobs pane: every job in the window, in :class:`~widgets.jobs.JobsPane`; in
    organisation mode (the active and costliest jobs listed) ``m`` reads further ones, a page a time."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("m", "more_jobs", "More jobs", id="jobs.more")]

    class MoreWanted(Message):
        """``m``: further jobs wanted (organisation mode); handled by ``on_jobs_table_pane_more_wanted``."""

    DEFAULT_CSS = """
    JobsTablePane > .pane-heading { display: none; }
    JobsTablePane > .pane-notes { display: none; }
    """

    def __init__(self, pane_id: str, *, id: str | None = None) -> None:
        self.jobs = JobsPane(id="jobs-pane")
        self._paged = False
        super().__init__(pane_id, id=id)

    def _make_table(self) -> VirtualTable[Any]:
        return self.jobs.table

    def compose(self) -> ComposeResult:
        """Filter line, the jobs pane (its status line and table)."""
        yield Static("", classes="pane-heading", markup=False)
        yield self._input
        yield self.jobs
        with VerticalScroll(classes="pane-notes", can_focus=False):
            yield Static("", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``m`` only in organisation mode, live (BigQuery's totals in a live frame): the footer shows it
        then."""
        if action == "more_jobs":
            return self._paged
        return super().check_action(action, parameters)

    def action_more_jobs(self) -> None:
        """Ask for the next page of further jobs."""
        self.post_message(self.MoreWanted())

    def _fill(self, frame: Frame) -> None:
        # BigQuery's totals read live: pages are read live too (a recording holds only what was polled)
        paged = frame.snapshot.job_aggregates is not None and frame.snapshot.mode == "live"
        if paged != self._paged:
            self._paged = paged
            self.refresh_bindings()
        if isinstance(frame.jobs, PreparedJobs):
            self.jobs.show(frame.jobs)  # ordered and keyed off the UI thread
        else:
            self.jobs.update(frame.snapshot, frame.now)

    def set_filter(self, text: str) -> None:
        """Filter the jobs (the status line shows the filter)."""
        self.jobs.set_filter(text)

    def export_rows(self) -> tuple[Sequence[Column], list[Row]]:
        """The jobs as shown, formatted as the table shows them."""
        if self.frame is None:
            return self.table.columns, []
        build = jobs_view.row_builder(self.frame.snapshot, self.frame.now)
        return self.table.columns, [build(job) for job in self.jobs.shown]

    def item(self, key: str) -> tuple[str, Item] | None:
        """The job with exactly this key."""
        if self.frame is None:
            return None
        snapshot = self.frame.snapshot
        job = next((j for j in snapshot.jobs if j.key == key), None)
        if job is None:
            return None
        return "job", job_item(
            job, self.frame.now, default_prices(), reservation_editions(snapshot), snapshot.job_tables
        )


class StaticPane(VerticalScroll):
    """A pane drawn as one renderable (Overview, Cost); keeps its scroll position across refreshes."""

    DEFAULT_CSS = """
    StaticPane { height: 1fr; }
    StaticPane > Static { width: 100%; }
    """

    def __init__(self, pane_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pane_id = pane_id
        self.add_class("-loading")

    def compose(self) -> ComposeResult:
        """The body."""
        yield Static("Loading…", markup=False)

    def update(self, frame: Frame, sort: SortState | None = None) -> None:
        """Show the latest frame: this pane's heading (unless empty), tables and body; ``no data`` when the
        frame has nothing for it (a source's pane before its first poll)."""
        self.remove_class("-loading")
        self.query_one(Static).update(static_body(frame.panes.get(self.pane_id)))


def static_body(data: PaneData | None) -> RenderableType:
    """What a static pane draws of its part of the frame."""
    if data is None:
        return Text("no data", style="dim")
    parts: list[RenderableType] = [data.heading] if data.heading.plain else []
    tables = (("", data.table),) if data.table is not None else ()
    for title, shown in (*tables, *data.more):
        parts.append(columns_table(shown.columns, shown.rows, title=title or None))
    if data.body is not None:
        parts.append(data.body)
    if len(parts) == 1:
        return parts[0]
    return Group(*parts) if parts else ""
