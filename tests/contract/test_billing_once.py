"""``gcpdash --once`` live against the fake servers, the export query evaluated on a hand-written export
table (:mod:`.fake_sql`) kept in euros, and a quarter's budget from the Budget API: the report's figures in
dollars, and the quarter's budget shown but not compared with the month, so ``--fail-on budgets.over`` does
not fire on it (``budgets_v1.Filter.calendar_period``: QUARTER "tracks usage from April 1 to June 30").

The export: BigQuery EUR 2.30 an hour at 0.92 EUR to the dollar (USD 2.50) for each of the invoice month's
last 12 whole hours before now (at most those since it began, 00:00 Pacific time), each exported as its hour
ends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from .test_billing_cli import gcpdash
from .test_billing_export import TABLE, export_row

pytestmark = pytest.mark.timeout(60)

ACCOUNT = "01A2B3-C4D5E6-F7A8B9"


def month_start(now: datetime) -> datetime:
    """Midnight Pacific time of the first of ``now``'s month there, in UTC (invoice months)."""
    pacific = now.astimezone(ZoneInfo("America/Los_Angeles"))
    return pacific.replace(day=1, hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def euro_rows(now: datetime) -> list[dict[str, Any]]:
    hour = now.replace(minute=0, second=0, microsecond=0)
    first = max(hour - timedelta(hours=12), month_start(now))
    invoice = f"{now.astimezone(ZoneInfo('America/Los_Angeles')):%Y%m}"
    rows = []
    start = first
    while start + timedelta(hours=1) <= now:
        row = export_row(
            ("24E6-581D-38E5", "BigQuery"), "Analysis (US)", "acme-analytics", start, 2.30,
            exported=start + timedelta(hours=1), invoice=invoice,
        )  # fmt: skip
        rows.append(row | {"currency": "EUR", "currency_conversion_rate": 0.92})
        start += timedelta(hours=1)
    return rows


def test_once_reports_a_euro_bill_in_dollars_and_does_not_compare_a_quarters_budget(tmp_path: Path) -> None:
    from dashboard.recording import format as fmt
    from dashboard.recording.format import Exchange

    from .serve import Servers, demo_exchanges

    quarter = {
        "name": f"billingAccounts/{ACCOUNT}/budgets/q4",
        "displayName": "Platform Q4",
        "budgetFilter": {"calendarPeriod": "QUARTER", "creditTypesTreatment": "INCLUDE_ALL_CREDITS"},
        "amount": {"specifiedAmount": {"currencyCode": "USD", "units": "1"}},
    }
    budgets = Exchange(
        v=1,
        poll=1,
        t=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        source="billing",
        api="grpc",
        method=fmt.BUDGETS_LIST_BUDGETS,
        request={"parent": f"billingAccounts/{ACCOUNT}"},
        response={"budgets": [quarter]},
    )
    now = datetime.now(UTC)
    rows = euro_rows(now)
    with Servers() as servers:
        servers.rest.tables[TABLE] = rows
        servers.grpc.serve([*demo_exchanges(), budgets])
        text = servers.config().replace("[auth]", f'budgets = "{servers.grpc.address}"\n\n[auth]', 1)
        text += f'\n[billing]\nexport_table = "{TABLE}"\nbilling_account = "{ACCOUNT}"\n'
        config = tmp_path / "fake.toml"
        config.write_text(text, encoding="utf-8")
        result = gcpdash(
            "--once", "--config", str(config), "--format", "json", "--fail-on", "critical: budgets.over > 0"
        )
        plain = gcpdash("--once", "--config", str(config))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["sources"]["billing"]["state"] == "ok", document["sources"]["billing"]
    bill = document["cost"]["billing"]
    [on_demand] = [s for s in bill["services"] if s["service"] == "bigquery_on_demand"]
    # each hour EUR 2.30 / 0.92 = USD 2.50
    assert on_demand["mtd_usd"] == pytest.approx(len(rows) * 2.30 / 0.92)
    assert bill["currency"] == "EUR"
    # a $1 quarter's budget: the month's spend is no measure of it, so it is not over
    [budget] = document["cost"]["budgets"]
    assert (budget["name"], budget["amount_usd"], budget["spent_usd"]) == ("Platform Q4", 1.0, None)
    assert (budget["forecast_pct"], budget["over"]) == (None, False)
    assert any("period: QUARTER" in u for u in budget["unmatched"])
    assert plain.returncode == 0, plain.stderr
    assert "Platform Q4" in plain.stdout
    assert "period: QUARTER (not applied: not compared)" in " ".join(plain.stdout.split())
