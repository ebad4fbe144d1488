"""The dataflow source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard import iam
from dashboard.iam import TABLES_GRANT, Grant
from dashboard.models import DataflowData
from dashboard.recording import format as fmt
from dashboard.registry import CostService, SourceSpec
from dashboard.sources import modules
from dashboard.sources.lazy import lazy

GRANTS = (
    Grant(
        iam.DATAFLOW_VIEWER,
        "each monitored project",
        "list Dataflow jobs in every region",
        (fmt.DATAFLOW_AGGREGATED_LIST_JOBS, fmt.DATAFLOW_LIST_JOBS),
    ),
    Grant(
        iam.MONITORING_VIEWER,
        "each monitored project",
        "read lag, freshness, throughput and the resource use that prices a job",
        (fmt.MON_LIST_TIME_SERIES,),
        required=False,
    ),
    TABLES_GRANT,
)
"""The roles the source needs, required ones first (GCP_REFERENCE.md section 8.3)."""

SPEC = SourceSpec(
    name="dataflow",
    title="Dataflow",
    interval=30.0,
    data=DataflowData,
    parse="dashboard.sources.dataflow.parse:parse_dataflow",
    fetch="dashboard.sources.dataflow.api:fetch",
    methods=(
        fmt.DATAFLOW_AGGREGATED_LIST_JOBS,
        fmt.DATAFLOW_LIST_JOBS,
        fmt.MON_LIST_TIME_SERIES,
        fmt.BQ_TABLES_GET,
    ),
    grants=GRANTS,
    packages=(*modules.GRPC, *modules.BQ_TABLES, "google.cloud.dataflow_v1beta3"),
    merge="series",
    pane_id="dataflow",
    short="Dataflow",
    rule_modules=("dashboard.sources.dataflow.rules",),
    metrics=lazy("dashboard.sources.dataflow.metrics:metrics"),
    builtin=True,
    services=(CostService(name="dataflow", title="Dataflow", billed_as=("Cloud Dataflow",)),),
    estimator="dashboard.sources.dataflow.cost:ESTIMATOR",
    report="dashboard.sources.dataflow.view:report",
    markdown="dashboard.sources.dataflow.report:markdown",
    running="dashboard.sources.dataflow.view:running",
    overview_fields="dashboard.sources.dataflow.overview:overview_fields",
    state_look="dashboard.sources.dataflow.states:look",
    state_tables="dashboard.sources.dataflow.states:TABLES",
    window_from=lambda data: [s.points[0].t for s in data.series if s.points],
    app_pane="dashboard.sources.dataflow.pane:APP_PANE",
    store_merge=lazy("dashboard.sources.dataflow.store:merge_dataflow"),
    raw_kinds=("dataflow",),
    asset_types=("dataflow.googleapis.com/Job",),
    hosts={"dataflow": "dataflow.googleapis.com:443"},
)
