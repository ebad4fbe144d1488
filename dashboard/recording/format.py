"""The on-disk recording format, version 1: the one place that defines it (docs/recording.md).

A recording is a directory: ``manifest.json`` plus one ``<source>.jsonl`` exchange log per source, a line
per wire exchange (one page of one API call, or its error), in the order they happened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec

FORMAT_NAME = "gcpdash.recording"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# Method names. gRPC exchanges carry the full RPC path, REST ones BigQuery's discovery method id.
BQ_JOBS_LIST = "bigquery.jobs.list"
BQ_JOBS_QUERY = "bigquery.jobs.query"
BQ_GET_QUERY_RESULTS = "bigquery.jobs.getQueryResults"
BQ_JOBS_GET = "bigquery.jobs.get"
BQ_TABLES_GET = "bigquery.tables.get"
RES_LIST_RESERVATIONS = "google.cloud.bigquery.reservation.v1.ReservationService/ListReservations"
RES_LIST_COMMITMENTS = "google.cloud.bigquery.reservation.v1.ReservationService/ListCapacityCommitments"
RES_SEARCH_ALL_ASSIGNMENTS = "google.cloud.bigquery.reservation.v1.ReservationService/SearchAllAssignments"
RES_GET_BI_RESERVATION = "google.cloud.bigquery.reservation.v1.ReservationService/GetBiReservation"
MON_LIST_TIME_SERIES = "google.monitoring.v3.MetricService/ListTimeSeries"
DATAPROC_LIST_CLUSTERS = "google.cloud.dataproc.v1.ClusterController/ListClusters"
DATAPROC_LIST_BATCHES = "google.cloud.dataproc.v1.BatchController/ListBatches"
DATAPROC_LIST_JOBS = "google.cloud.dataproc.v1.JobController/ListJobs"
DATAFLOW_AGGREGATED_LIST_JOBS = "google.dataflow.v1beta3.JobsV1Beta3/AggregatedListJobs"
DATAFLOW_LIST_JOBS = "google.dataflow.v1beta3.JobsV1Beta3/ListJobs"
BUDGETS_LIST_BUDGETS = "google.cloud.billing.budgets.v1.BudgetService/ListBudgets"

QUERY_LABEL = "gcpdash-query"
"""Label key on every query gcpdash runs; its value names the query, so a replay can tell them apart."""
JOBS_HISTORY_QUERY = "jobs-history"
BILLING_EXPORT_QUERY = "billing-export"


class ExchangeError(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The error an exchange ended with, as the API said it."""

    code: str
    """gRPC status name (``PERMISSION_DENIED``) or, for REST, the HTTP status as text with the error
    reason (``403 accessDenied``)."""
    message: str = ""
    status: int | None = None
    """The HTTP status, for REST exchanges and errors that have one."""


class Exchange(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One page of one API call: a line of an exchange log."""

    v: int
    poll: int
    """Per-source poll counter, from 1; every exchange of one poll shares it."""
    t: datetime
    """When the poll started (UTC)."""
    source: str
    api: Literal["rest", "grpc"]
    method: str
    """gRPC: ``package.Service/Method``; REST: the discovery method id, e.g. ``bigquery.jobs.list``."""
    request: dict[str, Any] = {}
    """gRPC: the request message as proto JSON; REST: the JSON body (empty for GET)."""
    response: dict[str, Any] | None = None
    """The response message as proto JSON, or the REST JSON body."""
    error: ExchangeError | None = None
    http_method: str | None = None
    """REST only: GET or POST."""
    path: str | None = None
    """REST only: the URL path, e.g. ``/bigquery/v2/projects/p1/jobs``."""
    params: dict[str, str] = {}
    """REST only: the query string parameters."""
    status: int | None = None
    """REST only: the HTTP status."""


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    """``manifest.json``: what a recording is and how it was made."""

    format: str
    version: int
    recorded_at: datetime
    """When recording started."""
    ended_at: datetime | None = None
    description: str = ""
    generator: str = ""
    """What wrote it: ``gcpdash --record`` with its version, or a generator script."""
    clients: dict[str, str] = {}
    """Client library versions, e.g. ``{"google-cloud-bigquery": "3.47.0"}``."""
    projects: list[str] = []
    regions: list[str] = []
    """Dataproc and Dataflow regions, e.g. ``us-central1``."""
    bigquery_locations: list[str] = []
    """BigQuery locations, e.g. ``US``."""
    sources: list[str] = []
    redaction: dict[str, Any] = {}
    """What was redacted: ``{"emails": "pseudonym", "projects": {...}, "query_text": "keep"}``."""


EXCHANGE_DECODER = msgspec.json.Decoder(Exchange)
MANIFEST_DECODER = msgspec.json.Decoder(Manifest)
ENCODER = msgspec.json.Encoder()


def encode_exchange(exchange: Exchange) -> bytes:
    """One exchange as its line, newline included."""
    return ENCODER.encode(exchange) + b"\n"
