"""The Composer source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard.iam import MONITORING_VIEWER, Grant
from dashboard.recording import format as fmt
from dashboard.registry import CostService, SourceSpec
from dashboard.sources import modules
from dashboard.sources.composer.model import LIST_ENVIRONMENTS, LIST_WORKLOADS, ComposerData
from dashboard.sources.lazy import lazy, view_pane

COMPOSER_VIEWER = "roles/composer.environmentAndStorageObjectViewer"

GRANTS = (
    Grant(
        COMPOSER_VIEWER,
        "each monitored project",
        "list Composer environments and their workloads",
        (LIST_ENVIRONMENTS, LIST_WORKLOADS),
    ),
    Grant(
        MONITORING_VIEWER,
        "each monitored project",
        "read environment health, DAG runs and durations, parse errors, scheduler heartbeats",
        (fmt.MON_LIST_TIME_SERIES,),
        required=False,
    ),
)
"""The roles the source needs, required ones first (GCP_REFERENCE.md section 10.2)."""


PANE = view_pane("dashboard.sources.composer.view", title="Composer", empty="no Composer environment")
"""The pane; its functions import :mod:`dashboard.sources.composer.view` (and rich) when first shown."""

SPEC = SourceSpec(
    name="composer",
    title="Composer",
    interval=120.0,
    data=ComposerData,
    parse="dashboard.sources.composer.parse:parse_composer",
    fetch="dashboard.sources.composer.api:fetch",
    methods=(LIST_ENVIRONMENTS, LIST_WORKLOADS, fmt.MON_LIST_TIME_SERIES),
    grants=GRANTS,
    packages=(*modules.GRPC, "google.cloud.orchestration.airflow.service_v1"),
    merge="series",
    pane=PANE,
    # Composer bills DCU-hours, database and storage by SKU, which the billing export's "Cloud Composer"
    # lines hold; no per-size price is invented: its estimator's line is $0, not an estimate
    services=(CostService(name="composer", title="Cloud Composer", billed_as=("Cloud Composer",)),),
    estimator="dashboard.sources.composer.cost:ESTIMATOR",
    rule_modules=("dashboard.sources.composer.rules",),
    metrics=lazy("dashboard.sources.composer.rules:metrics"),
    order=20,
    short="Composer",
    report="dashboard.sources.composer.report:report",
    markdown="dashboard.sources.composer.report:markdown",
    document="dashboard.sources.composer.document:document",
    app_pane="dashboard.sources.composer.pane:APP_PANE",
    asset_types=("composer.googleapis.com/Environment",),
    hosts={"composer": "composer.googleapis.com:443"},
    raw_kinds=("composer_environment",),
)
