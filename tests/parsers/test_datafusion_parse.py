"""The Data Fusion parser on awkward payloads: an edition and a state gcpdash does not know kept as sent
(and unpriced), a page naming no instance marks its project incomplete, ``unreachable`` as a full
location name, no project answering fails the poll; cloud text in the pane shown literally."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from rich.console import Console

from dashboard.cost.common import Inputs
from dashboard.errors import SourceError
from dashboard.models import Snapshot
from dashboard.parsers.poll import PollContext
from dashboard.pricing import default_prices
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.sources.datafusion import view
from dashboard.sources.datafusion.cost import datafusion_cost
from dashboard.sources.datafusion.model import LIST_INSTANCES
from dashboard.sources.datafusion.parse import parse_datafusion

T = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def ex(project: str, response: Any = None, error: ExchangeError | None = None) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=T,
        source="datafusion",
        api="grpc",
        method=LIST_INSTANCES,
        request={"parent": f"projects/{project}/locations/-"},
        response=response,
        error=error,
    )


PLUS = {
    "name": "projects/acme-etl/locations/europe-west4/instances/plus",
    "labels": {"note": "[bold]x[/]"},
    "type": "ENTERPRISE_PLUS",
    "state": "HIBERNATING",
    "stateMessage": "[red]not markup[/red]\x1b[2J",
    "createTime": "2026-12-01T00:00:00Z",
}


def test_unknown_values_are_kept_and_unpriced() -> None:
    data = parse_datafusion([ex("acme-etl", {"instances": [PLUS]})], PollContext("datafusion"))
    [plus] = data.instances
    assert (plus.edition, plus.state, plus.instance_id) == ("ENTERPRISE_PLUS", "HIBERNATING", "plus")
    assert not plus.billed  # a state gcpdash does not know is not taken for up
    snapshot = Snapshot(at=T, extra={"datafusion": data})
    line, _ = datafusion_cost(Inputs(snapshot=snapshot, prices=default_prices()), T, T)
    assert (line.items, line.breakdown, line.window_spend_usd) == (1, (), 0.0)


def test_cloud_text_is_shown_literally() -> None:
    data = parse_datafusion([ex("acme-etl", {"instances": [PLUS]})], PollContext("datafusion"))
    [row] = view.rows(data, T)
    assert row.cells[4].plain == "HIBERNATING"
    console = Console(width=200, record=True, color_system=None)
    console.print(view.detail(data.instances[0], T))
    text = console.export_text()
    assert "[red]not markup[/red]" in text
    assert "labels note=[bold]x[/]" in text
    assert "\x1b" not in text  # the escape made visible, not sent to the terminal


def test_a_page_naming_no_instance_marks_its_project_and_the_rest_stays() -> None:
    good = {
        "name": "projects/acme-analytics/locations/us-east1/instances/ok",
        "type": "BASIC",
        "state": "ACTIVE",
    }
    exchanges = [
        ex(
            "acme-analytics",
            {"instances": [good], "unreachable": ["projects/acme-analytics/locations/asia-east1"]},
        ),
        ex("acme-etl", {"instances": [{"name": "not-an-instance"}]}),
    ]
    data = parse_datafusion(exchanges, PollContext("datafusion"))
    assert [i.key for i in data.instances] == ["acme-analytics/us-east1/ok"]
    assert data.incomplete == ("acme-etl",)
    assert data.unreachable == ("acme-analytics/asia-east1",)
    assert any(w.startswith("ListInstances failed for acme-etl") for w in data.warnings), data.warnings


def test_no_project_answering_fails_the_poll() -> None:
    denied = ExchangeError(code="PERMISSION_DENIED", message="The caller does not have permission")
    with pytest.raises(SourceError):
        parse_datafusion(
            [ex("acme-etl", error=denied), ex("acme-analytics", error=denied)], PollContext("datafusion")
        )


def test_an_empty_answer_is_no_instance() -> None:
    data = parse_datafusion([ex("acme-etl", {})], PollContext("datafusion"))
    assert (data.instances, data.series, data.warnings) == ((), (), ())
