"""An organisation-scoped recording keeps its discovery: ``--record`` writes each search's pages to
``discovery.jsonl`` once (not again for the polls that reuse it), and the fixture backend replays it
into the same discovery the live backend found."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboard.backends.fixture import FixtureBackend
from dashboard.backends.gcp.live import LiveBackend
from dashboard.parsers.discovery import GLOBAL, SEARCH_ALL_RESOURCES
from dashboard.recording.reader import read_recording
from dashboard.recording.recorder import Recorder, make_manifest
from dashboard.recording.redact import Redactor
from dashboard.recording.writer import RecordingWriter

from .fake_asset import ANALYTICS, ETL, REQUEST, T0, FakeAssetServer, org_config, world

pytestmark = pytest.mark.timeout(60)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def test_the_search_is_recorded_once_and_replayed_as_found(tmp_path: Path) -> None:
    path = tmp_path / "rec"
    with FakeAssetServer(world()) as fake:
        backend = LiveBackend(org_config(fake.address), Clock(T0))
        redactor = Redactor(emails=False)
        recorder = Recorder(backend, RecordingWriter(path, make_manifest(backend, redactor, T0)), redactor)
        try:
            recorder.poll("dataproc")
            recorder.poll("dataflow")  # the same search serves it: nothing more in discovery.jsonl
        finally:
            recorder.close(T0 + timedelta(minutes=1))
            backend.close()
    recording = read_recording(path)
    assert recording.warnings == []
    [search] = recording.discovery
    pages = list(search.exchanges)
    assert [e.method for e in pages] == [SEARCH_ALL_RESOURCES, SEARCH_ALL_RESOURCES]
    assert [e.request for e in pages] == [REQUEST, {**REQUEST, "pageToken": "page-2"}]
    assert {e.source for e in pages} == {"discovery"}
    assert set(recording.sources) == {"dataproc", "dataflow"}

    replay = FixtureBackend(recording, Clock(T0 - timedelta(seconds=1)))
    assert replay.discovery() is None  # before the search was made
    replay.clock = Clock(T0)
    found = replay.discovery()
    assert found is not None
    assert found.scope == "organizations/123456789012"
    assert found.error is None
    assert found.found["dataproc.googleapis.com/Cluster"] == [
        (ANALYTICS, "europe-west1"),
        (ETL, "asia-northeast1"),
        (ETL, "us-west1"),
    ]
    assert found.found["pubsub.googleapis.com/Subscription"] == [(ANALYTICS, GLOBAL)]


def test_once_on_the_recording_says_what_discovery_found(tmp_path: Path) -> None:
    from dashboard.replay import load_snapshot

    path = tmp_path / "rec"
    with FakeAssetServer(world()) as fake:
        backend = LiveBackend(org_config(fake.address), Clock(T0))
        redactor = Redactor(emails=False)
        recorder = Recorder(backend, RecordingWriter(path, make_manifest(backend, redactor, T0)), redactor)
        try:
            recorder.poll("dataproc")
        finally:
            recorder.close(T0 + timedelta(minutes=1))
            backend.close()
    _, notes = load_snapshot(path)
    # 3 projects × the 3 recorded regions = 9 pairs, 2 of them holding something: 7 skipped
    assert notes == ["discovery: 2 projects × 4 regions hold something; 7 skipped"]
