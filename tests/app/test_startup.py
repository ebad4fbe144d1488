"""The first frame comes before the session: the header, the tab bar and a ``Loading…`` line are on the
screen while the recording is still being opened, a pane chosen meanwhile is the one shown (and focused)
once data comes, and the frame is the app's only once every pane is in place."""

from __future__ import annotations

import threading

import pytest
from textual.pilot import Pilot
from textual.widgets import TabbedContent, TabPane

from dashboard.app import DashboardApp
from dashboard.session import Session
from widgets import panenav
from widgets.paneset import focus_pane
from widgets.table import VirtualTable

from .conftest import demo_session
from .helpers import screen_text, settle


def gated_app() -> tuple[DashboardApp, threading.Event]:
    """An app whose session opens only once the returned event is set."""
    gate = threading.Event()

    def open_session() -> Session:
        assert gate.wait(30), "the test never let the session open"
        return demo_session()

    return DashboardApp(open_session, subtitle="demo", poll_every=None), gate


async def painted(pilot: Pilot[int], app: DashboardApp, last: str) -> str:
    """The screen once ``last`` (the footer, painted after the header and the tab bar) is on it: the
    session is held back, so whatever is painted by then is the app's first frame."""
    for _ in range(100):
        await pilot.pause(0.05)
        text = screen_text(app)
        if last in text:
            return text
    return screen_text(app)


@pytest.mark.timeout(60)
async def test_first_frame_is_painted_before_the_session_opens() -> None:
    app, gate = gated_app()
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            text = await painted(pilot, app, "q Quit")
            assert text.splitlines()[0].strip() == "gcpdash  loading…"
            assert "1 Overview" in text
            assert "7 Insights" in text
            assert "Loading…" in text
            assert "q Quit" in text
            assert app._session is None
            assert app._frame is None
            gate.set()
            await settle(pilot, app)
            text = screen_text(app)
            assert "Loading…" not in text
            assert "demo 2026-11-26 07:25:00 UTC paused" in text.splitlines()[0]
            # every pane is in place once the frame is the app's
            for pane_id in ("overview", "jobs", "slots", "dataproc", "dataflow", "cost", "insights"):
                assert app.query(f"#pane-{pane_id}"), pane_id
    finally:
        gate.set()


@pytest.mark.timeout(60)
async def test_pane_chosen_while_loading_is_shown_and_focused() -> None:
    app, gate = gated_app()
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause(0.3)
            await pilot.press("4")
            await pilot.pause()
            assert app.query_one(TabbedContent).active == "dataproc"
            assert "Loading…" in await painted(pilot, app, "Loading…")  # its tab was empty until chosen
            gate.set()
            await settle(pilot, app)
            table = app.query_one("#table-dataproc", VirtualTable)
            assert app.focused is table
            assert any(row.cells[0].plain == "reporting-tmp" for row in table.view)
            assert "Dataproc  OK" in screen_text(app)
    finally:
        gate.set()


async def overview_mounted(pilot: Pilot[int], app: DashboardApp) -> None:
    """Wait until the first pane (Overview) is in its tab; the session is still held back."""
    for _ in range(100):
        if "overview" in app._mounted:
            return
        await pilot.pause(0.05)
    raise AssertionError("the Overview pane was never mounted")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("at_once", [True, False], ids=["focused-before-the-key", "focus-due-after-the-key"])
async def test_a_pane_key_at_start_up_is_not_undone_by_the_first_pane_s_focus(at_once: bool) -> None:
    """The first pane's table takes the focus as it is mounted; a key pressed meanwhile (before that focus
    lands, or before its message reaches the tabs) shows the pane chosen and keeps it shown."""
    app, gate = gated_app()
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await overview_mounted(pilot, app)
            if at_once:
                # the focus has landed; the message that tells the tabs so is still on its way
                app.screen.set_focus(app.query_one("#pane-overview"))
                tab = app.query_one("#overview", TabPane)
                app.query_one(TabbedContent).post_message(TabPane.Focused(tab))
            else:
                focus_pane(app, "overview")  # as the app does on mounting the pane: it lands later
            panenav.go(app, "dataflow")  # what the key does, before either reaches the tabs
            for _ in range(5):
                await pilot.pause(0.05)
            assert app.query_one(TabbedContent).active == "dataflow"
            gate.set()
            await settle(pilot, app)
            assert app.query_one(TabbedContent).active == "dataflow"
            assert app.focused is app.query_one("#table-dataflow", VirtualTable)
    finally:
        gate.set()
