"""``gcpdash --once --format markdown``: the snapshot as GitHub-flavoured Markdown, for chat and CI summaries.

The tables hold the same rows as the text report and the app (the views' :class:`~dashboard.views.columns.Row`
cells, already made visible), escaped so that cloud text cannot break a table (``|``), open code spans
(backticks), emphasise, link, embed HTML, or turn into an emoji or an autolink.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from dashboard import registry
from dashboard.alerts import AlertResult
from dashboard.cost import CostEstimate
from dashboard.insights import Insight
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.report import alerts_view
from dashboard.report.assess import Assessment, assess

if TYPE_CHECKING:
    from dashboard.config import Config
from dashboard.views import collect, fmt, plugins
from dashboard.views import cost as cost_view
from dashboard.views import insights as insights_view
from dashboard.views import overview as overview_view
from dashboard.views import status as status_view
from dashboard.views.collect import RECENT_JOBS
from dashboard.views.columns import Column, Row

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&$]|:(?=[A-Za-z_+\-/]))")
"""Characters that mean something inline in GFM: escapes, code, emphasis, links, HTML, tables,
strikethrough, entities, math (``$``), and a colon that could start an emoji shortcode or a URL scheme."""


def md_escape(text: str) -> str:
    """Text for a Markdown paragraph or table cell: controls made visible, markup characters escaped."""
    flat = fmt.visible(fmt.one_line(text, None))
    return _SPECIAL.sub(r"\\\1", flat)


def md_table(columns: Sequence[Column], rows: Iterable[Row], *, empty: str = "none") -> list[str]:
    """A GFM table of the rows' plain text (every column, wide ones included)."""
    align = {"left": ":---", "right": "---:", "center": ":---:"}
    lines = [
        "| " + " | ".join(md_escape(c.header) for c in columns) + " |",
        "| " + " | ".join(align[c.justify] for c in columns) + " |",
    ]
    body = ["| " + " | ".join(md_escape(cell.plain) or " " for cell in row.cells) + " |" for row in rows]
    if not body:
        return [f"_{md_escape(empty)}_"]
    return [*lines, *body]


def md_section(title: str, badge: str | None = None) -> list[str]:
    """A section's heading (``##``) and its badge, then a blank line."""
    head = [f"## {md_escape(title)}"]
    if badge:
        head.append(f"_{md_escape(badge)}_")
    return [*head, ""]


def md_badge(snapshot: Snapshot, source: str, now: datetime) -> str:
    """A source's badge (its state and data age), as plain text."""
    return status_view.badge(snapshot, source, now).plain


def render_markdown(
    snapshot: Snapshot,
    *,
    prices: PriceTable | None = None,
    recent_limit: int = RECENT_JOBS,
    config: Config | None = None,
    assessment: Assessment | None = None,
) -> str:
    """``--once --format markdown``: the alerts (when conditions were given), the insights, then every pane
    as headed tables. ``assessment`` (cost, insights and alerts of ``snapshot``) is made here when not
    given."""
    now = snapshot.at
    if assessment is None:
        assessment = assess(snapshot, config=config, prices=prices)
    prices = assessment.prices
    cost = assessment.cost
    overview = collect.overview_section(snapshot, cost)
    out = [
        f"# gcpdash snapshot, {now:%Y-%m-%d %H:%M:%S} UTC",
        "",
        md_escape(
            f"{snapshot.mode} · projects: {', '.join(snapshot.projects) or 'none'} · "
            f"regions: {', '.join(snapshot.regions) or 'none'}"
        ),
        "",
        f"**Burn rate {md_escape(fmt.rate(overview.burn_rate_usd_per_hour))}** (estimate) · "
        f"{md_escape(fmt.money(overview.window_spend_usd))} in the window "
        f"{md_escape(cost_view.window_label(cost))} · price table {md_escape(cost.price_version)}",
        "",
        *_alerts(assessment.alerts),
        *md_section("Overview"),
        md_escape(cost_view.summary_line(cost).plain),
        "",
        *(f"- {md_escape(line.plain)}" for line in overview_view.budget_lines(cost)),
        *([""] if cost.budgets else []),
        *_checks(cost),
        *md_table(overview_view.BURN_COLUMNS, overview_view.burn_rows(overview)),
        "",
        *md_table(overview_view.RUNNING_COLUMNS, overview_view.running_rows(overview)),
        "",
        *_insights(assessment.insights),
        *md_section("Sources"),
        *md_table(status_view.COLUMNS, status_view.rows(collect.sources_section(snapshot, now))),
        "",
        *_sources(snapshot, now, prices=prices, recent_limit=recent_limit, cost=cost),
        *_cost(cost, snapshot, now),
    ]
    return "\n".join(out) + "\n"


