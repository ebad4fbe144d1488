"""The live backend: every source read from Google Cloud with Google's own clients, parsed by the same
parsers a replay uses.

``poll(source)`` never raises: a failed read (403, 429, 5xx, a timeout, garbage, no credentials, an
unexpected exception) is a :class:`~dashboard.backends.base.Poll` whose ``error`` says why. Clients are
made on first use; a source whose live reader is missing from the build is only that source unavailable.

A poll in which a service answered with a quota error, or that failed with 503 / UNAVAILABLE, backs its
source off: the next poll waits a jittered, exponentially growing multiple of the interval
(:func:`~dashboard.backends.gcp.budget.backoff`), and the poll's reason says how long.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from dashboard.backends.base import Poll
from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.raw import find_item, is_thing, named_row, raw_target
from dashboard.clock import Clock, SystemClock
from dashboard.config import Config
from dashboard.errors import GcpdashError, SourceError, UsageError
from dashboard.models import SourceName
from dashboard.recording.format import Exchange
from dashboard.sources import live_off, span
from dashboard.sources.jobs.org_sql import PAGE_SIZE

if TYPE_CHECKING:
    from dashboard.sources.jobs.paging import Cursor, JobPage

_AUTH_MODULES = (
    "dashboard.backends.gcp.budget",
    "netrc",  # requests reads ~/.netrc on a request's first use
    "dashboard.parsers",
    "dashboard.backends.gcp.sources",
    "dashboard.iam",
    "requests",
    "requests.exceptions",
    "google.auth",
    "google.auth.exceptions",
    "google.auth.transport.requests",
    "google.api_core.exceptions",
    "google.api_core.retry",
)


class LiveBackend:
    """Reads every source live. Different sources may be polled at once from different threads; one
    source's polls are serialized.

    With ``background=True`` (the app) :meth:`poll` never waits for the network: a due source's read
    starts in a worker thread and its Poll is returned by a later call, once it is done, so a slow or
    dead endpoint delays only its own pane. A source that reads Monitoring after its listing (slots,
    Dataproc, Dataflow) has its listing returned first, as a Poll of its own, and then the whole poll with
    the metrics: a slow Monitoring delays only the metric columns. The worker threads are daemons and
    :meth:`close` closes the clients, so a hung call never holds up the app's exit.
    """

    name = "live"

    def __init__(self, config: Config, clock: Clock | None = None, *, background: bool = False) -> None:
        """Nothing is contacted until the first poll.

        Args:
            config: The effective configuration (projects, regions, locations, endpoints, auth, timeouts).
            clock: Where poll times come from.
            background: Read in worker threads; :meth:`poll` returns finished reads only.
        """
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.ctx = FetchContext(config)
        from dashboard import registry

        self._specs = registry.registry()
        """Every registered source, read by its spec's ``fetch``."""
        self._locks: dict[SourceName, threading.Lock] = {source: threading.Lock() for source in self._specs}
        self._last: dict[SourceName, datetime] = {}
        self._wait: dict[SourceName, float] = {}
        """Per source backing off, seconds its next poll waits after the last (instead of the interval)."""
        self._streak: dict[SourceName, int] = {}
        """Per source, how many polls in a row were throttled."""
        self._rng = random.Random()
        self.last_exchanges: dict[SourceName, list[Exchange]] = {}
        """Per source, the exchanges of its latest poll (what ``--record`` writes)."""
        self.background = background
        self._inflight: dict[SourceName, threading.Thread] = {}
        self._ready: dict[SourceName, list[Poll]] = {}
        """Per source, the polls its worker thread finished and :meth:`poll` has not returned yet."""
        self._ready_lock = threading.Lock()
        self._closed = False
        self._preloaded = False
        from dashboard.backends.gcp.discovery import Discoverer

        self.discovery = Discoverer(self.ctx)
        """With an organisation or folder scope, where each source's things are (docs/organisation.md)."""

    def preload(self) -> None:
        """Import, in this thread, every client module the sources' worker threads use (:meth:`_preload`),
        once; a module missing from the build is left to its source's poll to report."""
        if self._preloaded:
            return
        import importlib

        from dashboard.backends.gcp.discovery import PACKAGES

        discovery = PACKAGES if self.discovery.scope is not None else ()
        wanted = (
            *_AUTH_MODULES,
            *discovery,
            *(name for source in self.sources() for name in self._preload(source)),
        )
        for name in dict.fromkeys(wanted):
            try:
                importlib.import_module(name)
            except ImportError:
                continue
        self._preloaded = True

    def _preload(self, source: SourceName) -> tuple[str, ...]:
        """The modules ``source``'s worker thread imports: its spec's ``packages`` (its client library and
        what it imports), its fetch's module and its parser's. Imported by :meth:`preload` in one thread
        before any worker starts, because two threads' first imports of modules that import each other can
        deadlock on Python's module locks (``_DeadlockError: deadlock detected by
        _ModuleLock('requests.exceptions')``)."""
        spec = self._specs[source]
        parse = (spec.parse.partition(":")[0],) if isinstance(spec.parse, str) else ()
        return (*spec.packages, spec.fetch.partition(":")[0], *parse)

    def sources(self) -> tuple[SourceName, ...]:
        """The sources read live: billing only when ``[billing]`` names an export table or a billing
        account, a plugin's unless ``[sources.<name>] enabled = false``
        (:func:`~dashboard.sources.live_off`)."""
        off = live_off(self.config)
        return tuple(source for source in self._locks if source not in off)

    def fetch(self, source: SourceName, t: datetime) -> list[Exchange]:
        """Read ``source`` once: its exchanges, as a recording holds them.

        Raises:
            SourceError: The source cannot be read at all (no credentials, no project, no reader).
            ValueError: ``source`` is not a source.
        """
        if source not in self._locks:
            raise ValueError(f"unknown source {source!r}")
        from dashboard.backends.gcp.discovery import narrowed
        from dashboard.backends.gcp.sources import fetcher

        where, _ = self.discovery.where(self._specs[source], t)
        with narrowed(where):
            return fetcher(source)(self.ctx, t)

    def interval(self, source: SourceName) -> float:
        """Seconds between two polls of ``source`` (``[intervals]``)."""
        spec = self._specs[source]
        if not spec.builtin:
            settings = self.config.sources.get(source)
            return settings.interval if settings and settings.interval is not None else spec.interval
        return float(getattr(self.config.intervals, source, 60.0))

    def poll(self, source: SourceName, *, force: bool = False) -> list[Poll]:
        """Read ``source`` now: one Poll, with data or with the reason there is none.

        Returns no poll while the source's interval since its last poll has not passed (``force`` reads
        anyway), so a caller may ask as often as it likes without costing API calls. An unconfigured
        billing source's poll says so with ``error_code`` ``OFF`` (:data:`dashboard.store.OFF`).
        """
        if source not in self._locks:
            return []
        if not self.background:
            return self._read(source, force=force)
        ready = self._take_ready(source)
        thread = self._inflight.get(source)
        if thread is not None:
            if thread.is_alive():
                return ready
            del self._inflight[source]
            return ready + self._take_ready(source)  # what it delivered just before it ended
        if not self._closed and self._due(source, self.clock.now(), force=force):
            self.preload()  # before the first worker thread imports anything
            from dashboard.backends.gcp.threads import start_daemon

            self._inflight[source] = start_daemon(
                lambda: self._deliver(source, self._read(source, force=True, early=True)),
                name=f"gcpdash-live-{source}",
            )
        return ready

    def busy(self) -> bool:
        """Whether a background read is still running (e.g. a call waiting out its timeout)."""
        return any(thread.is_alive() for thread in self._inflight.values())

    def _take_ready(self, source: SourceName) -> list[Poll]:
        with self._ready_lock:
            return self._ready.pop(source, [])

    def _deliver(self, source: SourceName, polls: list[Poll]) -> None:
        """Hand ``polls`` (read in a worker thread) to the next :meth:`poll` of ``source``."""
        if polls:
            with self._ready_lock:
                self._ready.setdefault(source, []).extend(polls)

    def _due(self, source: SourceName, t: datetime, *, force: bool) -> bool:
        last = self._last.get(source)
        wait = max(self.interval(source), self._wait.get(source, 0.0))
        return force or last is None or (t - last).total_seconds() >= wait

    def _read(self, source: SourceName, *, force: bool, early: bool = False) -> list[Poll]:
        """Read ``source`` in this thread, if due (or ``force``); with ``early``, its listing is delivered
        (:meth:`_deliver`) as soon as it is read, before the Monitoring reads."""
        t = self.clock.now()
        with self._locks[source]:
            if not self._due(source, t, force=force):
                return []
            self._last[source] = t
            exchanges: list[Exchange] = []
            try:
                where, note = self.discovery.where(self._specs[source], t)
                if where == {}:  # discovery found none of its things: nothing to read
                    return [self._back_off(self._nothing_found(source, t, note), [])]
                if early:
                    from dashboard.backends.gcp.listing import on_listing

                    with on_listing(lambda listing: self._deliver_listing(source, t, listing)):
                        exchanges = self.fetch(source, t)
                else:
                    exchanges = self.fetch(source, t)
                self.last_exchanges[source] = exchanges
                from dashboard.parsers import parse_poll

                poll = Poll(source=source, t=t, data=_with_note(parse_poll(source, exchanges), note))
            except SourceError as exc:
                poll = Poll(source=source, t=t, error=exc.reason, error_code=exc.code)
            except GcpdashError as exc:
                poll = Poll(source=source, t=t, error=str(exc), error_code="CONFIG")
            except Exception as exc:  # a bug or an unforeseen failure: this source only, said plainly
                reason = f"unexpected {type(exc).__name__}: {exc}"[:300]
                poll = Poll(source=source, t=t, error=reason, error_code="INTERNAL")
            return [self._back_off(poll, exchanges)]

    def _nothing_found(self, source: SourceName, t: datetime, note: str | None) -> Poll:
        """The poll of a source discovery found none of the things of: its empty data, saying so."""
        spec = self._specs[source]
        found = f"discovery found no {spec.title} in {self.discovery.scope}"
        return Poll(source=source, t=t, data=_with_note(spec.data(), f"{found}; {note}" if note else found))

    def _back_off(self, poll: Poll, exchanges: list[Exchange]) -> Poll:
        """Schedule ``poll``'s source: after a throttled poll (a quota error; or a failed poll with 503 /
        UNAVAILABLE) the next waits :func:`~dashboard.backends.gcp.budget.backoff`, and the poll says so
        (``polling backs off: next poll in 97s``); any other poll puts the source back on its interval."""
        from dashboard.backends.gcp.budget import backoff, throttled

        source = poll.source
        if not throttled(exchanges, failed=poll.error is not None):
            self._streak.pop(source, None)
            self._wait.pop(source, None)
            return poll
        streak = self._streak.get(source, 0) + 1
        self._streak[source] = streak
        wait = backoff(self.interval(source), streak, self._rng)
        self._wait[source] = wait
        after = f"{round(wait)}s" if wait < 600 else span(wait)
        note = f"polling backs off: next poll in {after}"
        if poll.error is not None:
            return msgspec.structs.replace(poll, error=_noted(poll.error, note))
        if poll.data is not None:
            warnings = tuple(_noted(w, note, append=False) for w in poll.data.warnings)
            if warnings == poll.data.warnings:
                warnings = (*warnings, note)
            return msgspec.structs.replace(poll, data=msgspec.structs.replace(poll.data, warnings=warnings))
        return poll

    def _deliver_listing(self, source: SourceName, t: datetime, listing: list[Exchange]) -> None:
        """Deliver a poll's listing as a Poll of its own, before its metrics (none if it cannot be parsed:
        the whole poll will say why)."""
        from dashboard.parsers import parse_poll

        try:
            data = parse_poll(source, listing)
        except Exception:  # the whole poll, parsed once it ends, reports the same failure
            return
        self._deliver(source, [Poll(source=source, t=t, data=data, partial=True)])

    def raw(self, kind: str, key: str) -> dict[str, Any] | None:
        """The API payload item a thing came from, in its source's latest poll (the app's ``y`` key,
        :class:`~dashboard.backends.base.SupportsRaw`).

        Args:
            kind: ``job``, ``reservation``, ``cluster`` or ``dataflow``.
            key: The item's key as the views key it (``project:LOCATION.job_id``, ``project/region/name``).
        """
        target = raw_target(kind, key)
        if target is None:
            return None
        source, ident = target
        for exchange in reversed(self.last_exchanges.get(source, [])):
            if exchange.response is None or not is_thing(exchange.method, kind):
                continue
            found = find_item(exchange.response, ident)
            if found is not None:
                return named_row(exchange.response, found)
        return None

    def job_page(
        self, since: datetime, after: Mapping[str, Cursor | None], size: int = PAGE_SIZE
    ) -> JobPage | None:
        """Organisation mode's next page of further jobs in each location of ``after``
        (:class:`~dashboard.backends.base.SupportsJobPages`); None outside organisation mode."""
        if self.config.gcp.organization is None and self.config.gcp.folder is None:
            return None
        self.preload()  # the BigQuery client, imported in one thread before any other imports it
        from dashboard.sources.jobs.api_org import fetch_page
        from dashboard.sources.jobs.paging import parse_page

        return parse_page(fetch_page(self.ctx, since, after, self.clock.now(), size), size)

    def close(self) -> None:
        """Stop background reads and close every client made so far: calls in flight on gRPC are cancelled;
        a worker thread still waiting (a REST read) is a daemon, left behind when the process exits."""
        self._closed = True
        self.ctx.close()
        if "billing.budgets" in self.ctx.state:
            from dashboard.sources.billing.api import close

            close(self.ctx)


