"""Every BigQuery job's cost, computed once per evaluation and shared by the BigQuery rules.

A job's cost is :func:`dashboard.cost.job_cost`'s: bytes billed at the on-demand price (a ``CREATE_MODEL``'s
at the model-creation price), or the slot-hours a
reservation job used at its edition's pay-as-you-go price (an attribution). It is computed here in one pass
with the prices looked up once, not once per job: with 100,000 jobs that is the difference between a few
tens of milliseconds and several hundred (tests/insights/test_bigquery.py checks it agrees with
``job_cost`` job for job). A script parent whose children are listed is not counted twice
(:func:`dashboard.cost.countable_jobs`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from dashboard.cost import TIB, edition_key
from dashboard.insights import Context
from dashboard.models import Job
from dashboard.sources.jobs.cost import ON_DEMAND, countable_jobs, per_tib
from dashboard.views.collect import aggregated_principals, reservation_editions


class Costed(NamedTuple):
    """A job and its estimated cost (None while unknown: a running job has billed nothing yet)."""

    job: Job
    usd: float | None
    on_demand: bool
    """True: bytes billed on demand; False: slot-hours in a reservation, attributed."""


@dataclass(frozen=True, slots=True)
class JobCosts:
    """Every countable job with its cost, as parallel lists: no object per job, which keeps the garbage
    collector out of a 100,000-job pass (floats and lists of models are not tracked, tuples would be)."""

    jobs: list[Job]
    usd: list[float | None]
    on_demand: list[bool]

    def __iter__(self) -> Iterator[Costed]:
        """Each job as a :class:`Costed`."""
        return map(Costed, self.jobs, self.usd, self.on_demand)


class Spender(NamedTuple):
    """One principal's jobs in the window."""

    principal: str
    jobs: int
    usd: float
    bytes_billed: int
    slot_ms: int


def _costs(ctx: Context) -> JobCosts:
    prices = ctx.prices
    per_byte = prices.value(ON_DEMAND) / TIB
    editions = reservation_editions(ctx.snapshot)
    slot_price: dict[tuple[str | None, str], float] = {}
    jobs = countable_jobs(ctx.snapshot.jobs)
    usd: list[float | None] = []
    on_demand: list[bool] = []
    for job in jobs:
        reservation = job.reservation
        on_demand.append(reservation is None)
        if reservation is None:
            billed = job.bytes_billed
            rate = per_tib(job, prices) / TIB if job.trains_model else per_byte
            usd.append(None if billed is None else billed * rate)
            continue
        slot_ms = job.slot_ms
        if slot_ms is None:
            usd.append(None)
            continue
        ident = (job.edition, reservation)
        price = slot_price.get(ident)
        if price is None:
            price = slot_price[ident] = prices.value(edition_key(job.edition or editions.get(reservation)))
        usd.append(slot_ms / 3.6e6 * price)
    return JobCosts(jobs, usd, on_demand)


def job_costs(ctx: Context) -> JobCosts:
    """Every countable job of the snapshot with its cost, in the snapshot's order."""
    return ctx.shared("bigquery.job_costs", _costs)


def _spenders(ctx: Context) -> list[Spender]:
    aggregates = ctx.snapshot.job_aggregates
    if aggregates is not None:  # organisation mode: BigQuery's totals, not the few jobs listed
        groups = aggregated_principals(aggregates, (), ctx.prices)
        found = [
            Spender(g.principal, g.jobs, g.cost_usd, g.bytes_billed, round(g.slot_hours * 3.6e6))
            for g in groups
            if g.principal != "(others)"  # the principals past the top K: not one principal
        ]
        return sorted(found, key=lambda s: (-s.usd, -s.jobs, s.principal))
    acc: dict[str, list[float]] = {}
    costs = job_costs(ctx)
    for job, usd in zip(costs.jobs, costs.usd, strict=True):
        row = acc.get(job.principal or "(unknown)")
        if row is None:
            row = acc[job.principal or "(unknown)"] = [0, 0.0, 0, 0]
        row[0] += 1
        row[1] += usd or 0.0
        row[2] += job.bytes_billed or 0
        row[3] += job.slot_ms or 0
    spenders = [Spender(p, int(r[0]), r[1], int(r[2]), int(r[3])) for p, r in acc.items()]
    spenders.sort(key=lambda s: (-s.usd, -s.jobs, s.principal))
    return spenders


def spenders(ctx: Context) -> list[Spender]:
    """Jobs, $, bytes billed and slot-ms per principal, most expensive first: the figures of the Jobs
    pane's by-principal view (:func:`dashboard.views.collect.by_principal`), from the shared costs; in
    organisation mode from BigQuery's totals (:func:`~dashboard.views.collect.aggregated_principals`)."""
    return ctx.shared("bigquery.spenders", _spenders)
