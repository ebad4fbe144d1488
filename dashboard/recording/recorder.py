"""``gcpdash --record PATH``: poll the live backend on its normal schedule and write every exchange.

Headless (no Textual). Each source is polled in its own thread on its interval; every exchange of every
poll (each page, each error, with its poll number and time; BigQuery REST bodies as received) is redacted
(:mod:`dashboard.recording.redact`) and appended with :class:`~dashboard.recording.writer.RecordingWriter`,
which flushes each line. A poll's exchanges are written together under one lock, so stopping (Ctrl-C,
SIGTERM, ``--duration``, ``--polls``) finishes the poll being written and never leaves half of one;
``manifest.json`` then gets ``ended_at``. A SIGKILL leaves at most one torn last line per file, which the
reader skips with a warning.
"""

from __future__ import annotations

import importlib.metadata
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dashboard import __version__
from dashboard.errors import GcpdashError, UsageError
from dashboard.parsers.discovery import DISCOVERY
from dashboard.recording.format import FORMAT_NAME, FORMAT_VERSION, Exchange, Manifest
from dashboard.recording.redact import Redactor, SchemaMemo, schema_memo
from dashboard.recording.writer import RecordingWriter

if TYPE_CHECKING:
    from dashboard.backends.base import Poll
    from dashboard.backends.gcp.live import LiveBackend
    from dashboard.config import Config
    from dashboard.models import SourceName

CLIENT_PACKAGES = (
    "google-cloud-bigquery",
    "google-cloud-bigquery-reservation",
    "google-cloud-dataproc",
    "google-cloud-dataflow-client",
    "google-cloud-monitoring",
    "google-api-core",
    "grpcio",
)
"""The libraries whose versions the manifest lists (those installed)."""

PROGRESS_EVERY = 5.0
"""Seconds between two progress lines on stderr."""

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([hms]?)")


def parse_duration(text: str) -> float:
    """``30m``, ``90s``, ``2h``, ``1h30m`` or plain seconds, in seconds.

    Raises:
        UsageError: Not such a duration, or not more than zero.
    """
    compact = text.strip().lower().replace(" ", "")
    total, pos = 0.0, 0
    while pos < len(compact):
        match = _DURATION.match(compact, pos)
        if match is None or match.end() == pos:
            break
        total += float(match.group(1)) * {"h": 3600, "m": 60, "s": 1, "": 1}[match.group(2)]
        pos = match.end()
    if not compact or pos != len(compact) or total <= 0:
        raise UsageError(f"--duration {text!r}: give e.g. 30m, 90s, 2h or 1h30m")
    return total


def client_versions() -> dict[str, str]:
    """The installed versions of Google's client libraries."""
    versions: dict[str, str] = {}
    for name in CLIENT_PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


@dataclass
class Progress:
    """What has been recorded so far (read by the progress line, written by the source threads)."""

    polls: dict[str, int] = field(default_factory=dict)
    exchanges: int = 0
    errors: int = 0
    """Exchanges that ended in an error, plus polls that failed without any exchange."""
    bytes: int = 0


