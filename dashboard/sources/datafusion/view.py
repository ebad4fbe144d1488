"""The Data Fusion pane: one row per instance with its edition, state, version, age, $/h and the pipelines
seen (ephemeral Dataproc clusters of its runs listed by the Dataproc source); an instance's detail."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.models import Cluster
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.datafusion.cost import hourly
from dashboard.sources.datafusion.model import DatafusionData, Instance
from dashboard.views.columns import Column, Row
from dashboard.views.fmt import age, rate, visible, when

COLUMNS = (
    Column("INSTANCE", "name", min_width=12, max_width=32, shrink=True),
    Column("PROJECT", "project", max_width=22, shrink=True, drop=4),
    Column("REGION", "region", drop=3),
    Column("EDITION", "edition"),
    Column("STATE", "state"),
    Column("VERSION", "version", drop=2),
    Column("AGE", "age", justify="right", drop=1),
    Column("$/H", "usd_per_hour", justify="right"),
    Column("PIPELINES", "pipelines", justify="right"),
)
"""PIPELINES: the ephemeral Dataproc clusters of its runs the Dataproc source lists (``?``: no Dataproc
read to look in)."""

_STATE_STYLE = {"ACTIVE": "green", "FAILED": "bold red", "DISABLED": "red", "CREATING": "yellow"}


def rows(
    data: DatafusionData,
    now: datetime,
    *,
    clusters: dict[str, list[Cluster]] | None = None,
    prices: PriceTable | None = None,
) -> list[Row]:
    """One row per instance, by project, region and name; ``clusters``: each instance's ephemeral clusters
    (None: unknown)."""
    prices = prices or default_prices()
    out = []
    for i in sorted(data.instances, key=lambda i: i.key):
        price = hourly(prices, i)
        runs = None if clusters is None else clusters.get(i.key, [])
        out.append(
            Row.of(
                i.key,
                [
                    i.instance_id,
                    i.project,
                    i.location,
                    i.edition,
                    Text(visible(i.state), style=_STATE_STYLE.get(i.state, "yellow")),
                    i.version,
                    None if i.created is None else age(i.created, now),
                    None if price is None or not i.billed else rate(price),
                    "?" if runs is None else str(len(runs)),
                ],
            )
        )
    return out


def item(data: DatafusionData, key: str) -> Instance | None:
    """The instance of a row."""
    return next((i for i in data.instances if i.key == key), None)


def _line(value: str, style: str = "") -> Text:
    """Cloud text on a line, control characters made visible, never markup."""
    return Text(visible(value), style=style)


def detail(
    instance: Instance, now: datetime, clusters: list[Cluster] | None = None, prices: PriceTable | None = None
) -> RenderableType:
    """An instance's settings and the ephemeral clusters of its runs, its text shown literally."""
    price = hourly(prices or default_prices(), instance)
    lines = [
        _line(f"Data Fusion instance {instance.name}", "bold"),
        _line(
            f"{instance.edition} · {instance.state} · version {instance.version or '?'}"
            + (f" · {rate(price)} while up (list price, unconfirmed)" if price is not None else "")
        ),
        _line(f"created {when(instance.created, dated=True)} ({age(instance.created, now)})")
        if instance.created is not None
        else _line("created ?"),
    ]
    if instance.state_message:
        lines.append(_line(f"state message: {instance.state_message}"))
    if instance.disabled_reasons:
        lines.append(_line("disabled: " + ", ".join(instance.disabled_reasons)))
    if instance.zone:
        lines.append(_line(f"zone {instance.zone}"))
    if instance.service_endpoint:
        lines.append(_line(f"endpoint {instance.service_endpoint}"))
    if instance.labels:
        lines.append(_line("labels " + ", ".join(f"{k}={v}" for k, v in sorted(instance.labels.items()))))
    if clusters is not None:
        lines.append(_line(f"pipeline runs seen (ephemeral Dataproc clusters): {len(clusters)}"))
        lines.extend(_line(f"  {c.name} · {c.state} · {c.region}") for c in clusters)
    return Group(*lines)


def overview(data: DatafusionData, now: datetime) -> tuple[int, str]:
    """Instances, how many are up."""
    up = sum(1 for i in data.instances if i.billed)
    failed = sum(1 for i in data.instances if i.state == "FAILED")
    return len(data.instances), f"{up} up" + (f" · {failed} failed" if failed else "")
