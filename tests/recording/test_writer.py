"""The writer: append-only, flushed per exchange, so even a killed recorder leaves a readable recording."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import msgspec
import pytest

from dashboard.errors import RecordingError
from dashboard.recording.format import MANIFEST, MANIFEST_DECODER, encode_exchange
from dashboard.recording.reader import read_recording
from dashboard.recording.writer import RecordingWriter

from .recbuild import at, jobs_list, list_clusters, manifest


def test_each_exchange_is_on_disk_as_soon_as_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "rec"
    writer = RecordingWriter(path, manifest())
    assert MANIFEST_DECODER.decode((path / MANIFEST).read_bytes()) == manifest()
    writer.write(jobs_list(1, 0, ["a"]))
    assert (path / "jobs.jsonl").read_bytes() == encode_exchange(jobs_list(1, 0, ["a"]))
    assert not (path / "dataproc.jsonl").exists()
    writer.write(list_clusters(1, 1))
    writer.write(jobs_list(2, 30))
    assert read_recording(path).polls["jobs"][1].exchanges == (jobs_list(2, 30),)
    writer.close()


def test_close_records_the_end_and_is_idempotent(tmp_path: Path) -> None:
    with RecordingWriter(tmp_path / "r", manifest()) as writer:
        writer.write(list_clusters(1, 0))
        writer.close(ended_at=at(3600))
    assert writer.manifest.ended_at == at(3600)
    assert read_recording(tmp_path / "r").manifest.ended_at == at(3600)
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["dataproc.jsonl", "manifest.json"]
    with pytest.raises(ValueError, match="closed"):
        writer.write(list_clusters(2, 60))


def test_refuses_to_write_over_a_recording(tmp_path: Path) -> None:
    RecordingWriter(tmp_path / "r", manifest()).close()
    with pytest.raises(RecordingError, match="already holds a recording"):
        RecordingWriter(tmp_path / "r", manifest())


def test_refuses_an_unknown_source(tmp_path: Path) -> None:
    with RecordingWriter(tmp_path / "r", manifest()) as writer:
        bad = msgspec.structs.replace(list_clusters(1, 0), source="storage")
        with pytest.raises(ValueError, match="unknown source 'storage'"):
            writer.write(bad)


def test_threads_writing_at_once_keep_lines_whole(tmp_path: Path) -> None:
    with RecordingWriter(tmp_path / "r", manifest()) as writer:

        def record(start: int) -> None:
            for poll in range(start, start + 200):
                writer.write(jobs_list(1, 0, [f"j{poll}-{i}" for i in range(20)]))

        threads = [threading.Thread(target=record, args=(n * 1000,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    rec = read_recording(tmp_path / "r")
    assert len(rec.polls["jobs"][0].exchanges) == 800


_KILLED_RECORDER = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from recbuild import jobs_list, list_clusters, manifest
from dashboard.recording.writer import RecordingWriter
writer = RecordingWriter(Path(sys.argv[1]), manifest())
poll = 0
while True:
    poll += 1
    writer.write(list_clusters(poll, poll, [f"c{i}" for i in range(50)]))
    writer.write(jobs_list(poll, poll, [f"job{poll}-{i}" for i in range(400)]))
    if poll == 3:
        print("ready", flush=True)
"""


@pytest.mark.timeout(30)
def test_a_killed_recorder_leaves_a_readable_recording(tmp_path: Path) -> None:
    path = tmp_path / "r"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_RECORDER, str(path), str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rec = read_recording(path)
    assert len(rec.polls["jobs"]) >= 3
    assert len(rec.polls["dataproc"]) >= 3
    assert len(rec.warnings) <= 2
    assert all("last line is incomplete" in w for w in rec.warnings)
