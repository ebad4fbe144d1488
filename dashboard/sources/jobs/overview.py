"""The BigQuery jobs source's counts in the Overview (its spec's ``overview_fields``). Pure, no Rich."""

from __future__ import annotations

from typing import Any

from dashboard.models import Snapshot


def overview_fields(snapshot: Snapshot) -> dict[str, Any]:
    """Jobs running, pending, failed and in all (:class:`~dashboard.views.items.Overview`'s fields)."""
    jobs = snapshot.jobs
    return {
        "bigquery_jobs_running": sum(j.status == "running" for j in jobs),
        "bigquery_jobs_pending": sum(j.status == "pending" for j in jobs),
        "bigquery_jobs_failed": sum(j.status == "failed" for j in jobs),
        "bigquery_jobs_total": len(jobs),
    }
