"""Dataproc clusters that were stopped, restarted or are being deleted within the window.

Dataproc bills a cluster's VMs while they exist and run: a STOPPED cluster's VMs are stopped and not billed
(cloud.google.com/dataproc/docs/guides/dataproc-start-stop), so a cluster's window spend is its nodes' $/h
over the time it ran inside the window, not from its creation through a stop. Clusters are built as
``google.cloud.dataproc_v1.Cluster`` messages (``status`` the current one, ``status_history`` the earlier
ones) and read through the parser as proto JSON. Expected figures are worked out by hand from the shipped
price table: n2-standard-4 in us-central1 = 4 vCPU x $0.031611 + 16 GiB x $0.004237 + 4 vCPU x $0.010
Dataproc premium. The snapshot moment is 12:00 and an opener job created at 00:00 makes the window
00:00-12:00.
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

AT = datetime(2026, 11, 26, 12, tzinfo=UTC)
N2_STD_4 = 4 * 0.031611 + 16 * 0.004237 + 4 * 0.010  # $0.234236/h a node


def t(hours: float) -> datetime:
    """``hours`` after the window's start (00:00)."""
    return AT - timedelta(hours=12) + timedelta(hours=hours)


def cluster(history: list[tuple[str, float]], workers: int = 2, name: str = "etl") -> Cluster:
    """A cluster of 1 master + ``workers`` n2-standard-4 in us-central1; ``history`` is (state, hour) in
    order, the last one its current status."""
    from google.cloud import dataproc_v1

    state = dataproc_v1.ClusterStatus.State
    statuses = [dataproc_v1.ClusterStatus(state=state[s], state_start_time=t(h)) for s, h in history]
    machine = "projects/acme/zones/us-central1-a/machineTypes/n2-standard-4"
    message = dataproc_v1.Cluster(
        project_id="acme",
        cluster_name=name,
        cluster_uuid=f"uuid-{name}",
        config=dataproc_v1.ClusterConfig(
            master_config=dataproc_v1.InstanceGroupConfig(num_instances=1, machine_type_uri=machine),
            worker_config=dataproc_v1.InstanceGroupConfig(num_instances=workers, machine_type_uri=machine),
        ),
        status=statuses[-1],
        status_history=statuses[:-1],
    )
    text = dataproc_v1.Cluster.to_json(message, use_integers_for_enums=False, indent=None)
    return cluster_from_json(json.loads(text), "us-central1", "acme")


def estimate(*clusters: Cluster) -> Any:
    opener = Job(project="quiet", job_id="opener", created=t(0), ended=t(0), bytes_billed=0)
    snapshot = Snapshot(at=AT, jobs=(opener,), dataproc=DataprocData(clusters=clusters))
    return cost.estimate(snapshot, default_prices()).service("dataproc")


def test_a_cluster_stopped_overnight_and_restarted_bills_only_while_it_ran() -> None:
    restarted = cluster(
        [
            ("CREATING", 0),
            ("RUNNING", 0.05),
            ("STOPPING", 2),
            ("STOPPED", 2.25),  # VMs stopped 02:15 ...
            ("STARTING", 8),  # ... until 08:00
            ("RUNNING", 8.05),
        ]
    )
    assert restarted.stopped == ((t(2.25), t(8)),)
    dp = estimate(restarted)
    assert dp.burn_rate_usd_per_hour == pytest.approx(3 * N2_STD_4)  # running now: $0.7027/h
    # 12 h in the window less 5.75 h stopped = 6.25 h x 3 nodes x $0.234236
    assert dp.window_spend_usd == pytest.approx((12 - 5.75) * 3 * N2_STD_4)  # $4.39


def test_a_cluster_stopped_now_billed_up_to_its_stop() -> None:
    stopped = cluster([("CREATING", 1), ("RUNNING", 1.1), ("STOPPING", 5), ("STOPPED", 5.5)], workers=4)
    assert stopped.stopped == ((t(5.5), None),)
    dp = estimate(stopped)
    assert dp.burn_rate_usd_per_hour == 0.0  # its VMs are stopped: nothing bills now
    # 01:00 to 05:30 = 4.5 h x 5 nodes x $0.234236
    assert dp.window_spend_usd == pytest.approx(4.5 * 5 * N2_STD_4)  # $5.27


def test_a_cluster_stopped_twice_and_in_error_now() -> None:
    error = cluster(
        [
            ("CREATING", 0),
            ("RUNNING", 0.1),
            ("STOPPING", 1),
            ("STOPPED", 1),
            ("STARTING", 3),
            ("RUNNING", 3.1),
            ("STOPPING", 6),
            ("STOPPED", 6.5),
            ("STARTING", 7.5),
            ("ERROR", 7.6),  # a cluster in ERROR still bills until it is deleted
        ],
        workers=1,
    )
    dp = estimate(error)
    assert dp.burn_rate_usd_per_hour == pytest.approx(2 * N2_STD_4)
    # 12 h less 2 h (01:00-03:00) less 1 h (06:30-07:30) = 9 h x 2 nodes
    assert dp.window_spend_usd == pytest.approx(9 * 2 * N2_STD_4)
