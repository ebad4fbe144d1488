"""The Dataproc source's values for ``--fail-on`` (its spec's ``metrics``, ``dataproc.<metric>``;
docs/alerts.md describes them). Light: its spec imports it at every start."""

from __future__ import annotations

from dashboard.models import DataprocData


def metrics(data: DataprocData) -> dict[str, float]:
    """Clusters RUNNING and in ERROR."""
    return {
        "clusters_running": sum(c.state == "RUNNING" for c in data.clusters),
        "clusters_error": sum(c.state == "ERROR" for c in data.clusters),
    }
