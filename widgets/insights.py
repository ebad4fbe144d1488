"""The Insights pane (key ``7``): every finding of the rules, critical first then by money at stake, the
selected one's evidence and fix below the table; ``enter`` goes to the affected resource.

Toasts: the app calls :func:`critical_toasts` with the previous frame's insights and the new frame's.
k9s and htop users do not want a storm of toasts when the app opens, nor the same toast on every poll:

- on the first frame, one summary toast when there are critical insights (``3 critical insights: ...``);
- afterwards, a toast per critical insight whose key (rule and resource) was not critical in the
  previous frame: a new finding, or a warning that became critical; one that stays critical is not
  toasted again, one that clears and comes back is (it is new again);
- more than :data:`MAX_TOASTS` new at once (a window change, a step back over many polls) make one
  summary toast instead of a pile.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

from dashboard.insights import SEVERITY_RANK, Insight
from dashboard.views import insights as insights_view
from dashboard.views.columns import Column, Row
from dashboard.views.fmt import safe_line
from widgets.frame import Frame
from widgets.panes import TablePane
from widgets.rowops import row_text, sort_value
from widgets.table import VirtualTable

MAX_TOASTS = 3
"""At most this many toasts for one frame; more new critical insights make one summary toast."""

_RANK_OF_LABEL = {label: SEVERITY_RANK[s] for s, label in insights_view.SEVERITY_LABEL.items()}


def critical_toasts(previous: Sequence[Insight] | None, current: Sequence[Insight]) -> list[str]:
    """The toasts to show for a new frame (see the module's docstring).

    Args:
        previous: The previous frame's insights; None on the first frame.
        current: The new frame's insights, in their order (critical first, then by money at stake).

    Returns:
        One message per toast, cloud text made safe (one line, controls visible).
    """
    critical = [i for i in current if i.severity == "critical"]
    if previous is None:
        if not critical:
            return []
        return [_summary(critical, "critical insight")]
    before = {i.key for i in previous if i.severity == "critical"}
    new = [i for i in critical if i.key not in before]
    if len(new) > MAX_TOASTS:
        return [_summary(new, "new critical insight")]
    return [_one(i) for i in new]


def _one(insight: Insight) -> str:
    stake = insights_view.at_stake(insight).plain
    where = insights_view.where_of(insight.source)
    return f"{safe_line(insight.title, 120)} ({where}; {stake}). Key 7: Insights"


def _summary(found: Sequence[Insight], what: str) -> str:
    plural = "s" if len(found) != 1 else ""
    first = safe_line(found[0].title, 100)
    more = f" and {len(found) - 1} more" if len(found) > 1 else ""
    return f"{len(found)} {what}{plural}: {first}{more}. Key 7: Insights"


def _cell_sort(index: int, strip: str = "") -> Callable[[Row], Any]:
    def key(row: Row) -> Any:
        text = row.cells[index].plain
        if strip and text.endswith(strip):
            text = text[: -len(strip)]
        value = sort_value(text)
        return None if value[0] == 2 else value

    return key


def _severity_sort(index: int) -> Callable[[Row], Any]:
    def key(row: Row) -> Any:
        return _RANK_OF_LABEL.get(row.cells[index].plain, len(_RANK_OF_LABEL))

    return key


def pane_columns() -> tuple[Column, ...]:
    """The view's columns as the pane shows them: the resource's name kept readable at 120 cells."""
    return tuple(
        replace(c, min_width=max(c.min_width or 0, 16)) if c.key == "resource" else c
        for c in insights_view.COLUMNS
    )


def insights_table(columns: Sequence[Column], *, id: str | None = None) -> VirtualTable[Row]:
    """A table of insight rows: severity sorts critical first, money by value, the rest by text."""
    sort_keys: dict[str, Callable[[Row], Any]] = {}
    for index, column in enumerate(columns):
        if column.key == "severity":
            sort_keys[column.key] = _severity_sort(index)
        elif column.key == "usd_per_month":
            sort_keys[column.key] = _cell_sort(index, "/month")
        else:
            sort_keys[column.key] = _cell_sort(index)
    return VirtualTable(
        columns,
        key=lambda row: row.key,
        format=lambda row: row,
        sort_keys=sort_keys,
        search=row_text,
        empty="no insight: the rules found nothing to report",
        id=id,
    )


class InsightsPane(TablePane):
    """Every insight in a table, the selected one's evidence and fix below.

    | Key | Action |
    | --- | --- |
    | `enter` | go to the affected resource: its pane, the cursor on its row |
    | `y` | go there and show its raw API payload |
    | `/` `s` `S` | filter and sort, as in every table |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Go to", priority=True, id="insights.open"),
    ]

    DEFAULT_CSS = """
    InsightsPane > VirtualTable { height: auto; max-height: 60%; }
    InsightsPane > .pane-notes { height: 1fr; max-height: 100%; border-top: solid $panel-lighten-2; }
    """

    class Jump(Message):
        """Go to an insight's resource: handled by the app's ``on_insights_pane_jump``."""

        def __init__(self, pane: InsightsPane, insight: Insight, raw: bool) -> None:
            super().__init__()
            self.pane = pane
            self.insight = insight
            self.pane_id = insights_view.pane_of(insight.source)
            """The pane the resource is shown in."""
            self.key = insight.resource_key
            """The exact key of the resource's row there ("" when it has no row)."""
            self.raw = raw

        @property
        def control(self) -> InsightsPane:
            """The pane."""
            return self.pane

    def __init__(self, pane_id: str = "insights", *, id: str | None = None) -> None:
        super().__init__(pane_id, id=id)
        self._insights: dict[str, Insight] = {}

    def _make_table(self) -> VirtualTable[Any]:
        return insights_table(pane_columns(), id=f"table-{self.pane_id}")

    @property
    def insights(self) -> dict[str, Insight]:
        """The insights shown, by key."""
        return self._insights

    def _fill(self, frame: Frame) -> None:
        self._insights = {i.key: i for i in frame.insights}
        super()._fill(frame)
        self._show_selected()

    def selected(self) -> Insight | None:
        """The insight under the cursor."""
        key = self.table.cursor_key
        return None if key is None else self._insights.get(key)

    def _show_selected(self) -> None:
        insight = self.selected()
        notes = self.query_one(".pane-notes Static", Static)
        if not self._insights:
            notes.update(Text("The rules found nothing to report.", style="dim"))
        elif insight is None:
            notes.update(Text("Nothing selected (the filter hides every insight).", style="dim"))
        else:
            notes.update(insights_view.detail(insight))

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        """The evidence and fix follow the cursor."""
        event.stop()
        self._show_selected()

    def _open(self, key: str, *, raw: bool) -> None:
        insight = self._insights.get(key)
        if insight is not None:
            self.post_message(self.Jump(self, insight, raw))


def principal_filter(principal: str) -> str:
    """A jobs filter that keeps exactly the jobs of ``principal``: the whole principal field between the
    tabs that separate a job's search fields (:func:`~dashboard.sources.jobs.view.search_text`), not a
    substring of the SQL or of another principal."""
    return r"\t" + re.escape(principal.lower()) + r"\t"


def show_row(pane: TablePane, insight: Insight) -> str | None:
    """Put ``pane``'s cursor on the row of exactly ``insight.resource_key``, clearing a filter that hides
    it; a principal (BigQuery spend by person) filters the jobs pane to exactly that principal's jobs.

    Returns:
        What to tell the user when the row is not simply there (None when the cursor is on it).
    """
    table, key = pane.table, insight.resource_key
    if table.model.find(key, table.cursor_row) is None and table.filter_text:
        pane.set_filter("")
    if table.model.find(key, table.cursor_row) is not None:
        table.move_cursor(key=key)
        return None
    if insight.source == "jobs" and "@" in key and ":" not in key:
        pane.set_filter(principal_filter(key))
        return f"The jobs of {safe_line(key, 80)} (esc clears the filter)"
    return f"{safe_line(insight.resource, 80)} is not listed now"
