"""What every ``--once`` report is built from, computed once: the snapshot, its price table and cost
estimate, the insights, every alert metric's value and the alert conditions checked against them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import msgspec

from dashboard.alerts import AlertResult, Condition, check
from dashboard.alerts import metrics as alert_metrics
from dashboard.cost import CostEstimate, estimate, prices_from_config
from dashboard.insights import Insight, config_settings, evaluate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable, default_prices

if TYPE_CHECKING:
    from dashboard.config import Config


class Assessment(msgspec.Struct, frozen=True, kw_only=True):
    """A snapshot with what gcpdash concludes from it."""

    snapshot: Snapshot
    prices: PriceTable
    cost: CostEstimate
    insights: tuple[Insight, ...]
    """Critical first, then the most money at stake (:func:`dashboard.insights.evaluate`)."""
    metrics: dict[str, float | None]
    """Every alert metric's value, by name (docs/alerts.md)."""
    alerts: tuple[AlertResult, ...] = ()
    """The conditions given, checked; empty when none was given."""


def assess(
    snapshot: Snapshot,
    *,
    config: Config | None = None,
    prices: PriceTable | None = None,
    conditions: Sequence[Condition] = (),
) -> Assessment:
    """Cost, insights and alerts of ``snapshot``.

    Args:
        snapshot: What gcpdash knows now.
        config: Supplies ``[prices]``, ``[cost]``, ``[[budgets]]`` and ``[insights]`` when given.
        prices: The price table; by default the shipped one with ``config``'s overrides.
        conditions: The alert conditions to check (:func:`dashboard.alerts.conditions`).
    """
    if prices is None:
        prices = prices_from_config(config) if config is not None else default_prices()
    cost = estimate(snapshot, prices, config=config)
    insights = evaluate(snapshot, cost, config_settings(config), prices=prices)
    values = alert_metrics.values(snapshot, cost, insights)
    return Assessment(
        snapshot=snapshot,
        prices=prices,
        cost=cost,
        insights=insights,
        metrics=values,
        alerts=check(conditions, values, insights),
    )


__all__ = ["Assessment", "assess"]
