"""The Composer pane, driven with Pilot on the demo recording: its key shows the environments (those in ERROR
first) and the DAGs below them; ``enter`` on an environment opens its detail with its workloads (the
failed scheduler) and its health and runs charts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from dashboard.app import DashboardApp
from widgets.detail.screens import DetailScreen

from .helpers import screen_text, settle, table

pytestmark = pytest.mark.timeout(90)

MakeApp = Callable[..., DashboardApp]
SIZE = (160, 45)
AT_8 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
DEV = "acme-analytics/us-central1/analytics-dev"


def current(app: DashboardApp) -> object:
    """The current screen (not narrowed by earlier checks)."""
    return app.screen


async def test_the_pane_shows_environments_then_dags_and_enter_opens_one(make_app: MakeApp) -> None:
    app = make_app(AT_8)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        # its key: plugins follow the built-in seven by name (composer before pubsub: 8 for now)
        key = next(k for pane_id, _, k in app.pane_entries if pane_id == "composer")
        assert key
        await pilot.press(key)
        await pilot.pause()
        text = screen_text(app)
        assert "Composer environments" in text
        for shown in ("analytics-dev", "etl-prod", "nightly_sales_load", "hourly_sessions", "DAGs"):
            assert shown in text
        rows = table(app, "composer").rows
        assert [r.key for r in rows] == [DEV, "acme-etl/europe-west1/etl-prod"]  # ERROR first
        table(app, "composer").move_cursor(key=DEV)
        await pilot.press("enter")
        await pilot.pause()
        screen = current(app)
        assert isinstance(screen, DetailScreen)
        text = screen_text(app)
        assert "analytics-dev" in text
        assert "airflow-scheduler-6f9c8d7b5-k2m4p" in text
        assert "CrashLoopBackOff" in text
        assert "environment/healthy" in text
