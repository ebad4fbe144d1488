"""BigQuery on-demand: bytes billed x $/TiB, attributed to the job, its principal, its project and its labels.

A project's mode (on-demand or editions) comes from the reservations' assignments, which the reservations
source's estimator declares (:attr:`dashboard.cost.common.Estimator.modes`); the estimate reads it from
:class:`~dashboard.cost.common.Inputs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal, NamedTuple

from dashboard.cost.common import (
    BURN_WINDOW,
    TIB,
    Attribution,
    Estimator,
    Inputs,
    ProjectMode,
    ServiceCost,
    edition_key,
    hours,
    service_title,
)
from dashboard.models import Job
from dashboard.pricing import PriceTable

ON_DEMAND = "bigquery.on_demand.per_tib"


class JobCost(NamedTuple):
    """What one BigQuery job cost: on-demand bytes, or its share of reservation slots."""

    usd: float
    basis: Literal["on_demand", "slot_attribution"]


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
    """Every job billed by bytes with its bytes-billed cost (computed once per estimate)."""
    return inputs.memo("on_demand_jobs", _on_demand_jobs)


def _on_demand_jobs(inputs: Inputs) -> list[tuple[Job, float]]:
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
    for job, usd in on_demand_jobs(inputs):
        at = _billed_at(job)
        if at is not None and start <= at <= end:
            total += usd
    return total


def on_demand_by(inputs: Inputs, start: datetime, end: datetime, *, top: int = 10) -> tuple[Attribution, ...]:
    """On-demand spend within ``[start, end]`` per project, per principal and per label (``key=value``),
    the ``top`` largest of each, largest first."""
    groups: dict[tuple[str, str], list[float]] = {}
    for job, usd in on_demand_jobs(inputs):
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
        title=service_title("bigquery_on_demand"),
        burn_rate_usd_per_hour=recent / covered if covered >= 1 / 60 else 0.0,
        window_spend_usd=on_demand_spend(inputs, start, at),
        today_usd=on_demand_spend(inputs, max(start, today), at),
        items=len(on_demand_jobs(inputs)),
        basis="bytes billed x $/TiB for jobs of on-demand projects; rate from jobs ended in the last hour",
        price_keys=(ON_DEMAND,),
        confidence=inputs.prices.prices[ON_DEMAND].confidence,
    )


def _cost(inputs: Inputs, start: datetime, today: datetime) -> tuple[ServiceCost, list[str]]:
    return on_demand_cost(inputs, start, today), []


def _extra(inputs: Inputs, start: datetime, end: datetime) -> dict[str, Any]:
    return {"on_demand_by": on_demand_by(inputs, start, end)}


ESTIMATOR = Estimator(cost=_cost, spend={"bigquery_on_demand": on_demand_spend}, extra=_extra)
"""The jobs source's part of the estimate: on-demand bytes."""
