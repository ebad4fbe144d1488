"""The fault matrix in the app: the live app against the fakes (tests/contract/matrix.py), every target
denied and every fault on one target at least (:data:`CELLS`); the pane that shows the faulted source
shows the reason (the role to grant, for a 403), and once the fault clears (a refused endpoint: a server
comes up on its port), the next polls bring the source back to ok without a warning and the reason leaves
the screen."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dashboard.backends.gcp.once import open_live_session
from dashboard.config import load_config
from dashboard.models import SourceStatus
from dashboard.recording import format as fmt

from .fake_grpc import Fault
from .matrix import REASONS, TARGETS, Fakes

pytestmark = pytest.mark.timeout(90)

PANES = {
    # source shown: (pane id, pane key)
    "jobs": ("jobs", "2"),
    "reservations": ("slots", "3"),
    "dataproc": ("dataproc", "4"),
    "dataflow": ("dataflow", "5"),
    "billing": ("cost", "6"),
}
CELLS = [
    # every target denied (the pane names the role), then every other fault on one target each
    *((target, "403") for target in TARGETS),
    ("jobs", "401"),
    ("reservations", "404"),
    ("dataproc.clusters", "429"),
    ("dataflow", "500"),
    ("monitoring", "503"),
    ("billing.export", "504"),
    ("reservations", "second"),
    ("dataproc.clusters", "hang"),
    ("dataflow", "garbage"),
    ("jobs", "refused"),
    ("billing.budgets", "refused"),
]
"""Every target and every fault at least once: a whole matrix in the app would take minutes."""


def screen_text(app: Any) -> str:
    """What the terminal shows now, as plain lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def _says(fault: str, role: str) -> Callable[[str], bool]:
    """Whether a screen shows ``fault``'s reason (the role, for a 403)."""
    if fault == "403":
        return lambda text: role in text
    words = re.compile("|".join(rf"\b{re.escape(word)}\b" for word in REASONS[fault]))
    return lambda text: words.search(text) is not None  # a whole word: 503 is not in 5517239814503987341


@pytest.mark.parametrize(("target", "fault"), [pytest.param(t, f, id=f"{t}-{f}") for t, f in CELLS])
async def test_the_pane_shows_the_fault_and_recovers_when_it_clears(
    target: str, fault: str, tmp_path: Path
) -> None:
    from dashboard.app import DashboardApp, Session

    spec = TARGETS[target]
    name = spec.source if target != "monitoring" else "dataflow"
    pane, key = PANES[name]
    says = _says(fault, spec.role)
    opened: list[Session] = []
    with Fakes() as fakes:
        fakes.inject(spec, fault)
        path = tmp_path / "gcpdash.toml"
        path.write_text(fakes.config_text(intervals=2.0), encoding="utf-8")
        config = load_config(path, env={})

        def open_session() -> Session:
            session = open_live_session(config)
            opened.append(session)
            return session

        def status() -> SourceStatus:
            session = opened[0]
            return session.store.snapshot(session.clock.now()).statuses[name]  # type: ignore[index]

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
            shows_fault = await until(lambda: says(screen_text(app)), seconds=12.0)
            assert shows_fault, screen_text(app)
            fakes.clear()
            # a backed-off source (429, 503) waits up to 2 intervals (4 s) before it asks again
            healthy = await until(
                lambda: status().state == "ok" and not status().warnings and not says(screen_text(app)),
                seconds=30.0,
            )
            assert healthy, f"{status()}\n{screen_text(app)}"
            app.polling = False  # no poll in flight while the app closes
            await until(lambda: not app._busy.locked())
        for session in opened:
            session.backend.close()  # type: ignore[attr-defined]


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
