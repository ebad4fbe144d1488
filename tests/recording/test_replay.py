"""``load_snapshot``: a recording replayed up to a moment, without Google's clients or Textual."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dashboard.backends.fixture import FixtureBackend
from dashboard.clock import ReplayClock
from dashboard.errors import RecordingError
from dashboard.models import Snapshot
from dashboard.recording.demo import demo_path
from dashboard.recording.format import DATAPROC_LIST_CLUSTERS, encode_exchange
from dashboard.recording.reader import read_recording
from dashboard.replay import load_snapshot
from dashboard.sources import replay_off
from dashboard.store import Store

from .recbuild import at, failed, jobs_list, list_clusters

Write = Callable[..., Path]


@pytest.fixture
def recording(write_recording: Write) -> Path:
    return write_recording(
        [
            list_clusters(1, 0, ["a"]),
            jobs_list(1, 10, ["j1"]),
            list_clusters(2, 30, ["a", "b"]),
            jobs_list(2, 40, ["j1", "j2"]),
            failed("dataproc", DATAPROC_LIST_CLUSTERS, 3, 60),
            list_clusters(4, 90, ["b"]),
        ],
        projects=["p1", "p2"],
    )


def test_snapshot_at_the_end(recording: Path) -> None:
    snap, warnings = load_snapshot(recording)
    assert warnings == []
    assert snap.at == at(90)
    assert (snap.mode, snap.projects, snap.regions) == ("replay", ("p1", "p2"), ("us-central1",))
    assert [c.name for c in snap.dataproc.clusters] == ["b"]
    assert sorted(j.job_id for j in snap.jobs) == ["j1", "j2"]
    assert {s: st.state for s, st in snap.statuses.items()} == {
        "jobs": "ok",  # 50 s old, but recorded every 30 s: not stale
        "reservations": "off",  # no reservations.jsonl: not in this recording, nothing to wait for
        "dataproc": "ok",
        "dataflow": "off",
        "billing": "off",  # no billing.jsonl: not in this recording
        "dataquality": "off",
        "pubsub": "off",
        "datafusion": "off",
        "vertex": "off",
        "composer": "off",
    }
    assert (
        snap.statuses["billing"].reason
        == "not in this recording (it was made without [billing] export_table)"
    )


def test_snapshot_at_a_moment(recording: Path) -> None:
    snap, _ = load_snapshot(recording, at=at(65), mode="demo")
    assert snap.at == at(65)
    assert snap.mode == "demo"
    assert [c.name for c in snap.dataproc.clusters] == ["a", "b"]
    status = snap.statuses["dataproc"]
    assert status.state == "stale"
    assert status.reason
    assert (status.updated_at, status.checked_at) == (at(30), at(60))


def test_snapshot_before_the_first_poll(recording: Path) -> None:
    snap, _ = load_snapshot(recording, at=at(-1))
    assert {s: st.state for s, st in snap.statuses.items()} == {
        "jobs": "loading",  # recorded, its first poll still to come
        "dataproc": "loading",
        "reservations": "off",  # not recorded at all
        "dataflow": "off",
        "billing": "off",
        "dataquality": "off",
        "pubsub": "off",
        "datafusion": "off",
        "vertex": "off",
        "composer": "off",
    }
    assert snap.jobs == ()


def test_warnings_come_through(recording: Path) -> None:
    log = recording / "dataproc.jsonl"
    log.write_bytes(log.read_bytes() + encode_exchange(list_clusters(5, 120))[:40])
    snap, warnings = load_snapshot(recording)
    assert warnings == ["dataproc.jsonl:5: last line is incomplete (the recording was cut off); skipped"]
    assert snap.at == at(90)
    # ... and in the source's status, so the JSON document's sources.dataproc.warnings carries it too
    assert snap.statuses["dataproc"].warnings == tuple(warnings)
    assert snap.statuses["jobs"].warnings == ()


@pytest.mark.parametrize("how", ["missing", "zero bytes", "blank lines"])
def test_a_log_without_polls_reads_as_off_with_why(recording: Path, how: str) -> None:
    log = recording / "jobs.jsonl"
    if how == "missing":
        log.unlink()
    else:
        log.write_bytes(b"" if how == "zero bytes" else b"\n\n")
    snap, warnings = load_snapshot(recording)
    status = snap.statuses["jobs"]
    assert (status.state, status.reason) == (
        "off",
        "not in this recording: jobs.jsonl is missing or holds no poll",
    )
    assert snap.statuses["dataproc"].state == "ok"  # the others as before
    assert warnings == []


def test_an_unreadable_recording_raises(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match=r"has no manifest\.json"):
        load_snapshot(tmp_path)


_NO_HEAVY_IMPORTS = """
import sys
from pathlib import Path
from dashboard.replay import load_snapshot
from dashboard.store import Store
snapshot, warnings = load_snapshot(Path(sys.argv[1]))
assert snapshot.dataproc.clusters, snapshot
print(sorted(m for m in sys.modules if m.split(".")[0] in ("google", "grpc", "textual")))
"""


@pytest.mark.timeout(60)
def test_loads_neither_google_nor_textual(recording: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _NO_HEAVY_IMPORTS, str(recording)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _replayed_poll_by_poll(path: Path, moment: datetime) -> Snapshot:
    """The same moment the slow way: every poll parsed and applied, as the app does."""
    rec = read_recording(path)
    backend = FixtureBackend(rec, ReplayClock(moment, paused=True))
    store = Store(
        mode="replay",
        projects=tuple(rec.manifest.projects),
        regions=tuple(rec.manifest.regions),
        intervals=backend.intervals(),
        off=replay_off(backend.sources()),
    )
    for source in backend.sources():
        for poll in backend.poll(source):
            store.apply(poll)
    return store.snapshot(moment)


@pytest.mark.parametrize("seconds", [0, 30, 59, 60, 75, 90, 1000])
def test_same_snapshot_as_applying_every_poll(recording: Path, seconds: float) -> None:
    snap, _ = load_snapshot(recording, at=at(seconds))
    assert snap == _replayed_poll_by_poll(recording, at(seconds))


def test_the_demo_recording_replays() -> None:
    try:
        path = demo_path()
    except RecordingError:
        pytest.skip("the demo recording has not been generated in this checkout")
    start = time.perf_counter()
    snap, warnings = load_snapshot(path, mode="demo")
    elapsed = time.perf_counter() - start
    assert warnings == []
    assert snap.mode == "demo"
    assert len(snap.jobs) > 1000
    assert snap.dataproc.clusters
    assert snap.dataflow.jobs
    assert snap.reservations.reservations
    assert {st.state for st in snap.statuses.values()} <= {"ok", "stale"}  # Pub/Sub too: the demo has its log
    print(f"demo replayed in {elapsed * 1000:.0f} ms")
    middle = snap.at - timedelta(minutes=77, seconds=15)
    assert load_snapshot(path, at=middle)[0] == _replayed_poll_by_poll(path, middle)
