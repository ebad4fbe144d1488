"""Hand-built Snapshots for the view, report and cost tests: small, with known numbers and hostile text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from dashboard.models import (
    Assignment,
    Cluster,
    Commitment,
    DataflowData,
    DataflowJob,
    DataprocData,
    Job,
    MetricSeries,
    NodeGroup,
    Reservation,
    ReservationsData,
    Sample,
    Snapshot,
    SourceStatus,
)

AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TIB = 2**40
GIB = 2**30

# The demo's hostile strings, repeated here so the unit tests do not depend on the demo generator.
MARKUP = "[bold red]boom[/]"
LINK_MARKUP = "[link=https://example.com]x[/link]"
ARRAY_SQL = "SELECT arr[OFFSET(0)], arr[SAFE_OFFSET(1)] FROM t WHERE REGEXP_CONTAINS(x, r'[/a-z]+')"
ESC = "\x1b"
ANSI_RED = "\x1b[31m"
ANSI_CLEAR = "\x1b[2J"
OSC52 = "\x1b]52;c;ZXZpbA==\x07"
OSC8 = "\x1b]8;;https://example.com/\x1b\\click me\x1b]8;;\x1b\\"
BELL = "\x07"
RTL = "\u202e"
C1_CSI = "\x9b"
HOSTILE_QUERY = f"-- {RTL}gnp.exe\nSELECT '{MARKUP}' AS t, '{LINK_MARKUP}' AS l\nFROM x"
ANSI_QUERY = f"-- {C1_CSI}2J {ANSI_RED}FAILED{ANSI_CLEAR} {OSC8}\rSELECT 1"
ANSI_ERROR = f"{ANSI_RED}no rows{ANSI_CLEAR}{OSC52}\r\x00"
ARRAY_QUERY = f"{ARRAY_SQL}\n  AND x != '{BELL}'"
RAW_CONTROLS = (ESC, BELL, RTL, "\x00", "\r", C1_CSI)
"""Characters that must never reach a terminal (or a JSON/Markdown document) raw."""


def t(hours: float = 0, minutes: float = 0) -> datetime:
    """``AT`` shifted by hours and minutes (negative: before)."""
    return AT + timedelta(hours=hours, minutes=minutes)


def series(metric: str, key: str, values: list[float], *, end: datetime = AT) -> MetricSeries:
    """A per-minute series ending at ``end``."""
    n = len(values)
    points = tuple(Sample(t=end - timedelta(minutes=n - 1 - i), value=v) for i, v in enumerate(values))
    return MetricSeries(metric=metric, key=key, points=points)


def jobs() -> tuple[Job, ...]:
    """Running, finished, failed, cached, reservation, script parent and child, and hostile jobs."""
    common = {"project": "acme-analytics", "location": "US", "job_type": "QUERY"}
    return (
        Job(
            **common,
            job_id="run_1",
            state="RUNNING",
            statement_type="SELECT",
            principal="ana@acme.example",
            created=t(minutes=-12),
            started=t(minutes=-11),
            query="SELECT 1",
        ),
        Job(
            **common,
            job_id="hostile_markup",
            state="RUNNING",
            statement_type="SELECT",
            principal="maria@acme.example",
            created=t(minutes=-3),
            started=t(minutes=-3),
            query=HOSTILE_QUERY,
            labels={"report": "تقرير_يومي"},
        ),
        Job(
            **common,
            job_id="done_on_demand",
            statement_type="SELECT",
            principal="ana@acme.example",
            created=t(minutes=-50),
            started=t(minutes=-50),
            ended=t(minutes=-40),
            bytes_processed=2 * TIB,
            bytes_billed=2 * TIB,
            slot_ms=7_200_000,
            cache_hit=False,
            query="SELECT * FROM big",
        ),
        Job(
            **common,
            job_id="old_on_demand",
            statement_type="SELECT",
            principal="bob@acme.example",
            created=t(hours=-3),
            started=t(hours=-3),
            ended=t(hours=-2, minutes=-50),
            bytes_billed=TIB // 2,
            slot_ms=3_600_000,
            cache_hit=False,
        ),
        Job(
            **common,
            job_id="cached",
            statement_type="SELECT",
            principal="bob@acme.example",
            created=t(minutes=-30),
            started=t(minutes=-30),
            ended=t(minutes=-30),
            bytes_billed=0,
            cache_hit=True,
        ),
        Job(
            **common,
            job_id="in_reservation",
            statement_type="INSERT",
            principal="etl@acme-etl.iam.gserviceaccount.com",
            created=t(minutes=-20),
            started=t(minutes=-20),
            ended=t(minutes=-5),
            bytes_billed=5 * TIB,
            slot_ms=36_000_000,
            reservation="admin-proj:US.prod",
            edition="ENTERPRISE",
        ),
        Job(
            **common,
            job_id="hostile_ansi",
            statement_type="SELECT",
            principal="ops@acme.example",
            created=t(minutes=-25),
            started=t(minutes=-25),
            ended=t(minutes=-24),
            bytes_billed=10 * 2**20,
            error_reason="invalidQuery",
            error_message=ANSI_ERROR,
            query=ANSI_QUERY,
        ),
        Job(
            **common,
            job_id="hostile_array_syntax",
            statement_type="SELECT",
            principal="ops@acme.example",
            created=t(minutes=-15),
            started=t(minutes=-15),
            ended=t(minutes=-14),
            bytes_billed=0,
            query=ARRAY_QUERY,
            labels={"report": "売上レポート"},
        ),
        Job(
            **common,
            job_id="script_parent",
            statement_type="SCRIPT",
            principal="bob@acme.example",
            created=t(minutes=-35),
            started=t(minutes=-35),
            ended=t(minutes=-33),
            bytes_billed=TIB,
            num_child_jobs=1,
        ),
        Job(
            **common,
            job_id="script_child",
            statement_type="SELECT",
            principal="bob@acme.example",
            created=t(minutes=-35),
            started=t(minutes=-35),
            ended=t(minutes=-33),
            bytes_billed=TIB,
            parent_job_id="script_parent",
        ),
    )


def reservations() -> ReservationsData:
    """Two reservations (Enterprise with autoscale, Standard), a commitment, two assignments, slot use."""
    prod = Reservation(
        name="projects/admin-proj/locations/US/reservations/prod",
        project="admin-proj",
        location="US",
        reservation_id="prod",
        slot_capacity=100,
        autoscale_max_slots=200,
        autoscale_current_slots=50,
        edition="ENTERPRISE",
    )
    adhoc = Reservation(
        name="projects/admin-proj/locations/US/reservations/adhoc",
        project="admin-proj",
        location="US",
        reservation_id="adhoc",
        slot_capacity=0,
        autoscale_max_slots=100,
        autoscale_current_slots=100,
        edition="STANDARD",
    )
    return ReservationsData(
        reservations=(prod, adhoc),
        commitments=(
            Commitment(
                name="projects/admin-proj/locations/US/capacityCommitments/c1",
                project="admin-proj",
                location="US",
                commitment_id="c1",
                slot_count=100,
                plan="ANNUAL",
                renewal_plan="ANNUAL",
                edition="ENTERPRISE",
                start=datetime(2026, 1, 1, tzinfo=UTC),
                end=datetime(2027, 1, 1, tzinfo=UTC),
            ),
        ),
        assignments=(
            Assignment(name="a1", reservation_id="prod", assignee="projects/acme-etl"),
            Assignment(name="a2", reservation_id="adhoc", assignee="projects/acme-analytics"),
        ),
        slot_usage=(
            series("slots/allocated", "prod", [80, 120, 140]),
            series("slots/allocated", "adhoc", [10, 20, 30]),
        ),
    )


def clusters() -> DataprocData:
    """A running cluster with a TTL, an idle one without, one in ERROR, one DELETING (not billed)."""

    def groups(master: str, workers: str, n: int, secondary: int = 0) -> tuple[NodeGroup, ...]:
        out = [
            NodeGroup(role="master", count=1, machine_type=master),
            NodeGroup(role="worker", count=n, machine_type=workers),
        ]
        if secondary:
            out.append(
                NodeGroup(role="secondary", count=secondary, machine_type=workers, preemptibility="SPOT")
            )
        return tuple(out)

    uri = "https://www.googleapis.com/compute/v1/projects/acme-etl/zones/us-central1-b/machineTypes/"
    return DataprocData(
        clusters=(
            Cluster(
                project="acme-etl",
                region="us-central1",
                name="etl-nightly",
                state="RUNNING",
                created=t(hours=-8),
                groups=groups(uri + "n2-standard-8", uri + "n2-highmem-8", 2, secondary=1),
                idle_delete_ttl_s=3600,
            ),
            Cluster(
                project="acme-analytics",
                region="us-central1",
                name="adhoc-spark",
                state="RUNNING",
                created=t(hours=-30),
                groups=groups("n2-standard-4", "n2-standard-4", 2),
                idle_since=t(hours=-5),
            ),
            Cluster(
                project="acme-etl",
                region="europe-west1",
                name="ml-features",
                state="ERROR",
                created=t(hours=-4),
                groups=groups("e2-standard-4", "e2-highmem-4", 1),
                detail=f"Initialization action failed {MARKUP} {ESC}[2J | see `log`",
            ),
            Cluster(
                project="acme-analytics",
                region="us-central1",
                name="reporting-tmp",
                state="DELETING",
                created=t(hours=-2),
                groups=groups("n2-standard-4", "n2-standard-4", 2),
            ),
        ),
        series=(
            series("cluster/yarn/apps", "etl-nightly", [5, 6]),
            series("cluster/yarn/allocated_memory_percentage", "etl-nightly", [50, 55.5]),
            series("cluster/yarn/apps", "adhoc-spark", [0, 0]),
        ),
    )


def dataflow() -> DataflowData:
    """A streaming job falling behind (Streaming Engine) and a failed batch job, with Monitoring totals."""
    stream = DataflowJob(
        project="acme-etl",
        location="us-central1",
        job_id="2026-11-24_10_30_12-1",
        name="clickstream-enrich",
        job_type="JOB_TYPE_STREAMING",
        state="JOB_STATE_RUNNING",
        created=t(hours=-40),
        started=t(hours=-40),
        streaming_engine=True,
    )
    batch = DataflowJob(
        project="acme-analytics",
        location="us-central1",
        job_id="2026-11-26_05_00_00-2",
        name="customer-360-backfill",
        job_type="JOB_TYPE_BATCH",
        state="JOB_STATE_FAILED",
        state_time=t(hours=-1),
        created=t(hours=-2),
        started=t(hours=-2),
    )
    s, b = stream.job_id, batch.job_id
    return DataflowData(
        jobs=(stream, batch),
        series=(
            series("job/system_lag", s, [60, 600, 1200]),
            series("job/data_watermark_age", s, [90, 700, 1300]),
            series("job/elements_produced_count", s, [1000, 900, 850.5]),
            series("job/current_num_vcpus", s, [8, 8]),
            series("job/total_vcpu_time", s, [3600 * 100, 3600 * 108]),
            series("job/total_memory_usage_time", s, [3600 * 400]),
            series("job/total_pd_usage_time", s, [3600 * 1000]),
            series("job/total_streaming_data_processed", s, [10 * GIB]),
            series("job/current_num_vcpus", b, [16], end=t(hours=-1)),
            series("job/total_vcpu_time", b, [3600 * 16], end=t(hours=-1)),
            series("job/billable_shuffle_data_processed", b, [100 * GIB], end=t(hours=-1)),
        ),
    )


def statuses() -> dict[str, SourceStatus]:
    """Jobs and reservations fine, Dataproc stale with a 503, Dataflow failing with hostile text."""
    return {
        "jobs": SourceStatus(source="jobs", state="ok", updated_at=t(minutes=-0.5), checked_at=AT),
        "reservations": SourceStatus(source="reservations", state="ok", updated_at=t(minutes=-1)),
        "dataproc": SourceStatus(
            source="dataproc",
            state="stale",
            reason="503 UNAVAILABLE: The service is currently unavailable.",
            updated_at=t(minutes=-6),
        ),
        "dataflow": SourceStatus(
            source="dataflow",
            state="ok",
            updated_at=t(minutes=-1),
            warnings=(f"torn line {MARKUP}{ESC}[31m",),
        ),
    }


def snapshot(**changes: object) -> Snapshot:
    """The full hand-built snapshot; keyword arguments replace fields."""
    base = Snapshot(
        at=AT,
        mode="demo",
        projects=("acme-analytics", "acme-etl"),
        regions=("us-central1", "europe-west1"),
        jobs=jobs(),
        reservations=reservations(),
        dataproc=clusters(),
        dataflow=dataflow(),
        statuses=statuses(),
    )
    return msgspec.structs.replace(base, **changes)


def render(renderable: object, width: int = 160) -> str:
    """What a renderable prints on a plain console of ``width`` columns."""
    from io import StringIO

    from rich.console import Console

    console = Console(
        width=width, file=StringIO(), color_system=None, markup=False, emoji=False, highlight=False
    )
    console.print(renderable)
    out = console.file.getvalue()
    assert isinstance(out, str)
    return out
