"""Round trip: the live backend against the loopback fake servers, recorded poll by poll, then replayed by
the fixture backend, gives the same store snapshots after each poll as the live run did; exactly with
redaction off, and with redaction on once the live snapshot is put through the same redaction."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from contract.serve import Servers

from dashboard.backends.fixture import FixtureBackend
from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store
from dashboard.clock import ReplayClock
from dashboard.config import load_config
from dashboard.models import Snapshot
from dashboard.recording.reader import read_recording
from dashboard.recording.recorder import Recorder, make_manifest
from dashboard.recording.redact import Redactor
from dashboard.recording.writer import RecordingWriter
from dashboard.store import Store

from .conftest import MAPPING, T0, StepClock

pytestmark = pytest.mark.timeout(120)

CYCLES = 4
RECORDED = ("jobs", "reservations", "dataproc", "dataflow")
"""The sources the fake servers serve (billing is off in their config: its status is the store's setting)."""


def record_live(servers: Servers, tmp_path: Path, redactor: Redactor) -> tuple[list[Snapshot], Path, Store]:
    """Poll every source CYCLES times, a minute apart, recording; the live store's snapshot after each."""
    config_path = tmp_path / "fake.toml"
    config_path.write_text(servers.config(timeout=2.0, deadline=2.0), encoding="utf-8")
    clock = StepClock()
    backend = LiveBackend(load_config(config_path, env={}), clock)
    path = tmp_path / "rec"
    snapshots: list[Snapshot] = []
    try:
        store = live_store(backend)
        recorder = Recorder(backend, RecordingWriter(path, make_manifest(backend, redactor, T0)), redactor)
        for cycle in range(CYCLES):
            clock.at = T0 + timedelta(minutes=cycle)
            for source in backend.sources():
                for poll in recorder.poll(source):
                    assert poll.error is None, (source, poll.error)
                    store.apply(poll)
            snapshots.append(store.snapshot(clock.at))
        recorder.close(clock.at)
    finally:
        backend.close()
    return snapshots, path, store


def recorded_part(snapshot: Snapshot) -> Snapshot:
    """The snapshot without the status of sources ``--record`` does not read (billing: whether it is
    configured is the store's setting, not data)."""
    return msgspec.structs.replace(snapshot, billing=None, statuses={})


def replay(path: Path, like: Store, projects: tuple[str, ...]) -> list[Snapshot]:
    """The recording replayed poll by poll into a store made like the live one."""
    recording = read_recording(path)
    assert recording.warnings == []
    clock = ReplayClock(recording.manifest.recorded_at, paused=True)
    backend = FixtureBackend(recording, clock)
    store = Store(
        mode="live", projects=projects, regions=tuple(recording.manifest.regions), intervals=like.intervals
    )
    snapshots = []
    for cycle in range(CYCLES):
        moment = T0 + timedelta(minutes=cycle)
        clock.seek(moment)
        for source in backend.sources():
            polls = backend.poll(source)
            assert [p.t for p in polls] == [moment], source
            for poll in polls:
                store.apply(poll)
        snapshots.append(store.snapshot(moment))
    return snapshots


def test_replay_equals_the_live_run_poll_by_poll(servers: Servers, tmp_path: Path) -> None:
    live, path, store = record_live(servers, tmp_path, Redactor(emails=False))
    manifest = read_recording(path).manifest
    assert manifest.redaction["emails"] == "none"
    assert read_recording(path).sources == RECORDED
    replayed = replay(path, store, tuple(manifest.projects))
    assert len(live) == len(replayed) == CYCLES
    for cycle, (want, got) in enumerate(zip(live, replayed, strict=True)):
        assert got.jobs, cycle
        assert recorded_part(got) == recorded_part(want), f"poll cycle {cycle + 1} differs"
        for source in RECORDED:
            assert got.statuses[source] == want.statuses[source], (cycle, source)


def as_json(snapshot: Snapshot) -> Any:
    """A snapshot as plain JSON values."""
    return msgspec.json.decode(msgspec.json.encode(snapshot))


def counts(snapshot: Snapshot) -> dict[str, Any]:
    """The numbers a redaction must not change."""
    return {
        "jobs": len(snapshot.jobs),
        "states": sorted(str(job.state) for job in snapshot.jobs),
        "billed": sum(job.bytes_billed or 0 for job in snapshot.jobs),
        "slot_ms": sum(job.slot_ms or 0 for job in snapshot.jobs),
        "reservations": len(snapshot.reservations.reservations),
        "clusters": len(snapshot.dataproc.clusters),
        "dataflow": len(snapshot.dataflow.jobs),
        "statuses": {k: (v.state, v.updated_at) for k, v in snapshot.statuses.items() if k in RECORDED},
    }


def test_redacted_replay_equals_the_live_run_modulo_pseudonyms(servers: Servers, tmp_path: Path) -> None:
    redactor = Redactor(projects=MAPPING)
    live, path, store = record_live(servers, tmp_path, redactor)
    manifest = read_recording(path).manifest
    assert manifest.projects == ["demo-analytics", "demo-etl"]
    replayed = replay(path, store, tuple(manifest.projects))
    for cycle, (want, got) in enumerate(zip(live, replayed, strict=True)):
        assert counts(got) == counts(want), f"poll cycle {cycle + 1}"
        # the live snapshot put through the recording's redaction is the replayed one, item for item
        for source in RECORDED:
            assert got.statuses[source] == want.statuses[source], (cycle, source)
        expected = redactor.value(as_json(recorded_part(want)))
        assert as_json(recorded_part(got)) == expected, f"poll cycle {cycle + 1} differs"
        assert b"acme-" not in msgspec.json.encode(got)
        principals = {job.principal for job in got.jobs if job.principal}
        assert principals
        assert all(p.endswith("@redacted.example") for p in principals), principals
