"""Faults on Pub/Sub's ``ListSubscriptions`` (403, 404, 429, 503, a hang past the call timeout), as
``gcpdash --once`` reads every source (:func:`~dashboard.backends.gcp.once.live_snapshot`): the demo's
fakes for the built-in sources (tests/contract/matrix.py), a :class:`FakePubsubServer` at
``[sources.pubsub] endpoint`` and its Monitoring series on the shared Monitoring fake.

Each cell: nothing raises, the Pub/Sub source is an error whose reason says what failed (the role for a
403), and every other source is ``ok`` with exactly the data of the fault-free run."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from dashboard.models import Snapshot
from dashboard.recording import format as fmt
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS

from .fake_grpc import Fault
from .fake_pubsub import FakePubsubServer, world
from .matrix import GRPC_FAULTS, Fakes, _exchanges
from .matrix_run import FixedClock, parts

pytestmark = pytest.mark.timeout(120)

BUILT_IN = ("jobs", "reservations", "dataproc", "dataflow", "billing")


def run(fault: Fault | None) -> Snapshot:
    """One ``--once`` read with ``fault`` on every ``ListSubscriptions`` (None: none)."""
    from dashboard.backends.gcp.once import live_snapshot
    from dashboard.config import load_config

    exchanges = world()
    series = [e for e in exchanges if e.method == fmt.MON_LIST_TIME_SERIES]
    with Fakes() as fakes, FakePubsubServer(exchanges) as pubsub, tempfile.TemporaryDirectory() as tmp:
        fakes.grpc.serve([*_exchanges(), *series], split_pages=True)
        if fault is not None:
            pubsub.fault(LIST_SUBSCRIPTIONS, fault)
        path = Path(tmp) / "gcpdash.toml"
        text = (
            fakes.config_text()
            .replace("[sources.pubsub]", f'[sources.pubsub]\nendpoint = "{pubsub.address}"')
            .replace("enabled = false", "enabled = true")
        )
        path.write_text(text, encoding="utf-8")
        snapshot, _ = live_snapshot(load_config(path, env={}), FixedClock())
    return snapshot


@pytest.fixture(scope="module")
def clean() -> Snapshot:
    return run(None)


def test_the_fault_free_run_reads_pubsub(clean: Snapshot) -> None:
    status = clean.statuses["pubsub"]
    assert (status.state, status.reason, status.warnings) == ("ok", None, ())
    data = clean.extra["pubsub"]
    # acme-analytics: events-sub; acme-etl: events-sub, events-to-bq (page 1), events-push, events-archive
    assert len(data.subscriptions) == 1 + 4
    assert all(clean.statuses[s].state == "ok" for s in BUILT_IN)


@pytest.fixture(scope="module")
def faulted() -> dict[str, Snapshot]:
    return {name: run(GRPC_FAULTS[name]) for name in ("403", "404", "429", "503", "hang")}


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("403", ("PERMISSION_DENIED", "roles/pubsub.viewer", "ListSubscriptions")),
        ("404", ("NOT_FOUND", "check the project", "ListSubscriptions")),
        ("429", ("RESOURCE_EXHAUSTED", "backs off", "ListSubscriptions")),
        ("503", ("UNAVAILABLE", "ListSubscriptions")),
        ("hang", ("DEADLINE_EXCEEDED", "ListSubscriptions")),
    ],
)
def test_a_failed_subscription_listing_marks_pubsub_and_leaves_the_rest(
    faulted: dict[str, Snapshot], clean: Snapshot, fault: str, said: tuple[str, ...]
) -> None:
    snapshot = faulted[fault]
    status = snapshot.statuses["pubsub"]
    assert status.state == "error", status
    text = "\n".join([status.reason or "", *status.warnings])
    assert all(s in text for s in said), text
    for source in BUILT_IN:
        assert snapshot.statuses[source].state == "ok", (source, snapshot.statuses[source])
    assert parts(snapshot) == parts(clean)
