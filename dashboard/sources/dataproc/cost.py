"""Dataproc: clusters by their VMs, Serverless batches by DCU-hours and shuffle storage.

A cluster bills while its VMs exist (RUNNING, UPDATING, ERROR …): every node's vCPUs x (the Dataproc
premium + the Compute Engine vCPU price of its family) + its memory x the family's GiB price, in the
cluster's region (pricing.py: per-region keys or regional factors), + its GPUs, per second. An
idle cluster (running, no YARN application) bills the same: that is the money a forgotten cluster burns.
A batch bills the DCU-seconds and shuffle GB-seconds it reports, spread evenly over the time it ran; a
running batch (whose ``approximateUsage`` comes only once it completes) bills its ``currentUsage`` per hour.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import NamedTuple

from dashboard.cost.common import (
    HOURS_PER_MONTH,
    Estimator,
    Inputs,
    ServiceCost,
    lowest,
    overlap_hours,
    pro_rated,
    service_title,
)
from dashboard.models import BATCH_DONE_STATES, Batch, Cluster, MetricSeries
from dashboard.pricing import BASE_REGION, CUSTOM_FACTOR, PriceTable, machine_family

DATAPROC_PREMIUM = "dataproc.premium.per_vcpu_hour"
SPOT_KINDS = frozenset({"SPOT", "PREEMPTIBLE"})
"""``InstanceGroupConfig.preemptibility`` values billed at Spot rates, which the price table does not hold."""
SERVERLESS_DCU = "dataproc_serverless.dcu_hour.standard"
SERVERLESS_SHUFFLE = "dataproc_serverless.shuffle_storage_gib_month"
YARN_APPS = "cluster/yarn/apps"

BILLING_CLUSTER_STATES = frozenset({"RUNNING", "UPDATING", "ERROR", "ERROR_DUE_TO_UPDATE", "REPAIRING"})
"""Cluster states whose VMs exist and bill. A cluster in ERROR still bills until it is deleted."""
SPEND_CLUSTER_STATES = BILLING_CLUSTER_STATES | {"CREATING", "STARTING", "STOPPING", "STOPPED"}
"""Cluster states in which it may have billed within a window (its STOPPED stretches are taken out); not
DELETING: a cluster on its way out of the listing is left out, as it will be once deleted."""


def cluster_shape(cluster: Cluster, prices: PriceTable) -> tuple[int, float] | None:
    """``(vcpus, memory_gib)`` of all a cluster's nodes, or None when a machine type is unknown."""
    vcpus, memory = 0, 0.0
    for group in cluster.groups:
        if group.count == 0:
            continue
        shape = prices.machine_shape(group.machine_type)
        if shape is None:
            return None
        vcpus += group.count * shape[0]
        memory += group.count * shape[1]
    return vcpus, memory


class ClusterPrice(NamedTuple):
    """A cluster's estimated $/h and what it rests on."""

    usd_per_hour: float | None
    """0 unless it bills; None when a machine or accelerator type has no price."""
    keys: frozenset[str]
    """The price keys used."""
    unknown: tuple[str, ...]
    """Machine and accelerator types the table cannot price."""
    at_base_rates: bool
    """True when its region has no factor in the table and was priced at us-central1's rates."""


def cluster_price(cluster: Cluster, prices: PriceTable) -> ClusterPrice:
    """A cluster's $/h: per node, billed vCPUs x the family's vCPU price + memory x its GiB price (x the
    custom-type factor for custom types) in the cluster's region, + vCPUs x the Dataproc premium, + each
    attached GPU x its GPU-hour price."""
    if cluster.state not in BILLING_CLUSTER_STATES:
        return ClusterPrice(0.0, frozenset(), (), at_base_rates=False)
    return nodes_price(cluster, prices)


