"""The bundled demo recording (fixtures/demo/) is what Google's APIs send, byte for byte in format, and shows
what it promises: checked with the real client libraries, against the generator, and against its story."""

from __future__ import annotations

import itertools
import json
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery, bigquery_reservation_v1, dataflow_v1beta3, dataproc_v1, monitoring_v3
from google.cloud.bigquery import _helpers
from google.cloud.bigquery.schema import SchemaField
from google.cloud.billing import budgets_v1

from dashboard.queries import (
    BILLING_EXPORT_COLUMNS,
    JOBS_HISTORY_COLUMNS,
    billing_export_sql,
    jobs_history_sql,
)
from dashboard.recording import format as fmt

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "fixtures" / "demo"
SOURCES = ("jobs", "reservations", "dataproc", "dataflow", "billing")
POLLING = {
    "jobs": (timedelta(0), timedelta(seconds=30)),
    "billing": (timedelta(seconds=90), timedelta(hours=1)),
}
"""Per source: its first poll's delay after START and its interval (default: at START, every minute)."""
START = datetime(2026, 11, 26, 6, tzinfo=UTC)
END = START + timedelta(hours=3)

if str(ROOT / "fixtures") not in sys.path:
    sys.path.insert(0, str(ROOT / "fixtures"))
from demogen.hostile import HOSTILE_JOB_IDS, HOSTILE_PLACES, HOSTILE_STRINGS, INIT_ACTION, LONG_QUERY  # noqa: E402

