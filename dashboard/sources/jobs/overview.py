"""The BigQuery jobs source's counts in the Overview (its spec's ``overview_fields``). Pure, no Rich."""

from __future__ import annotations

from typing import Any

from dashboard.models import Snapshot


def overview_fields(snapshot: Snapshot) -> dict[str, Any]:
    """Jobs running, pending, failed and in all (:class:`~dashboard.views.items.Overview`'s fields), a script
    whose child jobs are listed counted by its children, not once more (as the organisation query leaves the
    parents out); in organisation mode failed and all as BigQuery counted them (the hour buckets' ``total``
    rows)."""
    from dashboard.sources.jobs.cost import countable_jobs

    jobs = countable_jobs(snapshot.jobs)
    fields = {
        "bigquery_jobs_running": sum(j.status == "running" for j in jobs),
        "bigquery_jobs_pending": sum(j.status == "pending" for j in jobs),
        "bigquery_jobs_failed": sum(j.status == "failed" for j in jobs),
        "bigquery_jobs_total": len(jobs),
    }
    aggregates = snapshot.job_aggregates
    if aggregates is not None:
        rows = [b for b in aggregates.buckets if b.dim == "total"]
        fields["bigquery_jobs_failed"] = sum(b.failures for b in rows)
        fields["bigquery_jobs_total"] = sum(b.jobs for b in rows)
    return fields
