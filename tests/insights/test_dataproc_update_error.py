"""A Dataproc cluster in ERROR_DUE_TO_UPDATE next to one in ERROR, in two projects.

``ClusterStatus.State`` (google.cloud.dataproc_v1): ERROR "The cluster encountered an error. It is not ready
for use."; ERROR_DUE_TO_UPDATE "The cluster has encountered an error while being updated. Jobs can be
submitted to the cluster, but the cluster cannot be updated." The first is waste (its VMs bill, nothing runs
on it): critical, its whole $/h at stake. The second still does its work: a warning that it cannot be
updated, no money at stake, and no advice to delete it. Clusters are ``dataproc_v1.Cluster`` messages read
through the parser as proto JSON; test prices (insights.helpers): n2-standard-8 = 8 x ($0.03 + $0.01
premium) + 32 GiB x $0.004, the Compute Engine part x 1.1009 in europe-west4.
"""

from __future__ import annotations

import json

import pytest

from dashboard.models import Cluster, DataprocData, Snapshot
from dashboard.sources.dataproc.parse import cluster_from_json
from insights.helpers import AT, run, t

ERROR = "dataproc.error_cluster"


def cluster(project: str, name: str, state: str) -> Cluster:
    """1 master + 2 workers n2-standard-8 in europe-west4, in ``state`` since 07:00."""
    from google.cloud import dataproc_v1

    states = dataproc_v1.ClusterStatus.State
    group = {"machine_type_uri": "n2-standard-8"}
    message = dataproc_v1.Cluster(
        project_id=project,
        cluster_name=name,
        config=dataproc_v1.ClusterConfig(
            master_config=dataproc_v1.InstanceGroupConfig(num_instances=1, **group),
            worker_config=dataproc_v1.InstanceGroupConfig(num_instances=2, **group),
        ),
        status=dataproc_v1.ClusterStatus(
            state=states[state], state_start_time=t(hours=-2), detail="Insufficient 'N2_CPUS' quota"
        ),
        status_history=[
            dataproc_v1.ClusterStatus(state=states.CREATING, state_start_time=t(hours=-5)),
            dataproc_v1.ClusterStatus(state=states.RUNNING, state_start_time=t(hours=-4.9)),
            dataproc_v1.ClusterStatus(state=states.UPDATING, state_start_time=t(hours=-2.1)),
        ],
    )
    text = dataproc_v1.Cluster.to_json(message, use_integers_for_enums=False)
    return cluster_from_json(json.loads(text), "europe-west4", project)


def test_error_is_critical_waste_and_error_due_to_update_a_warning_without_money() -> None:
    broken = cluster("acme-etl", "etl", "ERROR")
    resized = cluster("acme-bi", "etl", "ERROR_DUE_TO_UPDATE")
    found = {
        i.resource_key: i
        for i in run(Snapshot(at=AT, dataproc=DataprocData(clusters=(broken, resized))), ERROR)
    }
    assert set(found) == {"acme-etl/europe-west4/etl", "acme-bi/europe-west4/etl"}
    error, update = found["acme-etl/europe-west4/etl"], found["acme-bi/europe-west4/etl"]
    assert error.severity == "critical"
    # 3 x n2-standard-8: (8 vCPU x $0.03 + 32 GiB x $0.004) x 1.1009 europe-west4 + 8 vCPU x $0.01 premium
    assert error.usd_per_hour == pytest.approx(3 * ((8 * 0.03 + 32 * 0.004) * 1.1009 + 8 * 0.01))
    assert "delete it" in error.fix
    assert update.severity == "warning"
    assert (update.usd_per_hour, update.usd_per_month) == (None, None)
    assert update.title == "Cluster etl cannot be updated: its last update failed (ERROR_DUE_TO_UPDATE)"
    assert update.evidence.startswith("ERROR_DUE_TO_UPDATE since 07:00 (2h00m)")
    assert "Insufficient 'N2_CPUS' quota" in update.evidence
    assert "delete" not in update.fix
