"""The billing export query, live, against export tables the fake evaluates it on (:mod:`.fake_sql`), made
awkward the way real exports are; every figure worked out by hand from the rows (GCP_REFERENCE.md 7.1).

All at 12:30 UTC on 3 December (04:30 PST): December's invoice, which began at 08:00 UTC on 1 December
(00:00 PST) and ends at 08:00 UTC on 1 January, 28 x 24 + 19.5 = 691.5 hours from now. The default 6 h
history: hourly rows from 05:00 (the hour 7 h before 12:00), daily rows before.
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
from dashboard.models import BillingData, Cluster, DataprocData, Job, NodeGroup, Snapshot
from dashboard.pricing import load_prices

from .fake_rest import FakeRest, bq_config, load
from .test_billing_export import TABLE, Clock, export_row

pytestmark = pytest.mark.timeout(30)

AT = datetime(2026, 12, 3, 12, 30, tzinfo=UTC)
DEC1 = datetime(2026, 12, 1, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 1, 8, tzinfo=UTC)
"""00:00 PST on 1 December: December's invoice begins."""
DEC3 = datetime(2026, 12, 3, tzinfo=UTC)
HOURS_LEFT = 28 * 24 + 19.5
BIGQUERY = ("24E6-581D-38E5", "BigQuery")
STORAGE = ("95FF-2EF5-5EA1", "Cloud Storage")
COMPUTE = ("6F81-5844-456A", "Compute Engine")
DATAPROC = ("363B-8851-170D", "Cloud Dataproc")
TIB = 2**40
PRICES = {
    "bigquery.on_demand.per_tib": 6.25,
    "dataproc.premium.per_vcpu_hour": 0.01,
    "gce.n2.vcpu_hour": 0.03,
    "gce.n2.ram_gib_hour": 0.004,
}


def hourly(
    service: tuple[str, str],
    sku: str,
    usd: float,
    since: datetime,
    until: datetime,
    *,
    lag_h: float,
    **kw: Any,
) -> list[dict[str, Any]]:
    """A row an hour from ``since`` to ``until``, each exported ``lag_h`` hours after its hour ends."""
    out = []
    start = since
    while start < until:
        invoice = "202612" if start >= DECEMBER else "202611"
        exported = start + timedelta(hours=1 + lag_h)
        out.append(export_row(service, sku, "acme-etl", start, usd, exported=exported, invoice=invoice, **kw))
        start += timedelta(hours=1)
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[FakeRest]:
    with FakeRest(load()) as fake:
        yield fake


def poll(server: FakeRest, rows: list[dict[str, Any]]) -> BillingData:
    """The export as it stands at :data:`AT` (the rows exported by then), polled live."""
    server.clear()
    server.tables[TABLE] = [r for r in rows if r["export_time"] <= AT]
    config: Config = msgspec.structs.replace(
        bq_config(server.url), billing=BillingConfig(export_table=TABLE, location="US")
    )
    backend = LiveBackend(config, Clock(AT))
    try:
        [result] = backend.poll("billing")
    finally:
        backend.close()
    assert result.error is None, result.error
    assert isinstance(result.data, BillingData)
    return result.data


def test_late_usage_and_the_first_utc_day_do_not_bend_the_forecast(server: FakeRest) -> None:
    # BigQuery $2 an hour from 00:00 UTC on 1 December, exported an hour after each hour ends; the hours
    # before 08:00 are November's invoice. And $5 of 30 November's usage (08:00 UTC) billed late, in
    # December's invoice
    rows = hourly(BIGQUERY, "Analysis (US)", 2.0, DEC1, AT, lag_h=1)
    rows.append(
        export_row(
            BIGQUERY, "Analysis (US)", "acme-etl", datetime(2026, 11, 30, 8, tzinfo=UTC), 5.0,
            exported=datetime(2026, 12, 2, 3, tzinfo=UTC), invoice="202612",
        )
    )  # fmt: skip
    data = poll(server, rows)
    estimate = cost.estimate(Snapshot(at=AT, billing=data), load_prices(overrides=PRICES))
    bill = estimate.billing
    assert bill is not None
    # exported to the 10:00 hour (at 12:00): billed through 11:00
    assert bill.billed_through == DEC3.replace(hour=11)
    days = {d.day.day: d for d in bill.days}
    # 30 November: the late $5; 1 December: 16 hours of December's invoice (08:00-24:00 UTC); 2 December:
    # 24 hours; 3 December so far: 11 hours
    assert {d: days[d].total_usd for d in days} == {30: 5.0, 1: 16 * 2.0, 2: 24 * 2.0, 3: 11 * 2.0}
    assert [d for d in days if days[d].complete] == [30, 1, 2]
    assert bill.mtd_usd == pytest.approx(5 + 32 + 48 + 22)  # $107, the late usage included
    month = estimate.month
    assert month is not None
    assert (month.month, month.hours_elapsed, month.hours_left) == ("2026-12", 2 * 24 + 4.5, HOURS_LEFT)
    [bq] = [g for g in month.services if g.service == "bigquery_on_demand"]
    # the billed rate of the complete days: (16 h + 24 h) x $2 over those 40 hours of the invoice month,
    # not $85 over three 24 h days ($1.18/h); the late $5 is no hour of December's
    assert bq.rate_usd_per_hour == pytest.approx((32 + 48) / (16 + 24))  # $2.00/h
    assert bq.forecast_usd == pytest.approx(107 + 2.0 * HOURS_LEFT)  # $1,490


