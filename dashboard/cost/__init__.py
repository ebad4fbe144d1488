"""Cost: pure functions of a Snapshot, the price table and the cost settings.

Every figure is either an *estimate* from list prices (``dashboard/data/prices.toml``, labelled with the
table's version and the overrides used) or *billed* (from the Cloud Billing export). Each source prices its
own services in its package (its spec names its :class:`~dashboard.cost.common.Estimator`): the jobs'
on-demand bytes (per job, project, principal, label), the reservations' editions slots (baseline,
autoscale integrated over time, commitments by plan) and each project's mode, Dataproc's clusters by their
VMs and Serverless batches, Dataflow's jobs from their Monitoring resource metrics. Shared here:

- :mod:`~dashboard.cost.billing`: the bill per service per day, and the estimate checked against it;
- :mod:`~dashboard.cost.forecast` and :mod:`~dashboard.cost.budget`: month-to-date, month-end forecast,
  budgets.

The entry point is :func:`estimate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from dashboard import registry
from dashboard.cost.billing import BillingSummary, summarize
from dashboard.cost.budget import BudgetSpec, BudgetStatus, budget_statuses, parse_budget
from dashboard.cost.common import (
    GIB,
    SERVICE_TITLES,
    SERVICES,
    TIB,
    Attribution,
    Estimator,
    Inputs,
    ProjectMode,
    ServiceCost,
    ServiceName,
    Spend,
    UtcTime,
    day_start,
    edition_key,
    hours,
    normal_modes,
    series_index,
    window,
)
from dashboard.cost.forecast import MonthOutlook, outlook
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable, default_prices, load_prices

if TYPE_CHECKING:
    from dashboard.config import Config

__all__ = [
    "GIB",
    "SERVICES",
    "SERVICE_TITLES",
    "TIB",
    "Attribution",
    "BillingSummary",
    "BudgetSpec",
    "BudgetStatus",
    "CostEstimate",
    "Estimator",
    "MonthOutlook",
    "ServiceCost",
    "ServiceName",
    "config_budgets",
    "edition_key",
    "estimate",
    "estimators",
    "parse_budget",
    "prices_from_config",
    "series_index",
    "snapshot_budgets",
    "window",
]


def estimators() -> list[Estimator]:
    """The registered sources' estimators, in the sources' order (imported on first use)."""
    found = [spec.load_estimator() for spec in registry.sources() if spec.estimator]
    return [e for e in found if isinstance(e, Estimator)]


class CostEstimate(msgspec.Struct, frozen=True, kw_only=True):
    """The cost of everything in a Snapshot: estimated per service and in total, the bill when there is
    one, the month so far and its forecast, and the budgets."""

    price_version: str
    currency: str
    estimate: bool = True
    """True: the per-service figures are estimates from list prices (``billing`` holds billed ones)."""
    at: UtcTime
    window_start: UtcTime
    window_end: UtcTime
    window_hours: float
    services: tuple[ServiceCost, ...]
    burn_rate_usd_per_hour: float
    window_spend_usd: float
    notes: tuple[str, ...] = ()
    price_overrides: dict[str, float] = {}
    """Prices the user's config replaced (key → value used)."""
    today_start: UtcTime | None = None
    """Where today's estimate begins: midnight UTC, or the window's start when the data begins later."""
    today_usd: float = 0.0
    """Estimated spend today from ``today_start`` to ``at``."""
    project_modes: dict[str, ProjectMode] = {}
    """Each known project's BigQuery billing mode (from assignments, overridden by config)."""
    on_demand_by: tuple[Attribution, ...] = ()
    """Estimated on-demand spend in the window per project, principal and label (largest first)."""
    billing: BillingSummary | None = None
    """Billed figures from the Cloud Billing export; None when it is not configured or not read yet."""
    month: MonthOutlook | None = None
    budgets: tuple[BudgetStatus, ...] = ()

    def service(self, name: str) -> ServiceCost:
        """The entry of one service."""
        return next(s for s in self.services if s.service == name)


def prices_from_config(config: Config) -> PriceTable:
    """The shipped price table with ``[prices]`` overrides of the config applied.

    Raises:
        UsageError: An override names no price of the table, or is not a number >= 0.
    """
    return load_prices(overrides=config.prices)


def config_budgets(config: Config) -> tuple[BudgetSpec, ...]:
    """``[[budgets]]`` of the config as budget specs."""
    return tuple(
        BudgetSpec(name=b.name, amount_usd=b.amount_usd, services=tuple(b.services), source="config")
        for b in config.budgets
    )


