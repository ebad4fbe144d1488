"""The streaming pipelines: which Dataflow job reads which subscription and which BigQuery table it writes,
as one row per subscription, "subscription → reader → table". Pure (no Rich), from a Snapshot: the
app's Pub/Sub pane, ``--once``'s Pub/Sub section (text, Markdown) and its JSON (``pipelines``) show it.

The join, from what the APIs say and nothing guessed from names:
- a Dataflow job reads the subscriptions its ``jobMetadata.pubsubDetails`` names (Dataflow fills them in
  for every listed job) and writes the tables its ``bigqueryDetails`` names;
- a BigQuery export subscription writes its ``bigquery_config.table`` itself, a Cloud Storage export its
  bucket, a push subscription its endpoint;
- a pull subscription no job names has no known reader (another client may pull it: gcpdash cannot see
  who);
- a running job that names a subscription gcpdash does not list (another project's, not monitored) gets a
  row of its own, without backlog figures.

A subscription several jobs name shows the job that still runs (the newest of them), else the newest.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

import msgspec

from dashboard import registry
from dashboard.models import DataflowJob, MetricSeries, Sample, Snapshot
from dashboard.parsers.bq_tables import table_id
from dashboard.sources.dataflow.metrics import LAG, WATERMARK_AGE
from dashboard.sources.pubsub.model import (
    BACKLOG_BYTES,
    OLDEST_UNACKED,
    SUB_BYTE_COST,
    UNDELIVERED,
    PubsubData,
    Subscription,
)
from dashboard.views.items import Item, Seconds, UtcTime

Reader = Literal["dataflow", "bigquery", "cloud_storage", "push", "none"]
"""What takes a subscription's messages: a Dataflow job, the subscription's own export or push, or none
known."""


class PipelineItem(Item, frozen=True, kw_only=True):
    """One pipeline: a subscription, what reads it and where that writes."""

    key: str
    """The subscription's row key, ``project/subscription_id`` (a subscription gcpdash does not list:
    its full name)."""
    project: str
    subscription: str
    """The subscription's id."""
    subscription_name: str
    """Its full name, ``projects/P/subscriptions/S``."""
    listed: bool = True
    """False for a subscription only a job names (not in a monitored project): no backlog figures."""
    topic: str | None = None
    type: str | None = None
    state: str | None = None
    retention_s: Seconds | None = None
    undelivered: float | None = None
    """Messages not yet acknowledged, Monitoring's newest minute."""
    oldest_unacked_s: Seconds | None = None
    backlog_bytes: float | None = None
    reader: Reader = "none"
    reader_name: str | None = None
    """The Dataflow job's name, or the push endpoint."""
    job_project: str | None = None
    job_location: str | None = None
    job_id: str | None = None
    job_state: str | None = None
    system_lag_s: Seconds | None = None
    data_freshness_s: Seconds | None = None
    """The job's data watermark age."""
    writes: tuple[str, ...] = ()
    """BigQuery tables (``project.dataset.table``), or ``gs://bucket`` for a Cloud Storage export."""
    table_modified: UtcTime | None = None
    """The first table's last modified time, when its metadata was read."""
    table_age_s: Seconds | None = None
    """Seconds from that time to the snapshot's."""


SERIES = {
    "undelivered": UNDELIVERED,
    "oldest": OLDEST_UNACKED,
    "backlog_bytes": BACKLOG_BYTES,
    "delivered_bytes": SUB_BYTE_COST,
}
"""The subscription's series a pipeline's charts plot, by name (keyed ``project/subscription_id``)."""


def pubsub_data(snapshot: Snapshot) -> PubsubData:
    """The Pub/Sub source's data in ``snapshot`` (empty before its first poll)."""
    spec = registry.spec("pubsub")
    found = None if spec is None else spec.data_in(snapshot)
    return found if isinstance(found, PubsubData) else PubsubData()


def _last(index: Mapping[tuple[str, str], MetricSeries], metric: str, key: str) -> float | None:
    series = index.get((metric, key))
    return None if series is None else series.last


def _readers(jobs: tuple[DataflowJob, ...]) -> dict[str, DataflowJob]:
    """The job that reads each subscription (full name): a live one before a finished one, newer first."""
    found: dict[str, DataflowJob] = {}

    def rank(job: DataflowJob) -> tuple[bool, float]:
        return (not job.is_terminal, job.created.timestamp() if job.created else 0.0)

    for job in jobs:
        for name in job.pubsub_reads:
            if name not in found or rank(job) > rank(found[name]):
                found[name] = job
    return found


