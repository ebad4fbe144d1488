"""Reading a recording: ``manifest.json`` and one exchange log per source, checked line by line.

A line that cannot be read stops the reader with the file and the line (:class:`RecordingError`), except a
torn last line, which a recorder killed mid-write leaves behind: it is skipped with a warning.

The reader keeps no payload in memory. It streams each log once, checking every line's JSON and its
header (version, source, poll, time, API, method), and remembers where each poll's lines are
(:mod:`dashboard.recording.polls`); a poll's exchanges are decoded from the file again, one line at a
time, as :attr:`RecordedPoll.exchanges` is iterated. Decoded whole, a recording takes about nine times its
size as Python objects (2 GB for the 230 MB of a 100,000-job one), and even one large poll decoded at once
(the first poll's history: 16 MB over 40 pages) leaves the allocator's arenas fragmented by the jobs built
in between; read this way, one page is in memory at a time. Errors in the payloads themselves (a
``response`` of the wrong type) are found when the poll is read: the fixture backend fails that poll.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

import msgspec

from dashboard import registry
from dashboard.errors import RecordingError
from dashboard.models import SourceName
from dashboard.parsers.discovery import DISCOVERY
from dashboard.recording.format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_DECODER,
    Manifest,
)
from dashboard.recording.polls import LogSpan, PollExchanges, RecordedPoll, line_error

__all__ = [
    "EXCHANGE_VERSION",
    "LogSpan",
    "PollExchanges",
    "RecordedPoll",
    "Recording",
    "gc_paused",
    "read_manifest",
    "read_recording",
]

EXCHANGE_VERSION = 1
"""The exchange line version (``"v"``) this gcpdash reads."""


class _Header(msgspec.Struct, frozen=True):
    """The required fields of an exchange line; decoding only these still checks the whole line's JSON,
    at a fifteenth of the cost of decoding its payload."""

    v: int
    poll: int
    t: datetime
    source: str
    api: Literal["rest", "grpc"]
    method: str


_HEADER_DECODER = msgspec.json.Decoder(_Header)


@dataclass(frozen=True)
class Recording:
    """A recording read: its manifest, and where each poll is in its source's log."""

    manifest: Manifest
    path: Path
    """The recording's directory."""
    polls: dict[SourceName, list[RecordedPoll]]
    """Per recorded source (its file exists), the polls in file order."""
    warnings: list[str] = field(default_factory=list)
    """What was skipped, e.g. a torn last line, as ``file:line: what``."""
    discovery: list[RecordedPoll] = field(default_factory=list)
    """The organisation's discovery searches (``discovery.jsonl``), in file order: none without a scope."""

    @property
    def sources(self) -> tuple[SourceName, ...]:
        """The sources whose log holds at least one poll, in the canonical order (a missing or empty log
        reads as a source that was not recorded)."""
        return tuple(s for s in self.polls if self.polls[s])

    def source_warnings(self) -> dict[SourceName, tuple[str, ...]]:
        """:attr:`warnings` by the source whose log they are about."""
        found: dict[SourceName, tuple[str, ...]] = {}
        for source in self.polls:
            mine = tuple(w for w in self.warnings if w.startswith(f"{source}.jsonl:"))
            if mine:
                found[source] = mine
        return found


