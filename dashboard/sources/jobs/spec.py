"""The jobs source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard import iam
from dashboard.iam import Grant
from dashboard.models import JobsData
from dashboard.models_catalog import CATALOG_VIEWER, GET_ENTRY
from dashboard.recording import format as fmt
from dashboard.registry import CostService, SourceSpec
from dashboard.sources.lazy import lazy

GRANTS = (
    Grant(
        iam.BQ_RESOURCE_VIEWER,
        "each monitored project",
        "list every user's BigQuery jobs (jobs.list allUsers, bigquery.jobs.listAll) and read "
        "INFORMATION_SCHEMA.JOBS for history",
        (fmt.BQ_JOBS_LIST, *iam.HISTORY),
    ),
    Grant(
        iam.BQ_JOB_USER,
        "each monitored project",
        "run the INFORMATION_SCHEMA.JOBS history query (bigquery.jobs.create); without it only "
        "running jobs are shown",
        iam.HISTORY,
        required=False,
    ),
    Grant(
        CATALOG_VIEWER,
        "each project holding a table the jobs write",
        "read the jobs' destination tables' Dataplex catalog entries (when each table last changed); "
        "without it the TABLE UPDATED column stays empty",
        (GET_ENTRY,),
        required=False,
    ),
)
"""The roles the source needs, required ones first (GCP_REFERENCE.md section 8.3)."""

SPEC = SourceSpec(
    name="jobs",
    title="BigQuery jobs",
    interval=10.0,
    data=JobsData,
    parse="dashboard.sources.jobs.parse:parse_jobs",
    fetch="dashboard.sources.jobs.api:fetch_jobs",
    methods=(fmt.BQ_JOBS_LIST, fmt.BQ_JOBS_QUERY, fmt.BQ_GET_QUERY_RESULTS, fmt.BQ_JOBS_GET, GET_ENTRY),
    grants=GRANTS,
    packages=(
        "google.cloud.bigquery",
        "google.cloud.dataplex_v1",
        "dashboard.sources.jobs.api",
        "dashboard.sources.jobs.api_org",
    ),
    merge="incremental",
    requires=("reservations",),
    pane_id="jobs",
    short="BigQuery",
    rule_modules=(
        "dashboard.sources.jobs.rules",
        "dashboard.sources.jobs.rules_ml",
        "dashboard.sources.jobs.rules_tables",
    ),
    metrics=lazy("dashboard.sources.jobs.metrics:metrics"),
    builtin=True,
    services=(
        CostService(name="bigquery_on_demand", title="BigQuery on-demand", billed_as=("BigQuery",)),
        # model creation on demand: billed under "BigQuery" too, checked with the on-demand line (cost.py)
        CostService(name="bigquery_ml", title="BigQuery ML"),
    ),
    estimator="dashboard.sources.jobs.cost:ESTIMATOR",
    report="dashboard.sources.jobs.view:report",
    markdown="dashboard.sources.jobs.report:markdown",
    running="dashboard.sources.jobs.view:running",
    overview_fields="dashboard.sources.jobs.overview:overview_fields",
    state_look="dashboard.sources.jobs.states:look",
    state_tables="dashboard.sources.jobs.states:TABLES",
    window_from=lambda jobs: [j.created for j in jobs if j.created is not None],
    window_first=True,
    app_pane="dashboard.sources.jobs.pane:APP_PANE",
    check_lines="dashboard.sources.jobs.check:check_lines",
    raw_kinds=("job",),
)