def snapshot_budgets(snapshot: Snapshot) -> tuple[BudgetSpec, ...]:
    """The Budget API budgets the snapshot's billing data holds, as budget specs."""
    if snapshot.billing is None:
        return ()
    return tuple(
        BudgetSpec(
            name=b.name,
            amount_usd=b.amount_usd,
            services=b.services,
            source="budget-api",
            thresholds_pct=b.thresholds_pct,
            unevaluated=b.unevaluated,
        )
        for b in snapshot.billing.budgets
    )


def plugin_costs(snapshot: Snapshot, start: datetime, end: datetime) -> list[ServiceCost]:
    """The cost line of every registered source that is not built in and bills (its spec's ``cost``), of
    its data in ``snapshot`` (its empty data while none was read)."""
    return [
        spec.cost(spec.data_in(snapshot), start, end) for spec in registry.plugins() if spec.cost is not None
    ]


def estimate(
    snapshot: Snapshot,
    prices: PriceTable | None = None,
    *,
    config: Config | None = None,
    modes: Mapping[str, str] | None = None,
    budgets: Sequence[BudgetSpec] = (),
    api_budgets: Sequence[BudgetSpec] | None = None,
) -> CostEstimate:
    """The cost of everything in ``snapshot``.

    Args:
        snapshot: What gcpdash knows now.
        prices: The price table; from ``config`` (shipped table plus ``[prices]``) or the shipped one.
        config: Supplies price overrides, ``[cost] project_modes`` and ``[[budgets]]`` when given.
        modes: Per project ``on-demand`` or ``editions``, over what assignments say (and over ``config``).
        budgets: Budgets besides the config's.
        api_budgets: Budgets read from the Budget API (:func:`parse_budget`); by default those of the
            snapshot's billing data (the billing source's ``ListBudgets``).
    """
    if api_budgets is None:
        api_budgets = snapshot_budgets(snapshot)
    if prices is None:
        prices = prices_from_config(config) if config is not None else default_prices()
    overrides = dict(config.cost.project_modes) if config is not None else {}
    overrides.update(modes or {})
    found = estimators()
    modes = normal_modes(overrides)
    for part in found:
        if part.modes is not None:
            modes = part.modes(snapshot, overrides)
    inputs = Inputs(snapshot=snapshot, prices=prices, modes=modes, overrides=normal_modes(overrides))
    start, end = window(snapshot)
    today = max(day_start(end), start)
    lines: list[ServiceCost] = []
    notes: list[str] = []
    spend: dict[str, Spend] = {}
    fields: dict[str, Any] = {}
    for part in found:
        costs, more = part.cost(inputs, start, today)
        lines += [costs] if isinstance(costs, ServiceCost) else costs
        notes += more
        spend.update(part.spend)
        if part.extra is not None:
            fields.update(part.extra(inputs, start, end))
    services = (*lines, *plugin_costs(snapshot, start, end))
    used = {k: p.value for k, p in prices.prices.items() if p.overridden}
    version = prices.version + (" + overrides" if used else "")
    all_notes = [
        f"Estimates from list prices (price table {version}, {prices.currency}); "
        "excludes commitments not listed, discounts, free tiers, Spot and taxes",
        *notes,
    ]
    if used:
        all_notes.append("price overrides: " + ", ".join(f"{k}={v:g}" for k, v in sorted(used.items())))
    for part in found:
        if part.late_notes is not None:
            all_notes += part.late_notes(snapshot)
    bill = snapshot.billing
    billing = summarize(bill, inputs, start, spend) if bill is not None and bill.exported else None
    month = outlook(inputs, {s.service: s.burn_rate_usd_per_hour for s in services}, spend, start, billing)
    specs = [*(config_budgets(config) if config is not None else ()), *budgets, *api_budgets]
    return CostEstimate(
        price_version=prices.version,
        currency=prices.currency,
        at=snapshot.at,
        window_start=start,
        window_end=end,
        window_hours=hours(start, end),
        services=services,
        burn_rate_usd_per_hour=sum(s.burn_rate_usd_per_hour for s in services),
        window_spend_usd=sum(s.window_spend_usd for s in services),
        notes=tuple(all_notes),
        price_overrides=used,
        today_start=today,
        today_usd=sum(s.today_usd for s in services),
        project_modes=dict(sorted(inputs.modes.items())),
        **fields,
        billing=billing,
        month=month,
        budgets=budget_statuses(specs, month),
    )
