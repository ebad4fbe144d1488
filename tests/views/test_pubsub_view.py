"""The Pub/Sub pane: rows by backlog, figures as shown, cloud text shown literally."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from dashboard.models import MetricSeries, Sample
from dashboard.sources.pubsub.model import PubsubData, Subscription
from dashboard.sources.pubsub.view import detail, item, overview, rows

T = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def sub(sub_id: str, project: str = "acme-etl", **fields: object) -> Subscription:
    return Subscription(
        project=project,
        subscription_id=sub_id,
        name=f"projects/{project}/subscriptions/{sub_id}",
        topic=f"projects/{project}/topics/events",
        **fields,  # type: ignore[arg-type]
    )


def last(metric: str, key: str, value: float) -> MetricSeries:
    return MetricSeries(metric=metric, key=key, points=(Sample(t=T, value=value),))


DATA = PubsubData(
    subscriptions=(
        sub("small"),
        sub(
            "to-bq", type="bigquery", bigquery_table="acme-etl.raw.events", filter='attributes.x = "[bold]y"'
        ),
        sub("big", project="acme-analytics", retention_s=86400.0),
    ),
    series=(
        last("subscription/num_undelivered_messages", "acme-etl/small", 12.0),
        last("subscription/num_undelivered_messages", "acme-analytics/big", 125000.0),
        last("subscription/oldest_unacked_message_age", "acme-analytics/big", 72000.0),
        last("subscription/backlog_bytes", "acme-analytics/big", 3 * 2**20),
    ),
)


def test_rows_by_backlog_with_their_figures() -> None:
    found = rows(DATA, T)
    assert [r.key for r in found] == ["acme-analytics/big", "acme-etl/small", "acme-etl/to-bq"]
    big = [c.plain for c in found[0].cells]
    # 72,000 s = 20.0 h, 3 MiB, retention 86,400 s = 1.0 d
    assert big[:8] == [
        "big",
        "acme-analytics",
        "pull",
        "STATE_UNSPECIFIED",
        "125,000",
        "20.0h",
        "3.0 MiB",
        "1.0d",
    ]
    # 72,000 / 86,400 = 83 % of the retention: red
    assert "red" in str(found[0].cells[5].style)
    to_bq = [c.plain for c in found[2].cells]
    assert to_bq[4] == "—"
    assert to_bq[-1] == "acme-etl.raw.events"


def test_detail_shows_the_filter_literally_and_the_overview_counts() -> None:
    sub_ = item(DATA, "acme-etl/to-bq")
    assert sub_ is not None
    console = Console(width=120, record=True)
    console.print(detail(sub_, T))
    text = console.export_text()
    assert 'filter attributes.x = "[bold]y"' in text
    assert "delivers to acme-etl.raw.events" in text
    # 125,000 + 12 waiting; no topic listed
    assert overview(DATA, T) == (3, "125,012 messages undelivered · 0 topic(s)")
