"""The organisation the organisation-mode contract tests watch: JOBS rows of two projects in EU and US
(a workforce principal, a reservation, labels, a script with children, a queued job, a row too old for the
window), the fake BigQuery that evaluates the SQL on them, and the helpers the tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from dashboard.backends.gcp.live import LiveBackend
from dashboard.config import TimeoutsConfig
from dashboard.models import JobsData
from dashboard.models_aggregates import Bucket

from .fake_bq_sql import SqlFakeRest
from .fake_rest import bq_config

T0 = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
TIB = 2**40
ORG = "123456789012"
ANA = "ana@acme.example"
WORKFORCE = "principal://iam.googleapis.com/locations/global/workforcePools/acme-pool/subject/raj"
RESERVATION = "acme-admin:EU.bi-reservation"


def row(project: str, job_id: str, created: datetime, **columns: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "location": "EU",
        "project_id": project,
        "project_number": 400000000001 if project == "acme-etl" else 400000000002,
        "job_id": job_id,
        "creation_time": created,
        "start_time": created + timedelta(seconds=2),
        "end_time": created + timedelta(seconds=62),
        "user_email": ANA,
        "job_type": "QUERY",
        "statement_type": "SELECT",
        "priority": "INTERACTIVE",
        "state": "DONE",
        "total_bytes_processed": 0,
        "total_bytes_billed": 0,
        "total_slot_ms": 0,
        "cache_hit": False,
        "labels": [],
        "folder_numbers": ["4455"] if project == "acme-etl" else ["7788", "4455"],
    }
    return base | columns


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 26, hour, minute, tzinfo=UTC)


ROWS = [
    row(
        "acme-etl",
        "etl_1",
        at(8, 10),
        total_bytes_billed=2 * TIB,
        total_slot_ms=3_600_000,
        labels=[{"key": "team", "value": "etl"}],
    ),
    row(
        "acme-etl",
        "etl_2",
        at(8, 40),
        total_slot_ms=1_000,
        labels=[{"key": "team", "value": "etl"}],
        error_result={"reason": "invalidQuery", "location": "q", "debug_info": "", "message": "Syntax error"},
    ),
    row(
        "acme-bi",
        "bi_1",
        at(8, 20),
        user_email=None,
        principal_subject=WORKFORCE,
        reservation_id=RESERVATION,
        total_bytes_billed=1 * TIB,
        total_slot_ms=7_200_000,
        labels=[{"key": "team", "value": "bi"}],
    ),
    row(
        "acme-bi",
        "bi_queued",
        at(9, 25),
        user_email="bob@acme.example",
        state="PENDING",
        start_time=None,
        end_time=None,
    ),
    row(
        "acme-etl",
        "script_1",
        at(9, 5),
        statement_type="SCRIPT",
        job_type="QUERY",
        total_bytes_billed=3 * TIB,
        total_slot_ms=9_000,
    ),
    row(
        "acme-etl",
        "script_1_a",
        at(9, 5),
        parent_job_id="script_1",
        total_bytes_billed=1 * TIB,
        total_slot_ms=4_000,
    ),
    row(
        "acme-etl",
        "script_1_b",
        at(9, 6),
        parent_job_id="script_1",
        statement_type="INSERT",
        total_bytes_billed=2 * TIB,
        total_slot_ms=5_000,
    ),
    row("acme-etl", "too_old", at(2, 0), total_bytes_billed=50 * TIB),  # before 03:00, the window's start
    row("acme-etl", "us_1", at(8, 0), location="US", total_bytes_billed=4 * TIB),
]


class StepClock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


def backend(fake: SqlFakeRest, clock: StepClock, **scope: str) -> LiveBackend:
    config = bq_config(fake.url, projects=("acme-etl", "acme-bi"), bigquery_locations=["EU", "US"], **scope)
    # DuckDB evaluates each query: more time than a canned answer takes, on a busy machine too
    config = msgspec.structs.replace(config, timeouts=TimeoutsConfig(call=10.0, retry_deadline=10.0))
    return LiveBackend(config, clock)


def poll(live: LiveBackend) -> JobsData:
    [result] = live.poll("jobs", force=True)
    assert result.error is None, result.error
    assert isinstance(result.data, JobsData)
    return result.data


def bucket(data: JobsData, dim: str, key: str | None, hour: int = 8) -> Bucket:
    assert data.aggregates is not None
    [found] = [
        b
        for b in data.aggregates.buckets
        if b.location == "EU" and b.dim == dim and b.key == key and b.hour == at(hour, 0)
    ]
    return found
