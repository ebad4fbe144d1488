"""Cost estimates: pure functions of a Snapshot and the price table.

Every figure here is an *estimate* from list prices (``dashboard/data/prices.toml``), labelled with the
table's version; the billing export is the ground truth. Per service:

- BigQuery on-demand: bytes billed x $/TiB, for jobs that ran outside a reservation. Burn rate: what the
  jobs that ended in the trailing hour cost, per hour of that hour the data covers.
- BigQuery editions: (baseline + autoscale current) slots x the edition's pay-as-you-go $/slot-hour, per
  reservation. Spend in the window assumes today's capacity held over it.
- Dataproc: per cluster that bills (RUNNING, UPDATING, ERROR …: its VMs exist), every node's vCPUs x (the
  Dataproc premium + the Compute Engine vCPU price of its family) + memory x the family's GiB price.
- Dataflow: so far from the Monitoring totals of each job (vCPU-seconds, GB-seconds of memory and disk,
  shuffle or streaming bytes); $/h now from ``current_num_vcpus`` with the workers' memory per vCPU.

Spend for something older than the window is pro-rated over the part of its life inside the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Annotated, Literal, NamedTuple

import msgspec

from dashboard.models import Cluster, DataflowJob, Job, MetricSeries, Reservation, Snapshot
from dashboard.pricing import CONFIDENCE_ORDER, Confidence, PriceTable, default_prices, machine_family

ServiceName = Literal["bigquery_on_demand", "bigquery_editions", "dataproc", "dataflow"]
SERVICES: tuple[ServiceName, ...] = ("bigquery_on_demand", "bigquery_editions", "dataproc", "dataflow")
UtcTime = Annotated[datetime, msgspec.Meta(tz=True, description="RFC 3339 date-time, UTC")]

SERVICE_TITLES: dict[str, str] = {
    "bigquery_on_demand": "BigQuery on-demand",
    "bigquery_editions": "BigQuery editions",
    "dataproc": "Dataproc",
    "dataflow": "Dataflow",
}

BILLING_CLUSTER_STATES = frozenset({"RUNNING", "UPDATING", "ERROR", "ERROR_DUE_TO_UPDATE", "REPAIRING"})
"""Cluster states whose VMs exist and bill. A cluster in ERROR still bills until it is deleted."""

BURN_WINDOW = timedelta(hours=1)
"""On-demand burn rate: the trailing window of finished jobs it is computed from."""

TIB = 2**40
GIB = 2**30

ON_DEMAND = "bigquery.on_demand.per_tib"
DATAPROC_PREMIUM = "dataproc.premium.per_vcpu_hour"
DATAFLOW_MEMORY = "dataflow.memory_gib_hour"
DATAFLOW_PD = "dataflow.pd_standard_gib_hour"
DATAFLOW_SHUFFLE = "dataflow.shuffle_gib.batch"
DATAFLOW_STREAMING_ENGINE = "dataflow.streaming_engine_gib"
DATAFLOW_MEMORY_PER_VCPU = "dataflow.worker_memory_gib_per_vcpu"

# Dataflow metric names as the parsers store them (service prefix removed), keyed by job id.
DF_VCPU_TIME = "job/total_vcpu_time"
DF_MEMORY_TIME = "job/total_memory_usage_time"
DF_PD_TIME = "job/total_pd_usage_time"
DF_SHUFFLE = "job/billable_shuffle_data_processed"
DF_STREAMING = "job/total_streaming_data_processed"
DF_VCPUS = "job/current_num_vcpus"


def edition_key(edition: str | None) -> str:
    """The price key of an edition's pay-as-you-go slot-hour. Unknown editions are priced as Enterprise."""
    name = (edition or "").upper()
    if name in ("STANDARD", "ENTERPRISE", "ENTERPRISE_PLUS"):
        return f"bigquery.editions.{name.lower()}.payg"
    return "bigquery.editions.enterprise.payg"


def dataflow_vcpu_key(job: DataflowJob) -> str:
    """The price key of a Dataflow job's vCPU-hour (batch or streaming)."""
    return "dataflow.streaming.vcpu_hour" if job.is_streaming else "dataflow.batch.vcpu_hour"


