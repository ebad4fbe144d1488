"""The reservations source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard import iam
from dashboard.iam import Grant
from dashboard.models import ReservationsData
from dashboard.recording import format as fmt
from dashboard.registry import CostService, SourceSpec
from dashboard.sources import modules
from dashboard.sources.reservations.store import merge_reservations

GRANTS = (
    Grant(
        iam.BQ_RESOURCE_VIEWER,
        "the reservations admin project, and each monitored project for its assignments",
        "list reservations, capacity commitments and assignments",
        (fmt.RES_LIST_RESERVATIONS, fmt.RES_LIST_COMMITMENTS, fmt.RES_SEARCH_ALL_ASSIGNMENTS),
    ),
    Grant(
        iam.MONITORING_VIEWER,
        "the reservations admin project",
        "read slot usage per reservation (bigquery.googleapis.com/slots/allocated)",
        (fmt.MON_LIST_TIME_SERIES,),
        required=False,
    ),
)
"""The roles the source needs, required ones first (GCP_REFERENCE.md section 8.3)."""

SPEC = SourceSpec(
    name="reservations",
    title="Slots & reservations",
    interval=60.0,
    data=ReservationsData,
    parse="dashboard.sources.reservations.parse:parse_reservations",
    fetch="dashboard.sources.reservations.api:fetch",
    methods=(
        fmt.RES_LIST_RESERVATIONS,
        fmt.RES_LIST_COMMITMENTS,
        fmt.RES_SEARCH_ALL_ASSIGNMENTS,
        fmt.MON_LIST_TIME_SERIES,
    ),
    grants=GRANTS,
    packages=(*modules.GRPC, "google.cloud.bigquery_reservation_v1"),
    merge="series",
    pane_id="slots",
    short="Slots",
    rule_modules=("dashboard.sources.reservations.rules",),
    builtin=True,
    services=(
        CostService(
            name="bigquery_editions", title="BigQuery editions", billed_as=("BigQuery Reservation API",)
        ),
    ),
    estimator="dashboard.sources.reservations.cost:ESTIMATOR",
    report="dashboard.sources.reservations.view:report",
    markdown="dashboard.sources.reservations.report:markdown",
    running="dashboard.sources.reservations.view:running",
    overview_fields="dashboard.sources.reservations.overview:overview_fields",
    window_from=lambda data: [s.points[0].t for s in data.slot_usage if s.points],
    app_pane="dashboard.sources.reservations.pane:APP_PANE",
    store_merge=merge_reservations,
    raw_kinds=("reservation",),
    hosts={"reservation": "bigqueryreservation.googleapis.com:443"},
)
