"""The reservations source's live fetch over gRPC (the only module that imports its Google client):
slot reservations, capacity commitments and assignments (the Reservation API), and slot usage
(Monitoring); every :data:`BI_EVERY` polls, BI Engine reservations and their use.

:data:`fetch` is one poll (its spec's ``fetch``); :class:`~dashboard.backends.gcp.grpc_clients.PollLog`
says what every gRPC poll shares (projects side by side, a failed listing marks its part, the poll's
budget, list calls only).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog, to_json, with_clients
from dashboard.backends.gcp.grpc_errors import error_of
from dashboard.backends.gcp.grpc_monitoring import BI_ENGINE_METRICS, SLOT_METRICS, read_metrics
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange, ExchangeError

BI_EVERY = 5
"""BI reservations (and their use) are read on the first poll that gets that far and every this many polls
after: they change rarely, and the Monitoring window brings the minutes in between."""
BI_POLL = "reservations:bi"
"""Where :attr:`GrpcClients.polls` keeps the number of the poll that last read BI reservations."""


def fetch_reservations(clients: GrpcClients, t: datetime) -> list[Exchange]:
    """One poll of slot reservations.

    Per admin project and BigQuery location: ``ListReservations`` (primary), ``ListCapacityCommitments``,
    then ``SearchAllAssignments`` for each monitored project; then slot usage from Monitoring on each admin
    project. Every :data:`BI_EVERY` polls, ``GetBiReservation`` per monitored project and location (the
    BigQuery locations, then the regions), and BI Engine's bytes used on the projects that have one.

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
    if not answered:  # the poll fails: nothing else it would read is shown
        return log.exchanges
    read_metrics(log, clients.admin_projects, SLOT_METRICS)
    last = clients.polls.get(BI_POLL)
    if last is None or log.number - last >= BI_EVERY:
        clients.polls[BI_POLL] = log.number
        reserved = _bi_reservations(log)
        if reserved:
            read_metrics(log, reserved, BI_ENGINE_METRICS)
    return log.exchanges


def bi_locations(clients: GrpcClients) -> tuple[str, ...]:
    """Where BI reservations are asked for: the BigQuery locations, then the regions, each once."""
    return tuple(dict.fromkeys((*clients.locations, *clients.regions)))


def _bi_reservations(log: PollLog) -> tuple[str, ...]:
    """``GetBiReservation`` per monitored project and location; the projects that have one (size > 0).

    A project's other locations are not asked after a denial or an unreachable service (the first failure
    already says why)."""
    from google.cloud import bigquery_reservation_v1 as res

    client = log.clients.reservation
    reserved: list[str] = []
    for project in log.clients.projects:
        for location in bi_locations(log.clients):
            name = f"projects/{project}/locations/{location}/biReservation"
            request = res.GetBiReservationRequest(name=name)
            answer, error = get_call(log, fmt.RES_GET_BI_RESERVATION, client.get_bi_reservation, request)
            if error is not None and error.code != "NOT_FOUND":
                break
            if answer is not None and int(answer.get("size") or 0) > 0 and project not in reserved:
                reserved.append(project)
    return tuple(reserved)


def get_call(
    log: PollLog, method: str, invoke: Any, request: Any
) -> tuple[dict[str, Any] | None, ExchangeError | None]:
    """A get RPC (one message, no pages) as one exchange: ``(response JSON, None)`` or ``(None, error)``;
    the poll's budget applies as to a listing."""
    sent = to_json(request)
    service, name = method.rsplit("/", 1)[0].rsplit(".", 1)[0], method.rsplit("/", 1)[-1]
    skipped = log.budget.skip(service, name)
    if skipped is not None:
        log.add(method, sent, error=skipped)
        return None, skipped
    policy = log.clients.policy
    try:
        answer = to_json(invoke(request=request, retry=policy.retry(), timeout=policy.timeout))
    except Exception as exc:  # every failure, garbage included, becomes this call's error exchange
        error = error_of(exc)
        log.add(method, sent, error=error)
        log.budget.spend(service, name, error)
        return None, error
    log.add(method, sent, response=answer)
    return answer, None


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
