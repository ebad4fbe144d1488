"""BigQuery editions: reservation slots (baseline, autoscale over time, commitments by plan).

Editions cost the reservations' slots: the baseline every second, the autoscaled slots every second they are
added (with a one-minute minimum per scale-up), at the edition's pay-as-you-go $/slot-hour, except the
baseline slots covered by a capacity commitment, which cost the commitment's plan price instead.

Autoscale over time is read from the reservation's slot-usage series where there is one: the autoscaler adds
slots in steps of 50 (GCP_REFERENCE.md section 3), so the slots it added in a minute are the slots used above
the baseline rounded up to 50, at most ``autoscale_max_slots``. Where the series has no points (before its
first one, or without a series), the slots autoscale holds now are assumed to have held.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from dashboard.cost.common import (
    Estimator,
    Inputs,
    ProjectMode,
    ServiceCost,
    edition_key,
    hours,
    lowest,
    normal_modes,
    service_title,
)
from dashboard.models import Assignment, Commitment, Reservation, Sample, Snapshot
from dashboard.pricing import PriceTable

AUTOSCALE_STEP = 50
"""Slots the autoscaler adds or removes at a time."""
MIN_SCALE_UP = timedelta(minutes=1)
"""Autoscaled slots are billed per second with a one-minute minimum."""
SAMPLE_STEP = timedelta(minutes=1)
"""How long a slot-usage point lasts when the next one is missing (Monitoring aligns to a minute)."""

PLAN_TERMS: dict[str, str] = {"ANNUAL": "1yr", "THREE_YEAR": "3yr"}
"""Commitment plans with their own price; every other plan (FLEX, MONTHLY, NONE) is priced pay as you go."""


def commitment_key(commitment: Commitment, prices: PriceTable) -> str:
    """The price key of a commitment's slot-hour, by plan (a plan without its own price: pay as you go)."""
    key = edition_key(commitment.edition, PLAN_TERMS.get(commitment.plan.upper(), "payg"))
    return key if key in prices.prices else edition_key(commitment.edition)


NO_RESERVATION = "none"
"""The special reservation an assignment names to opt its assignee out to on-demand."""


def project_modes(
    assignments: Iterable[Assignment], overrides: Mapping[str, str] | None = None
) -> dict[str, ProjectMode]:
    """Each project's BigQuery billing mode from its active QUERY assignments: ``editions`` when one gives
    it a reservation, ``on-demand`` when it names the special reservation ``none``; overridden per project
    by ``[cost] project_modes`` (``on-demand`` or ``editions``).

    An assignment to ``projects/P`` is P's, wherever it was found (the admin project's search names the job
    project as assignee). A folder's or organization's applies to the project whose search returned it
    (:attr:`Assignment.searched_for`: the project has none of its own) and gives way to the project's own;
    one found otherwise says nothing about which projects are under it. Assigned in one location and opted
    out in another, a project counts as ``editions``.
    """
    found: dict[str, tuple[bool, ProjectMode]] = {}
    for a in assignments:
        if a.state != "ACTIVE" or a.job_type not in ("QUERY", "JOB_TYPE_UNSPECIFIED"):
            continue
        own = a.assignee.startswith("projects/")
        project = a.assignee.split("/", 1)[1] if own else a.searched_for
        if not project:
            continue
        mode: ProjectMode = "on-demand" if a.reservation_id == NO_RESERVATION else "editions"
        known = found.get(project)
        if known is None or (own, mode == "editions") > (known[0], known[1] == "editions"):
            found[project] = (own, mode)
    modes: dict[str, ProjectMode] = {project: mode for project, (_, mode) in found.items()}
    modes.update(normal_modes(overrides or {}))
    return modes


def autoscaled_slots(used: float, baseline: int, autoscale_max: int) -> int:
    """Slots the autoscaler holds while ``used`` slots run: the excess over the baseline, rounded up to the
    autoscale step, at most ``autoscale_max``."""
    excess = used - baseline
    if excess <= 0 or autoscale_max <= 0:
        return 0
    return min(autoscale_max, math.ceil(excess / AUTOSCALE_STEP - 1e-9) * AUTOSCALE_STEP)


