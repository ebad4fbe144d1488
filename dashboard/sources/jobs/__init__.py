"""BigQuery jobs: every user's running and pending jobs (``jobs.list``), and the INFORMATION_SCHEMA.JOBS
history of every project and location.

Registered in the entry-point group ``gcpdash.sources`` (``pyproject.toml``) like any source.
"""

from __future__ import annotations

from dashboard.iam import roles_for
from dashboard.models import JobsData
from dashboard.recording import format as fmt
from dashboard.registry import SourceSpec

SPEC = SourceSpec(
    name="jobs",
    title="BigQuery jobs",
    interval=10.0,
    data=JobsData,
    parse="dashboard.parsers.jobs:parse_jobs",
    fetch="dashboard.backends.gcp.bigquery:fetch_jobs",
    methods=(fmt.BQ_JOBS_LIST, fmt.BQ_JOBS_QUERY, fmt.BQ_GET_QUERY_RESULTS, fmt.BQ_JOBS_GET),
    grants=roles_for("jobs"),
    packages=("google.cloud.bigquery", "dashboard.backends.gcp.bigquery"),
    merge="incremental",
    requires=("reservations",),
    builtin=True,
)
