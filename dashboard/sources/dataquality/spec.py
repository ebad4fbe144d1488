"""The data-quality source's spec: see the package's docstring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast, overload

from dashboard.iam import Grant
from dashboard.registry import PaneSpec, SourceSpec
from dashboard.sources import modules
from dashboard.sources.dataquality.model import DataQualityData, job_key
from dashboard.sources.dataquality.parse import (
    GET_DATA_SCAN_JOB,
    GET_ENTRY,
    LIST_DATA_SCAN_JOBS,
    LIST_DATA_SCANS,
)

SCAN_VIEWER = "roles/dataplex.dataScanViewer"
SCAN_DATA_VIEWER = "roles/dataplex.dataScanDataViewer"
CATALOG_VIEWER = "roles/dataplex.catalogViewer"

GRANTS = (
    Grant(
        SCAN_VIEWER,
        "each monitored project",
        "list Dataplex data-quality scans and their jobs",
        (LIST_DATA_SCANS, LIST_DATA_SCAN_JOBS),
    ),
    Grant(
        SCAN_DATA_VIEWER,
        "each monitored project",
        "read a data-quality job's results (score, rules and pass ratios: the FULL view)",
        (GET_DATA_SCAN_JOB,),
    ),
    Grant(
        CATALOG_VIEWER,
        "each project whose tables are scanned",
        "read the scanned tables' catalog entries (when each table last changed)",
        (GET_ENTRY,),
        required=False,
    ),
)
"""The roles the source needs (GCP_REFERENCE.md section 10.6)."""


class _Columns(Sequence[Any]):
    """The pane's columns, made on first use: the view imports rich."""

    @staticmethod
    def _all() -> tuple[Any, ...]:
        from dashboard.sources.dataquality.view import COLUMNS

        return COLUMNS

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


def _rows(data: DataQualityData, now: datetime) -> Any:
    from dashboard.sources.dataquality import view

    return view.rows(data, now)


def _item(data: DataQualityData, key: str) -> Any:
    from dashboard.sources.dataquality import view

    return view.item(data, key)


def _detail(item: Any, now: datetime) -> Any:
    from dashboard.sources.dataquality import view

    return view.detail(item, now)


def _overview(data: DataQualityData, now: datetime) -> tuple[int, str]:
    from dashboard.sources.dataquality import view

    return view.overview(data, now)


def _metrics(data: DataQualityData) -> dict[str, float]:
    from dashboard.sources.dataquality import rules

    return rules.metrics(data)


PANE = PaneSpec(
    title="Data quality",
    columns=cast(Any, _Columns()),
    rows=_rows,
    item=_item,
    detail=_detail,
    empty="no data-quality scan",
    overview=_overview,
)

SPEC = SourceSpec(
    name="dataquality",
    title="Data quality",
    interval=300.0,
    data=DataQualityData,
    parse="dashboard.sources.dataquality.parse:parse_dataquality",
    fetch="dashboard.sources.dataquality.api:fetch",
    methods=(LIST_DATA_SCANS, LIST_DATA_SCAN_JOBS, GET_DATA_SCAN_JOB, GET_ENTRY),
    grants=GRANTS,
    packages=(*modules.GRPC, "google.cloud.dataplex_v1"),
    merge="incremental",
    key=job_key,
    requires=("jobs",),
    pane=PANE,
    rule_modules=("dashboard.sources.dataquality.rules",),
    metrics=_metrics,
    order=40,
    short="Data quality",
    document="dashboard.sources.dataquality.document:document",
    hosts={"dataplex": "dataplex.googleapis.com:443"},
)
