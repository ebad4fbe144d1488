"""The app's panes, made after its first frame: the first frame shows a ``Loading…`` line in the tab shown
(and in any chosen before its pane is in), and the pane widgets (with the views, tables and cost model
behind them) are imported off the UI thread, then mounted into their tabs: the pane on screen first, the
others once data shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from widgets.frame import PANES
from widgets.panenav import LOADING, PaneEntry

if TYPE_CHECKING:
    from dashboard.app import DashboardApp

STATIC_PANES = ("overview", "cost")
"""The shell's panes drawn as one renderable."""
TABLE_PANES = tuple(pane_id for pane_id, _, _ in PANES if pane_id not in STATIC_PANES)
"""The panes with a table (one can filter, sort, open and export their rows): the built-in sources' and
the Insights."""


def import_panes() -> None:
    """Import the panes and what the first poll builds with (run in a thread after the first frame)."""
    import widgets.insights
    import widgets.panedata
    import widgets.panes  # noqa: F401
    from widgets.sourcepane import source_panes, widget_class

    for _, pane in source_panes().values():
        widget_class(pane)


def make_pane(pane_id: str) -> Widget:
    """The widget of pane ``pane_id``, not yet mounted (imports the panes when :func:`import_panes` has
    not): a source's (its :class:`~widgets.sourcepane.SourcePane`'s widget), the Insights, or a static
    pane."""
    from widgets.insights import InsightsPane
    from widgets.panes import StaticPane
    from widgets.sourcepane import find, widget_class

    if pane_id == "insights":
        return InsightsPane(pane_id, id=f"pane-{pane_id}")
    found = find(pane_id)
    if found is not None:
        made: Widget = widget_class(found)(pane_id, id=f"pane-{pane_id}")
        return made
    return StaticPane(pane_id, id=f"pane-{pane_id}")


def make_panes(entries: Sequence[PaneEntry] = PANES) -> dict[str, Widget]:
    """Every pane's widget, by pane id, in tab order (a pane not built in is a static pane showing its part
    of the frame)."""
    return {pane_id: make_pane(pane_id) for pane_id, _, _ in entries}


def focus_pane(app: DashboardApp, pane_id: str) -> None:
    """Give the focus to pane ``pane_id``'s table (or the pane itself) once the app is idle, if that pane is
    still the one shown then (a pane key pressed in between wins)."""
    from widgets.panes import TablePane

    def focus() -> None:
        if app.query_one(TabbedContent).active == pane_id:
            pane = app._panes[pane_id]
            app.screen.set_focus(pane.table if isinstance(pane, TablePane) else pane)

    app.call_later(focus)


def loading(tab: TabPane) -> None:
    """Show ``Loading…`` in ``tab`` (chosen before its pane is mounted; only the first tab has it from the
    start, the hidden ones are left empty, which keeps the first frame short)."""
    from textual.widgets import Static

    if not tab.children:
        tab.mount(Static(LOADING, classes="pane-loading", markup=False))


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
            focus_pane(app, pending)


async def painted(app: DashboardApp) -> None:
    """Wait until ``app``'s screen is refreshed: what was just drawn is on the terminal."""
    done = asyncio.Event()
    if app.call_after_refresh(done.set):
        await done.wait()
