"""The live billing source against the fake REST server: the billing export query's request (label,
parameters, byte cap, location, the project it runs in), the exchanges kept (as the demo's billing.jsonl
holds them), a denied export table (the status names the role, the other sources go on), and the source
being ``off`` when no export table is configured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store
from dashboard.config import BillingConfig, Config
from dashboard.models import BillingData
from dashboard.parsers import parse_poll
from dashboard.queries import billing_export_sql
from dashboard.recording import format as fmt
from dashboard.recording.reader import read_recording
from dashboard.store import OFF

from .fake_rest import DEMO, FakeRest, bq_config, load

pytestmark = pytest.mark.timeout(30)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
DEMO_POLL = datetime(2026, 11, 26, 6, 1, 30, tzinfo=UTC)
"""The demo's first billing poll."""
DEMO_BILLING = DEMO.parent / "billing.jsonl"
TABLE = "acme-admin.billing_export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9"
"""The demo's export table (in the demo's recorded query)."""


class StepClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at


def demo_billing() -> list[dict[str, Any]]:
    """The demo's billing.jsonl, line by line."""
    return [json.loads(line) for line in DEMO_BILLING.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeRest]:
    recorded = load()
    billing = load(DEMO_BILLING)
    recorded.query.update(billing.query)
    recorded.results.update(billing.results)
    with FakeRest(recorded) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeRest) -> FakeRest:
    server.clear()
    return server


def billing_config(url: str, **billing: Any) -> Config:
    """The fake's config with ``[billing]`` set."""
    config: Config = bq_config(url)
    return msgspec.structs.replace(config, billing=BillingConfig(**billing))


def queries(fake: FakeRest) -> list[Any]:
    return [r for r in fake.log if r.method == "POST" and r.path.endswith("/queries")]


def test_the_export_query_runs_in_the_tables_project_with_label_parameters_cap_and_location(
    fake: FakeRest,
) -> None:
    config = billing_config(fake.url, export_table=TABLE, location="EU")
    backend = LiveBackend(config, StepClock(DEMO_POLL))
    try:
        [poll] = backend.poll("billing")
    finally:
        backend.close()
    assert poll.error is None, poll.error
    [request] = queries(fake)
    assert request.path == "/bigquery/v2/projects/acme-admin/queries"
    body = request.body
    assert body["labels"] == {"gcpdash-query": "billing-export"}
    assert body["maximumBytesBilled"] == "1000000000"
    assert body["location"] == "EU"
    assert body["query"] == billing_export_sql(TABLE)
    assert body["useLegacySql"] is False
    # the same parameters, on the wire the same way, as the demo's query at the same time
    assert body["queryParameters"] == demo_billing()[0]["request"]["queryParameters"]
    # 06:01 UTC is 22:01 PST on 25 November: November's invoice (from 07:00 UTC on 1 November, 00:00 PDT);
    # per hour the 6 h history and the hour it began in, from 23:00 on 25 November (across midnight);
    # partitions from the UTC midnight 3 days before the invoice month began
    assert {p["name"]: p["parameterValue"]["value"] for p in body["queryParameters"]} == {
        "invoice_month": "202611",
        "hourly_since": "2026-11-25 23:00:00+00:00",
        "partition_since": "2026-10-29 00:00:00+00:00",
    }


def test_the_exchanges_are_kept_as_the_demo_holds_them_and_parse_the_same(fake: FakeRest) -> None:
    backend = LiveBackend(billing_config(fake.url, export_table=TABLE), StepClock(DEMO_POLL))
    try:
        [poll] = backend.poll("billing")
        exchanges = backend.last_exchanges["billing"]
    finally:
        backend.close()
    demo = demo_billing()[0]
    first = exchanges[0]
    assert (first.source, first.api, first.method, first.poll, first.t) == (
        "billing",
        "rest",
        fmt.BQ_JOBS_QUERY,
        1,
        DEMO_POLL,
    )
    assert (first.http_method, first.path, first.status) == ("POST", demo["path"], 200)
    assert first.response == demo["response"]
    assert set(demo["request"]) - {"requestId", "jobCreationMode"} <= set(first.request)  # varies by client
    same = ("labels", "maximumBytesBilled", "queryParameters", "location", "query", "useLegacySql")
    assert {k: first.request[k] for k in same} == {k: demo["request"][k] for k in same}
    assert isinstance(poll.data, BillingData)
    recorded = read_recording(DEMO.parent).polls["billing"][0]
    want = parse_poll("billing", recorded.exchanges)
    assert isinstance(want, BillingData)
    assert poll.data.rows == want.rows
    assert len(poll.data.rows) > 10
    assert poll.data.invoice_month == "202611"
    assert poll.data.exported_through == want.exported_through
    assert poll.data.exported is True


