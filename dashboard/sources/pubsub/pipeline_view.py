"""The pipelines as the Pub/Sub pane and ``--once`` show them: a row per subscription, "subscription →
reader → table", and a pipeline's detail: its figures and three charts on one time axis (the
subscription's backlog, its oldest unacknowledged message, the reader's lag and freshness)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.models import Sample, Snapshot
from dashboard.sources.pubsub import view
from dashboard.sources.pubsub.pipeline import PipelineItem, pubsub_data, series
from dashboard.views import fmt
from dashboard.views.chart import ChartSeries, LineChart
from dashboard.views.columns import Column, Row

RETENTION_WARN = 0.8
"""The share of its retention from which a subscription's oldest message shows in red (the retention
insight's default threshold)."""

COLUMNS = (
    Column("SUBSCRIPTION", "subscription", min_width=14, max_width=32, shrink=True),
    Column("PROJECT", "project", max_width=22, shrink=True, drop=5),
    Column("TYPE", "type", wide=True),
    Column("UNDELIVERED", "undelivered", justify="right"),
    Column("OLDEST", "oldest", justify="right"),
    Column("→ READER", "reader", min_width=10, max_width=28, shrink=True),
    Column("LAG", "lag", justify="right"),
    Column("FRESHNESS", "freshness", justify="right", drop=2),
    Column("→ WRITES", "writes", min_width=12, max_width=44, shrink=True, cut="middle"),
    Column("MODIFIED", "modified", justify="right", drop=1),
    Column("STATE", "state", drop=4),
    Column("RETENTION", "retention", justify="right", wide=True),
    Column("TOPIC", "topic", max_width=30, shrink=True, wide=True),
)
"""One row per pipeline: LAG and FRESHNESS are the Dataflow reader's system lag and data watermark age,
MODIFIED the first table's last modified time (its age)."""

READERS = {"bigquery": "BigQuery export", "cloud_storage": "Cloud Storage export", "none": "—"}

CHART_HEIGHT = 5
AXIS = 12
"""Cells of each chart's y-axis labels, the same in all three so that one moment is one column."""


def reader_label(item: PipelineItem) -> str:
    """Who takes the messages: the Dataflow job (and its state once it stopped), the export, the push
    endpoint, or a dash when no reader is known."""
    if item.reader == "dataflow":
        name = item.reader_name or item.job_id or "?"
        if item.job_state and item.job_state != "JOB_STATE_RUNNING":
            name += f" ({item.job_state.removeprefix('JOB_STATE_')})"
        return name
    if item.reader == "push":
        return f"push {item.reader_name or ''}".strip()
    return READERS.get(item.reader, item.reader)


def writes_label(item: PipelineItem) -> str | None:
    """The first table (``+N`` more)."""
    if not item.writes:
        return None
    more = f" +{len(item.writes) - 1}" if len(item.writes) > 1 else ""
    return item.writes[0] + more


def _oldest(item: PipelineItem) -> Text | None:
    age = item.oldest_unacked_s
    if age is None:
        return None
    risky = item.retention_s is not None and age >= RETENTION_WARN * item.retention_s
    return Text(fmt.duration(age), style="bold red" if risky else "")


def row(item: PipelineItem) -> Row:
    """A pipeline's row; cloud text literal."""
    state = item.state or ("not monitored" if not item.listed else None)
    return Row.of(
        item.key,
        [
            item.subscription,
            item.project,
            item.type,
            None if item.undelivered is None else fmt.count(item.undelivered),
            _oldest(item),
            Text(fmt.visible(reader_label(item)), style="dim" if item.reader == "none" else ""),
            fmt.duration(item.system_lag_s) if item.system_lag_s is not None else None,
            fmt.duration(item.data_freshness_s) if item.data_freshness_s is not None else None,
            writes_label(item),
            None if item.table_age_s is None else f"{fmt.duration(item.table_age_s)} ago",
            None
            if state is None
            else Text(fmt.visible(state), style="green" if state == "ACTIVE" else "yellow"),
            fmt.duration(item.retention_s) if item.retention_s is not None else None,
            None if item.topic is None else item.topic.rsplit("/", 1)[-1],
        ],
    )


def _points(samples: tuple[Sample, ...]) -> list[tuple[datetime, float]]:
    return [(p.t, p.value) for p in samples]


def span(snapshot: Snapshot, item: PipelineItem) -> tuple[datetime, datetime] | None:
    """The time axis the three charts share: from the earliest point of any of them to the latest."""
    times = [
        p.t
        for name in ("undelivered", "oldest", "lag", "freshness", "delivered_bytes")
        for p in series(snapshot, item, name)
    ]
    return (min(times), max(times)) if times else None


