"""Cost: pure functions of a Snapshot, the price table and the cost settings.

Every figure is either an *estimate* from list prices (``dashboard/data/prices.toml``, labelled with the
table's version and the overrides used) or *billed* (from the Cloud Billing export). Per service:

- :mod:`~dashboard.cost.bigquery`: on-demand bytes (per job, project, principal, label), editions slots
  (baseline, autoscale integrated over time, commitments by plan), each project's mode;
- :mod:`~dashboard.cost.dataproc`: clusters by their VMs, idle clusters, Serverless batches;
- :mod:`~dashboard.cost.dataflow`: jobs from their Monitoring resource metrics;
- :mod:`~dashboard.cost.billing`: the bill per service per day, and the estimate checked against it;
- :mod:`~dashboard.cost.forecast` and :mod:`~dashboard.cost.budget`: month-to-date, month-end forecast,
  budgets.

The entry point is :func:`estimate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from dashboard.cost.bigquery import (
    ON_DEMAND,
    Attribution,
    JobCost,
    countable_jobs,
    edition_key,
    editions_cost,
    editions_spend,
    job_cost,
    on_demand_by,
    on_demand_cost,
    on_demand_spend,
    project_modes,
    reservation_usd_per_hour,
)
from dashboard.cost.billing import BillingSummary, Spend, summarize
from dashboard.cost.budget import BudgetSpec, BudgetStatus, budget_statuses, parse_budget
from dashboard.cost.common import (
    GIB,
    SERVICE_TITLES,
    SERVICES,
    TIB,
    Inputs,
    ProjectMode,
    ServiceCost,
    ServiceName,
    UtcTime,
    day_start,
    hours,
    window,
)
from dashboard.cost.dataflow import (
    DF_VCPUS,
    DataflowCost,
    dataflow_cost,
    dataflow_job_cost,
    dataflow_spend,
    dataflow_vcpu_key,
    series_index,
)
from dashboard.cost.dataproc import (
    BILLING_CLUSTER_STATES,
    cluster_shape,
    cluster_usd_per_hour,
    dataproc_cost,
    dataproc_spend,
)
from dashboard.cost.forecast import MonthOutlook, outlook
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable, default_prices, load_prices

if TYPE_CHECKING:
    from dashboard.config import Config

__all__ = [
    "BILLING_CLUSTER_STATES",
    "DF_VCPUS",
    "GIB",
    "ON_DEMAND",
    "SERVICES",
    "SERVICE_TITLES",
    "SPEND",
    "TIB",
    "Attribution",
    "BillingSummary",
    "BudgetSpec",
    "BudgetStatus",
    "CostEstimate",
    "DataflowCost",
    "JobCost",
    "MonthOutlook",
    "ServiceCost",
    "ServiceName",
    "cluster_shape",
    "cluster_usd_per_hour",
    "config_budgets",
    "countable_jobs",
    "dataflow_job_cost",
    "dataflow_vcpu_key",
    "edition_key",
    "estimate",
    "job_cost",
    "parse_budget",
    "prices_from_config",
    "project_modes",
    "reservation_usd_per_hour",
    "series_index",
    "snapshot_budgets",
    "window",
]

SPEND: dict[str, Spend] = {
    "bigquery_on_demand": on_demand_spend,
    "bigquery_editions": editions_spend,
    "dataproc": dataproc_spend,
    "dataflow": dataflow_spend,
}
"""Per estimated service: its estimated spend within an interval."""


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
        )
        for b in snapshot.billing.budgets
    )


def plugin_costs(snapshot: Snapshot, start: datetime, end: datetime) -> list[ServiceCost]:
    """The cost line of every registered source that is not built in and bills (its spec's ``cost``), of
    its data in ``snapshot`` (its empty data while none was read)."""
    from dashboard import registry

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
    inputs = Inputs(
        snapshot=snapshot,
        prices=prices,
        modes=project_modes(snapshot.reservations.assignments, overrides),
        overrides=project_modes((), overrides),
    )
    start, end = window(snapshot)
    today = max(day_start(end), start)
    dataproc, notes = dataproc_cost(inputs, start, today)
    dataflow, dataflow_notes = dataflow_cost(inputs, start, today)
    notes += dataflow_notes
    services = (
        on_demand_cost(inputs, start, today),
        editions_cost(inputs, start, today),
        dataproc,
        dataflow,
        *plugin_costs(snapshot, start, end),
    )
    used = {k: p.value for k, p in prices.prices.items() if p.overridden}
    version = prices.version + (" + overrides" if used else "")
    all_notes = [
        f"Estimates from list prices (price table {version}, {prices.currency}); "
        "excludes commitments not listed, discounts, free tiers, Spot and taxes",
        *notes,
    ]
    if used:
        all_notes.append("price overrides: " + ", ".join(f"{k}={v:g}" for k, v in sorted(used.items())))
    known = ("STANDARD", "ENTERPRISE", "ENTERPRISE_PLUS")
    if any(r.edition not in known for r in snapshot.reservations.reservations):
        all_notes.append("reservations without a known edition are priced as Enterprise")
    bill = snapshot.billing
    billing = summarize(bill, inputs, start, SPEND) if bill is not None and bill.exported else None
    month = outlook(inputs, {s.service: s.burn_rate_usd_per_hour for s in services}, SPEND, start, billing)
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
        on_demand_by=on_demand_by(inputs, start, end),
        billing=billing,
        month=month,
        budgets=budget_statuses(specs, month),
    )
