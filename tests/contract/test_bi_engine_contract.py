"""BI Engine in the reservations source: the REAL Reservation and Monitoring clients, through our fetch,
against the fake gRPC server serving hand-written payloads in Google's documented shapes (``BiReservation``:
``name``, ``size`` bytes as an int64 string, ``updateTime``, ``preferredTables[]``; a project without a BI
reservation answers with an empty message: size 0).

Two projects, neither in us-central1: acme-dash holds 10 GiB in us-east4, acme-eu-ops has none (europe-west1).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.models import ReservationsData, Snapshot
from dashboard.parsers import parse_poll
from dashboard.pricing import default_prices
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.reservations.collect import reservations_section

from .fake_grpc import FakeGrpcServer, Fault

pytestmark = pytest.mark.timeout(30)

T = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
ADMIN = "acme-admin"
DASH, EU = "acme-dash", "acme-eu-ops"
LOCATIONS = ("US",)
REGIONS = ("us-east4", "europe-west1")
GIB = 1024**3
BI_FILTER = (
    'metric.type = "bigquerybiengine.googleapis.com/reservation/{}" '
    'AND resource.type = "bigquery_biengine_model"'
)


def _ex(method: str, request: dict[str, Any], response: Any) -> Exchange:
    return Exchange(
        v=1, poll=1, t=T, source="reservations", api="grpc", method=method, request=request, response=response
    )


def _series_request(
    project: str, metric: str, reducer: str, text: str = BI_FILTER, by: str = "resource.label.location"
) -> dict[str, Any]:
    return {
        "name": f"projects/{project}",
        "filter": text.format(metric),
        "aggregation": {
            "alignmentPeriod": "60s",
            "perSeriesAligner": "ALIGN_MEAN",
            "crossSeriesReducer": reducer,
            "groupByFields": [by],
        },
    }


def _points(values: list[float]) -> list[dict[str, Any]]:
    """Newest first, as Monitoring sends them: 09:57, 09:56, ..."""
    out = []
    for i, v in enumerate(values):
        stamp = f"2026-12-03T09:{57 - i:02d}:00Z"
        out.append({"interval": {"startTime": stamp, "endTime": stamp}, "value": {"doubleValue": v}})
    return out


def _served() -> list[Exchange]:
    """What the fake answers: an empty reservations listing, and BI Engine by hand."""
    parent = f"projects/{ADMIN}/locations/US"
    slots = 'metric.type = "bigquery.googleapis.com/slots/allocated" AND resource.type = "bigquery_project"'
    out = [
        _ex(fmt.RES_LIST_RESERVATIONS, {"parent": parent}, {}),
        _ex(
            fmt.MON_LIST_TIME_SERIES,
            _series_request(ADMIN, "", "REDUCE_SUM", slots, "metric.label.reservation"),
            {},
        ),
    ]
    for project in (DASH, EU):
        for location in (*LOCATIONS, *REGIONS):
            name = f"projects/{project}/locations/{location}/biReservation"
            body: dict[str, Any] = {"name": name}
            if (project, location) == (DASH, "us-east4"):
                body |= {
                    "size": str(10 * GIB),
                    "updateTime": "2026-11-30T16:05:00Z",
                    "preferredTables": [{"projectId": DASH, "datasetId": "bi", "tableId": "orders_daily"}],
                }
            out.append(_ex(fmt.RES_GET_BI_RESERVATION, {"name": name}, body))
    resource = {
        "type": "bigquery_biengine_model",
        "labels": {"resource_container": DASH, "location": "us-east4"},
    }
    used = {
        "metric": {"type": "bigquerybiengine.googleapis.com/reservation/used_bytes"},
        "resource": resource,
        "metricKind": "GAUGE",
        "valueType": "DOUBLE",
        # 6.5 GiB now, 6.0 GiB a minute before
        "points": _points([6.5 * GIB, 6.0 * GIB]),
    }
    total = used | {
        "metric": {"type": "bigquerybiengine.googleapis.com/reservation/total_bytes"},
        "points": _points([10.0 * GIB, 10.0 * GIB]),
    }
    out.append(
        _ex(
            fmt.MON_LIST_TIME_SERIES,
            _series_request(DASH, "used_bytes", "REDUCE_SUM"),
            {"timeSeries": [used]},
        )
    )
    out.append(
        _ex(
            fmt.MON_LIST_TIME_SERIES,
            _series_request(DASH, "total_bytes", "REDUCE_MAX"),
            {"timeSeries": [total]},
        )
    )
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[FakeGrpcServer]:
    with FakeGrpcServer(_served()) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeGrpcServer) -> FakeGrpcServer:
    server.clear_faults()
    server.received.clear()
    return server


def _fetch(fake: FakeGrpcServer) -> list[Exchange]:
    from dashboard.backends.gcp.grpc_clients import CallPolicy, make_clients
    from dashboard.config import AuthConfig, Config, EndpointsConfig, GcpConfig
    from dashboard.sources.reservations.api import fetch_reservations

    config = Config(
        gcp=GcpConfig(
            projects=[DASH, EU],
            regions=list(REGIONS),
            bigquery_locations=list(LOCATIONS),
            reservation_admin_projects=[ADMIN],
        ),
        endpoints=EndpointsConfig(
            reservation=fake.address, dataproc=fake.address, dataflow=fake.address, monitoring=fake.address
        ),
        auth=AuthConfig(anonymous=True),
    )
    policy = CallPolicy(timeout=3.0, retry_deadline=3.0, initial_backoff=0.05, max_backoff=0.2)
    clients = make_clients(config, policy=policy, batches=False, jobs=False)
    try:
        return fetch_reservations(clients, T)
    finally:
        clients.close()


def _data(exchanges: list[Exchange]) -> ReservationsData:
    data = parse_poll("reservations", exchanges)
    assert isinstance(data, ReservationsData)
    return data


def test_each_project_and_location_is_asked_and_the_reservation_read(fake: FakeGrpcServer) -> None:
    data = _data(_fetch(fake))
    asked = [r["name"] for r in fake.requests(fmt.RES_GET_BI_RESERVATION)]
    # 2 projects x (1 BigQuery location + 2 regions), the locations first
    assert asked == [
        f"projects/{p}/locations/{loc}/biReservation"
        for p in (DASH, EU)
        for loc in ("US", "us-east4", "europe-west1")
    ]
    # BI Engine's metrics only where there is a reservation: acme-dash, one read per metric
    series_names = {r["name"] for r in fake.requests(fmt.MON_LIST_TIME_SERIES) if "biengine" in r["filter"]}
    assert series_names == {f"projects/{DASH}"}
    sized = {(r.project, r.location): r.size_bytes for r in data.bi_reservations}
    assert sized[(DASH, "us-east4")] == 10 * GIB
    assert sized[(EU, "europe-west1")] == 0  # the empty message: no reservation
    assert len(sized) == 6
    dash = next(r for r in data.bi_reservations if r.size_bytes)
    assert dash.preferred_tables == (f"{DASH}.bi.orders_daily",)
    assert dash.update_time == datetime(2026, 11, 30, 16, 5, tzinfo=UTC)
    assert data.warnings == ()


def test_the_pane_shows_size_use_and_price(fake: FakeGrpcServer) -> None:
    data = _data(_fetch(fake))
    section = reservations_section(Snapshot(at=T, reservations=data), default_prices())
    (item,) = section.bi_reservations  # the reservations of size 0 are left out
    assert (item.project, item.location) == (DASH, "us-east4")
    assert item.size_gib == 10.0
    assert item.used_gib == 6.5  # the newest point (09:57), not the older 6.0
    assert item.use_pct == pytest.approx(65.0)  # 6.5 / 10 GiB
    assert item.usd_per_hour == pytest.approx(10 * 0.0416)  # 10 GiB x $0.0416/GiB-hour


def test_a_denied_bi_reservation_is_a_warning_and_stops_that_project(fake: FakeGrpcServer) -> None:
    fake.fault(
        fmt.RES_GET_BI_RESERVATION,
        Fault(code="PERMISSION_DENIED", message="Permission 'bigquery.bireservations.get' denied", where=EU),
    )
    data = _data(_fetch(fake))
    asked = [r["name"] for r in fake.requests(fmt.RES_GET_BI_RESERVATION)]
    # acme-eu-ops: its first location denied, its other two not asked
    assert [n for n in asked if EU in n] == [f"projects/{EU}/locations/US/biReservation"]
    assert [r.project for r in data.bi_reservations] == [DASH, DASH, DASH]
    (warning,) = data.warnings
    assert warning.startswith("BI Engine reservations not shown: PERMISSION_DENIED")
    assert "roles/bigquery.resourceViewer" in warning
    assert data.incomplete == ()  # the slot reservations are not touched


@pytest.mark.parametrize(
    "fault",
    [
        Fault(code="UNAVAILABLE"),
        Fault(code="UNAUTHENTICATED", message="Request had invalid authentication credentials."),
        Fault(code="NOT_FOUND", message="Not found: BI reservation"),
        Fault(code="RESOURCE_EXHAUSTED", message="Quota exceeded"),
        Fault(kind="garbage"),
        Fault(kind="sleep", seconds=5.0),
    ],
    ids=["unavailable", "unauthenticated", "not-found", "quota", "garbage", "hang"],
)
def test_a_failed_bi_reservation_only_warns(fake: FakeGrpcServer, fault: Fault) -> None:
    fake.fault(fmt.RES_GET_BI_RESERVATION, fault)
    data = _data(_fetch(fake))
    assert data.bi_reservations == ()
    assert data.warnings
    assert all(w.startswith("BI Engine reservations not shown: ") for w in data.warnings)
    # no reservation read, so no BI metric asked
    assert not [r for r in fake.requests(fmt.MON_LIST_TIME_SERIES) if "biengine" in r["filter"]]