class ServiceCost(msgspec.Struct, frozen=True, kw_only=True):
    """The estimated cost of one service."""

    service: ServiceName
    title: str
    burn_rate_usd_per_hour: float
    """Estimated $ per hour, now."""
    window_spend_usd: float
    """Estimated $ spent within the snapshot's window."""
    items: int
    """How many things (jobs, reservations, clusters, Dataflow jobs) were priced."""
    unpriced: int = 0
    """Things that bill but could not be priced (unknown machine type, missing metrics)."""
    basis: str
    """How the figure was computed, in a sentence."""
    price_keys: tuple[str, ...] = ()
    confidence: Confidence = "high"
    """The lowest confidence among the prices used."""
    estimate: bool = True


class CostEstimate(msgspec.Struct, frozen=True, kw_only=True):
    """Estimated cost of everything in a Snapshot, per service and in total."""

    price_version: str
    currency: str
    estimate: bool = True
    """Always true: these are estimates from list prices, not billing data."""
    at: UtcTime
    window_start: UtcTime
    window_end: UtcTime
    window_hours: float
    services: tuple[ServiceCost, ...]
    burn_rate_usd_per_hour: float
    window_spend_usd: float
    notes: tuple[str, ...] = ()

    def service(self, name: str) -> ServiceCost:
        """The entry of one service."""
        return next(s for s in self.services if s.service == name)


class JobCost(NamedTuple):
    """What one BigQuery job cost: on-demand bytes, or its share of reservation slots."""

    usd: float
    basis: Literal["on_demand", "slot_attribution"]


class DataflowCost(NamedTuple):
    """A Dataflow job's estimated spend so far and its rate now (None where metrics are missing)."""

    usd_so_far: float | None
    usd_per_hour: float | None


# ---------------------------------------------------------------- window


def window(snapshot: Snapshot) -> tuple[datetime, datetime]:
    """The span a snapshot's data covers: from its oldest job (or metric point) to ``snapshot.at``."""
    starts = [j.created for j in snapshot.jobs if j.created is not None]
    if not starts:
        series = (*snapshot.reservations.slot_usage, *snapshot.dataproc.series, *snapshot.dataflow.series)
        starts = [s.points[0].t for s in series if s.points]
    start = min(starts, default=snapshot.at)
    return min(start, snapshot.at), snapshot.at


def _hours(a: datetime, b: datetime) -> float:
    return max(0.0, (b - a).total_seconds() / 3600)


def _overlap_hours(since: datetime | None, start: datetime, end: datetime) -> float:
    return _hours(start if since is None else max(since, start), end)


# ---------------------------------------------------------------- BigQuery


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


def _on_demand(snapshot: Snapshot, prices: PriceTable, start: datetime) -> ServiceCost:
    at = snapshot.at
    spend = recent = 0.0
    items = 0
    for job in countable_jobs(snapshot.jobs):
        if job.reservation is not None:
            continue
        cost = job_cost(job, prices)
        if cost is None:
            continue
        items += 1
        spend += cost.usd
        if job.ended is not None and at - BURN_WINDOW < job.ended <= at:
            recent += cost.usd
    covered = min(BURN_WINDOW.total_seconds() / 3600, _hours(start, at))
    return ServiceCost(
        service="bigquery_on_demand",
        title=SERVICE_TITLES["bigquery_on_demand"],
        burn_rate_usd_per_hour=recent / covered if covered >= 1 / 60 else 0.0,
        window_spend_usd=spend,
        items=items,
        basis="bytes billed x $/TiB for jobs outside reservations; rate from jobs ended in the last hour",
        price_keys=(ON_DEMAND,),
        confidence=prices.prices[ON_DEMAND].confidence,
    )


def reservation_usd_per_hour(reservation: Reservation, prices: PriceTable) -> float:
    """(baseline + autoscale current) slots x the edition's pay-as-you-go $/slot-hour."""
    return reservation.capacity_now * prices.value(edition_key(reservation.edition))


def _editions(snapshot: Snapshot, prices: PriceTable, hours: float) -> ServiceCost:
    reservations = snapshot.reservations.reservations
    keys = sorted({edition_key(r.edition) for r in reservations})
    rate = sum(reservation_usd_per_hour(r, prices) for r in reservations)
    return ServiceCost(
        service="bigquery_editions",
        title=SERVICE_TITLES["bigquery_editions"],
        burn_rate_usd_per_hour=rate,
        window_spend_usd=rate * hours,
        items=len(reservations),
        basis="(baseline + autoscale current) slots x edition $/slot-hour (pay as you go), per reservation",
        price_keys=tuple(keys),
        confidence=_lowest(prices, keys),
    )


