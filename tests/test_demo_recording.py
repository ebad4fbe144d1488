"""The bundled demo recording (fixtures/demo/) is what Google's APIs send, byte for byte in format, and shows
what it promises: checked with the real client libraries, against the generator, and against its story."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from demo_helpers import (
    DEMO,
    END,
    GRPC,
    GRPC_CODES,
    POLLING,
    ROOT,
    SOURCES,
    START,
    by_method,
    exchanges,
    history_rows,
    latest_rows,
)
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery
from google.cloud.bigquery import _helpers
from google.cloud.bigquery.schema import SchemaField

from dashboard.queries import (
    BILLING_EXPORT_COLUMNS,
    JOBS_HISTORY_COLUMNS,
    billing_export_sql,
    jobs_history_sql,
)
from dashboard.recording import format as fmt

# ---------------------------------------------------------------- the format


def test_manifest() -> None:
    manifest = fmt.MANIFEST_DECODER.decode((DEMO / fmt.MANIFEST).read_bytes())
    assert (manifest.format, manifest.version) == (fmt.FORMAT_NAME, fmt.FORMAT_VERSION)
    assert (manifest.recorded_at, manifest.ended_at) == (START, END)
    where = (manifest.projects, manifest.regions, manifest.bigquery_locations, tuple(manifest.sources))
    assert where == (["acme-analytics", "acme-etl"], ["us-central1", "europe-west1"], ["US"], SOURCES)
    assert not (DEMO / ".keep").exists()


@pytest.mark.parametrize("source", SOURCES)
def test_exchange_lines_decode_and_polls_are_in_order(source: str) -> None:
    lines = (DEMO / f"{source}.jsonl").read_bytes().splitlines()
    decoded = [fmt.EXCHANGE_DECODER.decode(line) for line in lines]
    offset, every = POLLING.get(source, (timedelta(0), timedelta(seconds=60)))
    polls = [e.poll for e in decoded]
    assert polls == sorted(polls)
    assert sorted(set(polls)) == list(range(1, (END - START - offset) // every + 1 + (offset > timedelta(0))))
    for e in decoded:
        assert (e.v, e.source, e.t) == (1, source, START + offset + (e.poll - 1) * every)
        assert (e.response is None) != (e.error is None)
        if e.api == "rest":
            assert (e.http_method in ("GET", "POST"), e.path is not None, e.status) == (True, True, 200)
        else:
            assert (e.method in GRPC, e.http_method) == (True, None)
            assert e.error is None or e.error.code in GRPC_CODES


@pytest.mark.timeout(120)
@pytest.mark.parametrize("source", ["reservations", "dataproc", "dataflow", "pubsub", "dataquality"])
def test_grpc_payloads_are_exact_proto_json(source: str) -> None:
    """Strict parse (unknown fields fail), and re-serialising gives the same JSON back."""
    seen: set[tuple[str, str]] = set()
    for e in exchanges(source):
        if e["api"] == "rest":  # tables.get, checked with the BigQuery client in tests/test_demo_tables.py
            continue
        request_cls, response_cls = GRPC[e["method"]]
        for cls, payload in ((request_cls, e["request"]), (response_cls, e.get("response"))):
            if payload is None:
                continue
            text = json.dumps(payload, ensure_ascii=False)
            if (cls.__name__, text) in seen:
                continue
            seen.add((cls.__name__, text))
            message = cls.from_json(text)
            again = cls.to_json(
                message, use_integers_for_enums=False, indent=None, always_print_fields_with_no_presence=False
            )
            assert json.loads(again) == payload, f"{e['method']} poll {e['poll']}"
    assert len(seen) > 100


# ---------------------------------------------------------------- BigQuery REST


def test_jobs_list_items_build_with_the_client_library() -> None:
    client = bigquery.Client(project="acme-analytics", credentials=AnonymousCredentials())
    kinds: Counter[str] = Counter()
    for e in by_method("jobs", fmt.BQ_JOBS_LIST):
        assert e["params"]["stateFilter"] == "running"
        assert e["params"]["allUsers"] == "True"
        for item in e["response"].get("jobs", []):
            job = client.job_from_resource(item)
            expected = {"query": bigquery.QueryJob, "load": bigquery.LoadJob, "copy": bigquery.CopyJob}
            expected |= {"extract": bigquery.ExtractJob}
            key = next(k for k in expected if k in item["configuration"])
            assert type(job) is expected[key]
            kinds[key] += 1
            assert (job.state, job.location, job.project, job.ended) == (
                "RUNNING",
                "US",
                e["path"].split("/")[4],
                None,
            )
            assert "@" in job.user_email
            assert job.created <= job.started <= datetime.fromisoformat(e["t"])
            if isinstance(job, bigquery.QueryJob):
                assert (bool(job.query), bool(job.statement_type), job.total_bytes_billed) == (
                    True,
                    True,
                    None,
                )
                assert job.priority in ("INTERACTIVE", "BATCH")
                assert job.slot_millis is not None
                assert job.reservation_id in (None, "acme-admin:US.prod", "acme-admin:US.adhoc")
            elif isinstance(job, bigquery.LoadJob | bigquery.CopyJob):
                assert job.destination.table_id
                assert job.source_uris if isinstance(job, bigquery.LoadJob) else job.sources
            else:
                assert job.destination_uris[0].startswith("gs://")
    assert set(kinds) == {"query", "load", "copy", "extract"}


def test_history_query_requests_are_what_the_library_sends() -> None:
    for e in by_method("jobs", fmt.BQ_JOBS_QUERY):
        body = e["request"]
        assert (body["query"], body["labels"]) == (
            jobs_history_sql("US"),
            {fmt.QUERY_LABEL: fmt.JOBS_HISTORY_QUERY},
        )
        assert (body["jobCreationMode"], body["formatOptions"]) == (
            "JOB_CREATION_OPTIONAL",
            {"useInt64Timestamp": True},
        )
        params = {
            p.name: p.value for p in map(bigquery.ScalarQueryParameter.from_api_repr, body["queryParameters"])
        }
        assert (params["until"], params["max_rows"]) == (datetime.fromisoformat(e["t"]), 20000)
        assert params["since"] < params["until"]
    first = {e["path"]: e for e in reversed(by_method("jobs", fmt.BQ_JOBS_QUERY))}
    for e in first.values():
        since = bigquery.ScalarQueryParameter.from_api_repr(e["request"]["queryParameters"][0]).value
        assert since == START - timedelta(hours=6)


def test_history_rows_decode_with_the_library_and_pages_add_up() -> None:
    rows = history_rows()
    assert len(rows) > 2000
    for _, row in rows:
        assert list(row) == list(JOBS_HISTORY_COLUMNS)
        assert row["creation_time"].tzinfo is UTC
        assert row["state"] in ("PENDING", "RUNNING", "DONE")
        assert all(set(label) == {"key", "value"} for label in row["labels"])
        if row["state"] == "DONE":
            assert row["end_time"] >= row["start_time"] >= row["creation_time"]
    first_pages = by_method("jobs", fmt.BQ_JOBS_QUERY)
    for e in first_pages:
        pages = [e] + [
            p
            for p in by_method("jobs", fmt.BQ_GET_QUERY_RESULTS)
            if p["t"] == e["t"] and p["path"].startswith(e["path"])
        ]
        assert sum(len(p["response"].get("rows", [])) for p in pages) == int(e["response"]["totalRows"])
        assert ("pageToken" in e["response"]) == ("jobReference" in e["response"]) == (len(pages) > 1)
        if "jobReference" in e["response"]:  # the job gcpdash's own query made shows up in later history
            own = latest_rows()[e["response"]["jobReference"]["jobId"]]
            assert own["labels"] == [{"key": fmt.QUERY_LABEL, "value": fmt.JOBS_HISTORY_QUERY}]
        for page, following in itertools.pairwise(pages):
            assert following["params"]["pageToken"] == page["response"]["pageToken"]
            assert "schema" not in following["response"]


def test_billing_export_queries_are_what_the_library_sends_and_rows_decode_with_it() -> None:
    from demogen.source_billing import EXPORT_TABLE

    polls = by_method("billing", fmt.BQ_JOBS_QUERY)
    assert len(polls) == 3
    assert [e["method"] for e in exchanges("billing")] == [fmt.BQ_JOBS_QUERY, fmt.BUDGETS_LIST_BUDGETS] * 3
    seen_through = []
    for e in polls:
        body, t = e["request"], datetime.fromisoformat(e["t"])
        assert (body["query"], body["labels"]) == (
            billing_export_sql(EXPORT_TABLE),
            {fmt.QUERY_LABEL: fmt.BILLING_EXPORT_QUERY},
        )
        assert (body["jobCreationMode"], body["formatOptions"], body["parameterMode"]) == (
            "JOB_CREATION_OPTIONAL",
            {"useInt64Timestamp": True},
            "NAMED",
        )
        params = {
            p.name: p.value for p in map(bigquery.ScalarQueryParameter.from_api_repr, body["queryParameters"])
        }
        # per hour the jobs history's 6 h and the hour it began in (across midnight at 06:01); November's
        # invoice began at 07:00 UTC on 1 November (00:00 PDT)
        hourly_since = t.replace(minute=0, second=0) - timedelta(hours=7)
        assert params == {
            "invoice_month": "202611",
            "hourly_since": hourly_since,
            "partition_since": datetime(2026, 10, 29, tzinfo=UTC),
        }
        response = e["response"]
        schema = [SchemaField.from_api_repr(f) for f in response["schema"]["fields"]]
        rows = [dict(row.items()) for row in _helpers._rows_from_json(response["rows"], schema)]
        assert len(rows) == int(response["totalRows"])
        assert "pageToken" not in response
        assert all(list(row) == list(BILLING_EXPORT_COLUMNS) for row in rows)
        # each service's export lags on its own: its newest export time, and its newest hour
        exported = {row["service"]: row["exported"] for row in rows}
        assert all(t - timedelta(hours=3) < e < t for e in exported.values())
        newest = {row["service"]: row["period_start"] for row in rows if row["hourly"]}
        assert newest["BigQuery"] - newest["Cloud Dataflow"] >= timedelta(hours=1)
        for row in rows:
            assert row["period_start"].tzinfo is UTC
            assert row["hourly"] == (row["period_start"] >= hourly_since)
            assert row["gross"] >= 0 >= row["credits"]
            assert row["currency"] == "USD"
        ends = [r["period_start"] + timedelta(hours=1) for r in rows if r["hourly"]]
        assert max(ends) <= t - timedelta(minutes=40)  # the export lags
        assert min(r["period_start"] for r in rows) == datetime(2026, 11, 1, tzinfo=UTC)
        seen_through.append(max(ends))
    assert seen_through == sorted(seen_through)
    assert seen_through[0] < seen_through[-1]


def test_billing_story_the_estimate_is_checked_against_the_bill() -> None:
    from dashboard.cost import estimate
    from dashboard.replay import load_snapshot

    snapshot, _ = load_snapshot(DEMO, mode="demo")
    bill = estimate(snapshot).billing
    assert bill is not None
    assert bill.invoice_month == "202611"
    # at the last poll (08:01) BigQuery is billed to 07:00 (50 min lag; the hourly model retraining ended at
    # 06:15), the reservations and the clusters to 06:00, Dataflow and Cloud Storage only to 05:00: the bill
    # covers every service to 05:00
    through = {t.service: t.billed_through for t in bill.service_through}
    assert through["BigQuery"] == datetime(2026, 11, 26, 7, tzinfo=UTC)
    assert through["Cloud Dataflow"] == datetime(2026, 11, 26, 5, tzinfo=UTC)
    assert bill.billed_through == datetime(2026, 11, 26, 5, tzinfo=UTC)
    checks = {c.service: c for c in bill.checks}
    assert set(checks) == {"bigquery_on_demand", "bigquery_editions", "bi_engine", "dataproc", "dataflow"}
    # every service from the window's first full hour to where its own bill ends
    assert {c.start for c in checks.values()} == {datetime(2026, 11, 26, 1, tzinfo=UTC)}
    assert checks["bigquery_on_demand"].end == datetime(2026, 11, 26, 7, tzinfo=UTC)
    assert checks["dataflow"].end == datetime(2026, 11, 26, 5, tzinfo=UTC)
    assert all(c.billed_usd > 0 and c.estimate_usd > 0 for c in checks.values())
    # the bill is priced from its own SKUs: on-demand bytes (model creation's included: the bill's "BigQuery")
    # agree; the clusters' estimate is above the bill
    assert checks["bigquery_on_demand"].difference_pct == pytest.approx(0, abs=0.5)
    assert checks["dataproc"].difference_usd > 0
    services = {s.service: s for s in bill.services}
    assert services["dataproc"].billing_services == ("Cloud Dataproc", "Compute Engine")
    assert services["bigquery_on_demand"].credits_usd == -6.25
    assert services["other"].billing_services == ("Cloud Storage",)
    # the Storage Read API's reads, about $3 a day, billed only (no estimate checks them)
    reads = services["bigquery_storage_read"]
    assert reads.billing_services == ("BigQuery Storage API - Read",)
    assert 2.0 < reads.mtd_usd / 25.3 < 4.0  # 25 days and 7 hours of November's invoice
    assert "bigquery_storage_read" not in checks
    # BI Engine's 8 GiB, billed every hour, checked against the estimate: the same 8 GiB x $0.0416
    assert checks["bi_engine"].difference_pct == pytest.approx(0, abs=0.5)
    assert [d.day.day for d in bill.days] == list(range(1, 27))
    assert [d.complete for d in bill.days] == [True] * 25 + [False]


def test_the_bill_is_priced_apart_from_the_estimator() -> None:
    import ast

    # the demo's bill comes from its own SKU table: nothing of gcpdash's estimator or price table prices it
    for name in ("source_billing.py", "bill_skus.py"):
        tree = ast.parse((DEMO.parent / "demogen" / name).read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in imported if m.startswith(("dashboard.cost", "dashboard.pricing"))}, name


def test_budget_story_the_platform_budget_is_forecast_to_be_exceeded() -> None:
    from dashboard.cost import estimate
    from dashboard.replay import load_snapshot

    snapshot, _ = load_snapshot(DEMO, mode="demo")
    cost = estimate(snapshot)
    month = cost.month
    assert month is not None
    budgets = {b.name: b for b in cost.budgets}
    assert set(budgets) == {"Data platform - monthly", "BigQuery analysis"}
    platform, analysis = budgets["Data platform - monthly"], budgets["BigQuery analysis"]
    assert (platform.source, platform.amount_usd, analysis.amount_usd) == ("budget-api", 27_000, 8_000)
    # the platform budget covers every service: its forecast is the month's; BigQuery analysis only on-demand
    assert platform.forecast_usd == pytest.approx(sum(s.forecast_usd for s in month.services))
    on_demand = next(s for s in month.services if s.service == "bigquery_on_demand")
    assert analysis.forecast_usd == pytest.approx(on_demand.forecast_usd)
    assert platform.over
    assert platform.forecast_usd > 27_000
    assert not analysis.over
    assert analysis.forecast_usd < 8_000


# ---------------------------------------------------------------- determinism


@pytest.mark.timeout(60)
def test_generator_is_deterministic_and_the_committed_demo_is_its_output(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        out = tmp_path / name
        subprocess.run(
            [sys.executable, str(ROOT / "fixtures" / "generate_demo.py"), "--out", str(out)],
            check=True,
            capture_output=True,
        )
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    committed = {p.name: p.read_bytes() for p in sorted(DEMO.iterdir()) if p.name in outputs[0]}
    assert committed == outputs[0], "fixtures/demo is stale: run python fixtures/generate_demo.py"
    # with Dataproc jobs and batches; the Pub/Sub log (four listings and 16 metric reads a minute): +2.9 MB;
    # the Data Fusion log (two listings every 5 minutes): +0.04 MB; the data-quality log (six scan listings
    # and three job listings every 5 minutes): +0.3 MB; BI Engine (six GetBiReservation and two metric
    # reads every 5 minutes) and Storage Read rows: +0.2 MB; the Vertex AI
    # log (nine calls every 5 minutes): +0.28 MB; the Composer log (four listings, two
    # workload listings and 12 metric reads every 5 minutes): +0.61 MB; the jobs source's catalog entries
    # (six GetEntry every 30 minutes): +0.04 MB; Pub/Sub's per-subscription dead-letter count (one more
    # metric read a minute in each project): +0.2 MB
    assert sum(len(b) for b in committed.values()) < 21_200_000
