"""Builders of small recordings in the exact wire format (the reader, fixture backend and replay tests)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from dashboard.recording.format import (
    BQ_JOBS_LIST,
    DATAPROC_LIST_CLUSTERS,
    FORMAT_NAME,
    FORMAT_VERSION,
    Exchange,
    ExchangeError,
    Manifest,
)

T0 = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    """``seconds`` after the test recordings' start."""
    return T0 + timedelta(seconds=seconds)


def manifest(**fields: Any) -> Manifest:
    """A valid manifest, with ``fields`` overriding the defaults."""
    values: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "recorded_at": T0,
        "projects": ["p1"],
        "regions": ["us-central1"],
        "sources": ["jobs", "dataproc"],
    }
    values.update(fields)
    return Manifest(**values)


def jobs_list(poll: int, seconds: float, job_ids: Iterable[str] = (), project: str = "p1") -> Exchange:
    """A ``jobs.list`` page (stateFilter=running) listing ``job_ids`` as running."""
    jobs = [
        {
            "id": f"{project}:US.{job_id}",
            "kind": "bigquery#job",
            "jobReference": {"projectId": project, "jobId": job_id, "location": "US"},
            "state": "RUNNING",
            "status": {"state": "RUNNING"},
            "user_email": "ana@example.com",
            "configuration": {"jobType": "QUERY", "query": {"query": "SELECT 1", "priority": "INTERACTIVE"}},
            "statistics": {
                "creationTime": str(int(at(seconds - 5).timestamp() * 1000)),
                "startTime": str(int(at(seconds - 4).timestamp() * 1000)),
            },
        }
        for job_id in job_ids
    ]
    return Exchange(
        v=1,
        poll=poll,
        t=at(seconds),
        source="jobs",
        api="rest",
        method=BQ_JOBS_LIST,
        http_method="GET",
        path=f"/bigquery/v2/projects/{project}/jobs",
        params={"allUsers": "True", "stateFilter": "running", "projection": "full", "prettyPrint": "false"},
        status=200,
        response={"kind": "bigquery#jobList", "etag": "x", "jobs": jobs},
    )


def list_clusters(poll: int, seconds: float, names: Iterable[str] = ("etl",)) -> Exchange:
    """A ``ListClusters`` page with RUNNING clusters called ``names``."""
    clusters = [
        {
            "projectId": "p1",
            "clusterName": name,
            "clusterUuid": f"uuid-{name}",
            "status": {"state": "RUNNING", "stateStartTime": "2026-11-26T05:00:00Z"},
        }
        for name in names
    ]
    return Exchange(
        v=1,
        poll=poll,
        t=at(seconds),
        source="dataproc",
        api="grpc",
        method=DATAPROC_LIST_CLUSTERS,
        request={"projectId": "p1", "region": "us-central1"},
        response={"clusters": clusters},
    )


def failed(source: str, method: str, poll: int, seconds: float, code: str = "UNAVAILABLE") -> Exchange:
    """An exchange that ended with ``code``."""
    return Exchange(
        v=1,
        poll=poll,
        t=at(seconds),
        source=source,
        api="grpc",
        method=method,
        request={"projectId": "p1", "region": "us-central1"},
        error=ExchangeError(code=code, message="The service is currently unavailable."),
    )
