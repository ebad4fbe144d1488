"""Faults on Data Fusion's ``ListInstances`` (401, 403, 404, 429, 500, 503, a hang past the call timeout,
garbage, an error on a later page), as ``gcpdash --once`` reads every source
(:func:`~dashboard.backends.gcp.once.live_snapshot`): the demo's fakes for the built-in sources
(tests/contract/matrix.py) and a :class:`FakeDatafusionServer` at ``[sources.datafusion] endpoint``.

Each cell: nothing raises, the Data Fusion source is an error whose reason says what failed (the role for
a 403), and every other source is ``ok`` with exactly the data of the fault-free run; an error on acme-etl's
second page keeps its first page's instance and marks the project incomplete."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from dashboard.models import Snapshot
from dashboard.sources.datafusion.model import LIST_INSTANCES

from .fake_datafusion import FakeDatafusionServer, world
from .fake_grpc import Fault
from .matrix import GRPC_FAULTS, Fakes, _exchanges
from .matrix_run import FixedClock, parts

pytestmark = pytest.mark.timeout(180)

BUILT_IN = ("jobs", "reservations", "dataproc", "dataflow", "billing")
LATER_PAGE = Fault(code="UNAVAILABLE", message="The service is currently unavailable.", page=2)


def run(fault: Fault | None) -> Snapshot:
    """One ``--once`` read with ``fault`` on every ``ListInstances`` (None: none)."""
    from dashboard.backends.gcp.once import live_snapshot
    from dashboard.config import load_config

    with Fakes() as fakes, FakeDatafusionServer(world()) as fusion, tempfile.TemporaryDirectory() as tmp:
        fakes.grpc.serve(_exchanges(), split_pages=True)
        if fault is not None:
            fusion.fault(LIST_INSTANCES, fault)
        path = Path(tmp) / "gcpdash.toml"
        text = fakes.config_text().replace(
            "[sources.datafusion]\nenabled = false", f'[sources.datafusion]\nendpoint = "{fusion.address}"'
        )
        path.write_text(text, encoding="utf-8")
        snapshot, _ = live_snapshot(load_config(path, env={}), FixedClock())
    return snapshot


@pytest.fixture(scope="module")
def clean() -> Snapshot:
    return run(None)


def test_the_fault_free_run_reads_datafusion(clean: Snapshot) -> None:
    status = clean.statuses["datafusion"]
    assert status.state == "ok", status
    # acme-etl's listing names asia-east1 unreachable: a warning, not a failure
    assert status.warnings == (
        "Data Fusion could not reach acme-etl/asia-east1: their instances are missing from this poll",
    )
    data = clean.extra["datafusion"]
    assert len(data.instances) == 1 + 2  # sandbox-fusion; etl-fusion (page 1), broken-fusion (page 2)
    assert all(clean.statuses[s].state == "ok" for s in BUILT_IN)


CELLS = ("401", "403", "404", "429", "500", "503", "hang", "garbage")


@pytest.fixture(scope="module")
def faulted() -> dict[str, Snapshot]:
    return {name: run(GRPC_FAULTS[name]) for name in CELLS}


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("401", ("UNAUTHENTICATED", "ListInstances")),
        ("403", ("PERMISSION_DENIED", "roles/datafusion.viewer", "ListInstances")),
        ("404", ("NOT_FOUND", "check the project", "ListInstances")),
        ("429", ("RESOURCE_EXHAUSTED", "backs off", "ListInstances")),
        ("500", ("INTERNAL", "ListInstances")),
        ("503", ("UNAVAILABLE", "ListInstances")),
        ("hang", ("DEADLINE_EXCEEDED", "ListInstances")),
        ("garbage", ("ListInstances",)),
    ],
)
def test_a_failed_instance_listing_marks_datafusion_and_leaves_the_rest(
    faulted: dict[str, Snapshot], clean: Snapshot, fault: str, said: tuple[str, ...]
) -> None:
    snapshot = faulted[fault]
    status = snapshot.statuses["datafusion"]
    assert status.state == "error", status
    text = "\n".join([status.reason or "", *status.warnings])
    assert all(s in text for s in said), text
    for source in BUILT_IN:
        assert snapshot.statuses[source].state == "ok", (source, snapshot.statuses[source])
    assert parts(snapshot) == parts(clean)


def test_an_error_on_a_later_page_keeps_the_first_and_marks_the_project() -> None:
    snapshot = run(LATER_PAGE)
    status = snapshot.statuses["datafusion"]
    assert status.state == "ok", status
    data = snapshot.extra["datafusion"]
    assert data.incomplete == ("acme-etl",)
    # acme-etl's page 1 (etl-fusion) kept; page 2 (broken-fusion, and its unreachable note) lost
    assert sorted(i.key for i in data.instances) == [
        "acme-analytics/us-east1/sandbox-fusion",
        "acme-etl/europe-west1/etl-fusion",
    ]
    assert any("ListInstances failed for acme-etl" in w and "UNAVAILABLE" in w for w in status.warnings), (
        status
    )