def nodes_price(cluster: Cluster, prices: PriceTable) -> ClusterPrice:
    """What a cluster's nodes cost an hour while they run, whatever its state now (see
    :func:`cluster_price`)."""
    premium = prices.value(DATAPROC_PREMIUM)
    total = 0.0
    keys = {DATAPROC_PREMIUM}
    unknown: list[str] = []
    at_base_rates = False
    for group in cluster.groups:
        if group.count == 0:
            continue
        billing = prices.machine_billing(group.machine_type)
        rates = prices.compute_rates(machine_family(group.machine_type), cluster.region)
        if billing is None or rates is None:
            unknown.append(group.machine_type or f"{group.role} without a machine type")
            continue
        factor = 1.0
        if billing.custom:
            factor = prices.value(CUSTOM_FACTOR)
            keys.add(CUSTOM_FACTOR)
        keys.update(rates.keys)
        at_base_rates = at_base_rates or not rates.exact
        node = factor * (billing.billed_vcpus * rates.vcpu + billing.memory_gib * rates.ram)
        node += billing.vcpus * premium
        for accelerator, per_node in group.accelerators.items():
            gpu = prices.accelerator_rate(accelerator, cluster.region)
            if gpu is None:
                unknown.append(accelerator)
                continue
            node += per_node * gpu[0]
            keys.update(gpu[1])
        total += group.count * node
    return ClusterPrice(None if unknown else total, frozenset(keys), tuple(unknown), at_base_rates)


def cluster_usd_per_hour(cluster: Cluster, prices: PriceTable) -> float | None:
    """A cluster's estimated $/h: 0 unless it bills; None when a machine or accelerator type has no price
    (see :func:`cluster_price`)."""
    return cluster_price(cluster, prices).usd_per_hour


def is_idle(cluster: Cluster, index: Mapping[tuple[str, str], MetricSeries]) -> bool:
    """A running cluster with no YARN application (Monitoring's latest point, else the cluster's metrics)."""
    if cluster.state != "RUNNING":
        return False
    series = index.get((YARN_APPS, cluster.name))
    if series is not None and series.last is not None:
        return series.last == 0
    apps = cluster.yarn.get("yarn-apps-running")
    return apps == 0


def cluster_spend(cluster: Cluster, prices: PriceTable, start: datetime, end: datetime) -> float:
    """$ of a cluster within ``[start, end]``: its nodes' $/h over the part of its life inside, less the
    stretches in which it was STOPPED (a cluster stopped now billed up to its stop)."""
    if cluster.state not in SPEND_CLUSTER_STATES:
        return 0.0
    usd = nodes_price(cluster, prices).usd_per_hour
    if not usd:
        return 0.0
    ran = overlap_hours(cluster.created or cluster.state_since, None, start, end)
    ran -= sum(overlap_hours(since, until, start, end) for since, until in cluster.stopped)
    return usd * max(0.0, ran)


def batch_rate_usd_per_hour(batch: Batch, prices: PriceTable) -> float:
    """What a running batch costs an hour at its ``currentUsage``: DCUs x the DCU-hour price + shuffle GB
    held at the GiB-month price; 0 once it ended or when it reports no current usage."""
    if batch.state in BATCH_DONE_STATES or batch.current_milli_dcu is None:
        return 0.0
    dcu = batch.current_milli_dcu / 1000
    shuffle_gb = batch.current_shuffle_gb or 0
    return dcu * prices.value(SERVERLESS_DCU) + shuffle_gb / HOURS_PER_MONTH * prices.value(
        SERVERLESS_SHUFFLE
    )


def batch_usd(batch: Batch, prices: PriceTable, at: datetime | None = None) -> float:
    """A batch's $ so far: DCU-hours x the DCU price + shuffle GiB-hours at the GiB-month price.

    Dataproc computes ``approximateUsage`` when a batch completes; a running batch reports only its
    ``currentUsage``, so while it runs (and ``at`` is given) its $ so far is its current $/h over the time
    it has run.
    """
    if batch.milli_dcu_seconds == 0 and at is not None and batch.state not in BATCH_DONE_STATES:
        since = batch.started or batch.created
        if since is None:
            return 0.0
        return batch_rate_usd_per_hour(batch, prices) * overlap_hours(since, None, since, at)
    dcu_hours = batch.milli_dcu_seconds / 1000 / 3600
    shuffle_gib_months = batch.shuffle_storage_gb_seconds / 3600 / HOURS_PER_MONTH
    return dcu_hours * prices.value(SERVERLESS_DCU) + shuffle_gib_months * prices.value(SERVERLESS_SHUFFLE)


def _batch_end(batch: Batch, at: datetime) -> datetime:
    if batch.state in BATCH_DONE_STATES and batch.state_time is not None:
        return min(batch.state_time, at)
    return at


def batch_usd_per_hour(batch: Batch, prices: PriceTable, at: datetime) -> float:
    """A running batch's $/h: at its current usage, else its average so far (0 once it ended)."""
    if batch.state in BATCH_DONE_STATES or batch.created is None:
        return 0.0
    if batch.current_milli_dcu is not None:
        return batch_rate_usd_per_hour(batch, prices)
    life = overlap_hours(batch.created, None, batch.created, at)
    return batch_usd(batch, prices) / life if life > 0 else 0.0


