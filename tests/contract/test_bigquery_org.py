"""Organisation mode against a fake BigQuery that evaluates the SQL (:mod:`.fake_bq_sql`: sqlglot to
DuckDB on rows of the documented JOBS columns): one query per location in the first project, the totals
grouped in BigQuery by hour and dimension, the script parent left out, a folder's scope, incremental hours,
and a denied organisation view falling back to the projects' own views with a warning."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest

from dashboard.backends.base import Poll
from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store
from dashboard.config import TimeoutsConfig
from dashboard.models import JobsData
from dashboard.models_aggregates import Bucket
from dashboard.parsers import parse_poll
from dashboard.sources.jobs import org_sql
from dashboard.sources.jobs.aggregates import estimated_usd, totals

from .fake_bq_sql import JobsSql, SqlFakeRest
from .fake_rest import bq_config

pytestmark = pytest.mark.timeout(60)

T0 = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
TIB = 2**40
ORG = "123456789012"
ANA = "ana@acme.example"
WORKFORCE = "principal://iam.googleapis.com/locations/global/workforcePools/acme-pool/subject/raj"
RESERVATION = "acme-admin:EU.bi-reservation"


def row(project: str, job_id: str, created: datetime, **columns: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "location": "EU",
        "project_id": project,
        "project_number": 400000000001 if project == "acme-etl" else 400000000002,
        "job_id": job_id,
        "creation_time": created,
        "start_time": created + timedelta(seconds=2),
        "end_time": created + timedelta(seconds=62),
        "user_email": ANA,
        "job_type": "QUERY",
        "statement_type": "SELECT",
        "priority": "INTERACTIVE",
        "state": "DONE",
        "total_bytes_processed": 0,
        "total_bytes_billed": 0,
        "total_slot_ms": 0,
        "cache_hit": False,
        "labels": [],
        "folder_numbers": ["4455"] if project == "acme-etl" else ["7788", "4455"],
    }
    return base | columns


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 26, hour, minute, tzinfo=UTC)


ROWS = [
    row(
        "acme-etl",
        "etl_1",
        at(8, 10),
        total_bytes_billed=2 * TIB,
        total_slot_ms=3_600_000,
        labels=[{"key": "team", "value": "etl"}],
    ),
    row(
        "acme-etl",
        "etl_2",
        at(8, 40),
        total_slot_ms=1_000,
        labels=[{"key": "team", "value": "etl"}],
        error_result={"reason": "invalidQuery", "location": "q", "debug_info": "", "message": "Syntax error"},
    ),
    row(
        "acme-bi",
        "bi_1",
        at(8, 20),
        user_email=None,
        principal_subject=WORKFORCE,
        reservation_id=RESERVATION,
        total_bytes_billed=1 * TIB,
        total_slot_ms=7_200_000,
        labels=[{"key": "team", "value": "bi"}],
    ),
    row(
        "acme-bi",
        "bi_queued",
        at(9, 25),
        user_email="bob@acme.example",
        state="PENDING",
        start_time=None,
        end_time=None,
    ),
    row(
        "acme-etl",
        "script_1",
        at(9, 5),
        statement_type="SCRIPT",
        job_type="QUERY",
        total_bytes_billed=3 * TIB,
        total_slot_ms=9_000,
    ),
    row(
        "acme-etl",
        "script_1_a",
        at(9, 5),
        parent_job_id="script_1",
        total_bytes_billed=1 * TIB,
        total_slot_ms=4_000,
    ),
    row(
        "acme-etl",
        "script_1_b",
        at(9, 6),
        parent_job_id="script_1",
        statement_type="INSERT",
        total_bytes_billed=2 * TIB,
        total_slot_ms=5_000,
    ),
    row("acme-etl", "too_old", at(2, 0), total_bytes_billed=50 * TIB),  # before 03:00, the window's start
    row("acme-etl", "us_1", at(8, 0), location="US", total_bytes_billed=4 * TIB),
]


class StepClock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def jobs() -> JobsSql:
    return JobsSql(rows=list(ROWS), parents={"acme-etl": "4455", "acme-bi": "7788"})


@pytest.fixture
def fake(jobs: JobsSql) -> Iterator[SqlFakeRest]:
    server = SqlFakeRest(jobs)
    with server:
        yield server


def backend(fake: SqlFakeRest, clock: StepClock, **scope: str) -> LiveBackend:
    config = bq_config(fake.url, projects=("acme-etl", "acme-bi"), bigquery_locations=["EU", "US"], **scope)
    # DuckDB evaluates each query: more time than a canned answer takes, on a busy machine too
    config = msgspec.structs.replace(config, timeouts=TimeoutsConfig(call=10.0, retry_deadline=10.0))
    return LiveBackend(config, clock)


def poll(live: LiveBackend) -> JobsData:
    [result] = live.poll("jobs", force=True)
    assert result.error is None, result.error
    assert isinstance(result.data, JobsData)
    return result.data


def bucket(data: JobsData, dim: str, key: str | None, hour: int = 8) -> Bucket:
    assert data.aggregates is not None
    [found] = [
        b
        for b in data.aggregates.buckets
        if b.location == "EU" and b.dim == dim and b.key == key and b.hour == at(hour, 0)
    ]
    return found


def test_one_query_per_location_in_the_first_project_with_the_totals_grouped_by_bigquery(
    fake: SqlFakeRest, jobs: JobsSql
) -> None:
    data = poll(backend(fake, StepClock(), organization=ORG))
    assert [r.method for r in fake.log] == ["POST", "POST"]  # no jobs.list: the query lists the active jobs
    assert [(r.project, r.location, r.view) for r in jobs.ran] == [
        ("acme-etl", "EU", "JOBS_BY_ORGANIZATION"),
        ("acme-etl", "US", "JOBS_BY_ORGANIZATION"),
    ]
    request = fake.log[0].body
    assert "`acme-etl`.`region-eu`.INFORMATION_SCHEMA.JOBS_BY_ORGANIZATION" in request["query"]
    assert request["labels"] == {"gcpdash-query": "jobs-org", "gcpdash-scope": f"organization-{ORG}"}
    assert jobs.ran[0].params == {"since": at(3, 0), "top_k": 25, "top_jobs": 100, "max_active": 500}
    # 08:00 in EU: etl_1 (2 TiB on demand, 1 h of slots), etl_2 (failed), bi_1 (1 TiB, on a reservation)
    total = bucket(data, "total", "")
    assert (total.jobs, total.failures) == (3, 1)
    assert total.bytes_billed == 2 * TIB + 0 + 1 * TIB
    assert total.ondemand_bytes == 2 * TIB  # bi_1 ran on a reservation: no on-demand bytes
    assert total.slot_ms == 3_600_000 + 1_000 + 7_200_000
    ana = bucket(data, "principal", ANA)
    assert (ana.jobs, ana.failures, ana.ondemand_bytes) == (2, 1, 2 * TIB)
    assert bucket(data, "principal", WORKFORCE).slot_ms == 7_200_000  # no user_email: its principal_subject
    assert bucket(data, "project", "acme-bi").jobs == 1
    assert bucket(data, "reservation", RESERVATION).bytes_billed == 1 * TIB
    assert bucket(data, "reservation", "").jobs == 2  # on demand
    assert bucket(data, "label", "team=etl").jobs == 2
    # 09:00: the script's two children (1 + 2 TiB) and the queued job; not the parent (3 TiB again)
    nine = bucket(data, "total", "", hour=9)
    assert (nine.jobs, nine.ondemand_bytes) == (3, 1 * TIB + 2 * TIB)
    assert estimated_usd(nine.ondemand_bytes, 6.25) == pytest.approx(3 * 6.25)  # 3 TiB × $6.25/TiB
    # the US query saw only us_1; too_old is before the window's 03:00
    assert data.aggregates is not None
    us = [b for b in data.aggregates.buckets if b.location == "US" and b.dim == "total"]
    assert [(b.hour, b.jobs, b.bytes_billed) for b in us] == [(at(8, 0), 1, 4 * TIB)]
    listed = sorted(j.job_id for j in data.jobs)
    assert listed == ["bi_1", "bi_queued", "etl_1", "etl_2", "script_1_a", "script_1_b", "us_1"]
    [queued] = [j for j in data.jobs if j.job_id == "bi_queued"]
    assert (queued.state, queued.location, queued.principal) == ("PENDING", "EU", "bob@acme.example")


def test_keys_past_the_top_k_are_one_remainder_row(
    fake: SqlFakeRest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(org_sql, "TOP_K", 1)
    data = poll(backend(fake, StepClock(), organization=ORG))
    assert bucket(data, "principal", ANA).jobs == 2  # the costliest principal (2 TiB on demand)
    rest = bucket(data, "principal", None)
    assert (rest.jobs, rest.slot_ms) == (1, 7_200_000)  # the workforce principal, in the remainder
    assert data.aggregates is not None
    rows = totals(data.aggregates, "principal")
    assert [t.key for t in rows] == [ANA, None]


def test_a_folder_reads_the_first_projects_parent_folder(fake: SqlFakeRest, jobs: JobsSql) -> None:
    jobs.parents["acme-etl"] = "7788"  # acme-bi's folder; acme-etl's rows are in 4455 only
    data = poll(backend(fake, StepClock(), folder="7788"))
    assert {r.view for r in jobs.ran} == {"JOBS_BY_FOLDER"}
    assert fake.log[0].body["labels"]["gcpdash-scope"] == "folder-7788"
    assert bucket(data, "total", "").jobs == 1  # bi_1 only
    assert data.aggregates is not None
    assert {b.key for b in data.aggregates.buckets if b.dim == "project"} == {"acme-bi"}


def test_later_polls_read_from_the_previous_hour_and_keep_the_older_hours(
    fake: SqlFakeRest, jobs: JobsSql
) -> None:
    clock = StepClock()
    live = backend(fake, clock, organization=ORG)
    store = live_store(live)
    store.apply(Poll(source="jobs", t=clock.at, data=poll(live)))
    jobs.rows.append(row("acme-etl", "etl_late", at(10, 1), total_bytes_billed=5 * TIB))
    clock.at = at(10, 5)
    second = poll(live)
    assert [r.params["since"] for r in jobs.ran[2:]] == [at(9, 0), at(9, 0)]  # queued bi_queued is at 09:25
    assert second.aggregates is not None
    assert {b.hour for b in second.aggregates.buckets} == {at(9, 0), at(10, 0)}
    store.apply(Poll(source="jobs", t=clock.at, data=second))
    kept = store.snapshot(clock.at).job_aggregates
    assert kept is not None
    hours = sorted({b.hour for b in kept.buckets if b.location == "EU" and b.dim == "total"})
    assert hours == [at(8, 0), at(9, 0), at(10, 0)]  # 08:00 from the first poll, kept
    eu = [t for t in totals(kept, "total") if t.key == ""]
    assert sum(t.ondemand_bytes for t in eu) == (2 + 3 + 5 + 4) * TIB  # EU 2 + 3 + 5, US 4


def test_a_denied_organisation_view_falls_back_to_each_projects_jobs(
    fake: SqlFakeRest, jobs: JobsSql
) -> None:
    jobs.denied.add("JOBS_BY_ORGANIZATION")
    data = poll(backend(fake, StepClock(), organization=ORG))
    assert sorted((r.project, r.location, r.view) for r in jobs.ran) == [  # the projects side by side
        ("acme-bi", "EU", "JOBS"),
        ("acme-bi", "US", "JOBS"),
        ("acme-etl", "EU", "JOBS"),
        ("acme-etl", "US", "JOBS"),
    ]
    denied = [r for r in fake.log if "JOBS_BY_ORGANIZATION" in str(r.body.get("query"))]
    assert len(denied) == 2  # tried in each location, answered 403 (not billed), then the projects' views
    assert data.aggregates is None
    assert any("JOBS_BY_ORGANIZATION not read: 403" in w for w in data.warnings), data.warnings
    assert "script_1" in {j.job_id for j in data.jobs}  # project mode: the history rows as they are


def test_a_recording_of_an_organisation_replays_with_its_totals(fake: SqlFakeRest, tmp_path: Path) -> None:
    from dashboard.recording.format import FORMAT_NAME, FORMAT_VERSION, Manifest
    from dashboard.recording.reader import read_recording
    from dashboard.recording.writer import RecordingWriter

    live = backend(fake, StepClock(), organization=ORG)
    poll(live)
    path = tmp_path / "rec"
    manifest = Manifest(
        format=FORMAT_NAME,
        version=FORMAT_VERSION,
        recorded_at=T0,
        projects=["acme-etl", "acme-bi"],
        regions=["europe-west4"],
        sources=["jobs"],
    )
    with RecordingWriter(path, manifest) as writer:
        for exchange in live.last_exchanges["jobs"]:
            writer.write(exchange)
    [recorded] = read_recording(path).polls["jobs"]
    [first, _] = recorded.exchanges  # EU, then US: each one page, the REST response as BigQuery sent it
    assert first.response is not None
    assert [f["name"] for f in first.response["schema"]["fields"]][:4] == ["kind", "hour", "dim", "key"]
    assert all(isinstance(c["v"], str | None | dict | list) for r in first.response["rows"] for c in r["f"])
    replayed = parse_poll("jobs", recorded.exchanges)
    assert isinstance(replayed, JobsData)
    assert bucket(replayed, "principal", ANA).ondemand_bytes == 2 * TIB
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "--once", "--replay", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode in (0, 2), result.stderr
    assert "bi_queued" in result.stdout


def test_the_panes_tables_and_totals_come_from_the_aggregates(fake: SqlFakeRest) -> None:
    from dashboard.cost import estimate
    from dashboard.views.collect import jobs_section

    clock = StepClock()
    live = backend(fake, clock, organization=ORG)
    store = live_store(live)
    store.apply(Poll(source="jobs", t=clock.at, data=poll(live)))
    snapshot = store.snapshot(clock.at)
    section = jobs_section(snapshot, clock.at)
    assert section.total == 3 + 3 + 1  # EU 08:00 and 09:00, US 08:00: BigQuery's counts, not the jobs listed
    ana = next(g for g in section.by_principal if g.principal == ANA)
    # etl_1 2 TiB + script_1_a 1 TiB + script_1_b 2 TiB + us_1 4 TiB = 9 TiB on demand, × $6.25/TiB
    assert (ana.jobs, ana.failed) == (2 + 2 + 1, 1)
    assert ana.cost_usd == pytest.approx(9 * 6.25)
    raj = next(g for g in section.by_principal if g.principal == WORKFORCE)
    assert raj.cost_usd == 0.0  # on a reservation
    assert raj.slot_hours == pytest.approx(2.0)  # 7,200,000 slot-ms
    cost = estimate(snapshot)
    line = cost.service("bigquery_on_demand")
    assert line.window_spend_usd == pytest.approx((2 + 3 + 4) * 6.25)  # EU 2 + 3 TiB, US 4 TiB
    assert line.items == 7
    by_project = {a.key: a.usd for a in cost.on_demand_by if a.dimension == "project"}
    assert by_project == {"acme-etl": pytest.approx(9 * 6.25)}  # acme-bi's one job was on a reservation
    from dashboard.sources.jobs.overview import overview_fields

    counts = overview_fields(snapshot)
    assert (counts["bigquery_jobs_total"], counts["bigquery_jobs_failed"]) == (7, 1)  # etl_2 failed


def test_check_names_the_view_and_the_role_and_shows_the_denial(fake: SqlFakeRest, jobs: JobsSql) -> None:
    from dashboard.backends.gcp.check import report_lines

    jobs.denied.add("JOBS_BY_ORGANIZATION")
    live = backend(fake, StepClock(), organization=ORG)
    [result] = live.poll("jobs", force=True)
    text = "\n".join(report_lines(live.config, "anonymous", ("acme-etl", "acme-bi"), [result], "test"))
    assert "jobs: readable (with gaps)" in text
    assert "JOBS_BY_ORGANIZATION not read: 403" in text
    assert (
        "`acme-etl`.`region-LOCATION`.INFORMATION_SCHEMA.JOBS_BY_ORGANIZATION, one query per location" in text
    )
    assert f"roles/bigquery.resourceViewer (bigquery.jobs.listAll) on organizations/{ORG}" in text
    assert "first poll (and each gcpdash --once): 2 organisation queries, one per location" in text


def test_check_of_a_folder_says_it_is_the_first_projects_parent_folder() -> None:
    from dashboard.config import Config, GcpConfig
    from dashboard.sources.jobs.check import check_lines

    config = Config(gcp=GcpConfig(projects=["acme-etl"], folder="7788", bigquery_locations=["EU"]))
    text = "\n".join(check_lines(config, ("acme-etl",)))
    assert "INFORMATION_SCHEMA.JOBS_BY_FOLDER" in text
    assert "the parent folder of project acme-etl and its subfolders (configured: folder 7788)" in text
    assert "on folders/7788" in text


def test_drop_labels_drops_the_label_totals_keys(fake: SqlFakeRest) -> None:
    from dashboard.recording.redact import Redactor

    live = backend(fake, StepClock(), organization=ORG)
    poll(live)
    redactor = Redactor(drop_labels=True, emails=False)
    redacted = [redactor.exchange(ex) for ex in live.last_exchanges["jobs"]]
    data = parse_poll("jobs", redacted)
    assert isinstance(data, JobsData)
    assert data.aggregates is not None
    labels = [b for b in data.aggregates.buckets if b.dim == "label"]
    assert {b.key for b in labels} == {None}
    assert sum(b.jobs for b in labels if b.location == "EU" and b.hour == at(8, 0)) == 3  # etl, etl, bi
    assert redacted[0].request["labels"]["gcpdash-scope"] == f"organization-{ORG}"


def test_the_rows_a_poll_returns_are_bounded_whatever_the_job_count(fake: SqlFakeRest, jobs: JobsSql) -> None:
    many = [
        row("acme-etl", f"crowd_{n}", at(7, n % 60), user_email=f"user{n}@acme.example", total_bytes_billed=n)
        for n in range(1, 301)
    ]
    jobs.rows.extend(many)
    data = poll(backend(fake, StepClock(), organization=ORG))
    [eu] = [r for r in jobs.ran if r.location == "EU"]
    # 07:00 (300 principals), 08:00, 09:00: at most 5 dimensions x (25 + the remainder) an hour; the top 100
    # finished jobs and the queued one
    assert eu.rows <= 3 * 5 * (25 + 1) + 100 + 1
    assert data.aggregates is not None
    seven = [b for b in data.aggregates.buckets if b.hour == at(7, 0) and b.dim == "principal"]
    assert len(seven) == 25 + 1
    rest = next(b for b in seven if b.key is None)
    assert rest.jobs == 300 - 25
    assert rest.ondemand_bytes == sum(range(1, 276))  # the 275 cheapest: 1 … 275 bytes
    assert next(b for b in seven if b.key == "user300@acme.example").ondemand_bytes == 300


def test_the_cost_window_starts_at_the_oldest_hour_bucket() -> None:
    from dashboard.cost import estimate
    from dashboard.models import Snapshot
    from dashboard.models_aggregates import AggWindow, JobAggregates

    # 1 TiB on demand at 03:00, no job listed (none active, none among the costliest any more)
    old = Bucket(location="EU", hour=at(3, 0), dim="total", key="", jobs=4, ondemand_bytes=TIB)
    aggregates = JobAggregates(
        scope="organization",
        scope_id=ORG,
        view="JOBS_BY_ORGANIZATION",
        windows=(AggWindow(location="EU", since=at(3, 0)),),
        buckets=(old,),
    )
    cost = estimate(Snapshot(at=T0, job_aggregates=aggregates))
    assert cost.window_start == at(3, 0)
    assert cost.service("bigquery_on_demand").window_spend_usd == pytest.approx(6.25)  # 1 TiB × $6.25


def test_merging_replaces_the_hours_read_again_and_drops_those_past_the_window() -> None:
    from dashboard.models_aggregates import AggWindow, JobAggregates
    from dashboard.sources.jobs.aggregates import merge_aggregates

    def agg(since: datetime, *buckets: Bucket) -> JobAggregates:
        windows = (AggWindow(location="EU", since=since),)
        return JobAggregates(
            scope="organization", scope_id=ORG, view="JOBS_BY_ORGANIZATION", windows=windows, buckets=buckets
        )

    def total(hour: int, jobs: int, location: str = "EU") -> Bucket:
        return Bucket(location=location, hour=at(hour, 0), dim="total", key="", jobs=jobs)

    old = agg(at(5, 0), total(5, 1), total(6, 2), total(7, 3), total(7, 9, "US"))
    merged = merge_aggregates(old, agg(at(7, 0), total(7, 4), total(8, 5)), keep_from=at(6, 30))
    # 05:00 is before the window (kept from 06:00); 06:00 kept; EU 07:00 replaced; US untouched
    assert sorted((b.location, b.hour.hour, b.jobs) for b in merged.buckets) == [
        ("EU", 6, 2),
        ("EU", 7, 4),
        ("EU", 8, 5),
        ("US", 7, 9),
    ]


def test_an_active_job_that_ended_cheaply_leaves_the_list(
    fake: SqlFakeRest, jobs: JobsSql, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = StepClock()
    live = backend(fake, clock, organization=ORG)
    store = live_store(live)
    first = poll(live)
    assert first.running_keys is not None
    assert {k.split(".")[-1] for k in first.running_keys} == {"bi_queued"}
    store.apply(Poll(source="jobs", t=clock.at, data=first))
    queued = next(r for r in jobs.rows if r["job_id"] == "bi_queued")
    queued.update(state="DONE", start_time=at(9, 40), end_time=at(9, 41))  # done, 0 bytes: not among the top
    monkeypatch.setattr(org_sql, "TOP_JOBS", 1)
    clock.at = at(10, 5)
    store.apply(Poll(source="jobs", t=clock.at, data=poll(live)))
    listed = {j.job_id: j.state for j in store.snapshot(clock.at).jobs}
    assert "bi_queued" not in listed  # not left as PENDING: its figures are in the 09:00 buckets
    assert listed["etl_1"] == "DONE"  # the first poll's costliest stay