class Recorder:
    """Polls a live backend and writes what it reads; one per recording."""

    def __init__(self, backend: LiveBackend, writer: RecordingWriter, redactor: Redactor) -> None:
        """Record ``backend``'s polls into ``writer``, redacted by ``redactor``.

        Args:
            backend: A live backend made with ``background=False``.
            writer: A new recording.
            redactor: The redaction to apply (``Redactor(emails=False)`` for none).
        """
        self.backend = backend
        self.writer = writer
        self.redactor = redactor
        self.progress = Progress()
        self._lock = threading.Lock()
        self._closed = False
        self.failure: str | None = None
        """Why recording stopped early (a write failed), if it did."""
        self._memos: dict[str, SchemaMemo] = {source: schema_memo() for source in backend.sources()}

    def poll(self, source: SourceName) -> list[Poll]:
        """Poll ``source`` now and write the exchanges of that poll.

        Returns:
            The poll as the live backend made it (what a live store applies).
        """
        before = self.backend.last_exchanges.get(source)
        polls = self.backend.poll(source, force=True)
        after = self.backend.last_exchanges.get(source)
        exchanges = after if after is not None and after is not before else []
        searched = self.backend.discovery.take()  # the organisation's discovery, when this poll searched
        if searched:
            self.write(DISCOVERY, searched)
        self.write(source, exchanges, failed=any(p.error is not None for p in polls))
        return polls

    def write(self, source: str, exchanges: list[Exchange], *, failed: bool = False) -> None:
        """Write one poll's exchanges, redacted, as a whole (a stop waits for it); nothing once closed."""
        memo = self._memos.get(source) or schema_memo()
        lines = [self.redactor.exchange(exchange, memo) for exchange in exchanges]
        with self._lock:
            if self._closed:
                return
            for line in lines:
                self.writer.write(line)
            progress = self.progress
            progress.polls[source] = progress.polls.get(source, 0) + 1
            progress.exchanges += len(lines)
            errors = sum(1 for line in lines if line.error is not None)
            progress.errors += errors or (1 if failed and not lines else 0)
            progress.bytes = _size(self.writer.path)

    def close(self, ended_at: datetime) -> None:
        """Stop writing (after the poll being written) and close the recording with ``ended_at``."""
        with self._lock:
            self._closed = True
            try:
                self.writer.close(ended_at=ended_at)
            except OSError as exc:  # a log that cannot take its last bytes: the rest is written already
                self.failure = self.failure or f"cannot close the recording: {exc.strerror or exc}"
            self.progress.bytes = _size(self.writer.path)

    def run(
        self,
        stop: threading.Event,
        *,
        polls: int | None = None,
        sources: tuple[SourceName, ...] | None = None,
    ) -> list[threading.Thread]:
        """Start one thread per source, polling on its interval until ``stop`` is set or ``polls`` done.

        Returns:
            The threads (daemons), started.
        """
        threads = [
            threading.Thread(
                target=self._loop, args=(source, stop, polls), name=f"gcpdash-record-{source}", daemon=True
            )
            for source in sources or self.backend.sources()
        ]
        for thread in threads:
            thread.start()
        return threads

    def _loop(self, source: SourceName, stop: threading.Event, polls: int | None) -> None:
        interval = self.backend.interval(source)
        done = 0
        due = time.monotonic()
        while not stop.is_set():
            try:
                self.poll(source)
            except OSError as exc:  # the disk, not the cloud: nothing more can be recorded
                self.failure = f"cannot write the recording: {exc.strerror or exc}"
                stop.set()
                return
            done += 1
            if polls is not None and done >= polls:
                return
            due += interval
            wait = due - time.monotonic()
            if wait < 0:  # a poll that took longer than the interval: the next one now, not a burst
                due, wait = time.monotonic(), 0.0
            stop.wait(wait)


def _size(path: Path) -> int:
    """Bytes in the recording's files."""
    total = 0
    for child in path.iterdir():
        try:
            total += child.stat().st_size
        except OSError:
            continue
    return total


def progress_line(progress: Progress, elapsed: float) -> str:
    """One progress line: polls per source, bytes written, errors seen."""
    polls = ", ".join(f"{source} {count}" for source, count in sorted(progress.polls.items())) or "none yet"
    return (
        f"gcpdash: recording {elapsed:.0f}s: polls {polls}; {progress.exchanges} exchanges, "
        f"{_human(progress.bytes)} written; {progress.errors} errors"
    )


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024 / 1024:.1f} MiB"


def make_manifest(backend: LiveBackend, redactor: Redactor, recorded_at: datetime) -> Manifest:
    """The manifest of a new recording of ``backend``, with project ids as the redaction writes them."""
    config = backend.config
    return Manifest(
        format=FORMAT_NAME,
        version=FORMAT_VERSION,
        recorded_at=recorded_at,
        description="recorded with gcpdash --record",
        generator=f"gcpdash --record {__version__}",
        clients=client_versions(),
        projects=[redactor.project(p) for p in backend.ctx.projects],
        regions=list(config.gcp.regions),
        bigquery_locations=list(config.gcp.bigquery_locations),
        sources=list(backend.sources()),
        redaction=redactor.describe(),
    )


