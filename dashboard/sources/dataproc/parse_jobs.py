"""Dataproc ``Job`` (proto JSON, ``JobController.ListJobs``) → :class:`DataprocJob`, and the Serverless
batch's type and main file (the config ``oneof`` of a ``Batch``).

A job does not say its region: the request's ``region`` does. Its type is whichever of the config
``oneof`` (``hadoopJob`` … ``flinkJob``) is set; its start and end come from ``statusHistory`` and
``status`` (PENDING, SETUP_DONE, RUNNING …, then DONE, ERROR or CANCELLED).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from dashboard.models import DataprocJob
from dashboard.parsers.common import TimeCache, items, obj, str_map

JOB_TYPES: tuple[tuple[str, str], ...] = (
    ("hadoopJob", "Hadoop"),
    ("sparkJob", "Spark"),
    ("pysparkJob", "PySpark"),
    ("hiveJob", "Hive"),
    ("pigJob", "Pig"),
    ("sparkRJob", "SparkR"),
    ("sparkSqlJob", "SparkSql"),
    ("prestoJob", "Presto"),
    ("trinoJob", "Trino"),
    ("flinkJob", "Flink"),
)
"""The job config ``oneof`` of ``Job``, by its proto JSON name, and the type it stands for."""

BATCH_TYPES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("pysparkBatch", "PySpark", ("mainPythonFileUri",)),
    ("sparkBatch", "Spark", ("mainClass", "mainJarFileUri")),
    ("sparkSqlBatch", "SparkSql", ("queryFileUri",)),
    ("sparkRBatch", "SparkR", ("mainRFileUri",)),
    ("pysparkNotebookBatch", "PySparkNotebook", ("notebookFileUri",)),
)
"""The batch config ``oneof`` of ``Batch``: its proto JSON name, its type and where its main file is."""

JOB_ENDED_STATES = frozenset({"DONE", "ERROR", "CANCELLED"})

RECENT_JOBS = timedelta(hours=24)
"""How long after it ended a job is still shown."""

_EMPTY: dict[str, Any] = {}


def batch_kind(batch: dict[str, Any]) -> tuple[str | None, str | None]:
    """A batch's type (PySpark, Spark, SparkSql, SparkR) and its main file, class or query file."""
    for key, kind, mains in BATCH_TYPES:
        config = batch.get(key)
        if isinstance(config, dict):
            main = next((config[m] for m in mains if config.get(m)), None)
            return kind, main
    return None, None


def job_from_json(
    resource: Any, region: str, project: str | None = None, times: TimeCache | None = None
) -> DataprocJob:
    """A ``Job`` message as ``ListJobs`` returns it.

    Args:
        resource: The job's proto JSON.
        region: The region it was listed in (the request's ``region``).
        project: The project it was listed in, for a job whose reference lacks ``projectId``.
        times: The poll's timestamp cache, if any.

    Raises:
        Garbage, KeyError, ValueError, TypeError: Not a job.
    """
    j = obj(resource, "a job")
    ts = times if times is not None else TimeCache()
    reference = obj(j["reference"], "a job reference")
    status = j.get("status") or _EMPTY
    state = status.get("state") or "STATE_UNSPECIFIED"
    since = _time(ts, status.get("stateStartTime"))
    history = [(e.get("state"), _time(ts, e.get("stateStartTime"))) for e in j.get("statusHistory") or ()]
    timeline = [*history, (state, since)]
    stamps = [t for _, t in timeline if t is not None]
    running = [t for s, t in timeline if s == "RUNNING" and t is not None]
    job_type = next((kind for key, kind in JOB_TYPES if key in j), "Unknown")
    return DataprocJob(
        project=reference.get("projectId") or project or "",
        region=region,
        job_id=reference["jobId"],
        uuid=j.get("jobUuid") or None,
        cluster=(j.get("placement") or _EMPTY).get("clusterName") or None,
        job_type=job_type,
        state=state,
        state_since=since,
        details=status.get("details") or None,
        submitted=min(stamps) if stamps else None,
        started=min(running) if running else None,
        ended=since if state in JOB_ENDED_STATES else None,
        yarn_applications=len(items(j, "yarnApplications")),
        labels=str_map(j.get("labels")),
    )


def _time(times: TimeCache, value: str | None) -> datetime | None:
    return times[value] if value else None


def jobs_from_list(
    response: dict[str, Any],
    region: str,
    project: str | None,
    since: datetime | None = None,
    times: TimeCache | None = None,
) -> list[DataprocJob]:
    """The jobs of one ``ListJobs`` page: every job not over, and those that ended at ``since`` or later
    (every one when ``since`` is None)."""
    found = [job_from_json(j, region, project, times) for j in items(response, "jobs")]
    if since is None:
        return found
    return [j for j in found if j.ended is None or j.ended >= since]
