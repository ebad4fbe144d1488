"""The billing export query, live, against an export table the fake evaluates the query on
(:mod:`.fake_sql`): rows in the standard export's documented shape (GCP_REFERENCE.md section 7.1), two
projects, services whose export lags differently, a window across UTC midnight and an invoice month that
follows Pacific time. The numbers below are worked out by hand from the rows.

The export table (``BQ`` = BigQuery, ``DF`` = Cloud Dataflow), every hour from 00:00 UTC on 30 November:

- BigQuery: acme-analytics "Analysis (US)" $1.5625 and acme-etl "Analysis (europe-west4)" $0.86 an hour
  ($2.4225), exported 2 h after the hour ends;
- Cloud Dataflow, acme-etl: "Dataflow: Streaming vCPU Time" $1.60 less a $0.10 committed-use credit and
  "Dataflow: Streaming Memory RAM" $0.40 an hour ($1.90 net), exported 5 h after the hour ends;
- Cloud Storage, acme-analytics: $4.80 a day (usage from midnight to midnight), exported at 04:00 next day;
- BigQuery $3.00 at 07:00 UTC on 1 November (00:00 PDT: November's first hour) and $100 at 03:00 UTC on
  1 November (20:00 PDT on 31 October: October's invoice).

Invoice months follow Pacific time: November's runs from 07:00 UTC on 1 November (00:00 PDT) to 08:00 UTC on
1 December (00:00 PST). The estimate: an on-demand job an hour in each project, from 22:00 UTC on
30 November, each running hh:00-hh:20: 0.25 TiB ($1.5625) in acme-analytics and 0.125 TiB ($0.78125) in
acme-etl at $6.25/TiB, $2.34375 an hour.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from dashboard import cost
from dashboard.backends.gcp.live import LiveBackend
from dashboard.config import BillingConfig, Config
from dashboard.models import BillingData, Job, Snapshot
from dashboard.pricing import load_prices
from dashboard.views import overview

from .fake_rest import FakeRest, bq_config, load

pytestmark = pytest.mark.timeout(30)

TABLE = "acme-admin.billing_export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9"
TIB = 2**40
PRICES = {"bigquery.on_demand.per_tib": 6.25}
NOV30 = datetime(2026, 11, 30, tzinfo=UTC)
DEC1 = datetime(2026, 12, 1, tzinfo=UTC)
DECEMBER_INVOICE = datetime(2026, 12, 1, 8, tzinfo=UTC)
"""00:00 PST on 1 December."""


def export_row(
    service: tuple[str, str],
    sku: str,
    project: str,
    start: datetime,
    cost_usd: float,
    *,
    exported: datetime,
    invoice: str,
    hours: int = 1,
    credits: tuple[tuple[str, float], ...] = (),
) -> dict[str, Any]:
    """One row of the standard export table, its columns nested as in the table's schema."""
    return {
        "billing_account_id": "01A2B3-C4D5E6-F7A8B9",
        "service": {"id": service[0], "description": service[1]},
        "sku": {"id": f"{zlib.crc32(sku.encode()) & 0xFFFF:04X}-{len(sku):04X}", "description": sku},
        "usage_start_time": start,
        "usage_end_time": start + timedelta(hours=hours),
        "project": {"id": project, "number": "412884720915", "name": project, "labels": []},
        "labels": [],
        "system_labels": [],
        "location": {"location": "US", "country": "US", "region": None, "zone": None},
        "export_time": exported,
        "cost": cost_usd,
        "currency": "USD",
        "currency_conversion_rate": 1.0,
        "usage": {"amount": 1.0, "unit": "seconds", "amount_in_pricing_units": 1.0, "pricing_unit": "hour"},
        "credits": [
            {
                "name": name,
                "amount": amount,
                "full_name": None,
                "id": name,
                "type": "COMMITTED_USAGE_DISCOUNT",
            }
            for name, amount in credits
        ],
        "invoice": {"month": invoice},
        "cost_type": "regular",
        "adjustment_info": None,
        "_PARTITIONTIME": exported.replace(hour=0, minute=0, second=0, microsecond=0),
    }


BIGQUERY = ("24E6-581D-38E5", "BigQuery")
DATAFLOW = ("AEFD-7695-64FA", "Cloud Dataflow")
STORAGE = ("95FF-2EF5-5EA1", "Cloud Storage")


