"""Data Fusion insight rules, registered as ``datafusion.<rule>`` with their defaults (:data:`DEFAULTS`):
``[insights.thresholds]`` overrides them by ``datafusion.<rule>.<name>``.

- idle instance: an instance up (billing its instance-hours) for at least ``min_idle_hours`` of the
  window while the Dataproc source lists no ephemeral cluster of its pipelines
  (:mod:`~dashboard.sources.datafusion.pipelines`): the money at stake is its edition's hourly price
  times those hours. Not judged when the snapshot holds no Dataproc read (no pipeline could be seen).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from dashboard import registry
from dashboard.cost.common import HOURS_PER_MONTH, window
from dashboard.insights import Context, Insight, rule
from dashboard.models import Cluster, Snapshot
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.datafusion.cost import hourly, polls, up_hours
from dashboard.sources.datafusion.model import DatafusionData
from dashboard.sources.datafusion.pipelines import dataproc_read, seen

Threshold = Callable[[str], float]

DEFAULTS: dict[str, dict[str, float]] = {"idle_instance": {"min_idle_hours": 2.0}}
"""Each rule's thresholds with their defaults (docs/insights.md lists them)."""


def data_of(snapshot: Snapshot) -> DatafusionData:
    """The Data Fusion data of ``snapshot``."""
    spec = registry.spec("datafusion")
    found = DatafusionData() if spec is None else spec.data_in(snapshot)
    return found if isinstance(found, DatafusionData) else DatafusionData()


def idle_instance(
    snapshot: Snapshot,
    start: datetime,
    prices: PriceTable | None = None,
    threshold: Threshold | None = None,
    clusters: dict[str, list[Cluster]] | None = None,
) -> list[Insight]:
    """Instances up for ``min_idle_hours`` or more of ``[start, snapshot.at]`` with no ephemeral cluster
    of theirs listed."""
    threshold = threshold or DEFAULTS["idle_instance"].__getitem__
    least = threshold("min_idle_hours")
    if not dataproc_read(snapshot):
        return []
    prices = prices or default_prices()
    data = data_of(snapshot)
    runs = seen(snapshot) if clusters is None else clusters
    found = polls(data)
    out = []
    for instance in data.instances:
        if not instance.billed or runs.get(instance.key):
            continue
        hours = up_hours(instance, found.get(instance.key, ()), start, snapshot.at)
        if hours < least or hours <= 0:
            continue
        price = hourly(prices, instance)
        stake = f"; {hours:,.2f} h × ${price:.2f}/h = ${hours * price:,.2f}" if price is not None else ""
        out.append(
            Insight(
                rule="datafusion.idle_instance",
                severity="warning",
                title=f"Data Fusion instance {instance.instance_id} runs but launched no pipeline",
                source="datafusion",
                resource=instance.key,
                resource_key=instance.key,
                evidence=f"{instance.edition} instance {instance.state} for {hours:,.2f} h of the window, "
                "no ephemeral Dataproc cluster of its pipelines listed in "
                f"{instance.project}/{instance.location} (threshold {least:g} h){stake}",
                usd_per_hour=price,
                usd_per_month=None if price is None else price * HOURS_PER_MONTH,
                fix="Delete the instance if nothing schedules pipelines on it (export the pipelines first), "
                "or move its work to a Developer instance; an instance bills every hour it exists",
            )
        )
    return out


@rule("datafusion.idle_instance", **DEFAULTS["idle_instance"])
def _idle_instance(ctx: Context) -> list[Insight]:
    start, _ = window(ctx.snapshot)
    return idle_instance(
        ctx.snapshot, start, ctx.prices, lambda name: ctx.threshold("datafusion.idle_instance", name)
    )


def metrics(data: DatafusionData) -> dict[str, float]:
    """``--fail-on`` values: ``datafusion.instances_up`` and ``datafusion.failed`` (FAILED or DISABLED)."""
    return {
        "instances_up": float(sum(1 for i in data.instances if i.billed)),
        "failed": float(sum(1 for i in data.instances if i.state in ("FAILED", "DISABLED"))),
    }
