"""Reasons for failed exchanges, and the IAM table they are drawn from."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard import iam
from dashboard.errors import SourceError
from dashboard.models import SOURCES
from dashboard.parsers import parse_poll
from dashboard.parsers.faults import MESSAGE_CHARS, error_reason
from dashboard.recording import format as fmt

from .wire import grpc, grpc_error, jobs_list, rest_error


def clusters(error: dict[str, Any]) -> Any:
    return grpc(
        "dataproc", fmt.DATAPROC_LIST_CLUSTERS, {"projectId": "p1", "region": "us-central1"}, error=error
    )


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            grpc_error("PERMISSION_DENIED", "no"),
            "PERMISSION_DENIED: needs roles/dataproc.viewer on project p1 (ListClusters)",
        ),
        (
            grpc_error("RESOURCE_EXHAUSTED", "Quota exceeded"),
            "RESOURCE_EXHAUSTED: quota or rate limit reached, polling backs off "
            "(ListClusters, project p1, us-central1)",
        ),
        (
            grpc_error("UNAUTHENTICATED", "Request had invalid authentication credentials."),
            "UNAUTHENTICATED: credentials refused; run gcloud auth application-default login "
            "(ListClusters, project p1, us-central1)",
        ),
        (
            grpc_error("NOT_FOUND", "Project p1 not found"),
            "NOT_FOUND: Project p1 not found; check the project and region "
            "(ListClusters, project p1, us-central1)",
        ),
        (
            grpc_error(
                "PERMISSION_DENIED",
                "Cloud Dataproc API has not been used in project 412884720915 before or it is disabled. "
                "Enable it by visiting https://console.developers.google.com/apis/api/dataproc.googleapis.com"
                "/overview?project=412884720915 then retry.",
            ),
            "PERMISSION_DENIED: API not enabled in project p1; "
            "gcloud services enable dataproc.googleapis.com (ListClusters)",
        ),
        (
            grpc_error("PERMISSION_DENIED", "SERVICE_DISABLED"),
            "PERMISSION_DENIED: API not enabled in project p1 (ListClusters)",
        ),
        (grpc_error("DEADLINE_EXCEEDED"), "DEADLINE_EXCEEDED (ListClusters, project p1, us-central1)"),
        (
            grpc_error("INTERNAL", "first line\nsecond line"),
            "INTERNAL: first line (ListClusters, project p1, us-central1)",
        ),
    ],
)
def test_reasons_say_what_to_do(error: dict[str, Any], reason: str) -> None:
    assert error_reason("dataproc", clusters(error)) == reason
    with pytest.raises(SourceError) as raised:
        parse_poll("dataproc", [clusters(error)])
    assert raised.value.reason == reason
    assert raised.value.code == error["code"]


def test_long_messages_are_cut() -> None:
    reason = error_reason("dataproc", clusters(grpc_error("INTERNAL", "x" * 1000)))
    assert "x" * (MESSAGE_CHARS - 1) + "…" in reason
    assert len(reason) < MESSAGE_CHARS + 60


def test_cloud_text_in_a_reason_stays_as_it_was_sent() -> None:
    message = "[bold red]boom[/] \x1b[31m"
    reason = error_reason("dataproc", clusters(grpc_error("INTERNAL", message)))
    assert message in reason  # the views render it literally; the parser does not rewrite it


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        (rest_error(401, "unauthorized", "Login Required."), "credentials refused"),
        (rest_error(404, "notFound", "Not found: Project nope"), "check the project and region"),
        (rest_error(429, "rateLimitExceeded", "Too many"), "polling backs off"),
        (rest_error(403, "quotaExceeded", "Quota exceeded"), "polling backs off"),
        (
            rest_error(403, "accessDenied", "Access Denied"),
            "needs roles/bigquery.resourceViewer on project p1",
        ),
        ({"code": "403", "message": "Forbidden", "status": 403}, "needs roles/bigquery.resourceViewer"),
    ],
)
def test_rest_errors(error: dict[str, Any], fragment: str) -> None:
    with pytest.raises(SourceError) as raised:
        parse_poll("jobs", [jobs_list("p1", error=error)])
    assert fragment in raised.value.reason


def test_every_source_has_a_required_role_for_its_listing() -> None:
    listings = {
        "jobs": fmt.BQ_JOBS_LIST,
        "reservations": fmt.RES_LIST_RESERVATIONS,
        "dataproc": fmt.DATAPROC_LIST_CLUSTERS,
        "dataflow": fmt.DATAFLOW_AGGREGATED_LIST_JOBS,
        "billing": fmt.BQ_JOBS_QUERY,
    }
    for source in SOURCES:
        grants = iam.roles_for(source)
        assert grants[0].required
        assert all(g.role.startswith("roles/") and g.purpose and g.scope for g in grants)
        grant = iam.grant_for(source, listings[source])
        assert grant is not None
        assert grant.required


def test_monitoring_is_optional_everywhere_it_is_used() -> None:
    for source in ("reservations", "dataproc", "dataflow"):
        grant = iam.grant_for(source, fmt.MON_LIST_TIME_SERIES)
        assert grant is not None
        assert grant.role == iam.MONITORING_VIEWER
        assert not grant.required


def test_the_history_query_role_depends_on_the_permission_named() -> None:
    create = iam.grant_for("jobs", fmt.BQ_JOBS_QUERY, "User does not have bigquery.jobs.create permission")
    list_all = iam.grant_for("jobs", fmt.BQ_JOBS_QUERY, "User does not have permission to query table")
    assert create is not None
    assert create.role == iam.BQ_JOB_USER
    assert list_all is not None
    assert list_all.role == iam.BQ_RESOURCE_VIEWER
    assert iam.grant_for("jobs", fmt.DATAPROC_LIST_CLUSTERS) is None


def test_the_grants_cannot_be_changed() -> None:
    from dashboard import registry

    spec = registry.spec("jobs")
    assert spec is not None
    assert isinstance(spec.grants, tuple)
    with pytest.raises(AttributeError):
        spec.grants = ()  # type: ignore[misc]


def test_exchanges_without_request_or_params_do_not_break_the_parsers() -> None:
    import msgspec

    from .wire import time_series

    listing = msgspec.structs.replace(
        grpc("dataproc", fmt.DATAPROC_LIST_CLUSTERS, {}, {"clusters": [{"clusterName": "c"}]}),
        request=None,
    )
    failed_metric = msgspec.structs.replace(
        time_series(
            "p1",
            "dataproc.googleapis.com/cluster/yarn/apps",
            "cloud_dataproc_cluster",
            "x",
            source="dataproc",
            error=grpc_error("UNAVAILABLE", "down"),
        ),
        request=None,
    )
    data = parse_poll("dataproc", [listing, failed_metric])
    (cluster,) = data.clusters  # type: ignore[union-attr]
    assert (cluster.name, cluster.project, cluster.region) == ("c", "", "")
    assert data.warnings == ("a Monitoring metric not shown: UNAVAILABLE: down (ListTimeSeries)",)
    jobs = msgspec.structs.replace(jobs_list("p1", []), params=None, request=None)
    assert parse_poll("jobs", [jobs]).running_keys is None  # type: ignore[union-attr]
