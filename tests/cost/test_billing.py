"""The bill: the export query's result parsed from wire-format exchanges, the estimate checked against it,
month to date, the month-end forecast and budgets, against figures worked out by hand in the comments.

The platform: one n2 cluster (3 x n2-standard-4, $0.672/h at the test prices) created at 07:00, and one
on-demand query of 0.5 TiB ($2.50) created at 06:00 and ended at 06:30; the snapshot is at 09:00 on
26 November, so the window is 06:00-09:00.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from dashboard import cost
from dashboard.backends.base import Poll
from dashboard.config import Budget, Config, CostConfig
from dashboard.cost.budget import match_services
from dashboard.errors import SourceError
from dashboard.models import BillingData, BillingRow, Cluster, DataprocData, Job, NodeGroup, Snapshot
from dashboard.parsers import parse_poll
from dashboard.pricing import load_prices
from dashboard.queries import (
    billing_export_sql,
)
from dashboard.recording import format as fmt
from dashboard.store import Store

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
TODAY = datetime(2026, 11, 26, tzinfo=UTC)
TIB = 2**40
PRICES = {
    "bigquery.on_demand.per_tib": 5.0,
    "dataproc.premium.per_vcpu_hour": 0.01,
    "gce.n2.vcpu_hour": 0.03,
    "gce.n2.ram_gib_hour": 0.004,
}
TABLE = "billing-proj.billing_ds.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9"

# ---------------------------------------------------------------- wire format


def _us(moment: datetime) -> str:
    return str(int(moment.timestamp()) * 1_000_000)


def wire_row(start: datetime, hourly: bool, service: str, gross: float, credits: float) -> dict[str, Any]:
    exported = _us(datetime(2026, 11, 26, 8, 20, tzinfo=UTC))
    values = [_us(start), "true" if hourly else "false", service, "USD", repr(gross), repr(credits), exported]
    return {"f": [{"v": v} for v in values]}


SCHEMA = {
    "fields": [
        {"name": "period_start", "type": "TIMESTAMP", "mode": "NULLABLE"},
        {"name": "hourly", "type": "BOOLEAN", "mode": "NULLABLE"},
        {"name": "service", "type": "STRING", "mode": "NULLABLE"},
        {"name": "currency", "type": "STRING", "mode": "NULLABLE"},
        {"name": "gross", "type": "FLOAT", "mode": "NULLABLE"},
        {"name": "credits", "type": "FLOAT", "mode": "NULLABLE"},
        {"name": "exported", "type": "TIMESTAMP", "mode": "NULLABLE"},
    ]
}


def exchange(method: str, response: Any = None, *, error: dict[str, Any] | None = None) -> fmt.Exchange:
    fields: dict[str, Any] = {
        "v": 1,
        "poll": 1,
        "t": "2026-11-26T09:00:00Z",
        "source": "billing",
        "api": "rest",
        "method": method,
        "http_method": "POST" if method == fmt.BQ_JOBS_QUERY else "GET",
        "path": "/bigquery/v2/projects/billing-proj/queries",
        "request": {
            "labels": {fmt.QUERY_LABEL: fmt.BILLING_EXPORT_QUERY},
            "query": billing_export_sql(TABLE),
            "queryParameters": [
                {
                    "name": "invoice_month",
                    "parameterType": {"type": "STRING"},
                    "parameterValue": {"value": "202611"},
                }
            ],
        },
    }
    if error is not None:
        fields |= {"error": error, "status": error["status"]}
    else:
        fields |= {"response": response, "status": 200}
    return fmt.EXCHANGE_DECODER.decode(msgspec.json.encode(fields))


def month_rows() -> list[dict[str, Any]]:
    """Days 1-25: Compute Engine $10 less a $2 credit, Cloud Dataproc $1, BigQuery $3, Cloud Storage $0.50.

    Today by the hour: BigQuery $2.40 at 06:00; at 07:00 Compute Engine $0.60 less $0.10, Dataproc $0.10.
    """
    rows = []
    for day in range(1, 26):
        start = datetime(2026, 11, day, tzinfo=UTC)
        rows += [
            wire_row(start, False, "BigQuery", 3.0, 0.0),
            wire_row(start, False, "Cloud Dataproc", 1.0, 0.0),
            wire_row(start, False, "Cloud Storage", 0.5, 0.0),
            wire_row(start, False, "Compute Engine", 10.0, -2.0),
        ]
    rows += [
        wire_row(TODAY.replace(hour=6), True, "BigQuery", 2.4, 0.0),
        wire_row(TODAY.replace(hour=7), True, "BigQuery", 0.0, 0.0),
        wire_row(TODAY.replace(hour=7), True, "Cloud Dataproc", 0.1, 0.0),
        wire_row(TODAY.replace(hour=7), True, "Compute Engine", 0.6, -0.1),
    ]
    return rows


def billing_data() -> BillingData:
    rows = month_rows()
    first = {"kind": "bigquery#queryResponse", "schema": SCHEMA, "jobComplete": True, "rows": rows[:60]}
    first |= {
        "jobReference": {"projectId": "billing-proj", "jobId": "q1", "location": "US"},
        "pageToken": "p2",
    }
    second = {"jobReference": {"projectId": "billing-proj", "jobId": "q1"}, "rows": rows[60:]}
    data = parse_poll(
        "billing", [exchange(fmt.BQ_JOBS_QUERY, first), exchange(fmt.BQ_GET_QUERY_RESULTS, second)]
    )
    assert isinstance(data, BillingData)
    return data


def snapshot(billing: BillingData | None) -> Snapshot:
    cluster = Cluster(
        project="p",
        region="us-central1",
        name="c",
        state="RUNNING",
        created=TODAY.replace(hour=7),
        groups=(
            NodeGroup(role="master", count=1, machine_type="n2-standard-4"),
            NodeGroup(role="worker", count=2, machine_type="n2-standard-4"),
        ),
    )
    job = Job(
        project="p",
        job_id="q",
        created=TODAY.replace(hour=6),
        ended=TODAY.replace(hour=6, minute=30),
        bytes_billed=TIB // 2,
    )
    return Snapshot(at=AT, jobs=(job,), dataproc=DataprocData(clusters=(cluster,)), billing=billing)


# ---------------------------------------------------------------- parsing


def test_the_export_result_parses_across_pages() -> None:
    data = billing_data()
    assert len(data.rows) == 25 * 4 + 4
    assert data.invoice_month == "202611"
    assert data.exported_through == datetime(2026, 11, 26, 8, 20, tzinfo=UTC)
    exported = datetime(2026, 11, 26, 8, 20, tzinfo=UTC)
    assert data.rows[0] == BillingRow(
        start=datetime(2026, 11, 1, tzinfo=UTC), service="BigQuery", gross=3.0, exported=exported
    )
    assert data.rows[-1] == BillingRow(
        start=TODAY.replace(hour=7),
        hours=1,
        service="Compute Engine",
        gross=0.6,
        credits=-0.1,
        exported=exported,
    )
    assert data.rows[-1].net == pytest.approx(0.5)


def test_a_denied_export_query_fails_the_poll_naming_the_role() -> None:
    denied = {"code": "403 accessDenied", "message": "Access Denied: Table billing-proj", "status": 403}
    with pytest.raises(SourceError) as raised:
        parse_poll("billing", [exchange(fmt.BQ_JOBS_QUERY, error=denied)])
    assert "roles/bigquery.dataViewer" in raised.value.reason


def test_a_result_without_the_columns_is_garbage() -> None:
    bad = {"schema": {"fields": [{"name": "day", "type": "DATE"}]}, "rows": [{"f": [{"v": "2026-11-01"}]}]}
    with pytest.raises(SourceError):
        parse_poll("billing", [exchange(fmt.BQ_JOBS_QUERY, bad)])


def test_the_store_keeps_the_latest_result_and_the_status() -> None:
    store = Store(mode="replay")
    store.apply(Poll(source="billing", t=AT - timedelta(minutes=5), data=billing_data()))
    snap = store.snapshot(AT)
    assert snap.billing == billing_data()
    assert snap.statuses["billing"].state == "ok"


# ---------------------------------------------------------------- the check, the month, budgets


@pytest.fixture
def estimate() -> cost.CostEstimate:
    return cost.estimate(snapshot(billing_data()), load_prices(overrides=PRICES))


def test_the_estimate_is_checked_against_the_bill_hour_by_hour(estimate: cost.CostEstimate) -> None:
    bill = estimate.billing
    assert bill is not None
    assert bill.billed
    # the newest hourly row ends at 08:00; the export time 08:20 rounds down to 08:00 too
    assert bill.billed_through == TODAY.replace(hour=8)
    # from the window's first full hour (06:00) to the last billed one (08:00)
    assert (bill.check_start, bill.check_end) == (TODAY.replace(hour=6), TODAY.replace(hour=8))
    checks = {c.service: c for c in bill.checks}
    # on-demand: the 0.5 TiB job, $2.50, against $2.40 billed: +$0.10, +4.17 %
    od = checks["bigquery_on_demand"]
    assert (od.estimate_usd, od.billed_usd) == (pytest.approx(2.5), pytest.approx(2.4))
    assert od.difference_usd == pytest.approx(0.1)
    assert od.difference_pct == pytest.approx(0.1 / 2.4 * 100)
    # Dataproc: the cluster from 07:00 to 08:00, $0.672, against Dataproc $0.10 + Compute Engine $0.50 net
    dp = checks["dataproc"]
    assert (dp.estimate_usd, dp.billed_usd) == (pytest.approx(0.672), pytest.approx(0.6))
    assert dp.difference_pct == pytest.approx(12.0)
    assert "dataflow" not in checks  # no hourly rows: nothing says how far its bill covers
    assert bill.check_estimate_usd == pytest.approx(3.172)
    assert bill.check_billed_usd == pytest.approx(3.0)


def test_billed_per_service_per_day_and_month_to_date(estimate: cost.CostEstimate) -> None:
    bill = estimate.billing
    assert bill is not None
    services = {s.service: s for s in bill.services}
    # a day: BigQuery $3, Dataproc $1 + Compute Engine $8 net, Cloud Storage $0.50 = $12.50; 25 of them
    assert services["bigquery_on_demand"].mtd_usd == pytest.approx(25 * 3 + 2.4)
    assert services["dataproc"].mtd_usd == pytest.approx(25 * 9 + 0.6)
    assert services["dataproc"].credits_usd == pytest.approx(25 * -2 - 0.1)
    assert services["dataproc"].billing_services == ("Cloud Dataproc", "Compute Engine")
    assert services["other"].mtd_usd == pytest.approx(12.5)
    assert bill.mtd_usd == pytest.approx(25 * 12.5 + 3.0)  # $315.50
    assert bill.today_usd == pytest.approx(3.0)
    assert [d.day.day for d in bill.days] == list(range(1, 27))
    assert bill.days[0].total_usd == pytest.approx(12.5)
    assert bill.days[0].usd == {
        "bigquery_on_demand": pytest.approx(3.0),
        "dataproc": pytest.approx(9.0),
        "other": pytest.approx(0.5),
    }
    assert [d.complete for d in bill.days[-2:]] == [True, False]


def test_month_to_date_and_forecast(estimate: cost.CostEstimate) -> None:
    month = estimate.month
    assert month is not None
    # the invoice month 202611 runs from 00:00 PDT on 1 November (07:00 UTC) to 00:00 PST on 1 December
    # (08:00 UTC): at 26 Nov 09:00 UTC, 25 x 24 + 9 - 7 = 602 h elapsed, 111 + 8 = 119 h left
    assert month.month == "2026-11"
    assert (month.hours_elapsed, month.hours_left) == (pytest.approx(602), pytest.approx(119))
    groups = {g.service: g for g in month.services}
    # billed to 08:00, then the estimate: the cluster's 08:00-09:00, $0.672; the query ended at 06:30
    assert groups["dataproc"].mtd_usd == pytest.approx(225.6 + 0.672)
    assert groups["bigquery_on_demand"].mtd_usd == pytest.approx(77.4)
    assert month.mtd_usd == pytest.approx(315.5 + 0.672)  # $316.17
    assert month.mtd_basis == "billed + estimate"
    # the rest of the month at each group's billed $/h over the 25 complete days, which hold 593 hours of
    # November's invoice (1 November's from 07:00 UTC, 00:00 PDT: 17 h; then 24 x 24 h):
    # on-demand 25 x $3, Dataproc 25 x $9, other 25 x $0.50 over 593 h
    assert groups["bigquery_on_demand"].forecast_usd == pytest.approx(77.4 + 75 / 593 * 119)  # $92.45
    assert groups["dataproc"].forecast_usd == pytest.approx(226.272 + 225 / 593 * 119)  # $271.42
    assert groups["other"].forecast_usd == pytest.approx(12.5 + 12.5 / 593 * 119)  # $15.01
    assert month.forecast_usd == pytest.approx(92.450590 + 271.423771 + 15.008432)  # $378.88


def test_budgets_from_config_and_from_the_budget_api() -> None:
    config = Config(
        prices=PRICES,
        budgets=[
            Budget(name="platform", amount_usd=350.0),
            Budget(name="bq", amount_usd=100.0, services=["BigQuery"]),
            Budget(name="typo", amount_usd=10.0, services=["Dataprc"]),
        ],
        cost=CostConfig(project_modes={}),
    )
    api = cost.parse_budget(
        {
            "name": "billingAccounts/01A2B3-C4D5E6-F7A8B9/budgets/b1",
            "displayName": "Dataproc cap",
            "budgetFilter": {"services": ["services/6F81-5844-456A"], "calendarPeriod": "MONTH"},
            "amount": {"specifiedAmount": {"currencyCode": "USD", "units": "250", "nanos": 500000000}},
            "thresholdRules": [{"thresholdPercent": 0.5}, {"thresholdPercent": 0.9}],
        }
    )
    assert (api.amount_usd, api.source, api.thresholds_pct) == (250.5, "budget-api", (50.0, 90.0))
    estimate = cost.estimate(snapshot(billing_data()), config=config, api_budgets=[api])
    assert estimate.price_overrides == PRICES
    budgets = {b.name: b for b in estimate.budgets}
    # everything: $316.17 spent, $378.88 forecast: over the $350
    platform = budgets["platform"]
    assert platform.spent_usd == pytest.approx(316.172)
    assert platform.forecast_usd == pytest.approx(378.882793)
    assert platform.forecast_pct == pytest.approx(378.882793 / 350 * 100)
    assert platform.over
    # "BigQuery" covers on-demand (with BigQuery ML, billed under it) and editions: $77.40 spent, $92.45
    # forecast, under $100
    bq = budgets["bq"]
    assert bq.services == ("bigquery_on_demand", "bigquery_ml", "bigquery_editions")
    assert (bq.spent_usd, bq.forecast_usd, bq.over) == (pytest.approx(77.4), pytest.approx(92.450590), False)
    # a name gcpdash cannot map is said, not guessed
    assert budgets["typo"].unmatched == ("Dataprc",)
    assert budgets["typo"].spent_usd == 0
    # Compute Engine's id maps to Dataproc (the clusters' VMs): $271.42 forecast over $250.50
    cap = budgets["Dataproc cap"]
    assert (cap.source, cap.services, cap.over) == ("budget-api", ("dataproc",), True)


def test_without_the_export_the_forecast_is_a_run_rate() -> None:
    estimate = cost.estimate(
        snapshot(None), load_prices(overrides=PRICES), budgets=[cost.BudgetSpec(name="b", amount_usd=100.0)]
    )
    month = estimate.month
    assert month is not None
    assert month.mtd_usd is None
    # the cluster's $0.672/h over the 720 h of November; the query ended hours ago ($0/h now)
    assert month.forecast_usd == pytest.approx(0.672 * 720)
    [budget] = estimate.budgets
    assert budget.spent_usd is None
    assert budget.forecast_usd == pytest.approx(0.672 * 720)
    assert budget.over


def test_service_names_of_budgets() -> None:
    assert match_services(["Dataproc", "compute engine", "services/24E6-581D-38E5"]) == (
        ("dataproc", "bigquery_on_demand", "bigquery_ml"),  # the BigQuery service bills BigQuery ML too
        (),
    )
    assert match_services(["Cloud Dataflow", "nope"]) == (("dataflow",), ("nope",))
