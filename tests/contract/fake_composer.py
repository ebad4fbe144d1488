"""A fake of Composer's Environments gRPC service beside the fake Monitoring, for the Composer source's
contract tests: :class:`FakeComposerServer` is :class:`~tests.contract.fake_grpc.FakeGrpcServer` with
``ListEnvironments`` and ``ListWorkloads`` registered too, and :func:`world` the payloads of a two-project
Composer estate in Google's documented shapes (proto JSON of
``google.cloud.orchestration.airflow.service.v1`` and ``ListTimeSeriesResponse``), as exchanges a poll
would record.

The estate (regions us-central1 and europe-west1 in both projects):

- ``acme-analytics``, us-central1: ``analytics-dev`` in ``ERROR`` (Composer 2.8.6, Airflow 2.7.3, small),
  its scheduler workload in ``ERROR``, unhealthy all window, 2 DAG files that fail to parse;
  europe-west1: none (an empty answer);
- ``acme-etl``, europe-west1, on two pages: ``etl-prod`` (``RUNNING``, composer-2.9.7-airflow-2.9.3,
  medium, healthy; over the last 24 h DAG ``nightly_sales_load`` failed once, 1,260 s, and
  ``hourly_sessions`` succeeded 24 times, at minutes 0 and 10 of the per-minute window), then
  ``etl-staging`` (``UPDATING``, a Composer 3 image, no size sent); us-central1: none.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dashboard.backends.gcp.grpc_monitoring import MetricSpec
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.composer.api import DAY_METRICS, METRICS
from dashboard.sources.composer.model import LIST_ENVIRONMENTS, LIST_WORKLOADS

from .fake_grpc import DEMO_PROJECTS, FakeGrpcServer, rpc_classes

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
"""The first minute of every series; points every minute to T0 + 15 min."""
ANALYTICS, ETL = DEMO_PROJECTS
DEV = f"projects/{ANALYTICS}/locations/us-central1/environments/analytics-dev"
PROD = f"projects/{ETL}/locations/europe-west1/environments/etl-prod"
STAGING = f"projects/{ETL}/locations/europe-west1/environments/etl-staging"


def composer_classes() -> dict[str, tuple[Any, Any]]:
    """The fake_grpc RPCs plus Composer's two listings."""
    from google.cloud.orchestration.airflow import service_v1

    return {
        **rpc_classes(),
        LIST_ENVIRONMENTS: (service_v1.ListEnvironmentsRequest, service_v1.ListEnvironmentsResponse),
        LIST_WORKLOADS: (service_v1.ListWorkloadsRequest, service_v1.ListWorkloadsResponse),
    }


class FakeComposerServer(FakeGrpcServer):
    """:class:`FakeGrpcServer` that also serves ``ListEnvironments`` and ``ListWorkloads``."""

    def _register(self) -> None:
        self._classes = composer_classes()
        super()._register()


def _ex(method: str, request: dict[str, Any], response: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1, poll=1, t=T0, source="composer", api="grpc", method=method, request=request, response=response
    )