def autoscale_slot_hours(
    samples: Sequence[tuple[datetime, int]], start: datetime, end: datetime, *, step: timedelta = SAMPLE_STEP
) -> float:
    """Slot-hours of autoscale within ``[start, end]``, billed per second with a one-minute minimum.

    Args:
        samples: ``(t, slots)`` oldest first: from ``t`` the autoscaler holds ``slots`` until the next sample
            (or for ``step`` after the last one).
        start: Start of the interval.
        end: End of the interval.
        step: How long the last sample lasts.

    A scale-up (slots rising above what was held) is billed for at least a minute: when the slots drop back
    below the new level before a minute has passed, the added slots are billed for the rest of the minute.
    """
    total = 0.0
    ends = [samples[i + 1][0] for i in range(len(samples) - 1)]
    if samples:
        ends.append(samples[-1][0] + step)
    for i, (t, slots) in enumerate(samples):
        if slots <= 0:
            continue
        held = (min(ends[i], end) - max(t, start)).total_seconds()
        if held > 0:
            total += held * slots
        added = slots - (samples[i - 1][1] if i > 0 else 0)
        if added <= 0 or not start <= t < end:
            continue
        j = i + 1
        while j < len(samples) and samples[j][1] >= slots:
            j += 1
        lasted = ends[j - 1] - t
        if lasted < MIN_SCALE_UP:
            total += added * (MIN_SCALE_UP - lasted).total_seconds()
    return total / 3600


def _usage(snapshot: Snapshot) -> dict[str, tuple[Sample, ...]]:
    return {s.key: s.points for s in snapshot.reservations.slot_usage}


def reservation_autoscale(
    reservation: Reservation, usage: tuple[Sample, ...] | None
) -> list[tuple[datetime, int]]:
    """The autoscale step function of a reservation from its slot-usage points (empty without points)."""
    if not usage:
        return []
    base, top = reservation.slot_capacity, reservation.autoscale_max_slots
    return [(p.t, autoscaled_slots(p.value, base, top)) for p in usage]


def committed_slots(commitments: Iterable[Commitment]) -> dict[tuple[str, str, str], int]:
    """Active committed slots per admin project, location and edition key (``("acme-admin", "US",
    "bigquery.editions.enterprise.payg")``): a commitment buys slots for its own admin project's
    reservations in its own location only."""
    out: dict[tuple[str, str, str], int] = {}
    for c in commitments:
        if c.state == "ACTIVE":
            key = (c.project, c.location.upper(), edition_key(c.edition))
            out[key] = out.get(key, 0) + c.slot_count
    return out


def baseline_usd_per_hour(snapshot: Snapshot, prices: PriceTable) -> float:
    """Baseline slots at pay-as-you-go prices, less the slots that commitments of the same admin project and
    location cover, plus the commitments at their plans' prices."""
    baseline: dict[tuple[str, str, str], int] = {}
    for r in snapshot.reservations.reservations:
        key = (r.project, r.location.upper(), edition_key(r.edition))
        baseline[key] = baseline.get(key, 0) + r.slot_capacity
    covered = committed_slots(snapshot.reservations.commitments)
    usd = sum(max(0, slots - covered.get(key, 0)) * prices.value(key[2]) for key, slots in baseline.items())
    for c in snapshot.reservations.commitments:
        if c.state == "ACTIVE":
            usd += c.slot_count * prices.value(commitment_key(c, prices))
    return usd


def reservation_usd_per_hour(reservation: Reservation, prices: PriceTable) -> float:
    """(baseline + autoscale current) slots x the edition's pay-as-you-go $/slot-hour (before commitments)."""
    return reservation.capacity_now * prices.value(edition_key(reservation.edition))


def editions_spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """Editions $ within ``[start, end]``: baseline and commitments over its length, autoscale integrated."""
    snapshot, prices = inputs.snapshot, inputs.prices
    total = baseline_usd_per_hour(snapshot, prices) * hours(start, end)
    usage = _usage(snapshot)
    for r in snapshot.reservations.reservations:
        price = prices.value(edition_key(r.edition))
        steps = reservation_autoscale(r, usage.get(r.reservation_id))
        uncovered = hours(start, end)
        if steps:
            total += autoscale_slot_hours(steps, start, end) * price
            covered_from, covered_to = max(steps[0][0], start), min(steps[-1][0] + SAMPLE_STEP, end)
            uncovered -= hours(covered_from, covered_to)
        total += r.autoscale_current_slots * uncovered * price
    return total


