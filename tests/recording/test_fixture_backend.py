"""The fixture backend hands out each recorded poll once its time has come on the replay clock."""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from importlib.metadata import entry_points
from pathlib import Path

import msgspec
import pytest

from dashboard.backends.base import Backend, Poll
from dashboard.backends.fixture import FixtureBackend, create
from dashboard.clock import ReplayClock
from dashboard.errors import RecordingError, UsageError
from dashboard.models import DataprocData, JobsData, SourceData, SourceName
from dashboard.parsers import parse_poll
from dashboard.recording.demo import demo_path
from dashboard.recording.format import DATAPROC_LIST_CLUSTERS, Exchange
from dashboard.recording.reader import read_recording

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
        ]
    )


def _backend(path: Path) -> tuple[FixtureBackend, ReplayClock]:
    rec = read_recording(path)
    clock = ReplayClock(rec.manifest.recorded_at - timedelta(seconds=1), paused=True)
    return FixtureBackend(rec, clock), clock


def _numbers(polls: list[Poll]) -> list[int]:
    return [p.number for p in polls]


def _clusters(poll: Poll) -> list[str]:
    assert isinstance(poll.data, DataprocData)
    return [c.name for c in poll.data.clusters]


def test_polls_come_due_as_the_clock_moves(recording: Path) -> None:
    backend, clock = _backend(recording)
    assert isinstance(backend, Backend)
    assert backend.name == "fixture"
    assert backend.mode == "replay"
    assert backend.sources() == ("jobs", "dataproc")
    assert (backend.start, backend.end) == (at(0), at(90))
    assert backend.poll_times() == tuple(at(s) for s in (0, 10, 30, 40, 60, 90))
    assert backend.poll("dataproc") == []
    clock.seek(at(0))
    first = backend.poll("dataproc")
    assert _numbers(first) == [1]
    assert first[0].t == at(0)
    assert first[0].source == "dataproc"
    assert _clusters(first[0]) == ["a"]
    assert backend.poll("dataproc") == []
    assert backend.poll("jobs") == []
    clock.seek(at(45))
    assert [_clusters(p) for p in backend.poll("dataproc")] == [["a", "b"]]
    assert _numbers(backend.poll("jobs")) == [1, 2]
    clock.seek(at(500))
    error, last = backend.poll("dataproc")
    assert (error.number, error.t, error.data) == (3, at(60), None)
    assert error.error
    assert error.error_code == "UNAVAILABLE"
    assert _clusters(last) == ["b"]
    assert backend.poll("dataflow") == []


def test_reset_replays_from_the_start_up_to_the_clock(recording: Path) -> None:
    backend, clock = _backend(recording)
    clock.seek(at(500))
    assert _numbers(backend.poll("dataproc")) == [1, 2, 3, 4]
    clock.seek(at(35))
    assert backend.poll("dataproc") == []
    backend.reset()
    assert _numbers(backend.poll("dataproc")) == [1, 2]
    assert _numbers(backend.poll("jobs")) == [1]


def test_polls_come_due_on_a_running_clock(recording: Path) -> None:
    rec = read_recording(recording)
    clock = ReplayClock(at(0), speed=3600)
    backend = FixtureBackend(rec, clock)
    got: list[Poll] = []
    deadline = time.monotonic() + 5
    while len(got) < 4 and time.monotonic() < deadline:
        got += backend.poll("dataproc")
        time.sleep(0.01)
    assert _numbers(got) == [1, 2, 3, 4]


def test_catch_up_skips_superseded_listings(recording: Path) -> None:
    parsed: list[tuple[str, int]] = []

    def spy(source: SourceName, exchanges: Sequence[Exchange]) -> SourceData:
        parsed.append((source, exchanges[0].poll))
        return parse_poll(source, exchanges)

    rec = read_recording(recording)
    clock = ReplayClock(at(75), paused=True)
    backend = FixtureBackend(rec, clock, parse=spy, eager=False)
    assert parsed == []
    polls = backend.catch_up("dataproc", keep=timedelta(0))
    assert [(p.number, p.error is None) for p in polls] == [(2, True), (3, False)]
    assert _numbers(backend.catch_up("jobs")) == [1, 2]
    assert sorted(parsed) == [("dataproc", 2), ("dataproc", 3), ("jobs", 1), ("jobs", 2)]
    assert backend.poll("dataproc") == []
    clock.seek(at(90))
    assert _numbers(backend.poll("dataproc")) == [4]
    backend.reset()
    assert _numbers(backend.poll("dataproc")) == [1, 2, 3, 4]
    assert len(parsed) == 6


