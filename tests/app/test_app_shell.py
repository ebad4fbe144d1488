"""The app opens on the demo recording, fills its panes from the replayed polls, switches panes by key
and quits cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TabbedContent

from dashboard.app import DashboardApp, Session
from dashboard.backends.fixture import FixtureBackend
from dashboard.clock import ReplayClock
from dashboard.recording.reader import demo_path, read_recording
from dashboard.store import Store
from widgets import SnapshotPane


def _open_demo(path: Path) -> Session:
    rec = read_recording(path)
    clock = ReplayClock(rec.manifest.recorded_at, paused=True)
    backend = FixtureBackend(rec, clock, mode="demo")
    clock.seek(backend.end)
    return Session(backend, clock, Store(mode="demo", projects=tuple(rec.manifest.projects)))


def _pane_text(app: DashboardApp, pane_id: str) -> str:
    pane = app.query_one(f"#view-{pane_id}", SnapshotPane)
    return str(pane.query_one("Static").render())


@pytest.mark.timeout(60)
async def test_panes_fill_and_switch_by_key() -> None:
    app = DashboardApp(lambda: _open_demo(demo_path()))
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        for _ in range(50):
            await pilot.pause(0.05)
            if not app.query_one("#view-overview", SnapshotPane).has_class("-loading"):
                break
        assert not app.query_one("#view-overview", SnapshotPane).has_class("-loading")
        for key, pane_id in [
            ("2", "jobs"),
            ("3", "slots"),
            ("4", "dataproc"),
            ("5", "dataflow"),
            ("6", "cost"),
        ]:
            await pilot.press(key)
            await pilot.pause()
            assert app.query_one(TabbedContent).active == pane_id
            assert not app.query_one(f"#view-{pane_id}", SnapshotPane).has_class("-loading")
        await pilot.press("q")
    assert app.return_code in (0, None)