def dataproc_spend(inputs: Inputs, start: datetime, end: datetime) -> float:
    """Dataproc $ within ``[start, end]``: clusters and batches."""
    snapshot, prices = inputs.snapshot, inputs.prices
    total = sum(cluster_spend(c, prices, start, end) for c in snapshot.dataproc.clusters)
    for batch in snapshot.dataproc.batches:
        since = batch.started or batch.created
        usd = batch_usd(batch, prices, snapshot.at)
        total += pro_rated(usd, since, _batch_end(batch, snapshot.at), start, end)
    return total


def dataproc_cost(inputs: Inputs, start: datetime, today: datetime) -> tuple[ServiceCost, list[str]]:
    """Dataproc: the clusters that bill, and the batches; notes on idle clusters and unknown machines."""
    snapshot, prices = inputs.snapshot, inputs.prices
    index = {(s.metric, s.key): s for s in snapshot.dataproc.series}
    rate = idle_rate = 0.0
    items = unpriced = idle = 0
    keys = {DATAPROC_PREMIUM}
    elsewhere: set[str] = set()
    unknown: list[str] = []
    on_spot: list[tuple[Cluster, int]] = []
    for cluster in snapshot.dataproc.clusters:
        if cluster.state not in BILLING_CLUSTER_STATES:
            continue
        price = cluster_price(cluster, prices)
        usd = price.usd_per_hour
        if usd is None:
            unpriced += 1
            unknown.append(f"{', '.join(dict.fromkeys(price.unknown))} ({cluster.name})")
            continue
        items += 1
        rate += usd
        keys |= price.keys
        if price.at_base_rates:
            elsewhere.add(cluster.region)
        spot = sum(g.count for g in cluster.groups if g.preemptibility in SPOT_KINDS)
        if spot:
            on_spot.append((cluster, spot))
        if is_idle(cluster, index):
            idle += 1
            idle_rate += usd
    batches = snapshot.dataproc.batches
    if batches:
        keys |= {SERVERLESS_DCU, SERVERLESS_SHUFFLE}
        rate += sum(batch_usd_per_hour(b, prices, snapshot.at) for b in batches)
    serverless_elsewhere = sorted({b.region for b in batches if b.region and b.region != BASE_REGION})
    notes = []
    if unpriced:
        notes.append(
            f"{unpriced} Dataproc cluster(s) with a machine type the price table does not know: "
            + "; ".join(unknown)
        )
    if idle:
        notes.append(
            f"{idle} idle Dataproc cluster(s) (no YARN application) burn ${idle_rate:,.2f}/h (estimate)"
        )
    if elsewhere:
        notes.append(
            f"Dataproc in {', '.join(sorted(elsewhere))} priced at {BASE_REGION} list rates "
            "(no regional factor in the price table)"
        )
    if serverless_elsewhere:
        notes.append(
            f"Dataproc Serverless batches in {', '.join(serverless_elsewhere)} priced at {BASE_REGION} DCU "
            "and shuffle storage list rates (the price table holds no other region's)"
        )
    if on_spot:
        names = Counter(c.name for c, _ in on_spot)
        nodes = "; ".join(
            f"{count} in {c.name}" + (f" ({c.project}/{c.region})" if names[c.name] > 1 else "")
            for c, count in on_spot
        )
        notes.append(
            f"Spot/preemptible Dataproc workers ({nodes}) priced at on-demand rates: Spot prices vary by "
            "region and over time, so the Dataproc estimate runs high by up to their share"
        )
    at = snapshot.at
    cost = ServiceCost(
        service="dataproc",
        title=service_title("dataproc"),
        burn_rate_usd_per_hour=rate,
        window_spend_usd=dataproc_spend(inputs, start, at),
        today_usd=dataproc_spend(inputs, max(start, today), at),
        items=items + len(batches),
        unpriced=unpriced,
        basis="clusters: vCPUs x (Dataproc premium + Compute Engine vCPU) + memory x GiB price + GPUs, in "
        "the cluster's region, while VMs run; Serverless batches: DCU-hours + shuffle storage",
        price_keys=tuple(sorted(keys)),
        confidence=lowest(prices, keys),
    )
    return cost, notes


ESTIMATOR = Estimator(cost=dataproc_cost, spend={"dataproc": dataproc_spend})
"""The dataproc source's part of the estimate."""
