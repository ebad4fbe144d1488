"""The BigQuery jobs source's values for ``--fail-on`` (its spec's ``metrics``, ``jobs.<metric>``;
docs/alerts.md describes them). Light: its spec imports it at every start."""

from __future__ import annotations

from collections.abc import Sequence

from dashboard.models import Job


def metrics(jobs: Sequence[Job]) -> dict[str, float]:
    """Jobs running, pending, failed and in all, of the snapshot's (its ``jobs``: the window's)."""
    return {
        "running": sum(j.status == "running" for j in jobs),
        "pending": sum(j.status == "pending" for j in jobs),
        "failed": sum(j.status == "failed" for j in jobs),
        "total": len(jobs),
    }
