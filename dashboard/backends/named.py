"""Backends chosen by name (``gcpdash --backend NAME``, ``[backend] name``) from the entry-point group
``gcpdash.backends``: gcpdash's own ``live`` (the default) and ``fixture`` (``--demo``/``--replay``), and any
other distribution's. docs/plugins.md documents the contract (:mod:`dashboard.backends.base`).

An entry point names a callable, ``create(options) -> Backend`` (a function or the backend's class), with
an optional ``OPTIONS`` (:mod:`dashboard.backends.options`). Only the chosen backend is imported; a backend
that fails to import is named in one line (:func:`problems`: what failed, from which distribution) and
the others still work.

A plugin backend is run through :class:`Served`: each of its sources is asked at most once per the
source's interval, a source it does not serve is off, and a ``poll`` that raises is a failed Poll, not a
crash. Nothing here imports Textual or Google's clients.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from dashboard.backends.base import Backend, Poll, SupportsJobPages, SupportsRaw
from dashboard.errors import GcpdashError, UsageError

if TYPE_CHECKING:
    from dashboard.clock import Clock
    from dashboard.config import Config
    from dashboard.models import Snapshot, SourceName
    from dashboard.registry import EntryPoint
    from dashboard.session import Session
    from dashboard.sources.jobs.paging import Cursor, JobPage
    from dashboard.store import Store

__all__ = [
    "BUILT_IN",
    "GROUP",
    "Served",
    "entries",
    "load",
    "load_all",
    "make",
    "once",
    "problems",
    "session",
    "where",
]

GROUP = "gcpdash.backends"
"""The entry-point group every backend registers in: ``name = "package.module:create"``."""

BUILT_IN = ("live", "fixture")
"""gcpdash's own backends: ``live`` reads Google Cloud, ``fixture`` replays a recording."""


def entries() -> dict[str, EntryPoint]:
    """Every backend's entry point by name (nothing imported)."""
    from dashboard.registry import entry_points

    return {entry.name: entry for entry in entry_points(GROUP)}


def where(entry: EntryPoint) -> str:
    """``module:attr, from dist version``: what an entry point names and who declares it."""
    dist = f"{entry.dist} {entry.version}".strip() or "an unknown distribution"
    return f"{entry.value}, from {dist}"


def _import(entry: EntryPoint) -> Any:
    """What ``entry`` names, imported.

    Raises:
        GcpdashError: It cannot be imported, or is not callable; one line naming it and its distribution.
    """
    try:
        factory = entry.load()
    except Exception as exc:  # a broken plugin is named, never a traceback
        raise GcpdashError(
            f"backend plugin {entry.name!r} ({where(entry)}) not loaded: {type(exc).__name__}: {exc}"
        ) from None
    if not callable(factory):
        raise GcpdashError(f"backend plugin {entry.name!r} ({where(entry)}) is not callable")
    return factory


def load(name: str) -> Any:
    """The factory of the backend called ``name``.

    Raises:
        UsageError: No backend of that name (the message lists the installed ones).
        GcpdashError: It is installed but cannot be loaded.
    """
    found = entries()
    entry = found.get(name)
    if entry is None:
        installed = ", ".join(sorted(found)) or "none"
        raise UsageError(f"--backend {name}: no such backend (installed: {installed}; see gcpdash --check)")
    return _import(entry)


def load_all() -> tuple[dict[str, tuple[EntryPoint, Any]], list[str]]:
    """Every installed backend imported: those that load, by name, and one line per one that does not."""
    loaded: dict[str, tuple[EntryPoint, Any]] = {}
    problems: list[str] = []
    for name, entry in entries().items():
        try:
            loaded[name] = (entry, _import(entry))
        except GcpdashError as exc:
            problems.append(str(exc))
    return loaded, problems


def problems(skip: str = "") -> list[str]:
    """One line per backend plugin (not gcpdash's own, not ``skip``) that cannot be loaded."""
    lines: list[str] = []
    for name, entry in entries().items():
        if name in BUILT_IN or name == skip:
            continue
        try:
            _import(entry)
        except GcpdashError as exc:
            lines.append(str(exc))
    return lines


def make(name: str, given: Mapping[str, Any], *, config: Config, clock: Clock) -> Served:
    """The plugin backend ``name`` made with ``given`` (``[backend.options]``), checked against the
    options it declares; it gets ``config`` and ``clock`` too.

    Raises:
        UsageError: An unknown backend, or options it refuses.
        GcpdashError: It cannot be loaded, or ``create`` failed or made no :class:`Backend`.
    """
    from dashboard.backends.options import checked_options, declared_options

    factory = load(name)
    options = checked_options(name, declared_options(factory), given)
    try:
        backend = factory({**options, "config": config, "clock": clock})
    except GcpdashError:
        raise
    except Exception as exc:
        raise GcpdashError(f"backend {name!r} could not start: {type(exc).__name__}: {exc}") from None
    if not isinstance(backend, Backend):
        raise GcpdashError(f"backend {name!r}: create returned {type(backend).__name__}, not a Backend")
    return Served(backend, config=config, clock=clock)


