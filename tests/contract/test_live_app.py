"""The interactive app on the live backend against both fake servers: every source arrives in the store
the app shows, and a refresh polls again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .live_app import latest, live_app
from .serve import Servers

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with Servers() as running:
        yield running


async def test_the_app_runs_live(servers: Servers, tmp_path: Path) -> None:
    app, opened = live_app(servers, tmp_path, timeout=1.0, poll_every=None)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause(2)
        await pilot.press("r")
        await pilot.pause(1)
        await pilot.press("4")
        await pilot.pause(0.5)
    [session] = opened
    snapshot = session.store.snapshot(session.clock.now())
    assert snapshot.mode == "live"
    for source in ("jobs", "reservations", "dataproc", "dataflow"):
        assert snapshot.statuses[source].state == "ok", snapshot.statuses[source]
    assert snapshot.jobs
    assert snapshot.dataproc.clusters
    assert len(servers.rest.requests("/jobs")) >= 2  # jobs.list of both projects at least once


async def test_the_apps_first_poll_reads_every_projects_history(tmp_path: Path) -> None:
    """Two job projects in US and europe-west4 (tests/contract/world.py): the app's first jobs poll queries
    the history of each project in each location, so the second project's finished jobs show at once."""
    with Servers(world=True) as world:
        app, opened = live_app(world, tmp_path, timeout=2.0, poll_every=0.2)
        async with app.run_test(size=(160, 50)) as pilot:
            for _ in range(100):
                await pilot.pause(0.1)
                now = latest(opened)
                if now is not None and now.statuses["jobs"].state == "ok":
                    break
        queried = {(r.path.split("/")[4], r.body["location"]) for r in world.rest.log if r.method == "POST"}
    assert queried == {(p, loc) for p in ("acme-etl", "acme-bi") for loc in ("US", "europe-west4")}
    [session] = opened
    jobs = {j.job_id: j for j in session.store.snapshot(session.clock.now()).jobs}
    for job_id in ("bi_dash_1", "bi_fail_1", "bi_eu_1", "etl_eu_1"):
        assert job_id in jobs, job_id
    assert jobs["bi_queued_1"].state == "PENDING"
