"""The dataproc source's live fetch over gRPC (the only module that imports its Google client): Dataproc
clusters, the jobs on them and Serverless batches, and the clusters' YARN metrics (Monitoring).

:data:`fetch` is one poll (its spec's ``fetch``); :class:`~dashboard.backends.gcp.grpc_clients.PollLog`
says what every gRPC poll shares (projects side by side, a failed listing marks its part, the poll's
budget, list calls only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dashboard.backends.gcp import discovery
from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog, with_clients
from dashboard.backends.gcp.grpc_monitoring import DATAPROC_METRICS, read_metrics
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange


def fetch_dataproc(clients: GrpcClients, t: datetime) -> list[Exchange]:
    """One poll of Dataproc, projects side by side.

    Per project and region, on the region's endpoint: ``ListClusters`` (primary, all pages); then, when
    enabled, ``ListBatches`` and ``ListJobs`` (:func:`_list_jobs`); then, unless every listing failed, per
    project one ``ListTimeSeries`` per YARN metric.
    """
    log = PollLog(clients, "dataproc", t)
    projects = discovery.projects(clients.projects)  # with an organisation scope: where discovery found some
    if not any(log.side_by_side(projects, _list_project_clusters)):
        return log.exchanges
    read_metrics(log, projects, DATAPROC_METRICS)
    return log.exchanges


def _list_project_clusters(log: PollLog, project: str) -> bool:
    """One project's clusters in every region, then its Serverless batches and cluster jobs; False when
    every cluster listing failed (nothing more is asked in this project)."""
    from google.cloud import dataproc_v1

    clients = log.clients
    failed = 0
    regions = discovery.regions(project, clients.regions)
    for region in regions:
        request = dataproc_v1.ListClustersRequest(project_id=project, region=region)
        if log.call(fmt.DATAPROC_LIST_CLUSTERS, clients.dataproc[region].list_clusters, request) is not None:
            failed += 1
    if failed == len(regions):
        return False
    if clients.batches is not None:
        _list_batches(log, project, clients.batches)
    if clients.jobs is not None:
        _list_jobs(log, project, clients.jobs)
    return True


def _list_batches(log: PollLog, project: str, batch_clients: dict[str, Any]) -> None:
    """``ListBatches`` in each region; after a failure other than a missing project or region (denied,
    unimplemented, unreachable) the project's other regions are not asked: the first failure says why."""
    from google.cloud import dataproc_v1

    for region in discovery.regions(project, log.clients.regions):
        request = dataproc_v1.ListBatchesRequest(parent=f"projects/{project}/locations/{region}")
        error = log.call(fmt.DATAPROC_LIST_BATCHES, batch_clients[region].list_batches, request)
        if error is not None and error.code not in ("NOT_FOUND", "INVALID_ARGUMENT"):
            return


JOB_PAGE_SIZE = 100
"""Jobs a ``ListJobs`` page asks for."""
ENDED_JOB_PAGES = 2
"""Pages of ended jobs read per project and region, the rest left unread: a bound on a poll's cost, not a
time window (the parser keeps the jobs that ended in the last 24 hours)."""
ACTIVE_JOB_PAGES = 10
"""Pages of jobs not yet over read per project and region (1,000 jobs)."""


def _list_jobs(log: PollLog, project: str, job_clients: dict[str, Any]) -> None:
    """``ListJobs`` in each region: the jobs not over (``jobStateMatcher: ACTIVE``), then the first pages of
    those that ended (``NON_ACTIVE``). After a failure other than a missing project or region the
    project's other calls are not made: the first failure says why."""
    from google.cloud import dataproc_v1

    matcher = dataproc_v1.ListJobsRequest.JobStateMatcher
    for region in discovery.regions(project, log.clients.regions):
        for state, pages in ((matcher.ACTIVE, ACTIVE_JOB_PAGES), (matcher.NON_ACTIVE, ENDED_JOB_PAGES)):
            request = dataproc_v1.ListJobsRequest(
                project_id=project, region=region, job_state_matcher=state, page_size=JOB_PAGE_SIZE
            )
            call = job_clients[region].list_jobs
            error = log.call(fmt.DATAPROC_LIST_JOBS, call, request, max_pages=pages)
            if error is not None and error.code not in ("NOT_FOUND", "INVALID_ARGUMENT"):
                return
            if error is not None:
                break


fetch = with_clients(fetch_dataproc)
