"""The Pub/Sub throughput line per topic: each topic's $ in the window and $/h over the last hour, = (its
publish bytes + its subscriptions' delivery bytes) / 2^40 x $40/TiB, in the estimate, the Cost pane's
tables and ``--once`` text, Markdown and JSON. The figures by hand from the payload below.

Two projects, points every minute from 10:01 to 12:00 (120 minutes; the last hour is 11:01-12:00):

- acme-etl: topic ``clickstream`` publishes 20,700,000 B/min, read by two subscriptions (``clickstream-
  dataflow`` in acme-etl, ``clickstream-archive`` in acme-analytics: a subscription joins its topic across
  projects) delivering 20,700,000 B/min each; topic ``clickstream-dlq`` carries nothing; a subscription
  ``gone-sub`` the listing did not return delivers 100,000 B/min;
- acme-analytics: topic ``audit-log`` publishes 1,000,000 B/min during the first hour only, its
  subscription ``audit-sub`` delivers nothing; ``orphan-sub``, whose topic was deleted
  (``_deleted-topic_``), delivers 3,000,000 B/min.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import jsonschema
import pytest

from dashboard import cost
from dashboard.cost.common import Inputs, ServiceCost
from dashboard.models import MetricSeries, Sample, Snapshot
from dashboard.pricing import default_prices, load_prices
from dashboard.report.json_report import json_schema, render_json
from dashboard.report.markdown import render_markdown
from dashboard.report.text import console_for, print_report
from dashboard.sources.pubsub.cost import pubsub_cost
from dashboard.sources.pubsub.model import PubsubData, Subscription, Topic
from dashboard.views.cost import sections

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=120)
ETL, ANALYTICS = "acme-etl", "acme-analytics"
TIB = 1_099_511_627_776  # 2^40 bytes


def topic(project: str, topic_id: str) -> Topic:
    return Topic(project=project, topic_id=topic_id, name=f"projects/{project}/topics/{topic_id}")


def sub(project: str, sub_id: str, topic_name: str) -> Subscription:
    return Subscription(
        project=project,
        subscription_id=sub_id,
        name=f"projects/{project}/subscriptions/{sub_id}",
        topic=topic_name,
    )


def per_minute(metric: str, key: str, value: float, minutes: range = range(1, 121)) -> MetricSeries:
    points = tuple(Sample(t=T0 + timedelta(minutes=i), value=value) for i in minutes)
    return MetricSeries(metric=metric, key=key, points=points)


DATA = PubsubData(
    topics=(topic(ETL, "clickstream"), topic(ETL, "clickstream-dlq"), topic(ANALYTICS, "audit-log")),
    subscriptions=(
        sub(ETL, "clickstream-dataflow", f"projects/{ETL}/topics/clickstream"),
        sub(ANALYTICS, "clickstream-archive", f"projects/{ETL}/topics/clickstream"),
        sub(ANALYTICS, "audit-sub", f"projects/{ANALYTICS}/topics/audit-log"),
        sub(ANALYTICS, "orphan-sub", "_deleted-topic_"),
    ),
    series=(
        per_minute("topic/byte_cost", f"{ETL}/clickstream", 20_700_000),
        per_minute("subscription/byte_cost", f"{ETL}/clickstream-dataflow", 20_700_000),
        per_minute("subscription/byte_cost", f"{ANALYTICS}/clickstream-archive", 20_700_000),
        per_minute("topic/byte_cost", f"{ANALYTICS}/audit-log", 1_000_000, range(1, 61)),
        per_minute("subscription/byte_cost", f"{ANALYTICS}/orphan-sub", 3_000_000),
        per_minute("subscription/byte_cost", f"{ETL}/gone-sub", 100_000),
        # not billed bytes: no part of the cost
        per_minute("topic/send_request_count", f"{ETL}/clickstream", 5_000),
    ),
)
SNAPSHOT = Snapshot(at=NOW, extra={"pubsub": DATA})


def line(prices: object = None) -> ServiceCost:
    inputs = Inputs(snapshot=SNAPSHOT, prices=default_prices() if prices is None else prices)  # type: ignore[arg-type]
    found, _ = pubsub_cost(inputs, T0 + timedelta(minutes=1), T0)
    return found


# clickstream: (20,700,000 published + 2 × 20,700,000 delivered) B/min = 62,100,000 B/min
CLICK_H = 62_100_000 * 60 / TIB * 40  # 3,726,000,000 B in the last hour → $0.13555/h
CLICK_W = 62_100_000 * 120 / TIB * 40  # 7,452,000,000 B in 120 min → $0.27110
# acme-analytics' subscription of a deleted topic: 3,000,000 B/min
ORPHAN_H = 3_000_000 * 60 / TIB * 40  # 180,000,000 B → $0.0065484/h
ORPHAN_W = 3_000_000 * 120 / TIB * 40  # 360,000,000 B → $0.013097
# audit-log: 1,000,000 B/min at 10:01-11:00 only: in the window, none in the last hour (11:01-12:00)
AUDIT_W = 1_000_000 * 60 / TIB * 40  # 60,000,000 B → $0.0021828
# gone-sub, not in the listing: 100,000 B/min, under its project
GONE_H = 100_000 * 60 / TIB * 40  # 6,000,000 B → $0.00021828/h
GONE_W = 100_000 * 120 / TIB * 40  # 12,000,000 B → $0.00043656


def test_each_topic_is_priced_with_its_subscriptions_costliest_first() -> None:
    found = line()
    assert found.breakdown_by == "topic"
    rows = [(i.key, i.window_spend_usd, i.burn_rate_usd_per_hour, i.basis) for i in found.breakdown]
    assert [r[0] for r in rows] == [
        "acme-etl/clickstream",
        "acme-analytics/_deleted-topic_",
        "acme-analytics/audit-log",
        "acme-etl/_unlisted-subscription_",
        "acme-etl/clickstream-dlq",  # listed, nothing published: $0
    ]
    expected = [(CLICK_W, CLICK_H), (ORPHAN_W, ORPHAN_H), (AUDIT_W, 0.0), (GONE_W, GONE_H), (0.0, 0.0)]
    for (_, window, rate, _), (want_window, want_rate) in zip(rows, expected, strict=True):
        assert window == pytest.approx(want_window)
        assert rate == pytest.approx(want_rate, abs=1e-12)
    assert rows[0][1] == pytest.approx(0.2711022)
    assert rows[0][2] == pytest.approx(0.1355511)
    # 20,700,000 × 120 = 2,484,000,000 B = 2.31 GiB published; twice that (4.63 GiB) delivered
    assert [r[3] for r in rows] == [
        "2.31 GiB published, 4.63 GiB delivered to 2 subscriptions",
        "0 B published, 343 MiB delivered to 1 subscription",  # 360,000,000 B = 343.3 MiB
        "57.2 MiB published, 0 B delivered to 1 subscription",  # 60,000,000 B
        "0 B published, 11.4 MiB delivered to 1 subscription",  # 12,000,000 B
        "0 B published, 0 B delivered to 0 subscriptions",
    ]


def test_the_topics_add_up_to_the_line() -> None:
    found = line()
    # 7,452,000,000 + 360,000,000 + 60,000,000 + 12,000,000 = 7,884,000,000 B × $40/TiB = $0.28682
    assert found.window_spend_usd == pytest.approx(7_884_000_000 / TIB * 40)
    assert sum(i.window_spend_usd for i in found.breakdown) == pytest.approx(found.window_spend_usd)
    # the burn rate: 3,726,000,000 + 180,000,000 + 6,000,000 = 3,912,000,000 B in the last hour → $0.14232/h
    assert found.burn_rate_usd_per_hour == pytest.approx(3_912_000_000 / TIB * 40)
    assert sum(i.burn_rate_usd_per_hour for i in found.breakdown) == pytest.approx(
        found.burn_rate_usd_per_hour
    )


def test_a_price_override_prices_every_topic() -> None:
    cheaper = line(load_prices(overrides={"pubsub.throughput.per_tib": 20.0}))
    # $20/TiB: half of $40/TiB
    assert cheaper.breakdown[0].window_spend_usd == pytest.approx(CLICK_W / 2)


def test_a_window_that_starts_later_keeps_only_its_bytes() -> None:
    inputs = Inputs(snapshot=SNAPSHOT, prices=default_prices())
    later, _ = pubsub_cost(inputs, T0 + timedelta(minutes=61), T0)
    by_key = {i.key: i for i in later.breakdown}
    # from 11:01: 60 minutes of clickstream (its $/h is the same hour), none of audit-log
    assert by_key["acme-etl/clickstream"].window_spend_usd == pytest.approx(CLICK_H)
    assert by_key["acme-analytics/audit-log"].window_spend_usd == 0.0


def test_the_cost_pane_shows_a_table_per_topic() -> None:
    tables = sections(cost.estimate(SNAPSHOT))
    [table] = [t for t in tables if t.title == "Pub/Sub throughput per topic (estimate, costliest first)"]
    assert [c.header for c in table.columns] == ["TOPIC", "$/H NOW", "SPEND IN WINDOW", "HOW"]
    cells = [[c.plain for c in row.cells[:3]] for row in table.rows]
    assert cells == [
        ["acme-etl/clickstream", "$0.14/h", "$0.27"],
        ["acme-analytics/_deleted-topic_", "$0.01/h", "$0.01"],  # $0.0065/h, $0.0131
        ["acme-analytics/audit-log", "$0.00/h", "<$0.01"],
        ["acme-etl/_unlisted-subscription_", "<$0.01/h", "<$0.01"],
        ["acme-etl/clickstream-dlq", "$0.00/h", "$0.00"],
    ]


def test_many_topics_show_fifteen_and_sum_the_rest() -> None:
    topics = tuple(topic(ETL, f"t{i:02d}") for i in range(17))
    # topic tNN publishes (NN + 1) × 1,000,000 B/min: t16 costliest, t00 and t01 left for the last row
    series = tuple(per_minute("topic/byte_cost", f"{ETL}/t{i:02d}", (i + 1) * 1_000_000) for i in range(17))
    shot = Snapshot(at=NOW, extra={"pubsub": PubsubData(topics=topics, series=series)})
    [table] = [t for t in sections(cost.estimate(shot)) if t.title.startswith("Pub/Sub throughput per topic")]
    assert len(table.rows) == 15 + 1
    assert table.rows[0].cells[0].plain == "acme-etl/t16"
    more = [c.plain for c in table.rows[-1].cells[:3]]
    # t00 + t01: (1 + 2) × 1,000,000 B/min × 120 min = 360,000,000 B → $0.0131; × 60 min → $0.0065/h
    assert more == ["2 more", "$0.01/h", "$0.01"]


def test_once_text_markdown_and_json_carry_the_topics() -> None:
    buffer = StringIO()
    print_report(SNAPSHOT, console_for(buffer, width=200))
    text = buffer.getvalue()
    assert "Pub/Sub throughput per topic (estimate, costliest first)" in text
    assert text.index("acme-etl/clickstream ") < text.index("acme-analytics/_deleted-topic_")
    markdown = render_markdown(SNAPSHOT)
    assert "### Pub/Sub throughput per topic (estimate, costliest first)" in markdown
    assert "| TOPIC | \\$/H NOW | SPEND IN WINDOW | HOW |" in markdown
    assert "| acme-analytics/\\_deleted-topic\\_ | \\$0.01/h | \\$0.01 |" in markdown
    doc = json.loads(render_json(SNAPSHOT))
    jsonschema.Draft202012Validator(json_schema()).validate(doc)
    [pubsub] = [s for s in doc["cost"]["services"] if s["service"] == "pubsub"]
    assert pubsub["breakdown_by"] == "topic"
    assert [(i["key"], i["basis"]) for i in pubsub["breakdown"]][:2] == [
        ("acme-etl/clickstream", "2.31 GiB published, 4.63 GiB delivered to 2 subscriptions"),
        ("acme-analytics/_deleted-topic_", "0 B published, 343 MiB delivered to 1 subscription"),
    ]
    assert pubsub["breakdown"][0]["window_spend_usd"] == pytest.approx(CLICK_W)
    assert pubsub["breakdown"][0]["burn_rate_usd_per_hour"] == pytest.approx(CLICK_H)
    # the other services have no breakdown: empty, additive
    assert all(s["breakdown"] == [] for s in doc["cost"]["services"] if s["service"] != "pubsub")
