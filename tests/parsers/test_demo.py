"""Every poll of the bundled demo recording parses, source by source, into plausible data."""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from dashboard.errors import SourceError
from dashboard.models import DataflowData, DataprocData, JobsData, ReservationsData, SourceData, SourceName
from dashboard.parsers import parse_poll
from dashboard.recording.demo import demo_path
from dashboard.recording.reader import Recording, read_recording


@cache
def demo() -> Recording:
    return read_recording(demo_path())


@cache
def parsed(source: SourceName) -> tuple[list[SourceData], list[SourceError]]:
    data: list[SourceData] = []
    errors: list[SourceError] = []
    for poll in demo().polls[source]:
        try:
            data.append(parse_poll(source, poll.exchanges))
        except SourceError as exc:
            errors.append(exc)
    return data, errors


@pytest.mark.parametrize("source", ["jobs", "reservations", "dataproc", "dataflow"])
def test_every_poll_parses_or_fails_with_a_reason(source: SourceName) -> None:
    data, errors = parsed(source)
    assert len(data) + len(errors) == len(demo().polls[source])
    assert len(data) > 0.9 * len(demo().polls[source])
    for exc in errors:
        assert exc.code != "GARBAGE", exc.reason
        assert exc.reason


def test_jobs() -> None:
    data, errors = parsed("jobs")
    assert not errors
    polls = [d for d in data if isinstance(d, JobsData)]
    assert len(polls) == len(data)
    keys = {j.key for d in polls for j in d.jobs}
    assert len(keys) > 500
    assert sum(d.history for d in polls) >= 10
    assert all(d.running_keys is not None for d in polls)
    assert max(len(d.running_keys or ()) for d in polls) >= 3
    jobs = [j for d in polls for j in d.jobs]
    kinds = Counter(j.job_type for j in jobs)
    assert {"QUERY", "LOAD", "COPY", "EXTRACT"} <= set(kinds)
    assert any(j.status == "failed" for j in jobs)
    assert any(j.is_script for j in jobs)
    assert any(j.parent_job_id for j in jobs)
    assert any(j.cache_hit for j in jobs)
    assert {j.origin for j in jobs} == {"list", "history"}
    assert all(j.created is not None and j.created.tzinfo is not None for j in jobs)
    assert len({j.principal for j in jobs}) >= 8


def test_reservations() -> None:
    data, errors = parsed("reservations")
    assert not errors
    polls = [d for d in data if isinstance(d, ReservationsData)]
    last = polls[-1]
    assert len(last.reservations) >= 2
    assert len(last.assignments) >= 2
    assert any(r.autoscale_max_slots for r in last.reservations)
    assert sum(len(d.commitments) for d in polls) >= len(polls) - 5
    assert {s.key for d in polls for s in d.slot_usage} >= {r.reservation_id for r in last.reservations}
    assert any(d.warnings for d in polls)  # a recorded denial of the commitments


def test_dataproc() -> None:
    data, errors = parsed("dataproc")
    assert not errors
    polls = [d for d in data if isinstance(d, DataprocData)]
    clusters = {c.name: c for d in polls for c in d.clusters}
    assert len(clusters) >= 4
    states = {c.state for d in polls for c in d.clusters}
    assert {"RUNNING", "ERROR"} <= states
    assert any(not c.yarn for c in clusters.values())
    assert all(c.groups and c.created is not None for c in clusters.values())
    series = {(s.metric, s.key) for d in polls for s in d.series}
    assert {m for m, _ in series} >= {"cluster/yarn/allocated_memory_percentage", "cluster/yarn/apps"}
    batches = {b.batch_id: b for d in polls for b in d.batches}  # each batch as last listed
    assert {b.state for b in batches.values()} == {"RUNNING", "SUCCEEDED", "FAILED"}
    assert all(b.state_message for b in batches.values() if b.state == "FAILED")
    assert all(b.milli_dcu_seconds > 0 for b in batches.values() if b.is_done)
    assert all(b.current_milli_dcu for b in batches.values() if b.state == "RUNNING")
    assert {b.batch_type for b in batches.values()} == {"PySpark", "Spark", "SparkSql"}
    jobs = {j.job_id: j for d in polls for j in d.jobs}
    assert {j.cluster for j in jobs.values()} <= set(clusters)
    assert {"RUNNING", "DONE", "ERROR"} <= {j.state for j in jobs.values()}
    assert any(j.details for j in jobs.values() if j.state == "ERROR")


def test_dataflow() -> None:
    data, errors = parsed("dataflow")
    polls = [d for d in data if isinstance(d, DataflowData)]
    assert 0 < len(errors) < 10  # the recorded outage
    assert all(e.code == "UNAVAILABLE" for e in errors)
    jobs = {j.job_id: j for d in polls for j in d.jobs}
    assert len(jobs) >= 5
    assert {"JOB_TYPE_STREAMING", "JOB_TYPE_BATCH"} <= {j.job_type for j in jobs.values()}
    assert any(j.state == "JOB_STATE_FAILED" for j in jobs.values())
    metrics = {s.metric for d in polls for s in d.series}
    assert {"job/system_lag", "job/data_watermark_age", "job/total_vcpu_time"} <= metrics
    keyed = {s.key for d in polls for s in d.series}
    assert keyed <= set(jobs)
    for d in polls:
        for s in d.series:
            assert [p.t for p in s.points] == sorted(p.t for p in s.points)
