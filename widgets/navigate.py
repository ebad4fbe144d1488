"""Going from a row to what it is about: a row's detail screen or raw payload, an insight's resource in its
own pane, and an open detail screen following its thing across refreshes (found again by its exact key).

The app's event handlers call these with itself; they run after the first frame, when the panes are there.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual.widgets import TabbedContent

from widgets.frame import Frame
from widgets.insights import InsightsPane, show_row
from widgets.panes import TablePane

if TYPE_CHECKING:
    from dashboard.app import DashboardApp


def titles(app: DashboardApp) -> dict[str, str]:
    """Each pane's title, by id (the first crumb of a detail screen)."""
    return {pane_id: title for pane_id, title, _ in app.pane_entries}


def follow_detail(app: DashboardApp, frame: Frame) -> None:
    """An open detail screen follows its thing (found again by its exact key), or says since when it is
    gone."""
    from widgets.detail.open import detail_body
    from widgets.detail.screens import DetailScreen

    screen = app.screen
    if not isinstance(screen, DetailScreen) or not screen.pane_id:
        return
    pane = app.query_one(f"#pane-{screen.pane_id}")
    found = pane.item(screen.key) if isinstance(pane, TablePane) else None
    if found is None:
        screen.update_body(None, gone_since=f"{frame.now:%H:%M:%S}")
    else:
        screen.update_body(detail_body(found[1], frame))


def open_row(app: DashboardApp, event: TablePane.Opened) -> None:
    """Open a row's detail screen (or its raw payload), by the row's exact key."""
    from widgets.detail.open import detail_screen

    title = titles(app).get(event.pane.pane_id, event.pane.pane_id)
    if event.raw:
        open_raw(app, event.kind, event.key, (title, event.key))
        return
    if app._frame is not None:
        screen = detail_screen(
            event.item,
            app._frame,
            kind=event.kind,
            key=event.key,
            pane_id=event.pane.pane_id,
            pane_title=title,
        )
        app.push_screen(screen)


def jump(app: DashboardApp, event: InsightsPane.Jump) -> None:
    """Go to an insight's resource: its pane, the cursor on its row found by its exact key (``y``: then
    its raw payload)."""
    app.query_one(TabbedContent).active = event.pane_id
    app.update_pane(event.pane_id)
    pane = app.query_one(f"#pane-{event.pane_id}")
    if isinstance(pane, TablePane) and event.key:
        note = show_row(pane, event.insight)
        if note is not None:
            app.notify(note, severity="warning", markup=False)
        elif event.raw:
            pane.action_raw()


def open_raw(app: DashboardApp, kind: str, key: str, trail: tuple[str, ...]) -> None:
    """Show the raw API payload of an item, read off the UI thread."""
    from dashboard.backends.base import SupportsRaw
    from widgets.detail.screens import RawScreen

    backend: object = app._session.backend if app._session else None

    async def fetch() -> None:
        payload = None
        if isinstance(backend, SupportsRaw):
            payload = await asyncio.to_thread(backend.raw, kind, key)
        await app.push_screen(RawScreen(trail, payload))

    app.run_worker(fetch(), exclusive=True, group="raw")


def more_jobs(app: DashboardApp) -> None:
    """Read the next page of further jobs (organisation mode) off the UI thread, merge it while no poll
    does, say what it brought, and show it (:mod:`dashboard.sources.jobs.paging`). The polls go on while
    the page is read: a slow BigQuery delays only the page."""
    from dashboard.sources.jobs.paging import plan_page, read_page, take_page

    session, frame = app._session, app._frame
    if session is None or frame is None:
        return

    async def fetch() -> None:
        plan = plan_page(session, frame.snapshot, frame.now)
        if isinstance(plan, str):
            said = plan
        else:
            app.notify("reading further jobs…", timeout=3, markup=False)
            page = await asyncio.to_thread(read_page, session, plan)
            async with app._busy:  # the polls merge into the same store
                said = take_page(session, plan, page)
        app.notify(said, title="Further jobs", timeout=8, markup=False)
        await app.poll_now(force=True)

    app.run_worker(fetch(), exclusive=True, group="pages")
