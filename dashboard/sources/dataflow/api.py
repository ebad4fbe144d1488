"""The dataflow source's live fetch over gRPC (the only module that imports its Google client): Dataflow
jobs of every region, and their metrics (Monitoring).

:data:`fetch` is one poll (its spec's ``fetch``); :class:`~dashboard.backends.gcp.grpc_clients.PollLog`
says what every gRPC poll shares (projects side by side, a failed listing marks its part, the poll's
budget, list calls only).
"""

from __future__ import annotations

from datetime import datetime

from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog, with_clients
from dashboard.backends.gcp.grpc_monitoring import DATAFLOW_METRICS, read_metrics
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange


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


fetch = with_clients(fetch_dataflow)
