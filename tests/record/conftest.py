"""Fixtures of the record tests: a recording made by the recorder against the in-process fake servers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from contract.serve import Servers

from dashboard.backends.gcp.live import LiveBackend
from dashboard.config import load_config
from dashboard.recording.recorder import Recorder, make_manifest
from dashboard.recording.redact import Redactor
from dashboard.recording.writer import RecordingWriter

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
"""When the recorded run starts; its poll cycles are a minute apart."""
MAPPING = {"acme-analytics": "demo-analytics", "acme-etl": "demo-etl", "acme-admin": "demo-admin"}


class StepClock:
    """A clock a test moves by hand."""

    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    with Servers() as running:
        yield running


@pytest.fixture(scope="session")
def recorded(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three poll cycles of every source, redacted with the acme projects mapped to demo ones."""
    tmp = tmp_path_factory.mktemp("recorded")
    config_path = tmp / "fake.toml"
    config_path.write_text(servers.config(timeout=2.0, deadline=2.0), encoding="utf-8")
    clock = StepClock()
    backend = LiveBackend(load_config(config_path, env={}), clock)
    redactor = Redactor(projects=MAPPING)
    path = tmp / "rec"
    try:
        recorder = Recorder(backend, RecordingWriter(path, make_manifest(backend, redactor, T0)), redactor)
        for cycle in range(3):
            clock.at = T0 + timedelta(minutes=cycle)
            for source in backend.sources():
                recorder.poll(source)
        recorder.close(clock.at)
    finally:
        backend.close()
    return path