def test_a_denied_export_table_fails_billing_only_and_names_the_role(fake: FakeRest) -> None:
    fake.inject("query", "403", "acme-admin")  # the history queries of the monitored projects still answer
    backend = LiveBackend(billing_config(fake.url, export_table=TABLE), StepClock())
    try:
        [billing] = backend.poll("billing")
        [jobs] = backend.poll("jobs")
    finally:
        backend.close()
    assert billing.data is None
    assert billing.error is not None
    assert "roles/bigquery.dataViewer" in billing.error
    assert jobs.error is None, jobs.error
    assert jobs.data is not None
    store = live_store(backend)
    store.apply(billing)
    store.apply(jobs)
    statuses = store.snapshot(T0).statuses
    assert statuses["billing"].state == "error"
    assert "roles/bigquery.dataViewer" in (statuses["billing"].reason or "")
    assert statuses["jobs"].state == "ok"


def test_without_an_export_table_billing_is_off_and_nothing_is_sent(fake: FakeRest) -> None:
    backend = LiveBackend(bq_config(fake.url), StepClock())
    try:
        assert "billing" not in backend.sources()
        [poll] = backend.poll("billing")
        store = live_store(backend)
        before = store.snapshot(T0).statuses["billing"]
        store.apply(poll)
        after = store.snapshot(T0).statuses["billing"]
    finally:
        backend.close()
    assert fake.log == []
    assert (poll.error_code, poll.data) == (OFF, None)
    for status in (before, after):
        assert status.state == "off"
        assert "set [billing] export_table" in (status.reason or "")


def test_with_an_export_table_billing_is_polled_hourly(fake: FakeRest) -> None:
    clock = StepClock()
    backend = LiveBackend(billing_config(fake.url, export_table=TABLE), clock)
    try:
        assert "billing" in backend.sources()
        assert backend.interval("billing") == 3600.0
        assert len(backend.poll("billing")) == 1
        clock.at = T0.replace(minute=59)
        assert backend.poll("billing") == []
        clock.at = T0.replace(hour=10)
        assert len(backend.poll("billing")) == 1
    finally:
        backend.close()
    assert len(queries(fake)) == 2
    assert live_store(backend).snapshot(T0).statuses["billing"].state == "loading"


def test_a_bad_table_name_is_said_plainly(fake: FakeRest) -> None:
    backend = LiveBackend(billing_config(fake.url, export_table="no-dots-here"), StepClock())
    try:
        [poll] = backend.poll("billing")
    finally:
        backend.close()
    assert poll.data is None
    assert "not a billing export table" in (poll.error or "")
    assert fake.log == []


def test_the_reports_json_says_off(fake: FakeRest) -> None:
    from dashboard.report.json_report import build_document

    backend = LiveBackend(bq_config(fake.url), StepClock())
    try:
        store = live_store(backend)
    finally:
        backend.close()
    document = build_document(store.snapshot(T0))
    assert document.sources["billing"].state == "off"
    assert document.sources["jobs"].state == "loading"


def test_check_says_billing_is_off_or_what_its_query_costs(fake: FakeRest) -> None:
    from dashboard.backends.base import Poll
    from dashboard.backends.gcp.check import report_lines

    off = report_lines(bq_config(fake.url), "anonymous", ("acme-analytics",), [], "no file")
    assert any(line.startswith("billing: off: not configured: set [billing] export_table") for line in off)
    assert not any("billing export queries" in line for line in off)
    config = billing_config(fake.url, export_table=TABLE)
    denied = Poll(source="billing", t=T0, error="403 accessDenied", error_code="403 accessDenied")
    on = report_lines(config, "anonymous", ("acme-analytics",), [denied], "no file")
    assert not any(line.startswith("billing: off") for line in on)
    assert "billing: NOT readable: 403 accessDenied" in on
    assert any("roles/bigquery.dataViewer" in line for line in on)
    assert any(line.strip().startswith("and 720 billing export queries (every 3600s)") for line in on)


def test_the_store_shows_off_until_billing_data_arrives() -> None:
    from dashboard.backends.base import Poll
    from dashboard.store import Store

    store = Store(off={"billing": "not configured: set [billing] export_table"})
    assert store.off == {"billing": "not configured: set [billing] export_table"}
    status = store.snapshot(T0).statuses["billing"]
    assert (status.state, status.reason) == ("off", "not configured: set [billing] export_table")
    store.apply(Poll(source="billing", t=T0, data=BillingData()))
    assert store.off == {}
    assert store.snapshot(T0).statuses["billing"].state == "ok"
    fresh = Store()
    fresh.apply(Poll(source="billing", t=T0, error="not configured", error_code=OFF))
    assert fresh.snapshot(T0).statuses["billing"].state == "off"
    assert fresh.snapshot(T0).statuses["jobs"].state == "loading"
