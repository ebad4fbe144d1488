"""Dataproc domain models: clusters, the jobs submitted to them, Serverless batches.

Imported by :mod:`dashboard.models`, which re-exports them; states are kept as Dataproc says them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from dashboard.models_base import Model


class NodeGroup(Model, frozen=True):
    """The master, worker or secondary worker group of a Dataproc cluster."""

    role: Literal["master", "worker", "secondary"]
    count: int = 0
    machine_type: str | None = None
    preemptibility: str | None = None
    accelerators: dict[str, int] = {}
    """GPUs attached to each node: accelerator type (short name, ``nvidia-tesla-t4``) -> count per node."""


class Cluster(Model, frozen=True):
    """A Dataproc cluster."""

    project: str
    region: str
    name: str
    uuid: str | None = None
    state: str = "UNKNOWN"
    substate: str | None = None
    state_since: datetime | None = None
    detail: str | None = None
    created: datetime | None = None
    """When the cluster first entered CREATING, from its status history."""
    stopped: tuple[tuple[datetime, datetime | None], ...] = ()
    """The stretches since it was created in which it was STOPPED (its VMs stopped, not billed), from its
    status history and status: (from, until), until None while it is still stopped."""
    groups: tuple[NodeGroup, ...] = ()
    zone: str | None = None
    image_version: str | None = None
    idle_delete_ttl_s: float | None = None
    idle_since: datetime | None = None
    auto_delete_time: datetime | None = None
    labels: dict[str, str] = {}
    yarn: dict[str, int] = {}
    """``metrics.yarn_metrics`` as Dataproc reports them (``yarn-apps-running`` and so on)."""
    hdfs: dict[str, int] = {}

    @property
    def node_count(self) -> int:
        """Every node of every group."""
        return sum(g.count for g in self.groups)


BATCH_DONE_STATES = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
"""Batch states after which a batch no longer runs (or bills)."""


class Batch(Model, frozen=True):
    """A Dataproc Serverless batch."""

    name: str
    project: str
    region: str
    batch_id: str
    uuid: str | None = None
    state: str = "STATE_UNSPECIFIED"
    """PENDING, RUNNING, CANCELLING, CANCELLED, SUCCEEDED or FAILED."""
    state_message: str | None = None
    """Why it is in its state (a failure's reason), as Dataproc says it."""
    created: datetime | None = None
    state_time: datetime | None = None
    started: datetime | None = None
    """When it first entered RUNNING, from its state history (or its state time while RUNNING)."""
    creator: str | None = None
    batch_type: str | None = None
    """PySpark, Spark, SparkSql or SparkR: which of the batch config's ``oneof`` is set."""
    main: str | None = None
    """The main file, class or query file the batch runs."""
    runtime_version: str | None = None
    """``runtimeConfig.version`` (e.g. ``2.2``)."""
    service_account: str | None = None
    milli_dcu_seconds: int = 0
    """``runtimeInfo.approximateUsage``: DCU x 1000 x seconds used so far (final once it ended)."""
    shuffle_storage_gb_seconds: int = 0
    current_milli_dcu: int | None = None
    """``runtimeInfo.currentUsage.milliDcu``: what a running batch holds now, DCU x 1000."""
    current_shuffle_gb: int | None = None
    labels: dict[str, str] = {}

    @property
    def key(self) -> str:
        """``project/region/batch_id``: unique across the polled projects and regions."""
        return f"{self.project}/{self.region}/{self.batch_id}"

    @property
    def is_done(self) -> bool:
        """True once the batch can no longer run."""
        return self.state in BATCH_DONE_STATES


DATAPROC_JOB_ACTIVE_STATES = frozenset(
    {"PENDING", "SETUP_DONE", "RUNNING", "CANCEL_PENDING", "CANCEL_STARTED", "ATTEMPT_FAILURE"}
)
"""Job states in which a job is not over (``JobStateMatcher.ACTIVE`` and the states between)."""


class DataprocJob(Model, frozen=True):
    """A job submitted to a Dataproc cluster (``JobController.ListJobs``)."""

    project: str
    region: str
    """The region it was listed in (the job does not say)."""
    job_id: str
    uuid: str | None = None
    cluster: str | None = None
    """``placement.clusterName``."""
    job_type: str = "Unknown"
    """Which of the job config's ``oneof`` is set: Hadoop, Spark, PySpark, Hive, Pig, SparkR, SparkSql,
    Presto, Trino or Flink."""
    state: str = "STATE_UNSPECIFIED"
    """PENDING, SETUP_DONE, RUNNING, CANCEL_PENDING, CANCEL_STARTED, CANCELLED, DONE, ERROR or
    ATTEMPT_FAILURE."""
    state_since: datetime | None = None
    details: str | None = None
    """``status.details``: why a job failed, as Dataproc says it."""
    submitted: datetime | None = None
    """The earliest entry of its status history (PENDING)."""
    started: datetime | None = None
    """When it first entered RUNNING."""
    ended: datetime | None = None
    """When it entered DONE, ERROR or CANCELLED."""
    yarn_applications: int = 0
    labels: dict[str, str] = {}

    @property
    def key(self) -> str:
        """``project/region/job_id``."""
        return f"{self.project}/{self.region}/{self.job_id}"

    @property
    def is_active(self) -> bool:
        """True while the job is not over."""
        return self.state in DATAPROC_JOB_ACTIVE_STATES
