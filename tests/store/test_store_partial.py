"""A poll whose listing failed in some parts replaces only the parts that answered: the failed parts keep
what the store last knew of them (updated by what the poll read of them), and a part that answered is
replaced whole (what it no longer lists is gone)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.backends.base import Poll
from dashboard.models import Cluster, DataflowData, DataflowJob, DataprocData
from dashboard.store import Store

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def cluster(project: str, region: str, name: str, state: str = "RUNNING") -> Cluster:
    return Cluster(project=project, region=region, name=name, state=state)


def flow(project: str, job_id: str, state: str = "JOB_STATE_RUNNING") -> DataflowJob:
    return DataflowJob(project=project, location="europe-west4", job_id=job_id, name=job_id, state=state)


def test_a_failed_region_keeps_its_clusters_and_an_answering_one_is_replaced() -> None:
    store = Store()
    first = DataprocData(
        clusters=(
            cluster("acme-etl", "europe-west4", "etl-nightly"),
            cluster("acme-etl", "europe-west4", "etl-adhoc"),
            cluster("acme-etl", "us-east1", "etl-us"),
            cluster("acme-bi", "europe-west4", "bi-spark"),
        )
    )
    store.apply(Poll(source="dataproc", t=T0, data=first))
    # acme-etl/europe-west4 failed on its second page: page 1 brought etl-nightly, now ERROR;
    # acme-etl/us-east1 answered without etl-us (deleted); acme-bi/europe-west4 answered as before
    second = DataprocData(
        clusters=(
            cluster("acme-etl", "europe-west4", "etl-nightly", state="ERROR"),
            cluster("acme-bi", "europe-west4", "bi-spark"),
        ),
        incomplete=("acme-etl/europe-west4",),
        warnings=("ListClusters failed for acme-etl/europe-west4: INTERNAL: boom (ListClusters, ...)",),
    )
    store.apply(Poll(source="dataproc", t=T0 + timedelta(seconds=30), data=second))
    snap = store.snapshot(T0 + timedelta(seconds=30))
    shown = {(c.project, c.region, c.name): c.state for c in snap.dataproc.clusters}
    assert shown == {
        ("acme-etl", "europe-west4", "etl-nightly"): "ERROR",  # what the poll read of it
        ("acme-etl", "europe-west4", "etl-adhoc"): "RUNNING",  # last known: its page did not come
        ("acme-bi", "europe-west4", "bi-spark"): "RUNNING",
    }
    status = snap.statuses["dataproc"]
    assert status.state == "ok"
    assert status.warnings[0].startswith("ListClusters failed for acme-etl/europe-west4: ")


def test_a_failed_project_keeps_its_dataflow_jobs() -> None:
    store = Store()
    store.apply(
        Poll(source="dataflow", t=T0, data=DataflowData(jobs=(flow("acme-etl", "1"), flow("acme-bi", "2"))))
    )
    later = DataflowData(jobs=(flow("acme-bi", "3"),), incomplete=("acme-etl",))
    store.apply(Poll(source="dataflow", t=T0 + timedelta(seconds=30), data=later))
    jobs = store.snapshot(T0 + timedelta(seconds=30)).dataflow.jobs
    assert sorted((j.project, j.job_id) for j in jobs) == [("acme-bi", "3"), ("acme-etl", "1")]
    # once acme-etl answers again, its listing replaces what was kept
    whole = DataflowData(jobs=(flow("acme-bi", "3"),))
    store.apply(Poll(source="dataflow", t=T0 + timedelta(seconds=60), data=whole))
    jobs = store.snapshot(T0 + timedelta(seconds=60)).dataflow.jobs
    assert [(j.project, j.job_id) for j in jobs] == [("acme-bi", "3")]
