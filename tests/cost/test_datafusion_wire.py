"""The Data Fusion line on four polls parsed from ``ListInstances`` answers that google-cloud-data-fusion's
own ``Instance`` class serialises (proto3 JSON), merged as the store merges them: every edition and the
states an instance goes through, two projects and regions. Figures by hand at the price table's
UNCONFIRMED prices (Developer $0.35/h, Basic $1.80/h, Enterprise $4.20/h); billed: ACTIVE and the
updating/upgrading states, not CREATING, FAILED or DISABLED (the source's stated assumption).

Polls at 10:00, 11:00, 12:00 and 13:00 (now); the window starts at the first poll:

- ``dev-fusion`` (DEVELOPER, acme-jp, asia-northeast1, created 09:30): ACTIVE at every poll: 10:00 → 13:00;
- ``etl-basic`` (BASIC, acme-etl, europe-west1): CREATING, ACTIVE, UPDATING, AUTO_UPDATING: 11:00 → 13:00;
- ``etl-ent`` (ENTERPRISE, acme-etl, europe-west1): ACTIVE, UPGRADING, FAILED, FAILED: 10:00 → 12:00;
- ``jp-locked`` (ENTERPRISE, acme-jp, asia-northeast1): DISABLED (``disabled_reason`` KMS_KEY_ISSUE): 0 h.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.cost.common import Inputs
from dashboard.merge import merge
from dashboard.models import Snapshot
from dashboard.parsers.poll import PollContext
from dashboard.pricing import default_prices
from dashboard.recording.format import Exchange
from dashboard.sources.datafusion import view
from dashboard.sources.datafusion.cost import datafusion_cost
from dashboard.sources.datafusion.model import LIST_INSTANCES, DatafusionData
from dashboard.sources.datafusion.parse import parse_datafusion
from dashboard.sources.datafusion.rules import metrics
from dashboard.sources.datafusion.spec import SPEC

pytestmark = pytest.mark.timeout(30)

data_fusion_v1 = pytest.importorskip("google.cloud.data_fusion_v1")
Instance = data_fusion_v1.Instance

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
POLLS = [T0 + timedelta(hours=h) for h in range(4)]
NOW = POLLS[-1]
S = Instance.State
STATES: dict[tuple[str, str, str, Any], list[Any]] = {
    ("acme-jp", "asia-northeast1", "dev-fusion", Instance.Type.DEVELOPER): [S.ACTIVE] * 4,
    ("acme-etl", "europe-west1", "etl-basic", Instance.Type.BASIC): [
        S.CREATING,
        S.ACTIVE,
        S.UPDATING,
        S.AUTO_UPDATING,
    ],
    ("acme-etl", "europe-west1", "etl-ent", Instance.Type.ENTERPRISE): [
        S.ACTIVE,
        S.UPGRADING,
        S.FAILED,
        S.FAILED,
    ],
    ("acme-jp", "asia-northeast1", "jp-locked", Instance.Type.ENTERPRISE): [S.DISABLED] * 4,
}
CREATED = {"dev-fusion": T0 - timedelta(minutes=30), "etl-basic": T0 - timedelta(minutes=5)}


def listing(project: str, i: int) -> Exchange:
    found = []
    for (p, region, name, edition), states in STATES.items():
        if p != project:
            continue
        message = Instance(
            name=f"projects/{p}/locations/{region}/instances/{name}",
            type_=edition,
            state=states[i],
            create_time=CREATED.get(name, datetime(2026, 10, 2, tzinfo=UTC)),
            version="6.10.1",
        )
        if states[i] == S.DISABLED:
            message.disabled_reason = [Instance.DisabledReason.KMS_KEY_ISSUE]
        text = Instance.to_json(
            message, use_integers_for_enums=False, indent=None, always_print_fields_with_no_presence=False
        )
        found.append(json.loads(text))
    return Exchange(
        v=1,
        poll=i + 1,
        t=POLLS[i],
        source="datafusion",
        api="grpc",
        method=LIST_INSTANCES,
        request={"parent": f"projects/{project}/locations/-"},
        response={"instances": found},
    )


def polled() -> DatafusionData:
    data: DatafusionData | None = None
    for i in range(len(POLLS)):
        one = parse_datafusion([listing("acme-etl", i), listing("acme-jp", i)], PollContext("datafusion"))
        data = one if data is None else merge(SPEC, data, one, series_window=timedelta(hours=6))
    assert data is not None
    return data


def test_each_edition_for_the_hours_its_states_bill() -> None:
    data = polled()
    line, _ = datafusion_cost(
        Inputs(snapshot=Snapshot(at=NOW, extra={"datafusion": data}), prices=default_prices()), T0, T0
    )
    spend = {i.key.rsplit("/", 1)[-1]: i.window_spend_usd for i in line.breakdown}
    rate = {i.key.rsplit("/", 1)[-1]: i.burn_rate_usd_per_hour for i in line.breakdown}
    assert spend["dev-fusion"] == pytest.approx(3 * 0.35)  # 10:00 → 13:00 (created 09:30, before the window)
    assert spend["etl-basic"] == pytest.approx(2 * 1.80)  # CREATING at 10:00: 11:00 → 13:00
    assert spend["etl-ent"] == pytest.approx(2 * 4.20)  # ACTIVE, UPGRADING: 10:00 → 12:00, FAILED since
    assert spend["jp-locked"] == 0.0  # DISABLED throughout
    assert line.window_spend_usd == pytest.approx(3 * 0.35 + 2 * 1.80 + 2 * 4.20)  # $13.05
    assert rate == {
        "dev-fusion": 0.35,
        "etl-basic": 1.80,
        "etl-ent": 0.0,
        "jp-locked": 0.0,
    }  # AUTO_UPDATING bills
    assert line.burn_rate_usd_per_hour == pytest.approx(0.35 + 1.80)
    assert [i.key.rsplit("/", 1)[-1] for i in line.breakdown][:3] == ["etl-ent", "etl-basic", "dev-fusion"]


def test_states_editions_and_the_disabled_reason_as_sent() -> None:
    data = polled()
    found = {i.instance_id: i for i in data.instances}
    assert {k: (i.edition, i.state) for k, i in found.items()} == {
        "dev-fusion": ("DEVELOPER", "ACTIVE"),
        "etl-basic": ("BASIC", "AUTO_UPDATING"),
        "etl-ent": ("ENTERPRISE", "FAILED"),
        "jp-locked": ("ENTERPRISE", "DISABLED"),
    }
    assert found["jp-locked"].disabled_reasons == ("KMS_KEY_ISSUE",)
    assert (found["jp-locked"].project, found["jp-locked"].location) == ("acme-jp", "asia-northeast1")
    assert metrics(data) == {"instances_up": 2.0, "failed": 2.0}  # FAILED and DISABLED
    # the pane's $/H only while up
    cells = {r.key.rsplit("/", 1)[-1]: [str(c) for c in r.cells] for r in view.rows(data, NOW)}
    assert [cells[k][7] for k in ("dev-fusion", "etl-basic", "etl-ent", "jp-locked")] == [
        "$0.35/h",
        "$1.80/h",
        "—",
        "—",
    ]
