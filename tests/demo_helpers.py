"""What the demo recording holds, read with Google's client libraries: shared by the demo tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from google.cloud import (
    bigquery_reservation_v1,
    data_fusion_v1,
    dataflow_v1beta3,
    dataplex_v1,
    dataproc_v1,
    monitoring_v3,
    pubsub_v1,
)
from google.cloud.bigquery import _helpers
from google.cloud.bigquery.schema import SchemaField
from google.cloud.billing import budgets_v1
from google.cloud.orchestration.airflow import service_v1 as airflow

from dashboard.models_catalog import GET_ENTRY
from dashboard.recording import format as fmt
from dashboard.sources.composer.model import LIST_ENVIRONMENTS, LIST_WORKLOADS
from dashboard.sources.datafusion.model import LIST_INSTANCES
from dashboard.sources.dataquality.model import GET_DATA_SCAN_JOB, LIST_DATA_SCAN_JOBS, LIST_DATA_SCANS
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS, LIST_TOPICS

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo"
SOURCES = (
    "jobs",
    "reservations",
    "dataproc",
    "dataflow",
    "pubsub",
    "composer",
    "datafusion",
    "dataquality",
    "billing",
    "vertex",
)
POLLING = {
    "jobs": (timedelta(0), timedelta(seconds=30)),
    "datafusion": (timedelta(0), timedelta(minutes=5)),
    "dataquality": (timedelta(0), timedelta(minutes=5)),
    "billing": (timedelta(seconds=90), timedelta(hours=1)),
    "vertex": (timedelta(0), timedelta(minutes=5)),
    "composer": (timedelta(0), timedelta(minutes=5)),
}
"""Per source: its first poll's delay after START and its interval (default: at START, every minute)."""
START = datetime(2026, 11, 26, 6, tzinfo=UTC)
END = START + timedelta(hours=3)

if str(ROOT / "fixtures") not in sys.path:
    sys.path.insert(0, str(ROOT / "fixtures"))

GRPC: dict[str, tuple[Any, Any]] = {
    fmt.BUDGETS_LIST_BUDGETS: (budgets_v1.ListBudgetsRequest, budgets_v1.ListBudgetsResponse),
    fmt.RES_LIST_RESERVATIONS: (
        bigquery_reservation_v1.ListReservationsRequest,
        bigquery_reservation_v1.ListReservationsResponse,
    ),
    fmt.RES_LIST_COMMITMENTS: (
        bigquery_reservation_v1.ListCapacityCommitmentsRequest,
        bigquery_reservation_v1.ListCapacityCommitmentsResponse,
    ),
    fmt.RES_SEARCH_ALL_ASSIGNMENTS: (
        bigquery_reservation_v1.SearchAllAssignmentsRequest,
        bigquery_reservation_v1.SearchAllAssignmentsResponse,
    ),
    fmt.RES_GET_BI_RESERVATION: (
        bigquery_reservation_v1.GetBiReservationRequest,
        bigquery_reservation_v1.BiReservation,
    ),
    fmt.MON_LIST_TIME_SERIES: (monitoring_v3.ListTimeSeriesRequest, monitoring_v3.ListTimeSeriesResponse),
    fmt.DATAPROC_LIST_CLUSTERS: (dataproc_v1.ListClustersRequest, dataproc_v1.ListClustersResponse),
    fmt.DATAPROC_LIST_BATCHES: (dataproc_v1.ListBatchesRequest, dataproc_v1.ListBatchesResponse),
    fmt.DATAPROC_LIST_JOBS: (dataproc_v1.ListJobsRequest, dataproc_v1.ListJobsResponse),
    fmt.DATAFLOW_AGGREGATED_LIST_JOBS: (dataflow_v1beta3.ListJobsRequest, dataflow_v1beta3.ListJobsResponse),
    LIST_TOPICS: (pubsub_v1.types.ListTopicsRequest, pubsub_v1.types.ListTopicsResponse),
    LIST_SUBSCRIPTIONS: (pubsub_v1.types.ListSubscriptionsRequest, pubsub_v1.types.ListSubscriptionsResponse),
    LIST_INSTANCES: (data_fusion_v1.ListInstancesRequest, data_fusion_v1.ListInstancesResponse),
    LIST_DATA_SCANS: (dataplex_v1.ListDataScansRequest, dataplex_v1.ListDataScansResponse),
    LIST_DATA_SCAN_JOBS: (dataplex_v1.ListDataScanJobsRequest, dataplex_v1.ListDataScanJobsResponse),
    GET_DATA_SCAN_JOB: (dataplex_v1.GetDataScanJobRequest, dataplex_v1.DataScanJob),
    GET_ENTRY: (dataplex_v1.GetEntryRequest, dataplex_v1.Entry),
    LIST_ENVIRONMENTS: (airflow.ListEnvironmentsRequest, airflow.ListEnvironmentsResponse),
    LIST_WORKLOADS: (airflow.ListWorkloadsRequest, airflow.ListWorkloadsResponse),
}
GRPC_CODES = {"PERMISSION_DENIED", "UNAVAILABLE", "NOT_FOUND", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED"}


@cache
def exchanges(source: str) -> list[dict[str, Any]]:
    """Every exchange of a source, as plain JSON."""
    with (DEMO / f"{source}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def by_method(source: str, method: str) -> list[dict[str, Any]]:
    return [e for e in exchanges(source) if e["method"] == method]


@cache
def history_rows() -> list[tuple[datetime, dict[str, Any]]]:
    """(poll time, decoded row) of every history row, decoded by google-cloud-bigquery's own row parser."""
    out, schema = [], None
    for e in exchanges("jobs"):
        if e["method"] == fmt.BQ_JOBS_QUERY:
            schema = [SchemaField.from_api_repr(f) for f in e["response"]["schema"]["fields"]]
        elif e["method"] != fmt.BQ_GET_QUERY_RESULTS:
            continue
        assert schema is not None
        poll_time = datetime.fromisoformat(e["t"])
        out += [
            (poll_time, dict(row.items()))
            for row in _helpers._rows_from_json(e["response"].get("rows", []), schema)
        ]
    return out


def latest_rows() -> dict[str, dict[str, Any]]:
    """Each job's row as the last history poll that saw it returned it."""
    return {row["job_id"]: row for _, row in history_rows()}


def once(*args: str, columns: int | None = None) -> str:
    """What ``gcpdash --once --demo ARGS`` prints, run in a fresh interpreter (``columns``: the terminal
    width it is told); its exit status 0 is asserted, with its stderr shown otherwise."""
    env = {**os.environ, "COLUMNS": str(columns)} if columns is not None else None
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "--once", "--demo", *args],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode()


@cache
def _once_json() -> str:
    return once("--format", "json")


def once_json() -> dict[str, Any]:
    """``gcpdash --once --demo --format json``, parsed: run once for every test that asks (the demo's
    report at its end is the same each run), a fresh copy each time."""
    doc: dict[str, Any] = json.loads(_once_json())
    return doc
