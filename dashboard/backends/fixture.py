"""The fixture backend: replays a recording on a clock, through the same parsers the live backend uses.

Every recorded poll is parsed once (up front, or when first due) and kept, so stepping back is quick.
``poll(source)`` then hands out each poll whose recorded time the clock has reached, once. To step back in
time, seek the clock back, call :meth:`FixtureBackend.reset` and feed the polls into a fresh store.

Kept polls of the jobs source repeat most jobs: history reads overlap (the same finished job in several
polls) and ``jobs.list`` lists a running job every poll. A job equal to the version the backend last
parsed is replaced by that version, and a changed one shares its unchanged id, times and counters with
it. A recording of 100,000 jobs holds 240,000 versions of them; kept this way they cost about 20 MB,
less than parsing them again would leave behind: the store rebuilt from re-parsed polls holds copies of
what the old one still holds while a step back builds it, and the versions it drops fragment the
allocator's arenas (measured: 196 MiB at the end of that recording re-parsing, 153 MiB keeping, and a
step back takes 0.4 s instead of 8).
"""

from __future__ import annotations

import os
import statistics
import threading
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any, Literal, cast

import msgspec

from dashboard.backends.base import Poll
from dashboard.backends.options import BackendOption
from dashboard.backends.raw import find_item, is_thing, named_row, raw_target
from dashboard.clock import Clock, ReplayClock
from dashboard.errors import SourceError, UsageError
from dashboard.models import Job, JobsData, SourceData, SourceName
from dashboard.parsers.discovery import Discovery
from dashboard.recording.demo import demo_path
from dashboard.recording.format import Exchange
from dashboard.recording.reader import RecordedPoll, Recording, gc_paused, read_recording
from dashboard.series import SERIES_WINDOW
from dashboard.sources import incremental

Parser = Callable[[SourceName, Sequence[Exchange]], SourceData]
"""``dashboard.parsers.parse_poll``'s shape: one poll's exchanges in, the source's data out."""


_LOOKBACK = SERIES_WINDOW + timedelta(minutes=15)
"""How far before a listing :meth:`FixtureBackend.catch_up` reaches for Monitoring points: the store's
series window, plus a margin because points arrive minutes after their time."""


