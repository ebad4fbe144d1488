"""What each pane shows, as typed data: the rows behind the tables, before any formatting.

The Rich views, the Markdown report and the JSON report are all built from these structs
(:mod:`dashboard.views.collect` makes them from a Snapshot), so every output agrees on what it shows. They
are also the contract of the JSON document (``gcpdash.snapshot/1``): add fields, never rename or remove.
Cloud text is kept exactly as the API said it; escaping is the renderers' job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import Meta

from dashboard.models import Sample

Usd = Annotated[float, Meta(description="US dollars, estimate")]
UsdPerHour = Annotated[float, Meta(description="US dollars per hour, estimate")]
Seconds = Annotated[float, Meta(description="seconds")]
UtcTime = Annotated[datetime, Meta(tz=True, description="RFC 3339 date-time, UTC")]

SERIES_POINTS = 60
"""Points of a series an item keeps for a sparkline (an hour of minutes)."""


class Item(msgspec.Struct, frozen=True, kw_only=True):
    """Base of the pane data."""


class SourceItem(Item, frozen=True, kw_only=True):
    """How one source is doing."""

    state: str
    """loading, ok, stale, error or off (not read at all; the reason says why)."""
    reason: str | None = None
    updated_at: UtcTime | None = None
    age_s: Seconds | None = None
    """Age of the data shown, at the snapshot's time."""
    warnings: tuple[str, ...] = ()
    metrics: str | None = None
    """Why the source's Monitoring metrics are missing (``metrics unavailable: 503 from Monitoring
    (retrying)``); None when they are not."""


class JobItem(Item, frozen=True, kw_only=True):
    """A BigQuery job, as the jobs pane shows it."""

    key: str
    project: str
    location: str | None = None
    job_id: str
    job_type: str
    statement_type: str | None = None
    state: str
    """PENDING, RUNNING or DONE, as BigQuery says it."""
    status: str
    """What it means: RUNNING, PENDING, FAILED or DONE."""
    principal: str | None = None
    created: UtcTime | None = None
    started: UtcTime | None = None
    ended: UtcTime | None = None
    duration_s: Seconds | None = None
    bytes_processed: int | None = None
    bytes_billed: int | None = None
    slot_ms: int | None = None
    cost_usd: Usd | None = None
    cost_basis: str | None = None
    """on_demand (bytes billed x $/TiB) or slot_attribution (slot-hours x edition $/slot-hour)."""
    cache_hit: bool | None = None
    reservation: str | None = None
    edition: str | None = None
    priority: str | None = None
    error_reason: str | None = None
    error_message: str | None = None
    query_summary: str | None = None
    """The query on one line, cut to 120 characters (original characters kept)."""
    query: str | None = None
    """The full query text, exactly as BigQuery returned it."""
    labels: dict[str, str] = {}
    parent_job_id: str | None = None
    is_script: bool = False
    is_ml: bool = False
    """A BigQuery ML statement (``CREATE_MODEL``, ``EXPORT_MODEL``) or a job with ML statistics."""
    ml_model_type: str | None = None
    ml_training_type: str | None = None
    ml_iterations: int | None = None
    ml_max_iterations: int | None = None
    ml_losses: tuple[float, ...] = ()
    """Training loss per iteration, as ``mlStatistics.iterationResults`` reports it."""
    destination_table: str | None = None
    """The table the job writes (``P.D.T``), as BigQuery names it."""
    table_updated: UtcTime | None = None
    """When the destination table last changed, from its Dataplex catalog entry; None when not read."""
    table_stale: bool = False
    """The catalog, read after the job ended, says the table last changed before the job started: the job
    did not refresh it."""


class PrincipalGroup(Item, frozen=True, kw_only=True):
    """The jobs of one principal (user or service account) in the window."""

    principal: str
    jobs: int
    running: int
    failed: int
    bytes_billed: int
    tib_billed: Annotated[float, Meta(description="tebibytes (2^40 bytes)")]
    slot_hours: float
    cost_usd: Usd
    """On-demand cost plus the slot attribution of reservation jobs."""


class JobsSection(Item, frozen=True, kw_only=True):
    """The BigQuery jobs pane."""

    total: int
    """Jobs in the snapshot (its window)."""
    running: tuple[JobItem, ...]
    """Running and pending jobs, longest running first."""
    recent: tuple[JobItem, ...]
    """Finished jobs, newest first, at most ``recent_limit``."""
    recent_limit: int
    by_principal: tuple[PrincipalGroup, ...]
    """Most expensive first."""


