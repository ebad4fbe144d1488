"""The least-privilege IAM roles each source needs, as data (GCP_REFERENCE.md section 8.3).

The parsers name the missing role when an API says PERMISSION_DENIED; ``gcpdash --check`` and the UI list
the same table. All of gcpdash's calls are reads: every role here is a viewer role, plus BigQuery Job User
to run the INFORMATION_SCHEMA history query.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, NamedTuple

from dashboard.models import SourceName
from dashboard.recording import format as fmt


class Grant(NamedTuple):
    """One role a source needs: which, on what, and for which calls."""

    role: str
    """E.g. ``roles/bigquery.resourceViewer``."""
    scope: str
    """Where to grant it, as a person reads it, e.g. ``each monitored project``."""
    purpose: str
    """What it lets gcpdash see."""
    methods: tuple[str, ...]
    """The recorded method names (``dashboard.recording.format``) that fail without it."""
    required: bool = True
    """False when the source still works without it, only with less (history, slot usage, commitments)."""


BQ_RESOURCE_VIEWER: Final = "roles/bigquery.resourceViewer"
BQ_JOB_USER: Final = "roles/bigquery.jobUser"
BQ_DATA_VIEWER: Final = "roles/bigquery.dataViewer"
DATAPROC_VIEWER: Final = "roles/dataproc.viewer"
DATAFLOW_VIEWER: Final = "roles/dataflow.viewer"
MONITORING_VIEWER: Final = "roles/monitoring.viewer"
BILLING_VIEWER: Final = "roles/billing.viewer"

_HISTORY = (fmt.BQ_JOBS_QUERY, fmt.BQ_GET_QUERY_RESULTS, fmt.BQ_JOBS_GET)

SOURCE_ROLES: Final[MappingProxyType[SourceName, tuple[Grant, ...]]] = MappingProxyType(
    {
        "jobs": (
            Grant(
                BQ_RESOURCE_VIEWER,
                "each monitored project",
                "list every user's BigQuery jobs (jobs.list allUsers, bigquery.jobs.listAll) and read "
                "INFORMATION_SCHEMA.JOBS for history",
                (fmt.BQ_JOBS_LIST, *_HISTORY),
            ),
            Grant(
                BQ_JOB_USER,
                "each monitored project",
                "run the INFORMATION_SCHEMA.JOBS history query (bigquery.jobs.create); without it only "
                "running jobs are shown",
                _HISTORY,
                required=False,
            ),
        ),
        "reservations": (
            Grant(
                BQ_RESOURCE_VIEWER,
                "the reservations admin project, and each monitored project for its assignments",
                "list reservations, capacity commitments and assignments",
                (fmt.RES_LIST_RESERVATIONS, fmt.RES_LIST_COMMITMENTS, fmt.RES_SEARCH_ALL_ASSIGNMENTS),
            ),
            Grant(
                MONITORING_VIEWER,
                "the reservations admin project",
                "read slot usage per reservation (bigquery.googleapis.com/slots/allocated)",
                (fmt.MON_LIST_TIME_SERIES,),
                required=False,
            ),
        ),
        "dataproc": (
            Grant(
                DATAPROC_VIEWER,
                "each monitored project",
                "list Dataproc clusters, their jobs and Serverless batches",
                (fmt.DATAPROC_LIST_CLUSTERS, fmt.DATAPROC_LIST_BATCHES, fmt.DATAPROC_LIST_JOBS),
            ),
            Grant(
                MONITORING_VIEWER,
                "each monitored project",
                "read YARN memory and running applications per cluster",
                (fmt.MON_LIST_TIME_SERIES,),
                required=False,
            ),
        ),
        "dataflow": (
            Grant(
                DATAFLOW_VIEWER,
                "each monitored project",
                "list Dataflow jobs in every region",
                (fmt.DATAFLOW_AGGREGATED_LIST_JOBS, fmt.DATAFLOW_LIST_JOBS),
            ),
            Grant(
                MONITORING_VIEWER,
                "each monitored project",
                "read lag, freshness, throughput and the resource use that prices a job",
                (fmt.MON_LIST_TIME_SERIES,),
                required=False,
            ),
        ),
        "billing": (
            Grant(
                BQ_DATA_VIEWER,
                "the billing export dataset",
                "read the Cloud Billing export table ([billing] export_table) for the actual spend",
                (fmt.BQ_JOBS_QUERY, fmt.BQ_GET_QUERY_RESULTS),
            ),
            Grant(
                BQ_JOB_USER,
                "the project that runs the billing query",
                "run the billing export query (bigquery.jobs.create)",
                (fmt.BQ_JOBS_QUERY,),
            ),
            Grant(
                BILLING_VIEWER,
                "the billing account ([billing] billing_account)",
                "list the billing account's budgets (billing.budgets.list); without it only the config's "
                "[[budgets]] are shown",
                (fmt.BUDGETS_LIST_BUDGETS,),
                required=False,
            ),
        ),
    }
)
"""Per source, the roles it needs, required ones first. Read it, never change it."""


def roles_for(source: SourceName) -> tuple[Grant, ...]:
    """The roles ``source`` needs: a built-in's from :data:`SOURCE_ROLES`, another registered source's
    from its spec's ``grants`` (empty for a source without either)."""
    found = SOURCE_ROLES.get(source)
    if found is not None:
        return found
    from dashboard import registry

    spec = registry.spec(source)
    return spec.grants if spec is not None else ()


def grant_for(source: SourceName, method: str, message: str = "") -> Grant | None:
    """The role that a call of ``method`` by ``source`` most likely lacked when it was denied.

    Args:
        source: The source that made the call.
        method: The recorded method name, e.g. ``bigquery.jobs.list``.
        message: What the API said; BigQuery names the permission it checked (``bigquery.jobs.create`` is
            Job User's, anything else on a query is the Resource Viewer's ``listAll``).

    Returns:
        The matching grant, or None when no role of the table covers ``method``.
    """
    candidates = [g for g in roles_for(source) if method in g.methods]
    if not candidates:
        return None
    if len(candidates) > 1 and method in _HISTORY:
        wanted = BQ_JOB_USER if "bigquery.jobs.create" in message else BQ_RESOURCE_VIEWER
        for grant in candidates:
            if grant.role == wanted:
                return grant
    return candidates[0]
