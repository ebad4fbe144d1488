"""Every source read once, live, in parallel: what ``gcpdash --once`` shows without a recording, and the
session the interactive app runs on live (the app itself is started by :mod:`dashboard.launch_live`:
nothing under ``dashboard/backends`` imports Textual).

Loads Google's clients only when a poll runs (through :class:`~dashboard.backends.gcp.live.LiveBackend`).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING

from dashboard.backends.base import Poll
from dashboard.backends.gcp.live import LiveBackend
from dashboard.clock import Clock, SystemClock
from dashboard.config import Config
from dashboard.errors import GcpdashError, SourceError
from dashboard.models import SOURCES, Snapshot, SourceName
from dashboard.sources import live_off
from dashboard.store import Store

if TYPE_CHECKING:
    from dashboard.session import Session


def poll_all(backend: LiveBackend, sources: Sequence[SourceName] | None = None) -> list[Poll]:
    """Poll ``sources`` (default: all) once, each in its own thread; the polls in source order."""
    chosen = tuple(sources or backend.sources())
    backend.preload()
    with ThreadPoolExecutor(max_workers=len(chosen), thread_name_prefix="gcpdash-poll") as pool:
        results = list(pool.map(backend.poll, chosen))
    return [poll for polls in results for poll in polls]


def live_store(backend: LiveBackend, window: timedelta = timedelta(hours=24)) -> Store:
    """An empty live store for ``backend``'s projects, regions and intervals, keeping ``window`` of jobs."""
    config = backend.config
    try:
        projects = backend.ctx.projects
    except SourceError:
        projects = ()
    intervals = config.intervals
    return Store(
        window=window,
        mode="live",
        projects=projects,
        regions=tuple(config.gcp.regions),
        intervals={
            **{name: getattr(intervals, name) for name in SOURCES},
            **{name: backend.interval(name) for name in backend.sources() if name not in SOURCES},
        },
        off=live_off(config),
    )


def preflight(backend: LiveBackend) -> tuple[str, ...]:
    """Load the credentials and resolve the projects before anything is polled.

    Returns:
        The monitored projects.

    Raises:
        GcpdashError: No credentials, or no project to watch (exit 3, the message says what to do).
    """
    try:
        _ = backend.ctx.credentials
        return backend.ctx.projects
    except SourceError as exc:
        raise GcpdashError(exc.reason) from None


def live_snapshot(
    config: Config, clock: Clock | None = None, notes: list[str] | None = None
) -> tuple[Snapshot, list[Poll]]:
    """Read every source once and return what gcpdash shows, with the polls it came from; ``notes`` gets
    what discovery found (with an organisation or folder scope).

    Never raises for a source that cannot be read: its status says why.

    Raises:
        GcpdashError: No credentials or no project at all (:func:`preflight`).
    """
    clock = clock or SystemClock()
    backend = LiveBackend(config, clock)
    try:
        preflight(backend)
        started = clock.now()
        polls = poll_all(backend)
        summary = backend.discovery.summary()
        if notes is not None and summary is not None:
            notes.append(summary)
        store = live_store(backend)
        for poll in polls:
            store.apply(poll)
        # every source is judged by its own poll: one read in this run is fresh, however long the
        # slowest source took (a hung Monitoring must not make a healthy BigQuery stale)
        return store.snapshot(clock.now(), fresh_since=started), polls
    finally:
        backend.close()


def open_live_session(config: Config) -> Session:
    """The interactive app's session on the live backend (``DashboardApp(lambda: open_live_session(c))``)."""
    from dashboard.session import Session

    clock = SystemClock()
    backend = LiveBackend(config, clock, background=True)

    def make_store(window: timedelta) -> Store:
        return live_store(backend, window)

    return Session(backend, clock, make_store(timedelta(hours=24)), make_store=make_store)
