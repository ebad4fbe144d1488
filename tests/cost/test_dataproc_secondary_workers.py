"""Dataproc secondary workers whose ``preemptibility`` is left unset, in two projects and regions.

``InstanceGroupConfig.preemptibility`` (google.cloud.dataproc_v1): "The default value for master and worker
groups is NON_PREEMPTIBLE ... The default value for secondary instances is PREEMPTIBLE." A cluster created
with ``--num-secondary-workers`` alone has preemptible secondary workers, priced by the estimate at
on-demand rates, and the estimate says so. Clusters are ``dataproc_v1.Cluster`` messages read through the
parser as proto JSON; $/h by hand from ``dashboard/data/prices.toml``: N2D $0.027502/vCPU-h and
$0.003686/GiB-h, N2 $0.031611 and $0.004237, C3 $0.03465 and $0.003938, in us-central1; europe-west4
1.1009 x (C3 1.05 x), europe-west1 1.1001 x; the Dataproc premium $0.010 per vCPU-hour on top.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard import cost
from dashboard.models import Cluster, DataprocData, Job, Snapshot
from dashboard.pricing import default_prices
from dashboard.sources.dataproc.parse import cluster_from_json

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
PREMIUM = 0.010
N2D, N2D_RAM, N2, N2_RAM, C3, C3_RAM = 0.027502, 0.003686, 0.031611, 0.004237, 0.03465, 0.003938
EU4, EU4_C3, EU1 = 1.1009, 1.05, 1.1001


def cluster(project: str, region: str, name: str, **groups: Any) -> Cluster:
    """A cluster RUNNING since 08:00 (created 07:58)."""
    from google.cloud import dataproc_v1

    state = dataproc_v1.ClusterStatus.State
    message = dataproc_v1.Cluster(
        project_id=project,
        cluster_name=name,
        cluster_uuid=f"{project}-{region}-{name}",
        config=dataproc_v1.ClusterConfig(
            **{k: dataproc_v1.InstanceGroupConfig(**v) for k, v in groups.items()}
        ),
        status=dataproc_v1.ClusterStatus(state=state.RUNNING, state_start_time=AT - timedelta(hours=1)),
        status_history=[
            dataproc_v1.ClusterStatus(state=state.CREATING, state_start_time=AT - timedelta(minutes=62))
        ],
    )
    return cluster_from_json(
        json.loads(dataproc_v1.Cluster.to_json(message, use_integers_for_enums=False)), region, project
    )


def test_unset_secondary_preemptibility_is_preemptible_and_said() -> None:
    from google.cloud import dataproc_v1

    spot = dataproc_v1.InstanceGroupConfig.Preemptibility.SPOT
    eu4 = cluster(
        "acme-eu",
        "europe-west4",
        "etl",
        master_config={"num_instances": 1, "machine_type_uri": "n2d-standard-4"},
        worker_config={"num_instances": 2, "machine_type_uri": "c3-standard-8"},
        secondary_worker_config={"num_instances": 8, "machine_type_uri": "n2d-standard-4"},  # unset
    )
    eu1 = cluster(  # the same name in another region of the same project
        "acme-eu",
        "europe-west1",
        "etl",
        master_config={"num_instances": 1, "machine_type_uri": "n2-standard-4"},
        secondary_worker_config={
            "num_instances": 4,
            "machine_type_uri": "n2-standard-4",
            "preemptibility": spot,
        },
    )
    us = cluster(  # another project; no secondary workers
        "acme-us",
        "us-central1",
        "adhoc",
        master_config={"num_instances": 1, "machine_type_uri": "n2-standard-4"},
        worker_config={"num_instances": 2, "machine_type_uri": "n2-standard-4"},
    )
    assert [g.preemptibility for g in eu4.groups] == [None, None, "PREEMPTIBLE"]
    assert [g.preemptibility for g in eu1.groups] == [None, "SPOT"]
    opener = Job(project="quiet", job_id="opener", created=AT - timedelta(hours=2), ended=AT, bytes_billed=0)
    snapshot = Snapshot(at=AT, jobs=(opener,), dataproc=DataprocData(clusters=(eu4, eu1, us)))
    estimate = cost.estimate(snapshot, default_prices())
    n2d_4_eu4 = (4 * N2D + 16 * N2D_RAM) * EU4 + 4 * PREMIUM  # $0.2260/h
    c3_8_eu4 = (8 * C3 + 32 * C3_RAM) * EU4_C3 + 8 * PREMIUM  # $0.4434/h
    n2_4 = 4 * N2 + 16 * N2_RAM  # $0.1942/h before region and premium
    etl_eu4 = 9 * n2d_4_eu4 + 2 * c3_8_eu4  # master + 8 secondary n2d-standard-4, 2 c3-standard-8
    etl_eu1 = 5 * (n2_4 * EU1 + 4 * PREMIUM)
    adhoc = 3 * (n2_4 + 4 * PREMIUM)
    dp = estimate.service("dataproc")
    assert dp.burn_rate_usd_per_hour == pytest.approx(
        etl_eu4 + etl_eu1 + adhoc
    )  # $2.9225 + $1.2688 + $0.7027
    assert dp.window_spend_usd == pytest.approx((etl_eu4 + etl_eu1 + adhoc) * 62 / 60)  # since 07:58
    note = next(n for n in estimate.notes if n.startswith("Spot/preemptible Dataproc workers"))
    assert note.startswith(
        "Spot/preemptible Dataproc workers (8 in etl (acme-eu/europe-west4); "
        "4 in etl (acme-eu/europe-west1)) priced at on-demand rates"
    )
