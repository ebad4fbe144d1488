"""Which Dataproc clusters are a Data Fusion instance's pipeline runs (pure: no rich, no client library).

A Data Fusion pipeline run executes on an ephemeral Dataproc cluster the instance creates in its project
(Google's default compute profile: in the instance's region) and deletes after the run. CDAP's Dataproc
provisioner (cdapio/cdap, ``AbstractDataprocProvisioner.LABEL_VERSON``) labels every cluster it creates
``cdap-version`` (the CDAP version, dots as ``_``: ``6_10``) and names it ``cdap-<pipeline>-<run id>``.
That label says *a* CDAP made the cluster, not which instance: a cluster is taken for an instance's when it
carries ``cdap-version`` and lives in the instance's project and region. A ``goog-datafusion-instance``
label naming the instance (UNCONFIRMED: not found in Google's documentation, honoured when present) pins a
cluster to that instance wherever it runs.

"Seen" means listed by the Dataproc source in the snapshot (a run's cluster is deleted when it ends, so a
run that began and ended between two Dataproc polls, or before the latest one, is not seen).
"""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.models import Cluster, Snapshot
from dashboard.sources.datafusion.model import Instance

CDAP_VERSION_LABEL = "cdap-version"
"""The label CDAP's Dataproc provisioner puts on every cluster it creates."""
INSTANCE_LABEL = "goog-datafusion-instance"
"""A label naming the instance (UNCONFIRMED: honoured when present)."""


def launched_by(cluster: Cluster, instance: Instance) -> bool:
    """True when ``cluster`` is one of ``instance``'s pipeline runs (see the module docstring)."""
    if cluster.project != instance.project:
        return False
    named = cluster.labels.get(INSTANCE_LABEL)
    if named is not None:
        return named == instance.instance_id
    return CDAP_VERSION_LABEL in cluster.labels and cluster.region == instance.location


def ephemeral_clusters(clusters: Iterable[Cluster], instance: Instance) -> list[Cluster]:
    """The clusters of ``clusters`` that are ``instance``'s pipeline runs."""
    return [c for c in clusters if launched_by(c, instance)]


def seen(snapshot: Snapshot) -> dict[str, list[Cluster]]:
    """Per Data Fusion instance of ``snapshot`` (by key), the ephemeral clusters its Dataproc data lists."""
    from dashboard import registry
    from dashboard.sources.datafusion.model import DatafusionData

    spec = registry.spec("datafusion")
    data = DatafusionData() if spec is None else spec.data_in(snapshot)
    if not isinstance(data, DatafusionData):
        return {}
    clusters = snapshot.dataproc.clusters
    return {i.key: ephemeral_clusters(clusters, i) for i in data.instances}


def dataproc_read(snapshot: Snapshot) -> bool:
    """True when the snapshot holds a Dataproc read (else no pipeline can be seen at all)."""
    status = snapshot.statuses.get("dataproc")
    return status is not None and status.state in ("ok", "stale")
