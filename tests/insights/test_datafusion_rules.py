"""The Data Fusion idle-instance insight, on snapshots made to trigger it and made not to; the figures by
hand (Enterprise $4.20/h, Developer $0.35/h: the price table's unconfirmed list prices).

The estate: polls every 30 minutes from T0 (10:00) to 13:30; ``etl-fusion`` (ENTERPRISE, acme-etl,
europe-west1, created 2026-10-02) ACTIVE at every poll: 3.5 h up in the window (T0 to 13:30)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard import cost
from dashboard.insights import Insight, evaluate, settings_from
from dashboard.models import Cluster, DataprocData, MetricSeries, Sample, Snapshot, SourceStatus
from dashboard.sources.datafusion import rules
from dashboard.sources.datafusion.model import RUNNING, DatafusionData, Instance

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=3, minutes=30)
POLLS = [T0 + timedelta(minutes=30 * i) for i in range(8)]  # 10:00, 10:30, ..., 13:30


def instance(name: str = "etl-fusion", **fields: object) -> Instance:
    project = str(fields.pop("project", "acme-etl"))
    location = str(fields.pop("location", "europe-west1"))
    values: dict[str, object] = {
        "edition": "ENTERPRISE",
        "state": "ACTIVE",
        "version": "6.10.1",
        "created": datetime(2026, 10, 2, 8, 15, tzinfo=UTC),
        **fields,
    }
    return Instance(
        project=project,
        location=location,
        instance_id=name,
        name=f"projects/{project}/locations/{location}/instances/{name}",
        **values,  # type: ignore[arg-type]
    )


def running(inst: Instance, values: list[float], polls: list[datetime] = POLLS) -> MetricSeries:
    return MetricSeries(
        metric=RUNNING,
        key=inst.key,
        points=tuple(Sample(t=t, value=v) for t, v in zip(polls, values, strict=True)),
    )


def cluster(name: str, project: str = "acme-etl", region: str = "europe-west1", **labels: str) -> Cluster:
    return Cluster(project=project, region=region, name=name, state="RUNNING", labels=labels)


def snapshot(
    instances: list[Instance], series: list[MetricSeries], clusters: list[Cluster], *, dataproc: bool = True
) -> Snapshot:
    statuses = {"dataproc": SourceStatus(source="dataproc", state="ok")} if dataproc else {}
    return Snapshot(
        at=NOW,
        dataproc=DataprocData(clusters=tuple(clusters)),
        statuses=statuses,
        extra={"datafusion": DatafusionData(instances=tuple(instances), series=tuple(series))},
    )


def found(snap: Snapshot, **thresholds: float) -> list[Insight]:
    settings = settings_from(thresholds={f"datafusion.idle_instance.{k}": v for k, v in thresholds.items()})
    return [i for i in evaluate(snap, cost.estimate(snap), settings) if i.rule == "datafusion.idle_instance"]


ETL = instance()
OTHERS = [
    cluster("reporting-tmp"),  # acme-etl europe-west1, not made by CDAP (no cdap-version label)
    cluster("cdap-sales-0b1c2d", project="acme-analytics", **{"cdap-version": "6_10_1"}),  # another project
]


def test_an_instance_up_with_no_pipeline_cluster_is_idle() -> None:
    others = [
        *OTHERS[:1],
        cluster("cdap-sales-0b1c2d", project="acme-analytics", **{"cdap-version": "6_10_1"}),
    ]
    [insight] = found(snapshot([ETL], [running(ETL, [1.0] * 8)], others))
    assert insight.severity == "warning"
    assert insight.resource_key == "acme-etl/europe-west1/etl-fusion"
    assert insight.title == "Data Fusion instance etl-fusion runs but launched no pipeline"
    # 8 polls 30 min apart, each up: 7 × 0.5 h = 3.5 h; 3.5 h × $4.20 = $14.70
    assert insight.evidence == (
        "ENTERPRISE instance ACTIVE for 3.50 h of the window, no ephemeral Dataproc cluster of its pipelines "
        "listed in acme-etl/europe-west1 (threshold 2 h); 3.50 h × $4.20/h = $14.70"
    )
    assert insight.usd_per_hour == pytest.approx(4.20)
    assert insight.usd_per_month == pytest.approx(4.20 * 730)  # 730 h a month: $3,066


@pytest.mark.parametrize(
    "run",
    [
        cluster(
            "cdap-nightly-3f2a9c1e", **{"cdap-version": "6_10_1"}
        ),  # CDAP's label, its project and region
        cluster("cdap-nightly-3f2a9c1e", region="us-east1", **{"goog-datafusion-instance": "etl-fusion"}),
    ],
    ids=["cdap-version label in its region", "instance label anywhere"],
)
def test_an_instance_whose_pipeline_cluster_is_listed_is_not_idle(run: Cluster) -> None:
    assert found(snapshot([ETL], [running(ETL, [1.0] * 8)], [*OTHERS, run])) == []


def test_another_instances_label_does_not_count() -> None:
    theirs = cluster("cdap-x-1", **{"cdap-version": "6_10_1", "goog-datafusion-instance": "other-fusion"})
    assert len(found(snapshot([ETL], [running(ETL, [1.0] * 8)], [theirs]))) == 1


def test_not_judged_without_a_dataproc_read() -> None:
    assert found(snapshot([ETL], [running(ETL, [1.0] * 8)], [], dataproc=False)) == []


def test_below_the_threshold_or_not_up_it_is_not_idle() -> None:
    # up at the last 4 polls only (12:00 to 13:30): 3 × 0.5 h = 1.5 h < 2 h
    late = snapshot([ETL], [running(ETL, [0.0] * 4 + [1.0] * 4)], [])
    assert found(late) == []
    assert len(found(late, min_idle_hours=1.5)) == 1  # 1.5 h ≥ 1.5 h
    # a threshold above the window's 3.5 h
    assert found(snapshot([ETL], [running(ETL, [1.0] * 8)], []), min_idle_hours=4.0) == []
    failed = instance("broken-fusion", state="FAILED", edition="BASIC")
    assert found(snapshot([failed], [running(failed, [0.0] * 8)], [])) == []


def test_the_rule_function_with_its_defaults() -> None:
    snap = snapshot([ETL], [running(ETL, [1.0] * 8)], [])
    [insight] = rules.idle_instance(snap, T0)
    assert insight.usd_per_hour == pytest.approx(4.20)
