"""The large recording's generator writes what the real reader and parsers read: every job of the
scaled workload reaches the store, history pages included."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dashboard.recording.format import BQ_GET_QUERY_RESULTS
from dashboard.recording.reader import read_recording
from dashboard.replay import load_snapshot

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.timeout(120)
def test_generated_recording_reads_back_with_every_job(tmp_path: Path) -> None:
    sys.path.insert(0, str(FIXTURES))
    try:
        import generate_large
    finally:
        sys.path.remove(str(FIXTURES))
    written = generate_large.write_large(tmp_path, jobs=6000)
    assert written == 6000
    recording = read_recording(tmp_path)
    assert recording.manifest.generator == "fixtures/generate_large.py"
    assert not recording.warnings
    methods = {e.method for poll in recording.polls["jobs"] for e in poll.exchanges}
    assert BQ_GET_QUERY_RESULTS in methods
    snapshot, warnings = load_snapshot(tmp_path)
    assert not warnings
    keys = {job.key for job in snapshot.jobs}
    assert len(keys) == len(snapshot.jobs)
    assert 0.95 * written <= len(snapshot.jobs) <= written
    assert any(job.job_id.endswith("_x001") for job in snapshot.jobs)
