"""The Dataproc source's section in ``--once --format markdown`` (its spec's ``markdown``)."""

from __future__ import annotations

from datetime import datetime

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.report.markdown import md_badge, md_section, md_table
from dashboard.sources.dataproc import view
from dashboard.sources.dataproc.collect import dataproc_section


def markdown(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> list[str]:
    """Clusters, the jobs on them and Serverless batches, as tables."""
    section = dataproc_section(snapshot, now, prices)
    return [
        *md_section("Dataproc", md_badge(snapshot, "dataproc", now)),
        *md_table(view.COLUMNS, [view.cluster_row(c, now) for c in section.clusters], empty="no cluster"),
        "",
        "### Jobs (running, and ended in the last 24 h)",
        "",
        *md_table(view.JOB_COLUMNS, [view.job_row(j, now) for j in section.jobs], empty="no job"),
        "",
        "### Serverless batches",
        "",
        *md_table(view.BATCH_COLUMNS, [view.batch_row(b) for b in section.batches], empty="no batch"),
        "",
    ]
