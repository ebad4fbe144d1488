"""Dataproc clusters priced by machine family, region and GPU, with the shipped price table.

Clusters are built as ``google.cloud.dataproc_v1.Cluster`` messages and read through the parser as proto
JSON, as the live backend reads them. Every expectation is worked out by hand from the list prices in
``dashboard/data/prices.toml`` (us-central1 rates; europe-west4 = 1.1009 x us-central1 for N1/N2/N2D/E2,
1.05 x for C3/C3D/C4/N4; GPUs at the us-central1 price; custom types 1.05 x; Dataproc premium $0.010 per
vCPU-hour on top, in every region). The snapshot moment is 09:00; an opener job created at 07:00 makes the
window 07:00-09:00.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dashboard import cost
from dashboard.models import Cluster, DataprocData, Job, Snapshot
from dashboard.pricing import PriceTable, default_prices, load_prices
from dashboard.sources.dataproc import cost as dataproc_cost
from dashboard.sources.dataproc.parse import cluster_from_json

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
EU = 1.1009  # gce.region_factor.europe-west4
EU_NEW = 1.05  # gce.region_factor.europe-west4.c3 (.c3d, .c4, .n4)
PREMIUM = 0.010
N1, N1_RAM = 0.031611, 0.004237
N2, N2_RAM = 0.031611, 0.004237
N2D, N2D_RAM = 0.027502, 0.003686
E2, E2_RAM = 0.021811, 0.002923
C3, C3_RAM = 0.03465, 0.003938
T4, L4, A100 = 0.35, 0.560040, 2.933908


def t(hours: float = 0) -> datetime:
    return AT + timedelta(hours=hours)


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def group(count: int, machine: str, **extra: Any) -> Any:
    from google.cloud import dataproc_v1

    return dataproc_v1.InstanceGroupConfig(num_instances=count, machine_type_uri=machine, **extra)


def gpus(kind: str, count: int, zone: str = "europe-west4-a") -> Any:
    from google.cloud import dataproc_v1

    uri = f"https://www.googleapis.com/compute/v1/projects/acme-eu/zones/{zone}/acceleratorTypes/{kind}"
    return dataproc_v1.AcceleratorConfig(accelerator_type_uri=uri, accelerator_count=count)


def cluster(name: str, region: str, *, project: str = "acme-eu", **config: Any) -> Cluster:
    """A RUNNING cluster created at 07:00, as ``ListClusters`` returns it, read by the parser."""
    from google.cloud import dataproc_v1

    state = dataproc_v1.ClusterStatus.State
    message = dataproc_v1.Cluster(
        project_id=project,
        cluster_name=name,
        cluster_uuid=f"uuid-{name}",
        config=dataproc_v1.ClusterConfig(**config),
        status=dataproc_v1.ClusterStatus(state=state.RUNNING, state_start_time=t(-1.9)),
        status_history=[dataproc_v1.ClusterStatus(state=state.CREATING, state_start_time=t(-2))],
    )
    text = dataproc_v1.Cluster.to_json(message, use_integers_for_enums=False, indent=None)
    return cluster_from_json(json.loads(text), region, project)


def snap(*clusters: Cluster) -> Snapshot:
    opener = Job(project="quiet", job_id="opener", created=t(-2), ended=t(-2), bytes_billed=0)
    return Snapshot(at=AT, jobs=(opener,), dataproc=DataprocData(clusters=clusters))


@pytest.fixture
def prices() -> PriceTable:
    return default_prices()


def test_n2d_workers_in_europe_west4_are_priced_at_europe_west4_rates(prices: PriceTable) -> None:
    eu = cluster(
        "eu-etl",
        "europe-west4",
        master_config=group(
            1,
            "https://www.googleapis.com/compute/v1/projects/acme-eu/zones/europe-west4-a/machineTypes/"
            "n2d-standard-4",
        ),
        worker_config=group(3, "projects/acme-eu/zones/europe-west4-a/machineTypes/n2d-standard-8"),
    )
    # master: n2d-standard-4 (4 vCPU x $0.027502 + 16 GiB x $0.003686) x 1.1009 + 4 vCPU x $0.010
    master = (4 * N2D + 16 * N2D_RAM) * EU + 4 * PREMIUM
    # 3 workers x n2d-standard-8 (8 vCPU x $0.027502 + 32 GiB x $0.003686) x 1.1009 + 8 vCPU x $0.010
    workers = 3 * ((8 * N2D + 32 * N2D_RAM) * EU + 8 * PREMIUM)
    assert master + workers == pytest.approx(1.5822, abs=5e-5)  # $0.2260 + 3 x $0.4521
    estimate = cost.estimate(snap(eu), prices)
    dp = estimate.service("dataproc")
    assert dp.unpriced == 0
    assert dp.items == 1
    assert dp.burn_rate_usd_per_hour == pytest.approx(master + workers)
    assert dp.window_spend_usd == pytest.approx((master + workers) * 2)  # created 07:00: 2 h in the window
    assert "gce.region_factor.europe-west4" in dp.price_keys
    assert {"gce.n2d.vcpu_hour", "gce.n2d.ram_gib_hour", "dataproc.premium.per_vcpu_hour"} <= set(
        dp.price_keys
    )
    assert not any("priced at us-central1" in n for n in estimate.notes)


def test_newer_families_take_their_own_europe_west4_factor(prices: PriceTable) -> None:
    eu = cluster("eu-c3", "europe-west4", worker_config=group(2, "c3-highmem-22"))
    # 2 x c3-highmem-22 (22 vCPU x $0.03465 + 176 GiB x $0.003938) x 1.05 + 22 vCPU x $0.010
    expected = 2 * ((22 * C3 + 176 * C3_RAM) * EU_NEW + 22 * PREMIUM)
    assert dataproc_cost.cluster_usd_per_hour(eu, prices) == pytest.approx(expected)  # $3.4963/h


def test_shared_core_custom_and_extended_memory_types(prices: PriceTable) -> None:
    odd = cluster(
        "odd-shapes",
        "us-central1",
        project="acme-batch",
        master_config=group(1, "e2-medium"),
        worker_config=group(2, "n2-custom-6-23040"),
        secondary_worker_config=group(1, "custom-4-16384-ext"),
    )
    # e2-medium: 2 shared vCPUs billed as 1: 1 x $0.021811 + 4 GiB x $0.002923, premium on its 2 vCPUs
    master = 1 * E2 + 4 * E2_RAM + 2 * PREMIUM
    # n2-custom-6-23040: 6 vCPU, 23040 MiB = 22.5 GiB, at 1.05 x the N2 prices
    worker = 1.05 * (6 * N2 + 22.5 * N2_RAM) + 6 * PREMIUM
    # custom-4-16384-ext: an N1 custom type, 4 vCPU, 16 GiB (extended memory), 1.05 x the N1 prices
    secondary = 1.05 * (4 * N1 + 16 * N1_RAM) + 4 * PREMIUM
    assert dataproc_cost.cluster_usd_per_hour(odd, prices) == pytest.approx(master + 2 * worker + secondary)


def test_attached_gpus_are_priced_per_gpu_hour(prices: PriceTable) -> None:
    ml = cluster(
        "eu-ml",
        "europe-west4",
        master_config=group(1, "n1-standard-4"),
        worker_config=group(2, "n1-standard-8", accelerators=[gpus("nvidia-tesla-t4", 2)]),
        secondary_worker_config=group(1, "g2-standard-4", accelerators=[gpus("nvidia-l4", 1)]),
    )
    assert ml.groups[1].accelerators == {"nvidia-tesla-t4": 2}
    # g2 (the L4 machine series) has no vCPU/GiB price in the table: the cluster is unpriced, and named
    assert dataproc_cost.cluster_usd_per_hour(ml, prices) is None
    gpu_workers = cluster(
        "eu-ml",
        "europe-west4",
        master_config=group(1, "n1-standard-4"),
        worker_config=group(2, "n1-standard-8", accelerators=[gpus("nvidia-tesla-t4", 2)]),
    )
    # master: n1-standard-4 (4 vCPU x $0.031611 + 15 GiB x $0.004237) x 1.1009 + 4 x $0.010
    master = (4 * N1 + 15 * N1_RAM) * EU + 4 * PREMIUM
    # 2 workers x (n1-standard-8 (8 x $0.031611 + 30 GiB x $0.004237) x 1.1009 + 8 x $0.010 + 2 T4 x $0.35)
    workers = 2 * ((8 * N1 + 30 * N1_RAM) * EU + 8 * PREMIUM + 2 * T4)
    assert dataproc_cost.cluster_usd_per_hour(gpu_workers, prices) == pytest.approx(master + workers)
    dp = cost.estimate(snap(gpu_workers), prices).service("dataproc")
    assert "gce.gpu.nvidia-tesla-t4.hour" in dp.price_keys
    assert dp.confidence == "low"  # the T4 price is recalled, unconfirmed


def test_what_the_table_cannot_price_is_counted_and_named(prices: PriceTable) -> None:
    known = cluster("eu-etl", "europe-west4", worker_config=group(2, "n2d-standard-8"))
    a2 = cluster("gpu-a2", "europe-west4", master_config=group(1, "a2-highgpu-1g"))
    h100 = cluster(
        "gpu-h100",
        "europe-west4",
        worker_config=group(1, "n1-standard-8", accelerators=[gpus("nvidia-h100-80gb", 1)]),
    )
    estimate = cost.estimate(snap(known, a2, h100), prices)
    dp = estimate.service("dataproc")
    assert dp.unpriced == 2
    assert dp.items == 1
    # only eu-etl: 2 x ((8 x $0.027502 + 32 x $0.003686) x 1.1009 + 8 x $0.010)
    assert dp.burn_rate_usd_per_hour == pytest.approx(2 * ((8 * N2D + 32 * N2D_RAM) * EU + 8 * PREMIUM))
    assert (
        "2 Dataproc cluster(s) with a machine type the price table does not know: a2-highgpu-1g (gpu-a2); "
        "nvidia-h100-80gb (gpu-h100)"
    ) in estimate.notes


def test_a_region_without_a_factor_is_priced_at_us_central1_and_says_so(prices: PriceTable) -> None:
    mexico = cluster("mx", "northamerica-south1", worker_config=group(1, "n2-standard-4"))
    estimate = cost.estimate(snap(mexico), prices)
    # 4 vCPU x ($0.010 + $0.031611) + 16 GiB x $0.004237, no factor known for northamerica-south1
    assert estimate.service("dataproc").burn_rate_usd_per_hour == pytest.approx(
        4 * (PREMIUM + N2) + 16 * N2_RAM
    )
    note = "Dataproc in northamerica-south1 priced at us-central1 list rates (no regional factor in the "
    note += "price table)"
    assert note in estimate.notes


def test_the_new_keys_can_be_overridden() -> None:
    prices = load_prices(
        overrides={
            "gce.n2d.vcpu_hour": 0.02,
            "gce.n2d.ram_gib_hour": 0.003,
            "gce.region_factor.europe-west4": 1.2,
            "gce.gpu.nvidia-tesla-t4.hour": 0.5,
        }
    )
    eu = cluster(
        "eu-etl",
        "europe-west4",
        worker_config=group(1, "n2d-standard-8", accelerators=[gpus("nvidia-tesla-t4", 1)]),
    )
    # (8 vCPU x $0.02 + 32 GiB x $0.003) x 1.2 + 8 x $0.010 + 1 T4 x $0.50 (GPUs: factor 1.0 in europe-west4)
    assert dataproc_cost.cluster_usd_per_hour(eu, prices) == pytest.approx(
        (8 * 0.02 + 32 * 0.003) * 1.2 + 0.08 + 0.5
    )
    assert prices.prices["gce.region_factor.europe-west4"].overridden


def test_a_price_file_can_price_a_region_exactly(tmp_path: Path) -> None:
    shipped = (Path(__file__).resolve().parents[2] / "dashboard" / "data" / "prices.toml").read_text("utf-8")
    exact = "".join(
        f'\n[prices."gce.n2d.{kind}.europe-west4"]\nvalue = {value}\nunit = "USD"\nregion = "europe-west4"\n'
        f'source = "SKU in the Catalog API"\ndate = 2026-12-07\nconfidence = "high"\n'
        for kind, value in (("vcpu_hour", 0.030252), ("ram_gib_hour", 0.004054))
    )
    path = tmp_path / "prices.toml"
    path.write_text(shipped + exact, encoding="utf-8")
    prices = load_prices(path)
    eu = cluster("eu-etl", "europe-west4", worker_config=group(1, "n2d-standard-8"))
    # 8 vCPU x ($0.030252 + $0.010) + 32 GiB x $0.004054: the exact europe-west4 price, no factor
    assert dataproc_cost.cluster_usd_per_hour(eu, prices) == pytest.approx(
        8 * (0.030252 + 0.010) + 32 * 0.004054
    )


def test_spot_secondary_workers_are_named_as_priced_at_on_demand_rates(prices: PriceTable) -> None:
    from google.cloud import dataproc_v1

    spot = dataproc_v1.InstanceGroupConfig.Preemptibility.SPOT
    etl = cluster(
        "etl",
        "us-central1",
        master_config=group(1, "n2-standard-4"),
        worker_config=group(2, "n2-standard-4"),
        secondary_worker_config=group(3, "n2-standard-4", preemptibility=spot),
    )
    estimate = cost.estimate(snap(etl), prices)
    # 6 nodes x (4 vCPU x ($0.010 + $0.031611) + 16 GiB x $0.004237): Spot at the on-demand rate
    assert estimate.service("dataproc").burn_rate_usd_per_hour == pytest.approx(
        6 * (4 * (PREMIUM + N2) + 16 * N2_RAM)
    )
    assert any(
        n.startswith("Spot/preemptible Dataproc workers (3 in etl) priced at on-demand")
        for n in estimate.notes
    )
