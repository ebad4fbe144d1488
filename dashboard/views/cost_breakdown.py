"""A service's estimate per item (a Pub/Sub topic), as a table under the per-service one: the Cost pane,
the ``--once`` text and Markdown cost sections lay it out alike (:func:`dashboard.views.cost.sections`)."""

from __future__ import annotations

from rich.text import Text

from dashboard.cost.common import ServiceCost
from dashboard.views import fmt
from dashboard.views.columns import Column, Row

SHOWN = 15
"""Rows shown per service; the rest are summed on one row (the JSON document holds every one)."""


def columns(by: str) -> tuple[Column, ...]:
    """The table's columns, the first named after what the rows are (``TOPIC``)."""
    return (
        Column(by.upper() or "ITEM", "key", min_width=18, max_width=60, shrink=True),
        Column("$/H NOW", "burn_rate_usd_per_hour", justify="right"),
        Column("SPEND IN WINDOW", "window_spend_usd", justify="right"),
        Column("HOW", "basis", max_width=70, wrap=True),
    )


def breakdown_table(service: ServiceCost, shown: int = SHOWN) -> tuple[str, tuple[Column, ...], list[Row]]:
    """Title, columns and rows of ``service``'s breakdown, costliest first; past ``shown`` rows the rest
    are one row with their sums."""
    items = service.breakdown
    rows = [
        Row.of(
            f"{service.service}:{i.key}",
            [i.key, fmt.rate(i.burn_rate_usd_per_hour), fmt.money(i.window_spend_usd), i.basis],
        )
        for i in items[:shown]
    ]
    rest = items[shown:]
    if rest:
        rows.append(
            Row.of(
                f"{service.service}:more",
                [
                    Text(f"{len(rest)} more", style="dim"),
                    fmt.rate(sum(i.burn_rate_usd_per_hour for i in rest)),
                    fmt.money(sum(i.window_spend_usd for i in rest)),
                    None,
                ],
            )
        )
    by = service.breakdown_by or "item"
    return f"{service.title} per {by} (estimate, costliest first)", columns(by), rows
