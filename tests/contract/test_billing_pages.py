"""The billing export's result over several pages (the fake serves the demo's 189 rows 50 a page): read
whole, it is the same as in one page; when the client's wait for the later pages (``jobs.get``) or a later
page fails, the first page's rows are shown with a warning, never as if they were the whole month."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import msgspec
import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.config import BillingConfig, Config
from dashboard.models import BillingData

from .fake_rest import DEMO, FakeRest, bq_config, load

pytestmark = pytest.mark.timeout(30)

DEMO_POLL = datetime(2026, 11, 26, 6, 1, 30, tzinfo=UTC)
TABLE = "acme-admin.billing_export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9"


class Clock:
    def now(self) -> datetime:
        return DEMO_POLL


@pytest.fixture(scope="module")
def server() -> Iterator[FakeRest]:
    recorded = load()
    billing = load(DEMO.parent / "billing.jsonl")
    recorded.query.update(billing.query)
    with FakeRest(recorded) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeRest) -> FakeRest:
    server.clear()
    return server


def read(fake: FakeRest) -> BillingData:
    config: Config = bq_config(fake.url)
    config = msgspec.structs.replace(config, billing=BillingConfig(export_table=TABLE))
    backend = LiveBackend(config, Clock())
    try:
        [poll] = backend.poll("billing")
    finally:
        backend.close()
    assert poll.error is None, poll.error
    assert isinstance(poll.data, BillingData)
    return poll.data


def test_pages_read_whole_are_the_one_page_result(fake: FakeRest) -> None:
    whole = read(fake)
    fake.clear()
    fake.result_rows = 50
    paged = read(fake)
    assert paged.rows == whole.rows
    assert paged.warnings == ()
    pages = [r.params.get("pageToken") for r in fake.log if "/queries/" in r.path]
    assert pages == ["rows-50", "rows-100", "rows-150"]  # 189 rows: 50 by jobs.query, then 50, 50 and 39


@pytest.mark.parametrize("kind", ["get", "results"])
def test_a_failed_later_page_warns_and_keeps_the_first_rows(fake: FakeRest, kind: str) -> None:
    whole = read(fake)
    fake.clear()
    fake.result_rows = 50
    fake.inject(kind, "503", "acme-admin")
    partial = read(fake)
    assert partial.rows
    assert set(partial.rows) < set(whole.rows) or len(partial.rows) < len(whole.rows)
    [warning] = partial.warnings
    assert warning.startswith("billing export incomplete, later rows missing: 503 backendError"), warning
