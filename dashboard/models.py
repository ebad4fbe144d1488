"""Domain models: what gcpdash knows about a data platform, independent of Google's libraries and of the UI.

Every model is a frozen, typed ``msgspec.Struct``: immutable like a frozen dataclass, but about ten times
cheaper to build, which keeps decoding a recording within budget (DESIGN.md section 5), and encodable to
JSON without glue. Enumerations coming from the cloud are kept as plain strings so that a value Google adds
tomorrow is shown as it is instead of crashing the parser.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from dashboard.models_aggregates import JobAggregates as JobAggregates
from dashboard.models_base import Model as Model
from dashboard.models_catalog import CatalogEntry as CatalogEntry
from dashboard.models_tables import BigQueryTable as BigQueryTable
from dashboard.sources.billing.model import ApiBudget as ApiBudget
from dashboard.sources.billing.model import BillingData as BillingData
from dashboard.sources.billing.model import BillingRow as BillingRow
from dashboard.sources.dataflow.model import TERMINAL_DATAFLOW_STATES as TERMINAL_DATAFLOW_STATES
from dashboard.sources.dataflow.model import DataflowJob as DataflowJob
from dashboard.sources.dataproc.model import BATCH_DONE_STATES as BATCH_DONE_STATES
from dashboard.sources.dataproc.model import DATAPROC_JOB_ACTIVE_STATES as DATAPROC_JOB_ACTIVE_STATES
from dashboard.sources.dataproc.model import Batch as Batch
from dashboard.sources.dataproc.model import Cluster as Cluster
from dashboard.sources.dataproc.model import DataprocJob as DataprocJob
from dashboard.sources.dataproc.model import NodeGroup as NodeGroup

SourceName = str
"""A registered source's name (:mod:`dashboard.registry`). Each polls on its own interval and fails on its
own. ``billing`` (the Cloud Billing export) is optional: it runs only when an export table is configured."""

SOURCES: tuple[SourceName, ...] = ("jobs", "reservations", "dataproc", "dataflow", "billing")
"""The built-in sources (:data:`dashboard.registry.BUILT_IN`): the ones with a field of their own in
:class:`Snapshot`; :func:`dashboard.registry.names` has every registered one."""

SourceState = Literal["loading", "ok", "stale", "error", "off"]
"""``loading``: nothing read yet; ``ok``: the last poll succeeded; ``stale``: the last poll failed but older
data is shown; ``error``: the source failed and there is no data at all; ``off``: the source is not read
at all (e.g. billing without ``[billing] export_table``), the reason says why."""


# ---------------------------------------------------------------- BigQuery jobs

ML_STATEMENTS = frozenset({"CREATE_MODEL", "EXPORT_MODEL"})
"""``statistics.query.statementType`` values of BigQuery ML statements."""


class Job(Model, frozen=True):
    """One BigQuery job, from ``jobs.list`` or a row of ``INFORMATION_SCHEMA.JOBS``."""

    project: str
    job_id: str
    location: str | None = None
    job_type: str = "QUERY"
    """QUERY, LOAD, COPY, EXTRACT or UNKNOWN."""
    state: str = "DONE"
    """PENDING, RUNNING or DONE, as BigQuery says it."""
    statement_type: str | None = None
    principal: str | None = None
    """``user_email`` of the job (a person or a service account), else its ``principal_subject`` (a workforce
    or workload identity federation principal, e.g. ``principal://iam.googleapis.com/locations/global/
    workforcePools/POOL/subject/SUBJECT``), as BigQuery writes it."""
    created: datetime | None = None
    started: datetime | None = None
    ended: datetime | None = None
    priority: str | None = None
    bytes_processed: int | None = None
    bytes_billed: int | None = None
    slot_ms: int | None = None
    cache_hit: bool | None = None
    reservation: str | None = None
    """``reservation_id``, e.g. ``admin-proj:US.prod``; None for on-demand."""
    edition: str | None = None
    error_reason: str | None = None
    error_message: str | None = None
    query: str | None = None
    labels: dict[str, str] = {}
    parent_job_id: str | None = None
    num_child_jobs: int | None = None
    destination_table: str | None = None
    ml_model_type: str | None = None
    """A BigQuery ML job's ``statistics.query.mlStatistics.modelType`` (``BOOSTED_TREE_CLASSIFIER``): only
    ``jobs.list``/``jobs.get`` carry it, never a history row."""
    ml_training_type: str | None = None
    """``mlStatistics.trainingType``: ``SINGLE_TRAINING`` or ``HPARAM_TUNING``."""
    ml_iterations: int | None = None
    """How many entries ``mlStatistics.iterationResults`` has (iterations done so far)."""
    ml_max_iterations: int | None = None
    """``mlStatistics.maxIterations``."""
    ml_losses: tuple[float, ...] = ()
    """The training loss of each iteration reporting one (``iterationResults[].trainingLoss``), in order."""
    origin: Literal["list", "history"] = "list"
    """Which API said it: ``jobs.list`` (real time) or ``INFORMATION_SCHEMA.JOBS`` (history)."""

    @property
    def key(self) -> str:
        """The job's unique key: ``project:location.job_id`` as BigQuery writes it."""
        return f"{self.project}:{self.location or ''}.{self.job_id}"

    @property
    def status(self) -> Literal["pending", "running", "failed", "done"]:
        """The state a person cares about: a DONE job with an error has failed."""
        if self.state == "RUNNING":
            return "running"
        if self.state == "PENDING":
            return "pending"
        if self.error_reason is not None:
            return "failed"
        return "done"

    @property
    def is_ml(self) -> bool:
        """A BigQuery ML statement (``CREATE_MODEL``, ``EXPORT_MODEL``) or a job reporting ML statistics."""
        return self.statement_type in ML_STATEMENTS or self.ml_model_type is not None

    @property
    def trains_model(self) -> bool:
        """A ``CREATE_MODEL`` job (``CREATE [OR REPLACE] MODEL``): on demand, billed at the ML rate."""
        return self.statement_type == "CREATE_MODEL"

    @property
    def is_script(self) -> bool:
        """A multi-statement parent, whose statistics add up its children's."""
        return self.statement_type == "SCRIPT" or bool(self.num_child_jobs)

    def duration_s(self, now: datetime) -> float | None:
        """Seconds from start (or creation) to end, or to ``now`` while it runs."""
        begin = self.started or self.created
        if begin is None:
            return None
        end = self.ended or (now if self.state != "DONE" else None)
        return None if end is None else max(0.0, (end - begin).total_seconds())