def charts(snapshot: Snapshot, item: PipelineItem, *, width: int | None = None) -> list[RenderableType]:
    """The three charts, stacked on one time axis: the backlog, the oldest unacknowledged message (and the
    retention it must stay under), then what the reader says (a Dataflow job's lag and freshness; an
    export's or a push subscription's delivered bytes a minute)."""
    shared = span(snapshot, item)

    def chart(lines: Sequence[ChartSeries], title: str, label: Callable[[float], str]) -> LineChart:
        return LineChart(
            lines, height=CHART_HEIGHT, width=width, title=title, label=label, span=shared, axis=AXIS
        )

    oldest = ChartSeries("oldest unacked", _points(series(snapshot, item, "oldest")), "red")
    third: LineChart
    if item.reader == "dataflow":
        third = chart(
            [
                ChartSeries("system lag", _points(series(snapshot, item, "lag")), "magenta"),
                ChartSeries("freshness", _points(series(snapshot, item, "freshness")), "yellow"),
            ],
            fmt.visible(f"Dataflow {item.reader_name or item.job_id}: system lag and data freshness"),
            fmt.duration,
        )
    else:
        third = chart(
            [ChartSeries("delivered", _points(series(snapshot, item, "delivered_bytes")), "cyan")],
            fmt.visible(f"{reader_label(item)}: bytes delivered a minute"),
            fmt.size,
        )
    return [
        chart(
            [ChartSeries("undelivered", _points(series(snapshot, item, "undelivered")), "cyan")],
            fmt.visible(f"Subscription {item.subscription}: undelivered messages"),
            fmt.count,
        ),
        Text(""),
        chart(
            [oldest],
            "Oldest unacknowledged message"
            + (f" (retention {fmt.duration(item.retention_s)})" if item.retention_s else ""),
            fmt.duration,
        ),
        Text(""),
        third,
    ]


def _text(value: str, style: str = "") -> Text:
    """Cloud text on a line, control characters made visible, never markup."""
    return Text(fmt.visible(value), style=style)


def _fields(item: PipelineItem) -> list[Text]:
    lines = [_text(f"Subscription {item.subscription_name}", style="bold")]
    if item.topic:
        lines.append(_text(f"topic {item.topic}"))
    if not item.listed:
        lines.append(_text("not in a monitored project: no backlog figures", style="yellow"))
    figures = [
        f"undelivered {fmt.count(item.undelivered)}" if item.undelivered is not None else None,
        f"oldest unacked {fmt.duration(item.oldest_unacked_s)}"
        if item.oldest_unacked_s is not None
        else None,
        f"retention {fmt.duration(item.retention_s)}" if item.retention_s is not None else None,
        f"backlog {fmt.size(item.backlog_bytes)}" if item.backlog_bytes is not None else None,
    ]
    if any(figures):
        lines.append(_text(" · ".join(f for f in figures if f)))
    reader = f"→ read by {reader_label(item)}"
    if item.reader == "dataflow":
        reader += f" ({item.job_project}/{item.job_location}/{item.job_id})"
        lag = [
            f"system lag {fmt.duration(item.system_lag_s)}" if item.system_lag_s is not None else None,
            f"data freshness {fmt.duration(item.data_freshness_s)}"
            if item.data_freshness_s is not None
            else None,
        ]
        if any(lag):
            reader += " · " + " · ".join(x for x in lag if x)
    lines.append(_text(reader))
    for index, table in enumerate(item.writes):
        line = f"→ writes {table}"
        if index == 0 and item.table_modified is not None:
            line += f" · last modified {fmt.when(item.table_modified, dated=True)}"
            if item.table_age_s is not None:
                line += f" ({fmt.duration(item.table_age_s)} ago)"
        lines.append(_text(line))
    if not item.writes and item.reader in ("dataflow", "none"):
        lines.append(_text("→ writes no table its reader names", style="dim"))
    return lines


def detail(snapshot: Snapshot, item: PipelineItem, now: datetime) -> RenderableType:
    """A pipeline: the chain with its figures, the three charts on one time axis, then the subscription's
    settings."""
    sub = view.item(pubsub_data(snapshot), item.key)
    more = [] if sub is None else [Text(""), Text("Settings", style="bold"), *view.settings(sub)]
    return Group(*_fields(item), Text(""), *charts(snapshot, item), *more)
