"""The Dataflow job model.

Imported by :mod:`dashboard.models`, which re-exports it; states are kept as Dataflow says them.
"""

from __future__ import annotations

from datetime import datetime

from dashboard.models_base import Model


class DataflowJob(Model, frozen=True):
    """A Dataflow job."""

    project: str
    location: str
    job_id: str
    name: str
    job_type: str = "JOB_TYPE_UNKNOWN"
    """JOB_TYPE_BATCH or JOB_TYPE_STREAMING."""
    state: str = "JOB_STATE_UNKNOWN"
    state_time: datetime | None = None
    created: datetime | None = None
    started: datetime | None = None
    sdk: str | None = None
    streaming_engine: bool | None = None
    """Whether it runs on Streaming Engine; None when not known (job listings carry no ``environment``)."""
    labels: dict[str, str] = {}
    workers: int | None = None
    """Workers of its pools (``environment.workerPools[].numWorkers``); None without an environment."""
    worker_machine_type: str | None = None
    """The workers' machine type (``n1-standard-4``); None when the environment does not say."""
    worker_disk_gb: int | None = None
    """Persistent Disk per worker, GB; None when the environment does not say."""
    worker_disk_type: str | None = None
    """The workers' disk type, short name (``pd-ssd``, ``pd-standard``); None when not said."""
    pubsub_reads: tuple[str, ...] = ()
    """Subscriptions it reads, full names (``projects/P/subscriptions/S``), from
    ``jobMetadata.pubsubDetails[].subscription``."""
    pubsub_topics: tuple[str, ...] = ()
    """Topics its Pub/Sub connectors name (``jobMetadata.pubsubDetails[].topic``), full names."""
    bigquery_tables: tuple[str, ...] = ()
    """BigQuery tables its connectors name (``jobMetadata.bigqueryDetails[]``), ``project.dataset.table``."""

    @property
    def is_streaming(self) -> bool:
        """True for a streaming pipeline."""
        return self.job_type == "JOB_TYPE_STREAMING"

    @property
    def is_terminal(self) -> bool:
        """True once the job can no longer run (or bill)."""
        return self.state in TERMINAL_DATAFLOW_STATES


TERMINAL_DATAFLOW_STATES = frozenset(
    {"JOB_STATE_DONE", "JOB_STATE_FAILED", "JOB_STATE_CANCELLED", "JOB_STATE_UPDATED", "JOB_STATE_DRAINED"}
)