class FixtureBackend:
    """A :class:`~dashboard.backends.base.Backend` that replays a recording on a clock."""

    name = "fixture"

    def __init__(
        self,
        recording: Recording,
        clock: Clock,
        *,
        mode: Literal["demo", "replay"] = "replay",
        parse: Parser | None = None,
        eager: bool = True,
    ) -> None:
        """Parse every recorded poll. The backend keeps the parsed polls.

        Args:
            recording: What to replay.
            clock: Recorded time; a poll is due once ``clock.now()`` reaches its ``t``.
            mode: ``demo`` for the bundled recording, ``replay`` for any other.
            parse: The parser; ``dashboard.parsers.parse_poll`` unless given.
            eager: Parse every poll now (the default). With False, a poll is parsed when first handed
                out, and :meth:`catch_up` can skip parsing polls that cannot matter any more.
        """
        if parse is None:
            from dashboard.parsers import parse_poll

            parse = parse_poll
        self._parse = parse
        self.manifest = recording.manifest
        self.path = recording.path
        self.clock = clock
        self.mode: Literal["demo", "replay"] = mode
        self._sources = recording.sources
        self._recorded: dict[SourceName, list[RecordedPoll]] = {
            source: list(polls) for source, polls in recording.polls.items()
        }
        self._polls: dict[SourceName, list[Poll | None]] = {
            source: [None] * len(polls) for source, polls in recording.polls.items()
        }
        self._due: dict[SourceName, list[datetime]] = {
            # a poll recorded out of time order falls due with its predecessor
            source: list(accumulate((p.t for p in polls), max))
            for source, polls in recording.polls.items()
        }
        self._next: dict[SourceName, int] = dict.fromkeys(self._polls, 0)
        self._discovery = list(recording.discovery)
        """The recorded discovery searches (an organisation-scoped recording's), in time order."""
        self._versions: dict[str, Job] = {}
        """The last parsed version of each job, by job id (see :func:`_share_versions`)."""
        self._running: frozenset[str] = frozenset()
        """The last parsed poll's running keys (see :func:`_share_versions`)."""
        self._lock = threading.Lock()
        self._times = tuple(sorted({p.t for polls in recording.polls.values() for p in polls}))
        self.start, self.end = _span(recording)
        if eager:
            with gc_paused():
                for source, polls in self._polls.items():
                    self._parse_range(source, range(len(polls)))

    def sources(self) -> tuple[SourceName, ...]:
        """The sources the recording has a log for."""
        return self._sources

    def poll(self, source: SourceName) -> list[Poll]:
        """Every poll of ``source`` that has come due on the clock since the last call, oldest first."""
        first, last = self._take_due(source)
        if first == last:
            return []
        return self._parse_range(source, range(first, last))

    def catch_up(self, source: SourceName, *, keep: timedelta = _LOOKBACK) -> list[Poll]:
        """Like :meth:`poll`, but only what a store needs to reach the clock's moment in one go.

        For a full-listing source (:func:`~dashboard.sources.incremental` says which is not) that is the
        polls from ``keep`` before the last successful due poll onwards: the listing comes from that last
        success, the Monitoring series (read incrementally) from the polls within ``keep`` of it.
        Everything before is superseded, and with ``eager=False`` is never parsed. For an incremental
        source it is every due poll.
        """
        first, last = self._take_due(source)
        if first == last:
            return []
        if incremental(source):
            return self._parse_range(source, range(first, last))
        tail: list[Poll] = []
        for index in range(last - 1, first - 1, -1):
            tail += self._parse_range(source, range(index, index + 1))
            if tail[-1].error is None:
                break
        cutoff = tail[-1].t - keep
        start = index = last - len(tail)
        due = self._due[source]
        while index > first and due[index - 1] >= cutoff:
            index -= 1
        return self._parse_range(source, range(index, start)) + tail[::-1]

    def reset(self) -> None:
        """Start over: the next ``poll`` returns every poll due on the clock from the beginning."""
        with self._lock:
            self._next = dict.fromkeys(self._polls, 0)

    def poll_times(self) -> tuple[datetime, ...]:
        """The distinct times of all polls of all sources, sorted: the stops for stepping a poll at a time."""
        return self._times

    def intervals(self) -> dict[SourceName, float]:
        """The recorded seconds between polls, per source (the median gap; sources with 2+ polls only)."""
        result: dict[SourceName, float] = {}
        for source, due in self._due.items():
            gaps = [(b - a).total_seconds() for a, b in pairwise(due) if b > a]
            if gaps:
                result[source] = statistics.median(gaps)
        return result

    def discovery(self) -> Discovery | None:
        """The latest recorded discovery the clock has reached, parsed as live; None when there is none."""
        from dashboard.parsers.discovery import parse_discovery

        now = self.clock.now()
        reached = [poll for poll in self._discovery if poll.t <= now]
        if not reached:
            return None
        exchanges = reached[-1].exchanges
        scope = exchanges[0].request.get("scope") if exchanges else None
        return parse_discovery(str(scope or ""), exchanges)

    def raw(self, kind: str, key: str) -> dict[str, Any] | None:
        """The newest recorded API item (up to the clock's moment) for one thing: a ``jobs.list`` job, a
        history row, a reservation, a cluster, a Dataflow job. Reads the source's log again, so the parsed
        recording need not keep its exchanges (:class:`~dashboard.backends.base.SupportsRaw`)."""
        found = raw_target(kind, key)
        if found is None:
            return None
        source, ident = found
        log = self.path / f"{source}.jsonl"
        try:
            lines = log.read_bytes().splitlines()
        except OSError:
            return None
        needle = ident.encode()
        now = self.clock.now()
        for line in reversed(lines):
            if needle not in line:
                continue
            try:
                exchange = msgspec.json.decode(line, type=Exchange)
            except (msgspec.DecodeError, msgspec.ValidationError):
                continue
            if exchange.t > now or exchange.response is None or not is_thing(exchange.method, kind):
                continue
            item = find_item(exchange.response, ident)
            if item is not None:
                return named_row(exchange.response, item)
        return None

    def close(self) -> None:
        """Nothing to release: the recording is in memory."""

    def _take_due(self, source: SourceName) -> tuple[int, int]:
        """The index range of ``source``'s polls due since the last call, marked as handed out."""
        due = self._due.get(source)
        if not due:
            return 0, 0
        now = self.clock.now()
        with self._lock:
            first = self._next[source]
            last = bisect_right(due, now, lo=first)
            self._next[source] = last
        return first, last

    def _parse_range(self, source: SourceName, indices: range) -> list[Poll]:
        """The polls at ``indices``, each parsed once and kept."""
        parsed = self._polls[source]
        recorded = self._recorded[source]
        out: list[Poll] = []
        for index in indices:
            poll = parsed[index]
            if poll is None:
                poll = _parsed(source, recorded[index], self._parse)
                if isinstance(poll.data, JobsData):
                    data = _share_versions(poll.data, self._versions, self._running)
                    self._running = data.running_keys or self._running
                    poll = msgspec.structs.replace(poll, data=data)
                parsed[index] = poll
            out.append(poll)
        return out


