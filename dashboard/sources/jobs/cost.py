"""BigQuery on-demand: bytes billed x $/TiB, attributed to the job, its principal, its project and its labels.

BigQuery ML: on demand, a ``CREATE_MODEL`` job's bytes billed are priced at the model-creation $/TiB
(:data:`ML_CREATE`, or ``bigquery.ml.create_model.<model type>.per_tib`` where the price table has one), on
their own line (``bigquery_ml``), and not on the on-demand line: each job's bytes count once. Under editions
such a job is slot time like any query (the editions' line). The bill names both under the service
``BigQuery``, so the estimate checked against it (the on-demand line's ``spend``) adds the two.

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
    lowest,
    service_title,
)
from dashboard.models import Job
from dashboard.pricing import PriceTable

ON_DEMAND = "bigquery.on_demand.per_tib"
ML_CREATE = "bigquery.ml.create_model.per_tib"
"""On demand, the $/TiB of ``CREATE_MODEL`` bytes (low confidence: see the price table)."""


def ml_price_key(job: Job, prices: PriceTable) -> str:
    """The price key of a model-creation job's bytes: its model type's own, when the price table (or an
    override) has one, else :data:`ML_CREATE`."""
    if job.ml_model_type:
        own = f"bigquery.ml.create_model.{job.ml_model_type.lower()}.per_tib"
        if own in prices.prices:
            return own
    return ML_CREATE


def per_tib(job: Job, prices: PriceTable) -> float:
    """The on-demand $/TiB of a job's bytes billed: the model-creation rate for ``CREATE_MODEL``, else the
    query rate."""
    return prices.value(ml_price_key(job, prices)) if job.trains_model else prices.value(ON_DEMAND)


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
        return JobCost(job.bytes_billed / TIB * per_tib(job, prices), "on_demand")
    if job.slot_ms is None:
        return None
    edition = job.edition or (editions or {}).get(job.reservation)
    return JobCost(job.slot_ms / 3.6e6 * prices.value(edition_key(edition)), "slot_attribution")


def on_demand_jobs(inputs: Inputs) -> list[tuple[Job, float]]:
    """Every job billed by bytes at the query rate with its bytes-billed cost (computed once per estimate);
    ``CREATE_MODEL`` jobs are :func:`ml_jobs`'."""
    return inputs.memo("on_demand_jobs", _on_demand_jobs)[0]


def ml_jobs(inputs: Inputs) -> list[tuple[Job, float]]:
    """Every ``CREATE_MODEL`` job billed by bytes, with its cost at the model-creation rate."""
    return inputs.memo("on_demand_jobs", _on_demand_jobs)[1]


def _on_demand_jobs(inputs: Inputs) -> tuple[list[tuple[Job, float]], list[tuple[Job, float]]]:
    rate = inputs.prices.value(ON_DEMAND)
    queries, models = [], []
    for job in countable_jobs(inputs.snapshot.jobs):
        if job.bytes_billed is None or not billed_on_demand(job, inputs.overrides):
            continue
        if job.trains_model:
            price = inputs.prices.value(ml_price_key(job, inputs.prices))
            models.append((job, job.bytes_billed / TIB * price))
        else:
            queries.append((job, job.bytes_billed / TIB * rate))
    return queries, models


def _billed_at(job: Job) -> datetime | None:
    return job.ended or job.created


def _spend(jobs: list[tuple[Job, float]], start: datetime, end: datetime) -> float:
    total = 0.0
    for job, usd in jobs:
        at = _billed_at(job)
        if at is not None and start <= at <= end:
            total += usd
    return total


def on_demand_spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """On-demand $ of the jobs that ended within ``[start, end]`` (bytes are billed when a job ends), at
    the query rate (model creation apart)."""
    return _spend(on_demand_jobs(inputs), start, end)


def ml_spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """On-demand $ of the ``CREATE_MODEL`` jobs that ended within ``[start, end]``."""
    return _spend(ml_jobs(inputs), start, end)


def bigquery_billed_spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """What the bill's ``BigQuery`` service covers: on-demand queries and model creation (organisation
    mode: the hour buckets' on-demand bytes, model creation included at the query rate)."""
    aggregates = inputs.snapshot.job_aggregates
    if aggregates is not None:
        from dashboard.sources.jobs.aggregates import spend_between

        return spend_between(aggregates, inputs.prices.value(ON_DEMAND), start, end)
    return on_demand_spend(inputs, start, end) + ml_spend(inputs, start, end)


def on_demand_by(inputs: Inputs, start: datetime, end: datetime, *, top: int = 10) -> tuple[Attribution, ...]:
    """On-demand spend within ``[start, end]`` per project, per principal and per label (``key=value``),
    the ``top`` largest of each, largest first. Organisation mode: from the hour buckets BigQuery grouped
    (:func:`_aggregated_by`), not from the jobs listed (only the active and costliest ones)."""
    if inputs.snapshot.job_aggregates is not None:
        return _aggregated_by(inputs, start, end, top=top)
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


