"""The app's panes, made after its first frame: the first frame shows a ``Loading…`` line in each tab, and
the pane widgets (with the views, tables and cost model behind them) are imported off the UI thread, then
mounted into their tabs: the pane on screen first, the others once data shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from widgets.frame import PANES
from widgets.panenav import PaneEntry

if TYPE_CHECKING:
    from dashboard.app import DashboardApp

TABLE_PANES = ("jobs", "slots", "dataproc", "dataflow", "insights")
"""The panes with a table (one can filter, sort, open and export their rows)."""


def import_panes() -> None:
    """Import the panes and what the first poll builds with (run in a thread after the first frame)."""
    import widgets.dataproc
    import widgets.insights
    import widgets.panedata
    import widgets.panes  # noqa: F401


def make_pane(pane_id: str) -> Widget:
    """The widget of pane ``pane_id``, not yet mounted (imports the panes when :func:`import_panes` has
    not)."""
    from widgets.dataproc import DataprocPane
    from widgets.insights import InsightsPane
    from widgets.panes import JobsTablePane, StaticPane, TablePane

    if pane_id == "dataproc":
        return DataprocPane(pane_id, id=f"pane-{pane_id}")
    if pane_id == "jobs":
        return JobsTablePane(pane_id, id=f"pane-{pane_id}")
    if pane_id == "insights":
        return InsightsPane(pane_id, id=f"pane-{pane_id}")
    if pane_id in TABLE_PANES or _source_table(pane_id):
        return TablePane(pane_id, id=f"pane-{pane_id}")
    return StaticPane(pane_id, id=f"pane-{pane_id}")


def _source_table(pane_id: str) -> bool:
    """Whether ``pane_id`` is a registered source's pane (a table of its things)."""
    from dashboard import registry

    spec = registry.spec(pane_id)
    return spec is not None and not spec.builtin and spec.pane is not None


def make_panes(entries: Sequence[PaneEntry] = PANES) -> dict[str, Widget]:
    """Every pane's widget, by pane id, in tab order (a pane not built in is a static pane showing its part
    of the frame)."""
    return {pane_id: make_pane(pane_id) for pane_id, _, _ in entries}


def focus_target(pane: Widget) -> Widget:
    """What gets the focus when ``pane`` is shown: its table, or the pane itself."""
    from widgets.panes import TablePane

    return pane.table if isinstance(pane, TablePane) else pane


async def mount_panes(app: DashboardApp, pane_ids: Iterable[str]) -> None:
    """Put these panes of ``app`` in their tabs in place of their ``Loading…`` line; a pane chosen
    meanwhile (``app._focus_pending``) is drawn and gets the focus once it is mounted."""
    for pane_id in pane_ids:
        if pane_id in app._mounted:
            continue
        tab = app.query_one(f"#{pane_id}", TabPane)
        await tab.query_children(".pane-loading").remove()
        await tab.mount(app._panes[pane_id])
        app._mounted.add(pane_id)
    pending = app._focus_pending
    if pending in app._mounted:
        app._focus_pending = None
        if pending == app.query_one(TabbedContent).active:
            app.update_pane(pending)
            focus_target(app._panes[pending]).focus()


async def painted(app: DashboardApp) -> None:
    """Wait until ``app``'s screen is refreshed: what was just drawn is on the terminal."""
    done = asyncio.Event()
    if app.call_after_refresh(done.set):
        await done.wait()
