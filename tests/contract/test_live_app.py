"""The interactive app on the live backend against both fake servers: every source arrives in the store
the app shows, and a refresh polls again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.backends.gcp.once import open_live_session
from dashboard.config import load_config

from .serve import Servers

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with Servers() as running:
        yield running


async def test_the_app_runs_live(servers: Servers, tmp_path: Path) -> None:
    from dashboard.app import DashboardApp, Session

    path = tmp_path / "fake.toml"
    path.write_text(servers.config(timeout=1.0, deadline=1.0), encoding="utf-8")
    config = load_config(path, env={})
    opened: list[Session] = []

    def open_session() -> Session:
        session = open_live_session(config)
        opened.append(session)
        return session

    app = DashboardApp(open_session, poll_every=None, state_path=tmp_path / "state.json")
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
