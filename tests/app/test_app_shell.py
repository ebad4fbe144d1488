"""The app opens on the demo recording, shows its header and every pane, switches panes by key and by
clicking a tab, and quits cleanly."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import TabbedContent

from dashboard.app import DashboardApp
from widgets.table import VirtualTable

from .helpers import screen_text, settle

PANES = [
    ("1", "overview", "Overview  demo"),
    ("2", "jobs", "BigQuery jobs  OK"),
    ("3", "slots", "Slots & reservations  OK"),
    ("4", "dataproc", "Dataproc  OK"),
    ("5", "dataflow", "Dataflow  OK"),
    ("6", "cost", "price table"),
]


@pytest.mark.timeout(60)
async def test_header_and_every_pane_by_key(make_app: Callable[..., DashboardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        header = text.splitlines()[0]
        assert "acme-analytics, acme-etl" in header
        assert "us-central1, europe-west1" in header
        assert "window 24h" in header
        assert "demo 2026-11-26 07:25:00 UTC paused" in header
        for key, pane_id, marker in PANES:
            await pilot.press(key)
            await pilot.pause()
            assert app.query_one(TabbedContent).active == pane_id
            assert marker in screen_text(app), pane_id
        await pilot.press("q")
    assert app.return_code in (0, None)


@pytest.mark.timeout(60)
async def test_tabs_are_clickable(make_app: Callable[..., DashboardApp]) -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, app)
        await pilot.click("Tab#--content-tab-dataflow")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "dataflow"
        table = app.query_one("#table-dataflow", VirtualTable)
        assert any("clickstream" in row.cells[0].plain for row in table.view)
        assert "STREAMING" in screen_text(app)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("size", [(120, 35), (200, 50)])
async def test_every_pane_fits_the_terminal(
    make_app: Callable[..., DashboardApp], size: tuple[int, int]
) -> None:
    """No line is wider than the terminal, and each pane shows its status line and first rows."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot, app)
        for key, _pane_id, marker in PANES:
            await pilot.press(key)
            await pilot.pause()
            lines = screen_text(app).splitlines()
            assert len(lines) == size[1]
            assert all(len(line) <= size[0] for line in lines)
            assert any(marker in line for line in lines), marker
