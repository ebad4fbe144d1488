"""Pub/Sub throughput: the billed bytes of publishes (``topic/byte_cost``) and deliveries
(``subscription/byte_cost``) x the price table's ``pubsub.throughput.per_tib`` (an assumption, labelled as
such: override it with ``[prices]``). No free tier is subtracted."""

from __future__ import annotations

from datetime import datetime, timedelta

from dashboard import registry
from dashboard.cost.common import TIB, Estimator, Inputs, ServiceCost, lowest, service_title
from dashboard.sources.pubsub.model import SUB_BYTE_COST, TOPIC_BYTE_COST, PubsubData

PER_TIB = "pubsub.throughput.per_tib"
BURN_WINDOW = timedelta(hours=1)


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


def spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """Throughput $ within ``(start, end]``."""
    return billed_bytes(_data(inputs), start, end) / TIB * inputs.prices.value(PER_TIB)


def pubsub_cost(inputs: Inputs, start: datetime, today: datetime) -> tuple[ServiceCost, list[str]]:
    """Spend in the window and today; the rate from the last hour's bytes."""
    data, at = _data(inputs), inputs.snapshot.at
    price = inputs.prices.value(PER_TIB)
    window = billed_bytes(data, start - timedelta(microseconds=1), at)
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
    )
    return cost, []


ESTIMATOR = Estimator(cost=pubsub_cost, spend={"pubsub": spend})
"""The Pub/Sub source's part of the estimate."""
