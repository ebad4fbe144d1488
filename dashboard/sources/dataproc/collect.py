"""The Dataproc pane's data (:class:`DataprocSection`) from a Snapshot: clusters with their shape, YARN use,
$/h and running jobs; the jobs on the clusters; Serverless batches with their DCU use and cost. Pure, no
Rich, like :mod:`dashboard.views.collect` (which re-exports :func:`dataproc_section`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from dashboard import cost as costs
from dashboard.models import Batch, Cluster, DataprocJob, MetricSeries, Snapshot
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.dataproc.cost import batch_usd, batch_usd_per_hour, cluster_shape, cluster_usd_per_hour
from dashboard.views.items import BatchItem, ClusterItem, DataprocJobItem, DataprocSection, NodeGroupItem
from dashboard.views.states import state_look

YARN_MEMORY = "cluster/yarn/allocated_memory_percentage"
YARN_APPS = "cluster/yarn/apps"
"""Metric names as the parsers store them (service prefix removed)."""


def _seconds(a: datetime | None, b: datetime) -> float | None:
    return None if a is None else max(0.0, (b - a).total_seconds())


def _yarn_memory_pct(cluster: Cluster, index: Mapping[tuple[str, str], MetricSeries]) -> float | None:
    series = index.get((YARN_MEMORY, cluster.name))
    if series is not None and series.last is not None:
        return series.last
    total = cluster.yarn.get("yarn-memory-mb-total")
    allocated = cluster.yarn.get("yarn-memory-mb-allocated")
    if total and allocated is not None:
        return allocated / total * 100
    return None


def yarn_apps(cluster: Cluster, index: Mapping[tuple[str, str], MetricSeries]) -> float | None:
    """Running YARN applications: Monitoring's latest point, else the cluster's own metrics."""
    series = index.get((YARN_APPS, cluster.name))
    if series is not None and series.last is not None:
        return series.last
    apps = cluster.yarn.get("yarn-apps-running")
    return None if apps is None else float(apps)


def cluster_item(
    cluster: Cluster,
    now: datetime,
    prices: PriceTable,
    index: Mapping[tuple[str, str], MetricSeries],
    jobs_running: int = 0,
) -> ClusterItem:
    """One cluster, with its shape, YARN use, $/h and the jobs that run on it."""
    shape = cluster_shape(cluster, prices)
    return ClusterItem(
        project=cluster.project,
        region=cluster.region,
        name=cluster.name,
        state=cluster.state,
        status=state_look(cluster).label,
        substate=cluster.substate,
        detail=cluster.detail,
        created=cluster.created,
        age_s=_seconds(cluster.created, now),
        state_since=cluster.state_since,
        groups=tuple(
            NodeGroupItem(
                role=g.role,
                count=g.count,
                machine_type=g.machine_type.rstrip("/").rsplit("/", 1)[-1] if g.machine_type else None,
                preemptibility=g.preemptibility,
            )
            for g in cluster.groups
        ),
        nodes=cluster.node_count,
        vcpus=None if shape is None else shape[0],
        memory_gib=None if shape is None else shape[1],
        yarn_apps_running=yarn_apps(cluster, index),
        yarn_memory_pct=_yarn_memory_pct(cluster, index),
        idle_since=cluster.idle_since,
        idle_delete_ttl_s=cluster.idle_delete_ttl_s,
        auto_delete_time=cluster.auto_delete_time,
        usd_per_hour=cluster_usd_per_hour(cluster, prices),
        labels=cluster.labels,
        jobs_running=jobs_running,
    )


def job_item(job: DataprocJob, now: datetime) -> DataprocJobItem:
    """One cluster job: its type, state and how long it ran."""
    end = job.ended or now
    return DataprocJobItem(
        project=job.project,
        region=job.region,
        job_id=job.job_id,
        cluster=job.cluster,
        job_type=job.job_type,
        state=job.state,
        status=state_look(job).label,
        state_since=job.state_since,
        submitted=job.submitted,
        started=job.started,
        ended=job.ended,
        duration_s=None if job.started is None else _seconds(job.started, end),
        details=job.details,
        yarn_applications=job.yarn_applications,
        uuid=job.uuid,
        labels=job.labels,
    )


def batch_item(batch: Batch, now: datetime, prices: PriceTable) -> BatchItem:
    """One Serverless batch: DCU- and shuffle GB-hours (reported once it completed, else its current use
    over the time it has run) and what that costs."""
    ended = batch.state_time if batch.is_done else None
    started = batch.started
    run_s = None if started is None else _seconds(started, ended or now)
    estimated = not batch.is_done and batch.milli_dcu_seconds == 0 and batch.current_milli_dcu is not None
    if estimated:
        hours = (run_s or 0.0) / 3600
        dcu_hours: float | None = (batch.current_milli_dcu or 0) / 1000 * hours
        gb_hours: float | None = (batch.current_shuffle_gb or 0) * hours
    elif batch.milli_dcu_seconds or batch.is_done:
        dcu_hours = batch.milli_dcu_seconds / 1000 / 3600
        gb_hours = batch.shuffle_storage_gb_seconds / 3600
    else:
        dcu_hours = gb_hours = None
    return BatchItem(
        project=batch.project,
        region=batch.region,
        batch_id=batch.batch_id,
        batch_type=batch.batch_type,
        state=batch.state,
        status=state_look(batch).label,
        state_message=batch.state_message,
        creator=batch.creator,
        runtime_version=batch.runtime_version,
        main=batch.main,
        service_account=batch.service_account,
        created=batch.created,
        started=started,
        ended=ended,
        age_s=_seconds(batch.created, now),
        duration_s=run_s,
        dcu_hours=dcu_hours,
        shuffle_gb_hours=gb_hours,
        usage_estimated=estimated,
        current_dcu=None if batch.current_milli_dcu is None else batch.current_milli_dcu / 1000,
        current_shuffle_gb=None if batch.current_shuffle_gb is None else float(batch.current_shuffle_gb),
        usd=batch_usd(batch, prices, now),
        usd_per_hour=batch_usd_per_hour(batch, prices, now),
        labels=batch.labels,
    )


def _newest_first(when: datetime | None) -> float:
    return -(when.timestamp() if when else 0.0)


def dataproc_section(snapshot: Snapshot, now: datetime, prices: PriceTable | None = None) -> DataprocSection:
    """Clusters by state (errors first, then running, then the rest), then by name; jobs and batches by
    state (failed first), newest first within a state."""
    prices = prices or default_prices()
    data = snapshot.dataproc
    index = costs.series_index(data.series)
    running = Counter((j.project, j.region, j.cluster) for j in data.jobs if j.is_active)
    clusters = sorted(data.clusters, key=lambda c: (state_look(c).rank, c.project, c.name))
    jobs = sorted(data.jobs, key=lambda j: (state_look(j).rank, _newest_first(j.submitted), j.job_id))
    batches = sorted(data.batches, key=lambda b: (state_look(b).rank, _newest_first(b.created), b.batch_id))
    return DataprocSection(
        clusters=tuple(
            cluster_item(c, now, prices, index, running[(c.project, c.region, c.name)]) for c in clusters
        ),
        jobs=tuple(job_item(j, now) for j in jobs),
        batches=tuple(batch_item(b, now, prices) for b in batches),
    )
