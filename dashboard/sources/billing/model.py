"""Billing domain models: the Cloud Billing export's rows and the Budget API's budgets.

Imported by :mod:`dashboard.models`, which re-exports them.
"""

from __future__ import annotations

from datetime import datetime

from dashboard.models_base import Model


class BillingRow(Model, frozen=True):
    """Net cost of one service over one period (an hour or a day), from the Cloud Billing export."""

    start: datetime
    """Start of the period (UTC): a day's midnight, or the start of an hour."""
    service: str
    """``service.description`` as billing says it (``BigQuery``, ``Compute Engine``, ``Cloud Dataflow``)."""
    hours: int = 24
    """Length of the period: 24 (a day) or 1 (an hour)."""
    currency: str = "USD"
    gross: float = 0.0
    """Sum of ``cost``."""
    credits: float = 0.0
    """Sum of the credits' amounts (zero or negative)."""
    exported: datetime | None = None
    """The newest ``export_time`` of the service's rows in the period."""

    @property
    def net(self) -> float:
        """Cost net of credits."""
        return self.gross + self.credits


class ApiBudget(Model, frozen=True):
    """A budget of the billing account, from the Cloud Billing Budget API (``ListBudgets``)."""

    name: str
    """Its display name (else its resource name)."""
    amount_usd: float | None = None
    """Per month; None when it follows last period's spend or is not in USD."""
    services: tuple[str, ...] = ()
    """The filter's ``services/ID`` names; empty means every service."""
    thresholds_pct: tuple[float, ...] = ()
    """Alert thresholds, in percent of the amount."""
    unevaluated: tuple[str, ...] = ()
    """What of its filter or period gcpdash does not measure
    (:attr:`dashboard.cost.budget.BudgetSpec.unevaluated`)."""


class BillingData(Model, frozen=True):
    """What one poll of the billing source (a query of the billing export, and the Budget API's
    ``ListBudgets`` when a billing account is configured) returned."""

    rows: tuple[BillingRow, ...] = ()
    """Oldest first: a row per service per day of the invoice month, per hour for the most recent hours."""
    invoice_month: str | None = None
    """``YYYYMM``, the invoice month the rows belong to."""
    exported_through: datetime | None = None
    """The newest ``export_time`` among the rows: cost after it may not be in the export yet."""
    hourly_since: datetime | None = None
    """From when the query asked for hourly rows (its ``@hourly_since``); None when unknown."""
    warnings: tuple[str, ...] = ()
    budgets: tuple[ApiBudget, ...] = ()
    """The billing account's budgets from the Budget API; empty when none was read."""
    exported: bool = True
    """False when this poll did not query the billing export (only budgets were read): ``rows`` says
    nothing about spend."""
