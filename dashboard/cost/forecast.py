"""Month-to-date and the month-end forecast, per service group and in total.

With the billing export: the month is the invoice month (Pacific time: in the first hours of a UTC month
the bill is still the previous month's), and month-to-date is, per group, the bill up to the last hour that
group's export delivered plus the estimate since (``billed + estimate``); the forecast adds, for every hour
left in the month, each group's average billed $/h over the month's complete days (the current burn rate
for a group the bill has no complete day of).
Without it: month-to-date is unknown, and the forecast is the current burn rate over the whole month
(``estimate, run rate``), said as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import msgspec

from dashboard.cost.billing import GROUP_TITLES, GROUPS, BillingSummary, complete_days_rate
from dashboard.cost.common import SERVICES, Inputs, Spend, hours, month_start, next_month
from dashboard.queries import invoice_month_bounds


class GroupOutlook(msgspec.Struct, frozen=True, kw_only=True):
    """One service group's month: spent so far and expected by month end."""

    service: str
    title: str
    mtd_usd: float | None
    """Billed up to the group's ``billed_through`` plus the estimate since; None without the billing
    export."""
    forecast_usd: float
    rate_usd_per_hour: float
    """The $/h the forecast assumes for the rest of the month."""


class MonthOutlook(msgspec.Struct, frozen=True, kw_only=True):
    """This month so far and its forecast."""

    month: str
    """``YYYY-MM``: the invoice month (Pacific time) with the billing export, else the UTC month."""
    hours_elapsed: float
    hours_left: float
    mtd_usd: float | None
    mtd_basis: str
    """``billed + estimate`` or ``unknown (no billing export)``."""
    forecast_usd: float
    forecast_basis: str
    """``billed daily average`` or ``estimate, run rate``."""
    services: tuple[GroupOutlook, ...]


def outlook(
    inputs: Inputs,
    burn: Mapping[str, float],
    spend: Mapping[str, Spend],
    window_start: datetime,
    billing: BillingSummary | None,
) -> MonthOutlook:
    """The month so far and its forecast.

    Args:
        inputs: What the estimators read.
        burn: $/h now per estimated service.
        spend: Per estimated service, its spend within an interval.
        window_start: Where the snapshot's data begins: the estimate covers nothing before.
        billing: The bill, when the export is configured and read.
    """
    at = inputs.snapshot.at
    first, last = month_start(at), next_month(at)
    elapsed, left = hours(first, at), hours(at, last)
    groups: list[GroupOutlook] = []
    if billing is None:
        for service in SERVICES:
            rate = burn.get(service, 0.0)
            groups.append(
                GroupOutlook(
                    service=service,
                    title=GROUP_TITLES[service],
                    mtd_usd=None,
                    forecast_usd=rate * (elapsed + left),
                    rate_usd_per_hour=rate,
                )
            )
        return MonthOutlook(
            month=f"{at:%Y-%m}",
            hours_elapsed=elapsed,
            hours_left=left,
            mtd_usd=None,
            mtd_basis="unknown (no billing export configured)",
            forecast_usd=sum(g.forecast_usd for g in groups),
            forecast_basis="estimate, run rate: the current burn rate over the whole month",
            services=tuple(groups),
        )
    if (
        billing.invoice_month is not None
        and len(billing.invoice_month) == 6
        and billing.invoice_month.isdigit()
    ):
        first, last = invoice_month_bounds(billing.invoice_month)
        elapsed, left = hours(first, at), hours(at, last)
        label = f"{billing.invoice_month[:4]}-{billing.invoice_month[4:]}"
    else:
        label = f"{at:%Y-%m}"
    billed = {s.service: s.mtd_usd for s in billing.services}
    through = {s.service: s.billed_through for s in billing.services}
    for group in GROUPS:
        # a group without hourly rows has no bill in their span: the estimate covers it from their start
        tail_from = max(
            through.get(group) or billing.hourly_from or billing.billed_through or first, window_start
        )
        tail = spend[group](inputs, tail_from, at) if group in spend and tail_from < at else 0.0
        average = complete_days_rate(billing, group)
        rate = average if average is not None else burn.get(group, 0.0)
        mtd = billed.get(group, 0.0) + tail
        if group not in billed and not tail:
            continue
        groups.append(
            GroupOutlook(
                service=group,
                title=GROUP_TITLES[group],
                mtd_usd=mtd,
                forecast_usd=mtd + rate * left,
                rate_usd_per_hour=rate,
            )
        )
    return MonthOutlook(
        month=label,
        hours_elapsed=elapsed,
        hours_left=left,
        mtd_usd=sum(g.mtd_usd or 0.0 for g in groups),
        mtd_basis="billed + estimate",
        forecast_usd=sum(g.forecast_usd for g in groups),
        forecast_basis="billed + estimate so far, then each service's billed average $/h of the month's "
        "complete days",
        services=tuple(groups),
    )
