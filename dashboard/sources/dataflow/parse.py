"""Dataflow (proto JSON) → :class:`DataflowJob`, and one poll of the Dataflow source → :class:`DataflowData`.

Per project the poll lists jobs of every region (``AggregatedListJobs``, primary, per project: a failed
listing marks that project incomplete, the poll fails only when none answered), then reads each Dataflow
metric from Monitoring grouped by ``metric.label.job_id`` and ``tables.get`` of the BigQuery tables the
running jobs write (both secondary). List responses carry job summaries
(``JOB_VIEW_SUMMARY``): no ``environment``, so whether a job runs on Streaming Engine, and its workers
(count, machine type, disk size and type), are unknown (None) unless a job carries one, which is read
leniently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dashboard.models import DataflowData, DataflowJob
from dashboard.parsers.bq_tables import TableCollector
from dashboard.parsers.bq_tables import table_id as table_id  # noqa: PLC0414 (re-exported: it was here)
from dashboard.parsers.common import TimeCache, items, obj, opt_int64, short_name, str_map
from dashboard.parsers.monitoring import SeriesCollector
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

_EMPTY: dict[str, Any] = {}

STREAMING_ENGINE_EXPERIMENTS = frozenset({"enable_streaming_engine", "enable_windmill_service"})
"""Pipeline experiments that turn Streaming Engine on."""
STREAMING_ENGINE_MODES = frozenset({"STREAMING_MODE_AT_LEAST_ONCE"})
"""``environment.streamingMode`` values that only run on Streaming Engine."""


def dataflow_job_from_json(
    resource: Any, project: str | None = None, times: TimeCache | None = None
) -> DataflowJob:
    """A Dataflow ``Job`` message (as ``ListJobs``/``AggregatedListJobs`` return it).

    Args:
        resource: The job's proto JSON.
        project: The project it was listed in, for a job without ``projectId``.
        times: The poll's timestamp cache, if any.

    Raises:
        Garbage, KeyError, ValueError, TypeError: Not a job.
    """
    j = obj(resource, "a Dataflow job")
    ts = times if times is not None else TimeCache()
    job_id = j["id"]
    state_time, created, started = j.get("currentStateTime"), j.get("createTime"), j.get("startTime")
    return DataflowJob(
        project=j.get("projectId") or project or "",
        location=j.get("location") or "",
        job_id=job_id,
        name=j.get("name") or job_id,
        job_type=j.get("type") or "JOB_TYPE_UNKNOWN",
        state=j.get("currentState") or "JOB_STATE_UNKNOWN",
        state_time=ts[state_time] if state_time else None,
        created=ts[created] if created else None,
        started=ts[started] if started else None,
        sdk=_sdk(j.get("jobMetadata")),
        streaming_engine=_streaming_engine(j.get("environment")),
        labels=str_map(j.get("labels")),
        **_workers(j.get("environment")),
        **_connectors(j.get("jobMetadata"), j.get("projectId") or project or ""),
    )


def _full_name(name: str, project: str, kind: str) -> str:
    """``projects/P/<kind>/N`` for a Pub/Sub name given whole or short (then in the job's project)."""
    return name if name.startswith("projects/") else f"projects/{project}/{kind}/{name}"


def _connectors(metadata: Any, project: str) -> dict[str, Any]:
    """What ``jobMetadata`` says a job reads and writes, read leniently: the subscriptions and topics of its
    ``pubsubDetails`` (full names) and the tables of its ``bigqueryDetails`` (``project.dataset.table``;
    a query without a table names none)."""
    if not isinstance(metadata, dict):
        return {}
    found: dict[str, Any] = {}
    subs: list[str] = []
    topics: list[str] = []
    for d in metadata.get("pubsubDetails") or ():
        if not isinstance(d, dict):
            continue
        if isinstance(d.get("subscription"), str) and d["subscription"]:
            subs.append(_full_name(d["subscription"], project, "subscriptions"))
        if isinstance(d.get("topic"), str) and d["topic"]:
            topics.append(_full_name(d["topic"], project, "topics"))
    tables = [
        table_id(d["table"], str(d.get("dataset") or ""), str(d.get("projectId") or project))
        for d in metadata.get("bigqueryDetails") or ()
        if isinstance(d, dict) and isinstance(d.get("table"), str) and d["table"]
    ]
    for field, names in (("pubsub_reads", subs), ("pubsub_topics", topics), ("bigquery_tables", tables)):
        if names:
            found[field] = tuple(dict.fromkeys(names))
    return found


def _workers(environment: Any) -> dict[str, Any]:
    """What ``environment.workerPools`` says of a job's workers, read leniently: their count (summed over
    the pools), machine type, disk size and disk type (the short name of a ``diskType`` URL such as
    ``compute.googleapis.com/projects/p/zones/z/diskTypes/pd-ssd``); only what it says."""
    pools = environment.get("workerPools") if isinstance(environment, dict) else None
    if not isinstance(pools, list) or not pools:
        return {}
    found: dict[str, Any] = {}
    workers = 0
    for pool in pools:
        if not isinstance(pool, dict):
            continue
        workers += opt_int64(pool.get("numWorkers")) or 0
        for field, key in (("worker_machine_type", "machineType"), ("worker_disk_type", "diskType")):
            value = short_name(pool.get(key)) if isinstance(pool.get(key), str) else None
            if value and field not in found:
                found[field] = value
        size = opt_int64(pool.get("diskSizeGb"))
        if size and "worker_disk_gb" not in found:
            found["worker_disk_gb"] = size
    found["workers"] = workers
    return found


def _sdk(metadata: Any) -> str | None:
    """``Apache Beam SDK for Java 2.61.0`` from ``jobMetadata.sdkVersion``."""
    version = (metadata or _EMPTY).get("sdkVersion") or _EMPTY
    parts = [p for p in (version.get("versionDisplayName"), version.get("version")) if p]
    if len(parts) == 2 and parts[1] in parts[0]:
        parts = parts[:1]
    return " ".join(parts) or None


def _streaming_engine(environment: Any) -> bool | None:
    """Whether a job's ``environment`` says it runs on Streaming Engine: None without an environment (a
    job summary, as listings return), else False unless something in it says so."""
    if not isinstance(environment, dict):
        return None
    if environment.get("useStreamingEngineResourceBasedBilling") is True:
        return True
    if environment.get("streamingMode") in STREAMING_ENGINE_MODES:
        return True
    experiments = list(environment.get("experiments") or ())
    options = (environment.get("sdkPipelineOptions") or _EMPTY).get("options") or _EMPTY
    if isinstance(options, dict):
        if options.get("enableStreamingEngine") is True:
            return True
        experiments.extend(options.get("experiments") or ())
    return any(str(e).split("=", 1)[0] in STREAMING_ENGINE_EXPERIMENTS for e in experiments)


def dataflow_jobs_from_list(
    response: dict[str, Any], project: str | None = None, times: TimeCache | None = None
) -> list[DataflowJob]:
    """Every job of one ``ListJobs``/``AggregatedListJobs`` page."""
    return [dataflow_job_from_json(j, project, times) for j in items(response, "jobs")]


def parse_dataflow(exchanges: Sequence[Exchange], ctx: PollContext) -> DataflowData:
    """Build the Dataflow source's data from every exchange of one poll.

    Raises:
        SourceError: No project's job listing answered (a page failed or is garbage in every one).
    """
    jobs: list[DataflowJob] = []
    collector = SeriesCollector(ctx.times)
    tables = TableCollector()
    for ex in exchanges:
        method = ex.method
        if method in (fmt.DATAFLOW_AGGREGATED_LIST_JOBS, fmt.DATAFLOW_LIST_JOBS):
            project = request_of(ex).get("projectId")
            project = project if isinstance(project, str) else None
            page = ctx.listing(ex, project or "?", dataflow_jobs_from_list, project, ctx.times)
            if page is None:
                continue
            jobs.extend(page)
            failed = (ex.response or _EMPTY).get("failedLocation")
            if failed and isinstance(failed, list):
                names = ", ".join(str((f or _EMPTY).get("name", "?")) for f in failed if isinstance(f, dict))
                ctx.warn(f"Dataflow could not list jobs in {names or 'some regions'}; jobs there are missing")
        elif method == fmt.MON_LIST_TIME_SERIES:
            collector.read(ctx, ex)
        elif method == fmt.BQ_TABLES_GET:
            tables.read(ctx, ex)
    ctx.check()
    return DataflowData(
        jobs=tuple(jobs),
        tables=tables.tables(),
        series=collector.series(),
        incomplete=ctx.incomplete,
        warnings=ctx.warnings,
        metrics_unavailable=collector.unavailable(),
    )
