"""The Dataflow source's values for ``--fail-on`` (its spec's ``metrics``, ``dataflow.<metric>``;
docs/alerts.md describes them). Light: its spec imports it at every start."""

from __future__ import annotations

from typing import Any

from dashboard.models import DataflowData

LAG = "job/system_lag"
"""Monitoring's system lag of a job, as the parser stores its metric (service prefix removed)."""
WATERMARK_AGE = "job/data_watermark_age"
"""Monitoring's data watermark age of a job."""
THROUGHPUT = "job/elements_produced_count"
"""Monitoring's elements produced by a job."""


def metrics(data: DataflowData) -> dict[str, Any]:
    """Jobs running and failed, and the highest lag and watermark age (seconds) of a job not yet finished;
    each of the last two None when no such job reports one."""
    index = {(s.metric, s.key): s for s in data.series}
    live = [j.job_id for j in data.jobs if not j.is_terminal]

    def worst(metric: str) -> float | None:
        found = [s.last for s in (index.get((metric, job_id)) for job_id in live) if s is not None]
        present = [v for v in found if v is not None]
        return max(present) if present else None

    return {
        "jobs_running": sum(j.state == "JOB_STATE_RUNNING" for j in data.jobs),
        "jobs_failed": sum(j.state == "JOB_STATE_FAILED" for j in data.jobs),
        "max_system_lag_seconds": worst(LAG),
        "max_watermark_age_seconds": worst(WATERMARK_AGE),
    }
