"""The Dataproc source's counts in the Overview (its spec's ``overview_fields``). Pure, no Rich."""

from __future__ import annotations

from typing import Any

from dashboard.cost import series_index
from dashboard.models import Snapshot
from dashboard.sources.dataproc.collect import yarn_apps
from dashboard.views.states import state_look


def overview_fields(snapshot: Snapshot) -> dict[str, Any]:
    """Clusters running, in error, and running idle (no YARN application)
    (:class:`~dashboard.views.items.Overview`'s fields)."""
    clusters = snapshot.dataproc.clusters
    index = series_index(snapshot.dataproc.series)
    running = [c for c in clusters if c.state == "RUNNING"]
    return {
        "dataproc_clusters_running": len(running),
        "dataproc_clusters_error": sum(state_look(c).rank == 0 for c in clusters),
        "dataproc_clusters_idle": sum(yarn_apps(c, index) == 0 for c in running),
    }
