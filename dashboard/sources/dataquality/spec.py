"""The data-quality source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard.iam import Grant
from dashboard.models_catalog import GET_ENTRY
from dashboard.registry import SourceSpec
from dashboard.sources import modules
from dashboard.sources.dataquality.model import (
    GET_DATA_SCAN_JOB,
    LIST_DATA_SCAN_JOBS,
    LIST_DATA_SCANS,
    DataQualityData,
    job_key,
)
from dashboard.sources.lazy import lazy, view_pane

SCAN_VIEWER = "roles/dataplex.dataScanViewer"
SCAN_DATA_VIEWER = "roles/dataplex.dataScanDataViewer"
CATALOG_VIEWER = "roles/dataplex.catalogViewer"

GRANTS = (
    Grant(
        SCAN_VIEWER,
        "each monitored project",
        "list Dataplex data-quality scans and their jobs",
        (LIST_DATA_SCANS, LIST_DATA_SCAN_JOBS),
    ),
    Grant(
        SCAN_DATA_VIEWER,
        "each monitored project",
        "read a data-quality job's results (score, rules and pass ratios: the FULL view)",
        (GET_DATA_SCAN_JOB,),
    ),
    Grant(
        CATALOG_VIEWER,
        "each project whose tables are scanned",
        "read the scanned tables' catalog entries (when each table last changed)",
        (GET_ENTRY,),
        required=False,
    ),
)
"""The roles the source needs (GCP_REFERENCE.md section 10.6)."""


PANE = view_pane("dashboard.sources.dataquality.view", title="Data quality", empty="no data-quality scan")

SPEC = SourceSpec(
    name="dataquality",
    title="Data quality",
    interval=300.0,
    data=DataQualityData,
    parse="dashboard.sources.dataquality.parse:parse_dataquality",
    fetch="dashboard.sources.dataquality.api:fetch",
    methods=(LIST_DATA_SCANS, LIST_DATA_SCAN_JOBS, GET_DATA_SCAN_JOB, GET_ENTRY),
    grants=GRANTS,
    packages=(*modules.GRPC, "google.cloud.dataplex_v1"),
    merge="incremental",
    key=job_key,
    requires=("jobs",),
    pane=PANE,
    rule_modules=("dashboard.sources.dataquality.rules",),
    metrics=lazy("dashboard.sources.dataquality.rules:metrics"),
    order=40,
    short="Data quality",
    document="dashboard.sources.dataquality.document:document",
    asset_types=("dataplex.googleapis.com/DataScan",),
    hosts={"dataplex": "dataplex.googleapis.com:443"},
)