def _at(minute: int) -> str:
    return (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")


def series(
    metric: str, resource: dict[str, str], values: list[float], kind: str = "INT64", **labels: str
) -> dict[str, Any]:
    """One reduced series as Monitoring returns it: points newest first, int64 values as strings."""
    field = {"INT64": "int64Value", "DOUBLE": "doubleValue"}[kind]
    points = [
        {
            "interval": {"startTime": _at(i), "endTime": _at(i)},
            "value": {field: str(int(v)) if kind == "INT64" else v},
        }
        for i, v in enumerate(values)
    ]
    workflow = metric.startswith("workflow/")
    return {
        "metric": {"type": f"composer.googleapis.com/{metric}", "labels": labels},
        "resource": {
            "type": "cloud_composer_workflow" if workflow else "cloud_composer_environment",
            "labels": resource,
        },
        "metricKind": "DELTA" if metric.endswith("count") and "parse" not in metric else "GAUGE",
        "valueType": kind,
        "points": list(reversed(points)),
    }


def _env(name: str, location: str) -> dict[str, str]:
    return {"environment_name": name, "location": location}


def _dag(env: str, location: str, dag: str) -> dict[str, str]:
    return {**_env(env, location), "workflow_name": dag}


EW1, UC1 = "europe-west1", "us-central1"
_C = "composer.googleapis.com/"
SERIES: dict[tuple[str, str], list[dict[str, Any]]] = {
    (ETL, "workflow/run_count"): [
        # hourly_sessions: a run at minutes 0 and 10
        series(
            "workflow/run_count",
            _dag("etl-prod", EW1, "hourly_sessions"),
            [1.0] + [0.0] * 9 + [1.0] + [0.0] * 5,
            state="success",
        )
    ],
    (ETL, "environment/healthy"): [
        series("environment/healthy", _env("etl-prod", EW1), [1.0] * 16, "DOUBLE"),
    ],
    (ETL, "environment/scheduler_heartbeat_count"): [
        series("environment/scheduler_heartbeat_count", _env("etl-prod", EW1), [12.0] * 16),
    ],
    (ANALYTICS, "environment/healthy"): [
        series("environment/healthy", _env("analytics-dev", UC1), [0.0] * 16, "DOUBLE"),
    ],
    (ANALYTICS, "environment/dag_processing/parse_error_count"): [
        series("environment/dag_processing/parse_error_count", _env("analytics-dev", UC1), [2.0] * 16),
    ],
}
"""Per project and metric, the series Monitoring answers in the window (every other read answers none)."""


def _day(
    metric: str, labels: dict[str, str], value: float, kind: str = "INT64", **extra: str
) -> dict[str, Any]:
    """A series of a 24 h read: one point over the whole day before the poll."""
    typed = {"int64Value": str(int(value))} if kind == "INT64" else {"doubleValue": value}
    return {
        **series(metric, labels, [], kind, **extra),
        "points": [{"interval": {"startTime": _at(-1424), "endTime": _at(16)}, "value": typed}],
    }


DAY_SERIES = {
    # the 24 h before the poll, one alignment period: nightly_sales_load's run, failed; hourly_sessions' 24
    (ETL, "workflow/run_count"): [
        _day("workflow/run_count", _dag("etl-prod", EW1, "nightly_sales_load"), 1, state="failed"),
        _day("workflow/run_count", _dag("etl-prod", EW1, "hourly_sessions"), 24, state="success"),
    ],
    (ETL, "workflow/run_duration"): [
        _day("workflow/run_duration", _dag("etl-prod", EW1, "nightly_sales_load"), 1260.0, "DOUBLE"),
        _day("workflow/run_duration", _dag("etl-prod", EW1, "hourly_sessions"), 300.0, "DOUBLE"),
    ],
}


def monitoring_request(spec: MetricSpec, project: str, seconds: int = 60) -> dict[str, Any]:
    """The ``ListTimeSeries`` request of ``spec`` as the client sends it (less its interval)."""
    return {
        "name": f"projects/{project}",
        "filter": spec.filter,
        "aggregation": {
            "alignmentPeriod": f"{seconds}s",
            "perSeriesAligner": spec.aligner,
            "crossSeriesReducer": spec.reducer,
            "groupByFields": [spec.group_by, *spec.also_by],
        },
    }


def _workload(env: str, name: str, kind: str, state: str, message: str = "") -> dict[str, Any]:
    status: dict[str, Any] = {"state": state}
    if message:
        status["statusMessage"] = message
    return {"name": name, "type": kind, "status": status}


DEV_ENV = {
    "name": DEV,
    "config": {
        "gkeCluster": f"projects/{ANALYTICS}/locations/us-central1/clusters/analytics-dev-1a2b-gke",
        "dagGcsPrefix": "gs://us-central1-analytics-dev-1a2b-bucket/dags",
        "softwareConfig": {"imageVersion": "composer-2.8.6-airflow-2.7.3", "pythonVersion": "3"},
        "nodeConfig": {"serviceAccount": f"composer@{ANALYTICS}.iam.gserviceaccount.com"},
        "workloadsConfig": {
            "scheduler": {"cpu": 0.5, "memoryGb": 2, "storageGb": 1, "count": 1},
            "worker": {"cpu": 0.5, "memoryGb": 2, "storageGb": 1, "minCount": 1, "maxCount": 3},
        },
        "environmentSize": "ENVIRONMENT_SIZE_SMALL",
        "airflowUri": "https://1a2b3c-dot-us-central1.composer.googleusercontent.com",
    },
    "uuid": "5f2c1c57-0f4e-4d0e-9b43-0c1f2e3d4a5b",
    "state": "ERROR",
    "createTime": "2026-09-01T08:00:00Z",
    "updateTime": "2026-12-06T22:15:00Z",
    "labels": {"team": "analytics", "env": "dev"},
}
PROD_ENV = {
    "name": PROD,
    "config": {
        "softwareConfig": {"imageVersion": "composer-2.9.7-airflow-2.9.3"},
        "workloadsConfig": {
            "scheduler": {"cpu": 2, "memoryGb": 7.5, "storageGb": 5, "count": 2},
            "triggerer": {"count": 1, "cpu": 0.5, "memoryGb": 0.5},
            "worker": {"cpu": 2, "memoryGb": 7.5, "storageGb": 5, "minCount": 2, "maxCount": 6},
        },
        "environmentSize": "ENVIRONMENT_SIZE_MEDIUM",
        "airflowUri": "https://9f8e7d-dot-europe-west1.composer.googleusercontent.com",
    },
    "uuid": "0d6a2f3e-7c4b-4e1a-8f9d-2b3c4d5e6f70",
    "state": "RUNNING",
    "createTime": "2026-03-15T09:30:00Z",
    "updateTime": "2026-11-20T06:00:00Z",
    "labels": {"team": "etl", "env": "prod"},
}
STAGING_ENV = {
    "name": STAGING,
    "config": {
        "softwareConfig": {"imageVersion": "composer-3-airflow-2.9.3-build.7"},
    },
    "state": "UPDATING",
}

WORKLOADS = {
    DEV: [
        _workload(
            DEV,
            "airflow-scheduler-7d9c6b5f4-x2x7q",
            "SCHEDULER",
            "ERROR",
            "CrashLoopBackOff: back-off restarting failed container",
        ),
        _workload(DEV, "airflow-worker-5x7kq", "CELERY_WORKER", "OK"),
        _workload(DEV, "airflow-webserver-6c8f9d7b6-q4l2m", "WEB_SERVER", "OK"),
        _workload(DEV, "airflow-redis-0", "REDIS", "OK"),
    ],
    PROD: [
        _workload(PROD, "airflow-scheduler-5b8d7c9f6-a1b2c", "SCHEDULER", "OK"),
        _workload(PROD, "airflow-scheduler-5b8d7c9f6-d3e4f", "SCHEDULER", "OK"),
        _workload(PROD, "airflow-dag-processor-0", "DAG_PROCESSOR", "OK"),
        _workload(PROD, "airflow-triggerer-0", "TRIGGERER", "OK"),
        _workload(PROD, "airflow-webserver-7f6d5c4b3-h5j6k", "WEB_SERVER", "OK"),
        _workload(PROD, "airflow-worker-8m2np", "CELERY_WORKER", "OK"),
        _workload(PROD, "airflow-worker-9q3rs", "CELERY_WORKER", "OK"),
    ],
    STAGING: [_workload(STAGING, "airflow-worker-t4u5v", "CELERY_WORKER", "PENDING", "Pending: scaling")],
}


def _parent(project: str, region: str) -> dict[str, str]:
    return {"parent": f"projects/{project}/locations/{region}"}


def world() -> list[Exchange]:
    """Every exchange of one poll of the estate, as the fake serves it."""
    out = [
        _ex(LIST_ENVIRONMENTS, _parent(ANALYTICS, UC1), {"environments": [DEV_ENV]}),
        _ex(LIST_WORKLOADS, {"parent": DEV}, {"workloads": WORKLOADS[DEV]}),
        _ex(LIST_ENVIRONMENTS, _parent(ANALYTICS, EW1), {}),
        _ex(LIST_ENVIRONMENTS, _parent(ETL, UC1), {}),
        _ex(LIST_ENVIRONMENTS, _parent(ETL, EW1), {"environments": [PROD_ENV], "nextPageToken": "page-2"}),
        _ex(LIST_ENVIRONMENTS, _parent(ETL, EW1), {"environments": [STAGING_ENV]}),
        _ex(LIST_WORKLOADS, {"parent": PROD}, {"workloads": WORKLOADS[PROD]}),
        _ex(LIST_WORKLOADS, {"parent": STAGING}, {"workloads": WORKLOADS[STAGING]}),
    ]
    for project in DEMO_PROJECTS:
        for spec in METRICS:
            found = SERIES.get((project, spec.metric.removeprefix(_C)))
            answer = {"timeSeries": found} if found else {}
            out.append(_ex(fmt.MON_LIST_TIME_SERIES, monitoring_request(spec, project), answer))
    for project in DEMO_PROJECTS:
        for spec in DAY_METRICS:
            found = DAY_SERIES.get((project, spec.metric.removeprefix(_C)))
            answer = {"timeSeries": found} if found else {}
            out.append(_ex(fmt.MON_LIST_TIME_SERIES, monitoring_request(spec, project, 86400), answer))
    return out
