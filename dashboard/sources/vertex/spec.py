"""The Vertex AI source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard.iam import Grant
from dashboard.registry import SourceSpec
from dashboard.sources.lazy import lazy, view_pane
from dashboard.sources.vertex.model import (
    LIST_MONITORING_JOBS,
    LIST_PIPELINE_JOBS,
    SEARCH_ANOMALIES,
    VertexData,
)

AIPLATFORM_VIEWER = "roles/aiplatform.viewer"

GRANTS = (
    Grant(
        AIPLATFORM_VIEWER,
        "each monitored project",
        "list Vertex AI pipeline runs and model monitoring jobs, read their stats anomalies",
        (LIST_PIPELINE_JOBS, LIST_MONITORING_JOBS, SEARCH_ANOMALIES),
    ),
)
"""The role the source needs (GCP_REFERENCE.md section 10.3)."""


PANE = view_pane(
    "dashboard.sources.vertex.view", title="Vertex AI", empty="no Vertex AI pipeline run in the window"
)

SPEC = SourceSpec(
    name="vertex",
    title="Vertex AI",
    interval=300.0,
    data=VertexData,
    parse="dashboard.sources.vertex.parse:parse_vertex",
    fetch="dashboard.sources.vertex.api:fetch",
    methods=(LIST_PIPELINE_JOBS, LIST_MONITORING_JOBS, SEARCH_ANOMALIES),
    grants=GRANTS,
    packages=(
        "google.auth.transport.requests",
        "google.auth.exceptions",
        "google.api_core.exceptions",
        "dashboard.validate",
        "dashboard.backends.gcp.bq_wire",
        "dashboard.backends.gcp.threads",
        "dashboard.sources.vertex.api",
    ),
    pane=PANE,
    rule_modules=("dashboard.sources.vertex.rules",),
    metrics=lazy("dashboard.sources.vertex.rules:metrics"),
    order=30,
    short="Vertex",
    report="dashboard.sources.vertex.report:report",
    markdown="dashboard.sources.vertex.report:markdown",
    app_pane="dashboard.sources.vertex.pane:APP_PANE",
    raw_kinds=("run",),
)
