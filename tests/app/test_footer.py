"""The footer of a table pane at 120 cells while replaying: every key it lists fits (the replay's
``[] Step`` last), ``enter`` is listed, and ``enter`` does exactly one thing: open the row from the table,
keep the filter from the filter line."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dashboard.app import DashboardApp
from widgets.detail.screens import DetailScreen
from widgets.insights import InsightsPane
from widgets.panes import TablePane

from .helpers import screen_text, settle

pytestmark = pytest.mark.timeout(90)

MakeApp = Callable[..., DashboardApp]


def footer(app: DashboardApp) -> str:
    """The footer's line, trailing blanks dropped."""
    return screen_text(app).splitlines()[-1].rstrip()


@pytest.mark.parametrize(
    ("key", "enter"), [("2", "⏎ Open"), ("3", "⏎ Open"), ("4", "⏎ Open"), ("5", "⏎ Open"), ("7", "⏎ Go to")]
)
async def test_a_table_panes_footer_fits_120_cells(make_app: MakeApp, key: str, enter: str) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, app)
        await pilot.press(key)
        await pilot.pause()
        keys = footer(app)
        assert keys.endswith("[] Step")  # the last key is there whole: nothing was cut
        assert len(keys) <= 120
        assert keys.startswith(f" {enter} ")
        assert " sS Sort " in keys  # s and S as one entry
        assert "Reverse" not in keys


async def test_enter_opens_one_row_and_keeps_a_filter(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, app)
        await pilot.press("4", "slash", *"reporting", "enter")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, DetailScreen)  # enter in the filter line only kept the filter
        pane = app.query_one("#pane-dataproc", TablePane)
        assert pane.table.filter_text == "reporting"
        assert pane.table.has_focus
        assert "⏎ Open" in footer(app)
        depth = len(app.screen_stack)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, DetailScreen)
        assert len(app.screen_stack) == depth + 1  # one detail screen, not two
        assert "reporting-tmp" in screen_text(app).splitlines()[0]


async def test_enter_on_an_insight_goes_to_its_resource(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, app)
        await pilot.press("7")
        await pilot.pause()
        pane = app.query_one(InsightsPane)
        insight = pane.selected()
        assert insight is not None
        assert insight.source == "dataproc"
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert not isinstance(app.screen, DetailScreen)  # it goes to the row, it does not open it
        dataproc = app.query_one("#pane-dataproc", TablePane)
        assert dataproc.table.cursor_key == insight.resource_key