def export_table() -> list[dict[str, Any]]:
    """Every row the export will ever hold for these days (each with the time it is exported)."""
    rows = [
        export_row(
            BIGQUERY, "Analysis (US)", "acme-analytics", datetime(2026, 11, 1, 3, tzinfo=UTC), 100.0,
            exported=datetime(2026, 11, 1, 6, tzinfo=UTC), invoice="202610",
        ),
        export_row(
            BIGQUERY, "Analysis (US)", "acme-analytics", datetime(2026, 11, 1, 7, tzinfo=UTC), 3.0,
            exported=datetime(2026, 11, 1, 10, tzinfo=UTC), invoice="202611",
        ),
    ]  # fmt: skip
    for day in (NOV30 - timedelta(days=1), NOV30):
        rows.append(
            export_row(
                STORAGE, "Standard Storage US Multi-region", "acme-analytics", day, 4.80,
                exported=day + timedelta(hours=28), invoice="202611", hours=24,
            )
        )  # fmt: skip
    for h in range(36):  # 00:00 on 30 November to 11:00 on 1 December
        start = NOV30 + timedelta(hours=h)
        invoice = "202611" if start < DECEMBER_INVOICE else "202612"
        bq = {"exported": start + timedelta(hours=1 + 2), "invoice": invoice}
        df = {"exported": start + timedelta(hours=1 + 5), "invoice": invoice}
        cud = (("Committed use discount: Dataflow", -0.10),)
        rows += [
            export_row(BIGQUERY, "Analysis (US)", "acme-analytics", start, 1.5625, **bq),
            export_row(BIGQUERY, "Analysis (europe-west4)", "acme-etl", start, 0.86, **bq),
            export_row(DATAFLOW, "Dataflow: Streaming vCPU Time", "acme-etl", start, 1.60, credits=cud, **df),
            export_row(DATAFLOW, "Dataflow: Streaming Memory RAM", "acme-etl", start, 0.40, **df),
        ]
    return rows


