"""The dataproc source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard import iam
from dashboard.iam import Grant
from dashboard.models import DataprocData
from dashboard.recording import format as fmt
from dashboard.registry import CostService, SourceSpec
from dashboard.sources import modules
from dashboard.sources.lazy import lazy

GRANTS = (
    Grant(
        iam.DATAPROC_VIEWER,
        "each monitored project",
        "list Dataproc clusters, their jobs and Serverless batches",
        (fmt.DATAPROC_LIST_CLUSTERS, fmt.DATAPROC_LIST_BATCHES, fmt.DATAPROC_LIST_JOBS),
    ),
    Grant(
        iam.MONITORING_VIEWER,
        "each monitored project",
        "read YARN memory and running applications per cluster",
        (fmt.MON_LIST_TIME_SERIES,),
        required=False,
    ),
)
"""The roles the source needs, required ones first (GCP_REFERENCE.md section 8.3)."""

SPEC = SourceSpec(
    name="dataproc",
    title="Dataproc",
    interval=30.0,
    data=DataprocData,
    parse="dashboard.sources.dataproc.parse:parse_dataproc",
    fetch="dashboard.sources.dataproc.api:fetch",
    methods=(
        fmt.DATAPROC_LIST_CLUSTERS,
        fmt.DATAPROC_LIST_BATCHES,
        fmt.DATAPROC_LIST_JOBS,
        fmt.MON_LIST_TIME_SERIES,
    ),
    grants=GRANTS,
    packages=(*modules.GRPC, "google.cloud.dataproc_v1"),
    merge="series",
    pane_id="dataproc",
    short="Dataproc",
    rule_modules=("dashboard.sources.dataproc.rules",),
    metrics=lazy("dashboard.sources.dataproc.metrics:metrics"),
    builtin=True,
    services=(
        CostService(name="dataproc", title="Dataproc", billed_as=("Cloud Dataproc", "Compute Engine")),
    ),
    estimator="dashboard.sources.dataproc.cost:ESTIMATOR",
    report="dashboard.sources.dataproc.view:report",
    markdown="dashboard.sources.dataproc.report:markdown",
    running="dashboard.sources.dataproc.view:running",
    overview_fields="dashboard.sources.dataproc.overview:overview_fields",
    state_look="dashboard.sources.dataproc.states:look",
    state_tables="dashboard.sources.dataproc.states:TABLES",
    window_from=lambda data: [s.points[0].t for s in data.series if s.points],
    app_pane="dashboard.sources.dataproc.pane:APP_PANE",
    store_merge=lazy("dashboard.sources.dataproc.store:merge_dataproc"),
    raw_kinds=("cluster", "dataproc_job", "batch"),
    asset_types=("dataproc.googleapis.com/Cluster", "dataproc.googleapis.com/Batch"),
    hosts={"dataproc": "{region}-dataproc.googleapis.com:443"},
)
