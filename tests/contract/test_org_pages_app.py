"""The jobs pane's ``m`` in organisation mode, as a user sees it: the app on the live backend, BigQuery a
fake that evaluates the SQL on JOBS rows of two projects in EU and US (:mod:`.org_world`), the other
sources pointed at a closed port. The footer offers ``m`` only in organisation mode; a press reads the
next page of every location and the status line counts them; once every page is read it says so. On a
recording the key says that pages are read live."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from dashboard.app import DashboardApp
from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store
from dashboard.config import EndpointsConfig, SourceConfig
from dashboard.session import Session
from tests.app.helpers import screen_text, settle

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
def fake() -> Iterator[SqlFakeRest]:
    server = SqlFakeRest(
        JobsSql(rows=[dict(r) for r in (*ROWS, *BULK)], parents={"acme-etl": "4455", "acme-bi": "7788"})
    )
    with server:
        yield server


def _app(fake: SqlFakeRest, tmp_path: Path, **scope: str) -> DashboardApp:
    clock = StepClock()
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
        for _ in range(300):
            await pilot.pause(0.05)
            if any(n.title == "Further jobs" for n in app._notifications):
                break
        [said] = [n.message for n in app._notifications if n.title == "Further jobs"]
        # one page a location: EU's 155 finished (100 of them listed already) and US's one
        assert said.startswith("55 more jobs listed (156 read")
        assert "EU, US: no further job" in said
        assert "157 listed of 157 jobs in the window" in _status(app)
        assert app._frame is not None
        assert len(app._frame.snapshot.jobs) == before + 55

        app.clear_notifications()
        await pilot.press("m")
        for _ in range(300):
            await pilot.pause(0.05)
            if app._notifications:
                break
        assert [n.message for n in app._notifications if n.title == "Further jobs"] == [
            "no further job in the window: every page is read"
        ]


async def test_project_mode_offers_no_m(fake: SqlFakeRest, tmp_path: Path) -> None:
    app = _app(fake, tmp_path)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        await pilot.pause()
        assert "More jobs" not in screen_text(app)
