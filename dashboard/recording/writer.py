"""Writing a recording: a manifest, then exchanges appended to one log per source as they happen.

Each exchange is one line, written and flushed at once, so a recorder killed at any moment leaves at most
one torn last line per file, which the reader skips with a warning.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

import msgspec

from dashboard import registry
from dashboard.errors import RecordingError
from dashboard.models import SOURCES
from dashboard.parsers.discovery import DISCOVERY
from dashboard.recording.format import MANIFEST, Exchange, Manifest, encode_exchange


class RecordingWriter:
    """Appends exchanges to a new recording.

    Safe to call from several threads (one per source, as the poller does): writes are serialised.

    Example:
        >>> with RecordingWriter(Path("rec"), manifest) as writer:  # doctest: +SKIP
        ...     writer.write(exchange)
    """

    def __init__(self, path: Path, manifest: Manifest) -> None:
        """Create the directory (and its parents) and write ``manifest.json``.

        Args:
            path: A directory that is not a recording yet; it may exist, empty or not.
            manifest: What the recording is; ``ended_at`` can be filled in by :meth:`close`.

        Raises:
            RecordingError: ``path`` already holds a recording, or cannot be created.
        """
        self.path = Path(path)
        self._manifest = manifest
        self._files: dict[str, BinaryIO] = {}
        self._lock = threading.Lock()
        self._closed = False
        if (self.path / MANIFEST).exists():
            raise RecordingError(
                f"{self.path} already holds a recording; record into a new directory", path=str(self.path)
            )
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RecordingError(
                f"cannot create the recording: {exc.strerror or exc}", path=str(self.path)
            ) from exc
        self._write_manifest(manifest)

    @property
    def manifest(self) -> Manifest:
        """The manifest as last written."""
        return self._manifest

    def write(self, exchange: Exchange) -> None:
        """Append one exchange to its source's log and flush it to the operating system.

        Args:
            exchange: One page or error of one call; ``exchange.source`` picks the file.

        Raises:
            ValueError: The source is not one gcpdash knows, or the writer is closed.
        """
        known = exchange.source in SOURCES or exchange.source == DISCOVERY
        if not known and registry.spec(exchange.source) is None:
            names = ", ".join(registry.names())
            raise ValueError(f"unknown source {exchange.source!r}; expected one of {names}")
        line = encode_exchange(exchange)
        with self._lock:
            if self._closed:
                raise ValueError("the recording writer is closed")
            file = self._files.get(exchange.source)
            if file is None:
                file = open(self.path / f"{exchange.source}.jsonl", "ab")  # noqa: SIM115 (closed in close())
                self._files[exchange.source] = file
            file.write(line)
            file.flush()

    def close(self, *, ended_at: datetime | None = None) -> None:
        """Close every log; with ``ended_at``, rewrite the manifest with it (atomically). Idempotent.

        Args:
            ended_at: When recording stopped, to record in the manifest.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            files, self._files = self._files, {}
        failures: list[OSError] = []
        for file in files.values():  # each on its own: one failing close must not leave the others open
            try:
                file.close()
            except OSError as exc:
                failures.append(exc)
        if ended_at is not None:
            self._write_manifest(msgspec.structs.replace(self._manifest, ended_at=ended_at))
        if failures:
            raise failures[0]

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _write_manifest(self, manifest: Manifest) -> None:
        target = self.path / MANIFEST
        scratch = target.with_name(f".{MANIFEST}.tmp")
        scratch.write_bytes(msgspec.json.format(msgspec.json.encode(manifest), indent=2) + b"\n")
        os.replace(scratch, target)
        self._manifest = manifest
