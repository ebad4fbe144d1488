"""Dataflow: per job, from its Monitoring resource metrics.

Spend so far is the job's totals (vCPU-seconds, memory and Persistent Disk GB-seconds, and billable shuffle
data for batch or Streaming Engine data for streaming) x Dataflow's prices; $/h now is the current vCPUs
with the workers' memory per vCPU. Spend in an interval pro-rates the total over the job's life.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from dashboard.cost.common import GIB, SERVICE_TITLES, Inputs, ServiceCost, lowest, pro_rated
from dashboard.models import DataflowJob, MetricSeries
from dashboard.pricing import PriceTable

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


class DataflowCost(NamedTuple):
    """A Dataflow job's estimated spend so far and its rate now (None where metrics are missing)."""

    usd_so_far: float | None
    usd_per_hour: float | None


def dataflow_vcpu_key(job: DataflowJob) -> str:
    """The price key of a Dataflow job's vCPU-hour (batch or streaming)."""
    return "dataflow.streaming.vcpu_hour" if job.is_streaming else "dataflow.batch.vcpu_hour"


def series_index(series: Iterable[MetricSeries]) -> dict[tuple[str, str], MetricSeries]:
    """Series by ``(metric, key)``."""
    return {(s.metric, s.key): s for s in series}


def dataflow_job_cost(
    job: DataflowJob, index: Mapping[tuple[str, str], MetricSeries], prices: PriceTable
) -> DataflowCost:
    """A Dataflow job's spend so far (Monitoring totals) and $/h now (current vCPUs; 0 once terminal).

    Memory and disk totals are GB-seconds; shuffle and streaming data are bytes, priced per GiB.
    """

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
            # Streaming Engine data: a listing does not say whether a job uses Streaming Engine (None), but
            # the metric only grows for jobs that do, so it is charged unless the job is known not to
            if job.streaming_engine is not False:
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
        cost = dataflow_job_cost(job, index, inputs.prices)
        if cost.usd_so_far is not None:
            since = job.started or job.created
            total += pro_rated(cost.usd_so_far, since, job_end(job, snapshot.at), start, end)
    return total


def dataflow_cost(inputs: Inputs, start: datetime, today: datetime) -> ServiceCost:
    """Dataflow: $/h from current vCPUs, spend from Monitoring totals."""
    snapshot, prices = inputs.snapshot, inputs.prices
    index = series_index(snapshot.dataflow.series)
    rate = 0.0
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
    at = snapshot.at
    return ServiceCost(
        service="dataflow",
        title=SERVICE_TITLES["dataflow"],
        burn_rate_usd_per_hour=rate,
        window_spend_usd=dataflow_spend(inputs, start, at),
        today_usd=dataflow_spend(inputs, max(start, today), at),
        items=items,
        unpriced=unpriced,
        basis="Monitoring totals (vCPU, memory, disk, shuffle/streaming data) x Dataflow prices; "
        "rate from current vCPUs",
        price_keys=tuple(sorted(keys)),
        confidence=lowest(prices, keys),
    )
