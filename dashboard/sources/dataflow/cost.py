"""Dataflow: per job, from its Monitoring resource metrics, else from its own job resource.

Spend so far is the job's totals (vCPU-seconds, memory and Persistent Disk GB-seconds, and billable shuffle
data for batch or Streaming Engine data for streaming) x Dataflow's prices in the job's region; $/h now is
the current vCPUs with the memory the job uses now. Spend in an interval pro-rates the total over the job's
life.

Memory comes from the job's own ``total_memory_usage_time`` when Monitoring has it (its last value so far,
its growth per second now); without it, from the workers' machine type, and only without that from the
assumed GiB per vCPU (``dataflow.worker_memory_gib_per_vcpu``), which the estimate then says. Persistent
Disk is priced at the SSD rate for the part Monitoring labels SSD (``storage_type``), or all of it when the
job's workers use ``pd-ssd``. A job Monitoring has nothing for (a batch job that ended before the metric
window) is costed from its job resource: workers x their machine type and disk, from start to end.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal, NamedTuple

from dashboard.cost.common import (
    GIB,
    Estimator,
    Inputs,
    ServiceCost,
    hours,
    lowest,
    pro_rated,
    series_index,
    service_title,
)
from dashboard.models import DataflowJob, MetricSeries
from dashboard.pricing import BASE_REGION, PriceTable

DATAFLOW_MEMORY = "dataflow.memory_gib_hour"
DATAFLOW_PD = "dataflow.pd_standard_gib_hour"
DATAFLOW_PD_SSD = "dataflow.pd_ssd_gib_hour"
DATAFLOW_SHUFFLE = "dataflow.shuffle_gib.batch"
DATAFLOW_STREAMING_ENGINE = "dataflow.streaming_engine_gib"
DATAFLOW_MEMORY_PER_VCPU = "dataflow.worker_memory_gib_per_vcpu"

# Dataflow metric names as the parsers store them (service prefix removed), keyed by job id.
DF_VCPU_TIME = "job/total_vcpu_time"
DF_MEMORY_TIME = "job/total_memory_usage_time"
DF_PD_TIME = "job/total_pd_usage_time"
DF_PD_SSD_TIME = "job/total_pd_usage_time:ssd"
"""The SSD part of ``total_pd_usage_time`` (a series labelled ``storage_type`` SSD); the plain series is
then the rest (HDD)."""
DF_SHUFFLE = "job/billable_shuffle_data_processed"
DF_STREAMING = "job/total_streaming_data_processed"
DF_VCPUS = "job/current_num_vcpus"

SSD_DISK_TYPES = frozenset({"pd-ssd"})
NOT_STARTED_STATES = frozenset({"JOB_STATE_QUEUED", "JOB_STATE_STOPPED"})
"""States of a job that has not started to run (a FlexRS job waiting in its queue, QUEUED; STOPPED): no
workers yet, nothing billed."""

MemorySource = Literal["measured", "machine", "assumed", "none"]
_STRENGTH: dict[MemorySource, int] = {"measured": 3, "machine": 2, "assumed": 1, "none": 0}


def _weaker(a: MemorySource, b: MemorySource) -> MemorySource:
    return a if _STRENGTH[a] <= _STRENGTH[b] else b


class DataflowCost(NamedTuple):
    """A Dataflow job's estimated spend so far and its rate now (None where nothing prices them)."""

    usd_so_far: float | None
    usd_per_hour: float | None
    memory: MemorySource = "measured"
    """Where its memory came from: Monitoring, the workers' machine type, the assumption, or nowhere."""
    from_job: bool = False
    """True when the spend was worked out from the job resource (no Monitoring totals)."""
    ssd: bool = False
    """True when some of its disk was priced at the SSD rate."""


def dataflow_vcpu_key(job: DataflowJob) -> str:
    """The price key of a Dataflow job's vCPU-hour (batch or streaming)."""
    return "dataflow.streaming.vcpu_hour" if job.is_streaming else "dataflow.batch.vcpu_hour"


def region_keys(job: DataflowJob, prices: PriceTable) -> tuple[float, str | None]:
    """The factor on us-central1's Dataflow prices in the job's region and the key it came from."""
    return prices.region_factor(job.location, "dataflow")


def worker_memory_per_vcpu(job: DataflowJob, prices: PriceTable) -> float | None:
    """GiB per vCPU of the job's workers, from their machine type; None when it is not known."""
    shape = prices.machine_shape(job.worker_machine_type)
    return None if shape is None or shape[0] == 0 else shape[1] / shape[0]


def memory_gib_now(series: MetricSeries | None) -> float | None:
    """The GiB a job holds now: the growth of its cumulative ``total_memory_usage_time`` (GB-seconds) per
    second between its last two points; None with fewer than two."""
    if series is None or len(series.points) < 2:
        return None
    a, b = series.points[-2], series.points[-1]
    seconds = (b.t - a.t).total_seconds()
    return max(0.0, (b.value - a.value) / seconds) if seconds > 0 else None


