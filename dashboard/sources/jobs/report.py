"""The BigQuery jobs source's section in ``--once --format markdown`` (its spec's ``markdown``)."""

from __future__ import annotations

from datetime import datetime

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.report.markdown import md_badge, md_section, md_table
from dashboard.sources.jobs import view
from dashboard.views import fmt
from dashboard.views.collect import jobs_section


def markdown(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> list[str]:
    """Running jobs, the latest finished ones and the jobs per principal, as tables."""
    jobs = jobs_section(snapshot, now, prices, recent_limit=recent_limit)
    dated = fmt.needs_dates(cost.window_start, cost.window_end)
    return [
        *md_section("BigQuery jobs", md_badge(snapshot, "jobs", now)),
        f"### Running ({len(jobs.running)})",
        "",
        *md_table(view.COLUMNS, view.rows(jobs.running, dated=dated, now=now), empty="no job running"),
        "",
        f"### Recent (latest {len(jobs.recent)} of {jobs.total:,} in the window)",
        "",
        *md_table(view.COLUMNS, view.rows(jobs.recent, dated=dated, now=now)),
        "",
        "### By principal",
        "",
        *md_table(view.PRINCIPAL_COLUMNS, [view.principal_row(g) for g in jobs.by_principal]),
        "",
        *_tables(snapshot, now),
    ]


def _tables(snapshot: Snapshot, now: datetime) -> list[str]:
    if not snapshot.job_tables:
        return []
    from dashboard.sources.jobs.tables_view import TABLE_COLUMNS, table_rows

    return [
        "### Destination tables (Dataplex catalog; ! = not refreshed by its last job)",
        "",
        *md_table(TABLE_COLUMNS, table_rows(snapshot, now)),
        "",
    ]
