"""BigQuery jobs: ``jobs.list`` resources and ``INFORMATION_SCHEMA.JOBS`` rows → :class:`Job`.

``jobs.list`` (projection ``full``) gives each job as the REST ``Job`` resource: ``jobReference``,
``configuration`` (``jobType``, ``query``/``load``/``copy``/``extract``, ``labels``), ``statistics``
(epoch-millisecond strings, int64 strings, ``reservation_id``), ``status`` and ``user_email``, or for a
workforce or workload identity federation principal only ``principal_subject`` (``principal://iam.googleapis
.com/locations/global/workforcePools/POOL/subject/SUBJECT``), which then names the job's principal, as it
does for a history row without ``user_email``. A PENDING job may carry nothing but its
reference and ``creationTime``. The history query's rows carry the columns of
:data:`dashboard.queries.JOBS_HISTORY_COLUMNS`, already decoded by :mod:`dashboard.parsers.bqrows`.
"""

from __future__ import annotations

from typing import Any

from dashboard.models import Job
from dashboard.parsers.common import (
    Garbage,
    items,
    obj,
    opt_bool,
    opt_epoch_ms,
    opt_int64,
    str_map,
)
from dashboard.parsers.share import NO_LABELS, name, opt_name, text
from dashboard.parsers.share import labels as shared_labels

_CONFIG_KINDS = (("query", "QUERY"), ("load", "LOAD"), ("copy", "COPY"), ("extract", "EXTRACT"))
"""``configuration`` keys and the job type each means, for a resource without ``configuration.jobType``."""

_EMPTY: dict[str, Any] = {}


def job_from_resource(resource: Any) -> Job:
    """One ``jobs.list`` item (or ``jobs.get`` resource) as a :class:`Job` with origin ``list``.

    Raises:
        Garbage: No reference to the job, or parts that are not objects.
        KeyError, ValueError, TypeError: Malformed fields (the poll reader reports them).
    """
    r = obj(resource, "a job")
    ref = r.get("jobReference")
    if ref:
        project, job_id, location = ref["projectId"], ref["jobId"], ref.get("location")
    else:
        project, location, job_id = _split_job_id(r.get("id"))
    config = r.get("configuration") or _EMPTY
    stats = r.get("statistics") or _EMPTY
    status = r.get("status") or _EMPTY
    job_type = config.get("jobType")
    if not job_type:
        job_type = next((kind for key, kind in _CONFIG_KINDS if key in config), "UNKNOWN")
    query_config = config.get("query") or _EMPTY
    query_stats = stats.get("query")
    ml = _ml_statistics(query_stats.get("mlStatistics") if isinstance(query_stats, dict) else None)
    if query_stats:
        statement_type = query_stats.get("statementType")
        processed = query_stats.get("totalBytesProcessed") or stats.get("totalBytesProcessed")
        billed = query_stats.get("totalBytesBilled") or stats.get("totalBytesBilled")
        slot_ms = query_stats.get("totalSlotMs") or stats.get("totalSlotMs")
        cache_hit = query_stats.get("cacheHit")
    else:
        statement_type = None
        processed = stats.get("totalBytesProcessed")
        billed = stats.get("totalBytesBilled")
        slot_ms = stats.get("totalSlotMs")
        cache_hit = None
    error = status.get("errorResult") or r.get("errorResult") or _EMPTY
    destination = (
        query_config.get("destinationTable")
        or (config.get("load") or _EMPTY).get("destinationTable")
        or (config.get("copy") or _EMPTY).get("destinationTable")
    )
    return Job(
        project=name(project),
        job_id=job_id,
        location=opt_name(location),
        job_type=name(job_type),
        state=name(r.get("state") or status.get("state") or "UNKNOWN"),
        statement_type=opt_name(statement_type),
        principal=opt_name(r.get("user_email") or r.get("principal_subject")),
        created=opt_epoch_ms(stats.get("creationTime")),
        started=opt_epoch_ms(stats.get("startTime")),
        ended=opt_epoch_ms(stats.get("endTime")),
        priority=opt_name(query_config.get("priority")),
        bytes_processed=opt_int64(processed),
        bytes_billed=opt_int64(billed),
        slot_ms=opt_int64(slot_ms),
        cache_hit=opt_bool(cache_hit),
        reservation=opt_name(stats.get("reservation_id") or stats.get("reservationId")),
        edition=opt_name(stats.get("edition")),
        error_reason=opt_name(error.get("reason")),
        error_message=text(error.get("message")),
        query=text(query_config.get("query")),
        labels=shared_labels(str_map(config.get("labels"))),
        parent_job_id=text(stats.get("parentJobId")),
        num_child_jobs=opt_int64(stats.get("numChildJobs")),
        destination_table=text(_table(destination, "projectId", "datasetId", "tableId")),
        **ml,
        origin="list",
    )


