"""Vertex AI (REST JSON) → :class:`PipelineRun` and :class:`MonitoringJob`; one poll → :class:`VertexData`.

Per project and region the ``pipelineJobs.list`` pages are primary (a failed one marks ``project/region``
incomplete; the poll fails only when no page answered); the monitoring jobs and their stats anomalies are
secondary (a warning). A field left out or of the wrong shape is None; a state gcpdash does not know is kept
as it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from dashboard.parsers.common import Garbage, TimeCache, items, opt_duration, str_map
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording.format import Exchange
from dashboard.sources.vertex.model import (
    LIST_MONITORING_JOBS,
    LIST_PIPELINE_JOBS,
    SEARCH_ANOMALIES,
    FeatureAlert,
    MonitoringJob,
    PipelineRun,
    TaskDetail,
    VertexData,
)

"""Vertex AI's REST methods as the recordings name them (the discovery ids without ``projects.locations``).
The search is a POST that reads (Google's reference: "Searches Model Monitoring Statistics generated within
a given time window")."""

_EMPTY: dict[str, Any] = {}
_NAME = re.compile(r"^projects/([^/]+)/locations/([^/]+)/([A-Za-z]+)/([^/]+)$")
_STAMP = re.compile(r"-\d{14}$")
"""The ``-YYYYMMDDhhmmss`` suffix the KFP SDK gives a run's display name and id."""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else _EMPTY


def _name(value: Any, collection: str) -> tuple[str, str, str]:
    """``projects/P/locations/R/<collection>/X`` → ``(P, R, X)``.

    Raises:
        Garbage: Not such a name.
    """
    found = _NAME.match(value) if isinstance(value, str) else None
    if found is None or found.group(3) != collection:
        raise Garbage(f"{value!r} is not a {collection} name")
    return found.group(1), found.group(2), found.group(4)


def _time(times: TimeCache, value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return times[value]
    except (ValueError, OverflowError):
        return None


def _error(value: Any) -> str | None:
    """A ``google.rpc.Status``: ``code N: message`` (None when it is absent or code 0)."""
    body = _dict(value)
    code, message = body.get("code"), str(body.get("message") or "")
    if not code and not message:
        return None
    return f"code {code}: {message}" if code else message


def _task(body: dict[str, Any], times: TimeCache) -> TaskDetail:
    return TaskDetail(
        name=str(body.get("taskName") or body.get("taskId") or "?"),
        state=str(body.get("state") or "STATE_UNSPECIFIED"),
        start=_time(times, body.get("startTime")),
        end=_time(times, body.get("endTime")),
        error=_error(body.get("error")),
    )


def template_name(uri: Any) -> str:
    """A template's name: the package of an Artifact Registry URI
    (``https://R-kfp.pkg.dev/PROJECT/REPO/PACKAGE/VERSION``), else the file's name without extension."""
    if not isinstance(uri, str) or not uri:
        return ""
    parts = uri.split("?", 1)[0].rstrip("/").split("/")
    if len(parts) >= 6 and parts[2].endswith("-kfp.pkg.dev"):
        return parts[5]
    return parts[-1].rsplit(".", 1)[0]


def run_from_json(resource: Any, times: TimeCache) -> PipelineRun:
    """A ``PipelineJob`` resource."""
    body = _dict(resource)
    project, region, run_id = _name(body.get("name"), "pipelineJobs")
    display = str(body.get("displayName") or "")
    info = _dict(_dict(body.get("pipelineSpec")).get("pipelineInfo"))
    template = template_name(body.get("templateUri"))
    pipeline = str(info.get("name") or "") or template or _STAMP.sub("", display or run_id)
    tasks = [_task(_dict(t), times) for t in items(_dict(body.get("jobDetail")), "taskDetails")]
    return PipelineRun(
        project=project,
        region=region,
        run_id=run_id,
        name=str(body["name"]),
        pipeline=pipeline,
        display_name=display,
        state=str(body.get("state") or "PIPELINE_STATE_UNSPECIFIED"),
        created=_time(times, body.get("createTime")),
        start=_time(times, body.get("startTime")),
        end=_time(times, body.get("endTime")),
        labels=str_map(body.get("labels")),
        error=_error(body.get("error")),
        tasks=tuple(t for t in tasks if t.name != pipeline or len(tasks) == 1),
    )


def runs_page(response: dict[str, Any], times: TimeCache) -> list[PipelineRun]:
    """Every run of one ``pipelineJobs.list`` page."""
    return [run_from_json(r, times) for r in items(response, "pipelineJobs")]


def _thresholds(config: dict[str, Any], key: str, default_key: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for feature, threshold in _dict(config.get(key)).items():
        value = _dict(threshold).get("value")
        if isinstance(value, (int, float)):
            found[str(feature)] = float(value)
    default = _dict(config.get(default_key)).get("value")
    if isinstance(default, (int, float)):
        found["*"] = float(default)
    return found


def monitoring_from_json(resource: Any, times: TimeCache) -> MonitoringJob:
    """A ``ModelDeploymentMonitoringJob`` resource."""
    body = _dict(resource)
    project, region, job_id = _name(body.get("name"), "modelDeploymentMonitoringJobs")
    drift: dict[str, float] = {}
    skew: dict[str, float] = {}
    models: list[str] = []
    for raw in items(body, "modelDeploymentMonitoringObjectiveConfigs"):
        config = _dict(raw)
        if config.get("deployedModelId"):
            models.append(str(config["deployedModelId"]))
        objective = _dict(config.get("objectiveConfig"))
        drift.update(
            _thresholds(
                _dict(objective.get("predictionDriftDetectionConfig")),
                "driftThresholds",
                "defaultDriftThreshold",
            )
        )
        skew.update(
            _thresholds(
                _dict(objective.get("trainingPredictionSkewDetectionConfig")),
                "skewThresholds",
                "defaultSkewThreshold",
            )
        )
    latest = _dict(body.get("latestMonitoringPipelineMetadata"))
    schedule = _dict(body.get("modelDeploymentMonitoringScheduleConfig"))
    interval = schedule.get("monitorInterval")
    return MonitoringJob(
        project=project,
        region=region,
        job_id=job_id,
        name=str(body["name"]),
        display_name=str(body.get("displayName") or ""),
        endpoint=str(body.get("endpoint") or ""),
        state=str(body.get("state") or "JOB_STATE_UNSPECIFIED"),
        schedule_state=str(body.get("scheduleState") or ""),
        interval_s=opt_duration(interval) if isinstance(interval, str) else None,
        next_run=_time(times, body.get("nextScheduleTime")),
        last_run=_time(times, latest.get("runTime")),
        last_error=_error(latest.get("status")),
        deployed_models=tuple(models),
        drift_thresholds=drift,
        skew_thresholds=skew,
    )


def monitoring_page(response: dict[str, Any], times: TimeCache) -> list[MonitoringJob]:
    """Every job of one ``modelDeploymentMonitoringJobs.list`` page."""
    return [monitoring_from_json(j, times) for j in items(response, "modelDeploymentMonitoringJobs")]


def alerts_page(response: dict[str, Any], times: TimeCache) -> list[FeatureAlert]:
    """The features of one stats-anomalies page whose latest prediction stats crossed the threshold."""
    found: list[FeatureAlert] = []
    for raw in items(response, "monitoringStats"):
        stats = _dict(raw)
        objective = str(stats.get("objective") or "")
        for one in items(stats, "featureStats"):
            feature = _dict(one)
            points = [_dict(p) for p in items(feature, "predictionStats")]
            if not points:
                continue
            latest = max(points, key=lambda p: str(p.get("endTime") or ""))
            score = latest.get("distributionDeviation", latest.get("score"))
            limit = _dict(feature.get("threshold")).get("value")
            limit = (
                limit if limit is not None else _dict(latest.get("anomalyDetectionThreshold")).get("value")
            )
            if not isinstance(score, (int, float)) or not isinstance(limit, (int, float)) or score < limit:
                continue
            found.append(
                FeatureAlert(
                    feature=str(feature.get("featureDisplayName") or "?"),
                    objective=objective,
                    deployed_model_id=str(stats.get("deployedModelId") or ""),
                    score=float(score),
                    threshold=float(limit),
                    at=_time(times, latest.get("endTime")),
                )
            )
    return found


def part_of(exchange: Exchange) -> str:
    """``project/region`` of a Vertex AI request's path (``.../projects/P/locations/R/...``)."""
    parts = str(exchange.path or "").split("/")
    if "projects" in parts and parts.index("projects") + 3 < len(parts):
        i = parts.index("projects")
        return f"{parts[i + 1]}/{parts[i + 3]}"
    return "?"


def _job_name(exchange: Exchange) -> str:
    path = str(exchange.path or "")
    at = path.find("projects/")
    return path[at:].split(":", 1)[0] if at >= 0 else path


def parse_vertex(exchanges: Sequence[Exchange], ctx: PollContext) -> VertexData:
    """The Vertex AI source's data from every exchange of one poll.

    Raises:
        SourceError: No project's and region's pipeline listing answered.
    """
    runs: dict[str, PipelineRun] = {}
    jobs: dict[str, MonitoringJob] = {}
    alerts: dict[str, list[FeatureAlert]] = {}
    read: set[str] = set()
    for ex in exchanges:
        if ex.method == LIST_PIPELINE_JOBS:
            page = ctx.listing(ex, part_of(ex), runs_page, ctx.times)
            for run in page or ():
                runs.setdefault(run.key, run)
        elif ex.method == LIST_MONITORING_JOBS:
            what = f"Vertex AI model monitoring of {part_of(ex)} not shown"
            for job in ctx.secondary(ex, what, monitoring_page, ctx.times) or ():
                jobs.setdefault(job.key, job)
        elif ex.method == SEARCH_ANOMALIES:
            name = _job_name(ex)
            model = str(request_of(ex).get("deployedModelId") or "")
            what = f"model monitoring alerts of {name.rsplit('/', 1)[-1]} ({model}) not shown"
            found = ctx.secondary(ex, what, alerts_page, ctx.times)
            if found is not None:
                read.add(name)
                alerts.setdefault(name, []).extend(found)
    ctx.check()
    monitoring = tuple(
        msgspec.structs.replace(j, alerts=tuple(alerts.get(j.name, ())), anomalies_read=j.name in read)
        for j in jobs.values()
    )
    return VertexData(
        runs=tuple(runs.values()),
        monitoring=monitoring,
        warnings=ctx.warnings,
        incomplete=ctx.incomplete,
    )
