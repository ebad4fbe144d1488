"""Faults on Dataplex's ``ListDataScans`` (401, 403, 404, 429, 500, 503, a hang past the call timeout,
garbage) and on ``GetDataScanJob`` (403: results need their own role), as ``gcpdash --once`` reads every
source (:func:`~dashboard.backends.gcp.once.live_snapshot`): the demo's fakes for the built-in sources
(tests/contract/matrix.py) and a :class:`FakeDataplexServer` at ``[sources.dataquality] endpoint``.

Each cell: nothing raises, the data-quality source says what failed (an error when no scan listing
answered; a warning naming the role when only the results were refused), and every other source is
``ok`` with exactly the data of the fault-free run."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from dashboard.models import Snapshot
from dashboard.sources.dataquality.model import GET_DATA_SCAN_JOB, LIST_DATA_SCANS

from .fake_dataplex import FakeDataplexServer, world
from .fake_grpc import Fault
from .matrix import GRPC_FAULTS, T0, Fakes, _exchanges
from .matrix_run import FixedClock, parts

pytestmark = pytest.mark.timeout(180)

BUILT_IN = ("jobs", "reservations", "dataproc", "dataflow", "billing")


def run(method: str | None, fault: Fault | None) -> Snapshot:
    """One ``--once`` read with ``fault`` on every call of ``method`` (None: none)."""
    from dashboard.backends.gcp.once import live_snapshot
    from dashboard.config import load_config

    with Fakes() as fakes, FakeDataplexServer(world(T0)) as dataplex, tempfile.TemporaryDirectory() as tmp:
        fakes.grpc.serve(_exchanges(), split_pages=True)
        if method is not None and fault is not None:
            dataplex.fault(method, fault)
        path = Path(tmp) / "gcpdash.toml"
        text = fakes.config_text().replace(
            "[sources.dataquality]\nenabled = false",
            f'[sources.dataquality]\nendpoint = "{dataplex.address}"',
        )
        path.write_text(text, encoding="utf-8")
        snapshot, _ = live_snapshot(load_config(path, env={}), FixedClock())
    return snapshot


@pytest.fixture(scope="module")
def clean() -> Snapshot:
    return run(None, None)


def test_the_fault_free_run_reads_the_scans(clean: Snapshot) -> None:
    status = clean.statuses["dataquality"]
    assert (status.state, status.reason, status.warnings) == ("ok", None, ())
    data = clean.extra["dataquality"]
    assert sorted(s.scan_id for s in data.scans) == ["orders-dq", "sessions-dq"]
    # three finished jobs read in full, their listings and the RUNNING one's: 3 + 4 items
    assert sum(j.full for j in data.jobs) == 3
    assert len(data.jobs) == 7
    assert sorted(data.catalog) == ["acme-analytics.web.sessions", "acme-etl.sales.orders"]
    assert all(clean.statuses[s].state == "ok" for s in BUILT_IN)


FAULTS = ("401", "403", "404", "429", "500", "503", "hang", "garbage")


@pytest.fixture(scope="module")
def faulted() -> dict[str, Snapshot]:
    return {name: run(LIST_DATA_SCANS, GRPC_FAULTS[name]) for name in FAULTS}


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("401", ("UNAUTHENTICATED", "ListDataScans")),
        ("403", ("PERMISSION_DENIED", "roles/dataplex.dataScanViewer", "ListDataScans")),
        ("404", ("NOT_FOUND", "ListDataScans")),
        ("429", ("RESOURCE_EXHAUSTED", "ListDataScans")),
        ("500", ("INTERNAL", "ListDataScans")),
        ("503", ("UNAVAILABLE", "ListDataScans")),
        ("hang", ("DEADLINE_EXCEEDED", "ListDataScans")),
        ("garbage", ("ListDataScans",)),
    ],
)
def test_a_failed_scan_listing_marks_the_source_and_leaves_the_rest(
    faulted: dict[str, Snapshot], clean: Snapshot, fault: str, said: tuple[str, ...]
) -> None:
    snapshot = faulted[fault]
    status = snapshot.statuses["dataquality"]
    assert status.state == "error", status
    text = "\n".join([status.reason or "", *status.warnings])
    assert all(s in text for s in said), text
    for source in BUILT_IN:
        assert snapshot.statuses[source].state == "ok", (source, snapshot.statuses[source])
    assert parts(snapshot) == parts(clean)


def test_refused_results_are_a_warning_naming_the_role(clean: Snapshot) -> None:
    snapshot = run(GET_DATA_SCAN_JOB, GRPC_FAULTS["403"])
    status = snapshot.statuses["dataquality"]
    assert status.state == "ok", status
    text = "\n".join(status.warnings)
    assert "PERMISSION_DENIED: needs roles/dataplex.dataScanDataViewer on project acme-etl" in text, text
    assert len(status.warnings) == 3  # one per finished job: each read was tried
    data = snapshot.extra["dataquality"]
    assert len(data.scans) == 2  # the scans and their listed jobs are still shown, without results
    assert not any(j.full for j in data.jobs)
    assert parts(snapshot) == parts(clean)
