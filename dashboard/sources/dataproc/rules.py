"""Dataproc rules: a running cluster that runs nothing, and a cluster in ERROR whose VMs still bill (one in
ERROR_DUE_TO_UPDATE, which still runs jobs, only warned that it cannot be updated).

A cluster bills for its VMs whatever YARN does (:mod:`dashboard.sources.dataproc.cost`), so the money at stake
is the cluster's whole $/h.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime

from dashboard.cost import series_index
from dashboard.insights import Context, Insight, rule
from dashboard.insights.common import clock, per_month
from dashboard.models import Cluster, MetricSeries
from dashboard.pricing import PriceTable
from dashboard.sources.dataproc.cost import BILLING_CLUSTER_STATES, YARN_APPS, cluster_usd_per_hour
from dashboard.views.fmt import duration, one_line

IDLE = "dataproc.idle_cluster"
ERROR = "dataproc.error_cluster"


def row_key(cluster: Cluster) -> str:
    """The cluster's row in the Dataproc pane."""
    return f"{cluster.project}/{cluster.region}/{cluster.name}"


def short_type(machine_type: str | None) -> str:
    """A machine type's short name (``n2-standard-8``) from a name or URI."""
    return (machine_type or "?").rstrip("/").rsplit("/", 1)[-1]


def shape(cluster: Cluster, prices: PriceTable) -> str:
    """The nodes as evidence states them: ``1 x n2-standard-8 + 4 x n2-standard-8 (40 vCPUs)``."""
    groups = [f"{g.count} x {short_type(g.machine_type)}" for g in cluster.groups if g.count]
    vcpus = sum(g.count * (prices.machine_shape(g.machine_type) or (0, 0.0))[0] for g in cluster.groups)
    text = " + ".join(groups) or "no nodes"
    return f"{text} ({vcpus} vCPUs)" if vcpus else text


def idle_since(
    cluster: Cluster, index: Mapping[tuple[str, str], MetricSeries]
) -> tuple[datetime, bool] | None:
    """Since when a running cluster has had no YARN application, and whether that is exact (False: at
    least since then, the oldest point of its series); None when it runs something or nobody knows.

    The YARN apps series (Monitoring) decides; without one, Dataproc's ``idleStartTime`` (reported only
    with an idle-delete TTL) does.
    """
    if cluster.state != "RUNNING":
        return None
    series = index.get((YARN_APPS, cluster.name))
    points = series.points if series is not None else ()
    if points:
        if points[-1].value > 0:
            return None
        busy = next((i for i in range(len(points) - 1, -1, -1) if points[i].value > 0), None)
        if busy is not None:
            return points[busy + 1].t, True
        first = points[0].t
        if cluster.idle_since is not None and cluster.idle_since <= first:
            return cluster.idle_since, True
        return first, False
    if cluster.idle_since is not None and cluster.yarn.get("yarn-apps-running", 0) == 0:
        return cluster.idle_since, True
    return None


@rule(IDLE, minutes=30.0)
def idle_cluster(ctx: Context) -> Iterator[Insight]:
    """A RUNNING cluster with no YARN application for ``minutes``: a warning, critical when nothing will
    delete it (no idle-delete TTL, no scheduled deletion)."""
    minutes = ctx.threshold(IDLE, "minutes")
    now = ctx.snapshot.at
    index = series_index(ctx.snapshot.dataproc.series)
    for cluster in ctx.snapshot.dataproc.clusters:
        found = idle_since(cluster, index)
        if found is None:
            continue
        since, exact = found
        idle_s = (now - since).total_seconds()
        if idle_s < minutes * 60:
            continue
        usd = cluster_usd_per_hour(cluster, ctx.prices)
        unattended = cluster.idle_delete_ttl_s is None and cluster.auto_delete_time is None
        for_how_long = duration(idle_s) if exact else f"{duration(idle_s)}+"
        if unattended:
            title = f"Cluster {cluster.name} idle for {for_how_long} with no idle-delete TTL"
            guard = "no idle-delete TTL and no scheduled deletion"
        else:
            title = f"Cluster {cluster.name} idle for {for_how_long}"
            guard = (
                f"idle-delete TTL {duration(cluster.idle_delete_ttl_s)}"
                if cluster.idle_delete_ttl_s is not None
                else f"scheduled deletion at {clock(cluster.auto_delete_time)}"
            )
        yield Insight(
            rule=IDLE,
            severity="critical" if unattended else "warning",
            title=title,
            source="dataproc",
            resource=cluster.name,
            resource_key=row_key(cluster),
            evidence=(
                f"0 YARN apps {'since' if exact else 'since at least'} {clock(since)} "
                f"({for_how_long}, threshold {duration(minutes * 60)}); {shape(cluster, ctx.prices)}; {guard}"
            ),
            usd_per_hour=usd,
            usd_per_month=per_month(usd),
            fix=(
                f"Delete it (gcloud dataproc clusters delete {cluster.name} --region={cluster.region}) or "
                f"let it delete itself when idle (gcloud dataproc clusters update {cluster.name} "
                f"--region={cluster.region} --max-idle=30m)"
            ),
        )


@rule(ERROR, minutes=10.0)
def error_cluster(ctx: Context) -> Iterator[Insight]:
    """A cluster in ERROR for ``minutes`` (or since an unknown time): its VMs bill until it is deleted."""
    minutes = ctx.threshold(ERROR, "minutes")
    now = ctx.snapshot.at
    for cluster in ctx.snapshot.dataproc.clusters:
        if not cluster.state.startswith("ERROR") or cluster.state not in BILLING_CLUSTER_STATES:
            continue
        since = cluster.state_since
        if since is not None and (now - since).total_seconds() < minutes * 60:
            continue
        usd = cluster_usd_per_hour(cluster, ctx.prices)
        how_long = ""
        if since is not None:
            how_long = f" since {clock(since)} ({duration((now - since).total_seconds())})"
        detail = f"; {one_line(cluster.detail, 160)}" if cluster.detail else ""
        if cluster.state == "ERROR_DUE_TO_UPDATE":
            yield _update_failed(cluster, f"{cluster.state}{how_long}; {shape(cluster, ctx.prices)}{detail}")
            continue
        yield Insight(
            rule=ERROR,
            severity="critical",
            title=f"Cluster {cluster.name} in {cluster.state} still bills its VMs",
            source="dataproc",
            resource=cluster.name,
            resource_key=row_key(cluster),
            evidence=f"{cluster.state}{how_long}; {shape(cluster, ctx.prices)}{detail}",
            usd_per_hour=usd,
            usd_per_month=per_month(usd),
            fix=(
                f"Read why it failed (gcloud dataproc clusters describe {cluster.name} "
                f"--region={cluster.region}), then delete it: a cluster in ERROR cannot run jobs"
            ),
        )


def _update_failed(cluster: Cluster, evidence: str) -> Insight:
    """A cluster in ERROR_DUE_TO_UPDATE: "Jobs can be submitted to the cluster, but the cluster cannot be
    updated" (``ClusterStatus.State``), so it is no waste: a warning, no money at stake."""
    return Insight(
        rule=ERROR,
        severity="warning",
        title=f"Cluster {cluster.name} cannot be updated: its last update failed (ERROR_DUE_TO_UPDATE)",
        source="dataproc",
        resource=cluster.name,
        resource_key=row_key(cluster),
        evidence=evidence,
        fix=(
            f"Jobs still run on it; read why the update failed (gcloud dataproc clusters describe "
            f"{cluster.name} --region={cluster.region}: its status detail), and recreate it to resize or "
            "reconfigure it"
        ),
    )
