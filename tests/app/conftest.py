"""Fixtures of the app tests: the demo recording on a paused clock at a chosen moment, a private state
file, no timer (tests poll with ``r`` and the replay keys), and the screen as text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard.app import DashboardApp, open_recording
from dashboard.recording.demo import demo_path
from dashboard.session import Session

AT = datetime(2026, 11, 26, 7, 25, tzinfo=UTC)
"""The moment the tests start at (a poll of every source): ``reporting-tmp`` still runs, a job runs."""


def demo_session(at: datetime = AT) -> Session:
    """The demo recording replayed up to ``at``, its clock paused there."""
    return open_recording(demo_path(), "demo", at=at, paused=True)


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test remembers its sort in its own state directory, and exports into a temporary cwd."""
    state = tmp_path / "state"
    monkeypatch.setenv("GCPDASH_STATE_DIR", str(state))
    monkeypatch.chdir(tmp_path)
    return state


@pytest.fixture
def make_app() -> Callable[..., DashboardApp]:
    """An app on the demo at a moment (default :data:`AT`), polling only when told."""

    def make(at: datetime = AT) -> DashboardApp:
        return DashboardApp(lambda: demo_session(at), subtitle="demo", poll_every=None)

    return make
