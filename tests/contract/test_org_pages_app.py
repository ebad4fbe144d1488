"""The jobs pane's ``m`` in organisation mode, as a user sees it: the app on the live backend, BigQuery a
fake that evaluates the SQL on JOBS rows of two projects in EU and US (:mod:`.org_world`), the other
sources pointed at a closed port. The footer offers ``m`` only in organisation mode; a press reads the
next page of every location and the status line counts them; once every page is read it says so. On a
recording the key says that pages are read live."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest

from dashboard.app import DashboardApp
from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store
from dashboard.config import EndpointsConfig, SourceConfig
from dashboard.session import Session

from .fake_bq_sql import JobsSql, SqlFakeRest
from .org_world import ORG, ROWS, StepClock, at, backend, row

pytestmark = pytest.mark.timeout(90)

CLOSED = "127.0.0.1:9"
"""Where the gRPC sources go: refused at once."""

BULK = [
    row("acme-bi", f"bulk_{i:03d}", at(4 + i // 60, i % 60), total_bytes_billed=2**30, total_slot_ms=i)
    for i in range(150)
]
"""150 more finished EU jobs of 1 GiB: a poll lists EU's 100 costliest finished ones, not all 155."""


@pytest.fixture
def jobs() -> JobsSql:
    return JobsSql(rows=[dict(r) for r in (*ROWS, *BULK)], parents={"acme-etl": "4455", "acme-bi": "7788"})


@pytest.fixture
def fake(jobs: JobsSql) -> Iterator[SqlFakeRest]:
    with SqlFakeRest(jobs) as server:
        yield server


def _app(fake: SqlFakeRest, tmp_path: Path, clock: StepClock | None = None, **scope: str) -> DashboardApp:
    clock = clock or StepClock()
    config = backend(fake, clock, **scope).config
    config = msgspec.structs.replace(
        config,
        endpoints=EndpointsConfig(
            bigquery=fake.url, reservation=CLOSED, dataproc=CLOSED, dataflow=CLOSED, monitoring=CLOSED
        ),
        sources={
            name: SourceConfig(enabled=False)
            for name in ("pubsub", "composer", "vertex", "dataquality", "datafusion")
        },
    )
    live = LiveBackend(config, clock)
    session = Session(live, clock, live_store(live, timedelta(hours=24)))
    return DashboardApp(lambda: session, poll_every=None, state_path=tmp_path / "state.json")


def screen_text(app: DashboardApp) -> str:
    """What the terminal shows now, as plain lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def settle(pilot: Any, app: DashboardApp) -> None:
    """Wait until the first frame is shown."""
    for _ in range(500):
        await pilot.pause(0.02)
        if app._frame is not None:
            break
    await pilot.pause()
    assert app._frame is not None, "no frame after 10 s"


async def _further(pilot: Any, app: DashboardApp) -> str:
    """The "Further jobs" notification, once it shows (up to 20 s)."""
    for _ in range(400):
        await pilot.pause(0.05)
        said = [n.message for n in app._notifications if n.title == "Further jobs"]
        if said:
            [message] = said
            return message
    raise AssertionError("no notification of further jobs")


def _status(app: DashboardApp) -> str:
    return next(line for line in screen_text(app).splitlines() if line.startswith("BigQuery jobs"))


async def test_m_reads_further_jobs_until_every_page_is_read(fake: SqlFakeRest, tmp_path: Path) -> None:
    app = _app(fake, tmp_path, organization=ORG)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await pilot.pause()
        # since 03:00: EU 155 finished and 1 queued, US 1 (the script parent is not one; its two children
        # are); the poll lists EU's 100 costliest finished and its queued one, and US's one
        assert "102 listed of 157 jobs in the window" in _status(app)
        assert "m More jobs" in screen_text(app)
        before = len(app._frame.snapshot.jobs) if app._frame else 0

        await pilot.press("m")
        said = await _further(pilot, app)
        # one page a location: EU's 155 finished (100 of them listed already) and US's one
        assert said.startswith("55 more jobs listed (156 read")
        assert "EU, US: no further job" in said
        assert "157 listed of 157 jobs in the window" in _status(app)
        assert app._frame is not None
        assert len(app._frame.snapshot.jobs) == before + 55

        app.clear_notifications()
        await pilot.press("m")
        assert await _further(pilot, app) == "no further job in the window: every page is read"


async def test_project_mode_offers_no_m(fake: SqlFakeRest, tmp_path: Path) -> None:
    app = _app(fake, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await pilot.pause()
        assert "More jobs" not in screen_text(app)


async def test_the_polls_go_on_while_a_slow_page_is_read(
    fake: SqlFakeRest, jobs: JobsSql, tmp_path: Path
) -> None:
    clock = StepClock()
    app = _app(fake, tmp_path, clock, organization=ORG)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        jobs.page_delay = 5.0
        await pilot.press("m")
        await pilot.pause(0.3)
        clock.at += timedelta(minutes=2)  # the jobs source is due again
        await pilot.press("r")
        for _ in range(200):
            await pilot.pause(0.02)
            if app._frame is not None and app._frame.now == clock.at:
                break
        assert app._frame is not None
        assert app._frame.now == clock.at  # a new frame while the page waits
        assert not [n for n in app._notifications if n.title == "Further jobs"]
        said = await _further(pilot, app)
        # the poll at 09:32 read from 08:00 on and listed etl_2 and bi_1 (cheap: past the first poll's
        # 100 costliest), so the page brought 2 fewer new ones
        assert said.startswith("53 more jobs listed (156 read")


async def test_a_recording_with_bigquery_s_totals_offers_no_m(fake: SqlFakeRest, tmp_path: Path) -> None:
    from dashboard.recording.demo import demo_path
    from dashboard.session import open_recording

    [polled] = backend(fake, StepClock(), organization=ORG).poll("jobs", force=True)  # BigQuery's totals
    session = open_recording(demo_path(), "demo", paused=True)
    session.store.apply(msgspec.structs.replace(polled, t=session.clock.now()))
    app = DashboardApp(lambda: session, poll_every=None, state_path=tmp_path / "state.json")
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await pilot.pause()
        assert "listed of" in _status(app)  # organisation mode's count
        assert "More jobs" not in screen_text(app)  # but a recording cannot page
        header = screen_text(app).splitlines()[0]
        assert f"gcpdash  organization {ORG} · acme-analytics, acme-etl  " in header  # the scope first


def test_the_header_counts_the_projects_past_the_first_three() -> None:
    from widgets.header import _few

    projects = [f"acme-{n:04d}" for n in range(2_000)]
    assert _few(projects, "project") == "acme-0000, acme-0001, acme-0002 +1,997 projects"
    assert _few(projects[:4], "project") == "acme-0000, acme-0001, acme-0002 +1 project"
    assert _few(projects[:3], "project") == "acme-0000, acme-0001, acme-0002"
    assert _few([], "region") == "no region"
