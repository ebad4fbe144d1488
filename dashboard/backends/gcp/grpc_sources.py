"""Live polls of the reservations, Dataproc and Dataflow sources over gRPC.

Each ``fetch_*`` makes one poll's calls and returns its exchanges, the same a recording holds
(docs/recording.md, "What each source records per poll"); :func:`dashboard.parsers.parse_poll` turns them
into data. Projects are read side by side. A failed primary listing marks its part (a project, a region, an
admin project's location) and the other parts are still read; only when every primary listing failed are
the Monitoring reads skipped (the poll fails, later calls would only cost time). A service that answered
with a quota error, 503 or not in time is not asked again in the same poll (:class:`PollLog`'s budget).
Only list and search calls are made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog
from dashboard.backends.gcp.grpc_monitoring import (
    DATAFLOW_METRICS,
    DATAPROC_METRICS,
    SLOT_METRICS,
    read_metrics,
)
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange


def fetch_reservations(clients: GrpcClients, t: datetime) -> list[Exchange]:
    """One poll of slot reservations.

    Per admin project and BigQuery location: ``ListReservations`` (primary), ``ListCapacityCommitments``,
    then ``SearchAllAssignments`` for each monitored project; then slot usage from Monitoring on each admin
    project.

    Args:
        clients: The live clients and state (:func:`~dashboard.backends.gcp.grpc_clients.make_clients`).
        t: When the poll starts (UTC); it stamps the exchanges and ends the Monitoring window.
    """
    from google.cloud import bigquery_reservation_v1 as res

    log = PollLog(clients, "reservations", t)
    client = clients.reservation
    answered = False
    for admin in clients.admin_projects:
        for location in clients.locations:
            parent = f"projects/{admin}/locations/{location}"
            request = res.ListReservationsRequest(parent=parent)
            if log.call(fmt.RES_LIST_RESERVATIONS, client.list_reservations, request) is None:
                answered = True
            request = res.ListCapacityCommitmentsRequest(parent=parent)
            log.call(fmt.RES_LIST_COMMITMENTS, client.list_capacity_commitments, request)
            _search_assignments(log, parent)
    if answered:
        read_metrics(log, clients.admin_projects, SLOT_METRICS)
    return log.exchanges


def _search_assignments(log: PollLog, parent: str) -> None:
    """``SearchAllAssignments`` for each monitored project under ``parent``; after a failure other than
    NOT_FOUND the other projects are not asked (the first failure says why)."""
    from google.cloud import bigquery_reservation_v1 as res

    client = log.clients.reservation
    for project in log.clients.projects:
        search = res.SearchAllAssignmentsRequest(parent=parent, query=f"assignee=projects/{project}")
        error = log.call(fmt.RES_SEARCH_ALL_ASSIGNMENTS, client.search_all_assignments, search)
        if error is not None and error.code != "NOT_FOUND":
            return


def fetch_dataproc(clients: GrpcClients, t: datetime) -> list[Exchange]:
    """One poll of Dataproc, projects side by side.

    Per project and region, on the region's endpoint: ``ListClusters`` (primary, all pages); then, when
    enabled, ``ListBatches`` and ``ListJobs`` (:func:`_list_jobs`); then, unless every listing failed, per
    project one ``ListTimeSeries`` per YARN metric.
    """
    log = PollLog(clients, "dataproc", t)
    if not any(log.side_by_side(clients.projects, _list_project_clusters)):
        return log.exchanges
    read_metrics(log, clients.projects, DATAPROC_METRICS)
    return log.exchanges


def _list_project_clusters(log: PollLog, project: str) -> bool:
    """One project's clusters in every region, then its Serverless batches and cluster jobs; False when
    every cluster listing failed (nothing more is asked in this project)."""
    from google.cloud import dataproc_v1

    clients = log.clients
    failed = 0
    for region in clients.regions:
        request = dataproc_v1.ListClustersRequest(project_id=project, region=region)
        if log.call(fmt.DATAPROC_LIST_CLUSTERS, clients.dataproc[region].list_clusters, request) is not None:
            failed += 1
    if failed == len(clients.regions):
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

    for region in log.clients.regions:
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
    for region in log.clients.regions:
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
