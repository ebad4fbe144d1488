"""How the store merges a Dataproc poll into what it holds."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from dashboard.merge import keep_parts
from dashboard.models import Cluster, DataprocData
from dashboard.series import merge_series


def merge_dataproc(
    old: DataprocData, data: DataprocData, *, series_window: timedelta, window: timedelta
) -> DataprocData:
    """The poll's clusters (those of a project and region that failed kept as last known), its series
    merged with the points kept."""
    series = merge_series(old.series, data.series, keep=series_window)
    clusters = keep_parts(old.clusters, data.clusters, data.incomplete, _cluster_part, _cluster_key)
    return msgspec.structs.replace(data, clusters=clusters, series=series)


def _cluster_part(cluster: Cluster) -> str:
    return f"{cluster.project}/{cluster.region}"


def _cluster_key(cluster: Cluster) -> str:
    return f"{cluster.project}/{cluster.region}/{cluster.name}"
