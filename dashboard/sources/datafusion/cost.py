"""Data Fusion instance-hours: each instance bills its edition's hourly price (the price table's
``datafusion.<edition>.per_hour``: UNCONFIRMED third-party figures, low confidence, override them with
``[prices]``) for the hours it was up (:data:`~dashboard.sources.datafusion.model.BILLED_STATES`).

The hours an instance was up within an interval come from the polls (its ``instance/running`` series: the
state each poll saw holds until the next) and, before its first poll, from its ``create_time`` when the
first poll saw it up. Basic's first 120 free hours a month are not subtracted (the figure is an upper
bound). The pipelines' own runs bill Dataproc (their ephemeral clusters), priced by the Dataproc source.
"""

from __future__ import annotations

from datetime import datetime

from dashboard import registry
from dashboard.cost.common import (
    CostItem,
    Estimator,
    Inputs,
    ServiceCost,
    lowest,
    overlap_hours,
    service_title,
)
from dashboard.models import Sample
from dashboard.pricing import PriceTable
from dashboard.sources.datafusion.model import RUNNING, DatafusionData, Instance

EDITIONS = ("developer", "basic", "enterprise")


def price_key(edition: str) -> str:
    """The price table's key of an edition's instance-hour: ``ENTERPRISE`` →
    ``datafusion.enterprise.per_hour``."""
    return f"datafusion.{edition.lower()}.per_hour"


def hourly(prices: PriceTable, instance: Instance) -> float | None:
    """Its edition's $ per instance-hour; None for an edition the table does not price."""
    key = price_key(instance.edition)
    return prices.value(key) if key in prices.prices else None


def data_of(inputs: Inputs) -> DatafusionData:
    """The Data Fusion data of the estimate's snapshot."""
    spec = registry.spec("datafusion")
    found = DatafusionData() if spec is None else spec.data_in(inputs.snapshot)
    return found if isinstance(found, DatafusionData) else DatafusionData()


def polls(data: DatafusionData) -> dict[str, tuple[Sample, ...]]:
    """Each instance's ``instance/running`` points (oldest first), by its key."""
    return {s.key: s.points for s in data.series if s.metric == RUNNING}


def up_hours(instance: Instance, points: tuple[Sample, ...], start: datetime, end: datetime) -> float:
    """The hours ``instance`` was up within ``[start, end]``: from each poll that saw it up to the next poll
    (the last one's to ``end``), and from its ``create_time`` to its first poll when that one saw it up;
    without a poll, from its ``create_time`` (or ``start``) while it is up now."""
    if not points:
        return overlap_hours(instance.created, None, start, end) if instance.billed else 0.0
    total = 0.0
    first = points[0]
    if first.value > 0 and instance.created is not None and instance.created < first.t:
        total += overlap_hours(instance.created, first.t, start, end)
    for here, after in zip(points, [*points[1:], None], strict=True):
        if here.value > 0:
            total += overlap_hours(here.t, end if after is None else after.t, start, end)
    return total


def instance_costs(
    data: DatafusionData, prices: PriceTable, start: datetime, at: datetime
) -> tuple[list[CostItem], int]:
    """Per priced instance its $/h now and its $ within ``[start, at]``, costliest first; and how many
    instances that are up could not be priced (an edition the table does not know)."""
    found = polls(data)
    rows: list[CostItem] = []
    unpriced = 0
    for instance in data.instances:
        price = hourly(prices, instance)
        if price is None:
            unpriced += instance.billed
            continue
        hours = up_hours(instance, found.get(instance.key, ()), start, at)
        rows.append(
            CostItem(
                key=instance.key,
                burn_rate_usd_per_hour=price if instance.billed else 0.0,
                window_spend_usd=hours * price,
                basis=f"{instance.edition.lower()} {hours:,.2f} h up × ${price:.2f}/h",
            )
        )
    rows.sort(key=lambda i: (-i.window_spend_usd, -i.burn_rate_usd_per_hour, i.key))
    return rows, unpriced


def spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """Instance-hour $ within ``[start, end]``."""
    data = data_of(inputs)
    found = polls(data)
    total = 0.0
    for instance in data.instances:
        price = hourly(inputs.prices, instance)
        if price is not None:
            total += up_hours(instance, found.get(instance.key, ()), start, end) * price
    return total


def datafusion_cost(inputs: Inputs, start: datetime, today: datetime) -> tuple[ServiceCost, list[str]]:
    """Spend in the window and today; the rate: the instances up now at their edition's price."""
    data, at = data_of(inputs), inputs.snapshot.at
    rows, unpriced = instance_costs(data, inputs.prices, start, at)
    keys = tuple(price_key(e) for e in EDITIONS)
    up = sum(1 for i in data.instances if i.billed)
    cost = ServiceCost(
        service="datafusion",
        title=service_title("datafusion"),
        burn_rate_usd_per_hour=sum(r.burn_rate_usd_per_hour for r in rows),
        window_spend_usd=sum(r.window_spend_usd for r in rows),
        today_usd=spend(inputs, max(start, today), at),
        items=len(data.instances),
        unpriced=unpriced,
        basis=f"{up} instance{'' if up == 1 else 's'} up × the edition's instance-hour price "
        "(UNCONFIRMED third-party prices; Basic's 120 free hours a month not subtracted)",
        price_keys=keys,
        confidence=lowest(inputs.prices, keys),
        breakdown_by="instance",
        breakdown=tuple(rows),
    )
    return cost, []


ESTIMATOR = Estimator(cost=datafusion_cost, spend={"datafusion": spend})
"""The Data Fusion source's part of the estimate."""
