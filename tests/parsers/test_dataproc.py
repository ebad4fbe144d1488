"""Dataproc payloads → Cluster and Batch; the Dataproc poll with YARN metrics and failures."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.errors import SourceError
from dashboard.models import Cluster, DataprocData, NodeGroup
from dashboard.parsers import parse_poll
from dashboard.recording import format as fmt
from dashboard.sources.dataproc.parse import batch_from_json, cluster_from_json

from .wire import grpc, grpc_error, load, points, time_series


def cluster() -> dict[str, Any]:
    return copy.deepcopy(load("cluster.json"))


def list_clusters(
    project: str, region: str, clusters: list[dict[str, Any]] | None, *, error: dict[str, Any] | None = None
) -> Any:
    response = {"clusters": clusters} if clusters else {}
    return grpc(
        "dataproc",
        fmt.DATAPROC_LIST_CLUSTERS,
        {"projectId": project, "region": region},
        response,
        error=error,
    )


def yarn_memory(*series: dict[str, Any], error: dict[str, Any] | None = None) -> Any:
    return time_series(
        "acme-etl",
        "dataproc.googleapis.com/cluster/yarn/allocated_memory_percentage",
        "cloud_dataproc_cluster",
        "resource.label.cluster_name",
        list(series),
        source="dataproc",
        error=error,
    )


def parse(*exchanges: Any) -> DataprocData:
    data = parse_poll("dataproc", exchanges)
    assert isinstance(data, DataprocData)
    return data


def test_a_cluster_maps_every_field() -> None:
    (parsed,) = parse(list_clusters("acme-etl", "us-central1", [cluster()])).clusters
    assert parsed == Cluster(
        project="acme-etl",
        region="us-central1",
        name="etl-nightly",
        uuid="3f6b2a0e-9c1d-4e7a-b5f2-8d0c6e1a9b47",
        state="UPDATING",
        substate="STALE_STATUS",
        state_since=datetime(2026, 11, 26, 5, 50, 5, 104000, tzinfo=UTC),
        detail="Scaling secondary workers",
        created=datetime(2026, 11, 26, 1, 0, 12, 518000, tzinfo=UTC),
        groups=(
            NodeGroup(role="master", count=1, machine_type="n2-standard-8", preemptibility="NON_PREEMPTIBLE"),
            NodeGroup(role="worker", count=10, machine_type="n2-highmem-8", preemptibility="NON_PREEMPTIBLE"),
            NodeGroup(role="secondary", count=8, machine_type="n2-standard-8", preemptibility="SPOT"),
        ),
        zone="us-central1-b",
        image_version="2.2.41-debian12",
        idle_delete_ttl_s=3600.0,
        idle_since=datetime(2026, 11, 26, 5, 40, 0, 250000, tzinfo=UTC),
        auto_delete_time=None,
        labels={"team": "data-eng", "env": "prod"},
        yarn={"yarn-apps-running": 4, "yarn-memory-mb-allocated": 230400, "yarn-memory-mb-total": 365568},
        hdfs={"dfs-capacity-total": 7516192768000, "dfs-nodes-running": 10},
    )
    assert parsed.node_count == 19


def test_a_cluster_without_metrics_or_config() -> None:
    bare = {
        "projectId": "acme-etl",
        "clusterName": "ml-features",
        "status": {"state": "ERROR", "detail": "Initialization action failed: gs://b/init[v2].sh"},
    }
    (parsed,) = parse(list_clusters("acme-etl", "europe-west1", [bare])).clusters
    assert (parsed.state, parsed.region, parsed.detail) == ("ERROR", "europe-west1", bare["status"]["detail"])
    assert parsed.groups == ()
    assert parsed.yarn == {}
    assert parsed.hdfs == {}
    assert parsed.zone is parsed.image_version is parsed.idle_delete_ttl_s is parsed.created is None


def test_a_cluster_without_metrics_keeps_its_config() -> None:
    raw = cluster()
    del raw["metrics"]
    parsed = cluster_from_json(raw, "us-central1")
    assert parsed.yarn == {}
    assert parsed.node_count == 19


def test_creation_time_from_the_status_history() -> None:
    raw = cluster()
    raw["statusHistory"] = [
        {"state": "RUNNING", "stateStartTime": "2026-11-26T01:02:41Z"},
        {"state": "CREATING", "stateStartTime": "2026-11-26T01:00:12Z"},
        {"state": "STOPPED", "stateStartTime": "2026-11-25T00:00:00Z"},
    ]
    assert cluster_from_json(raw, "r").created == datetime(2026, 11, 26, 1, 0, 12, tzinfo=UTC)
    raw["statusHistory"] = [
        {"state": "RUNNING", "stateStartTime": "2026-11-26T03:00:00Z"},
        {"state": "UPDATING", "stateStartTime": "2026-11-26T02:00:00Z"},
    ]
    assert cluster_from_json(raw, "r").created == datetime(2026, 11, 26, 2, tzinfo=UTC)
    raw["statusHistory"] = []
    raw["status"] = {"state": "CREATING", "stateStartTime": "2026-11-26T05:59:00Z"}
    assert cluster_from_json(raw, "r").created == datetime(2026, 11, 26, 5, 59, tzinfo=UTC)


def test_scheduled_deletion_by_time_or_ttl() -> None:
    raw = cluster()
    raw["config"]["lifecycleConfig"] = {"autoDeleteTime": "2026-11-26T07:30:00Z"}
    assert cluster_from_json(raw, "r").auto_delete_time == datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
    raw["config"]["lifecycleConfig"] = {"autoDeleteTtl": "7200s", "idleDeleteTtl": "1.5s"}
    parsed = cluster_from_json(raw, "r")
    assert parsed.auto_delete_time == datetime(2026, 11, 26, 1, 0, 12, 518000, tzinfo=UTC) + timedelta(
        hours=2
    )
    assert parsed.idle_delete_ttl_s == 1.5


def test_unknown_states_are_kept() -> None:
    raw = cluster()
    raw["status"] = {"state": "HIBERNATING", "substate": "SLEEPY"}
    parsed = cluster_from_json(raw, "r")
    assert (parsed.state, parsed.substate, parsed.state_since) == ("HIBERNATING", "SLEEPY", None)


def test_the_project_comes_from_the_request_when_the_cluster_omits_it() -> None:
    raw = cluster()
    del raw["projectId"]
    (parsed,) = parse(list_clusters("acme-other", "us-east1", [raw])).clusters
    assert (parsed.project, parsed.region) == ("acme-other", "us-east1")


def test_clusters_of_every_page_project_and_region_with_yarn_metrics() -> None:
    second = cluster()
    second["clusterName"] = "adhoc-spark"
    series = {
        "metric": {"type": "dataproc.googleapis.com/cluster/yarn/allocated_memory_percentage"},
        "resource": {"type": "cloud_dataproc_cluster", "labels": {"cluster_name": "etl-nightly"}},
        "points": points(
            ("2026-11-26T05:59:00Z", {"doubleValue": 72.5}), ("2026-11-26T05:58:00Z", {"doubleValue": 70})
        ),
    }
    data = parse(
        list_clusters("acme-etl", "us-central1", [cluster()]),
        list_clusters("acme-etl", "europe-west1", None),
        list_clusters("acme-analytics", "us-central1", [second]),
        yarn_memory(series),
    )
    assert [(c.project, c.name) for c in data.clusters] == [
        ("acme-etl", "etl-nightly"),
        ("acme-etl", "adhoc-spark"),
    ]
    (memory,) = data.series
    assert (memory.metric, memory.key, memory.last) == (
        "cluster/yarn/allocated_memory_percentage",
        "etl-nightly",
        72.5,
    )
    assert [p.value for p in memory.points] == [70.0, 72.5]


def test_denied_clusters_fail_the_poll_naming_the_role() -> None:
    with pytest.raises(SourceError) as raised:
        parse(list_clusters("acme-etl", "us-central1", None, error=grpc_error("PERMISSION_DENIED", "denied")))
    assert (
        raised.value.reason
        == "PERMISSION_DENIED: needs roles/dataproc.viewer on project acme-etl (ListClusters)"
    )


def test_an_error_in_one_region_keeps_the_other_regions_clusters() -> None:
    data = parse(
        list_clusters("acme-etl", "us-central1", [cluster()]),
        list_clusters("acme-etl", "europe-west1", None, error=grpc_error("UNAVAILABLE", "try later")),
    )
    assert [(c.project, c.region) for c in data.clusters] == [("acme-etl", "us-central1")]
    assert data.incomplete == ("acme-etl/europe-west1",)
    assert data.warnings == (
        "ListClusters failed for acme-etl/europe-west1: UNAVAILABLE: try later "
        "(ListClusters, project acme-etl, europe-west1)",
    )


def test_an_error_in_every_region_fails_the_poll() -> None:
    with pytest.raises(SourceError, match="UNAVAILABLE: try later"):
        parse(list_clusters("acme-etl", "europe-west1", None, error=grpc_error("UNAVAILABLE", "try later")))


def test_failed_metrics_leave_the_clusters_and_a_warning() -> None:
    data = parse(
        list_clusters("acme-etl", "us-central1", [cluster()]),
        yarn_memory(error=grpc_error("PERMISSION_DENIED", "Permission monitoring.timeSeries.list denied")),
    )
    assert len(data.clusters) == 1
    assert data.warnings == (
        "Monitoring metrics not shown: PERMISSION_DENIED: needs roles/monitoring.viewer on project acme-etl "
        "(ListTimeSeries)",
    )


@pytest.mark.parametrize(
    ("clusters", "match"),
    [
        ([{"projectId": "p"}], "missing 'clusterName'"),
        ([{"clusterName": "c", "config": {"lifecycleConfig": {"idleDeleteTtl": "1h"}}}], "not a duration"),
        ([{"clusterName": "c", "metrics": {"yarnMetrics": {"yarn-apps-running": "many"}}}], "ValueError"),
        ([{"clusterName": "c", "status": {"stateStartTime": "yesterday"}}], "ValueError"),
        ("nope", "'clusters' is str"),
    ],
)
def test_garbage_clusters_fail_the_poll(clusters: Any, match: str) -> None:
    exchange = grpc(
        "dataproc", fmt.DATAPROC_LIST_CLUSTERS, {"projectId": "p", "region": "r"}, {"clusters": clusters}
    )
    with pytest.raises(SourceError, match=match):
        parse(exchange)


def test_batches() -> None:
    raw = {
        "name": "projects/acme-etl/locations/us-central1/batches/nightly-2026-11-26",
        "uuid": "u",
        "createTime": "2026-11-26T01:00:00Z",
        "state": "SUCCEEDED",
        "stateTime": "2026-11-26T01:20:00Z",
        "creator": "etl-runner@acme-etl.iam.gserviceaccount.com",
        "labels": {"team": "data-eng"},
        "runtimeInfo": {
            "approximateUsage": {"milliDcuSeconds": "7200000", "shuffleStorageGbSeconds": "3600"}
        },
    }
    batch = batch_from_json(raw)
    assert (batch.project, batch.region, batch.batch_id) == ("acme-etl", "us-central1", "nightly-2026-11-26")
    assert (batch.milli_dcu_seconds, batch.shuffle_storage_gb_seconds) == (7200000, 3600)
    assert batch.created == datetime(2026, 11, 26, 1, tzinfo=UTC)
    data = parse(
        grpc(
            "dataproc",
            fmt.DATAPROC_LIST_BATCHES,
            {"parent": "projects/acme-etl/locations/us-central1"},
            {"batches": [raw]},
        ),
        grpc(
            "dataproc",
            fmt.DATAPROC_LIST_BATCHES,
            {"parent": "projects/acme-etl/locations/europe-west1"},
            error=grpc_error("UNAVAILABLE", "down"),
        ),
    )
    assert data.batches == (batch,)
    assert data.warnings == (
        "Serverless batches not shown: UNAVAILABLE: down (ListBatches, project acme-etl, europe-west1)",
    )
