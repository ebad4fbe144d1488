"""Budgets: monthly amounts from the config (``[[budgets]]``) or the Cloud Billing Budget API, compared with
month-to-date spend and the month-end forecast.

The Budget API call itself belongs to the live backend (``google-cloud-billing-budgets``,
``BudgetServiceClient.list_budgets(parent="billingAccounts/XXXXXX-XXXXXX-XXXXXX")``); it hands each
``Budget`` as proto JSON (``MessageToDict`` / ``Budget.to_json``) to :func:`parse_budget`, and the result to
:func:`dashboard.cost.estimate` as ``api_budgets``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import msgspec

from dashboard.cost.billing import BILLING_SERVICES, GROUP_TITLES, GROUPS, OTHER
from dashboard.cost.forecast import MonthOutlook

BUDGET_SERVICE_IDS: dict[str, tuple[str, ...]] = {
    "services/24E6-581D-38E5": ("bigquery_on_demand", "bigquery_ml"),  # BigQuery ML is billed as BigQuery
    "services/6F81-5844-456A": ("dataproc",),
}
"""Billing service ids a Budget API filter names, for those gcpdash maps (BigQuery, Compute Engine)."""


class BudgetSpec(msgspec.Struct, frozen=True, kw_only=True):
    """A monthly budget, wherever it is defined."""

    name: str
    amount_usd: float | None
    """None for a Budget API budget that follows last period's spend (``lastPeriodAmount``)."""
    services: tuple[str, ...] = ()
    """As configured: a service key, a title, a billing service description or a ``services/ID``; empty
    means every service."""
    source: Literal["config", "budget-api"] = "config"
    thresholds_pct: tuple[float, ...] = ()
    """Alert thresholds, in percent of the amount (Budget API only)."""
    unevaluated: tuple[str, ...] = ()
    """What of the budget makes this month's spend net of credits not its measure (a credit treatment other
    than including every credit, a period other than the calendar month): its spend is then not compared
    (Budget API only)."""


class BudgetStatus(msgspec.Struct, frozen=True, kw_only=True):
    """A budget next to the spend it covers."""

    name: str
    source: Literal["config", "budget-api"]
    amount_usd: float | None
    services: tuple[str, ...]
    """The service groups it covers (``bigquery_on_demand`` … ``other``)."""
    unmatched: tuple[str, ...] = ()
    """Configured service names gcpdash could not map: their spend is not counted; and what of the budget
    gcpdash cannot apply (:attr:`BudgetSpec.unevaluated`): spent, the percentages and ``over`` are then
    unknown."""
    spent_usd: float | None
    """Month-to-date, as :class:`~dashboard.cost.forecast.MonthOutlook` says it (None without billing, or
    when the budget cannot be applied)."""
    forecast_usd: float
    """The month-end forecast of the services it covers (of every project, whatever its filter)."""
    spent_pct: float | None
    forecast_pct: float | None
    basis: str
    """How spent and forecast were computed (billed + estimate, or estimate)."""
    over: bool
    """The forecast exceeds the amount."""


def _aliases() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {"bigquery": ("bigquery_on_demand", "bigquery_ml", "bigquery_editions")}
    for group in GROUPS:
        out[group] = (group,)
        out[GROUP_TITLES[group].lower()] = (group,)
    out["other"] = (OTHER,)
    for group, descriptions in BILLING_SERVICES.items():
        for description in descriptions:
            out.setdefault(description.lower(), ())
            if group not in out[description.lower()]:
                out[description.lower()] = (*out[description.lower()], group)
    out.update({k.lower(): v for k, v in BUDGET_SERVICE_IDS.items()})
    return out


_ALIASES = _aliases()


