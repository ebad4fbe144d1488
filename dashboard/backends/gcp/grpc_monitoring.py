"""Cloud Monitoring reads of the live backend: one ``ListTimeSeries`` per metric and project, reduced
server-side to one series per reservation, cluster or job (docs/recording.md, "Monitoring requests").

Windows are incremental: a metric's first read asks for the last :data:`FIRST_WINDOW`; later reads ask
from the previous window's end minus :data:`OVERLAP` (Monitoring's ingestion delay), so each poll brings
about one new point per series. A failed read does not move its window on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from dashboard.backends.gcp.grpc_clients import UNREACHABLE, PollLog
from dashboard.backends.gcp.listing import listed
from dashboard.recording import format as fmt

FIRST_WINDOW: Final = timedelta(minutes=60)
OVERLAP: Final = timedelta(minutes=3)
ALIGNMENT_SECONDS: Final = 60
TOTALS_LOOKBACK: Final = timedelta(hours=24)
"""How far back a cumulative metric's first read looks for jobs that have stopped writing points: a batch
job that ended hours ago has no point in :data:`FIRST_WINDOW`, but its last totals are what it cost."""


@dataclass(frozen=True)
class MetricSpec:
    """One metric as gcpdash asks for it."""

    metric: str
    resource: str
    aligner: str
    reducer: str
    group_by: str
    extra_filter: str = ""
    also_by: tuple[str, ...] = ()
    """Labels kept besides ``group_by`` (the series stay keyed by ``group_by``'s value)."""
    cumulative: bool = False
    """A running total (``total_vcpu_time``): its first read also asks the :data:`TOTALS_LOOKBACK` before
    the first window as one alignment period, one point per series, so a job that has stopped (and no
    longer writes points) still brings its last totals; a cost depends on them."""

    @property
    def filter(self) -> str:
        """The request's ``filter``: metric and resource type, plus any label condition."""
        text = f'metric.type = "{self.metric}" AND resource.type = "{self.resource}"'
        return f"{text} AND {self.extra_filter}" if self.extra_filter else text


_JOB = "metric.label.job_id"
_FLOW = "dataflow.googleapis.com/job/"


def _flow(name: str, aligner: str, reducer: str, *also_by: str, cumulative: bool = False) -> MetricSpec:
    return MetricSpec(
        _FLOW + name, "dataflow_job", aligner, reducer, _JOB, also_by=also_by, cumulative=cumulative
    )


SLOT_METRICS: Final = (
    MetricSpec(
        "bigquery.googleapis.com/slots/allocated",
        "bigquery_project",
        "ALIGN_MEAN",
        "REDUCE_SUM",
        "metric.label.reservation",
    ),
)
"""Read on each reservation admin project."""

BI_ENGINE_RESOURCE: Final = "bigquery_biengine_model"
"""The monitored resource of BI Engine's metrics (unconfirmed: the metric list names it for the
``model/*`` metrics; the ``reservation/*`` ones are assumed to share it)."""

BI_ENGINE_METRICS: Final = (
    MetricSpec(
        "bigquerybiengine.googleapis.com/reservation/used_bytes",
        BI_ENGINE_RESOURCE,
        "ALIGN_MEAN",
        "REDUCE_SUM",
        "resource.label.location",
    ),
    MetricSpec(
        "bigquerybiengine.googleapis.com/reservation/total_bytes",
        BI_ENGINE_RESOURCE,
        "ALIGN_MEAN",
        "REDUCE_MAX",
        "resource.label.location",
    ),
)
"""Read on each monitored project that has a BI reservation: bytes used and reserved per location (the
total reduced with MAX, so series per model never add up to more than the reservation)."""

DATAPROC_METRICS: Final = (
    MetricSpec(
        "dataproc.googleapis.com/cluster/yarn/allocated_memory_percentage",
        "cloud_dataproc_cluster",
        "ALIGN_MEAN",
        "REDUCE_MEAN",
        "resource.label.cluster_name",
    ),
    MetricSpec(
        "dataproc.googleapis.com/cluster/yarn/apps",
        "cloud_dataproc_cluster",
        "ALIGN_MEAN",
        "REDUCE_SUM",
        "resource.label.cluster_name",
        'metric.labels.status = "running"',
    ),
)

DATAFLOW_METRICS: Final = (
    _flow("system_lag", "ALIGN_MAX", "REDUCE_MAX"),
    _flow("data_watermark_age", "ALIGN_MAX", "REDUCE_MAX"),
    _flow("elements_produced_count", "ALIGN_RATE", "REDUCE_SUM"),
    _flow("current_num_vcpus", "ALIGN_MEAN", "REDUCE_SUM"),
    _flow("total_vcpu_time", "ALIGN_MAX", "REDUCE_SUM", cumulative=True),
    _flow("total_memory_usage_time", "ALIGN_MAX", "REDUCE_SUM", cumulative=True),
    # by storage_type too: SSD disk is priced apart from standard disk
    _flow("total_pd_usage_time", "ALIGN_MAX", "REDUCE_SUM", "metric.label.storage_type", cumulative=True),
    _flow("billable_shuffle_data_processed", "ALIGN_MAX", "REDUCE_SUM", cumulative=True),
    _flow("total_streaming_data_processed", "ALIGN_MAX", "REDUCE_SUM", cumulative=True),
)

_STOP_PROJECT = UNREACHABLE | {"PERMISSION_DENIED", "UNAUTHENTICATED", "NOT_FOUND"}
"""After these, a project's other metrics are not asked this poll."""


def window(last_end: datetime | None, t: datetime) -> tuple[datetime, datetime]:
    """The interval to ask for at ``t`` (whole seconds): the first window, or from ``last_end`` minus the
    overlap, never more than the first window back and never empty (a clock that went back)."""
    end = t.replace(microsecond=0)
    start = end - FIRST_WINDOW
    if last_end is not None:
        start = max(start, min(last_end, end) - OVERLAP)
    return start, end


def read_metrics(log: PollLog, projects: tuple[str, ...], specs: tuple[MetricSpec, ...]) -> None:
    """Read every metric of ``specs`` in each project, into ``log``: projects side by side, each project's
    metrics in order; the exchanges come out project by project.

    Within a project, a denial stops its other metrics (the first denial already says why), and so does
    an unreachable Monitoring (unavailable, deadline, quota): no call waits out a retry only to fail alike.
    First the listing read so far is handed to the poller (:func:`~dashboard.backends.gcp.listing.listed`),
    which can show it before the metrics come.
    """
    listed(log.exchanges)
    log.side_by_side(projects, lambda fork, project: _read_project(fork, project, specs))


def _read_project(log: PollLog, project: str, specs: tuple[MetricSpec, ...]) -> None:
    """One project's metrics, one ``ListTimeSeries`` each, in order."""
    from google.cloud import monitoring_v3

    client = log.clients.monitoring
    ends = log.clients.monitoring_ends
    for spec in specs:
        key = (log.source, project, spec.filter)
        last_end = ends.get(key)
        start, end = window(last_end, log.t)
        spans = [(start, end, ALIGNMENT_SECONDS)]
        if spec.cumulative and last_end is None:
            spans.insert(0, (start - TOTALS_LOOKBACK, start, int(TOTALS_LOOKBACK.total_seconds())))
        for since, until, seconds in spans:
            request = monitoring_v3.ListTimeSeriesRequest(
                name=f"projects/{project}",
                filter=spec.filter,
                interval=monitoring_v3.TimeInterval(start_time=since, end_time=until),
                aggregation=monitoring_v3.Aggregation(
                    alignment_period={"seconds": seconds},
                    per_series_aligner=spec.aligner,
                    cross_series_reducer=spec.reducer,
                    group_by_fields=[spec.group_by, *spec.also_by],
                ),
                view=monitoring_v3.ListTimeSeriesRequest.TimeSeriesView.FULL,
            )
            error = log.call(fmt.MON_LIST_TIME_SERIES, client.list_time_series, request)
            if error is not None:
                break
        if error is None:
            ends[key] = end
        elif error.code in _STOP_PROJECT:
            return
