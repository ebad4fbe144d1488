"""A small Google Cloud the way real ones are awkward, written by hand from the documented shapes: two job
projects (``acme-etl``, ``acme-bi``) in two BigQuery locations (``US``, ``europe-west4``), the reservations in
an admin project of their own (``acme-admin``), a workforce identity federation principal (no
``user_email``, only ``principal_subject``), a queued (PENDING) job, a failure, rows outside the history
window and in a location gcpdash does not watch, and an assignment to the special reservation ``none``.

What each figure should come to is written out in the tests that use it, not computed from this module.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

from .fake_jobs import FakeJobs

JOB_PROJECTS = ("acme-etl", "acme-bi")
ADMIN = "acme-admin"
LOCATIONS = ("US", "europe-west4")
TIB = 2**40
WORKFORCE = (
    "principal://iam.googleapis.com/locations/global/workforcePools/acme-pool/subject/ana@acme.example"
)
"""A workforce identity federation principal, as INFORMATION_SCHEMA.JOBS and jobs.list name it."""
ETL_SA = "etl-runner@acme-etl.iam.gserviceaccount.com"


def _row(project: str, location: str, job_id: str, created: datetime, **columns: Any) -> dict[str, Any]:
    """One INFORMATION_SCHEMA.JOBS row of a finished query (columns override)."""
    row: dict[str, Any] = {
        "location": location,
        "project_id": project,
        "project_number": 400000000001 if project == "acme-etl" else 400000000002,
        "job_id": job_id,
        "creation_time": created,
        "start_time": created + timedelta(seconds=2),
        "end_time": created + timedelta(seconds=62),
        "job_type": "QUERY",
        "statement_type": "SELECT",
        "priority": "INTERACTIVE",
        "state": "DONE",
        "user_email": None,
        "principal_subject": None,
        "total_bytes_processed": 0,
        "total_bytes_billed": 0,
        "total_slot_ms": 60_000,
        "cache_hit": False,
        "reservation_id": None,
        "edition": None,
        "error_result": None,
        "query": f"SELECT * FROM `{project}.sales.orders`",
        "labels": [],
        "parent_job_id": None,
        "destination_table": {"project_id": project, "dataset_id": "_anon", "table_id": f"anon_{job_id}"},
        "transaction_id": None,
    }
    row.update(columns)
    if row["user_email"] is not None and row["principal_subject"] is None:
        row["principal_subject"] = f"user:{row['user_email']}"
    return row


def _ms(t: datetime) -> str:
    return str(int(t.timestamp() * 1000))


def _resource(project: str, job_id: str, state: str, created: datetime, **fields: Any) -> dict[str, Any]:
    """A REST Job resource as jobs.list (projection full) returns it."""
    stats: dict[str, Any] = {"creationTime": _ms(created)}
    if state != "PENDING":
        stats["startTime"] = _ms(created + timedelta(seconds=3))
    if state == "DONE":
        stats["endTime"] = _ms(created + timedelta(seconds=30))
    resource: dict[str, Any] = {
        "kind": "bigquery#job",
        "id": f"{project}:US.{job_id}",
        "jobReference": {"projectId": project, "jobId": job_id, "location": "US"},
        "state": state,
        "statistics": stats,
        "configuration": {
            "jobType": "QUERY",
            "query": {"query": "SELECT COUNT(*) FROM `acme-bi.sales.orders`", "priority": "BATCH"},
        },
        "status": {"state": state},
    }
    resource.update(fields)
    return resource


def fake_jobs(now: datetime) -> FakeJobs:
    """Both job projects' history rows and jobs.list resources, around ``now``."""
    h = timedelta(hours=1)
    m = timedelta(minutes=1)
    etl = [
        _row(  # in the reservation acme-etl is assigned to: slots, not bytes
            "acme-etl",
            "US",
            "etl_nightly_1",
            now - 3 * h,
            user_email=ETL_SA,
            statement_type="INSERT",
            total_bytes_processed=2 * TIB,
            total_bytes_billed=2 * TIB,
            total_slot_ms=7_200_000,
            reservation_id=f"{ADMIN}:US.etl-prod",
            edition="ENTERPRISE",
        ),
        _row(  # europe-west4 has no reservation: on demand
            "acme-etl",
            "europe-west4",
            "etl_eu_1",
            now - 2 * h,
            user_email=ETL_SA,
            total_bytes_processed=TIB // 2,
            total_bytes_billed=TIB // 2,
        ),
        _row(  # a location gcpdash does not watch (EU, not europe-west4): never read
            "acme-etl",
            "EU",
            "etl_multi_eu_1",
            now - 2 * h,
            user_email=ETL_SA,
            total_bytes_billed=9 * TIB,
        ),
    ]
    bi = [
        _row(
            "acme-bi", "US", "bi_dash_1", now - 1 * h, principal_subject=WORKFORCE, total_bytes_billed=4 * TIB
        ),
        _row(
            "acme-bi",
            "US",
            "bi_dash_2",
            now - 50 * m,
            principal_subject=WORKFORCE,
            total_bytes_billed=3 * TIB,
        ),
        _row(
            "acme-bi",
            "US",
            "bi_fail_1",
            now - 40 * m,
            user_email="ana@acme.example",
            error_result={
                "reason": "accessDenied",
                "location": None,
                "debug_info": None,
                "message": "Access Denied: Table acme-bi:sales.orders: User does not have permission",
            },
        ),
        _row(  # older than the first window (6 h): the WHERE leaves it out
            "acme-bi",
            "US",
            "bi_old_1",
            now - 7 * h,
            user_email="ana@acme.example",
            total_bytes_billed=8 * TIB,
        ),
        _row(
            "acme-bi",
            "europe-west4",
            "bi_eu_1",
            now - 30 * m,
            user_email="lena@acme.example",
            total_bytes_billed=TIB // 4,
        ),
    ]
    listed = {
        "acme-etl": [
            _resource("acme-etl", "etl_live_1", "RUNNING", now - 5 * m, user_email=ETL_SA),
            _resource("acme-etl", "etl_listed_done", "DONE", now - 20 * m, user_email=ETL_SA),
        ],
        "acme-bi": [
            # queued: only its reference, creation time and (full projection) who asked
            _resource("acme-bi", "bi_queued_1", "PENDING", now - m, principal_subject=WORKFORCE),
        ],
    }
    return FakeJobs(rows={"acme-etl": etl, "acme-bi": bi}, resources=listed)