def _with_note(data: Any, note: str | None) -> Any:
    """``data`` with ``note`` after its warnings (none: as it is)."""
    if note is None:
        return data
    warnings = data.warnings
    return msgspec.structs.replace(data, warnings=type(warnings)((*warnings, note)))


def _noted(text: str, note: str, *, append: bool = True) -> str:
    """``text`` with "polling backs off" made ``note``; else (``append``) with ``note`` after it."""
    if "polling backs off" in text:
        return text.replace("polling backs off", note, 1)
    return f"{text}; {note}" if append else text


def create(options: Mapping[str, object]) -> LiveBackend:
    """Entry point of the ``gcpdash.backends`` group: ``live``.

    Args:
        options: ``config`` (a :class:`~dashboard.config.Config`; default: :func:`load_config`),
            ``config_path`` (a file to load instead), ``clock`` (a Clock). Unknown keys are ignored.

    Raises:
        UsageError: A value of the wrong kind, or a config file that cannot be read.
    """
    from pathlib import Path

    from dashboard.config import load_config

    config = options.get("config")
    path = options.get("config_path")
    clock = options.get("clock")
    if config is None:
        config = load_config(Path(str(path)) if path is not None else None)
    if not isinstance(config, Config):
        raise UsageError("live backend: 'config' must be a dashboard.config.Config")
    return LiveBackend(config, clock if clock is not None else None)  # type: ignore[arg-type]


create.OPTIONS = ()  # type: ignore[attr-defined]
"""The live backend takes no ``[backend.options]``: its settings are the rest of the config."""
