"""The jobs pane on the demo recording: running jobs first, the status line, the cursor kept on its job
across polls, sorting on the jobs themselves, filtering and selection by the job's exact key."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import msgspec
from textual.app import App, ComposeResult
from textual.widgets import Static

from dashboard.models import Job, Snapshot
from dashboard.recording.demo import demo_path
from dashboard.replay import load_snapshot
from widgets.jobs import JobsPane
from widgets.table import VirtualTable

EARLY = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 26, 7, 20, tzinfo=UTC)


def _snapshot(at: datetime) -> Snapshot:
    snapshot, _ = load_snapshot(demo_path(), at=at, mode="demo")
    return snapshot


class PaneApp(App[None]):
    """The jobs pane alone."""

    def __init__(self) -> None:
        super().__init__()
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        """The pane."""
        yield JobsPane(id="jobs")

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        """Remember selections."""
        self.selected.append(event.key)


async def test_running_first_then_newest_finished_and_status_line() -> None:
    snapshot = _snapshot(LATER)
    app = PaneApp()
    async with app.run_test(size=(200, 40)) as pilot:
        pane = app.query_one(JobsPane)
        pane.update(snapshot, LATER)
        await pilot.pause()
        view = list(pane.table.view)
        assert len(view) == len(snapshot.jobs)
        states = [job.state != "DONE" for job in view]
        running = sum(states)
        assert running > 0
        assert states == [True] * running + [False] * (len(view) - running)
        ends = [job.ended for job in view[running:] if job.ended is not None]
        assert ends == sorted(ends, reverse=True)
        status = str(pane.query_one(".jobs-status", Static).render())
        assert "BigQuery jobs" in status
        assert f"{running} running" in status
        assert pane.table.render_line(0).text.startswith("STATE")


async def test_cursor_stays_on_its_job_across_polls_and_enter_selects_its_key() -> None:
    app = PaneApp()
    async with app.run_test(size=(160, 30)) as pilot:
        pane = app.query_one(JobsPane)
        pane.update(_snapshot(EARLY), EARLY)
        pane.table.focus()
        pane.table.move_cursor(row=39)
        await pilot.press("down")
        key = pane.table.cursor_key
        line = pane.table.cursor_row - int(pane.table.scroll_y)
        later = _snapshot(LATER)
        assert len(later.jobs) > len(_snapshot(EARLY).jobs)
        pane.update(later, LATER)
        await pilot.pause()
        assert pane.table.cursor_key == key
        assert pane.table.cursor_row - int(pane.table.scroll_y) == line
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [key]


async def test_sort_by_cost_and_filter_by_job_id() -> None:
    snapshot = _snapshot(LATER)
    app = PaneApp()
    async with app.run_test(size=(160, 30)) as pilot:
        pane = app.query_one(JobsPane)
        pane.update(snapshot, LATER)
        pane.table.sort_by("bytes_billed", reverse=True)
        billed = [job.bytes_billed for job in pane.table.view if job.bytes_billed is not None]
        assert billed == sorted(billed, reverse=True)
        assert pane.table.view[-1].bytes_billed is None
        pane.table.sort_by("cost_usd", reverse=True)
        assert pane.table.sort == ("cost_usd", True)
        target = snapshot.jobs[len(snapshot.jobs) // 2]
        pane.set_filter(target.job_id)
        await pilot.pause()
        assert [job.key for job in pane.table.view] == [target.key]
        assert "1 shown" in str(pane.query_one(".jobs-status", Static).render())
        pane.set_filter("!" + target.job_id)
        assert len(pane.table.view) == len(snapshot.jobs) - 1


async def test_prepare_off_the_ui_thread_then_show() -> None:
    snapshot = _snapshot(LATER)
    app = PaneApp()
    async with app.run_test(size=(160, 30)) as pilot:
        pane = app.query_one(JobsPane)
        prepared = await asyncio.to_thread(pane.prepare, snapshot, LATER)
        assert len(prepared.rows) == len(snapshot.jobs)
        pane.show(prepared)
        await pilot.pause()
        assert list(pane.table.view) == prepared.rows
        assert f"{prepared.running} running" in str(pane.query_one(".jobs-status", Static).render())


async def test_nothing_changed_nothing_done_a_later_moment_prepares_again() -> None:
    snapshot = _snapshot(LATER)
    app = PaneApp()
    async with app.run_test(size=(160, 30)) as pilot:
        pane = app.query_one(JobsPane)
        first = pane.prepare(snapshot, LATER)
        assert first.fresh
        pane.show(first)
        await app.workers.wait_for_complete()
        again = msgspec.structs.replace(snapshot)  # the next poll's snapshot: a new one, the same jobs
        assert pane.prepare(again, LATER) is first
        rows = pane.table.rows
        pane.show(first)
        assert pane.table.rows is rows  # shown already: not set again
        later = LATER + timedelta(seconds=30)
        moved = pane.prepare(again, later)
        assert moved is not first
        assert not moved.fresh  # the same jobs: no warm-up again
        assert {j.key for j in moved.rows} == {j.key for j in first.rows}
        pane.show(moved)
        await pilot.pause()
        assert pane.table.rows is moved.rows


async def test_a_queued_job_is_shown_with_the_active_ones_and_counted_as_queued() -> None:
    snapshot = _snapshot(LATER)
    queued = Job(
        project="acme-bi",
        job_id="bi_queued_1",
        location="US",
        state="PENDING",
        principal="principal://iam.googleapis.com/locations/global/workforcePools/acme-pool/subject/ana@acme.example",
        created=LATER - timedelta(seconds=40),
    )
    snapshot = msgspec.structs.replace(snapshot, jobs=(*snapshot.jobs, queued))
    running = sum(job.state == "RUNNING" for job in snapshot.jobs)
    app = PaneApp()
    async with app.run_test(size=(200, 40)) as pilot:
        pane = app.query_one(JobsPane)
        pane.update(snapshot, LATER)
        await pilot.pause()
        view = list(pane.table.view)
        assert queued in view[: running + 1]  # among the jobs not done, before the finished ones
        status = str(pane.query_one(".jobs-status", Static).render())
        assert f"{running} running · 1 queued · {len(snapshot.jobs):,} jobs" in status


def test_a_queued_jobs_timeline_says_queued_not_ran() -> None:
    from dashboard.pricing import default_prices
    from dashboard.views.collect import job_item
    from widgets.detail.content import job_timeline

    def t(minutes: float = 0) -> datetime:
        return datetime(2026, 12, 1, 8, 0, tzinfo=UTC) + timedelta(minutes=minutes)

    queued = Job(project="acme-bi", job_id="q1", state="PENDING", created=t(minutes=-3))
    ran = Job(project="acme-bi", job_id="d1", state="DONE", created=t(minutes=-9), started=t(minutes=-8),
              ended=t(minutes=-5))  # fmt: skip
    now = t()
    assert job_timeline(job_item(queued, now, default_prices(), {})).plain.endswith("(queued 3m00s so far)")
    text = job_timeline(job_item(ran, now, default_prices(), {})).plain
    assert "(queued 1m00s)" in text
    assert text.endswith("(ran 3m00s)")


async def test_in_organisation_mode_the_status_line_says_how_many_of_the_window_s_jobs_are_listed() -> None:
    from dashboard.models_aggregates import AggWindow, Bucket, JobAggregates

    snapshot = _snapshot(LATER)
    hour = LATER.replace(minute=0)
    buckets = (
        # BigQuery's counts: EU 150,000 + 28,000 over two hours, US 182 (the per-principal rows are
        # the same jobs again, not more of them)
        Bucket(location="EU", hour=hour - timedelta(hours=1), dim="total", key="", jobs=150_000),
        Bucket(location="EU", hour=hour, dim="total", key="", jobs=28_000),
        Bucket(location="US", hour=hour, dim="total", key="", jobs=182),
        Bucket(
            location="EU", hour=hour, dim="principal", key="etl@acme-etl.iam.gserviceaccount.com", jobs=9_000
        ),
    )
    aggregates = JobAggregates(
        scope="organization",
        scope_id="123456789012",
        view="JOBS_BY_ORGANIZATION",
        windows=(
            AggWindow(location="EU", since=hour - timedelta(hours=1)),
            AggWindow(location="US", since=hour),
        ),
        buckets=buckets,
    )
    app = PaneApp()
    async with app.run_test(size=(200, 40)) as pilot:
        pane = app.query_one(JobsPane)
        pane.update(msgspec.structs.replace(snapshot, job_aggregates=aggregates), LATER)
        await pilot.pause()
        status = str(pane.query_one(".jobs-status", Static).render())
        assert f"{len(snapshot.jobs):,} listed of 178,182 jobs in the window" in status
        pane.update(snapshot, LATER)  # a project's jobs: every one is listed
        await pilot.pause()
        status = str(pane.query_one(".jobs-status", Static).render())
        assert f"{len(snapshot.jobs):,} jobs" in status
        assert "listed of" not in status
