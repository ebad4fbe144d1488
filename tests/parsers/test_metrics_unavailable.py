"""Missing Monitoring metrics summed up in one line (the data's ``metrics_unavailable``), which the pane
heading and the status line show where a narrow screen drops the warnings: what failed, from Monitoring,
where (when only some projects failed) and whether the next poll asks again."""

from __future__ import annotations

from typing import Any

from dashboard.models import DataflowData, DataprocData, ReservationsData
from dashboard.parsers import parse_poll
from dashboard.recording import format as fmt

from .wire import grpc, grpc_error, time_series

LAG = "dataflow.googleapis.com/job/system_lag"
VCPUS = "dataflow.googleapis.com/job/current_num_vcpus"
SLOTS = "bigquery.googleapis.com/slots/allocated"
UNAVAILABLE = grpc_error("UNAVAILABLE", "The service is currently unavailable.")


def flow(project: str, metric: str, error: dict[str, Any] | None = None) -> Any:
    return time_series(project, metric, "dataflow_job", "metric.label.job_id", [], error=error)


def dataflow(*exchanges: Any) -> DataflowData:
    listing = grpc("dataflow", fmt.DATAFLOW_AGGREGATED_LIST_JOBS, {"projectId": "acme-etl"}, {"jobs": []})
    data = parse_poll("dataflow", [listing, *exchanges])
    assert isinstance(data, DataflowData)
    return data


def test_every_read_unavailable_says_503_and_retrying() -> None:
    data = dataflow(*(flow(p, m, UNAVAILABLE) for p in ("acme-analytics", "acme-etl") for m in (LAG, VCPUS)))
    assert data.metrics_unavailable == "metrics unavailable: 503 from Monitoring (retrying)"
    assert len(data.warnings) == 4  # each failed read keeps its own warning


def test_some_projects_failing_are_named() -> None:
    data = dataflow(
        flow("acme-analytics", LAG),
        flow("acme-analytics", VCPUS),
        flow("acme-etl", LAG, grpc_error("RESOURCE_EXHAUSTED", "Quota exceeded")),
        flow("acme-etl", VCPUS, grpc_error("RESOURCE_EXHAUSTED", "Quota exceeded")),
    )
    assert data.metrics_unavailable == (
        "metrics partly unavailable: 429 (quota) from Monitoring on acme-etl (retrying)"
    )


def test_a_denial_names_the_role_and_is_not_retried() -> None:
    denied = grpc_error("PERMISSION_DENIED", "Permission monitoring.timeSeries.list denied")
    slots = time_series("acme-admin", SLOTS, "bigquery_project", "metric.label.reservation", [], error=denied)
    listing = grpc(
        "reservations", fmt.RES_LIST_RESERVATIONS, {"parent": "projects/acme-admin/locations/US"}, {}
    )
    data = parse_poll("reservations", [listing, slots])
    assert isinstance(data, ReservationsData)
    assert data.metrics_unavailable == (
        "metrics unavailable: 403 (needs roles/monitoring.viewer) from Monitoring"
    )


def test_a_deadline_says_no_answer_in_time() -> None:
    late = grpc_error("DEADLINE_EXCEEDED", "Deadline Exceeded")
    memory = "dataproc.googleapis.com/cluster/yarn/allocated_memory_percentage"
    yarn = time_series(
        "acme-etl", memory, "cloud_dataproc_cluster", "resource.label.cluster_name", [], error=late
    )
    listing = grpc(
        "dataproc", fmt.DATAPROC_LIST_CLUSTERS, {"projectId": "acme-etl", "region": "europe-west4"}, {}
    )
    data = parse_poll("dataproc", [listing, yarn])
    assert isinstance(data, DataprocData)
    assert data.metrics_unavailable == "metrics unavailable: no answer in time from Monitoring (retrying)"


def test_every_read_answering_or_none_made_is_none() -> None:
    assert dataflow(flow("acme-etl", LAG), flow("acme-etl", VCPUS)).metrics_unavailable is None
    assert dataflow().metrics_unavailable is None
