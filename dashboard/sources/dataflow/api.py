"""The dataflow source's live fetch over gRPC (the only module that imports its Google client): Dataflow
jobs of every region, and their metrics (Monitoring); then, over BigQuery's REST API, ``tables.get`` of the
tables the running jobs write (:mod:`~dashboard.backends.gcp.bq_tables`).

:data:`fetch` is one poll (its spec's ``fetch``); :class:`~dashboard.backends.gcp.grpc_clients.PollLog`
says what every gRPC poll shares (projects side by side, a failed listing marks its part, the poll's
budget, list calls only).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, cast

from dashboard.backends.gcp import discovery
from dashboard.backends.gcp.bq_tables import read_tables
from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog
from dashboard.backends.gcp.grpc_monitoring import DATAFLOW_METRICS, read_metrics
from dashboard.parsers.poll import MALFORMED
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.dataflow.parse import dataflow_jobs_from_list

if TYPE_CHECKING:
    from dashboard.backends.gcp.context import FetchContext


def fetch_dataflow(clients: GrpcClients, t: datetime) -> list[Exchange]:
    """One poll of Dataflow, projects side by side.

    Per project: ``AggregatedListJobs`` with ``filter: ALL`` (every region at once, all pages); then, unless
    every listing failed, one ``ListTimeSeries`` per Dataflow metric.
    """
    log = PollLog(clients, "dataflow", t)
    projects = discovery.projects(clients.projects)  # with an organisation scope: where discovery found some
    if not any(log.side_by_side(projects, _list_project_jobs)):
        return log.exchanges
    read_metrics(log, projects, DATAFLOW_METRICS)
    return log.exchanges


def _list_project_jobs(log: PollLog, project: str) -> bool:
    """One project's Dataflow jobs in every region; False when the listing failed."""
    from google.cloud import dataflow_v1beta3

    request = dataflow_v1beta3.ListJobsRequest(
        project_id=project, filter=dataflow_v1beta3.ListJobsRequest.Filter.ALL
    )
    return (
        log.call(fmt.DATAFLOW_AGGREGATED_LIST_JOBS, log.clients.dataflow.aggregated_list_jobs, request)
        is None
    )


def written_tables(exchanges: Sequence[Exchange]) -> list[str]:
    """The BigQuery tables (``project.dataset.table``) the non-terminal jobs of a poll's listings write, in
    the order listed; a page that cannot be read names none."""
    tables: list[str] = []
    for ex in exchanges:
        if ex.method not in (fmt.DATAFLOW_AGGREGATED_LIST_JOBS, fmt.DATAFLOW_LIST_JOBS):
            continue
        if ex.error is not None or not isinstance(ex.response, dict):
            continue
        project = ex.request.get("projectId") if isinstance(ex.request, dict) else None
        try:
            jobs = dataflow_jobs_from_list(ex.response, project if isinstance(project, str) else None)
        except MALFORMED:
            continue
        tables.extend(table for job in jobs if not job.is_terminal for table in job.bigquery_tables)
    return tables


def fetch(ctx: FetchContext, t: datetime) -> list[Exchange]:
    """The spec's ``fetch``: :func:`fetch_dataflow` on the live backend's gRPC clients, then ``tables.get``
    of the tables its running jobs write (distinct, at most
    :data:`~dashboard.backends.gcp.bq_tables.MAX_TABLES`), in the same poll."""
    clients = cast(GrpcClients, ctx.grpc())
    exchanges = fetch_dataflow(clients, t)
    poll = clients.polls.get("dataflow", 0)
    return exchanges + read_tables(ctx, written_tables(exchanges), source="dataflow", poll=poll, t=t)
