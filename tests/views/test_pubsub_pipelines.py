"""The pipelines: which Dataflow job reads which subscription and writes which table, from what the
APIs say (a job's ``jobMetadata.pubsubDetails``/``bigqueryDetails``, an export subscription's own table),
with the figures of each part; the rows and the detail's three charts on one time axis."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from rich.console import Console

from dashboard.models import DataflowData, DataflowJob, MetricSeries, Sample, Snapshot
from dashboard.report.json_report import plugin_sections
from dashboard.sources.pubsub import pipeline_view
from dashboard.sources.pubsub.model import PubsubData, Subscription
from dashboard.sources.pubsub.pipeline import pipelines

T = datetime(2026, 12, 1, 0, 2, tzinfo=UTC)  # just after a month boundary
EARLY = datetime(2026, 11, 30, 23, 2, tzinfo=UTC)


def sub(project: str, sub_id: str, **fields: object) -> Subscription:
    return Subscription(
        project=project,
        subscription_id=sub_id,
        name=f"projects/{project}/subscriptions/{sub_id}",
        topic=f"projects/{project}/topics/events",
        **fields,  # type: ignore[arg-type]
    )


def job(name: str, job_id: str, state: str, created: datetime, **fields: object) -> DataflowJob:
    return DataflowJob(
        project="acme-etl",
        location="europe-west4",
        job_id=job_id,
        name=name,
        job_type="JOB_TYPE_STREAMING",
        state=state,
        created=created,
        **fields,  # type: ignore[arg-type]
    )


def series(metric: str, key: str, *values: float, start: datetime = T - timedelta(minutes=2)) -> MetricSeries:
    points = tuple(Sample(t=start + timedelta(minutes=i), value=v) for i, v in enumerate(values))
    return MetricSeries(metric=metric, key=key, points=points)


ORDERS = "projects/acme-etl/subscriptions/orders"
SHARED = "projects/shared-bus/subscriptions/partner-feed"

PUBSUB = PubsubData(
    subscriptions=(
        sub("acme-etl", "orders"),
        sub("acme-analytics", "to-bq", type="bigquery", bigquery_table="acme-analytics:raw.events"),
        sub("acme-analytics", "webhook", type="push", push_endpoint="https://hooks.acme.example/in"),
        sub("acme-analytics", "nobody"),
    ),
    series=(
        series("subscription/num_undelivered_messages", "acme-etl/orders", 1000.0, 4000.0, 9000.0),
        series("subscription/oldest_unacked_message_age", "acme-etl/orders", 60.0, 120.0, 180.0),
        series("subscription/num_undelivered_messages", "acme-analytics/nobody", 50.0, start=EARLY),
    ),
)
DATAFLOW = DataflowData(
    jobs=(
        # the job it replaced still names the subscription: the running one is the reader
        job(
            "orders-v1",
            "2026-11-20_01_00_00-1",
            "JOB_STATE_UPDATED",
            datetime(2026, 11, 20, 9, tzinfo=UTC),
            pubsub_reads=(ORDERS,),
            bigquery_tables=("acme-etl.old.orders",),
        ),
        job(
            "orders-v2",
            "2026-11-28_01_00_00-2",
            "JOB_STATE_RUNNING",
            datetime(2026, 11, 28, 9, tzinfo=UTC),
            pubsub_reads=(ORDERS,),
            bigquery_tables=("acme-analytics.sales.orders", "acme-analytics.sales.order_lines"),
        ),
        # reads a subscription of a project gcpdash does not monitor
        job(
            "partner-ingest",
            "2026-11-29_01_00_00-3",
            "JOB_STATE_RUNNING",
            datetime(2026, 11, 29, 9, tzinfo=UTC),
            pubsub_reads=(SHARED,),
        ),
        # a finished job's unmonitored subscription gets no row
        job(
            "old-backfill",
            "2026-11-01_01_00_00-4",
            "JOB_STATE_DONE",
            datetime(2026, 11, 1, tzinfo=UTC),
            pubsub_reads=("projects/gone/subscriptions/x",),
        ),
    ),
    series=(
        series("job/system_lag", "2026-11-28_01_00_00-2", 30.0, 40.0, 95.0),
        series("job/data_watermark_age", "2026-11-28_01_00_00-2", 35.0, 45.0, 100.0),
        series("job/system_lag", "2026-11-20_01_00_00-1", 999.0),
    ),
)
SNAPSHOT = Snapshot(at=T, dataflow=DATAFLOW, extra={"pubsub": PUBSUB})


def by_key() -> dict[str, object]:
    return {p.key: p for p in pipelines(SNAPSHOT)}


def test_the_running_job_that_names_a_subscription_reads_it() -> None:
    found = pipelines(SNAPSHOT)
    # the most undelivered first: orders 9,000, nobody 50, then the rest by key
    assert [p.key for p in found] == [
        "acme-etl/orders",
        "acme-analytics/nobody",
        "acme-analytics/to-bq",
        "acme-analytics/webhook",
        SHARED,
    ]
    orders = found[0]
    assert (orders.reader, orders.reader_name, orders.job_id) == (
        "dataflow",
        "orders-v2",
        "2026-11-28_01_00_00-2",
    )
    assert (orders.undelivered, orders.oldest_unacked_s) == (9000.0, 180.0)  # the newest minute
    assert (orders.system_lag_s, orders.data_freshness_s) == (95.0, 100.0)
    assert orders.writes == ("acme-analytics.sales.orders", "acme-analytics.sales.order_lines")
    assert orders.job_location == "europe-west4"


def test_exports_and_push_deliver_themselves_and_a_pull_nobody_names_has_no_reader() -> None:
    found = {p.key: p for p in pipelines(SNAPSHOT)}
    to_bq = found["acme-analytics/to-bq"]
    assert (to_bq.reader, to_bq.writes) == ("bigquery", ("acme-analytics.raw.events",))  # p:d.t → p.d.t
    webhook = found["acme-analytics/webhook"]
    assert (webhook.reader, webhook.reader_name, webhook.writes) == (
        "push",
        "https://hooks.acme.example/in",
        (),
    )
    nobody = found["acme-analytics/nobody"]
    assert (nobody.reader, nobody.reader_name, nobody.job_id) == ("none", None, None)


def test_a_running_job_reading_an_unmonitored_subscription_gets_its_own_row() -> None:
    found = {p.key: p for p in pipelines(SNAPSHOT)}
    partner = found[SHARED]
    assert (partner.listed, partner.project, partner.subscription) == (False, "shared-bus", "partner-feed")
    assert (partner.reader_name, partner.undelivered) == ("partner-ingest", None)
    assert "projects/gone/subscriptions/x" not in found


def test_rows_show_the_chain_literally() -> None:
    rows = {r.key: [c.plain for c in r.cells] for r in map(pipeline_view.row, pipelines(SNAPSHOT))}
    headers = [c.header for c in pipeline_view.COLUMNS]
    orders = dict(zip(headers, rows["acme-etl/orders"], strict=True))
    assert orders["UNDELIVERED"] == "9,000"
    assert orders["→ READER"] == "orders-v2"
    assert orders["LAG"] == "1m35s"  # 95 s
    assert orders["→ WRITES"] == "acme-analytics.sales.orders +1"
    assert dict(zip(headers, rows[SHARED], strict=True))["STATE"] == "not monitored"
    assert dict(zip(headers, rows["acme-analytics/nobody"], strict=True))["→ READER"] == "—"


def test_the_three_charts_share_one_time_axis() -> None:
    orders = pipelines(SNAPSHOT)[0]
    # orders' points run 00:00-00:02; the lag's too: one span for all three
    assert pipeline_view.span(SNAPSHOT, orders) == (T - timedelta(minutes=2), T)
    console = Console(width=100, record=True, color_system=None)
    console.print(pipeline_view.detail(SNAPSHOT, orders, T))
    text = console.export_text()
    assert "→ read by orders-v2 (acme-etl/europe-west4/2026-11-28_01_00_00-2)" in text
    assert "→ writes acme-analytics.sales.order_lines" in text
    axis_rows = [line for line in text.splitlines() if line.strip().startswith("00:00")]
    assert len(axis_rows) == 3  # each chart's time labels, in the same columns
    assert len({line.index("00:00") for line in axis_rows}) == 1
    assert len({line.rstrip() for line in axis_rows}) == 1
    for title in ("undelivered messages", "Oldest unacknowledged message", "system lag and data freshness"):
        assert title in text


def test_json_section_carries_the_pipelines() -> None:
    section = json.loads(json.dumps(plugin_sections(SNAPSHOT)["pubsub"], default=str))
    assert [p["key"] for p in section["pipelines"]][:1] == ["acme-etl/orders"]
    assert section["pipelines"][0]["reader_name"] == "orders-v2"
    assert "subscriptions" in section  # its data stays


def test_cloud_text_is_shown_literally() -> None:
    odd = Subscription(
        project="acme-etl",
        subscription_id="s",
        name="projects/acme-etl/subscriptions/s",
        topic="projects/acme-etl/topics/t",
        filter='attributes.k = "[bold]v"',
    )
    reader = job("[red]x\x1b[2J", "j", "JOB_STATE_RUNNING", T, pubsub_reads=(odd.name,))
    snapshot = Snapshot(
        at=T, dataflow=DataflowData(jobs=(reader,)), extra={"pubsub": PubsubData(subscriptions=(odd,))}
    )
    item = pipelines(snapshot)[0]
    cells = [c.plain for c in pipeline_view.row(item).cells]
    assert "[red]x\\x1b[2J" in cells  # the escape made visible, the brackets kept
    console = Console(width=120, record=True, color_system=None)
    console.print(pipeline_view.detail(snapshot, item, T))
    text = console.export_text()
    assert "read by [red]x\\x1b[2J" in text
    assert 'filter attributes.k = "[bold]v"' in text
    assert "\x1b" not in text


def test_the_topics_table_prices_each_topic() -> None:
    from dashboard.sources.pubsub.model import Topic
    from dashboard.sources.pubsub.view import TOPIC_COLUMNS, topic_rows

    events = Topic(project="acme-etl", topic_id="events", name="projects/acme-etl/topics/events")
    minutes = [T - timedelta(minutes=59 - i) for i in range(60)]
    published = MetricSeries(
        metric="topic/byte_cost",
        key="acme-etl/events",
        points=tuple(Sample(t=m, value=2**30) for m in minutes),
    )
    data = PubsubData(topics=(events,), subscriptions=(sub("acme-etl", "orders"),), series=(published,))
    cells = dict(
        zip(
            [c.header for c in TOPIC_COLUMNS],
            [c.plain for c in topic_rows(data, T, 40.0)[0].cells],
            strict=True,
        )
    )
    # 60 minutes x 1 GiB published, nothing delivered: 60 GiB / 1,024 GiB per TiB x $40 = $2.34/h
    assert cells["$/H"] == "$2.34/h"
    assert cells["SUBSCRIPTIONS"] == "1"
    assert cells["BILLED/MIN"] == "1.0 GiB"
