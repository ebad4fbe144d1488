"""The Dataflow source's counts in the Overview (its spec's ``overview_fields``). Pure, no Rich."""

from __future__ import annotations

from typing import Any

from dashboard.models import Snapshot


def overview_fields(snapshot: Snapshot) -> dict[str, Any]:
    """Jobs running and failed (:class:`~dashboard.views.items.Overview`'s fields)."""
    flows = snapshot.dataflow.jobs
    return {
        "dataflow_jobs_running": sum(j.state == "JOB_STATE_RUNNING" for j in flows),
        "dataflow_jobs_failed": sum(j.state == "JOB_STATE_FAILED" for j in flows),
    }