class ReservationItem(Item, frozen=True, kw_only=True):
    """A slot reservation and its use."""

    name: str
    reservation_id: str
    reservation_key: str
    """``admin-project:LOCATION.reservation``, as jobs name it."""
    project: str
    location: str
    edition: str
    baseline_slots: int
    autoscale_current_slots: int
    autoscale_max_slots: int
    capacity_now: int
    capacity_max: int
    slots_used: float | None = None
    """Slots in use: the last sample of the reservation's series."""
    utilisation_pct: Annotated[float, Meta(description="percent of capacity_now")] | None = None
    usage: tuple[Sample, ...] = ()
    """Slots in use per minute, oldest first, ``[time, slots]``."""
    usd_per_hour: UsdPerHour
    ignore_idle_slots: bool = False
    concurrency: int = 0


class CommitmentItem(Item, frozen=True, kw_only=True):
    """A capacity commitment."""

    name: str
    commitment_id: str
    location: str
    plan: str
    renewal_plan: str | None = None
    state: str
    edition: str
    slot_count: int
    start: UtcTime | None = None
    end: UtcTime | None = None


class AssignmentItem(Item, frozen=True, kw_only=True):
    """Who uses which reservation."""

    name: str
    reservation_id: str
    assignee: str
    job_type: str
    state: str


class BiReservationItem(Item, frozen=True, kw_only=True):
    """A project's BI Engine reservation in one location, and its use."""

    name: str
    project: str
    location: str
    size_gib: float
    used_gib: float | None = None
    """Bytes in use (Monitoring ``reservation/used_bytes``, the newest point), in GiB."""
    use_pct: Annotated[float, Meta(description="percent of size_gib")] | None = None
    preferred_tables: tuple[str, ...] = ()
    usd_per_hour: UsdPerHour
    updated: UtcTime | None = None


class ReservationsSection(Item, frozen=True, kw_only=True):
    """The slots and reservations pane."""

    reservations: tuple[ReservationItem, ...]
    commitments: tuple[CommitmentItem, ...]
    assignments: tuple[AssignmentItem, ...]
    bi_reservations: tuple[BiReservationItem, ...] = ()
    """BI Engine reservations of a size above 0 (a project without one in a location is left out)."""


class NodeGroupItem(Item, frozen=True, kw_only=True):
    """One instance group of a cluster."""

    role: str
    """master, worker or secondary."""
    count: int
    machine_type: str | None = None
    """Short name (``n2-standard-8``)."""
    preemptibility: str | None = None


class ClusterItem(Item, frozen=True, kw_only=True):
    """A Dataproc cluster."""

    project: str
    region: str
    name: str
    state: str
    status: str
    substate: str | None = None
    detail: str | None = None
    created: UtcTime | None = None
    age_s: Seconds | None = None
    state_since: UtcTime | None = None
    groups: tuple[NodeGroupItem, ...] = ()
    nodes: int
    vcpus: int | None = None
    memory_gib: float | None = None
    yarn_apps_running: float | None = None
    yarn_memory_pct: Annotated[float, Meta(description="percent of YARN memory allocated")] | None = None
    idle_since: UtcTime | None = None
    idle_delete_ttl_s: Seconds | None = None
    auto_delete_time: UtcTime | None = None
    usd_per_hour: UsdPerHour | None = None
    labels: dict[str, str] = {}
    jobs_running: int = 0
    """Jobs on the cluster that are not over (PENDING, RUNNING …), from ``ListJobs``."""


class DataprocJobItem(Item, frozen=True, kw_only=True):
    """A job submitted to a Dataproc cluster."""

    project: str
    region: str
    job_id: str
    cluster: str | None = None
    job_type: str
    """Hadoop, Spark, PySpark, Hive, Pig, SparkR, SparkSql, Presto, Trino or Flink (the job config set)."""
    state: str
    """As Dataproc says it: PENDING, SETUP_DONE, RUNNING, DONE, ERROR, CANCELLED …"""
    status: str
    state_since: UtcTime | None = None
    submitted: UtcTime | None = None
    started: UtcTime | None = None
    ended: UtcTime | None = None
    duration_s: Seconds | None = None
    """From RUNNING to its end, or to the snapshot's time while it runs."""
    details: str | None = None
    """Why it failed, as Dataproc says it."""
    yarn_applications: int = 0
    uuid: str | None = None
    labels: dict[str, str] = {}

    @property
    def key(self) -> str:
        """``project/region/job_id``."""
        return f"{self.project}/{self.region}/{self.job_id}"


