"""The Data Fusion source's spec: see the package's docstring."""

from __future__ import annotations

from datetime import datetime

from dashboard.iam import Grant
from dashboard.registry import CostService, SourceSpec
from dashboard.sources import modules
from dashboard.sources.datafusion.model import LIST_INSTANCES, RUNNING, DatafusionData
from dashboard.sources.lazy import lazy, view_pane

DATAFUSION_VIEWER = "roles/datafusion.viewer"

GRANTS = (
    Grant(
        DATAFUSION_VIEWER,
        "each monitored project",
        "list Data Fusion instances (every location)",
        (LIST_INSTANCES,),
    ),
)
"""The role the source needs (GCP_REFERENCE.md section 10.5)."""


def _window_from(data: DatafusionData) -> list[datetime]:
    return [s.points[0].t for s in data.series if s.metric == RUNNING and s.points]


PANE = view_pane("dashboard.sources.datafusion.view", title="Data Fusion", empty="no Data Fusion instance")
"""The pane; its functions import :mod:`dashboard.sources.datafusion.view` (and rich) when first shown."""

SPEC = SourceSpec(
    name="datafusion",
    title="Data Fusion",
    interval=300.0,
    data=DatafusionData,
    parse="dashboard.sources.datafusion.parse:parse_datafusion",
    fetch="dashboard.sources.datafusion.api:fetch",
    methods=(LIST_INSTANCES,),
    grants=GRANTS,
    packages=(*modules.GRPC, "google.cloud.data_fusion_v1"),
    merge="series",
    requires=("dataproc",),
    pane=PANE,
    services=(CostService(name="datafusion", title="Data Fusion", billed_as=("Cloud Data Fusion",)),),
    estimator="dashboard.sources.datafusion.cost:ESTIMATOR",
    window_from=_window_from,
    rule_modules=("dashboard.sources.datafusion.rules",),
    metrics=lazy("dashboard.sources.datafusion.rules:metrics"),
    order=50,
    short="Data Fusion",
    report="dashboard.sources.datafusion.report:report",
    markdown="dashboard.sources.datafusion.report:markdown",
    document="dashboard.sources.datafusion.report:document",
    app_pane="dashboard.sources.datafusion.pane:APP_PANE",
    asset_types=("datafusion.googleapis.com/Instance",),
    hosts={"datafusion": "datafusion.googleapis.com:443"},
)