def test_catch_up_keeps_the_polls_its_monitoring_series_come_from(recording: Path) -> None:
    clock = ReplayClock(at(75), paused=True)
    backend = FixtureBackend(read_recording(recording), clock, eager=False)
    assert [p.number for p in backend.catch_up("dataproc")] == [1, 2, 3]


def test_eager_parses_everything_up_front(recording: Path) -> None:
    parsed: list[str] = []

    def spy(source: SourceName, exchanges: Sequence[Exchange]) -> SourceData:
        parsed.append(source)
        return parse_poll(source, exchanges)

    backend = FixtureBackend(read_recording(recording), ReplayClock(at(0), paused=True), parse=spy)
    assert sorted(parsed) == ["dataproc"] * 4 + ["jobs"] * 2
    backend.catch_up("dataproc")
    assert len(parsed) == 6


def test_recorded_intervals(recording: Path) -> None:
    backend, _ = _backend(recording)
    assert backend.intervals() == {"jobs": 30.0, "dataproc": 30.0}


def test_a_poll_the_parser_cannot_handle_fails_alone(recording: Path) -> None:
    def parse(source: SourceName, exchanges: Sequence[Exchange]) -> SourceData:
        raise KeyError("clusterName")

    backend = FixtureBackend(read_recording(recording), ReplayClock(at(1000), paused=True), parse=parse)
    polls = backend.poll("dataproc")
    assert len(polls) == 4
    assert polls[0].error == "cannot read recorded poll 1: KeyError: 'clusterName'"
    assert polls[0].error_code == "UNREADABLE"


def test_create_from_configuration(recording: Path) -> None:
    backend = create({"path": str(recording), "speed": 60, "unknown": "ignored"})
    assert backend.mode == "replay"
    assert isinstance(backend.clock, ReplayClock)
    assert backend.clock.speed == 60
    assert at(0) <= backend.clock.now() < at(300)
    clock = ReplayClock(at(45), paused=True)
    backend = create({"path": recording, "clock": clock, "mode": "demo"})
    assert backend.clock is clock
    assert backend.mode == "demo"
    assert _numbers(backend.poll("dataproc")) == [1, 2]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"path": 5}, "path must be a path"),
        ({"mode": "live"}, "mode must be 'demo' or 'replay'"),
        ({"speed": 0}, "speed must be a positive number"),
        ({"clock": "now"}, "clock must have now()"),
    ],
)
def test_create_refuses_bad_configuration(recording: Path, config: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        create({"path": recording, **config})


def test_create_without_a_path_replays_the_demo() -> None:
    try:
        path = demo_path()
    except RecordingError:
        with pytest.raises(RecordingError, match="demo recording is missing"):
            create({})
        return
    backend = create({})
    assert backend.mode == "demo"
    assert backend.path == path
    assert backend.manifest.recorded_at


def test_registered_as_an_entry_point() -> None:
    (point,) = [p for p in entry_points(group="gcpdash.backends") if p.name == "fixture"]
    assert point.load() is create


def test_kept_job_polls_share_repeated_jobs_and_unchanged_values(write_recording: Write) -> None:
    first = jobs_list(1, 10, ["j1", "j2"])
    assert first.response is not None
    again = msgspec.structs.replace(first, poll=2, t=at(40))  # both jobs listed again, unchanged
    changed = copy.deepcopy(first.response)
    changed["jobs"][0]["user_email"] = "bo@example.com"  # j1 changed; its id and times did not
    path = write_recording([first, again, msgspec.structs.replace(first, poll=3, t=at(70), response=changed)])
    backend, clock = _backend(path)
    clock.seek(at(70))
    polls = backend.poll("jobs")
    jobs = [p.data.jobs for p in polls if isinstance(p.data, JobsData)]
    assert len(jobs) == 3
    assert jobs[1][0] is jobs[0][0]
    assert jobs[1][1] is jobs[0][1]
    j1_before, j1_after = jobs[1][0], jobs[2][0]
    assert j1_after.principal == "bo@example.com"
    assert j1_before.principal == "ana@example.com"
    assert j1_after.job_id is j1_before.job_id
    assert j1_after.created is j1_before.created
    assert j1_after.started is j1_before.started
    assert j1_after.created == at(5)
    assert jobs[2][1] is jobs[0][1]
