"""The Composer source's live fetch over gRPC (the only module that imports its Google client): every
environment of each monitored project in each configured region (``ListEnvironments``, one call per
region, all pages: no ``-`` wildcard location is documented), each environment's workloads
(``ListWorkloads``), then one Monitoring ``ListTimeSeries`` per metric and project, reduced server-side to
one series per environment or DAG (and run state): per minute since the last poll (:data:`METRICS`), and
over the last 24 h as one point (:data:`DAY_METRICS`).

The Composer endpoint is ``[sources.composer] endpoint`` (a fake on loopback gets a plaintext channel),
else Google's. Monitoring is the one every gRPC source shares (``[endpoints] monitoring``). The calls go
through the shared :class:`~dashboard.backends.gcp.grpc_clients.PollLog` (bounded retry, the poll's
budget, a read-only channel that refuses any RPC but List, Get and Search).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, cast

from dashboard.backends.gcp import discovery
from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.gcp.grpc_clients import UNREACHABLE, GrpcClients, PollLog
from dashboard.backends.gcp.grpc_monitoring import MetricSpec, read_metrics
from dashboard.backends.gcp.grpc_source import source_clients, source_target
from dashboard.errors import SourceError
from dashboard.recording.format import Exchange
from dashboard.sources.composer.model import LIST_ENVIRONMENTS, LIST_WORKLOADS
from dashboard.sources.composer.parse import environment_names

_C = "composer.googleapis.com/"
_ENV = "resource.label.environment_name"
_DAG = "resource.label.workflow_name"
_LOCATION = "resource.label.location"

METRICS: Final = (
    # per DAG and run state (success, failed): a DELTA count, per-minute totals (the runs chart, and
    # which came last)
    MetricSpec(
        _C + "workflow/run_count",
        "cloud_composer_workflow",
        "ALIGN_SUM",
        "REDUCE_SUM",
        _DAG,
        also_by=("metric.label.state", _ENV, _LOCATION),
    ),
    # a BOOL gauge (the built-in liveness DAG's verdict): the share of true points per minute
    MetricSpec(
        _C + "environment/healthy",
        "cloud_composer_environment",
        "ALIGN_FRACTION_TRUE",
        "REDUCE_MEAN",
        _ENV,
        also_by=(_LOCATION,),
    ),
    MetricSpec(
        _C + "environment/dag_processing/parse_error_count",
        "cloud_composer_environment",
        "ALIGN_MAX",
        "REDUCE_SUM",
        _ENV,
        also_by=(_LOCATION,),
    ),
    MetricSpec(
        _C + "environment/scheduler_heartbeat_count",
        "cloud_composer_environment",
        "ALIGN_SUM",
        "REDUCE_SUM",
        _ENV,
        also_by=(_LOCATION,),
    ),
)
"""What the source reads from Monitoring each poll, incrementally (label names: docs/composer.md says
where they come from)."""

DAY: Final = timedelta(hours=24)
DAY_METRICS: Final = (
    MetricSpec(
        _C + "workflow/run_count",
        "cloud_composer_workflow",
        "ALIGN_SUM",
        "REDUCE_SUM",
        _DAG,
        also_by=("metric.label.state", _ENV, _LOCATION),
    ),
    MetricSpec(
        _C + "workflow/run_duration",
        "cloud_composer_workflow",
        "ALIGN_MAX",
        "REDUCE_MAX",
        _DAG,
        also_by=(_ENV, _LOCATION),
    ),
)
"""What the source reads over the last 24 h as one alignment period, every poll: each DAG's runs by state
and its longest run (a nightly DAG runs once a day: the store's hour of per-minute points would not hold
it)."""


_STOP = UNREACHABLE | {"PERMISSION_DENIED", "UNAUTHENTICATED", "NOT_FOUND"}


@dataclass
class ComposerClients:
    """The live Composer client beside the shared gRPC ones (Monitoring, the call policy, poll counters)."""

    shared: GrpcClients
    environments: Any
    """``service_v1.EnvironmentsClient``."""


_LOCK = threading.Lock()


def clients_of(ctx: FetchContext) -> ComposerClients:
    """The Composer clients of the live backend, made on first use and kept in ``ctx.state``."""
    with _LOCK:
        found = ctx.state.get("composer")
        if isinstance(found, ComposerClients):
            return found
        shared = cast(GrpcClients, ctx.grpc())
        settings = ctx.config.sources.get("composer")
        endpoint = settings.endpoint if settings is not None else None
        if not endpoint and ctx.anonymous:
            raise SourceError(
                "[auth] anonymous sends no credentials, which Google's Composer endpoint refuses: set "
                "[sources.composer] endpoint or [sources.composer] enabled = false",
                code="CONFIG",
            )
        made = ctx.state["composer"] = make_clients(shared, endpoint or None, lambda: ctx.credentials)
        return made


def make_clients(
    shared: GrpcClients, endpoint: str | None, credentials: Callable[[], Any] | None = None
) -> ComposerClients:
    """An Environments client on ``endpoint`` over a read-only channel; ``credentials()`` gives the
    credentials of a TLS endpoint (called only for one; default Application Default Credentials).

    Raises:
        UsageError: The endpoint cannot be used.
    """
    from google.cloud.orchestration.airflow import service_v1
    from google.cloud.orchestration.airflow.service_v1.services.environments import transports

    target = source_target("composer", endpoint, "composer")
    (client,) = source_clients(
        shared, target, ((service_v1.EnvironmentsClient, transports.EnvironmentsGrpcTransport),), credentials
    )
    return ComposerClients(shared=shared, environments=client)


def fetch_composer(clients: ComposerClients, t: datetime) -> list[Exchange]:
    """One poll of Composer, projects side by side.

    Per project: ``ListEnvironments`` in each region (all pages), then ``ListWorkloads`` of each
    environment listed; then, unless every environment listing failed, one ``ListTimeSeries`` per metric
    of :data:`METRICS`.
    """
    from google.cloud.orchestration.airflow import service_v1

    log = PollLog(clients.shared, "composer", t)
    regions = clients.shared.regions

    def project_listing(fork: PollLog, project: str) -> bool:
        answered = False
        for region in discovery.regions(project, regions):  # with an organisation scope: where found
            request = service_v1.ListEnvironmentsRequest(parent=f"projects/{project}/locations/{region}")
            start = len(fork.exchanges)
            if fork.call(LIST_ENVIRONMENTS, clients.environments.list_environments, request) is None:
                answered = True
            for name in environment_names(fork.exchanges[start:]):
                workloads = service_v1.ListWorkloadsRequest(parent=name)
                fork.call(LIST_WORKLOADS, clients.environments.list_workloads, workloads)
        return answered

    projects = discovery.projects(clients.shared.projects)
    if not any(log.side_by_side(projects, project_listing)):
        return log.exchanges
    read_metrics(log, projects, METRICS)
    log.side_by_side(projects, read_day)
    return log.exchanges


def read_day(log: PollLog, project: str) -> None:
    """``project``'s :data:`DAY_METRICS`, one ``ListTimeSeries`` each over the last 24 h, one point per
    series (a denial or an unreachable Monitoring stops the other)."""
    from google.cloud import monitoring_v3

    from dashboard.recording import format as fmt

    end = log.t.replace(microsecond=0)
    for spec in DAY_METRICS:
        request = monitoring_v3.ListTimeSeriesRequest(
            name=f"projects/{project}",
            filter=spec.filter,
            interval=monitoring_v3.TimeInterval(start_time=end - DAY, end_time=end),
            aggregation=monitoring_v3.Aggregation(
                alignment_period={"seconds": int(DAY.total_seconds())},
                per_series_aligner=spec.aligner,
                cross_series_reducer=spec.reducer,
                group_by_fields=[spec.group_by, *spec.also_by],
            ),
            view=monitoring_v3.ListTimeSeriesRequest.TimeSeriesView.FULL,
        )
        error = log.call(fmt.MON_LIST_TIME_SERIES, log.clients.monitoring.list_time_series, request)
        if error is not None and error.code in _STOP:
            return


def fetch(ctx: FetchContext, t: datetime) -> list[Exchange]:
    """The spec's ``fetch``: :func:`fetch_composer` on the live backend's clients."""
    return fetch_composer(clients_of(ctx), t)
