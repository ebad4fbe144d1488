"""BigQuery: on-demand bytes, editions slots (baseline, autoscale over time, commitments by plan).

On-demand queries cost bytes billed x $/TiB, attributed to the job, its principal, its project and its labels.
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
from typing import Literal, NamedTuple

import msgspec

from dashboard.cost.common import (
    BURN_WINDOW,
    SERVICE_TITLES,
    TIB,
    Inputs,
    ProjectMode,
    ServiceCost,
    hours,
    lowest,
)
from dashboard.models import Assignment, Commitment, Job, Reservation, Sample, Snapshot
from dashboard.pricing import PriceTable

ON_DEMAND = "bigquery.on_demand.per_tib"
AUTOSCALE_STEP = 50
"""Slots the autoscaler adds or removes at a time."""
MIN_SCALE_UP = timedelta(minutes=1)
"""Autoscaled slots are billed per second with a one-minute minimum."""
SAMPLE_STEP = timedelta(minutes=1)
"""How long a slot-usage point lasts when the next one is missing (Monitoring aligns to a minute)."""

PLAN_TERMS: dict[str, str] = {"ANNUAL": "1yr", "THREE_YEAR": "3yr"}
"""Commitment plans with their own price; every other plan (FLEX, MONTHLY, NONE) is priced pay as you go."""


class JobCost(NamedTuple):
    """What one BigQuery job cost: on-demand bytes, or its share of reservation slots."""

    usd: float
    basis: Literal["on_demand", "slot_attribution"]


class Attribution(msgspec.Struct, frozen=True, kw_only=True):
    """Estimated on-demand spend of one project, principal or label within the snapshot's window."""

    dimension: Literal["project", "principal", "label"]
    key: str
    """The project id, the principal's email, or ``key=value`` of a label."""
    usd: float
    jobs: int


def edition_key(edition: str | None, term: str = "payg") -> str:
    """The price key of an edition's slot-hour (``payg``, ``1yr`` or ``3yr``).

    Unknown editions are priced as Enterprise.
    """
    name = (edition or "").upper()
    if name not in ("STANDARD", "ENTERPRISE", "ENTERPRISE_PLUS"):
        name = "ENTERPRISE"
    return f"bigquery.editions.{name.lower()}.{term}"


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
    for project, wanted in (overrides or {}).items():
        normal = wanted.strip().lower().replace("_", "-").replace("ondemand", "on-demand")
        if normal in ("on-demand", "editions"):
            modes[project] = "on-demand" if normal == "on-demand" else "editions"
    return modes


def billed_on_demand(job: Job, overrides: Mapping[str, ProjectMode]) -> bool:
    """True when the job is paid by bytes.

    A mode set in config (``[cost] project_modes``) decides for its project: e.g. ``editions`` for a project
    whose reservation lives in an admin project gcpdash cannot see. Otherwise the job's own statistics
    decide: a job that ran in a reservation says so (``reservation_id``), one that did not was billed by
    bytes, whatever the project's assignments say now.
    """
    mode = overrides.get(job.project)
    if mode is not None:
        return mode == "on-demand"
    return job.reservation is None


def countable_jobs(jobs: Iterable[Job]) -> list[Job]:
    """Jobs whose statistics add up without double counting: a script parent whose children are present
    is left out (its statistics are the sum of theirs)."""
    jobs = list(jobs)
    parents = {j.parent_job_id for j in jobs if j.parent_job_id}
    return [j for j in jobs if not (j.is_script and j.job_id in parents)]


def job_cost(job: Job, prices: PriceTable, editions: Mapping[str, str] | None = None) -> JobCost | None:
    """A job's estimated cost, or None while it is unknown (a running job has no bytes billed yet).

    On-demand jobs cost bytes billed x $/TiB. A job in a reservation is paid for by the reservation's
    capacity; its *attribution* is slot-hours x the edition's $/slot-hour (``editions`` maps reservation
    keys to editions, for jobs that do not say theirs).
    """
    if job.reservation is None:
        if job.bytes_billed is None:
            return None
        return JobCost(job.bytes_billed / TIB * prices.value(ON_DEMAND), "on_demand")
    if job.slot_ms is None:
        return None
    edition = job.edition or (editions or {}).get(job.reservation)
    return JobCost(job.slot_ms / 3.6e6 * prices.value(edition_key(edition)), "slot_attribution")