def test_a_bill_in_euros_is_counted_in_dollars(server: FakeRest) -> None:
    # the account pays in euros at 0.92 EUR to the dollar: BigQuery EUR 2.30 an hour (USD 2.50) less a
    # EUR 0.46 free-tier credit (USD 0.50), exported an hour after each hour ends; Cloud Storage EUR 9.20 a
    # day (USD 10) from 2 December
    def euros(row: dict[str, Any]) -> dict[str, Any]:
        for credit in row["credits"]:
            credit["type"] = "FREE_TIER"
        return row | {"currency": "EUR", "currency_conversion_rate": 0.92}

    free = (("Free tier: BigQuery analysis", -0.46),)
    rows = hourly(BIGQUERY, "Analysis (US)", 2.30, DECEMBER, AT, lag_h=1, credits=free)
    for day in (DEC1 + timedelta(days=1), DEC3):
        rows.append(
            export_row(
                STORAGE, "Standard Storage US Multi-region", "acme-etl", day, 9.20,
                exported=day + timedelta(hours=5), invoice="202612", hours=24,
            )
        )  # fmt: skip
    data = poll(server, [euros(r) for r in rows])
    job = Job(
        project="acme-etl",
        job_id="q",
        created=DEC3.replace(hour=9),
        started=DEC3.replace(hour=9),
        ended=DEC3.replace(hour=9, minute=20),
        bytes_billed=TIB * 2 // 5,
        statement_type="SELECT",
    )
    estimate = cost.estimate(Snapshot(at=AT, jobs=(job,), billing=data), load_prices(overrides=PRICES))
    bill = estimate.billing
    assert bill is not None
    services = {s.service: s for s in bill.services}
    # 08:00 on 1 December to 11:00 on 3 December: 51 hours of BigQuery at USD 2.50 - 0.50
    assert services["bigquery_on_demand"].mtd_usd == pytest.approx(51 * (2.30 - 0.46) / 0.92)  # $102
    assert services["bigquery_on_demand"].credits_usd == pytest.approx(51 * -0.46 / 0.92)  # -$25.50
    assert services["other"].mtd_usd == pytest.approx(2 * 9.20 / 0.92)  # $20
    assert bill.mtd_usd == pytest.approx(102 + 20)
    # the estimate, in dollars, against the bill in dollars: the job's 0.4 TiB x $6.25 = $2.50 from 09:00
    # (the window's start) to 11:00, against 2 x USD 2.00 billed net
    [od] = bill.checks
    assert (od.start, od.end) == (DEC3.replace(hour=9), DEC3.replace(hour=11))
    assert (od.estimate_usd, od.billed_usd) == (pytest.approx(2.50), pytest.approx(2 * 2.00))


def test_a_service_lagging_past_the_hourly_rows_holds_its_group_back(server: FakeRest) -> None:
    # a cluster of 3 x n2-standard-4 since midnight: its VMs (Compute Engine) $0.552 an hour, exported 4 h
    # after each hour ends; its Dataproc premium (Cloud Dataproc) $0.12 an hour, exported 9 h after
    rows = hourly(COMPUTE, "N2 Instance Core running in Americas", 0.552, DEC3, AT, lag_h=4)
    rows += hourly(DATAPROC, "Dataproc Licensing Fee", 0.12, DEC3, AT, lag_h=9)
    data = poll(server, rows)
    cluster = Cluster(
        project="acme-etl",
        region="us-central1",
        name="etl",
        state="RUNNING",
        created=DEC3,
        groups=(
            NodeGroup(role="master", count=1, machine_type="n2-standard-4"),
            NodeGroup(role="worker", count=2, machine_type="n2-standard-4"),
        ),
    )
    job = Job(project="acme-etl", job_id="q", created=DEC3.replace(hour=6, minute=30), bytes_billed=0)
    snapshot = Snapshot(at=AT, jobs=(job,), dataproc=DataprocData(clusters=(cluster,)), billing=data)
    estimate = cost.estimate(snapshot, load_prices(overrides=PRICES))
    bill = estimate.billing
    assert bill is not None
    # Compute Engine's rows reach 08:00 (the 07:00 hour, exported at 12:00): hourly rows from 05:00.
    # Cloud Dataproc's newest row is the 02:00 hour (exported at 12:00), before the hourly rows begin: it
    # comes in 3 December's daily row ($0.36), and its bill ends before 05:00
    through = {t.service: t.billed_through for t in bill.service_through}
    assert through == {"Compute Engine": DEC3.replace(hour=8), "Cloud Dataproc": DEC3.replace(hour=5)}
    assert bill.billed_through == DEC3.replace(hour=5)
    # so Dataproc is not checked: from the window's first hour, 07:00, its bill covers no hour. Checking
    # to 08:00 compared the estimate of VMs and premium, 3 x (4 x $0.03 + 16 x $0.004) + 12 x $0.01 =
    # $0.672, with the VMs' $0.552 alone
    assert [c.service for c in bill.checks if c.service == "dataproc"] == []
    [dataproc] = [s for s in bill.services if s.service == "dataproc"]
    assert dataproc.billed_through == DEC3.replace(hour=5)
    assert dataproc.mtd_usd == pytest.approx(8 * 0.552 + 3 * 0.12)  # $4.776