def editions_cost(inputs: Inputs, start: datetime, today: datetime) -> ServiceCost:
    """Editions: $/h from the baseline, commitments and the slots autoscale holds now."""
    snapshot, prices = inputs.snapshot, inputs.prices
    reservations = snapshot.reservations.reservations
    keys = {edition_key(r.edition) for r in reservations}
    keys |= {commitment_key(c, prices) for c in snapshot.reservations.commitments if c.state == "ACTIVE"}
    autoscale = sum(r.autoscale_current_slots * prices.value(edition_key(r.edition)) for r in reservations)
    at = snapshot.at
    return ServiceCost(
        service="bigquery_editions",
        title=service_title("bigquery_editions"),
        burn_rate_usd_per_hour=baseline_usd_per_hour(snapshot, prices) + autoscale,
        window_spend_usd=editions_spend(inputs, start, at),
        today_usd=editions_spend(inputs, max(start, today), at),
        items=len(reservations),
        basis="baseline x edition $/slot-hour (committed slots at their plan's price) + autoscaled slots "
        "per second, 1-minute minimum, from slot use over time",
        price_keys=tuple(sorted(keys)),
        confidence=lowest(prices, keys),
    )


KNOWN_EDITIONS = ("STANDARD", "ENTERPRISE", "ENTERPRISE_PLUS")


BI_ENGINE_KEY = "bigquery.bi_engine.gib_hour"
"""The price of a GiB-hour of BI Engine reservation."""
GIB = 2**30


def bi_usd_per_hour(size_bytes: int, prices: PriceTable) -> float:
    """A BI reservation of ``size_bytes`` per hour: its size in GiB x $/GiB-hour."""
    return size_bytes / GIB * prices.value(BI_ENGINE_KEY)


def bi_engine_spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """BI Engine $ within ``[start, end]``: the reservations' sizes now, held over the interval."""
    sizes = sum(r.size_bytes for r in inputs.snapshot.reservations.bi_reservations)
    return bi_usd_per_hour(sizes, inputs.prices) * hours(start, end)


def bi_engine_cost(inputs: Inputs, start: datetime, today: datetime) -> ServiceCost:
    """BI Engine: each reservation's size x $/GiB-hour, used or not."""
    reserved = [r for r in inputs.snapshot.reservations.bi_reservations if r.size_bytes > 0]
    at = inputs.snapshot.at
    return ServiceCost(
        service="bi_engine",
        title=service_title("bi_engine"),
        burn_rate_usd_per_hour=bi_usd_per_hour(sum(r.size_bytes for r in reserved), inputs.prices),
        window_spend_usd=bi_engine_spend(inputs, start, at),
        today_usd=bi_engine_spend(inputs, max(start, today), at),
        items=len(reserved),
        basis="BI reservation size (GiB) x $/GiB-hour, used or not, assuming today's sizes held all along",
        price_keys=(BI_ENGINE_KEY,),
        confidence=lowest(inputs.prices, (BI_ENGINE_KEY,)),
    )


def _cost(inputs: Inputs, start: datetime, today: datetime) -> tuple[list[ServiceCost], list[str]]:
    return [editions_cost(inputs, start, today), bi_engine_cost(inputs, start, today)], []


def _late_notes(snapshot: Snapshot) -> list[str]:
    if any(r.edition not in KNOWN_EDITIONS for r in snapshot.reservations.reservations):
        return ["reservations without a known edition are priced as Enterprise"]
    return []


def _modes(snapshot: Snapshot, overrides: Mapping[str, str]) -> dict[str, ProjectMode]:
    return project_modes(snapshot.reservations.assignments, overrides)


ESTIMATOR = Estimator(
    cost=_cost,
    spend={"bigquery_editions": editions_spend, "bi_engine": bi_engine_spend},
    modes=_modes,
    late_notes=_late_notes,
)
"""The reservations source's part of the estimate: editions slots, BI Engine, and each project's billing
mode."""
