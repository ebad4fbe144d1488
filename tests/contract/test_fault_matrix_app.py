"""The fault matrix in the app: per source, the live app against the fakes (tests/contract/matrix.py) with
a denied call; the pane that shows the source shows the reason (the role to grant), and once the fault
clears, the next polls bring the pane back to ok with its data."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dashboard.backends.gcp.once import open_live_session
from dashboard.config import load_config
from dashboard.recording import format as fmt

from .fake_grpc import Fault
from .matrix import TARGETS, Fakes

pytestmark = pytest.mark.timeout(90)

CASES = {
    # source: (target, pane id, pane key, what the pane must show while it fails)
    "jobs": ("jobs", "jobs", "2", "roles/bigquery.resourceViewer"),
    "reservations": ("reservations", "slots", "3", "roles/bigquery.resourceViewer"),
    "dataproc": ("dataproc.clusters", "dataproc", "4", "roles/dataproc.viewer"),
    "dataflow": ("dataflow", "dataflow", "5", "roles/dataflow.viewer"),
    "billing": ("billing.export", "cost", "6", "roles/bigquery.dataViewer"),
    "monitoring": ("monitoring", "dataflow", "5", "roles/monitoring.viewer"),
}
XFAIL = {
    "billing": "the Cost pane shows no billing status: with the export query denied it says 'no billing "
    "export configured' and 'set [billing] export_table', not the error and the role",
    "monitoring": "Monitoring failure invisible: the pane's heading shows only the status's reason, not "
    "its warnings",
}


def screen_text(app: Any) -> str:
    """What the terminal shows now, as plain lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def _case(name: str) -> object:
    marks = (
        [pytest.mark.xfail(strict=True, raises=AssertionError, reason=XFAIL[name])] if name in XFAIL else []
    )
    return pytest.param(name, id=name, marks=marks)


@pytest.mark.parametrize("source", [_case(name) for name in CASES])
async def test_the_pane_shows_the_fault_and_recovers_when_it_clears(source: str, tmp_path: Path) -> None:
    from dashboard.app import DashboardApp, Session

    target, pane, key, role = CASES[source]
    opened: list[Session] = []
    with Fakes() as fakes:
        fakes.inject(TARGETS[target], "403")
        path = tmp_path / "gcpdash.toml"
        path.write_text(fakes.config_text(intervals=2.0), encoding="utf-8")
        config = load_config(path, env={})

        def open_session() -> Session:
            session = open_live_session(config)
            opened.append(session)
            return session

        def status() -> str:
            session = opened[0]
            name = TARGETS[target].source if source != "monitoring" else "dataflow"
            return session.store.snapshot(session.clock.now()).statuses[name].state

        app = DashboardApp(open_session, poll_every=0.2, state_path=tmp_path / "state.json")
        async with app.run_test(size=(220, 50)) as pilot:

            async def until(check: Callable[[], bool], seconds: float = 20.0) -> bool:
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    await pilot.pause(0.1)
                    if opened and check():
                        return True
                return False

            assert await until(lambda: app._frame is not None), "no frame"
            await pilot.press(key)
            assert await until(lambda: app.query_one("TabbedContent").active == pane)  # type: ignore[attr-defined]
            shows_fault = await until(lambda: role in screen_text(app), seconds=8.0)
            assert shows_fault, screen_text(app)
            fakes.clear()
            recovered = await until(lambda: status() == "ok" and role not in screen_text(app))
            assert recovered, screen_text(app)
            app.polling = False  # no poll in flight while the app closes
            await until(lambda: not app._busy.locked())
        for session in opened:
            session.backend.close()  # type: ignore[attr-defined]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="primary data waiting for Monitoring: a source's poll, listing included, is applied only once "
    "its Monitoring reads gave up",
)
async def test_dataflow_jobs_show_before_a_hanging_monitoring_gives_up(tmp_path: Path) -> None:
    """Monitoring hangs; [timeouts] call = 3, retry_deadline = 6: Monitoring gives up after 6 s at the
    earliest, the Dataflow listing answers at once, so its jobs are on the pane well before."""
    from dashboard.app import DashboardApp

    with Fakes() as fakes:
        fakes.grpc.fault(fmt.MON_LIST_TIME_SERIES, Fault(kind="sleep", page=None, seconds=10.0))
        path = tmp_path / "gcpdash.toml"
        path.write_text(fakes.config_text(intervals=30.0, call=3.0, deadline=6.0), encoding="utf-8")
        config = load_config(path, env={})
        app = DashboardApp(lambda: open_live_session(config), poll_every=0.2, state_path=tmp_path / "s.json")
        async with app.run_test(size=(220, 50)) as pilot:
            await pilot.press("5")
            started = time.monotonic()
            shown = None
            while time.monotonic() - started < 15:
                await pilot.pause(0.1)
                listed = bool(fakes.grpc.requests(fmt.DATAFLOW_AGGREGATED_LIST_JOBS))
                if listed and "clickstream-enrich" in screen_text(app):
                    shown = time.monotonic() - started
                    break
            app.polling = False
            assert shown is not None, screen_text(app)
            assert shown < 4.0, f"the jobs showed after {shown:.1f}s"
