"""The live BigQuery jobs source under faults: every fault of the fake REST server on ``jobs.list`` fails
the poll with an actionable reason; on the history query or its later pages, the running jobs still come
back with a warning. Nothing hangs: every call has a short timeout and retry deadline."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.models import JobsData

from .fake_rest import FakeRest, bq_config, refused_url

pytestmark = pytest.mark.timeout(30)

LIST_REASONS = {
    "403": ("403 accessDenied", "needs roles/bigquery.resourceViewer on project acme-analytics (jobs.list)"),
    "rate": ("403 rateLimitExceeded", "quota or rate limit reached"),
    "404": ("404 notFound", "check the project and region"),
    "429": ("429 rateLimitExceeded", "quota or rate limit reached"),
    "500": ("500 internalError", "An internal error occurred"),
    "503": ("503 backendError", "The service is currently unavailable"),
    "slow": ("DEADLINE_EXCEEDED", "no answer within the timeout"),
    "garbage": ("GARBAGE", "not a JSON object"),
    "page2": ("403 accessDenied", "needs roles/bigquery.resourceViewer"),
}
"""Per fault on jobs.list: the poll's error code and a part of its reason."""


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeRest]:
    with FakeRest(slow_seconds=2.0) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeRest) -> FakeRest:
    server.clear()
    return server


@pytest.mark.parametrize("fault", sorted(set(LIST_REASONS) - {"page2"}))
def test_a_failing_jobs_list_fails_the_poll_with_its_reason(fake: FakeRest, fault: str) -> None:
    fake.inject("list", fault)
    fake.page_size = 2  # so that page 2 exists
    backend = LiveBackend(bq_config(fake.url), FixedClock())
    started = time.monotonic()
    [poll] = backend.poll("jobs")
    assert time.monotonic() - started < 5
    code, reason = LIST_REASONS[fault]
    assert poll.data is None
    assert poll.error_code == code, poll.error
    assert reason in (poll.error or "")
    assert not [r for r in fake.log if r.method == "POST"]  # no billed query after a failed listing


def test_a_jobs_list_failing_on_page_2_keeps_page_1_and_says_so(fake: FakeRest) -> None:
    fake.inject("list", "page2")
    fake.page_size = 2  # so that page 2 exists
    backend = LiveBackend(bq_config(fake.url), FixedClock())
    [poll] = backend.poll("jobs")
    exchanges = backend.last_exchanges["jobs"]
    pages = [ex for ex in exchanges if ex.error is None and ex.params["stateFilter"] == "running"]
    # per project (both are read), page 1 was read, then page 2 failed
    assert sorted(ex.path.split("/")[4] for ex in pages) == ["acme-analytics", "acme-etl"]
    assert poll.error is None
    data = poll.data
    assert isinstance(data, JobsData)
    # page 1 of each project: the fake's first two running jobs there
    read = {job["jobReference"]["jobId"] for ex in pages for job in ex.response["jobs"]}  # type: ignore[index]
    assert {j.job_id for j in data.jobs} == read
    assert len(read) == 4
    assert data.incomplete == ("acme-analytics", "acme-etl")
    code, reason = LIST_REASONS["page2"]
    assert all(any(f"jobs.list failed for {p}: {code}" in w for w in data.warnings) for p in data.incomplete)
    assert any(reason in w for w in data.warnings), data.warnings
    assert not [r for r in fake.log if r.method == "POST"]  # no billed query after a failed listing


def test_connection_refused(fake: FakeRest) -> None:
    backend = LiveBackend(bq_config(refused_url()), FixedClock())
    [poll] = backend.poll("jobs")
    assert poll.error_code == "UNAVAILABLE"
    assert "connection refused by 127.0.0.1:" in (poll.error or "")
    assert "(jobs.list, project acme-analytics)" in (poll.error or "")


@pytest.mark.parametrize("fault", ["403", "404", "500", "503", "slow", "garbage"])
def test_a_failing_history_query_keeps_the_running_jobs(fake: FakeRest, fault: str) -> None:
    fake.inject("query", fault)
    backend = LiveBackend(bq_config(fake.url), FixedClock())
    [poll] = backend.poll("jobs")
    assert poll.error is None
    assert isinstance(poll.data, JobsData)
    assert poll.data.running_keys
    assert not poll.data.history
    assert {job.key for job in poll.data.jobs} == set(poll.data.running_keys)
    warnings = poll.data.warnings
    assert len(warnings) == 2  # the first poll queries both projects: each failure says so
    assert all(w.startswith("history limited to running jobs: ") for w in warnings)
    if fault == "403":
        for project in ("acme-analytics", "acme-etl"):
            needed = f"needs roles/bigquery.resourceViewer on project {project} (jobs-history query)"
            assert any(needed in w for w in warnings), warnings


@pytest.mark.parametrize("fault", ["page2", "503", "garbage"])
def test_a_failing_later_result_page_keeps_what_was_read(fake: FakeRest, fault: str) -> None:
    fake.inject("results", fault)
    backend = LiveBackend(bq_config(fake.url, projects=("acme-analytics",)), FixedClock())
    [poll] = backend.poll("jobs")
    assert isinstance(poll.data, JobsData)
    [warning] = poll.data.warnings
    assert warning.startswith("history incomplete, later rows missing: ")
    first_page = fake.recorded.query[("acme-analytics", "jobs-history")]["rows"]
    assert len(poll.data.jobs) >= len(first_page)
    assert not [r for r in fake.log if r.path.endswith("/cancel")]  # the client's cancel was refused


def test_a_transient_error_is_retried_within_the_deadline(fake: FakeRest) -> None:
    """503 once, then the answer: the poll succeeds and keeps only the successful exchange."""
    fake.inject("list", "503", "acme-etl")
    backend = LiveBackend(bq_config(fake.url, projects=("acme-etl",)), FixedClock())
    cfg = backend.config
    assert cfg.timeouts.retry_deadline == 0.5
    [poll] = backend.poll("jobs")
    assert poll.error_code == "503 backendError"  # still failing after the deadline: said once
    assert len([ex for ex in backend.last_exchanges["jobs"] if ex.error is not None]) == 1


def test_history_skipped_by_a_failed_listing_runs_at_the_next_poll(fake: FakeRest) -> None:
    from datetime import timedelta

    class Clock:
        at = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

        def now(self) -> datetime:
            return self.at

    clock = Clock()
    fake.inject("list", "403")
    backend = LiveBackend(bq_config(fake.url), clock)
    [poll] = backend.poll("jobs")
    assert poll.data is None
    fake.clear()
    clock.at += timedelta(seconds=10)
    [poll] = backend.poll("jobs")
    assert isinstance(poll.data, JobsData)
    assert poll.data.history  # not held back for a minute by the query that never ran