def _aggregated_by(inputs: Inputs, start: datetime, end: datetime, *, top: int) -> tuple[Attribution, ...]:
    from dashboard.sources.jobs.aggregates import estimated_usd, hour_start, totals

    aggregates = inputs.snapshot.job_aggregates
    assert aggregates is not None
    per_tib = inputs.prices.value(ON_DEMAND)
    out: list[Attribution] = []
    for dimension in ("project", "principal", "label"):
        rows = [
            t
            for t in totals(aggregates, dimension, since=hour_start(start))
            if t.ondemand_bytes and t.key is not None
        ]
        out += [
            Attribution(
                dimension=dimension,
                key=t.key or "(unknown)",
                usd=estimated_usd(t.ondemand_bytes, per_tib),
                jobs=t.jobs,
            )
            for t in rows[:top]
        ]
    return tuple(out)


def _aggregated_cost(inputs: Inputs, start: datetime, today: datetime) -> ServiceCost:
    """Organisation mode's on-demand line: the ``total`` hour buckets' on-demand bytes; $/h from the
    current and the previous hour's buckets over the time they cover."""
    from dashboard.sources.jobs.aggregates import hour_start, job_count, spend_between

    aggregates = inputs.snapshot.job_aggregates
    assert aggregates is not None
    at = inputs.snapshot.at
    per_tib = inputs.prices.value(ON_DEMAND)
    recent_from = max(hour_start(at - BURN_WINDOW), hour_start(start))
    covered = hours(recent_from, at)
    return ServiceCost(
        service="bigquery_on_demand",
        title=service_title("bigquery_on_demand"),
        burn_rate_usd_per_hour=spend_between(aggregates, per_tib, recent_from, at) / covered
        if covered >= 1 / 60
        else 0.0,
        window_spend_usd=spend_between(aggregates, per_tib, start, at),
        today_usd=spend_between(aggregates, per_tib, max(start, today), at),
        items=job_count(aggregates),
        basis=f"bytes billed x $/TiB of jobs without a reservation, grouped by hour in BigQuery "
        f"({aggregates.view}); rate from the current and the previous hour",
        price_keys=(ON_DEMAND,),
        confidence=inputs.prices.prices[ON_DEMAND].confidence,
    )


def on_demand_cost(inputs: Inputs, start: datetime, today: datetime) -> ServiceCost:
    """On-demand: spend in the window and today; $/h from the jobs that ended in the trailing hour
    (organisation mode: from the hour buckets, :func:`_aggregated_cost`)."""
    if inputs.snapshot.job_aggregates is not None:
        return _aggregated_cost(inputs, start, today)
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


def ml_cost(inputs: Inputs, start: datetime, today: datetime) -> ServiceCost:
    """BigQuery ML on demand: model creation's bytes at its rate; $/h from the jobs ended in the last hour."""
    at = inputs.snapshot.at
    recent = ml_spend(inputs, max(at - BURN_WINDOW, start), at)
    covered = min(BURN_WINDOW.total_seconds() / 3600, hours(start, at))
    jobs = ml_jobs(inputs)
    keys = tuple(sorted({ml_price_key(job, inputs.prices) for job, _ in jobs} or {ML_CREATE}))
    return ServiceCost(
        service="bigquery_ml",
        title=service_title("bigquery_ml"),
        burn_rate_usd_per_hour=recent / covered if covered >= 1 / 60 else 0.0,
        window_spend_usd=ml_spend(inputs, start, at),
        today_usd=ml_spend(inputs, max(start, today), at),
        items=len(jobs),
        basis="bytes billed x model-creation $/TiB for CREATE_MODEL jobs of on-demand projects (under "
        "editions: slot time, on the editions' line); rate from jobs ended in the last hour",
        price_keys=keys,
        confidence=lowest(inputs.prices, keys),
    )


def _cost(inputs: Inputs, start: datetime, today: datetime) -> tuple[list[ServiceCost], list[str]]:
    return [on_demand_cost(inputs, start, today), ml_cost(inputs, start, today)], []


def _extra(inputs: Inputs, start: datetime, end: datetime) -> dict[str, Any]:
    return {"on_demand_by": on_demand_by(inputs, start, end)}


ESTIMATOR = Estimator(cost=_cost, spend={"bigquery_on_demand": bigquery_billed_spend}, extra=_extra)
"""The jobs source's part of the estimate: on-demand bytes, and model creation's. Checked against the bill
(and carried into the month's forecast) together, as the bill's ``BigQuery`` service has both: the
``bigquery_ml`` line has no billing service of its own."""
