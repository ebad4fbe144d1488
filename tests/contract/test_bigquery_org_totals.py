"""Organisation mode's totals where they show: the panes' tables and the cost estimate, ``--check``, a
recording replayed with ``--once``, ``--drop-labels``, and the merging of hour buckets (:mod:`.org_world`)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from dashboard.backends.base import Poll
from dashboard.backends.gcp.once import live_store
from dashboard.models import JobsData
from dashboard.models_aggregates import Bucket
from dashboard.parsers import parse_poll

from .fake_bq_sql import JobsSql, SqlFakeRest
from .org_world import (
    ANA,
    ORG,
    ROWS,
    T0,
    TIB,
    WORKFORCE,
    StepClock,
    at,
    backend,
    bucket,
    poll,
    row,
)

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def jobs() -> JobsSql:
    # copies of the rows: a test may change one
    return JobsSql(rows=[dict(r) for r in ROWS], parents={"acme-etl": "4455", "acme-bi": "7788"})


@pytest.fixture
def fake(jobs: JobsSql) -> Iterator[SqlFakeRest]:
    server = SqlFakeRest(jobs)
    with server:
        yield server


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
    # on a reservation, its edition not said: 2 slot-hours priced as Enterprise, $0.06 each
    assert raj.cost_usd == pytest.approx(2 * 0.06)
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
    assert "each m in the jobs pane (the next page of further jobs) is one more query per location" in text


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


def test_a_principal_s_reservation_slot_time_is_priced_by_each_job_s_edition() -> None:
    from dashboard.views.collect import jobs_section

    cara = "cara@acme.example"
    rows = [
        row(
            "acme-bi",
            "std_1",
            at(8, 5),
            user_email=cara,
            reservation_id="acme-admin:EU.std",
            edition="STANDARD",
            total_bytes_billed=5 * TIB,
            total_slot_ms=3_600_000,
        ),
        row(
            "acme-bi",
            "plus_1",
            at(8, 15),
            user_email=cara,
            reservation_id="acme-admin:EU.plus",
            edition="ENTERPRISE_PLUS",
            total_slot_ms=7_200_000,
        ),
        row(
            "acme-etl", "od_1", at(8, 25), user_email=cara, total_bytes_billed=1 * TIB, total_slot_ms=900_000
        ),
    ]
    with SqlFakeRest(JobsSql(rows=rows, parents={"acme-etl": "4455", "acme-bi": "7788"})) as fake:
        clock = StepClock()
        live = backend(fake, clock, organization=ORG)
        store = live_store(live)
        store.apply(Poll(source="jobs", t=clock.at, data=poll(live)))
    [group] = jobs_section(store.snapshot(clock.at), clock.at).by_principal
    # 1 slot-hour of Standard at $0.04 + 2 of Enterprise Plus at $0.10 + 1 TiB on demand at $6.25 (the
    # reserved job's 5 TiB bill no bytes, the on-demand job's slot time no slots)
    assert group.principal == cara
    assert group.cost_usd == pytest.approx(0.04 + 2 * 0.10 + 6.25)
    assert group.slot_hours == pytest.approx(3.25)
