"""What the app runs on, without the UI: a backend, the clock it reads and the store its polls go into,
plus the replay moves (step a poll forward or back, change the time window).

Every function here runs in a worker thread, never on the UI thread: parsing, merging and snapshotting
take tens of milliseconds on a large store.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from dashboard import registry
from dashboard.backends.base import Backend
from dashboard.clock import Clock, ReplayClock
from dashboard.models import Snapshot, SourceName
from dashboard.store import Store

DEMO_START = timedelta(minutes=85)
"""``--demo`` opens at 07:25 of the 06:00-09:00 recording: jobs run and finish, ``reporting-tmp`` is
deleted at 07:30, ``daily-sales-rollup`` runs until 07:55, ``clickstream-enrich`` already lags."""

WINDOWS: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "6h": timedelta(hours=6),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}
"""The time windows one can choose, by label."""


@dataclass
class Session:
    """A backend, the clock it reads, and the store its polls go into."""

    backend: Backend
    clock: Clock
    store: Store
    make_store: Callable[[timedelta], Store] | None = None
    """A fresh empty store for a window (stepping back and changing the window start over with one)."""
    window: timedelta = field(default=WINDOWS["24h"])
    pager: object = None
    """Organisation mode: where the jobs pane's further pages are
    (:class:`~dashboard.sources.jobs.paging.Pager`)."""

    @property
    def replay(self) -> ReplayClock | None:
        """The replay clock, when the session replays a recording."""
        return self.clock if isinstance(self.clock, ReplayClock) else None


REFRESH_EVERY = timedelta(seconds=5)
"""With no new poll, how far the clock moves before a new frame is worth its cost (the data's ages)."""


def apply_due(session: Session) -> int:
    """Apply every poll that came due; how many there were."""
    applied = 0
    for source in registry.names():
        for poll in session.backend.poll(source):
            session.store.apply(poll)
            applied += 1
    return applied


def collect(session: Session) -> tuple[Snapshot, datetime]:
    """Apply every poll that came due and take a snapshot at the clock's moment."""
    apply_due(session)
    now = session.clock.now()
    return session.store.snapshot(now), now


def needs_frame(applied: int, now: datetime, last: datetime | None) -> bool:
    """Whether a new frame is worth building at ``now``: polls were applied, there is none yet (``last``
    None), the clock went back, or :data:`REFRESH_EVERY` passed since the last one. A paused replay
    builds nothing: with 100,000 jobs a frame costs ~150 ms of CPU, and an idle app must cost ~0."""
    return applied > 0 or last is None or now < last or now - last >= REFRESH_EVERY


def rebuild(session: Session, moment: datetime | None = None, window: timedelta | None = None) -> None:
    """Start over at ``moment`` (default: the clock's) with a fresh store, replaying what led there.

    Needs a replaying backend (``reset`` and ``catch_up``) and ``session.make_store``; otherwise only the
    clock moves.
    """
    if window is not None:
        session.window = window
    clock = session.replay
    if clock is not None and moment is not None:
        clock.seek(moment)
    reset = getattr(session.backend, "reset", None)
    catch_up: Callable[[SourceName], list[object]] | None = getattr(session.backend, "catch_up", None)
    if session.make_store is None or reset is None or catch_up is None:
        return
    reset()
    store = session.make_store(session.window)
    for source in registry.names():
        for poll in catch_up(source):
            store.apply(poll)  # type: ignore[arg-type]
    session.store = store


def poll_stop(session: Session, direction: int) -> datetime | None:
    """The next (``direction`` 1) or previous (-1) poll time from the clock's moment, or None."""
    times: tuple[datetime, ...] = getattr(session.backend, "poll_times", lambda: ())()
    if not times:
        return None
    now = session.clock.now()
    if direction > 0:
        index = bisect_right(times, now)
        return times[index] if index < len(times) else None
    index = bisect_left(times, now) - 1
    return times[index] if index >= 0 else None


def open_recording(
    recording: Path, mode: str, speed: float = 1.0, *, at: datetime | None = None, paused: bool = False
) -> Session:
    """A session replaying ``recording`` from ``at`` (by default its start; ``--demo`` starts
    :data:`DEMO_START` into it), its clock running at ``speed`` unless ``paused``."""
    from dashboard.backends.fixture import FixtureBackend
    from dashboard.clock import ReplayClock
    from dashboard.recording.reader import read_recording
    from dashboard.sources import replay_off

    rec = read_recording(recording)
    store_mode: Literal["demo", "replay"] = "demo" if mode == "demo" else "replay"
    clock = ReplayClock(rec.manifest.recorded_at, speed=speed, paused=paused)
    backend = FixtureBackend(rec, clock, mode=store_mode, eager=False)
    intervals = backend.intervals()

    def make_store(window: timedelta) -> Store:
        return Store(
            window=window,
            mode=store_mode,
            projects=tuple(rec.manifest.projects),
            regions=tuple(rec.manifest.regions),
            intervals=intervals,
            off=replay_off(backend.sources()),
            notes=rec.source_warnings(),
        )

    session = Session(backend, clock, make_store(WINDOWS["24h"]), make_store=make_store)
    if at is None:
        at = min(backend.start + DEMO_START, backend.end) if mode == "demo" else backend.start
    rebuild(session, at)
    return session
