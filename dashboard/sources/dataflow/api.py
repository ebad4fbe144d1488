"""The dataflow source's live fetch over gRPC: Dataflow jobs of every region, and their metrics
(Monitoring).

:func:`fetch` makes one poll's calls and returns its exchanges, the same a recording holds
(docs/recording.md, "What each source records per poll"); its parser turns them into data. Projects are
read side by side. A failed primary listing marks its part and the other parts are still read; only when
every primary listing failed are the Monitoring reads skipped. A service that answered with a quota
error, 503 or not in time is not asked again in the same poll
(:class:`~dashboard.backends.gcp.grpc_clients.PollLog`'s budget). Only list and search calls are made;
the only module that imports its Google client.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog
from dashboard.backends.gcp.grpc_monitoring import DATAFLOW_METRICS, read_metrics
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

if TYPE_CHECKING:
    from dashboard.backends.gcp.context import FetchContext


def fetch(ctx: FetchContext, t: datetime) -> list[Exchange]:
    """One poll, with the live backend's gRPC clients (its spec's ``fetch``)."""
    return fetch_dataflow(ctx.grpc(), t)


def fetch_dataflow(clients: GrpcClients, t: datetime) -> list[Exchange]:
    """One poll of Dataflow, projects side by side.

    Per project: ``AggregatedListJobs`` with ``filter: ALL`` (every region at once, all pages); then, unless
    every listing failed, one ``ListTimeSeries`` per Dataflow metric.
    """
    log = PollLog(clients, "dataflow", t)
    if not any(log.side_by_side(clients.projects, _list_project_jobs)):
        return log.exchanges
    read_metrics(log, clients.projects, DATAFLOW_METRICS)
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
