"""The Dataflow source's section in ``--once --format markdown`` (its spec's ``markdown``)."""

from __future__ import annotations

from datetime import datetime

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.report.markdown import md_badge, md_section, md_table
from dashboard.sources.dataflow import view
from dashboard.sources.dataflow.collect import dataflow_section


def markdown(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> list[str]:
    """The jobs, as a table."""
    section = dataflow_section(snapshot, now, prices)
    return [
        *md_section("Dataflow", md_badge(snapshot, "dataflow", now)),
        *md_table(view.COLUMNS, [view.job_row(j) for j in section.jobs], empty="no Dataflow job"),
        "",
    ]
