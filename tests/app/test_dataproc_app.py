"""The Dataproc pane's jobs and Serverless batches, driven with Pilot on the demo recording: the tables,
``tab`` between them, ``enter`` on a batch or a job opens its detail, ``y`` its raw payload."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from dashboard.app import DashboardApp
from widgets.dataproc import DataprocPane
from widgets.detail.screens import DetailScreen, RawScreen

from .helpers import screen_text, settle

pytestmark = pytest.mark.timeout(90)

MakeApp = Callable[..., DashboardApp]
SIZE = (160, 45)
AT_8 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
"""feature-backfill-q3 runs (since 07:42), dq-checks-orders has failed, late-orders-dedupe has failed."""
FAILED_BATCH = "batch:acme-etl/us-central1/dq-checks-orders"
RUNNING_BATCH = "batch:acme-etl/europe-west1/feature-backfill-q3"
FAILED_JOB = "job:acme-etl/us-central1/late-orders-dedupe-c7a04e"


def current(app: DashboardApp) -> object:
    """The current screen (not narrowed by earlier checks)."""
    return app.screen


def pane(app: DashboardApp) -> DataprocPane:
    found = app.query_one("#pane-dataproc")
    assert isinstance(found, DataprocPane)
    return found


async def test_the_pane_shows_clusters_jobs_and_batches(make_app: MakeApp) -> None:
    app = make_app(AT_8)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await pilot.pause()
        text = screen_text(app)
        assert "Jobs (5): running, and ended in the last 24 h" in text
        assert "Serverless batches (3)" in text
        for shown in ("late-orders-dedupe-c7a04e", "sessionize-hourly-3a9d71", "feature-backfill-q3"):
            assert shown in text
        jobs, batches = pane(app).more
        assert jobs.rows[0].key == FAILED_JOB  # failures first
        assert [r.key for r in batches.rows][:2] == [FAILED_BATCH, RUNNING_BATCH]
        etl = next(r for r in pane(app).table.rows if r.key == "acme-etl/us-central1/etl-nightly")
        jobs_column = [c.key for c in pane(app).table.columns].index("jobs_running")
        assert etl.cells[jobs_column].plain == "1"  # sessionize-hourly runs on it
        running = next(r for r in batches.rows if r.key == RUNNING_BATCH)
        assert "~" in "".join(c.plain for c in running.cells)  # usage estimated while it runs


async def test_tab_to_the_batches_and_enter_opens_a_failed_batch(make_app: MakeApp) -> None:
    app = make_app(AT_8)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("tab", "tab")
        batches = pane(app).more[1]
        assert app.focused is batches
        batches.move_cursor(key=FAILED_BATCH)
        await pilot.press("enter")
        await pilot.pause()
        screen = current(app)
        assert isinstance(screen, DetailScreen)
        assert screen.key == FAILED_BATCH
        text = screen_text(app)
        assert "gcpdash › Dataproc › dq-checks-orders" in text
        assert "SparkSql" in text
        assert "[TABLE_OR_VIEW_NOT_FOUND]" in text  # the message's brackets, literally
        # RUNNING 06:51:15.640 to FAILED 06:58:39.012: 443 s x 12 DCU = 5,316 DCU-s = 1.477 DCU-h
        assert "1.48 DCU-h" in text
        # 1.4767 DCU-h x $0.060 = $0.0886, + 4 GB x 443 s = 0.49 GB-h / 730 h x $0.040 = $0.00003
        assert "$0.09" in text
        await pilot.press("y")
        await pilot.pause(0.3)
        raw = current(app)
        assert isinstance(raw, RawScreen)
        assert raw.text is not None
        assert '"milliDcuSeconds": "5316000"' in raw.text
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.focused is batches


async def test_a_running_batch_shows_its_current_usage(make_app: MakeApp) -> None:
    app = make_app(AT_8)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("tab", "tab")
        pane(app).more[1].move_cursor(key=RUNNING_BATCH)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "96 DCU, 150 GB shuffle storage" in text
        assert "(estimate: current usage x time run)" in text
        # 96 DCU x $0.060 + 150 GB / 730 h x $0.040 = $5.76 + $0.0082 = $5.77/h
        assert "$5.77/h" in text


async def test_enter_on_a_failed_job_opens_its_detail(make_app: MakeApp) -> None:
    app = make_app(AT_8)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("tab")
        jobs = pane(app).more[0]
        assert app.focused is jobs
        jobs.move_cursor(key=FAILED_JOB)
        await pilot.press("enter")
        await pilot.pause()
        screen = current(app)
        assert isinstance(screen, DetailScreen)
        text = screen_text(app)
        assert "gcpdash › Dataproc › late-orders-dedupe-c7a04e" in text
        assert "etl-nightly" in text
        assert "Google Cloud Dataproc Agent reports job failure." in text
        # RUNNING 07:45:50.671 to ERROR 07:52:26.908: 6 min 36 s
        assert "ran 6m36s" in text


async def test_the_filter_applies_to_every_table(make_app: MakeApp) -> None:
    app = make_app(AT_8)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        await pilot.pause()
        pane(app).set_filter("etl-nightly")
        jobs, batches = pane(app).more
        assert {r.key for r in pane(app).table.view} == {"acme-etl/us-central1/etl-nightly"}
        assert len(jobs.view) == 4  # every job of etl-nightly; month-end-report ran on reporting-tmp
        assert list(batches.view) == []
