"""Dataproc rules: idle clusters (critical without an idle-delete TTL) and clusters in ERROR that bill.

Test prices: n2 vCPU $0.03/h + Dataproc premium $0.01/h, n2 RAM $0.004/GiB-hour. An n2-standard-8 node (8
vCPUs, 32 GiB) costs 8 x 0.04 + 32 x 0.004 = $0.448/h; an n2-standard-4 node (4, 16 GiB) $0.224/h.
"""

from __future__ import annotations

import pytest

from dashboard.models import Cluster, DataprocData, NodeGroup, Snapshot
from insights.helpers import AT, minutes_series, run, t

IDLE = "dataproc.idle_cluster"
ERROR = "dataproc.error_cluster"


def cluster(name: str, state: str = "RUNNING", **extra: object) -> Cluster:
    """1 master + 2 workers, all n2-standard-8: 3 x $0.448 = $1.344/h."""
    return Cluster(
        project="etl",
        region="us-central1",
        name=name,
        state=state,
        groups=(
            NodeGroup(role="master", count=1, machine_type="n2-standard-8"),
            NodeGroup(role="worker", count=2, machine_type="n2-standard-8"),
        ),
        **extra,  # type: ignore[arg-type]
    )


def snapshot(*clusters: Cluster, apps: dict[str, list[float]] | None = None) -> Snapshot:
    series = tuple(minutes_series("cluster/yarn/apps", k, v) for k, v in (apps or {}).items())
    return Snapshot(at=AT, dataproc=DataprocData(clusters=clusters, series=series))


def test_an_idle_cluster_without_ttl_is_critical_with_its_cost() -> None:
    # 61 points 08:00..09:00: apps until 08:19, none from 08:20 on: idle 40 min >= 30
    apps = [2.0] * 20 + [0.0] * 41
    (found,) = run(snapshot(cluster("tmp"), apps={"tmp": apps}), IDLE)
    assert found.severity == "critical"
    assert found.resource == "tmp"
    assert found.resource_key == "etl/us-central1/tmp"
    assert found.usd_per_hour == pytest.approx(1.344)
    assert found.usd_per_month == pytest.approx(1.344 * 730)
    assert "since 08:20" in found.evidence
    assert "40m00s" in found.evidence
    assert "3 x" not in found.evidence
    assert "1 x n2-standard-8 + 2 x n2-standard-8 (24 vCPUs)" in found.evidence
    assert "--max-idle" in found.fix


def test_an_idle_cluster_with_a_ttl_is_a_warning() -> None:
    apps = [0.0] * 61  # no app in the whole hour the series covers: idle at least since 08:00
    (found,) = run(snapshot(cluster("ttl", idle_delete_ttl_s=7200.0), apps={"ttl": apps}), IDLE)
    assert found.severity == "warning"
    assert "since at least 08:00" in found.evidence
    assert "idle-delete TTL 2h00m" in found.evidence


def test_a_cluster_idle_for_less_than_the_threshold_or_busy_now_is_not_reported() -> None:
    short = [1.0] * 40 + [0.0] * 21  # idle from 08:40: 20 min
    busy = [0.0] * 60 + [1.0]  # runs an app now
    snap = snapshot(cluster("short"), cluster("busy"), apps={"short": short, "busy": busy})
    assert run(snap, IDLE) == []
    # the threshold is configurable: 15 minutes catches the 20-minute idle cluster
    assert [i.resource for i in run(snap, IDLE, minutes=15)] == ["short"]


def test_a_stopped_or_unknown_cluster_is_not_idle() -> None:
    stopped = cluster("stopped", state="STOPPED")
    # no series and no idleStartTime: how long it has been idle is unknown
    unknown = cluster("unknown", yarn={"yarn-apps-running": 0})
    assert run(snapshot(stopped, unknown, apps={"stopped": [0.0] * 61}), IDLE) == []


def test_idle_since_from_dataproc_without_a_series() -> None:
    found = run(snapshot(cluster("c", idle_since=t(minutes=-45), idle_delete_ttl_s=3600.0)), IDLE)
    assert [i.severity for i in found] == ["warning"]
    assert found[0].usd_per_hour == pytest.approx(1.344)


def test_a_cluster_in_error_still_bills() -> None:
    broken = cluster("broken", state="ERROR", state_since=t(hours=-2), detail="Init action failed")
    (found,) = run(snapshot(broken), ERROR)
    assert found.severity == "critical"
    assert found.usd_per_hour == pytest.approx(1.344)
    assert "since 07:00 (2h00m)" in found.evidence
    assert "Init action failed" in found.evidence
    assert "delete" in found.fix


def test_a_fresh_error_or_a_deleted_cluster_is_not_reported() -> None:
    fresh = cluster("fresh", state="ERROR", state_since=t(minutes=-5))  # < 10 min
    deleting = cluster("gone", state="DELETING", state_since=t(hours=-1))
    assert run(snapshot(fresh, deleting), ERROR) == []
    assert len(run(snapshot(fresh), ERROR, minutes=1)) == 1
