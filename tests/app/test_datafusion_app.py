"""The Data Fusion pane, driven with Pilot on the demo recording at 08:30: its instances with their $/h
and the pipelines seen, and ``enter`` on one opens its detail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from textual.widgets import TabbedContent

from dashboard.app import DashboardApp
from widgets.detail.screens import DetailScreen

from .helpers import screen_text, settle, table

pytestmark = pytest.mark.timeout(90)

MakeApp = Callable[..., DashboardApp]
SIZE = (160, 45)
AT = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
ETL = "acme-etl/europe-west1/etl-fusion"


async def test_the_pane_lists_the_instances_and_enter_opens_one(make_app: MakeApp) -> None:
    app = make_app(AT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.query_one(TabbedContent).active = "datafusion"  # its key depends on the sources registered
        await pilot.pause()
        text = screen_text(app)
        assert "Data Fusion" in text
        found = table(app, "datafusion")
        assert [r.key for r in found.rows] == ["acme-analytics/us-central1/sandbox-fusion", ETL]
        etl = next(r for r in found.rows if r.key == ETL)
        cells = [c.plain for c in etl.cells]
        assert cells[:6] == ["etl-fusion", "acme-etl", "europe-west1", "ENTERPRISE", "ACTIVE", "6.10.1"]
        assert cells[-2:] == ["$4.20/h", "0"]  # no ephemeral cluster of its pipelines
        found.focus()
        found.move_cursor(key=ETL)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        text = screen_text(app)
        assert "Data Fusion instance projects/acme-etl/locations/europe-west1/instances/etl-fusion" in text
        assert "pipeline runs seen (ephemeral Dataproc clusters): 0" in text
        assert "labels env=prod, team=ingest" in text