GRPC: dict[str, tuple[Any, Any]] = {
    fmt.BUDGETS_LIST_BUDGETS: (budgets_v1.ListBudgetsRequest, budgets_v1.ListBudgetsResponse),
    fmt.RES_LIST_RESERVATIONS: (
        bigquery_reservation_v1.ListReservationsRequest,
        bigquery_reservation_v1.ListReservationsResponse,
    ),
    fmt.RES_LIST_COMMITMENTS: (
        bigquery_reservation_v1.ListCapacityCommitmentsRequest,
        bigquery_reservation_v1.ListCapacityCommitmentsResponse,
    ),
    fmt.RES_SEARCH_ALL_ASSIGNMENTS: (
        bigquery_reservation_v1.SearchAllAssignmentsRequest,
        bigquery_reservation_v1.SearchAllAssignmentsResponse,
    ),
    fmt.MON_LIST_TIME_SERIES: (monitoring_v3.ListTimeSeriesRequest, monitoring_v3.ListTimeSeriesResponse),
    fmt.DATAPROC_LIST_CLUSTERS: (dataproc_v1.ListClustersRequest, dataproc_v1.ListClustersResponse),
    fmt.DATAFLOW_AGGREGATED_LIST_JOBS: (dataflow_v1beta3.ListJobsRequest, dataflow_v1beta3.ListJobsResponse),
}
GRPC_CODES = {"PERMISSION_DENIED", "UNAVAILABLE", "NOT_FOUND", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED"}


@cache
def exchanges(source: str) -> list[dict[str, Any]]:
    """Every exchange of a source, as plain JSON."""
    with (DEMO / f"{source}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def by_method(source: str, method: str) -> list[dict[str, Any]]:
    return [e for e in exchanges(source) if e["method"] == method]


@cache
def history_rows() -> list[tuple[datetime, dict[str, Any]]]:
    """(poll time, decoded row) of every history row, decoded by google-cloud-bigquery's own row parser."""
    out, schema = [], None
    for e in exchanges("jobs"):
        if e["method"] == fmt.BQ_JOBS_QUERY:
            schema = [SchemaField.from_api_repr(f) for f in e["response"]["schema"]["fields"]]
        elif e["method"] != fmt.BQ_GET_QUERY_RESULTS:
            continue
        assert schema is not None
        poll_time = datetime.fromisoformat(e["t"])
        out += [
            (poll_time, dict(row.items()))
            for row in _helpers._rows_from_json(e["response"].get("rows", []), schema)
        ]
    return out


def latest_rows() -> dict[str, dict[str, Any]]:
    """Each job's row as the last history poll that saw it returned it."""
    return {row["job_id"]: row for _, row in history_rows()}


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
@pytest.mark.parametrize("source", ["reservations", "dataproc", "dataflow"])
def test_grpc_payloads_are_exact_proto_json(source: str) -> None:
    """Strict parse (unknown fields fail), and re-serialising gives the same JSON back."""
    seen: set[tuple[str, str]] = set()
    for e in exchanges(source):
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
        today = t.replace(hour=0, minute=0, second=0)
        assert params == {
            "invoice_month": "202611",
            "hourly_since": today,
            "partition_since": datetime(2026, 10, 29, tzinfo=UTC),
        }
        response = e["response"]
        schema = [SchemaField.from_api_repr(f) for f in response["schema"]["fields"]]
        rows = [dict(row.items()) for row in _helpers._rows_from_json(response["rows"], schema)]
        assert len(rows) == int(response["totalRows"])
        assert "pageToken" not in response
        assert all(list(row) == list(BILLING_EXPORT_COLUMNS) for row in rows)
        exported = {row["exported"] for row in rows}
        assert len(exported) == 1
        assert t - timedelta(hours=1) < exported.pop() < t
        for row in rows:
            assert row["period_start"].tzinfo is UTC
            assert row["hourly"] == (row["period_start"] >= today)
            assert row["gross"] >= 0 >= row["credits"]
            assert row["currency"] == "USD"
        ends = [r["period_start"] + timedelta(hours=1 if r["hourly"] else 24) for r in rows]
        assert max(ends) <= t - timedelta(minutes=40)  # the export lags
        assert min(r["period_start"] for r in rows) == datetime(2026, 11, 1, tzinfo=UTC)
        seen_through.append(max(ends))
    assert seen_through == sorted(seen_through)
    assert len(set(seen_through)) == 3


def test_billing_story_the_estimate_is_checked_against_the_bill() -> None:
    from dashboard.cost import estimate
    from dashboard.replay import load_snapshot

    snapshot, _ = load_snapshot(DEMO, mode="demo")
    bill = estimate(snapshot).billing
    assert bill is not None
    assert bill.invoice_month == "202611"
    assert bill.billed_through == datetime(2026, 11, 26, 7, tzinfo=UTC)
    assert (bill.check_start, bill.check_end) == (
        datetime(2026, 11, 26, 1, tzinfo=UTC),
        datetime(2026, 11, 26, 7, tzinfo=UTC),
    )
    checks = {c.service: c for c in bill.checks}
    assert set(checks) == {"bigquery_on_demand", "bigquery_editions", "dataproc", "dataflow"}
    assert all(c.billed_usd > 0 and c.estimate_usd > 0 for c in checks.values())
    # the bill's sustained-use credit on the clusters' VMs puts the Dataproc estimate above the bill
    assert checks["dataproc"].difference_usd > 0
    services = {s.service: s for s in bill.services}
    assert services["dataproc"].billing_services == ("Cloud Dataproc", "Compute Engine")
    assert services["dataproc"].credits_usd < 0
    assert services["bigquery_on_demand"].credits_usd == -6.25
    assert services["other"].billing_services == ("Cloud Storage",)
    assert [d.day.day for d in bill.days] == list(range(1, 27))
    assert [d.complete for d in bill.days] == [True] * 25 + [False]


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
    assert (platform.source, platform.amount_usd, analysis.amount_usd) == ("budget-api", 35_000, 8_000)
    # the platform budget covers every service: its forecast is the month's; BigQuery analysis only on-demand
    assert platform.forecast_usd == pytest.approx(sum(s.forecast_usd for s in month.services))
    on_demand = next(s for s in month.services if s.service == "bigquery_on_demand")
    assert analysis.forecast_usd == pytest.approx(on_demand.forecast_usd)
    assert platform.over
    assert platform.forecast_usd > 35_000
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
    assert sum(len(b) for b in committed.values()) < 14_000_000


# ---------------------------------------------------------------- what the demo shows


def test_bigquery_story() -> None:
    rows = latest_rows()
    assert len(rows) >= 2000, "thousands of jobs"
    principals = {r["user_email"] for r in rows.values()}
    assert (len(principals) >= 12, sum(p.endswith(".gserviceaccount.com") for p in principals) >= 6) == (
        True,
        True,
    )
    done = [r for r in rows.values() if r["state"] == "DONE"]
    reasons = Counter(r["error_result"]["reason"] for r in done if r["error_result"])
    assert {"invalidQuery", "resourcesExceeded", "accessDenied", "notFound"} <= set(reasons)
    assert sum(bool(r["cache_hit"]) for r in done) > 100
    assert {"QUERY", "LOAD", "COPY", "EXTRACT"} <= {r["job_type"] for r in done}
    scripts = {r["job_id"]: r for r in done if r["statement_type"] == "SCRIPT"}
    children = [r for r in done if r["parent_job_id"] in scripts]
    assert len(children) >= 3 * len(scripts) > 60
    assert all(r["cache_hit"] is None for r in scripts.values())
    queries = [r for r in done if r["job_type"] == "QUERY" and not r["cache_hit"]]
    on_demand = [r for r in queries if r["reservation_id"] is None and r["total_bytes_billed"]]
    assert on_demand
    assert {r["reservation_id"] for r in queries} >= {"acme-admin:US.prod", "acme-admin:US.adhoc"}
    labelled = sum(bool(r["labels"]) for r in done) / len(done)
    assert 0.5 < labelled < 0.97, labelled
    assert Counter(r["query"] for r in done).most_common(1)[0][1] >= 50, "the same SQL, again and again"
    assert max(r["total_bytes_processed"] or 0 for r in done) >= 5 * 2**40
    assert {r["state"] for _, r in history_rows()} == {"PENDING", "RUNNING", "DONE"}


def test_failure_spike() -> None:
    buckets: dict[int, list[bool]] = defaultdict(list)
    for r in latest_rows().values():
        if r["state"] == "DONE" and START <= r["creation_time"] < END:
            buckets[int((r["creation_time"] - START).total_seconds() // 1200)].append(
                r["error_result"] is not None
            )
    rates = {k: sum(v) / len(v) for k, v in buckets.items()}
    worst = max(rates, key=lambda k: rates[k])
    assert START + timedelta(minutes=20 * worst) == START + timedelta(minutes=80)
    assert rates[worst] > 3 * statistics.median(rates.values())


def test_jobs_list_paginates_past_50_running_jobs() -> None:
    lists = by_method("jobs", fmt.BQ_JOBS_LIST)
    follow_ups = [i for i, e in enumerate(lists) if "pageToken" in e["params"]]
    assert len(follow_ups) >= 3
    for i in follow_ups:
        first = lists[i - 1]
        assert len(first["response"]["jobs"]) == 50
        assert first["response"]["nextPageToken"] == lists[i]["params"]["pageToken"]


def test_reservations_story() -> None:
    current: dict[str, list[int]] = defaultdict(list)
    for e in by_method("reservations", fmt.RES_LIST_RESERVATIONS):
        for r in e["response"]["reservations"]:
            rid = r["name"].rsplit("/", 1)[1]
            current[rid].append(int(r["autoscale"].get("currentSlots", "0")))
            expected = {"prod": ("500", "500", "ENTERPRISE"), "adhoc": ("100", "200", "STANDARD")}[rid]
            assert (r["slotCapacity"], r["autoscale"]["maxSlots"], r["edition"]) == expected
    prod = current["prod"]
    assert (len(set(prod)) >= 4, prod[-1] < 500) == (True, True)
    longest = max(len(run) for run in "".join("x" if c == 500 else " " for c in prod).split())
    assert longest >= 10, "autoscale pinned at its maximum for a stretch"
    commitments = by_method("reservations", fmt.RES_LIST_COMMITMENTS)
    denied = [e for e in commitments if e.get("error")]
    assert [e["error"]["code"] for e in denied] == ["PERMISSION_DENIED"]
    assert denied[0]["poll"] < commitments[-1]["poll"]
    for e in commitments:
        if "response" in e:
            (c,) = e["response"]["capacityCommitments"]
            assert (c["slotCount"], c["plan"], c["state"], c["edition"]) == (
                "500",
                "ANNUAL",
                "ACTIVE",
                "ENTERPRISE",
            )
            assert c["commitmentEndTime"] > "2026-11-26"
    assignments = {
        (a["assignee"], a["name"].split("/")[5], a["jobType"])
        for e in by_method("reservations", fmt.RES_SEARCH_ALL_ASSIGNMENTS)
        for a in e["response"]["assignments"]
    }
    assert assignments == {
        ("projects/acme-etl", "prod", "QUERY"),
        ("projects/acme-etl", "prod", "PIPELINE"),
        ("projects/acme-analytics", "adhoc", "QUERY"),
    }
    used: dict[str, list[float]] = defaultdict(list)
    for e in by_method("reservations", fmt.MON_LIST_TIME_SERIES):
        for series in e["response"].get("timeSeries", []):
            used[series["metric"]["labels"]["reservation"]] += [
                p["value"]["doubleValue"] for p in series["points"]
            ]
    assert max(used["prod"]) >= 999
    assert statistics.median(used["adhoc"]) < 50


def _clusters() -> dict[str, list[tuple[int, dict[str, Any] | None]]]:
    seen: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for e in by_method("dataproc", fmt.DATAPROC_LIST_CLUSTERS):
        for c in e["response"].get("clusters", []):
            seen[e["poll"]][c["clusterName"]] = c
    names = {name for poll in seen.values() for name in poll}
    return {name: [(poll, seen[poll].get(name)) for poll in sorted(seen)] for name in names}


def test_dataproc_story() -> None:
    clusters = _clusters()
    assert set(clusters) == {"etl-nightly", "adhoc-spark", "ml-features", "reporting-tmp"}
    for poll, c in clusters["etl-nightly"]:
        assert c is not None
        config = c["config"]
        assert (
            config["lifecycleConfig"]["idleDeleteTtl"],
            config["secondaryWorkerConfig"]["preemptibility"],
        ) == (
            "3600s",
            "SPOT",
        )
        assert config["workerConfig"]["machineTypeUri"].startswith(
            "https://www.googleapis.com/compute/v1/projects/"
        )
        if c["status"]["state"] == "RUNNING":
            assert int(c["metrics"]["yarnMetrics"]["yarn-apps-running"]) > 0, poll
    for _, c in clusters["adhoc-spark"]:
        assert c is not None
        assert (c["status"]["state"], c["metrics"]["yarnMetrics"]["yarn-apps-running"]) == ("RUNNING", "0")
        assert "lifecycleConfig" not in c["config"]
    assert {c["status"]["state"] for _, c in clusters["ml-features"] if c} == {"ERROR"}
    ml = clusters["ml-features"][-1][1]
    assert ml is not None
    assert ml["config"]["initializationActions"][0]["executableFile"] == INIT_ACTION
    assert INIT_ACTION in ml["status"]["detail"]
    states = [c["status"]["state"] if c else None for _, c in clusters["reporting-tmp"]]
    first_gone = states.index(None)
    assert (states[0], "DELETING" in states[:first_gone], set(states[first_gone:])) == (
        "RUNNING",
        True,
        {None},
    )
    apps = [
        p["value"]["doubleValue"]
        for e in by_method("dataproc", fmt.MON_LIST_TIME_SERIES)
        for s in e["response"].get("timeSeries", [])
        if s["resource"]["labels"]["cluster_name"] == "etl-nightly" and s["metric"]["type"].endswith("/apps")
        for p in s["points"]
    ]
    assert len(apps) > 150
    assert min(apps) >= 1


def _points(metric: str, job_id: str) -> list[tuple[str, float]]:
    out = {}
    for e in by_method("dataflow", fmt.MON_LIST_TIME_SERIES):
        for s in e["response"].get("timeSeries", []):
            if s["metric"]["type"].endswith(metric) and s["metric"]["labels"]["job_id"] == job_id:
                for p in s["points"]:
                    value = p["value"]
                    out[p["interval"]["endTime"]] = float(
                        value.get("int64Value", value.get("doubleValue", 0))
                    )
    return sorted(out.items())


def test_dataflow_story() -> None:
    jobs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    lists = by_method("dataflow", fmt.DATAFLOW_AGGREGATED_LIST_JOBS)
    for e in lists:
        for job in e.get("response", {}).get("jobs", []):
            jobs[job["name"]].append(job)
    names = {"clickstream-enrich", "orders-cdc", "iot-ingest", "daily-sales-rollup", "customer-360-backfill"}
    assert set(jobs) == names
    assert {j[-1]["location"] for j in jobs.values()} == {"us-central1", "europe-west1"}
    rollup = [j["currentState"] for j in jobs["daily-sales-rollup"]]
    assert (rollup[0], rollup[-1]) == ("JOB_STATE_PENDING", "JOB_STATE_DONE")
    assert "JOB_STATE_RUNNING" in rollup
    assert jobs["customer-360-backfill"][-1]["currentState"] == "JOB_STATE_FAILED"
    lag = [value for _, value in _points("/system_lag", jobs["clickstream-enrich"][0]["id"])]
    assert lag[-1] > 20 * lag[0] > 0
    assert len(lag) > 200
    hourly = lag[::60]
    assert hourly == sorted(hourly), "lag grows steadily"
    iot = _points("/elements_produced_count", jobs["iot-ingest"][0]["id"])
    last_hour = [v for t, v in iot if t > "2026-11-26T08:00:00Z"]
    assert (len(last_hour) >= 50, set(last_hour)) == (True, {0.0})
    assert min(v for t, v in iot if t < "2026-11-26T08:00:00Z") > 1000
    failed = sorted({e["poll"] for e in lists if e.get("error")})
    assert failed == list(range(failed[0], failed[0] + 3))
    assert {e["error"]["code"] for e in lists if e.get("error")} == {"UNAVAILABLE"}


@pytest.mark.parametrize("source", SOURCES)
def test_the_end_is_healthy(source: str) -> None:
    last = max(e["poll"] for e in exchanges(source))
    assert not [e for e in exchanges(source) if e["poll"] > last - 30 and e.get("error")]


# ---------------------------------------------------------------- hostile text


def test_hostile_strings_are_in_the_recording_byte_exact() -> None:
    import msgspec

    rows = latest_rows()
    assert set(HOSTILE_PLACES) == set(HOSTILE_STRINGS)
    for name, (job_id, _) in HOSTILE_PLACES.items():
        row = rows[job_id]
        texts = [
            row["query"],
            (row["error_result"] or {}).get("message") or "",
            *(x["value"] for x in row["labels"]),
        ]
        assert any(HOSTILE_STRINGS[name] in text for text in texts), name
    raw = (DEMO / "jobs.jsonl").read_bytes()
    for text in HOSTILE_STRINGS.values():
        assert msgspec.json.encode(text)[1:-1] in raw
    assert 18_000 <= len(LONG_QUERY) <= 22_000
    listed = {
        item["jobReference"]["jobId"]: item["configuration"]["query"]["query"]
        for e in by_method("jobs", fmt.BQ_JOBS_LIST)
        for item in e["response"].get("jobs", [])
        if item["jobReference"]["jobId"] in HOSTILE_JOB_IDS
    }
    assert set(listed) == set(HOSTILE_JOB_IDS)
    assert all(listed[job_id] == rows[job_id]["query"] for job_id in HOSTILE_JOB_IDS)
    assert all(rows[job_id]["project_id"] == "acme-analytics" for job_id in HOSTILE_JOB_IDS)
