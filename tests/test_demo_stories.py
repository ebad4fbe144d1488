"""What the bundled demo recording shows: its stories, and hostile text byte for byte."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

import pytest
from demo_helpers import (
    DEMO,
    END,
    SOURCES,
    START,
    by_method,
    exchanges,
    history_rows,
    latest_rows,
    once,
    once_json,
)

from dashboard.recording import format as fmt
from demogen.hostile import HOSTILE_JOB_IDS, HOSTILE_PLACES, HOSTILE_STRINGS, INIT_ACTION, LONG_QUERY

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
    bi_bytes: dict[str, list[float]] = defaultdict(list)
    for e in by_method("reservations", fmt.MON_LIST_TIME_SERIES):
        for series in e["response"].get("timeSeries", []):
            values = [p["value"]["doubleValue"] for p in series["points"]]
            if series["metric"]["type"].startswith("bigquerybiengine.googleapis.com/"):
                assert (e["request"]["name"], series["resource"]["labels"]["location"]) == (
                    "projects/acme-analytics",
                    "us-central1",
                )
                bi_bytes[series["metric"]["type"].rsplit("/", 1)[-1]] += values
            else:
                used[series["metric"]["labels"]["reservation"]] += values
    assert max(used["prod"]) >= 999
    assert statistics.median(used["adhoc"]) < 50
    # BI Engine: acme-analytics' 8 GiB in us-central1, near full (about 7.9 GiB used); none anywhere else
    gib = 2**30
    sized = {
        e["request"]["name"]: int(e["response"].get("size", "0"))
        for e in by_method("reservations", fmt.RES_GET_BI_RESERVATION)
    }
    assert len(sized) == 6  # 2 projects x (US, us-central1, europe-west1)
    assert {n for n, size in sized.items() if size} == {
        "projects/acme-analytics/locations/us-central1/biReservation"
    }
    assert max(sized.values()) == 8 * gib
    assert set(bi_bytes["total_bytes"]) == {8.0 * gib}
    assert 7.8 * gib < statistics.median(bi_bytes["used_bytes"]) < 8.0 * gib


@pytest.mark.timeout(120)
def test_bi_engine_story_in_once() -> None:
    """``--once --demo``: the BI Engine table of the Slots section, in JSON and text, and its insight."""
    doc = once_json()
    (bi,) = doc["reservations"]["bi_reservations"]
    assert (bi["project"], bi["location"], bi["size_gib"]) == ("acme-analytics", "us-central1", 8.0)
    assert 7.8 < bi["used_gib"] < 8.0
    assert bi["use_pct"] >= 95
    assert bi["usd_per_hour"] == pytest.approx(8 * 0.0416)  # 8 GiB x $0.0416/GiB-hour
    assert bi["preferred_tables"] == [
        "acme-analytics.marts.daily_revenue",
        "acme-analytics.marts.sessions_by_day",
    ]
    rules = {(i["rule"], i["resource"]) for i in doc["insights"]}
    assert ("reservations.bi_full", "acme-analytics/us-central1") in rules
    assert ("reservations.bi_unused", "acme-analytics/us-central1") not in rules
    line = next(s for s in doc["cost"]["services"] if s["service"] == "bi_engine")
    assert line["burn_rate_usd_per_hour"] == pytest.approx(8 * 0.0416)
    text = once("--width", "200")
    section = text[text.index("BI Engine\nPROJECT") :]
    row = next(r for r in section.splitlines() if r.startswith("acme-analytics"))
    assert row.split()[:5] == ["acme-analytics", "us-central1", "8.0", "7.9", "98%"]
    assert "$0.33/h" in row


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


def test_bqml_story_in_once() -> None:
    """acme-analytics retrains ``churn.model_v3`` every hour at :12 by mistake, on demand (CREATE_MODEL,
    BOOSTED_TREE_CLASSIFIER, ~40 GiB billed each): its own cost line at the model-creation rate and the
    insight, in ``--once --demo``."""
    doc = once_json()
    start = doc["cost"]["window_start"]
    runs = [
        r
        for r in latest_rows().values()
        if r["statement_type"] == "CREATE_MODEL"
        and r["state"] == "DONE"
        and r["end_time"].isoformat() >= start
    ]
    # nine runs ended in the window (00:12 ... 08:12), each 38-42 GiB billed on demand
    assert len(runs) == 9
    assert all(
        r["reservation_id"] is None and 38 * 2**30 <= r["total_bytes_billed"] <= 42 * 2**30 for r in runs
    )
    [ml] = [s for s in doc["cost"]["services"] if s["service"] == "bigquery_ml"]
    # bytes billed / 2^40 x $312.50 (the shipped, unconfirmed model-creation rate): ~9 x $12.2 = ~$110
    assert ml["window_spend_usd"] == pytest.approx(sum(r["total_bytes_billed"] for r in runs) / 2**40 * 312.5)
    assert (ml["items"], ml["confidence"]) == (9, "low")
    # the last run (08:12) ended within the trailing hour: the burn rate is its cost
    assert 38 / 1024 * 312.5 <= ml["burn_rate_usd_per_hour"] <= 42 / 1024 * 312.5
    [found] = [i for i in doc["insights"] if i["rule"] == "bigquery.model_retrained"]
    assert found["resource"] == "acme-analytics.churn.model_v3"
    assert found["severity"] == "warning"
    assert "9 CREATE MODEL runs since 00:12 (about every 60 min)" in found["evidence"]
    assert "model type BOOSTED_TREE_CLASSIFIER" in found["evidence"]  # as jobs.list showed it while running


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
