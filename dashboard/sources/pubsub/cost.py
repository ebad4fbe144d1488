"""Pub/Sub throughput: the billed bytes of publishes (``topic/byte_cost``) and deliveries
(``subscription/byte_cost``) x the price table's ``pubsub.throughput.per_tib`` (an assumption, labelled as
such: override it with ``[prices]``). No free tier is subtracted.

The line is broken down per topic (:func:`topic_costs`): a topic's publishes and its subscriptions'
deliveries (a subscription's topic is its ``topic`` field, wherever that topic lives). Subscriptions whose
topic was deleted (``_deleted-topic_``) are grouped per project under ``<project>/_deleted-topic_``, and
the deliveries of subscriptions the listing did not return under ``<project>/_unlisted-subscription_``,
so the rows add up to the line."""

from __future__ import annotations

from datetime import datetime, timedelta

from dashboard import registry
from dashboard.cost.common import TIB, CostItem, Estimator, Inputs, ServiceCost, lowest, service_title
from dashboard.models import MetricSeries
from dashboard.sources.pubsub.model import SUB_BYTE_COST, TOPIC_BYTE_COST, PubsubData
from dashboard.views.fmt import size

PER_TIB = "pubsub.throughput.per_tib"
BURN_WINDOW = timedelta(hours=1)
DELETED_TOPIC = "_deleted-topic_"
"""What Pub/Sub puts in a subscription's ``topic`` once its topic was deleted."""
UNLISTED = "_unlisted-subscription_"
"""The row of the deliveries of subscriptions the listing did not return (deleted, or a failed page)."""


def _data(inputs: Inputs) -> PubsubData:
    spec = registry.spec("pubsub")
    found = PubsubData() if spec is None else spec.data_in(inputs.snapshot)
    return found if isinstance(found, PubsubData) else PubsubData()


def billed_bytes(data: PubsubData, start: datetime, end: datetime) -> float:
    """The bytes billed for publishes and deliveries with a point in ``(start, end]``."""
    return sum(
        p.value
        for s in data.series
        if s.metric in (TOPIC_BYTE_COST, SUB_BYTE_COST)
        for p in s.points
        if start < p.t <= end
    )


def _bytes(series: MetricSeries, start: datetime, end: datetime) -> float:
    return sum(p.value for p in series.points if start < p.t <= end)


def _project(key: str) -> str:
    return key.split("/", 1)[0]


class _Topic:
    """One row's bytes: published, delivered, in the window and the last hour; its subscriptions."""

    def __init__(self) -> None:
        self.published = self.delivered = self.hour = 0.0
        self.subscriptions: set[str] = set()


def topic_costs(data: PubsubData, start: datetime, at: datetime, price: float) -> tuple[CostItem, ...]:
    """Per topic, its $ within ``(start, at]`` and its $/h over the hour up to ``at``: (its publish bytes +
    its subscriptions' delivery bytes) / 2^40 x ``price``; every listed topic, costliest first."""
    topic_of = {s.key: s.topic_key for s in data.subscriptions}
    rows: dict[str, _Topic] = {t.key: _Topic() for t in data.topics}
    for s in data.subscriptions:
        if s.topic == DELETED_TOPIC:
            topic_of[s.key] = f"{s.project}/{DELETED_TOPIC}"
        rows.setdefault(topic_of[s.key], _Topic()).subscriptions.add(s.key)
    for series in data.series:
        if series.metric == TOPIC_BYTE_COST:
            row = rows.setdefault(series.key, _Topic())
        elif series.metric == SUB_BYTE_COST:
            key = topic_of.get(series.key, f"{_project(series.key)}/{UNLISTED}")
            row = rows.setdefault(key, _Topic())
            row.subscriptions.add(series.key)
        else:
            continue
        window = _bytes(series, start, at)
        if series.metric == TOPIC_BYTE_COST:
            row.published += window
        else:
            row.delivered += window
        row.hour += _bytes(series, at - BURN_WINDOW, at)
    items = [
        CostItem(
            key=key,
            burn_rate_usd_per_hour=row.hour / TIB * price,
            window_spend_usd=(row.published + row.delivered) / TIB * price,
            basis=f"{size(row.published)} published, {size(row.delivered)} delivered to "
            f"{len(row.subscriptions)} subscription{'' if len(row.subscriptions) == 1 else 's'}",
        )
        for key, row in rows.items()
    ]
    return tuple(sorted(items, key=lambda i: (-i.window_spend_usd, -i.burn_rate_usd_per_hour, i.key)))


def spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """Throughput $ within ``(start, end]``."""
    return billed_bytes(_data(inputs), start, end) / TIB * inputs.prices.value(PER_TIB)


def pubsub_cost(inputs: Inputs, start: datetime, today: datetime) -> tuple[ServiceCost, list[str]]:
    """Spend in the window and today; the rate from the last hour's bytes."""
    data, at = _data(inputs), inputs.snapshot.at
    price = inputs.prices.value(PER_TIB)
    since = start - timedelta(microseconds=1)  # the window's first point counts
    window = billed_bytes(data, since, at)
    cost = ServiceCost(
        service="pubsub",
        title=service_title("pubsub"),
        burn_rate_usd_per_hour=billed_bytes(data, at - BURN_WINDOW, at) / TIB * price,
        window_spend_usd=window / TIB * price,
        today_usd=spend(inputs, max(start, today), at),
        items=len(data.topics) + len(data.subscriptions),
        basis=f"{window / 2**30:,.2f} GiB published and delivered × ${price:g}/TiB (list price, assumed)",
        price_keys=(PER_TIB,),
        confidence=lowest(inputs.prices, (PER_TIB,)),
        breakdown_by="topic",
        breakdown=topic_costs(data, since, at, price),
    )
    return cost, []


ESTIMATOR = Estimator(cost=pubsub_cost, spend={"pubsub": spend})
"""The Pub/Sub source's part of the estimate."""