# ---------------------------------------------------------------- Dataproc


def cluster_shape(cluster: Cluster, prices: PriceTable) -> tuple[int, float] | None:
    """``(vcpus, memory_gib)`` of all a cluster's nodes, or None when a machine type is unknown."""
    vcpus, memory = 0, 0.0
    for group in cluster.groups:
        if group.count == 0:
            continue
        shape = prices.machine_shape(group.machine_type)
        if shape is None:
            return None
        vcpus += group.count * shape[0]
        memory += group.count * shape[1]
    return vcpus, memory


def cluster_usd_per_hour(cluster: Cluster, prices: PriceTable) -> float | None:
    """A cluster's estimated $/h: 0 unless it bills; None when a machine type or family has no price."""
    if cluster.state not in BILLING_CLUSTER_STATES:
        return 0.0
    premium = prices.value(DATAPROC_PREMIUM)
    total = 0.0
    for group in cluster.groups:
        if group.count == 0:
            continue
        shape = prices.machine_shape(group.machine_type)
        family = machine_family(group.machine_type)
        vcpu = prices.get(f"gce.{family}.vcpu_hour")
        ram = prices.get(f"gce.{family}.ram_gib_hour")
        if shape is None or vcpu is None or ram is None:
            return None
        total += group.count * (shape[0] * (premium + vcpu.value) + shape[1] * ram.value)
    return total


def _dataproc(snapshot: Snapshot, prices: PriceTable, start: datetime) -> tuple[ServiceCost, list[str]]:
    rate = spend = 0.0
    items = unpriced = 0
    keys = {DATAPROC_PREMIUM}
    elsewhere: set[str] = set()
    for cluster in snapshot.dataproc.clusters:
        if cluster.state not in BILLING_CLUSTER_STATES:
            continue
        usd = cluster_usd_per_hour(cluster, prices)
        if usd is None:
            unpriced += 1
            continue
        items += 1
        rate += usd
        spend += usd * _overlap_hours(cluster.created or cluster.state_since, start, snapshot.at)
        for group in cluster.groups:
            family = machine_family(group.machine_type)
            keys |= {f"gce.{family}.vcpu_hour", f"gce.{family}.ram_gib_hour"}
            priced_in = prices.prices[f"gce.{family}.vcpu_hour"].region
            if priced_in != cluster.region:
                elsewhere.add(f"{cluster.region} at {priced_in}")
    notes = []
    if unpriced:
        notes.append(f"{unpriced} Dataproc cluster(s) with a machine type the price table does not know")
    if elsewhere:
        notes.append(f"Dataproc priced at another region's list rates: {', '.join(sorted(elsewhere))}")
    cost = ServiceCost(
        service="dataproc",
        title=SERVICE_TITLES["dataproc"],
        burn_rate_usd_per_hour=rate,
        window_spend_usd=spend,
        items=items,
        unpriced=unpriced,
        basis="vCPUs x (Dataproc premium + Compute Engine vCPU) + memory x GiB price, clusters whose VMs run",
        price_keys=tuple(sorted(keys)),
        confidence=_lowest(prices, keys),
    )
    return cost, notes


# ---------------------------------------------------------------- Dataflow


def series_index(series: Iterable[MetricSeries]) -> dict[tuple[str, str], MetricSeries]:
    """Series by ``(metric, key)``."""
    return {(s.metric, s.key): s for s in series}


def dataflow_job_cost(
    job: DataflowJob, index: Mapping[tuple[str, str], MetricSeries], prices: PriceTable
) -> DataflowCost:
    """A Dataflow job's spend so far (Monitoring totals) and $/h now (current vCPUs; 0 once terminal)."""

    def last(metric: str) -> float | None:
        series = index.get((metric, job.job_id))
        return None if series is None else series.last

    vcpu_price = prices.value(dataflow_vcpu_key(job))
    memory_price = prices.value(DATAFLOW_MEMORY)
    so_far: float | None = None
    vcpu_s = last(DF_VCPU_TIME)
    if vcpu_s is not None:
        so_far = vcpu_s / 3600 * vcpu_price
        so_far += (last(DF_MEMORY_TIME) or 0.0) / 3600 * memory_price
        so_far += (last(DF_PD_TIME) or 0.0) / 3600 * prices.value(DATAFLOW_PD)
        if job.is_streaming:
            if job.streaming_engine:
                so_far += (last(DF_STREAMING) or 0.0) / GIB * prices.value(DATAFLOW_STREAMING_ENGINE)
        else:
            so_far += (last(DF_SHUFFLE) or 0.0) / GIB * prices.value(DATAFLOW_SHUFFLE)
    per_hour: float | None
    if job.is_terminal:
        per_hour = 0.0
    else:
        vcpus = last(DF_VCPUS)
        per_hour = (
            None
            if vcpus is None
            else vcpus * (vcpu_price + prices.value(DATAFLOW_MEMORY_PER_VCPU) * memory_price)
        )
    return DataflowCost(so_far, per_hour)