class BatchItem(Item, frozen=True, kw_only=True):
    """A Dataproc Serverless batch."""

    project: str
    region: str
    batch_id: str
    batch_type: str | None = None
    """PySpark, Spark, SparkSql or SparkR."""
    state: str
    """PENDING, RUNNING, CANCELLING, CANCELLED, SUCCEEDED or FAILED."""
    status: str
    state_message: str | None = None
    creator: str | None = None
    runtime_version: str | None = None
    main: str | None = None
    service_account: str | None = None
    created: UtcTime | None = None
    started: UtcTime | None = None
    ended: UtcTime | None = None
    age_s: Seconds | None = None
    duration_s: Seconds | None = None
    """From RUNNING to its end, or to the snapshot's time while it runs."""
    dcu_hours: Annotated[float, Meta(description="DCU-hours used")] | None = None
    shuffle_gb_hours: Annotated[float, Meta(description="shuffle storage GB-hours used")] | None = None
    usage_estimated: bool = False
    """True while it runs: Dataproc reports ``approximateUsage`` only once a batch completes, so the
    DCU- and GB-hours are its ``currentUsage`` over the time it has run."""
    current_dcu: float | None = None
    """DCUs it holds now (``currentUsage``), while it runs."""
    current_shuffle_gb: float | None = None
    usd: Usd | None = None
    usd_per_hour: UsdPerHour | None = None
    labels: dict[str, str] = {}

    @property
    def key(self) -> str:
        """``project/region/batch_id``."""
        return f"{self.project}/{self.region}/{self.batch_id}"


class DataprocSection(Item, frozen=True, kw_only=True):
    """The Dataproc pane."""

    clusters: tuple[ClusterItem, ...]
    """Clusters that need attention first (ERROR), then running, then the rest."""
    jobs: tuple[DataprocJobItem, ...] = ()
    """Cluster jobs: failed first, then running, then the rest, newest first within a state."""
    batches: tuple[BatchItem, ...] = ()
    """Serverless batches: failed first, then running, then the rest, newest first within a state."""


class DataflowItem(Item, frozen=True, kw_only=True):
    """A Dataflow job."""

    project: str
    location: str
    job_id: str
    name: str
    job_type: str
    """BATCH or STREAMING."""
    state: str
    """As Dataflow says it, e.g. JOB_STATE_RUNNING."""
    status: str
    created: UtcTime | None = None
    state_time: UtcTime | None = None
    age_s: Seconds | None = None
    vcpus: float | None = None
    system_lag_s: Seconds | None = None
    data_freshness_s: Annotated[float, Meta(description="data watermark age, seconds")] | None = None
    throughput_eps: Annotated[float, Meta(description="elements produced per second")] | None = None
    usd_so_far: Usd | None = None
    usd_per_hour: UsdPerHour | None = None
    lag: tuple[Sample, ...] = ()
    """System lag per minute, oldest first, ``[time, seconds]``."""
    streaming_engine: bool | None = None
    """Whether it runs on Streaming Engine; null when not known (job listings carry no environment)."""
    sdk: str | None = None
    labels: dict[str, str] = {}
    reads: tuple[str, ...] = ()
    """Pub/Sub subscriptions it reads (``jobMetadata.pubsubDetails``), full names."""
    writes: tuple[str, ...] = ()
    """BigQuery tables its connectors name (``jobMetadata.bigqueryDetails``), ``project.dataset.table``."""


class DataflowSection(Item, frozen=True, kw_only=True):
    """The Dataflow pane."""

    jobs: tuple[DataflowItem, ...]


class Overview(Item, frozen=True, kw_only=True):
    """The overview pane: what it costs now and what runs."""

    burn_rate_usd_per_hour: UsdPerHour
    burn_rate_by_service: dict[str, float]
    """US dollars per hour, estimate, per service."""
    window_spend_usd: Usd
    price_version: str
    bigquery_jobs_running: int
    bigquery_jobs_pending: int
    bigquery_jobs_failed: int
    """Failed jobs in the window."""
    bigquery_jobs_total: int
    reservations: int
    slots_in_use: float | None = None
    slot_capacity: int
    """Baseline plus autoscale current, all reservations."""
    dataproc_clusters_running: int
    dataproc_clusters_error: int
    dataproc_clusters_idle: int
    """Running clusters with no YARN application."""
    dataflow_jobs_running: int
    dataflow_jobs_failed: int
    sources_ok: int
    sources_total: int
