"""Sources' health: the status pane (each source's state, data age and reason) and the heading every pane
carries, so a failing source shows its reason where its data would be while the other panes go on."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.models import Snapshot
from dashboard.views import fmt
from dashboard.views.collect import source_status, sources_section
from dashboard.views.columns import Column, Row, cell, heading, line, table
from dashboard.views.items import SourceItem
from dashboard.views.states import state_look

COLUMNS = (
    Column("SOURCE", "source", min_width=12),
    Column("STATE", "state", min_width=7),
    Column("DATA AGE", "age", justify="right"),
    Column("UPDATED", "updated_at"),
    Column("REASON", "reason", max_width=70, wrap=True),
    Column("WARNINGS", "warnings", max_width=50, wrap=True, wide=True),
)


def _look(item: SourceItem) -> Text:
    look = state_look(item)
    return Text(look.label, style=look.style)


def _reason_style(item: SourceItem) -> str:
    """Red for a failure; dim for a source that is off (not read at all)."""
    return "dim" if item.state == "off" else "red"


def _reason(item: SourceItem) -> Text | None:
    """Why the source fails, else why its metrics are missing (yellow: the listing itself is fine), so a
    narrow screen that drops the warnings column still says it."""
    if item.reason:
        return line(item.reason, 200, style=_reason_style(item))
    if item.metrics:
        return line(item.metrics, 200, style="yellow")
    return None


def rows(sources: dict[str, SourceItem]) -> list[Row]:
    """One row per source."""
    return [
        Row.of(
            name,
            [
                name,
                _look(item),
                fmt.duration(item.age_s),
                fmt.when(item.updated_at),
                _reason(item),
                "; ".join(fmt.one_line(w, 120) for w in item.warnings) or None,
            ],
        )
        for name, item in sources.items()
    ]


def render(snapshot: Snapshot, now: datetime) -> RenderableType:
    """The status pane: every source, its state, the age of its data and why it fails."""
    return Group(heading("Sources"), table(COLUMNS, rows(sources_section(snapshot, now))))


def badge(snapshot: Snapshot, source: str, now: datetime) -> Text:
    """A pane's data line: ``ok · data 25s old`` or ``STALE · data 6m old · 503: …`` (the reason in red),
    then why its metrics are missing, if they are (``metrics unavailable: 503 from Monitoring (retrying)``,
    in yellow), or else its first warning (``ListReservations failed for acme-admin/US: … (+2 more)``: a
    part of its data was not read)."""
    status = source_status(snapshot, source)
    look = state_look(status)
    text = Text(look.label, style=look.style)
    if status.updated_at is not None:
        age = max(0.0, (now - status.updated_at).total_seconds())
        text.append(f" · data {fmt.duration(age)} old", style="dim")
    if status.reason:
        text.append(" · ")
        style = "dim" if status.state == "off" else "red"
        text.append_text(cell(fmt.one_line(status.reason, 200), style=style))
    if status.metrics and status.state != "off":
        text.append(" · ")
        text.append_text(cell(fmt.one_line(status.metrics, 200), style="yellow"))
    elif status.warnings and not status.reason:
        text.append(" · ")
        text.append_text(cell(fmt.one_line(status.warnings[0], 200), style="yellow"))
        if len(status.warnings) > 1:
            text.append(f" (+{len(status.warnings) - 1} more)", style="yellow")
    return text


def pane_heading(title: str, snapshot: Snapshot, source: str, now: datetime) -> Text:
    """A pane's title followed by its source's badge."""
    text = heading(title)
    text.append("  ")
    text.append_text(badge(snapshot, source, now))
    return text
