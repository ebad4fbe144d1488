"""Reservation rules: a baseline that sits idle most of the time, and autoscale pinned at its maximum.

Both read the reservation's slot-use series (one point a minute, the slots allocated) over the last minutes
up to its newest point; the series is found as the Slots pane finds it
(:func:`dashboard.views.collect.reservation_series`). Slots are priced at the edition's pay-as-you-go
$/slot-hour (:func:`dashboard.cost.edition_key`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from dashboard.cost import edition_key
from dashboard.insights import Context, Insight, rule
from dashboard.insights.common import clock, last_minutes, per_month, span_minutes
from dashboard.models import Assignment, Reservation, Sample, Snapshot
from dashboard.sources.reservations.cost import AUTOSCALE_STEP, committed_slots
from dashboard.views.collect import reservation_series
from dashboard.views.fmt import count, money

IDLE = "reservations.idle_baseline"
PINNED = "reservations.autoscale_at_max"


def recent_use(reservation: Reservation, snapshot: Snapshot, minutes: float) -> tuple[Sample, ...]:
    """The reservation's slot use within ``minutes`` of its newest point (empty without a series)."""
    return last_minutes(reservation_series(reservation, snapshot.reservations.slot_usage), minutes)


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _place(assignment: Assignment) -> tuple[str, str, str] | None:
    """(admin project, location, reservation) of ``projects/A/locations/L/reservations/R/assignments/N``;
    None for a name of another shape."""
    parts = assignment.name.split("/")
    if len(parts) >= 6 and (parts[0], parts[2], parts[4]) == ("projects", "locations", "reservations"):
        return parts[1], parts[3], parts[5]
    return None


QUERY_ASSIGNMENTS = ("QUERY", "JOB_TYPE_UNSPECIFIED")
"""The assignment job types a query job runs under; load, extract and copy jobs run under ``PIPELINE``."""
PIPELINE_JOBS = ("LOAD", "EXTRACT", "COPY")


def assignment_types(job_type: str) -> tuple[str, ...]:
    """The assignment job types that place a job of ``job_type`` (``QUERY``, ``LOAD``, ...)."""
    return ("PIPELINE",) if job_type in PIPELINE_JOBS else QUERY_ASSIGNMENTS


def assigned_projects(
    reservation: Reservation,
    assignments: Iterable[Assignment],
    job_types: tuple[str, ...] = QUERY_ASSIGNMENTS,
) -> set[str]:
    """The projects whose jobs (of the assignment ``job_types``) in the reservation's location run in it: an
    active assignment to it (of the same admin project and location) of the project itself, or of its
    folder or organization (found by the project's search, :attr:`Assignment.searched_for`) where the
    project has none of its own in that location (an own assignment elsewhere, to ``none`` included, takes
    it away). A resource has one assignment per job type and location."""
    own: dict[str, bool] = {}
    inherited: dict[str, bool] = {}
    for a in assignments:
        if a.state != "ACTIVE" or a.job_type not in job_types:
            continue
        place = _place(a)
        if place is None:
            ours = a.reservation_id in (reservation.reservation_id, reservation.name)
        elif place[1].upper() != reservation.location.upper():
            continue
        else:
            ours = place[0] == reservation.project and place[2] == reservation.reservation_id
        if a.assignee.startswith("projects/"):
            project = a.assignee.removeprefix("projects/")
            own[project] = own.get(project, False) or ours
        elif a.searched_for:
            inherited[a.searched_for] = inherited.get(a.searched_for, False) or ours
    return {project for project, ours in (inherited | own).items() if ours}


def uncovered_baseline(reservation: Reservation, snapshot: Snapshot) -> int:
    """Baseline slots of the reservation's admin project, location and edition beyond what their active
    commitments buy (:func:`~dashboard.sources.reservations.cost.committed_slots`): what lowering a baseline
    there stops paying for; at most the reservation's own baseline."""
    location, key = reservation.location.upper(), edition_key(reservation.edition)
    group = (reservation.project, location, key)
    total = sum(
        r.slot_capacity
        for r in snapshot.reservations.reservations
        if (r.project, r.location.upper(), edition_key(r.edition)) == group
    )
    committed = committed_slots(snapshot.reservations.commitments).get(group, 0)
    return min(reservation.slot_capacity, max(0, total - committed))


