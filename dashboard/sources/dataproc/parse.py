"""Dataproc (proto JSON) → :class:`Cluster` and :class:`Batch`, and one poll of the Dataproc source →
:class:`DataprocData` (jobs: :mod:`dashboard.sources.dataproc.parse_jobs`).

Per project and region the poll lists clusters (primary, per project and region: a failed listing marks
that part incomplete, the poll fails only when none answered), Serverless batches
and cluster jobs (secondary: a failure only warns; jobs that ended more than a day before the poll are
left out); then it reads YARN metrics from Monitoring, grouped by ``resource.label.cluster_name``
(secondary). A cluster in ERROR or being created may lack ``metrics`` and even ``config``: every part of it
is optional.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from dashboard.models import Batch, Cluster, DataprocData, DataprocJob, NodeGroup
from dashboard.parsers.common import (
    TimeCache,
    int_map,
    items,
    name_segments,
    obj,
    opt_duration,
    opt_int64,
    short_name,
    str_map,
)
from dashboard.parsers.monitoring import SeriesCollector
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.dataproc.parse_jobs import RECENT_JOBS, batch_kind, jobs_from_list

_EMPTY: dict[str, Any] = {}

_GROUPS: tuple[tuple[Literal["master", "worker", "secondary"], str], ...] = (
    ("master", "masterConfig"),
    ("worker", "workerConfig"),
    ("secondary", "secondaryWorkerConfig"),
)


def cluster_from_json(
    resource: Any, region: str, project: str | None = None, times: TimeCache | None = None
) -> Cluster:
    """A ``Cluster`` message.

    Args:
        resource: The cluster's proto JSON.
        region: The region it was listed in (the request's ``region``: the cluster does not say).
        project: The project it was listed in, for a cluster without ``projectId``.
        times: The poll's timestamp cache, if any.

    Raises:
        Garbage, KeyError, ValueError, TypeError: Not a cluster.
    """
    c = obj(resource, "a cluster")
    ts = times if times is not None else TimeCache()
    config = c.get("config") or _EMPTY
    status = c.get("status") or _EMPTY
    lifecycle = config.get("lifecycleConfig") or _EMPTY
    groups: list[NodeGroup] = []
    for role, key in _GROUPS:
        group = config.get(key)
        if group:
            groups.append(
                NodeGroup(
                    role=role,
                    count=opt_int64(group.get("numInstances")) or 0,
                    machine_type=short_name(group.get("machineTypeUri")),
                    preemptibility=_preemptibility(role, group),
                    accelerators=_accelerators(group.get("accelerators")),
                )
            )
    state_since = _time(ts, status.get("stateStartTime"))
    created = _created(c.get("statusHistory"), ts)
    if created is None and status.get("state") == "CREATING":
        created = state_since
    auto_delete = _time(ts, lifecycle.get("autoDeleteTime"))
    if auto_delete is None and created is not None:
        ttl = opt_duration(lifecycle.get("autoDeleteTtl"))
        auto_delete = None if ttl is None else created + timedelta(seconds=ttl)
    metrics = c.get("metrics") or _EMPTY
    return Cluster(
        project=c.get("projectId") or project or "",
        region=region,
        name=c["clusterName"],
        uuid=c.get("clusterUuid"),
        state=status.get("state") or "UNKNOWN",
        substate=status.get("substate"),
        state_since=state_since,
        detail=status.get("detail"),
        created=created,
        stopped=_stopped(c.get("statusHistory"), status, ts),
        groups=tuple(groups),
        zone=short_name((config.get("gceClusterConfig") or _EMPTY).get("zoneUri")),
        image_version=(config.get("softwareConfig") or _EMPTY).get("imageVersion"),
        idle_delete_ttl_s=opt_duration(lifecycle.get("idleDeleteTtl")),
        idle_since=_time(ts, lifecycle.get("idleStartTime")),
        auto_delete_time=auto_delete,
        labels=str_map(c.get("labels")),
        yarn=int_map(metrics.get("yarnMetrics")),
        hdfs=int_map(metrics.get("hdfsMetrics")),
    )


def _preemptibility(role: str, group: dict[str, Any]) -> str | None:
    """An ``InstanceGroupConfig``'s ``preemptibility``; unset (or UNSPECIFIED) it is the group's default,
    PREEMPTIBLE for secondary workers (and for a group ``isPreemptible`` says is), else left None
    (NON_PREEMPTIBLE, the only choice for the master and primary workers)."""
    value = group.get("preemptibility")
    if value and value != "PREEMPTIBILITY_UNSPECIFIED":
        return str(value)
    return "PREEMPTIBLE" if role == "secondary" or group.get("isPreemptible") is True else None


def _accelerators(configs: Any) -> dict[str, int]:
    """``accelerators[]`` of an ``InstanceGroupConfig``: type (short name of ``acceleratorTypeUri``) -> GPUs
    per node, summed when a type is listed twice; entries without a type or count are left out."""
    found: dict[str, int] = {}
    for config in configs or ():
        if not isinstance(config, dict):
            continue
        name = short_name(config.get("acceleratorTypeUri"))
        count = opt_int64(config.get("acceleratorCount")) or 0
        if name and count > 0:
            found[name] = found.get(name, 0) + count
    return found


def _time(times: TimeCache, value: str | None) -> datetime | None:
    return times[value] if value else None


def _created(history: Any, times: TimeCache) -> datetime | None:
    """The earliest CREATING in a status history, else its earliest entry."""
    if not history:
        return None
    creating: list[datetime] = []
    every: list[datetime] = []
    for entry in history:
        when = entry.get("stateStartTime")
        if not when:
            continue
        t = times[when]
        every.append(t)
        if entry.get("state") == "CREATING":
            creating.append(t)
    return min(creating) if creating else min(every) if every else None


def _stopped(
    history: Any, status: dict[str, Any], times: TimeCache
) -> tuple[tuple[datetime, datetime | None], ...]:
    """The STOPPED stretches of a status history and current status: each from its ``stateStartTime`` to
    the next entry's (None for the current status)."""
    entries = [e for e in (history or ()) if isinstance(e, dict) and e.get("stateStartTime")]
    if status.get("stateStartTime"):
        entries.append(status)
    timed = sorted(((times[e["stateStartTime"]], e.get("state")) for e in entries), key=lambda e: e[0])
    found: list[tuple[datetime, datetime | None]] = []
    for i, (since, state) in enumerate(timed):
        if state == "STOPPED":
            found.append((since, timed[i + 1][0] if i + 1 < len(timed) else None))
    return tuple(found)


def batch_from_json(resource: Any, times: TimeCache | None = None) -> Batch:
    """A Dataproc Serverless ``Batch`` message (``projects/P/locations/R/batches/ID``).

    ``runtimeInfo.approximateUsage`` (DCU and shuffle use so far) and ``currentUsage`` (what a running
    batch holds now) may both be missing: a PENDING batch has neither.
    """
    b = obj(resource, "a batch")
    ts = times if times is not None else TimeCache()
    name = b["name"]
    project, region, batch_id = name_segments(name, "projects", "locations", "batches")
    info = b.get("runtimeInfo") or _EMPTY
    usage = info.get("approximateUsage") or _EMPTY
    current = info.get("currentUsage") or _EMPTY
    state = b.get("state") or "STATE_UNSPECIFIED"
    state_time = _time(ts, b.get("stateTime"))
    running = [
        ts[e["stateStartTime"]]
        for e in b.get("stateHistory") or ()
        if e.get("state") == "RUNNING" and e.get("stateStartTime")
    ]
    if state == "RUNNING" and state_time is not None:
        running.append(state_time)
    kind, main = batch_kind(b)
    execution = (b.get("environmentConfig") or _EMPTY).get("executionConfig") or _EMPTY
    return Batch(
        name=name,
        project=project,
        region=region,
        batch_id=batch_id,
        uuid=b.get("uuid") or None,
        state=state,
        state_message=b.get("stateMessage") or None,
        created=_time(ts, b.get("createTime")),
        state_time=state_time,
        started=min(running) if running else None,
        creator=b.get("creator") or None,
        batch_type=kind,
        main=main,
        runtime_version=(b.get("runtimeConfig") or _EMPTY).get("version") or None,
        service_account=execution.get("serviceAccount") or None,
        milli_dcu_seconds=opt_int64(usage.get("milliDcuSeconds")) or 0,
        shuffle_storage_gb_seconds=opt_int64(usage.get("shuffleStorageGbSeconds")) or 0,
        current_milli_dcu=opt_int64(current.get("milliDcu")),
        current_shuffle_gb=opt_int64(current.get("shuffleStorageGb")),
        labels=str_map(b.get("labels")),
    )


def clusters_from_list(
    response: dict[str, Any], region: str, project: str | None, times: TimeCache | None = None
) -> list[Cluster]:
    """Every cluster of one ``ListClusters`` page."""
    return [cluster_from_json(c, region, project, times) for c in items(response, "clusters")]


def batches_from_list(response: dict[str, Any], times: TimeCache | None = None) -> list[Batch]:
    """Every batch of one ``ListBatches`` page."""
    return [batch_from_json(b, times) for b in items(response, "batches")]


def parse_dataproc(exchanges: Sequence[Exchange], ctx: PollContext) -> DataprocData:
    """Build the Dataproc source's data from every exchange of one poll.

    Raises:
        SourceError: No ``ListClusters`` answered (a page failed or is garbage in every project and region).
    """
    clusters: list[Cluster] = []
    batches: list[Batch] = []
    jobs: list[DataprocJob] = []
    collector = SeriesCollector(ctx.times)
    times = ctx.times
    for ex in exchanges:
        method = ex.method
        request = request_of(ex)
        if method == fmt.DATAPROC_LIST_CLUSTERS:
            region = str(request.get("region") or "")
            project = request.get("projectId")
            project = project if isinstance(project, str) else None
            part = f"{project or '?'}/{region or '?'}"
            clusters.extend(ctx.listing(ex, part, clusters_from_list, region, project, times) or ())
        elif method == fmt.DATAPROC_LIST_BATCHES:
            found = ctx.secondary(ex, "Serverless batches not shown", batches_from_list, times)
            batches.extend(found or ())
        elif method == fmt.DATAPROC_LIST_JOBS:
            region = str(request.get("region") or "")
            project = request.get("projectId")
            project = project if isinstance(project, str) else None
            since = ex.t - RECENT_JOBS
            found_jobs = ctx.secondary(
                ex, "Dataproc jobs not shown", jobs_from_list, region, project, since, times
            )
            jobs.extend(found_jobs or ())
        elif method == fmt.MON_LIST_TIME_SERIES:
            collector.read(ctx, ex)
    ctx.check()
    return DataprocData(
        clusters=tuple(clusters),
        batches=tuple(batches),
        jobs=tuple(_unique_jobs(jobs)),
        series=collector.series(),
        incomplete=ctx.incomplete,
        warnings=ctx.warnings,
        metrics_unavailable=collector.unavailable(),
    )


def _unique_jobs(jobs: list[DataprocJob]) -> list[DataprocJob]:
    """Each job once (a job that ended between the ACTIVE and the NON_ACTIVE listing is in both: the
    later listing's copy wins)."""
    return list({j.key: j for j in jobs}.values())
