"""The data-quality source's data: Dataplex data-quality scans and their jobs."""

from __future__ import annotations

from datetime import datetime

import msgspec

from dashboard.models_catalog import CatalogEntry

__all__ = ["FINISHED", "CatalogEntry", "DataQualityData", "Item", "RuleResult", "Scan", "ScanJob"]

FINISHED = frozenset({"SUCCEEDED", "SUCCEEDED_WITH_ERRORS", "FAILED", "CANCELLED"})
"""``DataScanJob.State`` values of a job that runs no more (``SUCCEEDED_WITH_ERRORS``: it ran and has a
result, with a ``partial_failure_message``)."""


class RuleResult(msgspec.Struct, frozen=True, kw_only=True):
    """One ``DataQualityRuleResult``: a rule of the scan and how the job's rows fared against it."""

    name: str
    """The rule's ``name`` (else its type and column, ``NON_NULL(customer_id)``)."""
    rule_type: str = ""
    """Which expectation: ``non_null``, ``uniqueness``, ``range``, ``set``, ``regex``, ``sql_assertion``..."""
    dimension: str = ""
    column: str = ""
    threshold: float | None = None
    """The pass ratio the rule needs (0-1; None: every row)."""
    passed: bool = False
    pass_ratio: float | None = None
    evaluated_count: int | None = None
    passed_count: int | None = None
    null_count: int | None = None
    failing_rows_query: str = ""


class ScanJob(msgspec.Struct, frozen=True, kw_only=True, tag="job"):
    """A ``DataScanJob`` of a data-quality scan: from the listing (``full`` False: state and times only) or
    from ``GetDataScanJob`` with the FULL view (``full``: its ``data_quality_result`` too)."""

    project: str
    location: str
    scan_id: str
    job_id: str
    name: str
    """``projects/P/locations/L/dataScans/S/jobs/J``."""
    state: str = "STATE_UNSPECIFIED"
    created: datetime | None = None
    started: datetime | None = None
    ended: datetime | None = None
    message: str = ""
    partial_failure: str = ""
    full: bool = False
    passed: bool | None = None
    score: float | None = None
    """0-100 (None: the result gives none, or not read)."""
    row_count: int | None = None
    dimensions: dict[str, float] = {}
    """Per dimension (``COMPLETENESS``, ``UNIQUENESS``), its score."""
    rules: tuple[RuleResult, ...] = ()

    @property
    def key(self) -> str:
        """The store's key: its name, and ``#basic`` for a listed one, so that a later poll's listing never
        replaces the result read in full."""
        return self.name if self.full else self.name + "#basic"

    @property
    def scan_key(self) -> str:
        """Its scan's key, ``project/location/scan_id``."""
        return f"{self.project}/{self.location}/{self.scan_id}"

    @property
    def at(self) -> datetime | None:
        """When it ran: its start, else its creation."""
        return self.started or self.created


class Scan(msgspec.Struct, frozen=True, kw_only=True):
    """A ``DataScan`` of type ``DATA_QUALITY`` as ``ListDataScans`` returns it."""

    project: str
    location: str
    scan_id: str
    name: str
    """``projects/P/locations/L/dataScans/S``."""
    display_name: str = ""
    resource: str = ""
    """``data.resource``: ``//bigquery.googleapis.com/projects/P/datasets/D/tables/T``."""
    table: str | None = None
    """``P.D.T`` of a BigQuery table's resource."""
    state: str = "STATE_UNSPECIFIED"
    trigger: str = "on_demand"
    """``schedule``, ``on_demand`` or ``one_time``."""
    cron: str = ""
    labels: dict[str, str] = {}
    created: datetime | None = None
    latest_job_start: datetime | None = None
    latest_job_end: datetime | None = None

    @property
    def key(self) -> str:
        """``project/location/scan_id``: two projects or regions may hold scans of the same id."""
        return f"{self.project}/{self.location}/{self.scan_id}"


Item = ScanJob | CatalogEntry


class DataQualityData(msgspec.Struct, frozen=True, kw_only=True):
    """One poll of the data-quality source; the store merges ``items`` (jobs and catalog entries) over
    polls, so a job read in full, or a table's entry, stays known while later polls do not read it."""

    scans: tuple[Scan, ...] = ()
    items: tuple[Item, ...] = ()
    """The scans' jobs, listed and read in full (:attr:`ScanJob.key`), and the catalog entries of their
    tables (:attr:`CatalogEntry.key`)."""
    warnings: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()

    @property
    def jobs(self) -> tuple[ScanJob, ...]:
        """The jobs among the items."""
        return tuple(i for i in self.items if isinstance(i, ScanJob))

    @property
    def catalog(self) -> dict[str, CatalogEntry]:
        """The catalog entries by table."""
        return {i.table: i for i in self.items if isinstance(i, CatalogEntry)}


def job_key(item: Item) -> str:
    """The spec's ``key`` of an item."""
    return item.key


# The API methods it reads, as recordings name them (here, not in the parser, so that the spec names them
# without importing the parser).
_SERVICE = "google.cloud.dataplex.v1.DataScanService/"
LIST_DATA_SCANS = _SERVICE + "ListDataScans"
LIST_DATA_SCAN_JOBS = _SERVICE + "ListDataScanJobs"
GET_DATA_SCAN_JOB = _SERVICE + "GetDataScanJob"
