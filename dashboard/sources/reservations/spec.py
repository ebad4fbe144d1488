"""The reservations source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard import iam
from dashboard.iam import Grant
from dashboard.models import ReservationsData
from dashboard.recording import format as fmt
from dashboard.registry import CostService, SourceSpec
from dashboard.sources import modules
from dashboard.sources.lazy import lazy

GRANTS = (
    Grant(
        iam.BQ_RESOURCE_VIEWER,
        "the reservations admin project, and each monitored project for its assignments",
        "list reservations, capacity commitments and assignments",
        (fmt.RES_LIST_RESERVATIONS, fmt.RES_LIST_COMMITMENTS, fmt.RES_SEARCH_ALL_ASSIGNMENTS),
    ),
    Grant(
        iam.MONITORING_VIEWER,
        "the reservations admin project, and each monitored project with a BI reservation",
        "read slot usage per reservation (bigquery.googleapis.com/slots/allocated) and BI Engine's bytes "
        "used (bigquerybiengine.googleapis.com/reservation/used_bytes)",
        (fmt.MON_LIST_TIME_SERIES,),
        required=False,
    ),
    Grant(
        iam.BQ_RESOURCE_VIEWER,
        "each monitored project",
        "read its BI Engine reservation per location (bigquery.bireservations.get)",
        (fmt.RES_GET_BI_RESERVATION,),
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
        fmt.RES_GET_BI_RESERVATION,
        fmt.MON_LIST_TIME_SERIES,
    ),
    grants=GRANTS,
    packages=(*modules.GRPC, "google.cloud.bigquery_reservation_v1"),
    merge="series",
    pane_id="slots",
    short="Slots",
    rule_modules=("dashboard.sources.reservations.rules", "dashboard.sources.reservations.bi_rules"),
    builtin=True,
    services=(
        CostService(
            name="bigquery_editions", title="BigQuery editions", billed_as=("BigQuery Reservation API",)
        ),
        # the billing export's service for BI Engine capacity: unconfirmed (GCP_REFERENCE.md section 7.1
        # lists no BI Engine service; "BigQuery BI Engine" is the product's name)
        CostService(name="bi_engine", title="BI Engine", billed_as=("BigQuery BI Engine",)),
    ),
    estimator="dashboard.sources.reservations.cost:ESTIMATOR",
    report="dashboard.sources.reservations.view:report",
    markdown="dashboard.sources.reservations.report:markdown",
    running="dashboard.sources.reservations.view:running",
    overview_fields="dashboard.sources.reservations.overview:overview_fields",
    window_from=lambda data: [s.points[0].t for s in data.slot_usage if s.points],
    app_pane="dashboard.sources.reservations.pane:APP_PANE",
    store_merge=lazy("dashboard.sources.reservations.store:merge_reservations"),
    raw_kinds=("reservation",),
    hosts={"reservation": "bigqueryreservation.googleapis.com:443"},
)