# ---------------------------------------------------------------- Reservations


class Reservation(Model, frozen=True):
    """A BigQuery slot reservation (``projects/P/locations/L/reservations/R``)."""

    name: str
    project: str
    location: str
    reservation_id: str
    slot_capacity: int = 0
    """The baseline."""
    autoscale_max_slots: int = 0
    autoscale_current_slots: int = 0
    edition: str = "EDITION_UNSPECIFIED"
    ignore_idle_slots: bool = False
    concurrency: int = 0
    labels: dict[str, str] = {}

    @property
    def reservation_key(self) -> str:
        """The form jobs carry in ``reservation_id``: ``admin-proj:US.name``."""
        return f"{self.project}:{self.location}.{self.reservation_id}"

    @property
    def capacity_now(self) -> int:
        """Baseline plus the autoscaled slots currently added."""
        return self.slot_capacity + self.autoscale_current_slots

    @property
    def capacity_max(self) -> int:
        """Baseline plus the most autoscale can add."""
        return self.slot_capacity + self.autoscale_max_slots


class Commitment(Model, frozen=True):
    """A capacity commitment: slots bought for a period."""

    name: str
    project: str
    location: str
    commitment_id: str
    slot_count: int = 0
    plan: str = "NONE"
    renewal_plan: str | None = None
    state: str = "ACTIVE"
    edition: str = "EDITION_UNSPECIFIED"
    start: datetime | None = None
    end: datetime | None = None


