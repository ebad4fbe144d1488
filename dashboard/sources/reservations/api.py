"""The reservations source's live fetch over gRPC (the only module that imports its Google client):
slot reservations, capacity commitments and assignments (the Reservation API), and slot usage
(Monitoring).

:data:`fetch` is one poll (its spec's ``fetch``); :class:`~dashboard.backends.gcp.grpc_clients.PollLog`
says what every gRPC poll shares (projects side by side, a failed listing marks its part, the poll's
budget, list calls only).
"""

from __future__ import annotations

from datetime import datetime

from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog, with_clients
from dashboard.backends.gcp.grpc_monitoring import SLOT_METRICS, read_metrics
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


fetch = with_clients(fetch_reservations)