def match_services(names: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The service groups a budget's service names cover, and the names that match none."""
    groups: list[str] = []
    unmatched: list[str] = []
    for name in names:
        found = _ALIASES.get(name.strip().lower())
        if found is None:
            unmatched.append(name)
        groups += [g for g in found or () if g not in groups]
    return tuple(groups), tuple(unmatched)


def _money(value: Mapping[str, Any]) -> float:
    """A ``google.type.Money`` (units as an int64 string, nanos) in its currency's units."""
    return int(value.get("units", 0) or 0) + int(value.get("nanos", 0) or 0) / 1e9


def _unevaluated(filt: Mapping[str, Any]) -> tuple[str, ...]:
    """What of a budget's filter (proto JSON) changes what its spend is, so that this month's spend net of
    every credit does not measure it: a credit treatment other than the default ``INCLUDE_ALL_CREDITS``, a
    period other than the default calendar month."""
    out: list[str] = []
    treatment = filt.get("creditTypesTreatment") or "INCLUDE_ALL_CREDITS"
    if treatment not in ("INCLUDE_ALL_CREDITS", "CREDIT_TYPES_TREATMENT_UNSPECIFIED"):
        out.append(f"credits: {treatment}")
    period = filt.get("calendarPeriod") or "MONTH"
    if filt.get("customPeriod"):
        out.append("a custom period")
    elif period not in ("MONTH", "CALENDAR_PERIOD_UNSPECIFIED"):
        out.append(f"period: {period}")
    return tuple(out)


def parse_budget(payload: Mapping[str, Any]) -> BudgetSpec:
    """A Budget API ``Budget`` (proto JSON, camelCase) → :class:`BudgetSpec`.

    Raises:
        ValueError: The payload is not a budget (no display name or resource name).
    """
    name = payload.get("displayName") or payload.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("a budget without displayName or name")
    amount = payload.get("amount") or {}
    specified = amount.get("specifiedAmount")
    usd = _money(specified) if isinstance(specified, Mapping) else None
    if isinstance(specified, Mapping) and specified.get("currencyCode", "USD") != "USD":
        usd = None  # gcpdash compares in USD only
    filt = payload.get("budgetFilter") or {}
    services = tuple(str(s) for s in filt.get("services") or ())
    rules = payload.get("thresholdRules") or ()
    thresholds = tuple(float(r.get("thresholdPercent", 0)) * 100 for r in rules if isinstance(r, Mapping))
    return BudgetSpec(
        name=name,
        amount_usd=usd,
        services=services,
        source="budget-api",
        thresholds_pct=thresholds,
        unevaluated=_unevaluated(filt),
    )


def budget_status(spec: BudgetSpec, month: MonthOutlook) -> BudgetStatus:
    """A budget next to this month's spend and forecast for the services it covers."""
    if spec.services:
        groups, unmatched = match_services(spec.services)
    else:
        groups, unmatched = GROUPS, ()
    covered = [g for g in month.services if g.service in groups]
    spent = None if month.mtd_usd is None else sum(g.mtd_usd or 0.0 for g in covered)
    forecast = sum(g.forecast_usd for g in covered)
    amount = spec.amount_usd
    if spec.unevaluated:  # its spend is not what gcpdash knows: nothing to compare
        return BudgetStatus(
            name=spec.name,
            source=spec.source,
            amount_usd=amount,
            services=groups,
            unmatched=(*unmatched, *(f"{u} (not applied: not compared)" for u in spec.unevaluated)),
            spent_usd=None,
            forecast_usd=forecast,
            spent_pct=None,
            forecast_pct=None,
            basis=f"not compared: gcpdash cannot apply {'; '.join(spec.unevaluated)}",
            over=False,
        )
    return BudgetStatus(
        name=spec.name,
        source=spec.source,
        amount_usd=amount,
        services=groups,
        unmatched=unmatched,
        spent_usd=spent,
        forecast_usd=forecast,
        spent_pct=spent / amount * 100 if spent is not None and amount else None,
        forecast_pct=forecast / amount * 100 if amount else None,
        basis=f"spent: {month.mtd_basis}; forecast: {month.forecast_basis}",
        over=bool(amount is not None and forecast > amount),
    )


def budget_statuses(specs: Sequence[BudgetSpec], month: MonthOutlook) -> tuple[BudgetStatus, ...]:
    """Every budget's status, in the order given."""
    return tuple(budget_status(s, month) for s in specs)