def grpc_exchange(method: str, request: dict[str, Any], response: dict[str, Any]) -> Exchange:
    return Exchange(v=1, poll=1, t=datetime(2026, 1, 1), source="reservations", api="grpc", method=method,
                    request=request, response=response)  # fmt: skip


def reservation_exchanges() -> list[Exchange]:
    """The Reservation API of ``acme-admin``: in US the reservation ``etl-prod`` with acme-etl assigned to
    it and acme-bi assigned to ``none`` (opted out to on-demand); nothing in europe-west4."""
    out: list[Exchange] = []
    for location in LOCATIONS:
        parent = f"projects/{ADMIN}/locations/{location}"
        reservations: dict[str, Any] = {}
        if location == "US":
            reservations = {
                "reservations": [
                    {
                        "name": f"{parent}/reservations/etl-prod",
                        "slotCapacity": "100",
                        "edition": "ENTERPRISE",
                        "autoscale": {"maxSlots": "100"},
                    }
                ]
            }
        out.append(grpc_exchange(fmt.RES_LIST_RESERVATIONS, {"parent": parent}, reservations))
        out.append(grpc_exchange(fmt.RES_LIST_COMMITMENTS, {"parent": parent}, {}))
        for project in JOB_PROJECTS:
            found: dict[str, Any] = {}
            if location == "US":
                reservation = "etl-prod" if project == "acme-etl" else "none"
                number = 111 if project == "acme-etl" else 123
                found = {
                    "assignments": [
                        {
                            "name": f"{parent}/reservations/{reservation}/assignments/{number}",
                            "assignee": f"projects/{project}",
                            "jobType": "QUERY",
                            "state": "ACTIVE",
                        }
                    ]
                }
            request = {"parent": parent, "query": f"assignee=projects/{project}"}
            out.append(grpc_exchange(fmt.RES_SEARCH_ALL_ASSIGNMENTS, request, found))
    return out