@rule(IDLE, minutes=60.0, idle_pct=25.0, share_pct=50.0)
def idle_baseline(ctx: Context) -> Iterator[Insight]:
    """A reservation that used less than ``idle_pct`` % of its baseline in at least ``share_pct`` % of the
    minutes of the last ``minutes``. At stake: the baseline slots left idle on average x $/slot-hour, as far
    as a lower baseline saves them (not the slots a capacity commitment pays for anyway)."""
    minutes = ctx.threshold(IDLE, "minutes")
    idle_pct = ctx.threshold(IDLE, "idle_pct")
    share_pct = ctx.threshold(IDLE, "share_pct")
    for r in ctx.snapshot.reservations.reservations:
        baseline = r.slot_capacity
        points = recent_use(r, ctx.snapshot, minutes)
        if baseline <= 0 or len(points) < 2 or span_minutes(points) < minutes / 2:
            continue
        used = [p.value for p in points]
        idle = sum(v < baseline * idle_pct / 100 for v in used)
        share = idle / len(used) * 100
        if share < share_pct:
            continue
        idle_slots = sum(max(0.0, baseline - v) for v in used) / len(used)
        price = ctx.prices.value(edition_key(r.edition))
        saved = min(idle_slots, uncovered_baseline(r, ctx.snapshot))
        usd = saved * price
        committed = (
            f"; {idle_slots - saved:,.0f} of them on a capacity commitment, paid for its term whatever the "
            "baseline"
            if saved < idle_slots
            else ""
        )
        typical = quantile(used, 0.5)
        suggested = min(baseline, math.ceil(typical / AUTOSCALE_STEP) * AUTOSCALE_STEP)
        autoscale = (
            f"autoscale (up to +{count(r.autoscale_max_slots)})" if r.autoscale_max_slots else "autoscale"
        )
        name = r.reservation_id
        yield Insight(
            rule=IDLE,
            severity="warning",
            title=f"Reservation {name}: baseline of {count(baseline)} slots idle most of the time",
            source="reservations",
            resource=name,
            resource_key=r.reservation_key,
            evidence=(
                f"under {idle_pct:g}% of its {count(baseline)}-slot baseline in {idle} of {len(used)} "
                f"minutes ({share:.0f}%) since {clock(points[0].t)}; {idle_slots:,.0f} baseline slots idle "
                f"on average x {money(price)}/slot-hour ({r.edition}); half the minutes used "
                f"{typical:,.0f} slots or fewer{committed}"
            ),
            usd_per_hour=usd,
            usd_per_month=per_month(usd),
            fix=(
                f"Lower the baseline towards {count(suggested)} slots and let {autoscale} cover the peaks "
                f"(bq update --reservation --project_id={r.project} --location={r.location} "
                f"--slots={suggested} {name}), or assign more projects to it"
            ),
        )


@rule(PINNED, minutes=60.0, at_max_pct=95.0, share_pct=20.0)
def autoscale_at_max(ctx: Context) -> Iterator[Insight]:
    """A reservation with autoscale that used at least ``at_max_pct`` % of its ceiling (baseline + autoscale
    maximum) in at least ``share_pct`` % of the minutes of the last ``minutes``: jobs wait for slots.
    At stake: what the reservation costs per hour at its ceiling."""
    minutes = ctx.threshold(PINNED, "minutes")
    at_max_pct = ctx.threshold(PINNED, "at_max_pct")
    share_pct = ctx.threshold(PINNED, "share_pct")
    snapshot = ctx.snapshot
    for r in snapshot.reservations.reservations:
        ceiling = r.capacity_max
        points = recent_use(r, snapshot, minutes)
        if r.autoscale_max_slots <= 0 or len(points) < 2 or span_minutes(points) < minutes / 2:
            continue
        at_max = [p for p in points if p.value >= ceiling * at_max_pct / 100]
        share = len(at_max) / len(points) * 100
        if share < share_pct:
            continue
        found = snapshot.reservations.assignments
        kinds: tuple[tuple[str, ...], ...] = (QUERY_ASSIGNMENTS, ("PIPELINE",))
        assigned = {kind: assigned_projects(r, found, kind) for kind in kinds}
        here = r.location.upper()
        pending = sum(
            j.status == "pending"
            and (
                j.reservation == r.reservation_key
                or (
                    j.project in assigned[assignment_types(j.job_type)]
                    and (j.location is None or j.location.upper() == here)
                )
            )
            for j in snapshot.jobs
        )
        price = ctx.prices.value(edition_key(r.edition))
        usd = ceiling * price
        yield Insight(
            rule=PINNED,
            severity="warning",
            title=(
                f"Reservation {r.reservation_id}: autoscale at its maximum {share:.0f}% of the time"
                + (f", {pending} job(s) waiting" if pending else "; jobs queue when it is")
            ),
            source="reservations",
            resource=r.reservation_id,
            resource_key=r.reservation_key,
            evidence=(
                f"at {at_max_pct:g}%+ of its ceiling of {count(ceiling)} slots ({count(r.slot_capacity)} "
                f"baseline + {count(r.autoscale_max_slots)} autoscale) in {len(at_max)} of {len(points)} "
                f"minutes ({share:.0f}%) since {clock(points[0].t)}, last at {clock(at_max[-1].t)}; "
                f"{pending} job(s) pending now; at the ceiling it costs {money(usd)}/h ({r.edition})"
            ),
            usd_per_hour=usd,
            usd_per_month=None,
            fix=(
                f"Raise the autoscale maximum if the queueing hurts (bq update --reservation "
                f"--project_id={r.project} --location={r.location} --autoscale_max_slots=N "
                f"{r.reservation_id}), or move batch work (backfills) to quieter hours or another reservation"
            ),
        )
