"""The Vertex AI pane, driven with Pilot on the demo recording: key 9 (the first source after Pub/Sub's 8),
the runs failed first, the monitoring job and its drift alert below, ``enter`` on the failed run opens its
tasks with the error text literally."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from dashboard.app import DashboardApp
from widgets.detail.screens import DetailScreen
from widgets.panes import TablePane

from .helpers import screen_text, settle

pytestmark = pytest.mark.timeout(90)

MakeApp = Callable[..., DashboardApp]
SIZE = (160, 45)
AT_8 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
FAILED = "acme-analytics/us-central1/churn-training-20261126031000"
RETRY = "acme-analytics/us-central1/churn-training-20261126034000"


async def test_its_pane_shows_the_runs_and_enter_opens_the_failed_one(make_app: MakeApp) -> None:
    from widgets import panenav

    app = make_app(AT_8)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        panenav.go(app, "vertex")  # the tenth pane (after Pub/Sub 8, Composer 9): by its id, as `0` does
        await pilot.pause()
        found = app.query_one("#pane-vertex")
        assert isinstance(found, TablePane)
        assert [r.key for r in found.table.rows] == [FAILED, RETRY]  # failed first
        text = screen_text(app)
        assert "Model monitoring" in text
        assert "churn-endpoint" in text
        assert "drift tenure_months 0.42≥0.3" in text
        found.table.move_cursor(key=FAILED)
        found.table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert "train-model  FAILED  17m" in text  # 03:14:10 → 03:31:10
        assert "ran out of memory and exited with a non-zero status of 137(SIGKILL)" in text
        assert "The failed tasks are: [train-model]." in text  # brackets literally