def dataflow_job_cost(
    job: DataflowJob,
    index: Mapping[tuple[str, str], MetricSeries],
    prices: PriceTable,
    at: datetime | None = None,
) -> DataflowCost:
    """A Dataflow job's spend so far and $/h now (current vCPUs; 0 once terminal, and 0 and 0 before it
    started), in its region.

    Memory and disk totals are GB-seconds; shuffle and streaming data are bytes, priced per GiB. Without
    Monitoring totals a job is costed from its job resource, up to its end (or ``at`` while it runs).
    """

    def series(metric: str) -> MetricSeries | None:
        return index.get((metric, job.job_id))

    def last(metric: str) -> float | None:
        found = series(metric)
        return None if found is None else found.last

    if job.state in NOT_STARTED_STATES and last(DF_VCPU_TIME) is None:
        return DataflowCost(0.0, 0.0)
    factor = region_keys(job, prices)[0]
    vcpu_price = prices.value(dataflow_vcpu_key(job)) * factor
    memory_price = prices.value(DATAFLOW_MEMORY) * factor
    pd_price = prices.value(DATAFLOW_PD) * factor
    ssd_price = prices.value(DATAFLOW_PD_SSD) * factor
    on_ssd = job.worker_disk_type in SSD_DISK_TYPES
    per_vcpu = worker_memory_per_vcpu(job, prices)
    memory: MemorySource = "measured"
    so_far: float | None = None
    from_job = ssd = False
    vcpu_s = last(DF_VCPU_TIME)
    if vcpu_s is not None:
        so_far = vcpu_s / 3600 * vcpu_price
        memory_gb_s = last(DF_MEMORY_TIME)
        if memory_gb_s is None:
            memory = "assumed" if per_vcpu is None else "machine"
            memory_gb_s = vcpu_s * (
                per_vcpu if per_vcpu is not None else prices.value(DATAFLOW_MEMORY_PER_VCPU)
            )
        so_far += memory_gb_s / 3600 * memory_price
        ssd_gb_s = last(DF_PD_SSD_TIME) or 0.0
        rest_gb_s = last(DF_PD_TIME) or 0.0
        ssd = ssd_gb_s > 0 or (on_ssd and rest_gb_s > 0)
        so_far += ssd_gb_s / 3600 * ssd_price + rest_gb_s / 3600 * (ssd_price if on_ssd else pd_price)
        if job.is_streaming:
            # Streaming Engine data: a listing does not say whether a job uses Streaming Engine (None), but
            # the metric only grows for jobs that do, so it is charged unless the job is known not to
            if job.streaming_engine is not False:
                so_far += (last(DF_STREAMING) or 0.0) / GIB * prices.value(DATAFLOW_STREAMING_ENGINE) * factor
        else:
            so_far += (last(DF_SHUFFLE) or 0.0) / GIB * prices.value(DATAFLOW_SHUFFLE) * factor
    else:
        resource = job_resource_cost(job, prices, at)
        if resource is not None:
            so_far, from_job, ssd = resource, True, on_ssd
            memory = "machine"
    per_hour: float | None
    if job.is_terminal:
        per_hour = 0.0
    else:
        vcpus = last(DF_VCPUS)
        if vcpus is None:
            per_hour = None
        else:
            gib = memory_gib_now(series(DF_MEMORY_TIME))
            if gib is None:
                memory = _weaker(memory, "assumed" if per_vcpu is None else "machine")
                gib = vcpus * (prices.value(DATAFLOW_MEMORY_PER_VCPU) if per_vcpu is None else per_vcpu)
            per_hour = vcpus * vcpu_price + gib * memory_price
    if so_far is None and per_hour is None:
        memory = "none"
    return DataflowCost(so_far, per_hour, memory=memory, from_job=from_job, ssd=ssd)


def job_resource_cost(job: DataflowJob, prices: PriceTable, at: datetime | None) -> float | None:
    """A job's spend from its own resource: workers x (vCPUs x the vCPU price + memory x the GiB price +
    disk x the disk price) from its start to its end; None when the resource lacks workers, machine type
    or times.

    Shuffle and Streaming Engine data are not in the job resource and are left out, and so is the disk
    when the resource names no size.
    """
    shape = prices.machine_shape(job.worker_machine_type)
    since = job.started or job.created
    until = job_end(job, at) if at is not None else (job.state_time if job.is_terminal else None)
    if not job.workers or shape is None or since is None or until is None:
        return None
    factor = region_keys(job, prices)[0]
    disk_gb = job.worker_disk_gb or 0
    disk_price = prices.value(DATAFLOW_PD_SSD if job.worker_disk_type in SSD_DISK_TYPES else DATAFLOW_PD)
    per_worker = (
        shape[0] * prices.value(dataflow_vcpu_key(job))
        + shape[1] * prices.value(DATAFLOW_MEMORY)
        + disk_gb * disk_price
    )
    return job.workers * per_worker * factor * hours(since, until)


