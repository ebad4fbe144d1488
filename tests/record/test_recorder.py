"""The recorder's schedule in process: each source on its interval until ``--duration`` ends, progress
lines on stderr, polls numbered from 1 without gaps, the manifest closed with ``ended_at``."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from contract.serve import Servers

from dashboard.config import load_config
from dashboard.recording.reader import read_recording
from dashboard.recording.recorder import record
from dashboard.recording.redact import Redactor


@pytest.mark.timeout(60)
def test_each_source_on_its_interval_until_the_duration_ends(servers: Servers, tmp_path: Path) -> None:
    config_path = tmp_path / "fake.toml"
    intervals = "\n[intervals]\njobs = 0.5\nreservations = 1\ndataproc = 1\ndataflow = 5\n"
    config_path.write_text(servers.config(timeout=2.0, deadline=2.0) + intervals, encoding="utf-8")
    err = io.StringIO()
    progress = record(
        load_config(config_path, env={}),
        tmp_path / "rec",
        Redactor(),
        duration=2.6,
        err=err,
        progress_every=0.5,
        install_signals=False,
    )
    recording = read_recording(tmp_path / "rec")
    assert recording.warnings == []
    assert recording.manifest.ended_at is not None
    numbers = {source: [p.number for p in polls] for source, polls in recording.polls.items()}
    for source, polls in numbers.items():
        assert polls == list(range(1, len(polls) + 1)), source
    assert len(numbers["dataflow"]) == 1
    assert 2 <= len(numbers["dataproc"]) <= 4
    assert len(numbers["jobs"]) > len(numbers["dataproc"])
    assert progress.polls == {source: len(polls) for source, polls in numbers.items()}
    assert progress.errors == 0
    assert progress.bytes == sum(f.stat().st_size for f in (tmp_path / "rec").iterdir())
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("gcpdash: recording into")
    assert any(
        re.match(r"gcpdash: recording \d+s: polls .*dataflow 1.*exchanges, .* written; 0 errors", x)
        for x in lines
    )
    assert lines[-2].startswith("gcpdash: recorded")
    assert lines[-1] == f"gcpdash: replay it with gcpdash --replay {tmp_path / 'rec'}"


@pytest.mark.timeout(60)
def test_errors_are_recorded_as_the_api_said_them(servers: Servers, tmp_path: Path) -> None:
    from contract.fake_grpc import Fault
    from contract.serve import PRIMARY

    from dashboard.replay import load_snapshot

    config_path = tmp_path / "fake.toml"
    config_path.write_text(servers.config(timeout=2.0, deadline=2.0), encoding="utf-8")
    servers.grpc.fault(
        PRIMARY["dataproc"], Fault(code="PERMISSION_DENIED", message="denied for bob@acme.com")
    )
    servers.rest.inject("list", "503")
    try:
        progress = record(
            load_config(config_path, env={}), tmp_path / "rec", Redactor(), polls=1, err=io.StringIO(),
            install_signals=False,
        )  # fmt: skip
    finally:
        servers.grpc.clear_faults()
        servers.rest.clear()
    recording = read_recording(tmp_path / "rec")
    failed = [ex for ex in recording.polls["dataproc"][0].exchanges if ex.error is not None]
    assert failed
    assert failed[0].error is not None
    assert failed[0].error.code == "PERMISSION_DENIED"
    assert "bob@acme.com" not in failed[0].error.message
    assert "@redacted.example" in failed[0].error.message
    jobs_errors = [ex.error for ex in recording.polls["jobs"][0].exchanges if ex.error is not None]
    assert jobs_errors
    assert jobs_errors[0].status == 503
    assert progress.errors >= 2
    snapshot, _ = load_snapshot(tmp_path / "rec")
    assert snapshot.statuses["dataproc"].reason
    assert snapshot.statuses["jobs"].reason
    assert snapshot.dataflow.jobs


@pytest.mark.timeout(60)
def test_a_failed_write_stops_recording_with_one_line(servers: Servers, tmp_path: Path) -> None:
    from dashboard.errors import GcpdashError

    config_path = tmp_path / "fake.toml"
    config_path.write_text(servers.config(timeout=2.0, deadline=2.0), encoding="utf-8")
    rec = tmp_path / "rec"
    rec.mkdir()
    (rec / "dataproc.jsonl").symlink_to("/dev/full")  # a disk that is full
    with pytest.raises(GcpdashError, match="cannot write the recording: No space left on device"):
        record(load_config(config_path, env={}), rec, Redactor(), err=io.StringIO(), install_signals=False)
    assert (rec / "manifest.json").exists()
