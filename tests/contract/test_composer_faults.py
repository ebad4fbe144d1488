"""Faults on Composer's calls (401/403/404/429/500/503, a hang past the call timeout, garbage bytes, an
error on a later page, a failed workload listing), as ``gcpdash --once`` reads every source
(:func:`~dashboard.backends.gcp.once.live_snapshot`): the demo's fakes for the built-in sources
(tests/contract/matrix.py), a :class:`FakeComposerServer` at ``[sources.composer] endpoint`` and its
Monitoring series on the shared Monitoring fake.

Each cell: nothing raises, the Composer source says what failed (an error whose reason names the call,
and the role for a 403, when every environment listing failed; a warning and the project and region marked
incomplete when only a later page did; a warning when only workloads did), and every other source is
``ok`` with exactly the data of the fault-free run."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from dashboard.models import Snapshot
from dashboard.recording import format as fmt
from dashboard.sources.composer.model import LIST_ENVIRONMENTS, LIST_WORKLOADS

from .fake_composer import FakeComposerServer, world
from .fake_grpc import Fault
from .matrix import GRPC_FAULTS, Fakes, _exchanges
from .matrix_run import FixedClock, parts

pytestmark = pytest.mark.timeout(180)

BUILT_IN = ("jobs", "reservations", "dataproc", "dataflow", "billing")


def run(method: str | None, fault: Fault | None) -> Snapshot:
    """One ``--once`` read with ``fault`` on every call of ``method`` (None: none)."""
    from dashboard.backends.gcp.once import live_snapshot
    from dashboard.config import load_config

    exchanges = world()
    series = [e for e in exchanges if e.method == fmt.MON_LIST_TIME_SERIES]
    with Fakes() as fakes, FakeComposerServer(exchanges) as composer, tempfile.TemporaryDirectory() as tmp:
        fakes.grpc.serve([*_exchanges(), *series], split_pages=True)
        if method is not None and fault is not None:
            composer.fault(method, fault)
        path = Path(tmp) / "gcpdash.toml"
        text = fakes.config_text()
        on = text.replace(
            "[sources.composer]\nenabled = false", f'[sources.composer]\nendpoint = "{composer.address}"'
        )
        assert on != text
        path.write_text(on, encoding="utf-8")
        snapshot, _ = live_snapshot(load_config(path, env={}), FixedClock())
    return snapshot


@pytest.fixture(scope="module")
def clean() -> Snapshot:
    return run(None, None)


def test_the_fault_free_run_reads_composer(clean: Snapshot) -> None:
    status = clean.statuses["composer"]
    assert (status.state, status.reason, status.warnings) == ("ok", None, ())
    data = clean.extra["composer"]
    # acme-analytics/us-central1: analytics-dev; acme-etl/europe-west1: etl-prod, etl-staging (page 2)
    assert len(data.environments) == 1 + 2
    assert all(clean.statuses[s].state == "ok" for s in BUILT_IN)


PRIMARY = ("401", "403", "404", "429", "500", "503", "hang", "garbage")


@pytest.fixture(scope="module")
def faulted() -> dict[str, Snapshot]:
    return {name: run(LIST_ENVIRONMENTS, GRPC_FAULTS[name]) for name in PRIMARY}


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("401", ("UNAUTHENTICATED", "ListEnvironments")),
        (
            "403",
            ("PERMISSION_DENIED", "roles/composer.environmentAndStorageObjectViewer", "ListEnvironments"),
        ),
        ("404", ("NOT_FOUND", "check the project", "ListEnvironments")),
        ("429", ("RESOURCE_EXHAUSTED", "backs off", "ListEnvironments")),
        ("500", ("INTERNAL", "ListEnvironments")),
        ("503", ("UNAVAILABLE", "ListEnvironments")),
        ("hang", ("DEADLINE_EXCEEDED", "ListEnvironments")),
        ("garbage", ("ListEnvironments",)),
    ],
)
def test_a_failed_environment_listing_marks_composer_and_leaves_the_rest(
    faulted: dict[str, Snapshot], clean: Snapshot, fault: str, said: tuple[str, ...]
) -> None:
    snapshot = faulted[fault]
    status = snapshot.statuses["composer"]
    assert status.state == "error", status
    text = "\n".join([status.reason or "", *status.warnings])
    assert all(s in text for s in said), text
    for source in BUILT_IN:
        assert snapshot.statuses[source].state == "ok", (source, snapshot.statuses[source])
    assert parts(snapshot) == parts(clean)


def test_an_error_on_a_later_page_keeps_the_first_and_marks_that_region(clean: Snapshot) -> None:
    snapshot = run(LIST_ENVIRONMENTS, Fault(code="UNAVAILABLE", message="later page", page=2))
    status = snapshot.statuses["composer"]
    assert status.state != "error", status
    data = snapshot.extra["composer"]
    assert data.incomplete == ("acme-etl/europe-west1",)
    # etl-prod (page 1) kept, etl-staging (page 2) not read; analytics-dev untouched
    assert sorted(e.env_id for e in data.environments) == ["analytics-dev", "etl-prod"]
    assert any("acme-etl/europe-west1" in w for w in status.warnings), status.warnings
    assert parts(snapshot) == parts(clean)


def test_a_failed_workload_listing_is_a_warning() -> None:
    snapshot = run(LIST_WORKLOADS, Fault(code="PERMISSION_DENIED", message="denied", where="analytics-dev"))
    status = snapshot.statuses["composer"]
    assert status.state != "error", status
    assert any("workloads of analytics-dev" in w for w in status.warnings), status.warnings
    data = snapshot.extra["composer"]
    by_id = {e.env_id: e for e in data.environments}
    assert by_id["analytics-dev"].workloads_read is False
    assert by_id["etl-prod"].workloads_read is True
