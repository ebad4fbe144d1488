"""The command palette, driven with Pilot on the demo recording: jump to a pane, change the window,
the theme (remembered), and export the view to CSV or JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, TabbedContent

from dashboard.app import DashboardApp

from .helpers import screen_text, settle, table

pytestmark = pytest.mark.timeout(90)

MakeApp = Callable[..., DashboardApp]
SIZE = (160, 45)


def current(app: DashboardApp) -> object:
    """The current screen (not narrowed by earlier checks)."""
    return app.screen


async def test_palette_jumps_changes_window_and_exports(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("colon")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Go to Dataproc")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.query_one(TabbedContent).active == "dataproc"

        table(app, "dataproc").set_filter("RUNNING")
        await pilot.pause()
        shown = [r.key for r in table(app, "dataproc").view]
        await pilot.press("colon", *"Export view as CSV")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        written = tmp_path / "gcpdash-dataproc-20261126-072500.csv"
        rows = list(csv.reader(written.open(encoding="utf-8")))
        assert rows[0][0] == "CLUSTER"
        assert len(rows) == 1 + len(shown)
        assert all(row[3] == "RUNNING" for row in rows[1:])

        out = app.export_view("json")
        assert out is not None
        records = json.loads(out.read_text(encoding="utf-8"))
        assert [r["name"] for r in records] == [row[0] for row in rows[1:]]

        await pilot.press("colon", *"Window: last 1h")
        await pilot.pause(0.5)
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            if "window 1h" in screen_text(app).splitlines()[0]:
                break
        assert "window 1h" in screen_text(app).splitlines()[0]
        assert app._session is not None
        assert app._session.store is not None


async def test_theme_from_the_palette_is_remembered(make_app: MakeApp, state_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("colon", *"Theme: nord")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.theme == "nord"
    assert json.loads((state_dir / "state.json").read_text())["theme"] == "nord"
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, again)
        assert again.theme == "nord"


async def test_export_to_a_chosen_path(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        app.export_view_to("json")
        await pilot.pause(0.3)
        field = app.screen.query_one("#path-input", Input)
        assert field.value == "gcpdash-dataflow-20261126-072500.json"
        field.value = str(tmp_path / "flows.json")
        await pilot.press("enter")
        await pilot.pause(0.3)
        names = [r["name"] for r in json.loads((tmp_path / "flows.json").read_text(encoding="utf-8"))]
        assert "clickstream-enrich" in names
