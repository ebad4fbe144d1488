"""The Storage Read API's reads in the bill: no job carries them, so the billing export is all that shows
them. The export query, live, against a hand-written export table the fake evaluates it on
(:mod:`.fake_sql`); the service and SKU names are GCP_REFERENCE.md section 10.4's (unconfirmed against a real
export).

The table (every hour from 00:00 UTC on 30 November to 11:00 on 1 December):

- "BigQuery Storage API" / "BigQuery Storage API - Read", acme-analytics: $0.11 an hour (0.1 TiB x $1.10),
  exported 9 h after the hour ends: a lagging export, its newest row hours old;
- the same service's "BigQuery Storage API - Write" (an assumed second SKU): $0.02 an hour, exported with it;
- BigQuery "Analysis (US)", acme-etl: $1.25 an hour, exported 2 h after the hour ends;
- the Read SKU also at 03:00 UTC on 1 November ($40: 20:00 PDT on 31 October, October's invoice) and at
  07:00 UTC on 1 November ($0.50: November's first hour).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from dashboard import cost
from dashboard.backends.gcp.live import LiveBackend
from dashboard.config import BillingConfig, Config
from dashboard.models import BillingData, Snapshot
from dashboard.views.cost import billed_rows, day_rows

from .fake_rest import FakeRest, bq_config, load
from .test_billing_export import TABLE, Clock, export_row

pytestmark = pytest.mark.timeout(30)

NOV30 = datetime(2026, 11, 30, tzinfo=UTC)
DEC1 = datetime(2026, 12, 1, tzinfo=UTC)
DECEMBER_INVOICE = datetime(2026, 12, 1, 8, tzinfo=UTC)
STORAGE_API = ("E5D1-0F4A-7E21", "BigQuery Storage API")
BIGQUERY = ("24E6-581D-38E5", "BigQuery")
READ = "BigQuery Storage API - Read"
TITLE = "BigQuery Storage Read API (billed only, no estimate)"


def export_table() -> list[dict[str, Any]]:
    """Every row the export will ever hold (each with the time it is exported)."""
    rows = [
        export_row(
            STORAGE_API, READ, "acme-analytics", datetime(2026, 11, 1, 3, tzinfo=UTC), 40.0,
            exported=datetime(2026, 11, 1, 13, tzinfo=UTC), invoice="202610",
        ),
        export_row(
            STORAGE_API, READ, "acme-analytics", datetime(2026, 11, 1, 7, tzinfo=UTC), 0.50,
            exported=datetime(2026, 11, 1, 17, tzinfo=UTC), invoice="202611",
        ),
    ]  # fmt: skip
    for h in range(36):
        start = NOV30 + timedelta(hours=h)
        invoice = "202611" if start < DECEMBER_INVOICE else "202612"
        lagging = {"exported": start + timedelta(hours=1 + 9), "invoice": invoice}
        rows += [
            export_row(STORAGE_API, READ, "acme-analytics", start, 0.11, **lagging),
            export_row(STORAGE_API, "BigQuery Storage API - Write", "acme-analytics", start, 0.02, **lagging),
            export_row(
                BIGQUERY, "Analysis (US)", "acme-etl", start, 1.25,
                exported=start + timedelta(hours=3), invoice=invoice,
            ),
        ]  # fmt: skip
    return rows


@pytest.fixture(scope="module")
def server() -> Iterator[FakeRest]:
    with FakeRest(load()) as fake:
        yield fake


def poll_at(fake: FakeRest, at: datetime) -> BillingData:
    fake.clear()
    fake.tables[TABLE] = [r for r in export_table() if r["export_time"] <= at]
    config: Config = msgspec.structs.replace(
        bq_config(fake.url, history_window=8.5 * 3600),
        billing=BillingConfig(export_table=TABLE, location="US"),
    )
    backend = LiveBackend(config, Clock(at))
    try:
        [poll] = backend.poll("billing")
    finally:
        backend.close()
    assert poll.error is None, poll.error
    assert isinstance(poll.data, BillingData)
    return poll.data


AT = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
"""22:30 PST on 30 November: still November's invoice, though December in UTC."""


def test_the_read_sku_is_its_own_billed_line_across_the_month_boundary(server: FakeRest) -> None:
    data = poll_at(server, AT)
    # the query reports the Read SKU under its own description, the service's other SKU under the service
    assert {r.service for r in data.rows} == {READ, "BigQuery Storage API", "BigQuery"}
    bill = cost.estimate(Snapshot(at=AT, billing=data)).billing
    assert bill is not None
    reads = next(s for s in bill.services if s.service == "bigquery_storage_read")
    assert reads.title == TITLE
    assert reads.billing_services == (READ,)
    # November's invoice: $0.50 on 1 November + 21 hours (30 Nov 00:00 to 20:00, exported by 06:00 on
    # 1 December) x $0.11; October's $40 is not November's
    assert reads.mtd_usd == pytest.approx(0.50 + 21 * 0.11)  # $2.81
    # the lagging export: its newest hour is 20:00-21:00 on 30 November, 9.5 h before now
    assert reads.billed_through == NOV30.replace(hour=21)
    through = {t.service: t.billed_through for t in bill.service_through}
    assert through[READ] == NOV30.replace(hour=21)
    assert bill.billed_through == NOV30.replace(hour=21)  # the laggiest service's
    assert through["BigQuery"] == DEC1.replace(hour=4)
    # the Write SKU stays with the other billed-only services
    other = next(s for s in bill.services if s.service == "other")
    assert other.billing_services == ("BigQuery Storage API",)
    assert other.mtd_usd == pytest.approx(21 * 0.02)
    # billed only: never checked against an estimate, and no estimated line of its own
    assert all(c.service != "bigquery_storage_read" for c in bill.checks)
    estimate = cost.estimate(Snapshot(at=AT, billing=data))
    assert all(s.service != "bigquery_storage_read" for s in estimate.services)


def test_the_cost_pane_shows_it_billed_only(server: FakeRest) -> None:
    data = poll_at(server, AT)
    bill = cost.estimate(Snapshot(at=AT, billing=data)).billing
    assert bill is not None
    row = next(r for r in billed_rows(bill) if r.key == "bigquery_storage_read")
    cells = [c if isinstance(c, str) or c is None else c.plain for c in row.cells]
    # title, MTD, today (nothing of 1 December exported yet), credits, through, then no estimate: dashes
    assert cells[:3] == [TITLE, "$2.81", "$0.00"]
    assert cells[5:] == ["—", "—", "—", "—"]
    # per day: 30 November's 21 exported hours x $0.11 in the STORAGE READ column
    (nov30,) = [r for r in day_rows(bill) if r.key == "2026-11-30"]
    assert "$2.31" in [c if isinstance(c, str) else getattr(c, "plain", None) for c in nov30.cells]


def test_before_the_first_read_is_exported_the_line_says_nothing_billed(server: FakeRest) -> None:
    # at 14:00 UTC on 1 November only October's row is exported: no line (billed-only lines show when billed)
    data = poll_at(server, datetime(2026, 11, 1, 14, tzinfo=UTC))
    bill = cost.estimate(Snapshot(at=datetime(2026, 11, 1, 14, tzinfo=UTC), billing=data)).billing
    assert bill is not None
    assert all(s.service != "bigquery_storage_read" for s in bill.services)