def _dataflow(snapshot: Snapshot, prices: PriceTable, start: datetime) -> ServiceCost:
    index = series_index(snapshot.dataflow.series)
    rate = spend = 0.0
    items = unpriced = 0
    keys = {DATAFLOW_MEMORY, DATAFLOW_PD, DATAFLOW_MEMORY_PER_VCPU}
    for job in snapshot.dataflow.jobs:
        cost = dataflow_job_cost(job, index, prices)
        if cost.usd_so_far is None or cost.usd_per_hour is None:
            unpriced += 1
        if cost.usd_so_far is None and cost.usd_per_hour is None:
            continue
        items += 1
        keys.add(dataflow_vcpu_key(job))
        keys.add(DATAFLOW_STREAMING_ENGINE if job.is_streaming else DATAFLOW_SHUFFLE)
        rate += cost.usd_per_hour or 0.0
        if cost.usd_so_far is not None:
            spend += _pro_rated(cost.usd_so_far, job.started or job.created, start, _job_end(job, snapshot))
    return ServiceCost(
        service="dataflow",
        title=SERVICE_TITLES["dataflow"],
        burn_rate_usd_per_hour=rate,
        window_spend_usd=spend,
        items=items,
        unpriced=unpriced,
        basis="Monitoring totals (vCPU, memory, disk, shuffle/streaming data) x Dataflow prices; "
        "rate from current vCPUs",
        price_keys=tuple(sorted(keys)),
        confidence=_lowest(prices, keys),
    )


def _job_end(job: DataflowJob, snapshot: Snapshot) -> datetime:
    if job.is_terminal and job.state_time is not None:
        return min(job.state_time, snapshot.at)
    return snapshot.at


def _pro_rated(total: float, since: datetime | None, start: datetime, end: datetime) -> float:
    """The part of ``total`` (spent evenly from ``since`` to ``end``) that falls after ``start``."""
    if since is None or since >= start:
        return total
    life = _hours(since, end)
    return total * _hours(start, end) / life if life > 0 else 0.0


# ---------------------------------------------------------------- total


def _lowest(prices: PriceTable, keys: Iterable[str]) -> Confidence:
    found = [prices.prices[k].confidence for k in keys if k in prices.prices]
    return min(found, key=CONFIDENCE_ORDER.__getitem__, default="high")


def estimate(snapshot: Snapshot, prices: PriceTable | None = None) -> CostEstimate:
    """Estimate the cost of everything in ``snapshot``: $/h now and spend in its window, per service."""
    prices = prices or default_prices()
    start, end = window(snapshot)
    hours = _hours(start, end)
    dataproc, notes = _dataproc(snapshot, prices, start)
    services = (
        _on_demand(snapshot, prices, start),
        _editions(snapshot, prices, hours),
        dataproc,
        _dataflow(snapshot, prices, start),
    )
    all_notes = [
        f"Estimates from list prices (price table {prices.version}, {prices.currency}); "
        "excludes commitments, discounts, free tiers, Spot and taxes",
        *notes,
    ]
    known = ("STANDARD", "ENTERPRISE", "ENTERPRISE_PLUS")
    if any(r.edition not in known for r in snapshot.reservations.reservations):
        all_notes.append("reservations without a known edition are priced as Enterprise")
    if any(s.service == "dataflow" and s.unpriced for s in services):
        all_notes.append("Dataflow jobs without Monitoring totals are left out of the spend")
    return CostEstimate(
        price_version=prices.version,
        currency=prices.currency,
        at=snapshot.at,
        window_start=start,
        window_end=end,
        window_hours=hours,
        services=services,
        burn_rate_usd_per_hour=sum(s.burn_rate_usd_per_hour for s in services),
        window_spend_usd=sum(s.window_spend_usd for s in services),
        notes=tuple(all_notes),
    )