class Assignment(Model, frozen=True):
    """Which project, folder or organisation uses which reservation, for which job type."""

    name: str
    reservation_id: str
    """The ``reservations/R`` segment of its name; ``none`` is the special reservation that opts its
    assignee out to on-demand."""
    assignee: str
    job_type: str = "QUERY"
    state: str = "ACTIVE"
    searched_for: str | None = None
    """The monitored project whose ``SearchAllAssignments`` found it: a project without an assignment of its
    own gets its closest ancestor's (a folder's or the organization's), which then applies to it."""


# ---------------------------------------------------------------- Metrics


class BiReservation(Model, frozen=True):
    """A project's BI Engine reservation in one location (``GetBiReservation``); size 0: none."""

    name: str
    """``projects/P/locations/L/biReservation``."""
    project: str
    location: str
    size_bytes: int = 0
    update_time: datetime | None = None
    preferred_tables: tuple[str, ...] = ()
    """``project.dataset.table`` of each preferred table."""


class Sample(Model, frozen=True, array_like=True):
    """One point of a time series. Stored as ``[t, value]`` in JSON."""

    t: datetime
    value: float


SlotSample = Sample
"""A minute of slot use: average slots in use over the minute."""


class MetricSeries(Model, frozen=True):
    """A Cloud Monitoring time series, reduced to one key (a job id, a reservation, a cluster)."""

    metric: str
    """The metric type without its service prefix, e.g. ``job/system_lag``."""
    key: str
    """The value of the label it was grouped by."""
    unit: str = ""
    points: tuple[Sample, ...] = ()
    """Oldest first."""

    @property
    def last(self) -> float | None:
        """The newest value, if any."""
        return self.points[-1].value if self.points else None


# ---------------------------------------------------------------- Dataproc


# Dataproc: NodeGroup, Cluster, Batch and DataprocJob live in dashboard.sources.dataproc.model.


# ---------------------------------------------------------------- Dataflow


# ---------------------------------------------------------------- Per-source poll results


class JobsData(Model, frozen=True):
    """What one poll of the BigQuery jobs source returned."""

    jobs: tuple[Job, ...] = ()
    running_keys: frozenset[str] | None = None
    """Keys of the jobs ``jobs.list`` said were pending or running, when it was asked; a job missing from it
    has ended."""
    history: bool = False
    """True when INFORMATION_SCHEMA was read in this poll."""
    incomplete: tuple[str, ...] = ()
    """Projects whose ``jobs.list`` failed in this poll (``acme-bi``): their jobs here are what was read
    before the failure, and the store keeps what it last knew of them (a warning says why)."""
    warnings: tuple[str, ...] = ()
    aggregates: JobAggregates | None = None
    """Organisation mode: the totals BigQuery grouped by hour (``[gcp] organization`` / ``folder``); None in
    project mode. The jobs then are only the active and the costliest ones."""
    tables: tuple[CatalogEntry, ...] = ()
    """The Dataplex catalog entries of the jobs' destination tables read in this poll (a few a poll, each
    again after 30 minutes): the store keeps the latest of each table."""