def on_demand_jobs(inputs: Inputs) -> list[tuple[Job, float]]:
    """Every job billed by bytes with its bytes-billed cost (read it as ``inputs.on_demand_jobs``: cached)."""
    per_tib = inputs.prices.value(ON_DEMAND)
    out = []
    for job in countable_jobs(inputs.snapshot.jobs):
        if job.bytes_billed is None or not billed_on_demand(job, inputs.overrides):
            continue
        out.append((job, job.bytes_billed / TIB * per_tib))
    return out


def _billed_at(job: Job) -> datetime | None:
    return job.ended or job.created


def on_demand_spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """On-demand $ of the jobs that ended within ``[start, end]`` (bytes are billed when a job ends)."""
    total = 0.0
    for job, usd in inputs.on_demand_jobs:
        at = _billed_at(job)
        if at is not None and start <= at <= end:
            total += usd
    return total


def on_demand_by(inputs: Inputs, start: datetime, end: datetime, *, top: int = 10) -> tuple[Attribution, ...]:
    """On-demand spend within ``[start, end]`` per project, per principal and per label (``key=value``),
    the ``top`` largest of each, largest first."""
    groups: dict[tuple[str, str], list[float]] = {}
    for job, usd in inputs.on_demand_jobs:
        at = _billed_at(job)
        if at is None or not start <= at <= end:
            continue
        keys = [("project", job.project), ("principal", job.principal or "(unknown)")]
        keys += [("label", f"{k}={v}") for k, v in sorted(job.labels.items())]
        for key in keys:
            entry = groups.setdefault(key, [0.0, 0])
            entry[0] += usd
            entry[1] += 1
    out: list[Attribution] = []
    for dimension in ("project", "principal", "label"):
        rows = sorted(
            ((k, v) for (d, k), v in groups.items() if d == dimension), key=lambda kv: (-kv[1][0], kv[0])
        )
        out += [Attribution(dimension=dimension, key=k, usd=v[0], jobs=int(v[1])) for k, v in rows[:top]]
    return tuple(out)


def on_demand_cost(inputs: Inputs, start: datetime, today: datetime) -> ServiceCost:
    """On-demand: spend in the window and today; $/h from the jobs that ended in the trailing hour."""
    at = inputs.snapshot.at
    recent = on_demand_spend(inputs, max(at - BURN_WINDOW, start), at)
    covered = min(BURN_WINDOW.total_seconds() / 3600, hours(start, at))
    return ServiceCost(
        service="bigquery_on_demand",
        title=SERVICE_TITLES["bigquery_on_demand"],
        burn_rate_usd_per_hour=recent / covered if covered >= 1 / 60 else 0.0,
        window_spend_usd=on_demand_spend(inputs, start, at),
        today_usd=on_demand_spend(inputs, max(start, today), at),
        items=len(inputs.on_demand_jobs),
        basis="bytes billed x $/TiB for jobs of on-demand projects; rate from jobs ended in the last hour",
        price_keys=(ON_DEMAND,),
        confidence=inputs.prices.prices[ON_DEMAND].confidence,
    )


# ---------------------------------------------------------------- editions


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


def committed_slots(commitments: Iterable[Commitment]) -> dict[str, int]:
    """Active committed slots per edition key (``bigquery.editions.enterprise.payg``)."""
    out: dict[str, int] = {}
    for c in commitments:
        if c.state == "ACTIVE":
            key = edition_key(c.edition)
            out[key] = out.get(key, 0) + c.slot_count
    return out


def baseline_usd_per_hour(snapshot: Snapshot, prices: PriceTable) -> float:
    """Baseline slots at pay-as-you-go prices, less the slots commitments cover, plus the commitments at
    their plans' prices."""
    baseline: dict[str, int] = {}
    for r in snapshot.reservations.reservations:
        key = edition_key(r.edition)
        baseline[key] = baseline.get(key, 0) + r.slot_capacity
    covered = committed_slots(snapshot.reservations.commitments)
    usd = sum(max(0, slots - covered.get(key, 0)) * prices.value(key) for key, slots in baseline.items())
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
        title=SERVICE_TITLES["bigquery_editions"],
        burn_rate_usd_per_hour=baseline_usd_per_hour(snapshot, prices) + autoscale,
        window_spend_usd=editions_spend(inputs, start, at),
        today_usd=editions_spend(inputs, max(start, today), at),
        items=len(reservations),
        basis="baseline x edition $/slot-hour (committed slots at their plan's price) + autoscaled slots "
        "per second, 1-minute minimum, from slot use over time",
        price_keys=tuple(sorted(keys)),
        confidence=lowest(prices, keys),
    )
