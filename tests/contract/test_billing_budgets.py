"""The Budget API half of the live billing source against the fake gRPC server: ``ListBudgets`` of the
configured billing account (every page), its budgets in the billing data and in the cost estimate, a denied
call, and a budgets client that only reads, on Google's endpoint too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store
from dashboard.config import AuthConfig, BillingConfig, Config, EndpointsConfig, GcpConfig, TimeoutsConfig
from dashboard.cost import estimate
from dashboard.models import ApiBudget, BillingData
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

from .fake_grpc import FakeGrpcServer, Fault
from .fake_rest import DEMO, FakeRest, load

pytestmark = pytest.mark.timeout(30)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ACCOUNT = "01A2B3-C4D5E6-F7A8B9"
TABLE = "acme-admin.billing_export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9"
PLATFORM = {
    "name": f"billingAccounts/{ACCOUNT}/budgets/7d1c",
    "displayName": "Data platform",
    "budgetFilter": {"services": ["services/24E6-581D-38E5"]},
    "amount": {"specifiedAmount": {"currencyCode": "USD", "units": "40000", "nanos": 500000000}},
    "thresholdRules": [{"thresholdPercent": 0.5}, {"thresholdPercent": 0.9}],
}
EVERYTHING = {
    "name": f"billingAccounts/{ACCOUNT}/budgets/91aa",
    "displayName": "Everything",
    "amount": {"lastPeriodAmount": {}},
}


DENIED = Fault(code="PERMISSION_DENIED", message="no billing.budgets.list")


class StepClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at


def budgets_page() -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=T0,
        source="billing",
        api="grpc",
        method=fmt.BUDGETS_LIST_BUDGETS,
        request={"parent": f"billingAccounts/{ACCOUNT}"},
        response={"budgets": [PLATFORM, EVERYTHING]},
    )


@pytest.fixture(scope="module")
def server() -> Iterator[FakeGrpcServer]:
    with FakeGrpcServer([budgets_page()]) as fake:
        yield fake


@pytest.fixture
def grpc_fake(server: FakeGrpcServer) -> FakeGrpcServer:
    server.clear_faults()
    server.serve([budgets_page()])
    server.received.clear()
    return server


@pytest.fixture(scope="module")
def rest_fake() -> Iterator[FakeRest]:
    recorded = load()
    billing = load(DEMO.parent / "billing.jsonl")
    recorded.query.update(billing.query)
    with FakeRest(recorded) as fake:
        yield fake


def config(address: str, rest: str | None = None, **billing: Any) -> Config:
    """Budgets at ``address`` (and BigQuery at ``rest``), anonymous, short timeouts."""
    return Config(
        gcp=GcpConfig(projects=["acme-analytics"]),
        endpoints=EndpointsConfig(budgets=address, bigquery=rest),
        auth=AuthConfig(anonymous=True),
        timeouts=TimeoutsConfig(call=2.0, retry_deadline=2.0),
        billing=BillingConfig(billing_account=ACCOUNT, **billing),
    )


def poll_billing(cfg: Config) -> Any:
    backend = LiveBackend(cfg, StepClock())
    try:
        [poll] = backend.poll("billing")
        return poll, backend.last_exchanges.get("billing", [])
    finally:
        backend.close()


def test_list_budgets_of_the_account_into_the_billing_data(grpc_fake: FakeGrpcServer) -> None:
    poll, exchanges = poll_billing(config(grpc_fake.address))
    assert poll.error is None, poll.error
    assert grpc_fake.requests(fmt.BUDGETS_LIST_BUDGETS) == [{"parent": f"billingAccounts/{ACCOUNT}"}]
    [exchange] = exchanges
    assert (exchange.source, exchange.api, exchange.method) == ("billing", "grpc", fmt.BUDGETS_LIST_BUDGETS)
    data = poll.data
    assert isinstance(data, BillingData)
    assert data.exported is False  # no export table: no billed rows, and none pretended
    assert data.rows == ()
    assert data.budgets == (
        ApiBudget(
            name="Data platform",
            amount_usd=40000.5,
            services=("services/24E6-581D-38E5",),
            thresholds_pct=(50.0, 90.0),
        ),
        ApiBudget(name="Everything", amount_usd=None),
    )


def test_api_budgets_reach_the_estimate_without_billed_figures(grpc_fake: FakeGrpcServer) -> None:
    backend = LiveBackend(config(grpc_fake.address), StepClock())
    try:
        store = live_store(backend)
        for poll in backend.poll("billing"):
            store.apply(poll)
    finally:
        backend.close()
    snapshot = store.snapshot(T0)
    assert snapshot.statuses["billing"].state == "ok"
    cost = estimate(snapshot)
    assert cost.billing is None
    by_name = {b.name: b for b in cost.budgets}
    assert set(by_name) == {"Data platform", "Everything"}
    assert by_name["Data platform"].source == "budget-api"
    assert by_name["Data platform"].amount_usd == 40000.5
    # its filter names the BigQuery service (24E6-581D-38E5): on-demand queries and BigQuery ML bill under it
    assert by_name["Data platform"].services == ("bigquery_on_demand", "bigquery_ml")
    assert by_name["Everything"].amount_usd is None


def test_every_page_is_read(grpc_fake: FakeGrpcServer) -> None:
    grpc_fake.serve([budgets_page()], split_pages=True)
    poll, exchanges = poll_billing(config(grpc_fake.address))
    assert poll.error is None, poll.error
    assert len(exchanges) == 2
    assert "pageToken" in exchanges[1].request
    assert [b.name for b in poll.data.budgets] == ["Data platform", "Everything"]


def test_a_denied_list_fails_a_budgets_only_poll(grpc_fake: FakeGrpcServer) -> None:
    grpc_fake.fault(fmt.BUDGETS_LIST_BUDGETS, DENIED)
    poll, _ = poll_billing(config(grpc_fake.address))
    assert poll.data is None
    assert poll.error_code == "PERMISSION_DENIED"
    assert "roles/billing.viewer" in (poll.error or "")


def test_with_the_export_a_denied_list_is_a_warning(grpc_fake: FakeGrpcServer, rest_fake: FakeRest) -> None:
    rest_fake.clear()
    grpc_fake.fault(fmt.BUDGETS_LIST_BUDGETS, DENIED)
    poll, exchanges = poll_billing(config(grpc_fake.address, rest_fake.url, export_table=TABLE))
    assert poll.error is None, poll.error
    assert [ex.method for ex in exchanges] == [fmt.BQ_JOBS_QUERY, fmt.BUDGETS_LIST_BUDGETS]
    assert poll.data.exported is True
    assert poll.data.rows
    assert poll.data.budgets == ()
    assert any(w.startswith("budgets not read") for w in poll.data.warnings)


def test_export_and_budgets_in_one_poll(grpc_fake: FakeGrpcServer, rest_fake: FakeRest) -> None:
    rest_fake.clear()
    poll, _ = poll_billing(config(grpc_fake.address, rest_fake.url, export_table=TABLE))
    assert poll.error is None, poll.error
    assert poll.data.rows
    assert len(poll.data.budgets) == 2


def test_the_budgets_client_only_reads_on_googles_endpoint_too() -> None:
    """No network: the refusal comes before the channel connects."""
    from google.cloud.billing import budgets_v1

    from dashboard.backends.gcp.context import FetchContext
    from dashboard.backends.gcp.grpc_channels import ReadOnlyViolation
    from dashboard.sources.billing.api import budgets_client, close

    ctx = FetchContext(msgspec.structs.replace(config("x"), endpoints=EndpointsConfig()))
    client = budgets_client(ctx)
    try:
        assert client.transport._host == "billingbudgets.googleapis.com:443"
        request = budgets_v1.CreateBudgetRequest(parent=f"billingAccounts/{ACCOUNT}")
        with pytest.raises(ReadOnlyViolation, match="BudgetService/CreateBudget"):
            client.create_budget(request=request, retry=None, timeout=1)
    finally:
        close(ctx)
