"""Fixtures: small recordings written with the real writer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from dashboard.recording.format import Exchange
from dashboard.recording.writer import RecordingWriter

from .recbuild import manifest


@pytest.fixture
def write_recording(tmp_path: Path) -> Callable[..., Path]:
    """Write ``exchanges`` as a recording with the real writer; returns its directory."""
    count = 0

    def write(exchanges: Iterable[Exchange], **manifest_fields: Any) -> Path:
        nonlocal count
        count += 1
        path = tmp_path / f"rec{count}"
        with RecordingWriter(path, manifest(**manifest_fields)) as writer:
            for exchange in exchanges:
                writer.write(exchange)
        return path

    return write
