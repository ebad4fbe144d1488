"""The Composer parser: Google's shapes with fields left out, values gcpdash does not know, and failed or
garbage pages (a failed region's listing marks it incomplete; the poll fails only when none answered)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.errors import SourceError
from dashboard.parsers.poll import PollContext
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.sources.composer.model import LIST_ENVIRONMENTS, LIST_WORKLOADS
from dashboard.sources.composer.parse import environment_from_json, parse_composer

T = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
ENV = "projects/acme-etl/locations/europe-west1/environments/etl-prod"


def ex(
    method: str, request: dict[str, Any], response: Any = None, error: ExchangeError | None = None
) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=T,
        source="composer",
        api="grpc",
        method=method,
        request=request,
        response=response,
        error=error,
    )


def listing(project: str, region: str, response: Any = None, error: ExchangeError | None = None) -> Exchange:
    return ex(LIST_ENVIRONMENTS, {"parent": f"projects/{project}/locations/{region}"}, response, error)


def test_a_bare_environment_is_its_name_and_nothing_invented() -> None:
    env = environment_from_json({"name": ENV})
    assert (env.project, env.location, env.env_id, env.key) == (
        "acme-etl",
        "europe-west1",
        "etl-prod",
        "acme-etl/europe-west1/etl-prod",
    )
    assert (env.state, env.image_version, env.size, env.airflow_uri) == ("STATE_UNSPECIFIED", "", None, None)
    assert (env.composer_version, env.airflow_version, env.workloads_read) == (None, None, False)


def test_a_composer_1_environment_keeps_its_node_count_and_an_unknown_state() -> None:
    env = environment_from_json(
        {
            "name": ENV,
            "state": "STOPPED",  # not one of the five documented
            "config": {
                "nodeCount": 3,
                "softwareConfig": {"imageVersion": "composer-1.20.12-airflow-1.10.15"},
            },
        }
    )
    assert (env.state, env.node_count, env.composer_version, env.airflow_version) == (
        "STOPPED",
        3,
        "1.20.12",
        "1.10.15",
    )


def test_a_failed_region_marks_it_incomplete_and_the_rest_shows() -> None:
    denied = ExchangeError(code="PERMISSION_DENIED", message="denied")
    data = parse_composer(
        [
            listing("acme-analytics", "us-central1", error=denied),
            listing("acme-etl", "europe-west1", {"environments": [{"name": ENV, "state": "RUNNING"}]}),
            ex(LIST_WORKLOADS, {"parent": ENV}, error=ExchangeError(code="UNAVAILABLE", message="down")),
        ],
        PollContext("composer"),
    )
    assert data.incomplete == ("acme-analytics/us-central1",)
    assert [e.env_id for e in data.environments] == ["etl-prod"]
    assert data.environments[0].workloads_read is False  # its workloads unknown, not none
    assert any("workloads of etl-prod" in w for w in data.warnings)


def test_a_garbage_page_and_no_answer_at_all_fails_the_poll() -> None:
    with pytest.raises(SourceError):
        parse_composer(
            [
                listing("acme-etl", "europe-west1", ["not", "an", "object"]),
                listing("acme-etl", "us-central1", {"environments": [{"name": "not/a/name"}]}),
            ],
            PollContext("composer"),
        )


def test_an_empty_region_answers_and_a_failed_monitoring_read_is_a_warning() -> None:
    data = parse_composer(
        [
            listing("acme-etl", "us-central1", {}),
            ex(
                fmt.MON_LIST_TIME_SERIES,
                {
                    "name": "projects/acme-etl",
                    "filter": 'metric.type = "composer.googleapis.com/environment/healthy"',
                },
                error=ExchangeError(code="PERMISSION_DENIED", message="monitoring.timeSeries.list denied"),
            ),
        ],
        PollContext("composer"),
    )
    assert (data.environments, data.incomplete) == ((), ())
    assert data.metrics_unavailable is not None
    assert data.warnings


def test_series_are_keyed_by_project_region_environment_and_dag_and_runs_by_state() -> None:
    def ts(metric: str, labels: dict[str, str], state: str | None = None) -> dict[str, Any]:
        return {
            "metric": {
                "type": f"composer.googleapis.com/{metric}",
                "labels": {"state": state} if state else {},
            },
            "resource": {"type": "cloud_composer_workflow", "labels": labels},
            "points": [{"interval": {"endTime": "2026-12-07T10:00:00Z"}, "value": {"int64Value": "3"}}],
        }

    where = {"environment_name": "etl-prod", "location": "europe-west1", "workflow_name": "d"}
    data = parse_composer(
        [
            listing("acme-etl", "europe-west1", {}),
            ex(
                fmt.MON_LIST_TIME_SERIES,
                {"name": "projects/acme-etl", "filter": "f"},
                {"timeSeries": [ts("workflow/run_count", where, "failed"), ts("workflow/run_count", where)]},
            ),
        ],
        PollContext("composer"),
    )
    keys = sorted((s.metric, s.key, s.last) for s in data.series)
    assert keys == [
        ("workflow/run_count:failed", "acme-etl/europe-west1/etl-prod/d", 3.0),
        ("workflow/run_count:unknown", "acme-etl/europe-west1/etl-prod/d", 3.0),
    ]