def job_end(job: DataflowJob, at: datetime) -> datetime:
    """When a job stopped billing: its terminal state's time, else ``at``."""
    if job.is_terminal and job.state_time is not None:
        return min(job.state_time, at)
    return at


def dataflow_spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """Dataflow $ within ``[start, end]``: each job's total so far pro-rated over its life."""
    snapshot = inputs.snapshot
    index = series_index(snapshot.dataflow.series)
    total = 0.0
    for job in snapshot.dataflow.jobs:
        cost = dataflow_job_cost(job, index, inputs.prices, snapshot.at)
        if cost.usd_so_far is not None:
            since = job.started or job.created
            total += pro_rated(cost.usd_so_far, since, job_end(job, snapshot.at), start, end)
    return total


def dataflow_cost(inputs: Inputs, start: datetime, today: datetime) -> tuple[ServiceCost, list[str]]:
    """Dataflow: $/h from current vCPUs, spend from Monitoring totals or the job resource; notes on what
    was assumed."""
    snapshot, prices = inputs.snapshot, inputs.prices
    index = series_index(snapshot.dataflow.series)
    rate = 0.0
    items = unpriced = 0
    keys = {DATAFLOW_MEMORY, DATAFLOW_PD}
    assumed: list[str] = []
    from_job: list[str] = []
    from_machine: list[str] = []
    left_out: list[str] = []
    base_rates: set[str] = set()
    for job in snapshot.dataflow.jobs:
        cost = dataflow_job_cost(job, index, prices, snapshot.at)
        if cost.usd_so_far is None or cost.usd_per_hour is None:
            unpriced += 1
            left_out.append(job.name)
        if cost.usd_so_far is None and cost.usd_per_hour is None:
            continue
        items += 1
        keys.add(dataflow_vcpu_key(job))
        keys.add(DATAFLOW_STREAMING_ENGINE if job.is_streaming else DATAFLOW_SHUFFLE)
        factor_key = region_keys(job, prices)[1]
        if factor_key is not None:
            keys.add(factor_key)
        elif job.location and job.location != BASE_REGION:
            base_rates.add(job.location)
        if cost.ssd:
            keys.add(DATAFLOW_PD_SSD)
        if cost.memory == "assumed":
            keys.add(DATAFLOW_MEMORY_PER_VCPU)
            assumed.append(job.name)
        if cost.from_job:
            from_job.append(job.name)
        elif cost.memory == "machine":
            from_machine.append(job.name)
        rate += cost.usd_per_hour or 0.0
    notes = []
    if left_out:
        notes.append(
            f"{len(left_out)} Dataflow job(s) not fully priced (no Monitoring totals or current vCPUs, no "
            f"workers in the job resource): {', '.join(left_out)}"
        )
    if assumed:
        per_vcpu = prices.value(DATAFLOW_MEMORY_PER_VCPU)
        notes.append(
            f"Dataflow memory assumed at {per_vcpu:g} GiB per vCPU (no total_memory_usage_time, no worker "
            f"machine type) for: {', '.join(assumed)}"
        )
    if from_machine:
        notes.append(
            "Dataflow memory from the workers' machine type (no total_memory_usage_time) for: "
            + ", ".join(from_machine)
        )
    if from_job:
        notes.append(
            "Dataflow costed from the job resource (workers x machine type and disk, start to end; no "
            f"Monitoring totals, no shuffle data) for: {', '.join(from_job)}"
        )
    if base_rates:
        notes.append(
            f"Dataflow in {', '.join(sorted(base_rates))} priced at {BASE_REGION} list rates "
            "(no regional factor in the price table)"
        )
    at = snapshot.at
    service = ServiceCost(
        service="dataflow",
        title=service_title("dataflow"),
        burn_rate_usd_per_hour=rate,
        window_spend_usd=dataflow_spend(inputs, start, at),
        today_usd=dataflow_spend(inputs, max(start, today), at),
        items=items,
        unpriced=unpriced,
        basis="Monitoring totals (vCPU, memory, disk, shuffle/streaming data) x Dataflow prices in the "
        "job's region, else the job's workers from start to end; rate from current vCPUs",
        price_keys=tuple(sorted(keys)),
        confidence=lowest(prices, keys),
    )
    return service, notes


ESTIMATOR = Estimator(cost=dataflow_cost, spend={"dataflow": dataflow_spend})
"""The dataflow source's part of the estimate."""