def _table_times(snapshot: Snapshot, pubsub: PubsubData) -> dict[str, datetime]:
    """Each table's last modified time, from the tables the sources read (``tables.get``)."""
    out: dict[str, datetime] = {}
    for table in (*snapshot.dataflow.tables, *pubsub.tables):
        modified = table.last_modified
        if modified is not None:
            out[table.table_id] = max(modified, out.get(table.table_id, modified))
    return out


def _job_part(job: DataflowJob, index: Mapping[tuple[str, str], MetricSeries]) -> dict[str, Any]:
    live = not job.is_terminal
    return {
        "reader": "dataflow",
        "reader_name": job.name,
        "job_project": job.project,
        "job_location": job.location,
        "job_id": job.job_id,
        "job_state": job.state,
        "system_lag_s": _last(index, LAG, job.job_id) if live else None,
        "data_freshness_s": _last(index, WATERMARK_AGE, job.job_id) if live else None,
        "writes": job.bigquery_tables,
    }


def _own_part(sub: Subscription) -> dict[str, Any]:
    """What a subscription delivers by itself: its export or its push endpoint."""
    if sub.bigquery_table:
        return {"reader": "bigquery", "writes": (table_id(sub.bigquery_table),)}
    if sub.cloud_storage_bucket:
        return {"reader": "cloud_storage", "writes": (f"gs://{sub.cloud_storage_bucket}",)}
    if sub.push_endpoint:
        return {"reader": "push", "reader_name": sub.push_endpoint}
    return {}


def _short(name: str) -> tuple[str, str]:
    """(project, id) of ``projects/P/subscriptions/S``."""
    parts = name.split("/")
    return (parts[1], parts[3]) if len(parts) == 4 else ("", name)


def _fresh(writes: tuple[str, ...], times: Mapping[str, datetime], at: datetime) -> dict[str, Any]:
    modified = times.get(writes[0]) if writes else None
    if modified is None:
        return {}
    return {"table_modified": modified, "table_age_s": max(0.0, (at - modified).total_seconds())}


def pipelines(snapshot: Snapshot) -> tuple[PipelineItem, ...]:
    """Every subscription with its reader and what that writes, plus the subscriptions running jobs read
    that are not listed; those with the most undelivered messages first."""
    pubsub = pubsub_data(snapshot)
    index = {(s.metric, s.key): s for s in (*pubsub.series, *snapshot.dataflow.series)}
    readers = _readers(snapshot.dataflow.jobs)
    times = _table_times(snapshot, pubsub)
    at = snapshot.at
    out: list[PipelineItem] = []
    for sub in pubsub.subscriptions:
        job = readers.pop(sub.name, None)
        part = _job_part(job, index) if job is not None else _own_part(sub)
        writes: tuple[str, ...] = part.get("writes", ())
        out.append(
            PipelineItem(
                key=sub.key,
                project=sub.project,
                subscription=sub.subscription_id,
                subscription_name=sub.name,
                topic=sub.topic,
                type=sub.type,
                state=sub.state,
                retention_s=sub.retention_s,
                undelivered=_last(index, UNDELIVERED, sub.key),
                oldest_unacked_s=_last(index, OLDEST_UNACKED, sub.key),
                backlog_bytes=_last(index, BACKLOG_BYTES, sub.key),
                **part,
                **_fresh(writes, times, at),
            )
        )
    for name, job in readers.items():
        if job.is_terminal:
            continue
        project, sub_id = _short(name)
        part = _job_part(job, index)
        out.append(
            PipelineItem(
                key=name,
                project=project,
                subscription=sub_id,
                subscription_name=name,
                listed=False,
                **part,
                **_fresh(job.bigquery_tables, times, at),
            )
        )
    out.sort(key=lambda p: (-(p.undelivered or 0.0), p.key))
    return tuple(out)


def series(snapshot: Snapshot, item: PipelineItem, name: str) -> tuple[Sample, ...]:
    """One of a pipeline's series: a subscription's (:data:`SERIES`) or its job's (``lag``,
    ``freshness``); empty when there is none."""
    if name in ("lag", "freshness"):
        metric, key, pool = (
            LAG if name == "lag" else WATERMARK_AGE,
            item.job_id,
            snapshot.dataflow.series,
        )
    else:
        metric, key, pool = SERIES[name], item.key, pubsub_data(snapshot).series
    if key is None:
        return ()
    found = next((s for s in pool if s.metric == metric and s.key == key), None)
    return () if found is None else found.points


def document(snapshot: Snapshot) -> dict[str, Any]:
    """What its JSON section adds to its data (its spec's ``document``): ``pipelines``, as
    :class:`PipelineItem` objects."""
    return {"pipelines": msgspec.to_builtins(pipelines(snapshot))}
