"""The billing source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard import iam
from dashboard.iam import Grant
from dashboard.models import BillingData
from dashboard.recording import format as fmt
from dashboard.registry import SourceSpec

GRANTS = (
    Grant(
        iam.BQ_DATA_VIEWER,
        "the billing export dataset",
        "read the Cloud Billing export table ([billing] export_table) for the actual spend",
        (fmt.BQ_JOBS_QUERY, fmt.BQ_GET_QUERY_RESULTS),
    ),
    Grant(
        iam.BQ_JOB_USER,
        "the project that runs the billing query",
        "run the billing export query (bigquery.jobs.create)",
        (fmt.BQ_JOBS_QUERY,),
    ),
    Grant(
        iam.BILLING_VIEWER,
        "the billing account ([billing] billing_account)",
        "list the billing account's budgets (billing.budgets.list); without it only the config's "
        "[[budgets]] are shown",
        (fmt.BUDGETS_LIST_BUDGETS,),
        required=False,
    ),
)
"""The roles the source needs, required ones first (GCP_REFERENCE.md section 8.3)."""

SPEC = SourceSpec(
    name="billing",
    title="Billing",
    interval=3600.0,
    data=BillingData,
    parse="dashboard.sources.billing.parse:parse_billing",
    fetch="dashboard.sources.billing.api:fetch_billing",
    methods=(fmt.BQ_JOBS_QUERY, fmt.BQ_GET_QUERY_RESULTS, fmt.BQ_JOBS_GET, fmt.BUDGETS_LIST_BUDGETS),
    grants=GRANTS,
    packages=("google.cloud.bigquery", "dashboard.sources.billing.api", "google.cloud.billing.budgets_v1"),
    merge="replace",
    pane_id="cost",
    short="Cost",
    rule_modules=("dashboard.sources.billing.rules",),
    builtin=True,
    check_lines="dashboard.sources.billing.check:check_lines",
    hosts={"budgets": "billingbudgets.googleapis.com:443"},
)
