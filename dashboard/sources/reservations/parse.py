"""BigQuery Reservation API (proto JSON) → :class:`Reservation`, :class:`Commitment`, :class:`Assignment`,
and one poll of the reservations source → :class:`ReservationsData`.

Per location of the admin project the poll lists reservations (primary, per admin project and location: a
failed listing marks that part incomplete, the poll fails only when none answered) and capacity
commitments; per monitored project it searches assignments; then it reads slot usage from Monitoring.
Commitments, assignments and slot usage are secondary: when one fails, the rest still shows, with a
warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dashboard.models import Assignment, BiReservation, Commitment, Reservation, ReservationsData
from dashboard.parsers.common import (
    items,
    name_segments,
    obj,
    opt_bool,
    opt_int64,
    opt_rfc3339,
    str_map,
)
from dashboard.parsers.monitoring import SeriesCollector
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.reservations.bi import BiUsage, bi_reservation_from_json, is_bi_metric

_EMPTY: dict[str, Any] = {}


def reservation_from_json(resource: Any) -> Reservation:
    """A ``Reservation`` message (``projects/P/locations/L/reservations/R``).

    Raises:
        Garbage: No name, or a name of another shape.
    """
    r = obj(resource, "a reservation")
    name = r["name"]
    project, location, reservation_id = name_segments(name, "projects", "locations", "reservations")
    autoscale = r.get("autoscale") or _EMPTY
    baseline = opt_int64(r.get("slotCapacity")) or 0
    return Reservation(
        name=name,
        project=project,
        location=location,
        reservation_id=reservation_id,
        slot_capacity=baseline,
        autoscale_max_slots=_autoscale_max(r, autoscale, baseline),
        autoscale_current_slots=opt_int64(autoscale.get("currentSlots")) or 0,
        edition=r.get("edition") or "EDITION_UNSPECIFIED",
        ignore_idle_slots=opt_bool(r.get("ignoreIdleSlots")) or False,
        concurrency=opt_int64(r.get("concurrency")) or 0,
        labels=str_map(r.get("labels")),
    )


_SCALING_ADDS = ("AUTOSCALE_ONLY", "ALL_SLOTS")
"""The ``scalingMode`` values under which autoscale adds slots up to ``maxSlots`` (``IDLE_SLOTS_ONLY``:
none)."""


def _autoscale_max(r: dict[str, Any], autoscale: dict[str, Any], baseline: int) -> int:
    """The most slots autoscale can add: ``autoscale.maxSlots``, or for a reservation capped by ``maxSlots``
    with a ``scalingMode`` (whose output's ``autoscale.maxSlots`` reads 0) the cap less the baseline."""
    top = opt_int64(autoscale.get("maxSlots")) or 0
    if top or r.get("scalingMode") not in _SCALING_ADDS:
        return top
    return max(0, (opt_int64(r.get("maxSlots")) or 0) - baseline)


def commitment_from_json(resource: Any) -> Commitment:
    """A ``CapacityCommitment`` message (``projects/P/locations/L/capacityCommitments/ID``)."""
    c = obj(resource, "a capacity commitment")
    name = c["name"]
    project, location, commitment_id = name_segments(name, "projects", "locations", "capacityCommitments")
    return Commitment(
        name=name,
        project=project,
        location=location,
        commitment_id=commitment_id,
        slot_count=opt_int64(c.get("slotCount")) or 0,
        plan=c.get("plan") or "COMMITMENT_PLAN_UNSPECIFIED",
        renewal_plan=c.get("renewalPlan"),
        state=c.get("state") or "STATE_UNSPECIFIED",
        edition=c.get("edition") or "EDITION_UNSPECIFIED",
        start=opt_rfc3339(c.get("commitmentStartTime")),
        end=opt_rfc3339(c.get("commitmentEndTime")),
    )


def assignment_from_json(resource: Any, searched_for: str | None = None) -> Assignment:
    """An ``Assignment`` message; its reservation is the ``reservations/R`` segment of its name (``none``:
    the assignee opted out to on-demand). ``searched_for``: the project whose search returned it."""
    a = obj(resource, "an assignment")
    name = a["name"]
    (reservation_id,) = name_segments(name, "reservations")
    return Assignment(
        name=name,
        reservation_id=reservation_id,
        assignee=a.get("assignee") or "",
        job_type=a.get("jobType") or "JOB_TYPE_UNSPECIFIED",
        state=a.get("state") or "STATE_UNSPECIFIED",
        searched_for=searched_for,
    )


def reservations_from_list(response: dict[str, Any]) -> list[Reservation]:
    """Every reservation of one ``ListReservations`` page."""
    return [reservation_from_json(r) for r in items(response, "reservations")]


def commitments_from_list(response: dict[str, Any]) -> list[Commitment]:
    """Every commitment of one ``ListCapacityCommitments`` page."""
    return [commitment_from_json(c) for c in items(response, "capacityCommitments")]


def assignments_from_search(response: dict[str, Any], searched_for: str | None = None) -> list[Assignment]:
    """Every assignment of one ``SearchAllAssignments`` (or ``ListAssignments``) page; ``searched_for``: the
    project the search asked about."""
    return [assignment_from_json(a, searched_for) for a in items(response, "assignments")]


def searched_project(exchange: Exchange) -> str | None:
    """The project a ``SearchAllAssignments`` asked about (``query: "assignee=projects/P"``), if any."""
    query = request_of(exchange).get("query")
    if not isinstance(query, str):
        return None
    for term in query.split():
        key, _, value = term.partition("=")
        if key.strip().lower() == "assignee" and value.startswith("projects/"):
            return value.removeprefix("projects/").strip('"') or None
    return None


def parse_reservations(exchanges: Sequence[Exchange], ctx: PollContext) -> ReservationsData:
    """Build the reservations source's data from every exchange of one poll.

    Raises:
        SourceError: No ``ListReservations`` answered (a page failed or is garbage in every location).
    """
    reservations: list[Reservation] = []
    commitments: list[Commitment] = []
    assignments: list[Assignment] = []
    collector = SeriesCollector(ctx.times)
    bi: list[BiReservation] = []
    bi_usage = BiUsage(ctx.times)
    bi_read = False
    for ex in exchanges:
        method = ex.method
        if method == fmt.RES_LIST_RESERVATIONS:
            reservations.extend(ctx.listing(ex, _part(ex), reservations_from_list) or ())
        elif method == fmt.RES_LIST_COMMITMENTS:
            commitments.extend(ctx.secondary(ex, "commitments not shown", commitments_from_list) or ())
        elif method == fmt.RES_SEARCH_ALL_ASSIGNMENTS or method.endswith(
            ("ReservationService/SearchAssignments", "ReservationService/ListAssignments")
        ):
            found = ctx.secondary(ex, "assignments not shown", assignments_from_search, searched_project(ex))
            assignments.extend(found or ())
        elif method == fmt.MON_LIST_TIME_SERIES:
            (bi_usage if is_bi_metric(ex) else collector).read(ctx, ex)
        elif method == fmt.RES_GET_BI_RESERVATION:
            bi_read = True
            asked = request_of(ex).get("name")
            read = bi_reservation_from_json
            reservation = ctx.secondary(ex, "BI Engine reservations not shown", read, asked)
            if reservation is not None:
                bi.append(reservation)
    ctx.check()
    return ReservationsData(
        reservations=tuple(reservations),
        commitments=tuple(commitments),
        assignments=tuple(assignments),
        slot_usage=collector.series(),
        incomplete=ctx.incomplete,
        warnings=ctx.warnings,
        metrics_unavailable=collector.unavailable() or bi_usage.unavailable(),
        bi_reservations=tuple(bi),
        bi_usage=bi_usage.series(),
        bi_read=bi_read,
    )


def _part(exchange: Exchange) -> str:
    """``acme-admin/US`` of a ``ListReservations`` of ``projects/acme-admin/locations/US``."""
    parent = request_of(exchange).get("parent")
    parts = parent.split("/") if isinstance(parent, str) else []
    if len(parts) >= 4 and parts[0] == "projects" and parts[2] == "locations":
        return f"{parts[1]}/{parts[3]}"
    return str(parent or "?")
