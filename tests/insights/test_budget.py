"""Budget rule: a budget the month-end forecast exceeds.

Without the billing export the forecast is the run rate over the whole month: one running cluster of three
n2-standard-8 nodes at $1.344/h (see test_dataproc) over November's 720 hours is $967.68. The snapshot is
at 09:00 on 26 November: 111 hours are left until 1 December.
"""

from __future__ import annotations

import msgspec
import pytest

from dashboard import cost
from dashboard.insights import evaluate
from dashboard.models import ApiBudget, BillingData, Cluster, DataprocData, NodeGroup, Snapshot
from insights.helpers import AT, prices, run

OVER = "budget.forecast_over"
FORECAST = 1.344 * 720


def snapshot(amount: float) -> Snapshot:
    cluster = Cluster(
        project="etl",
        region="us-central1",
        name="c",
        state="RUNNING",
        groups=(NodeGroup(role="master", count=3, machine_type="n2-standard-8"),),
    )
    billing = BillingData(budgets=(ApiBudget(name="platform", amount_usd=amount),), exported=False)
    return Snapshot(at=AT, dataproc=DataprocData(clusters=(cluster,)), billing=billing)


def test_a_budget_forecast_to_be_exceeded() -> None:
    (found,) = run(snapshot(900.0), OVER)
    assert found.severity == "warning"  # nothing known spent yet: a forecast, not an overrun
    assert found.source == "billing"
    assert found.resource == "platform"
    assert found.resource_key == "platform"
    # $967.68 = 108 % of $900: $67.68 over, which 111 hours left would need $0.61/h less to avoid
    assert found.usd_per_month == pytest.approx(FORECAST - 900)
    assert found.usd_per_hour == pytest.approx((FORECAST - 900) / 111)
    assert "forecast $967.68 = 108% of $900.00 by 30 Nov" in found.evidence
    assert "Cut about $0.61/h" in found.fix


def test_a_budget_the_forecast_stays_under_is_not_reported() -> None:
    assert run(snapshot(1000.0), OVER) == []  # 96.8 %
    # warned from 90 % of the amount instead
    assert len(run(snapshot(1000.0), OVER, forecast_pct=90)) == 1


def test_a_budget_already_spent_is_critical() -> None:
    snap = snapshot(900.0)
    estimate = cost.estimate(snap, prices())
    (status,) = estimate.budgets
    # what the estimate says with the billing export: $950 spent of $900 already
    spent = msgspec.structs.replace(status, spent_usd=950.0, spent_pct=950 / 900 * 100)
    found = evaluate(snap, msgspec.structs.replace(estimate, budgets=(spent,)))
    (over,) = [i for i in found if i.rule == OVER]
    assert over.severity == "critical"
    assert "$950.00 (106%) spent so far" in over.evidence