def record(
    config: Config,
    path: Path,
    redactor: Redactor,
    *,
    duration: float | None = None,
    polls: int | None = None,
    err: TextIO | None = None,
    progress_every: float = PROGRESS_EVERY,
    install_signals: bool = True,
) -> Progress:
    """Record the live project into ``path`` until stopped; what :func:`run_record` runs.

    Args:
        config: The live configuration.
        path: A directory that is not a recording yet.
        redactor: The redaction to apply.
        duration: Stop after this many seconds.
        polls: Stop after this many polls of each source.
        err: Where progress goes (stderr).
        progress_every: Seconds between progress lines.
        install_signals: Stop cleanly on SIGINT and SIGTERM (only from the main thread).

    Raises:
        GcpdashError: No credentials or no project (nothing is created then), or a write failed.
        RecordingError: ``path`` already holds a recording.
    """
    from dashboard.backends.gcp.live import LiveBackend
    from dashboard.backends.gcp.once import preflight

    err = err or sys.stderr
    backend = LiveBackend(config)
    stop, hurry = threading.Event(), threading.Event()

    def on_signal() -> None:
        if stop.is_set():
            hurry.set()
        stop.set()

    restore = _on_signals(on_signal) if install_signals else {}
    try:
        preflight(backend)
        writer = RecordingWriter(path, make_manifest(backend, redactor, backend.clock.now()))
        recorder = Recorder(backend, writer, redactor)
        print(f"gcpdash: recording into {path} (Ctrl-C to stop, twice not to wait)", file=err, flush=True)
        started = time.monotonic()
        threads = recorder.run(stop, polls=polls)
        shown = started
        while not stop.is_set():
            now = time.monotonic()
            if duration is not None and now - started >= duration:
                break
            if not any(thread.is_alive() for thread in threads):
                break
            if now - shown >= progress_every:
                shown = now
                print(progress_line(recorder.progress, now - started), file=err, flush=True)
            stop.wait(0.2)
        stop.set()
        deadline = time.monotonic() + config.timeouts.retry_deadline + config.timeouts.call
        # the polls in flight finish and are written, unless that takes too long or a second signal says
        # not to wait: then they are left out, whole (no poll is ever written in part)
        while any(t.is_alive() for t in threads) and time.monotonic() < deadline and not hurry.is_set():
            hurry.wait(0.1)
        recorder.close(backend.clock.now())
        elapsed = time.monotonic() - started
        print(
            progress_line(recorder.progress, elapsed).replace("recording", "recorded", 1),
            file=err,
            flush=True,
        )
        if recorder.failure is not None:
            raise GcpdashError(f"{recorder.failure} ({path}; what was written before still replays)")
        print(f"gcpdash: replay it with gcpdash --replay {path}", file=err, flush=True)
        return recorder.progress
    finally:
        for signum, handler in restore.items():
            signal.signal(signum, handler)
        backend.close()


def run_record(config: Config, args: Any) -> int:
    """``gcpdash --record``: the redaction and limits from the parsed flags, then :func:`record`.

    Raises:
        UsageError: A bad ``--duration``, ``--polls`` or ``--map-project``, or redaction flags with
            ``--no-redact``.
    """
    from dashboard.recording.redact import parse_mapping

    duration = None if args.duration is None else parse_duration(args.duration)
    if args.polls is not None and args.polls < 1:
        raise UsageError(f"--polls {args.polls}: give at least 1")
    try:
        mapping = parse_mapping(args.map_project)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.no_redact:
        if mapping or args.query_text not in (None, "keep") or args.drop_labels:
            raise UsageError(
                "--no-redact records everything as received; drop --map-project, "
                "--query-text and --drop-labels, or --no-redact"
            )
        redactor = Redactor(emails=False)
    else:
        redactor = Redactor(
            projects=mapping, query_text=args.query_text or "keep", drop_labels=args.drop_labels
        )
    record(config, args.record, redactor, duration=duration, polls=args.polls)
    return 0


def _on_signals(stop: Callable[[], None]) -> dict[int, Any]:
    """Make SIGINT and SIGTERM call ``stop``; the handlers to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    restore: dict[int, Any] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        restore[signum] = signal.signal(signum, lambda *_: stop())
    return restore
