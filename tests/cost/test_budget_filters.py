"""Budget API budgets in the shapes ``google.cloud.billing.budgets_v1.Budget`` serialises to (proto JSON, as
the live source records them) whose filter changes what their spend is. The Budget API documents
(``budgets_v1.Filter``, ``Budget``): ``credit_types_treatment`` "if not set, default behavior is
INCLUDE_ALL_CREDITS" (EXCLUDE_ALL_CREDITS: spend before credits); the period "month (default), quarter, year,
or custom time period". gcpdash measures this month's spend net of every credit, so such a budget is shown
but not compared: a quarter's budget against a month's spend said "30% spent" of a budget already spent.

The month: a bill of $60 a day of BigQuery analysis for the 25 complete days of November's invoice before
26 November 08:00 UTC.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from google.cloud.billing import budgets_v1
from google.type import money_pb2

from dashboard import cost
from dashboard.alerts.metrics import values as metric_values
from dashboard.insights import evaluate
from dashboard.models import BillingData, BillingRow, Snapshot

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
ACCOUNT = "billingAccounts/01A2B3-C4D5E6-F7A8B9"
BIGQUERY = "services/24E6-581D-38E5"


def payload(name: str, amount: int, **filt: Any) -> dict[str, Any]:
    """A budget as the live source records it: ``Budget.to_json`` with enum names."""
    budget = budgets_v1.Budget(
        name=f"{ACCOUNT}/budgets/{name}",
        display_name=name,
        budget_filter=budgets_v1.Filter(services=[BIGQUERY], **filt),
        amount=budgets_v1.BudgetAmount(specified_amount=money_pb2.Money(currency_code="USD", units=amount)),
        threshold_rules=[
            budgets_v1.ThresholdRule(threshold_percent=0.9),
            budgets_v1.ThresholdRule(
                threshold_percent=1.0, spend_basis=budgets_v1.ThresholdRule.Basis.FORECASTED_SPEND
            ),
        ],
    )
    found: dict[str, Any] = json.loads(
        budgets_v1.Budget.to_json(budget, use_integers_for_enums=False, indent=None)
    )
    return found


def bill() -> BillingData:
    """BigQuery $60 a day (both projects: the export query sums them) from 1 November 07:00 UTC (00:00 PDT,
    the invoice's start: the query's UTC day row of 1 November holds 17 h) to 26 November 08:00, the last
    8 hours per hour, every row exported by 08:30."""
    exported = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    first = BillingRow(
        start=datetime(2026, 11, 1, tzinfo=UTC), service="BigQuery", gross=17 * 2.5, exported=exported
    )
    days = [
        BillingRow(start=datetime(2026, 11, d, tzinfo=UTC), service="BigQuery", gross=60.0, exported=exported)
        for d in range(2, 26)
    ]
    hours = [
        BillingRow(
            start=datetime(2026, 11, 26, h, tzinfo=UTC),
            service="BigQuery",
            hours=1,
            gross=2.5,
            exported=exported,
        )
        for h in range(8)
    ]
    return BillingData(
        rows=(first, *days, *hours),
        invoice_month="202611",
        exported_through=exported,
        hourly_since=datetime(2026, 11, 26, tzinfo=UTC),
    )


def statuses(*payloads: dict[str, Any]) -> dict[str, cost.BudgetStatus]:
    specs = [cost.parse_budget(p) for p in payloads]
    estimate = cost.estimate(Snapshot(at=AT, billing=bill()), api_budgets=specs)
    return {b.name: b for b in estimate.budgets}


def test_an_account_wide_monthly_budget_is_compared() -> None:
    found = statuses(payload("bq", 1500, calendar_period=budgets_v1.CalendarPeriod.MONTH))["bq"]
    # spent: 17 h x $2.50 on 1 November + 24 days x $60 + 8 h x $2.50 = $42.50 + $1,440 + $20
    assert found.spent_usd == pytest.approx(42.5 + 24 * 60 + 8 * 2.5)  # $1,502.50
    assert found.spent_pct == pytest.approx(1502.5 / 1500 * 100)
    assert found.over
    assert found.unmatched == ()


@pytest.mark.parametrize(
    ("filt", "said"),
    [
        (
            {"credit_types_treatment": budgets_v1.Filter.CreditTypesTreatment.EXCLUDE_ALL_CREDITS},
            "credits: EXCLUDE_ALL_CREDITS",
        ),
        ({"calendar_period": budgets_v1.CalendarPeriod.QUARTER}, "period: QUARTER"),
        ({"calendar_period": budgets_v1.CalendarPeriod.YEAR}, "period: YEAR"),
        (
            {"custom_period": budgets_v1.CustomPeriod(start_date={"year": 2026, "month": 11, "day": 15})},
            "a custom period",
        ),
    ],
)
def test_a_budget_gcpdash_cannot_apply_is_shown_not_compared(filt: dict[str, Any], said: str) -> None:
    # a $1,000 budget of spend before credits, or of a quarter, a year, a custom period: the month's
    # $1,502.50 net of credits is not its spend (a quarter's began 1 October)
    found = statuses(payload("narrow", 1000, **filt))["narrow"]
    assert found.amount_usd == 1000
    assert (found.spent_usd, found.spent_pct, found.forecast_pct, found.over) == (None, None, None, False)
    assert any(u.startswith(said) for u in found.unmatched), found.unmatched
    assert "not compared" in found.basis


def test_a_narrow_budget_raises_no_insight_and_no_alert_metric() -> None:
    snapshot = Snapshot(at=AT, billing=bill())
    specs = [cost.parse_budget(payload("etl", 1000, calendar_period=budgets_v1.CalendarPeriod.QUARTER))]
    estimate = cost.estimate(snapshot, api_budgets=specs)
    assert [i.rule for i in evaluate(snapshot, estimate) if i.rule.startswith("budget.")] == []
    values = metric_values(snapshot, estimate, [])
    assert values["budgets.over"] == 0
    assert values["budgets.max_forecast_pct"] is None
    assert values["budgets.max_spent_pct"] is None


def test_defaults_are_the_account_the_month_and_every_credit() -> None:
    # unset fields (or their UNSPECIFIED values) are the documented defaults
    spec = cost.parse_budget(
        {"displayName": "all", "budgetFilter": {"creditTypesTreatment": "INCLUDE_ALL_CREDITS"},
         "amount": {"specifiedAmount": {"units": "10"}}}
    )  # fmt: skip
    assert spec.unevaluated == ()
    assert cost.parse_budget(payload("bq", 10)).unevaluated == ()


def test_a_budget_in_the_accounts_euros_is_not_read_as_dollars() -> None:
    # Money.currency_code "must match the currency of the billing account": EUR 1,000 is no $1,000 next to
    # the bill's dollars ($1,502.50 this month), so it is shown without a percentage rather than as over
    budget = payload("eur", 1000)
    budget["amount"]["specifiedAmount"]["currencyCode"] = "EUR"
    found = statuses(budget)["eur"]
    assert found.amount_usd is None
    assert found.spent_usd == pytest.approx(1502.5)
    assert (found.spent_pct, found.forecast_pct, found.over) == (None, None, False)