def _sources(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> list[str]:
    """Each registered source's section, in the order they are shown: its spec's ``markdown``, else its
    pane's table (a plugin's); a source with neither has none."""
    out: list[str] = []
    for spec in registry.sources():
        if spec.markdown:
            hook = spec.report_hook(spec.markdown)
            out += hook(snapshot, now, prices=prices, recent_limit=recent_limit, cost=cost)
        elif spec.pane is not None:
            out += [
                *md_section(spec.pane.title, md_badge(snapshot, spec.name, now)),
                *md_table(spec.pane.columns, plugins.rows(spec, snapshot, now), empty=spec.pane.empty),
                "",
            ]
    return out


def _checks(cost: CostEstimate) -> list[str]:
    if cost.billing is None or not cost.billing.checks:
        return []
    rows = overview_view.check_rows(cost)
    title = md_escape(overview_view.check_title(cost))
    return [f"### {title}", "", *md_table(overview_view.CHECK_COLUMNS, rows), ""]


def _cost(cost: CostEstimate, snapshot: Snapshot, now: datetime) -> list[str]:
    detail = f"estimate: {cost_view.price_label(cost)} · window {cost_view.window_label(cost)}"
    out = [
        *md_section("Cost", f"{detail}  {md_badge(snapshot, 'billing', now)}"),
        md_escape(cost_view.summary_line(cost).plain),
        "",
    ]
    for part in cost_view.sections(cost):
        out += [f"### {md_escape(part.title)}", "", *md_table(part.columns, part.rows, empty=part.empty), ""]
    if cost.billing is None:
        billing = snapshot.statuses.get("billing")
        out += [f"_{md_escape(cost_view.no_bill_line(billing).plain)}_", ""]
    return [*out, *(f"- {md_escape(note)}" for note in cost.notes)]


def _alerts(results: Sequence[AlertResult]) -> list[str]:
    """The Alerts section: which conditions fired and on what value; nothing when none was given."""
    if not results:
        return []
    return [
        *md_section("Alerts", alerts_view.summary(results)),
        *md_table(alerts_view.COLUMNS, alerts_view.rows(results)),
        "",
    ]


def _insights(insights: Sequence[Insight]) -> list[str]:
    """The Insights section: per insight its severity and title, then resource and rule, the money at stake
    (an estimate), the evidence and the fix, every piece of cloud text escaped."""
    summary = insights_view.summary(insights).plain
    out = md_section("Insights", f"{summary}; money at stake is estimated from list prices")
    for insight in insights:
        where = insights_view.where_of(insight.source)
        out += [
            f"- **{md_escape(insights_view.SEVERITY_LABEL.get(insight.severity, insight.severity))}** "
            f"{md_escape(insight.title)}",
            f"  - resource: {md_escape(insight.resource)} "
            f"({md_escape(where)}; rule {md_escape(insight.rule)})",
            f"  - at stake: {md_escape(insights_view.at_stake(insight).plain)}",
            f"  - evidence: {md_escape(insight.evidence)}",
            f"  - fix: {md_escape(insight.fix)}",
        ]
    return [*out, ""]
