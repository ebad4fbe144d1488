"""Reading a recording: ``manifest.json`` and one exchange log per source, checked line by line.

A line that cannot be read stops the reader with the file and the line (:class:`RecordingError`), except a
torn last line, which a recorder killed mid-write leaves behind: it is skipped with a warning.
"""

from __future__ import annotations

import gc
import importlib.resources
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import msgspec

from dashboard.errors import RecordingError
from dashboard.models import SOURCES, SourceName
from dashboard.recording.format import (
    EXCHANGE_DECODER,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_DECODER,
    Exchange,
    Manifest,
)

EXCHANGE_VERSION = 1
"""The exchange line version (``"v"``) this gcpdash reads."""


class RecordedPoll(NamedTuple):
    """One poll of one source as recorded: its number, when it started, and its exchanges in order."""

    number: int
    t: datetime
    exchanges: tuple[Exchange, ...]


@dataclass(frozen=True)
class Recording:
    """A recording read into memory."""

    manifest: Manifest
    path: Path
    """The recording's directory."""
    polls: dict[SourceName, list[RecordedPoll]]
    """Per recorded source (its file exists), the polls in file order."""
    warnings: list[str] = field(default_factory=list)
    """What was skipped, e.g. a torn last line, as ``file:line: what``."""

    @property
    def sources(self) -> tuple[SourceName, ...]:
        """The sources that have an exchange log, in the canonical order."""
        return tuple(s for s in SOURCES if s in self.polls)


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
    with gc_paused():
        for source in SOURCES:
            log = path / f"{source}.jsonl"
            if log.is_file():
                polls[source] = _read_log(log, source, warnings)
    return Recording(manifest=manifest, path=path, polls=polls, warnings=warnings)


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
    """One ``<source>.jsonl``, grouped into polls."""
    where = str(path)
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise RecordingError(f"cannot read: {exc.strerror or exc}", path=where) from exc
    lines = blob.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline, else an unterminated last line
    decode = EXCHANGE_DECODER.decode
    polls: list[RecordedPoll] = []
    current: list[Exchange] = []
    number = 0
    t: datetime | None = None
    exchanges: list[tuple[int, Exchange]] = []
    for lineno, line in enumerate(lines, 1):
        if not line or line.isspace():
            continue
        try:
            exchanges.append((lineno, decode(line)))
        except msgspec.DecodeError as exc:
            raise _line_error(exc, where, lineno) from exc
    if tail and not tail.isspace():
        lineno = len(lines) + 1
        try:
            exchanges.append((lineno, decode(tail)))
        except msgspec.DecodeError as exc:
            if _is_json(tail):
                raise _line_error(exc, where, lineno) from exc
            warnings.append(
                f"{path.name}:{lineno}: last line is incomplete (the recording was cut off); skipped"
            )
    for lineno, exchange in exchanges:
        if exchange.v != EXCHANGE_VERSION:
            raise RecordingError(_version_message(exchange.v), path=where, line=lineno)
        if exchange.source != source:
            raise RecordingError(
                f"exchange of source {exchange.source!r} in {path.name}; each source has its own file",
                path=where,
                line=lineno,
            )
        if exchange.poll != number:
            if exchange.poll < number:
                raise RecordingError(
                    f"poll {exchange.poll} after poll {number}; polls must be in order",
                    path=where,
                    line=lineno,
                )
            if exchange.t.tzinfo is None:
                raise RecordingError(
                    f"time {exchange.t.isoformat()} has no timezone; the format writes UTC (…Z)",
                    path=where,
                    line=lineno,
                )
            if t is not None:
                polls.append(RecordedPoll(number, t, tuple(current)))
            number, t, current = exchange.poll, exchange.t, []
        current.append(exchange)
    if t is not None:
        polls.append(RecordedPoll(number, t, tuple(current)))
    return polls


def _line_error(exc: msgspec.DecodeError, where: str, lineno: int) -> RecordingError:
    if isinstance(exc, msgspec.ValidationError):
        return RecordingError(f"not a valid exchange: {exc}", path=where, line=lineno)
    return RecordingError(f"invalid JSON: {exc}", path=where, line=lineno)


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


def demo_path() -> Path:
    """The bundled demo recording's directory.

    An installed gcpdash ships it as the package ``dashboard.demo``; a checkout (editable install) has it in
    ``fixtures/demo`` next to the ``dashboard`` package.

    Raises:
        RecordingError: Neither place holds a recording.
    """
    looked: list[str] = []
    try:
        manifest = importlib.resources.files("dashboard.demo").joinpath(MANIFEST)
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    else:
        if isinstance(manifest, Path):
            if manifest.is_file():
                return manifest.parent
            looked.append(str(manifest.parent))
    checkout = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
    if (checkout / MANIFEST).is_file():
        return checkout
    looked.append(str(checkout))
    raise RecordingError(
        f"the demo recording is missing (looked in {', '.join(looked)}); "
        "reinstall gcpdash, or in a checkout run python fixtures/generate_demo.py"
    )
