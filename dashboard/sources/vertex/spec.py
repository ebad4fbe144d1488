"""The Vertex AI source's spec: see the package's docstring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast, overload

from dashboard.iam import Grant
from dashboard.registry import PaneSpec, SourceSpec
from dashboard.sources.vertex.model import VertexData
from dashboard.sources.vertex.parse import LIST_MONITORING_JOBS, LIST_PIPELINE_JOBS, SEARCH_ANOMALIES

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


class _Columns(Sequence[Any]):
    """The pane's columns, made on first use: the view imports rich."""

    @staticmethod
    def _all() -> tuple[Any, ...]:
        from dashboard.sources.vertex.view import COLUMNS

        return COLUMNS

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


def _rows(data: VertexData, now: datetime) -> Any:
    from dashboard.sources.vertex import view

    return view.rows(data, now)


def _item(data: VertexData, key: str) -> Any:
    from dashboard.sources.vertex import view

    return view.item(data, key)


def _detail(item: Any, now: datetime) -> Any:
    from dashboard.sources.vertex import view

    return view.detail(item, now)


def _overview(data: VertexData, now: datetime) -> tuple[int, str]:
    from dashboard.sources.vertex import view

    return view.overview(data, now)


def _metrics(data: VertexData) -> dict[str, float]:
    from dashboard.sources.vertex import rules

    return rules.metrics(data)


PANE = PaneSpec(
    title="Vertex AI",
    columns=cast(Any, _Columns()),
    rows=_rows,
    item=_item,
    detail=_detail,
    empty="no Vertex AI pipeline run in the window",
    overview=_overview,
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
    metrics=_metrics,
    order=30,
    short="Vertex",
    report="dashboard.sources.vertex.report:report",
    markdown="dashboard.sources.vertex.report:markdown",
    app_pane="dashboard.sources.vertex.pane:APP_PANE",
    raw_kinds=("run",),
)
