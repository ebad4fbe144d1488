"""The Dataflow pane's data (:class:`DataflowSection`) from a Snapshot: jobs with their lag, freshness,
throughput and cost. Pure, no Rich, like :mod:`dashboard.views.collect` (which re-exports
:func:`dataflow_section`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from dashboard import cost as costs
from dashboard.models import DataflowJob, MetricSeries, Snapshot
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.dataflow.cost import DF_VCPUS, dataflow_job_cost
from dashboard.sources.dataflow.metrics import LAG as DF_LAG
from dashboard.sources.dataflow.metrics import THROUGHPUT as DF_THROUGHPUT
from dashboard.sources.dataflow.metrics import WATERMARK_AGE as DF_WATERMARK_AGE
from dashboard.views.items import SERIES_POINTS, DataflowItem, DataflowSection
from dashboard.views.states import state_look


def _seconds(a: datetime | None, b: datetime) -> float | None:
    return None if a is None else max(0.0, (b - a).total_seconds())


def dataflow_item(
    job: DataflowJob, now: datetime, prices: PriceTable, index: Mapping[tuple[str, str], MetricSeries]
) -> DataflowItem:
    """One Dataflow job, with its lag, freshness, throughput and cost."""

    def last(metric: str) -> float | None:
        series = index.get((metric, job.job_id))
        return None if series is None else series.last

    live = not job.is_terminal
    cost = dataflow_job_cost(job, index, prices)
    lag = index.get((DF_LAG, job.job_id))
    return DataflowItem(
        project=job.project,
        location=job.location,
        job_id=job.job_id,
        name=job.name,
        job_type=job.job_type.removeprefix("JOB_TYPE_"),
        state=job.state,
        status=state_look(job).label,
        created=job.created,
        state_time=job.state_time,
        age_s=_seconds(job.created, now),
        vcpus=last(DF_VCPUS) if live else None,
        system_lag_s=last(DF_LAG) if live else None,
        data_freshness_s=last(DF_WATERMARK_AGE) if live else None,
        throughput_eps=last(DF_THROUGHPUT) if live else None,
        usd_so_far=cost.usd_so_far,
        usd_per_hour=cost.usd_per_hour,
        lag=() if lag is None else lag.points[-SERIES_POINTS:],
        streaming_engine=job.streaming_engine,
        sdk=job.sdk,
        labels=job.labels,
        reads=job.pubsub_reads,
        writes=job.bigquery_tables,
    )


def dataflow_section(snapshot: Snapshot, now: datetime, prices: PriceTable | None = None) -> DataflowSection:
    """Jobs by state (failed first, then running, then the rest), newest first within a state."""
    prices = prices or default_prices()
    index = costs.series_index(snapshot.dataflow.series)
    jobs = sorted(
        snapshot.dataflow.jobs,
        key=lambda j: (state_look(j).rank, -(j.created.timestamp() if j.created else 0.0), j.name),
    )
    return DataflowSection(jobs=tuple(dataflow_item(j, now, prices, index) for j in jobs))
