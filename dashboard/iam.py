"""The least-privilege IAM roles each source needs, as data (GCP_REFERENCE.md section 8.3).

The parsers name the missing role when an API says PERMISSION_DENIED; ``gcpdash --check`` and the UI list
the same table. All of gcpdash's calls are reads: every role here is a viewer role, plus BigQuery Job User
to run the INFORMATION_SCHEMA history query.
"""

from __future__ import annotations

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
BQ_METADATA_VIEWER: Final = "roles/bigquery.metadataViewer"
DATAPROC_VIEWER: Final = "roles/dataproc.viewer"
DATAFLOW_VIEWER: Final = "roles/dataflow.viewer"
MONITORING_VIEWER: Final = "roles/monitoring.viewer"
BILLING_VIEWER: Final = "roles/billing.viewer"

TABLES_GRANT: Final = Grant(
    BQ_METADATA_VIEWER,
    "the datasets of the tables read (or their projects)",
    "read when each BigQuery table written was last modified, its rows and streaming buffer (tables.get, "
    "permission bigquery.tables.get)",
    (fmt.BQ_TABLES_GET,),
    required=False,
)
"""What ``tables.get`` of the tables a Dataflow job or a BigQuery export subscription writes needs."""

HISTORY = (fmt.BQ_JOBS_QUERY, fmt.BQ_GET_QUERY_RESULTS, fmt.BQ_JOBS_GET)
"""The calls of the INFORMATION_SCHEMA.JOBS history query."""


def roles_for(source: SourceName) -> tuple[Grant, ...]:
    """The roles ``source`` needs, required ones first: its spec's ``grants`` (:mod:`dashboard.registry`;
    empty for a source not registered)."""
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
    if len(candidates) > 1 and method in HISTORY:
        wanted = BQ_JOB_USER if "bigquery.jobs.create" in message else BQ_RESOURCE_VIEWER
        for grant in candidates:
            if grant.role == wanted:
                return grant
    return candidates[0]
