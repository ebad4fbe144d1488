"""The interactive app on the live backend, pointed at running fake servers: what the live-app tests share."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.backends.gcp.once import open_live_session
from dashboard.config import load_config
from dashboard.models import Snapshot

from .serve import Servers

if TYPE_CHECKING:
    from dashboard.app import DashboardApp, Session


def live_app(
    servers: Servers, tmp_path: Path, *, timeout: float, poll_every: float | None
) -> tuple[DashboardApp, list[Session]]:
    """The app reading ``servers`` with ``timeout`` per call and retry deadline, and the list its session
    lands in once the app opens it."""
    from dashboard.app import DashboardApp

    path = tmp_path / "fake.toml"
    path.write_text(servers.config(timeout=timeout, deadline=timeout), encoding="utf-8")
    config = load_config(path, env={})
    opened: list[Session] = []

    def open_session() -> Session:
        session = open_live_session(config)
        opened.append(session)
        return session

    return DashboardApp(open_session, poll_every=poll_every, state_path=tmp_path / "state.json"), opened


def latest(opened: list[Session]) -> Snapshot | None:
    """What the app's session holds now; None before the app opened it."""
    if not opened:
        return None
    session = opened[0]
    return session.store.snapshot(session.clock.now())
