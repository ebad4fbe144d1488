"""The Vertex AI source's data: pipeline runs with their tasks, and model monitoring jobs with alerts."""

from __future__ import annotations

from datetime import datetime

import msgspec


class TaskDetail(msgspec.Struct, frozen=True, kw_only=True):
    """One ``PipelineTaskDetail`` of a run's ``jobDetail.taskDetails``."""

    name: str
    """``taskName``."""
    state: str = "STATE_UNSPECIFIED"
    start: datetime | None = None
    end: datetime | None = None
    error: str | None = None
    """``error.message`` (with its code), shown literally."""


class PipelineRun(msgspec.Struct, frozen=True, kw_only=True):
    """One ``PipelineJob`` as ``pipelineJobs.list`` returns it (without its ``pipelineSpec``)."""

    project: str
    region: str
    run_id: str
    """The last part of its name, ``projects/P/locations/R/pipelineJobs/<run_id>``."""
    name: str
    """The full resource name."""
    pipeline: str
    """The pipeline's name (``pipelineSpec.pipelineInfo.name``), else the template's, else the run's display
    name without its timestamp suffix."""
    display_name: str = ""
    state: str = "PIPELINE_STATE_UNSPECIFIED"
    created: datetime | None = None
    start: datetime | None = None
    end: datetime | None = None
    labels: dict[str, str] = {}
    error: str | None = None
    """The run's ``error``: code and message."""
    tasks: tuple[TaskDetail, ...] = ()

    @property
    def key(self) -> str:
        """Its row key: ``project/region/run_id``."""
        return f"{self.project}/{self.region}/{self.run_id}"

    @property
    def short_state(self) -> str:
        """The state without ``PIPELINE_STATE_``: ``FAILED``."""
        return self.state.removeprefix("PIPELINE_STATE_")

    @property
    def failed_task(self) -> TaskDetail | None:
        """The task that failed first, by its end (its error says why the run did; a DAG of a loop or a
        condition around it fails after it, with a generic message), else the first listed."""
        failed = [
            (t.end is None, t.end or datetime.min, i, t)
            for i, t in enumerate(self.tasks)
            if t.state == "FAILED"
        ]
        return min(failed, key=lambda f: f[:3])[3] if failed else None

    def duration_s(self, now: datetime) -> float | None:
        """Seconds from its start to its end (to ``now`` while it runs); None before it starts."""
        if self.start is None:
            return None
        return max(0.0, ((self.end or now) - self.start).total_seconds())


class FeatureAlert(msgspec.Struct, frozen=True, kw_only=True):
    """A feature whose latest drift or skew score crossed its threshold (stats anomalies)."""

    feature: str
    objective: str
    """``RAW_FEATURE_DRIFT``, ``RAW_FEATURE_SKEW``, ``FEATURE_ATTRIBUTION_DRIFT`` or ``..._SKEW``."""
    deployed_model_id: str = ""
    score: float | None = None
    threshold: float | None = None
    at: datetime | None = None
    """The end of the window the score is of."""


class MonitoringJob(msgspec.Struct, frozen=True, kw_only=True):
    """One ``ModelDeploymentMonitoringJob``, with the alerts of its stats anomalies in the window."""

    project: str
    region: str
    job_id: str
    name: str
    display_name: str = ""
    endpoint: str = ""
    """The endpoint's resource name."""
    state: str = "JOB_STATE_UNSPECIFIED"
    schedule_state: str = ""
    """``PENDING``, ``OFFLINE``, ``RUNNING``."""
    interval_s: float | None = None
    """``modelDeploymentMonitoringScheduleConfig.monitorInterval``."""
    next_run: datetime | None = None
    last_run: datetime | None = None
    """``latestMonitoringPipelineMetadata.runTime``."""
    last_error: str | None = None
    """``latestMonitoringPipelineMetadata.status`` when it is an error."""
    deployed_models: tuple[str, ...] = ()
    drift_thresholds: dict[str, float] = {}
    """Per feature (``*``: the default), from ``predictionDriftDetectionConfig``."""
    skew_thresholds: dict[str, float] = {}
    alerts: tuple[FeatureAlert, ...] = ()
    anomalies_read: bool = False
    """True when its stats anomalies were read in this poll."""

    @property
    def key(self) -> str:
        """Its row key: ``project/region/job_id``."""
        return f"{self.project}/{self.region}/{self.job_id}"

    @property
    def endpoint_id(self) -> str:
        """The endpoint's id (the last part of its name)."""
        return self.endpoint.rsplit("/", 1)[-1]


class VertexData(msgspec.Struct, frozen=True, kw_only=True):
    """One poll of the Vertex AI source."""

    runs: tuple[PipelineRun, ...] = ()
    monitoring: tuple[MonitoringJob, ...] = ()
    warnings: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()


# The API methods it reads, as recordings name them (here, not in the parser, so that the spec names them
# without importing the parser).
_PREFIX = "aiplatform."
LIST_PIPELINE_JOBS = _PREFIX + "pipelineJobs.list"
LIST_MONITORING_JOBS = _PREFIX + "modelDeploymentMonitoringJobs.list"
SEARCH_ANOMALIES = _PREFIX + "modelDeploymentMonitoringJobs.searchModelDeploymentMonitoringStatsAnomalies"
