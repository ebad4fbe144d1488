"""The Pub/Sub pane: one row per subscription with its type, state, backlog and oldest unacked age."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.sources.pubsub.model import (
    BACKLOG_BYTES,
    OLDEST_UNACKED,
    TOPIC_BYTE_COST,
    TOPIC_SENDS,
    UNDELIVERED,
    PubsubData,
    Subscription,
)
from dashboard.sources.pubsub.rules import RETENTION_WARN, index
from dashboard.views.columns import Column, Row
from dashboard.views.fmt import rate, visible

COLUMNS = (
    Column("SUBSCRIPTION", "name", min_width=14, max_width=36, shrink=True),
    Column("PROJECT", "project", max_width=22, shrink=True, drop=4),
    Column("TYPE", "type"),
    Column("STATE", "state", drop=3),
    Column("UNDELIVERED", "undelivered", justify="right"),
    Column("OLDEST UNACKED", "oldest", justify="right"),
    Column("BACKLOG", "bytes", justify="right", drop=2),
    Column("RETENTION", "retention", justify="right", drop=1),
    Column("TOPIC", "topic", max_width=30, shrink=True, drop=5),
    Column("TARGET", "target", max_width=40, shrink=True, wide=True, cut="middle"),
)


def _seconds(value: float | None) -> str | None:
    if value is None:
        return None
    if value >= 86400:
        return f"{value / 86400:.1f}d"
    if value >= 3600:
        return f"{value / 3600:.1f}h"
    return f"{value / 60:.0f}m" if value >= 60 else f"{value:.0f}s"


def _bytes(value: float | None) -> str | None:
    if value is None:
        return None
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value:.0f} B"


def target(sub: Subscription) -> str | None:
    """Where its messages go: the BigQuery table, the bucket, the push endpoint; None for pull."""
    if sub.bigquery_table:
        return sub.bigquery_table
    if sub.cloud_storage_bucket:
        return f"gs://{sub.cloud_storage_bucket}"
    return sub.push_endpoint


def rows(data: PubsubData, now: datetime) -> list[Row]:
    """One row per subscription, the largest backlog first."""
    found = index(data)

    def last(metric: str, sub: Subscription) -> float | None:
        series = found.get((metric, sub.key))
        return series.last if series is not None else None

    out = []
    for sub in sorted(data.subscriptions, key=lambda s: (-(last(UNDELIVERED, s) or 0.0), s.key)):
        age = last(OLDEST_UNACKED, sub)
        risky = age is not None and age >= RETENTION_WARN * sub.retention_s
        undelivered = last(UNDELIVERED, sub)
        out.append(
            Row.of(
                sub.key,
                [
                    sub.subscription_id,
                    sub.project,
                    sub.type,
                    Text(sub.state, style="green" if sub.state == "ACTIVE" else "yellow"),
                    None if undelivered is None else f"{undelivered:,.0f}",
                    None if age is None else Text(_seconds(age) or "", style="bold red" if risky else ""),
                    _bytes(last(BACKLOG_BYTES, sub)),
                    _seconds(sub.retention_s),
                    sub.topic.rsplit("/", 1)[-1],
                    target(sub),
                ],
            )
        )
    return out


def item(data: PubsubData, key: str) -> Subscription | None:
    """The subscription of a row."""
    return next((s for s in data.subscriptions if s.key == key), None)


def _line(value: str, style: str = "") -> Text:
    """Cloud text on a line, control characters made visible, never markup."""
    return Text(visible(value), style=style)


def settings(sub: Subscription) -> list[Text]:
    """A subscription's settings, a line each, its text shown literally."""
    lines = [
        _line(
            f"type {sub.type} · state {sub.state}"
            + (f" · export {sub.export_state}" if sub.export_state else "")
        ),
        _line(f"ack deadline {sub.ack_deadline_s:.0f}s · retention {_seconds(sub.retention_s)}"),
    ]
    if target(sub):
        lines.append(_line(f"delivers to {target(sub)}"))
    if sub.dead_letter_topic:
        lines.append(
            _line(f"dead letters to {sub.dead_letter_topic} after {sub.max_delivery_attempts} attempts")
        )
    if sub.filter:
        lines.append(_line(f"filter {sub.filter}"))
    if sub.labels:
        lines.append(_line("labels " + ", ".join(f"{k}={v}" for k, v in sorted(sub.labels.items()))))
    return lines


def detail(sub: Subscription, now: datetime) -> RenderableType:
    """A subscription's settings, its text shown literally."""
    return Group(_line(f"Subscription {sub.name}", "bold"), _line(f"topic {sub.topic}"), *settings(sub))


def overview(data: PubsubData, now: datetime) -> tuple[int, str]:
    """Subscriptions and the messages waiting in all of them."""
    found = index(data)
    waiting = sum(
        (found[(UNDELIVERED, s.key)].last or 0.0) for s in data.subscriptions if (UNDELIVERED, s.key) in found
    )
    return len(data.subscriptions), f"{waiting:,.0f} messages undelivered · {len(data.topics)} topic(s)"


TOPIC_COLUMNS = (
    Column("TOPIC", "topic", min_width=12, max_width=32, shrink=True),
    Column("PROJECT", "project", max_width=22, shrink=True, drop=2),
    Column("SUBSCRIPTIONS", "subscriptions", justify="right"),
    Column("PUBLISHES/MIN", "sends", justify="right"),
    Column("BILLED/MIN", "bytes", justify="right"),
    Column("$/H", "usd_per_hour", justify="right"),
    Column("REGIONS", "regions", max_width=30, shrink=True, drop=1),
)
"""One row per topic: its subscriptions, Monitoring's newest minute of publish requests and billed bytes
(``topic/send_request_count``, ``topic/byte_cost``), and its throughput's $/h over the last hour (its
publishes and its subscriptions' deliveries, as the Cost pane's per-topic table)."""


def topic_rows(data: PubsubData, at: datetime, price: float) -> list[Row]:
    """The topics, the most bytes published first; ``price`` in $ per TiB."""
    from dashboard.sources.pubsub.cost import BURN_WINDOW, topic_costs

    rates = {c.key: c.burn_rate_usd_per_hour for c in topic_costs(data, at - BURN_WINDOW, at, price)}
    found = index(data)

    def last(metric: str, key: str) -> float | None:
        series = found.get((metric, key))
        return series.last if series is not None else None

    subs: dict[str, int] = {}
    for sub in data.subscriptions:
        subs[sub.topic_key] = subs.get(sub.topic_key, 0) + 1
    topics = sorted(data.topics, key=lambda t: (-(last(TOPIC_BYTE_COST, t.key) or 0.0), t.key))
    return [
        Row.of(
            t.key,
            [
                t.topic_id,
                t.project,
                str(subs.get(t.key, 0)),
                None if last(TOPIC_SENDS, t.key) is None else f"{last(TOPIC_SENDS, t.key):,.0f}",
                _bytes(last(TOPIC_BYTE_COST, t.key)),
                None if t.key not in rates else rate(rates[t.key]),
                ", ".join(t.regions) or None,
            ],
        )
        for t in topics
    ]