def jobs(until: datetime) -> tuple[Job, ...]:
    """The on-demand jobs: one an hour in each project from 22:00 on 30 November, ended by ``until``."""
    out = []
    hour = NOV30.replace(hour=22)
    while hour + timedelta(minutes=20) <= until:
        for project, size in (("acme-analytics", TIB // 4), ("acme-etl", TIB // 8)):
            out.append(
                Job(
                    project=project,
                    job_id=f"q_{project}_{hour:%d%H}",
                    created=hour,
                    started=hour,
                    ended=hour + timedelta(minutes=20),
                    bytes_billed=size,
                    statement_type="SELECT",
                )
            )
        hour += timedelta(hours=1)
    return tuple(out)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture(scope="module")
def server() -> Iterator[FakeRest]:
    with FakeRest(load()) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeRest) -> FakeRest:
    server.clear()
    return server


def poll_at(fake: FakeRest, at: datetime, **gcp: Any) -> tuple[BillingData, dict[str, str]]:
    """The export as it stands at ``at`` (rows exported by then), polled live; and the query's parameters."""
    fake.tables[TABLE] = [r for r in export_table() if r["export_time"] <= at]
    config: Config = msgspec.structs.replace(
        bq_config(fake.url, **gcp), billing=BillingConfig(export_table=TABLE, location="US")
    )
    backend = LiveBackend(config, Clock(at))
    try:
        [poll] = backend.poll("billing")
    finally:
        backend.close()
    assert poll.error is None, poll.error
    assert isinstance(poll.data, BillingData)
    [request] = [r for r in fake.log if r.method == "POST" and r.path.endswith("/queries")]
    params = {p["name"]: p["parameterValue"]["value"] for p in request.body["queryParameters"]}
    return poll.data, params


def estimate_at(data: BillingData, at: datetime) -> cost.CostEstimate:
    return cost.estimate(Snapshot(at=at, jobs=jobs(at), billing=data), load_prices(overrides=PRICES))


AT = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
"""22:30 PST on 30 November: still November's invoice, though December in UTC."""
HISTORY = {"history_window": 8.5 * 3600}
"""The jobs history reaches back to the first job, 22:00 on 30 November."""


def test_the_invoice_month_is_pacific_so_the_first_utc_hours_of_december_are_novembers(
    fake: FakeRest,
) -> None:
    data, params = poll_at(fake, AT, **HISTORY)
    # November's invoice; hourly rows over the 8.5 h history and the hour it began in, from 20:00 on
    # 30 November (06:00 less 10 h), across midnight; partitions from the UTC midnight 3 days before 07:00 UTC
    # on 1 November
    assert params == {
        "invoice_month": "202611",
        "hourly_since": "2026-11-30 20:00:00+00:00",
        "partition_since": "2026-10-29 00:00:00+00:00",
    }
    assert data.invoice_month == "202611"
    assert data.hourly_since == NOV30.replace(hour=20)
    bill = estimate_at(data, AT).billing
    assert bill is not None
    services = {s.service: s for s in bill.services}
    # BigQuery: $3.00 on 1 November + 28 hours (30 Nov 00:00 to 1 Dec 03:00, exported by 06:00) x $2.4225;
    # October's $100 is not November's
    assert services["bigquery_on_demand"].mtd_usd == pytest.approx(3.00 + 28 * 2.4225)  # $70.83
    # Dataflow: 25 hours (30 Nov 00:00 to 1 Dec 00:00, exported by 06:00) x ($2.00 - $0.10)
    assert services["dataflow"].mtd_usd == pytest.approx(25 * 1.90)  # $47.50
    assert services["dataflow"].credits_usd == pytest.approx(25 * -0.10)
    assert services["other"].mtd_usd == pytest.approx(2 * 4.80)
    assert bill.mtd_usd == pytest.approx(70.83 + 47.50 + 9.60)  # $127.93
    # today (UTC) so far: BigQuery 00:00-04:00, 4 x $2.4225; Dataflow 00:00-01:00, $1.90
    assert bill.today_usd == pytest.approx(4 * 2.4225 + 1.90)
    # 30 November came per hour from 20:00, per day before: the day adds up either way
    days = {d.day: d for d in bill.days}
    assert days[NOV30.date()].usd == {
        "bigquery_on_demand": pytest.approx(24 * 2.4225),
        "dataflow": pytest.approx(24 * 1.90),
        "other": pytest.approx(4.80),
    }
    # the bill covers every service to 01:00 on 1 December: 30 November is complete, 1 December is not
    assert days[NOV30.date()].complete
    assert not days[DEC1.date()].complete
    assert days[DEC1.date()].total_usd == pytest.approx(4 * 2.4225 + 1.90)


def test_each_service_is_checked_over_the_hours_its_own_bill_covers_across_midnight(fake: FakeRest) -> None:
    data, _ = poll_at(fake, AT, **HISTORY)
    estimate = estimate_at(data, AT)
    bill = estimate.billing
    assert bill is not None
    # BigQuery's rows reach 04:00 (the 03:00 hour was exported at 06:00), Dataflow's 01:00 (the 00:00 hour
    # at 06:00): the bill covers every service only to 01:00
    through = {t.service: t.billed_through for t in bill.service_through}
    assert through == {"BigQuery": DEC1.replace(hour=4), "Cloud Dataflow": DEC1.replace(hour=1)}
    assert bill.billed_through == DEC1.replace(hour=1)
    groups = {s.service: s.billed_through for s in bill.services}
    assert groups["bigquery_on_demand"] == DEC1.replace(hour=4)
    assert groups["dataflow"] == DEC1.replace(hour=1)
    assert groups["dataproc"] is None  # no rows: not checked
    checks = {c.service: c for c in bill.checks}
    assert set(checks) == {"bigquery_on_demand", "dataflow"}
    # on-demand from the window's first hour, 22:00 on 30 November, across midnight to 04:00: 6 hours,
    # 6 x $2.34375 estimated against 6 x $2.4225 billed
    od = checks["bigquery_on_demand"]
    assert (od.start, od.end) == (NOV30.replace(hour=22), DEC1.replace(hour=4))
    assert od.estimate_usd == pytest.approx(6 * 2.34375)  # $14.0625
    assert od.billed_usd == pytest.approx(6 * 2.4225)  # $14.535
    assert od.difference_pct == pytest.approx((14.0625 - 14.535) / 14.535 * 100)  # -3.25 %
    # Dataflow only to 01:00: 3 hours billed (nothing estimated: no pipeline in the snapshot)
    df = checks["dataflow"]
    assert (df.start, df.end) == (NOV30.replace(hour=22), DEC1.replace(hour=1))
    assert (df.estimate_usd, df.billed_usd) == (0.0, pytest.approx(3 * 1.90))
    assert (bill.check_start, bill.check_end) == (NOV30.replace(hour=22), DEC1.replace(hour=4))
    # the Overview says each service's hours
    rows = {r.key: r for r in overview.check_rows(estimate)}
    assert str(rows["bigquery_on_demand"].cells[1]) == "22:00–01 Dec 04:00"
    assert str(rows["dataflow"].cells[1]) == "22:00–01 Dec 01:00"
    # November's last hours: 07:00 UTC on 1 November to 08:00 UTC on 1 December, 721 h (the clocks went
    # back on 1 November); at 06:30, 719.5 h gone, 1.5 h left
    month = estimate.month
    assert month is not None
    assert (month.month, month.hours_elapsed, month.hours_left) == ("2026-11", 719.5, 1.5)
    # month to date per service: its bill, then the estimate from where its own bill ends: on-demand from
    # 04:00 (the jobs ended 04:20, 05:20, 06:20: 3 x $2.34375); Dataflow from 01:00 (nothing estimated)
    mtd = {g.service: g.mtd_usd for g in month.services}
    assert mtd["bigquery_on_demand"] == pytest.approx(70.83 + 3 * 2.34375)
    assert mtd["dataflow"] == pytest.approx(47.50)


def test_in_decembers_first_invoice_hours_only_decembers_rows_count(fake: FakeRest) -> None:
    at = datetime(2026, 12, 1, 11, 30, tzinfo=UTC)  # 03:30 PST
    data, params = poll_at(fake, at)
    # hourly rows over the default 6 h history and the hour it began in; partitions from the UTC midnight
    # 3 days before 08:00 UTC on 1 December
    assert params == {
        "invoice_month": "202612",
        "hourly_since": "2026-12-01 04:00:00+00:00",
        "partition_since": "2026-11-28 00:00:00+00:00",
    }
    estimate = estimate_at(data, at)
    bill = estimate.billing
    assert bill is not None
    # December's usage starts at 08:00 UTC: BigQuery's 08:00 hour (exported at 11:00) is all there is;
    # Dataflow's first December hour is exported at 14:00
    assert [(r.service, r.start, r.net) for r in data.rows] == [
        ("BigQuery", DECEMBER_INVOICE, pytest.approx(2.4225))
    ]
    assert bill.mtd_usd == pytest.approx(2.4225)
    assert bill.billed_through == DEC1.replace(hour=9)
    # the check starts where December's invoice does, not at the window's 22:00 on 30 November
    [od] = bill.checks
    assert (od.service, od.start, od.end) == ("bigquery_on_demand", DECEMBER_INVOICE, DEC1.replace(hour=9))
    assert (od.estimate_usd, od.billed_usd) == (pytest.approx(2.34375), pytest.approx(2.4225))
    month = estimate.month
    assert month is not None
    # December: 08:00 UTC on 1 December to 08:00 UTC on 1 January; at 11:30, 3.5 h gone, 31 x 24 - 3.5 left
    assert (month.month, month.hours_elapsed, month.hours_left) == ("2026-12", 3.5, 740.5)
    mtd = {g.service: g.mtd_usd for g in month.services}
    # billed to 09:00, then the jobs that ended 09:20, 10:20, 11:20
    assert mtd["bigquery_on_demand"] == pytest.approx(2.4225 + 3 * 2.34375)


def test_at_the_end_of_octobers_last_pacific_day_the_bill_is_octobers(fake: FakeRest) -> None:
    at = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 23:30 PDT on 31 October
    data, params = poll_at(fake, at)
    # October's invoice began at 07:00 UTC on 1 October (00:00 PDT): partitions from 28 September
    assert params == {
        "invoice_month": "202610",
        "hourly_since": "2026-10-31 23:00:00+00:00",
        "partition_since": "2026-09-28 00:00:00+00:00",
    }
    # the $100 at 03:00 UTC on 1 November (20:00 PDT on 31 October), exported at 06:00
    assert [(r.service, r.start, r.hours, r.net) for r in data.rows] == [
        ("BigQuery", datetime(2026, 11, 1, 3, tzinfo=UTC), 1, 100.0)
    ]