def read_recording(path: Path) -> Recording:
    """Read a recording.

    Args:
        path: The recording's directory, or its ``manifest.json``.

    Returns:
        The manifest and every source's polls, plus warnings about what was skipped.

    Raises:
        RecordingError: The path is not a recording, or a file in it cannot be read; the message names
            the file and, where there is one, the line.
    """
    path = Path(path)
    if path.is_file() and path.name == MANIFEST:
        path = path.parent
    if not path.exists():
        raise RecordingError(
            f"not a recording: {path} does not exist; record one with gcpdash --record or use --demo"
        )
    if not path.is_dir():
        raise RecordingError(f"not a recording: {path} is a file; give the recording's directory")
    if not (path / MANIFEST).is_file():
        raise RecordingError(
            f"not a recording: {path} has no {MANIFEST}; record one with gcpdash --record or use --demo"
        )
    manifest = read_manifest(path / MANIFEST)
    warnings: list[str] = []
    polls: dict[SourceName, list[RecordedPoll]] = {}
    known = registry.names()
    for source in known:
        log = path / f"{source}.jsonl"
        if log.is_file():
            polls[source] = _read_log(log, source, warnings)
    found = path / f"{DISCOVERY}.jsonl"
    discovery = _read_log(found, DISCOVERY, warnings) if found.is_file() else []
    for log in sorted(path.glob("*.jsonl")):
        if log.stem not in known and log.stem != DISCOVERY:
            warnings.append(
                f"{log.name}: not replayed: no source {log.stem!r} is registered (is its plugin installed?)"
            )
    return Recording(manifest=manifest, path=path, polls=polls, warnings=warnings, discovery=discovery)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while building many objects that stay alive, then freeze them.

    Decoding a recording creates hundreds of thousands of dicts that all survive. Left alone, the collector
    walks them again and again as they age through its generations: reading the demo took 230 ms instead
    of 100, and every later allocation in the process paid for it too. Afterwards everything alive is moved
    to the permanent generation (``gc.freeze``): reference counting still frees it when it is dropped, the
    collector just stops re-examining it. The data has no reference cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def read_manifest(path: Path) -> Manifest:
    """Read and check ``manifest.json``: the format's name first, then its version, then its fields.

    Raises:
        RecordingError: Another format, an unknown version, invalid JSON or fields of the wrong type.
    """
    where = str(path)
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise RecordingError(f"cannot read: {exc.strerror or exc}", path=where) from exc
    try:
        raw = msgspec.json.decode(blob)
    except msgspec.DecodeError as exc:
        raise RecordingError(f"invalid JSON: {exc}", path=where) from exc
    if not isinstance(raw, dict):
        raise RecordingError("not a gcpdash manifest: expected a JSON object", path=where)
    name = raw.get("format")
    if name != FORMAT_NAME:
        raise RecordingError(
            f"not a gcpdash recording: format is {name!r}, expected {FORMAT_NAME!r}", path=where
        )
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise RecordingError(f"recording format version {version!r} is not a number", path=where)
    if version > FORMAT_VERSION:
        raise RecordingError(
            f"recording format version {version} is newer than this gcpdash reads ({FORMAT_VERSION}); "
            "upgrade gcpdash",
            path=where,
        )
    if version < 1:
        raise RecordingError(
            f"unknown recording format version {version} (this gcpdash reads {FORMAT_VERSION})", path=where
        )
    try:
        manifest = MANIFEST_DECODER.decode(blob)
    except msgspec.DecodeError as exc:
        raise RecordingError(f"not a valid manifest: {exc}", path=where) from exc
    if manifest.recorded_at.tzinfo is None:
        raise RecordingError("recorded_at has no timezone; the format writes UTC (…Z)", path=where)
    return manifest


def _read_log(path: Path, source: SourceName, warnings: list[str]) -> list[RecordedPoll]:
    """One ``<source>.jsonl``, grouped into polls: streamed line by line, each line's header checked."""
    where = str(path)
    polls: list[RecordedPoll] = []
    decode = _HEADER_DECODER.decode
    number = 0
    t: datetime | None = None
    start = first_line = end = count = 0
    offset = 0
    try:
        with path.open("rb") as fh:
            for lineno, line in enumerate(fh, 1):
                at, offset = offset, offset + len(line)
                if line.isspace():
                    continue
                torn = not line.endswith(b"\n")
                try:
                    header = decode(line)
                except msgspec.DecodeError as exc:
                    if torn and not _is_json(line):
                        warnings.append(
                            f"{path.name}:{lineno}: last line is incomplete (the recording was cut off); "
                            "skipped"
                        )
                        break
                    raise line_error(exc, where, lineno) from exc
                _check(header, source, number, path, lineno)
                if header.poll != number:
                    if t is not None:
                        polls.append(RecordedPoll(number, t, LogSpan(path, start, end, first_line, count)))
                    number, t, start, first_line, count = header.poll, header.t, at, lineno, 0
                end = offset
                count += 1
    except OSError as exc:
        raise RecordingError(f"cannot read: {exc.strerror or exc}", path=where) from exc
    if t is not None:
        polls.append(RecordedPoll(number, t, LogSpan(path, start, end, first_line, count)))
    return polls


def _check(header: _Header, source: SourceName, number: int, path: Path, lineno: int) -> None:
    """Refuse an exchange of another version, of another source, out of poll order or without a zone."""
    where = str(path)
    if header.v != EXCHANGE_VERSION:
        raise RecordingError(_version_message(header.v), path=where, line=lineno)
    if header.source != source:
        raise RecordingError(
            f"exchange of source {header.source!r} in {path.name}; each source has its own file",
            path=where,
            line=lineno,
        )
    if header.poll < number:
        raise RecordingError(
            f"poll {header.poll} after poll {number}; polls must be in order", path=where, line=lineno
        )
    if header.poll != number and header.t.tzinfo is None:
        raise RecordingError(
            f"time {header.t.isoformat()} has no timezone; the format writes UTC (…Z)",
            path=where,
            line=lineno,
        )


def _is_json(line: bytes) -> bool:
    try:
        msgspec.json.decode(line)
    except msgspec.DecodeError:
        return False
    return True


def _version_message(v: int) -> str:
    if v > EXCHANGE_VERSION:
        return (
            f"exchange version v={v} is newer than this gcpdash reads ({EXCHANGE_VERSION}); upgrade gcpdash"
        )
    return f"unknown exchange version v={v} (this gcpdash reads {EXCHANGE_VERSION})"
