"""The Cloud Billing export's month to date (a query of its table) and the account's budgets.

Registered in the entry-point group ``gcpdash.sources`` (``pyproject.toml``) like any source.
"""

from __future__ import annotations

from dashboard.iam import roles_for
from dashboard.models import BillingData
from dashboard.recording import format as fmt
from dashboard.registry import SourceSpec

SPEC = SourceSpec(
    name="billing",
    title="Billing",
    interval=3600.0,
    data=BillingData,
    parse="dashboard.parsers.billing:parse_billing",
    fetch="dashboard.backends.gcp.billing:fetch_billing",
    methods=(fmt.BQ_JOBS_QUERY, fmt.BQ_GET_QUERY_RESULTS, fmt.BQ_JOBS_GET, fmt.BUDGETS_LIST_BUDGETS),
    grants=roles_for("billing"),
    packages=("google.cloud.bigquery", "dashboard.backends.gcp.billing", "google.cloud.billing.budgets_v1"),
    merge="replace",
    builtin=True,
)