class Served:
    """A plugin backend as gcpdash runs it: asked for each of its registered sources at most once per the
    source's interval, a ``poll`` that raises made a failed :class:`Poll`."""

    def __init__(self, backend: Backend, *, config: Config, clock: Clock) -> None:
        from dashboard import registry

        self.backend = backend
        self.name = backend.name
        self.clock = clock
        self.config = config
        offered = tuple(backend.sources())
        known = registry.names()
        self.served: tuple[SourceName, ...] = tuple(s for s in known if s in offered)
        """The registered sources it serves, in gcpdash's order."""
        self.unknown = tuple(s for s in offered if s not in known)
        """What it offers that no source is registered as (left out, named in a warning)."""
        self._last: dict[SourceName, datetime] = {}
        self._lock = threading.Lock()

    def sources(self) -> tuple[SourceName, ...]:
        """The registered sources it serves."""
        return self.served

    def interval(self, source: SourceName) -> float:
        """Seconds between two polls of ``source``: ``[intervals]`` or ``[sources.<name>] interval``, else
        its spec's."""
        from dashboard import registry

        spec = registry.spec(source)
        settings = self.config.sources.get(source)
        if settings is not None and settings.interval is not None:
            return settings.interval
        if spec is not None and spec.builtin:
            return float(getattr(self.config.intervals, source, spec.interval))
        return spec.interval if spec is not None else 60.0

    def poll(self, source: SourceName) -> list[Poll]:
        """The backend's polls of ``source`` when its interval has passed since the last, else none."""
        if source not in self.served:
            return []
        now = self.clock.now()
        with self._lock:
            last = self._last.get(source)
            if last is not None and now - last < timedelta(seconds=self.interval(source)):
                return []
            self._last[source] = now
        try:
            polls = list(self.backend.poll(source))
        except Exception as exc:  # the contract says never raise; a plugin that does fails its source only
            return [Poll(source=source, t=now, error=f"backend {self.name!r}: {type(exc).__name__}: {exc}")]
        return [p for p in polls if isinstance(p, Poll) and p.source == source]

    def raw(self, kind: str, key: str) -> dict[str, Any] | None:
        """The backend's raw payload of one item (``y``), when it keeps them (:class:`SupportsRaw`)."""
        if not isinstance(self.backend, SupportsRaw):
            return None
        return self.backend.raw(kind, key)

    def job_page(
        self, since: datetime, after: Mapping[str, Cursor | None], size: int | None = None
    ) -> JobPage | None:
        """The backend's next page of further jobs, when it reads them (:class:`SupportsJobPages`)."""
        if not isinstance(self.backend, SupportsJobPages):
            return None
        return (
            self.backend.job_page(since, after) if size is None else self.backend.job_page(since, after, size)
        )

    def close(self) -> None:
        """Close the backend."""
        self.backend.close()

    def store(self, window: timedelta = timedelta(hours=24)) -> Store:
        """An empty store for its snapshots: the sources it does not serve are off."""
        from dashboard import registry
        from dashboard.store import Store

        projects = getattr(self.backend, "projects", None) or tuple(self.config.gcp.projects)
        return Store(
            window=window,
            mode="live",
            projects=tuple(projects),
            regions=tuple(getattr(self.backend, "regions", None) or self.config.gcp.regions),
            intervals={source: self.interval(source) for source in self.served},
            off={
                source: f"not served by backend {self.name!r}"
                for source in registry.names()
                if source not in self.served
            },
        )


def once(backend: Served) -> tuple[Snapshot, list[Poll]]:
    """Every source ``backend`` serves read once, each in its own thread, and the snapshot of them."""
    started = backend.clock.now()
    chosen = backend.sources()
    with ThreadPoolExecutor(max_workers=max(1, len(chosen)), thread_name_prefix="gcpdash-poll") as pool:
        results = list(pool.map(backend.poll, chosen))
    polls = [poll for found in results for poll in found]
    store = backend.store()
    for poll in polls:
        store.apply(poll)
    return store.snapshot(backend.clock.now(), fresh_since=started), polls


def session(backend: Served) -> Session:
    """The interactive app's session on ``backend``."""
    from dashboard.session import Session

    return Session(backend, backend.clock, backend.store(), make_store=backend.store)
