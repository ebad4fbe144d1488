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

from dashboard.alerts import AlertResult
from dashboard.cost import CostEstimate
from dashboard.insights import Insight
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.report import alerts_view
from dashboard.report.assess import Assessment, assess

if TYPE_CHECKING:
    from dashboard.config import Config
from dashboard.sources.dataflow import view as dataflow_view
from dashboard.sources.dataproc import view as dataproc_view
from dashboard.sources.jobs import view as jobs_view
from dashboard.sources.reservations import view as reservations_view
from dashboard.views import collect, fmt, plugins
from dashboard.views import cost as cost_view
from dashboard.views import insights as insights_view
from dashboard.views import overview as overview_view
from dashboard.views import status as status_view
from dashboard.views.collect import RECENT_JOBS
from dashboard.views.columns import Column, Row
from dashboard.views.items import DataprocSection

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


def _section(title: str, badge: str | None = None) -> list[str]:
    head = [f"## {md_escape(title)}"]
    if badge:
        head.append(f"_{md_escape(badge)}_")
    return [*head, ""]


def _badge(snapshot: Snapshot, source: str, now: datetime) -> str:
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
    reservations = collect.reservations_section(snapshot, prices)
    overview = collect.overview_section(snapshot, cost, reservations)
    jobs = collect.jobs_section(snapshot, now, prices, recent_limit=recent_limit)
    dated = fmt.needs_dates(cost.window_start, cost.window_end)
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
        *_section("Overview"),
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
        *_section("Sources"),
        *md_table(status_view.COLUMNS, status_view.rows(collect.sources_section(snapshot, now))),
        "",
        *_section("BigQuery jobs", _badge(snapshot, "jobs", now)),
        f"### Running ({len(jobs.running)})",
        "",
        *md_table(jobs_view.COLUMNS, jobs_view.rows(jobs.running, dated=dated), empty="no job running"),
        "",
        f"### Recent (latest {len(jobs.recent)} of {jobs.total:,} in the window)",
        "",
        *md_table(jobs_view.COLUMNS, jobs_view.rows(jobs.recent, dated=dated)),
        "",
        "### By principal",
        "",
        *md_table(jobs_view.PRINCIPAL_COLUMNS, [jobs_view.principal_row(g) for g in jobs.by_principal]),
        "",
        *_section("Slots & reservations", _badge(snapshot, "reservations", now)),
        *md_table(
            reservations_view.COLUMNS,
            [reservations_view.reservation_row(r) for r in reservations.reservations],
            empty="no reservation",
        ),
        "",
        "### Commitments",
        "",
        *md_table(
            reservations_view.COMMITMENT_COLUMNS,
            [reservations_view.commitment_row(c, now) for c in reservations.commitments],
            empty="no commitment",
        ),
        "",
        "### Assignments",
        "",
        *md_table(
            reservations_view.ASSIGNMENT_COLUMNS,
            [reservations_view.assignment_row(a) for a in reservations.assignments],
            empty="no assignment",
        ),
        "",
        *_section("Dataproc", _badge(snapshot, "dataproc", now)),
        *_dataproc(collect.dataproc_section(snapshot, now, prices), now),
        *_section("Dataflow", _badge(snapshot, "dataflow", now)),
        *md_table(
            dataflow_view.COLUMNS,
            [dataflow_view.job_row(j) for j in collect.dataflow_section(snapshot, now, prices).jobs],
            empty="no Dataflow job",
        ),
        "",
        *_plugins(snapshot, now),
        *_cost(cost, snapshot, now),
    ]
    return "\n".join(out) + "\n"


def _plugins(snapshot: Snapshot, now: datetime) -> list[str]:
    """A section per registered source that is not built in and has a pane."""
    out: list[str] = []
    for spec in plugins.shown():
        assert spec.pane is not None
        rows = plugins.rows(spec, snapshot, now)
        out += [
            *_section(spec.pane.title, _badge(snapshot, spec.name, now)),
            *md_table(spec.pane.columns, rows, empty=spec.pane.empty),
            "",
        ]
    return out


def _dataproc(section: DataprocSection, now: datetime) -> list[str]:
    """Clusters, the jobs on them and Serverless batches."""
    return [
        *md_table(
            dataproc_view.COLUMNS,
            [dataproc_view.cluster_row(c, now) for c in section.clusters],
            empty="no cluster",
        ),
        "",
        "### Jobs (running, and ended in the last 24 h)",
        "",
        *md_table(
            dataproc_view.JOB_COLUMNS, [dataproc_view.job_row(j, now) for j in section.jobs], empty="no job"
        ),
        "",
        "### Serverless batches",
        "",
        *md_table(
            dataproc_view.BATCH_COLUMNS,
            [dataproc_view.batch_row(b) for b in section.batches],
            empty="no batch",
        ),
        "",
    ]


def _checks(cost: CostEstimate) -> list[str]:
    if cost.billing is None or not cost.billing.checks:
        return []
    rows = overview_view.check_rows(cost)
    title = md_escape(overview_view.check_title(cost))
    return [f"### {title}", "", *md_table(overview_view.CHECK_COLUMNS, rows), ""]


def _cost(cost: CostEstimate, snapshot: Snapshot, now: datetime) -> list[str]:
    detail = f"estimate: {cost_view.price_label(cost)} · window {cost_view.window_label(cost)}"
    out = [
        *_section("Cost", f"{detail}  {_badge(snapshot, 'billing', now)}"),
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
        *_section("Alerts", alerts_view.summary(results)),
        *md_table(alerts_view.COLUMNS, alerts_view.rows(results)),
        "",
    ]


def _insights(insights: Sequence[Insight]) -> list[str]:
    """The Insights section: per insight its severity and title, then resource and rule, the money at stake
    (an estimate), the evidence and the fix, every piece of cloud text escaped."""
    summary = insights_view.summary(insights).plain
    out = _section("Insights", f"{summary}; money at stake is estimated from list prices")
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