def _parsed(source: SourceName, recorded: RecordedPoll, parse: Parser) -> Poll:
    """One recorded poll as the backend hands it out: its data, or the error it failed with."""
    try:
        data = parse(source, recorded.exchanges)
    except SourceError as exc:
        return Poll(
            source=source, t=recorded.t, error=exc.reason, error_code=exc.code, number=recorded.number
        )
    except Exception as exc:  # a payload the parser cannot handle fails its poll, not the whole replay
        return Poll(
            source=source,
            t=recorded.t,
            error=f"cannot read recorded poll {recorded.number}: {type(exc).__name__}: {exc}",
            error_code="UNREADABLE",
            number=recorded.number,
        )
    return Poll(source=source, t=recorded.t, data=data, number=recorded.number)


_SHARED_FIELDS = ("job_id", "created", "started", "ended", "bytes_processed", "bytes_billed", "slot_ms")
"""Fields of a job that a new version shares with the last one when equal (the parsers already share
names, SQL and labels)."""


def _share_versions(data: JobsData, versions: dict[str, Job], running: frozenset[str]) -> JobsData:
    """``data`` with each job that equals its last parsed version replaced by it, and each changed job
    sharing the unchanged values of :data:`_SHARED_FIELDS`; ``versions`` (by job id) remembers the last
    version of each. Running keys the last poll had too (``running``) are its strings."""
    jobs: list[Job] = []
    for parsed in data.jobs:
        job = parsed
        old = versions.get(job.job_id)
        if old is not None and old.project == job.project and old.location == job.location:
            if old == job:
                jobs.append(old)
                continue
            shared = {f: v for f in _SHARED_FIELDS if (v := getattr(old, f)) == getattr(job, f)}
            job = msgspec.structs.replace(job, **shared)
        versions[job.job_id] = job
        jobs.append(job)
    keys = data.running_keys
    if keys is not None:
        if keys == running:
            keys = running
        elif running:
            before = {key: key for key in running}
            keys = frozenset(before.get(key, key) for key in keys)
    return msgspec.structs.replace(data, jobs=tuple(jobs), running_keys=keys)


def _span(recording: Recording) -> tuple[datetime, datetime]:
    """The first and last poll time over all sources (the manifest's times for a recording without polls)."""
    times = [p.t for polls in recording.polls.values() for p in polls]
    if times:
        return min(times), max(times)
    manifest = recording.manifest
    return manifest.recorded_at, manifest.ended_at or manifest.recorded_at


def create(config: Mapping[str, object]) -> FixtureBackend:
    """The ``gcpdash.backends`` entry point: a fixture backend from configuration.

    Args:
        config: ``path`` (a recording; the bundled demo when absent), ``clock`` (a Clock; by default a
            :class:`ReplayClock` at the first poll, running at ``speed``, default 1), ``mode`` (``demo`` or
            ``replay``; ``demo`` when no path is given). Unknown keys are ignored.

    Raises:
        UsageError: A key holds a value of the wrong kind.
        RecordingError: The recording cannot be read.
    """
    path = config.get("path")
    if path is None:
        path = demo_path()
        mode = config.get("mode", "demo")
    else:
        mode = config.get("mode", "replay")
    if not isinstance(path, str | os.PathLike):
        raise UsageError(f"fixture backend: path must be a path, not {type(path).__name__}")
    if mode not in ("demo", "replay"):
        raise UsageError(f"fixture backend: mode must be 'demo' or 'replay', not {mode!r}")
    recording = read_recording(Path(path))
    clock = config.get("clock")
    if clock is None:
        speed = config.get("speed", 1.0)
        if not isinstance(speed, int | float) or isinstance(speed, bool) or speed <= 0:
            raise UsageError(f"fixture backend: speed must be a positive number, not {speed!r}")
        clock = ReplayClock(_span(recording)[0], speed=float(speed))
    elif not callable(getattr(clock, "now", None)):
        raise UsageError(f"fixture backend: clock must have now(), not {type(clock).__name__}")
    return FixtureBackend(recording, cast(Clock, clock), mode=mode)


create.OPTIONS = (  # type: ignore[attr-defined]
    BackendOption(name="path", kind="path", description="the recording to replay (default: the demo)"),
    BackendOption(
        name="speed",
        kind="number",
        description="replay this many times faster than recorded (default 1)",
        validator=lambda v: (v > 0, "give a number more than 0"),
    ),
)
"""What ``[backend.options]`` may set for ``fixture`` (``--backend fixture``); ``path`` is ``--replay``'s."""