class ReservationsData(Model, frozen=True):
    """What one poll of the reservations source returned."""

    reservations: tuple[Reservation, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    slot_usage: tuple[MetricSeries, ...] = ()
    """Slots in use per reservation, one series keyed by reservation id."""
    incomplete: tuple[str, ...] = ()
    """Admin project and location (``acme-admin/US``) whose ``ListReservations`` failed in this poll: their
    reservations here are what was read before the failure; the store keeps what it last knew of them."""
    warnings: tuple[str, ...] = ()
    metrics_unavailable: str | None = None
    """Why Monitoring metrics are missing, in one line (``metrics unavailable: 503 from Monitoring
    (retrying)``); None when every ``ListTimeSeries`` of the poll answered."""
    bi_reservations: tuple[BiReservation, ...] = ()
    """BI Engine reservations (size 0 included) per monitored project and location."""
    bi_usage: tuple[MetricSeries, ...] = ()
    """BI Engine ``reservation/used_bytes`` and ``reservation/total_bytes``, keyed ``project/location``."""
    bi_read: bool = False
    """True when this poll asked for BI reservations (every few polls): else the store keeps the last."""


class DataprocData(Model, frozen=True):
    """What one poll of the Dataproc source returned."""

    clusters: tuple[Cluster, ...] = ()
    batches: tuple[Batch, ...] = ()
    jobs: tuple[DataprocJob, ...] = ()
    """Jobs submitted to clusters: the active ones, and those that ended lately."""
    series: tuple[MetricSeries, ...] = ()
    """YARN metrics, keyed by cluster name."""
    incomplete: tuple[str, ...] = ()
    """Project and region (``acme-etl/europe-west4``) whose ``ListClusters`` failed in this poll: their
    clusters here are what was read before the failure; the store keeps what it last knew of them."""
    warnings: tuple[str, ...] = ()
    metrics_unavailable: str | None = None
    """Why Monitoring metrics are missing, in one line (``metrics unavailable: 503 from Monitoring
    (retrying)``); None when every ``ListTimeSeries`` of the poll answered."""


class DataflowData(Model, frozen=True):
    """What one poll of the Dataflow source returned."""

    jobs: tuple[DataflowJob, ...] = ()
    series: tuple[MetricSeries, ...] = ()
    """Monitoring metrics, keyed by job id."""
    tables: tuple[BigQueryTable, ...] = ()
    """The BigQuery tables the running jobs write (``tables.get``, this poll's), by table id."""
    incomplete: tuple[str, ...] = ()
    """Projects whose job listing failed in this poll (``acme-etl``): their jobs here are what was read
    before the failure; the store keeps what it last knew of them (a warning says why)."""
    warnings: tuple[str, ...] = ()
    metrics_unavailable: str | None = None
    """Why Monitoring metrics are missing, in one line (``metrics unavailable: 503 from Monitoring
    (retrying)``); None when every ``ListTimeSeries`` of the poll answered."""


SourceData = JobsData | ReservationsData | DataprocData | DataflowData | BillingData


class SourceStatus(Model, frozen=True):
    """How a source is doing: its data's age and, when it fails, why."""

    source: SourceName
    state: SourceState = "loading"
    reason: str | None = None
    """Why the last poll failed, as a person can act on it (e.g. ``403: needs roles/dataproc.viewer``)."""
    updated_at: datetime | None = None
    """When the data shown was read."""
    checked_at: datetime | None = None
    """When the source was last asked."""
    warnings: tuple[str, ...] = ()
    metrics: str | None = None
    """Why the source's Monitoring metrics are missing (its latest data's ``metrics_unavailable``)."""


class Snapshot(Model, frozen=True):
    """Everything gcpdash knows at one moment: the input of every view, of cost and of the report."""

    at: datetime
    mode: Literal["live", "demo", "replay"] = "live"
    projects: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    jobs: tuple[Job, ...] = ()
    job_tables: dict[str, CatalogEntry] = {}
    """The catalog entries of the jobs' destination tables, by table (``P.D.T``), the latest read of each."""
    reservations: ReservationsData = ReservationsData()
    dataproc: DataprocData = DataprocData()
    dataflow: DataflowData = DataflowData()
    billing: BillingData | None = None
    """The latest billing export result; None when no export is configured or none was read yet."""
    job_aggregates: JobAggregates | None = None
    """Organisation mode: the jobs source's hour buckets, merged poll after poll; None in project mode."""
    statuses: dict[str, SourceStatus] = {}
    extra: dict[str, Any] = {}
    """The data of every registered source that is not built in (a plugin's), by source name: its spec's
    ``data`` type (:mod:`dashboard.registry`)."""
