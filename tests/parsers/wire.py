"""Exchanges in the exact wire format, built the way a recording line is read.

Every helper encodes its exchange as a recording line and decodes it with the reader's own decoder
(``EXCHANGE_DECODER``), so a test's payload is exactly what a recording would hand the parsers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

DATA = Path(__file__).parent / "data"
T = "2026-11-26T06:00:00Z"


def load(name: str) -> Any:
    """A JSON payload from ``tests/parsers/data``."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _line(fields: dict[str, Any]) -> Exchange:
    return fmt.EXCHANGE_DECODER.decode(msgspec.json.encode(fields))


def grpc(
    source: str,
    method: str,
    request: dict[str, Any],
    response: Any = None,
    *,
    error: dict[str, Any] | None = None,
    poll: int = 1,
) -> Exchange:
    """A gRPC exchange: ``response`` (proto JSON) or ``error`` (``{"code": "PERMISSION_DENIED", ...}``)."""
    fields: dict[str, Any] = {
        "v": 1,
        "poll": poll,
        "t": T,
        "source": source,
        "api": "grpc",
        "method": method,
        "request": request,
    }
    if error is not None:
        fields["error"] = error
    else:
        fields["response"] = response
    return _line(fields)


def rest(
    method: str,
    path: str,
    *,
    params: dict[str, str] | None = None,
    request: dict[str, Any] | None = None,
    response: Any = None,
    error: dict[str, Any] | None = None,
    http_method: str = "GET",
) -> Exchange:
    """A BigQuery REST exchange of the jobs source."""
    fields: dict[str, Any] = {
        "v": 1,
        "poll": 1,
        "t": T,
        "source": "jobs",
        "api": "rest",
        "method": method,
        "http_method": http_method,
        "path": path,
        "params": params or {},
        "request": request or {},
    }
    if error is not None:
        fields["error"] = error
        fields["status"] = error.get("status")
    else:
        fields["response"] = response
        fields["status"] = 200
    return _line(fields)


def garbage(exchange: Exchange, response: Any) -> Exchange:
    """``exchange`` with a response of any shape, as a live backend might build it (no decoder check)."""
    return msgspec.structs.replace(exchange, response=response)


def jobs_list(
    project: str,
    jobs: list[dict[str, Any]] | None = None,
    *,
    running: bool = True,
    page_token: str | None = None,
    next_page: str | None = None,
    error: dict[str, Any] | None = None,
) -> Exchange:
    """A ``jobs.list`` page."""
    params = {"allUsers": "True", "projection": "full", "prettyPrint": "false"}
    if running:
        params["stateFilter"] = "running"
    if page_token:
        params["pageToken"] = page_token
    response: dict[str, Any] = {"kind": "bigquery#jobList"}
    if jobs:
        response["jobs"] = jobs
    if next_page:
        response["nextPageToken"] = next_page
    return rest(
        fmt.BQ_JOBS_LIST,
        f"/bigquery/v2/projects/{project}/jobs",
        params=params,
        response=None if error else response,
        error=error,
    )


def history_query(
    project: str,
    response: dict[str, Any] | None = None,
    *,
    error: dict[str, Any] | None = None,
    location: str = "US",
    name: str = fmt.JOBS_HISTORY_QUERY,
) -> Exchange:
    """The ``jobs.query`` of INFORMATION_SCHEMA.JOBS (or, with another ``name``, another labelled query)."""
    return rest(
        fmt.BQ_JOBS_QUERY,
        f"/bigquery/v2/projects/{project}/queries",
        http_method="POST",
        request={
            "query": "SELECT … FROM `region-us`.INFORMATION_SCHEMA.JOBS",
            "labels": {fmt.QUERY_LABEL: name},
            "location": location,
            "useLegacySql": False,
            "formatOptions": {"useInt64Timestamp": True},
        },
        response=response,
        error=error,
    )


def query_results(
    project: str, job_id: str, response: dict[str, Any] | None = None, *, error: dict[str, Any] | None = None
) -> Exchange:
    """A ``jobs.getQueryResults`` page."""
    return rest(
        fmt.BQ_GET_QUERY_RESULTS,
        f"/bigquery/v2/projects/{project}/queries/{job_id}",
        params={"pageToken": "tok", "location": "US", "prettyPrint": "false"},
        response=response,
        error=error,
    )


def rest_error(status: int, reason: str, message: str) -> dict[str, Any]:
    """A REST error as recorded: ``"403 accessDenied"``."""
    return {"code": f"{status} {reason}", "message": message, "status": status}


def grpc_error(code: str, message: str = "") -> dict[str, Any]:
    """A gRPC error as recorded."""
    return {"code": code, "message": message}


def time_series(
    project: str,
    metric_type: str,
    resource_type: str,
    group_by: str,
    series: list[dict[str, Any]] | None = None,
    *,
    source: str = "dataflow",
    error: dict[str, Any] | None = None,
    page_token: str | None = None,
) -> Exchange:
    """A ``ListTimeSeries`` page grouped by ``group_by``."""
    request: dict[str, Any] = {
        "name": f"projects/{project}",
        "filter": f'metric.type = "{metric_type}" AND resource.type = "{resource_type}"',
        "interval": {"startTime": "2026-11-26T05:00:00Z", "endTime": T},
        "aggregation": {
            "alignmentPeriod": "60s",
            "perSeriesAligner": "ALIGN_MEAN",
            "crossSeriesReducer": "REDUCE_SUM",
            "groupByFields": [group_by],
        },
    }
    if page_token:
        request["pageToken"] = page_token
    response = {"timeSeries": series} if series else {}
    return grpc(source, fmt.MON_LIST_TIME_SERIES, request, response, error=error)


def points(*values: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Monitoring points ``(end time, TypedValue)`` in the order given (the API's: newest first)."""
    return [{"interval": {"startTime": t, "endTime": t}, "value": v} for t, v in values]