def _ml_statistics(ml: Any) -> dict[str, Any]:
    """A BigQuery ML job's ``statistics.query.mlStatistics`` as :class:`Job` fields (``modelType``,
    ``trainingType``, ``maxIterations`` an int64 string, ``iterationResults[]`` with ``trainingLoss``
    doubles). Lenient: a malformed part is left out, the job is kept."""
    if not isinstance(ml, dict):
        return {}
    results = ml.get("iterationResults")
    results = [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []
    losses = tuple(
        float(r["trainingLoss"])
        for r in results
        if isinstance(r.get("trainingLoss"), (int, float, str)) and _is_number(r["trainingLoss"])
    )
    try:
        max_iterations = opt_int64(ml.get("maxIterations"))
    except (TypeError, ValueError):
        max_iterations = None
    model_type, training_type = ml.get("modelType"), ml.get("trainingType")
    return {
        "ml_model_type": opt_name(model_type) if isinstance(model_type, str) else None,
        "ml_training_type": opt_name(training_type) if isinstance(training_type, str) else None,
        "ml_iterations": len(results) if "iterationResults" in ml else None,
        "ml_max_iterations": max_iterations,
        "ml_losses": losses,
    }


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, bool)


def _split_job_id(full: Any) -> tuple[str, str | None, str]:
    """``project:location.job_id`` (a job resource's ``id``) → (project, location, job id)."""
    if not isinstance(full, str) or ":" not in full:
        raise Garbage("a job has neither a jobReference nor an id")
    project, _, rest = full.partition(":")
    location, dot, job_id = rest.partition(".")
    if not dot:
        return project, None, rest
    return project, location or None, job_id


def _table(ref: Any, project: str, dataset: str, table: str) -> str | None:
    """A table reference as ``project.dataset.table``."""
    if not ref:
        return None
    parts = (ref.get(project), ref.get(dataset), ref.get(table))
    return ".".join(p for p in parts if p) or None


def jobs_from_list(response: dict[str, Any]) -> list[Job]:
    """Every job of one ``jobs.list`` page."""
    return [job_from_resource(j) for j in items(response, "jobs")]


def job_from_history(row: dict[str, Any], location: str | None) -> Job:
    """One decoded ``INFORMATION_SCHEMA.JOBS`` row as a :class:`Job` with origin ``history``.

    Args:
        row: Columns by name (:data:`dashboard.queries.JOBS_HISTORY_COLUMNS`), NULL as None.
        location: The BigQuery location the query ran in (its request's ``location``).

    Raises:
        Garbage: A row without project or job id.
    """
    project, job_id = row.get("project_id"), row.get("job_id")
    if not project or not job_id:
        raise Garbage("a history row has no project_id or job_id")
    error = row.get("error_result") or _EMPTY
    labels = row.get("labels")
    return Job(
        project=name(project),
        job_id=job_id,
        location=opt_name(location),
        job_type=name(row.get("job_type") or "UNKNOWN"),
        state=name(row.get("state") or "UNKNOWN"),
        statement_type=opt_name(row.get("statement_type")),
        principal=opt_name(row.get("user_email") or row.get("principal_subject")),
        created=row.get("creation_time"),
        started=row.get("start_time"),
        ended=row.get("end_time"),
        priority=opt_name(row.get("priority")),
        bytes_processed=row.get("total_bytes_processed"),
        bytes_billed=row.get("total_bytes_billed"),
        slot_ms=row.get("total_slot_ms"),
        cache_hit=row.get("cache_hit"),
        reservation=opt_name(row.get("reservation_id")),
        edition=opt_name(row.get("edition")),
        error_reason=opt_name(error.get("reason")),
        error_message=text(error.get("message")),
        query=text(row.get("query")),
        labels=shared_labels({kv["key"]: kv["value"] for kv in labels if kv}) if labels else NO_LABELS,
        parent_job_id=text(row.get("parent_job_id")),
        destination_table=text(_table(row.get("destination_table"), "project_id", "dataset_id", "table_id")),
        origin="history",
    )
