"""Faults on Vertex AI's ``pipelineJobs.list`` (401, 403, 404, 429, 500, 503, an answer slower than the call
timeout, a 200 that is not JSON, a 403 on the second page), as ``gcpdash --once`` reads every source: the
demo's fakes for the built-in sources (tests/contract/matrix.py) and a :class:`FakeVertex` at
``[sources.vertex] endpoint``.

Each cell: nothing raises; the Vertex AI source is an error whose reason says what failed and what to do
(the role for a 403, the login for a 401); every other source is ``ok`` with the data of the fault-free
run. A failure on a later page keeps the first page and marks that project and region incomplete."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from dashboard.models import Snapshot

from .fake_vertex import ANALYTICS, US, FakeVertex
from .matrix import Fakes
from .matrix_run import FixedClock, parts

pytestmark = pytest.mark.timeout(300)

BUILT_IN = ("jobs", "reservations", "dataproc", "dataflow", "billing")
FAULTS = ("401", "403", "404", "429", "500", "503", "slow", "garbage", "page2")


def run(fault: str | None, kind: str = "pipelines") -> Snapshot:
    """One ``--once`` read with ``fault`` on every call of ``kind`` (None: none)."""
    from dashboard.backends.gcp.once import live_snapshot
    from dashboard.config import load_config

    with Fakes() as fakes, FakeVertex(slow_seconds=4.0) as vertex, tempfile.TemporaryDirectory() as tmp:
        if fault is not None:
            vertex.faults[kind] = fault
        path = Path(tmp) / "gcpdash.toml"
        text = fakes.config_text()
        on = text.replace("[sources.vertex]\nenabled = false", f'[sources.vertex]\nendpoint = "{vertex.url}"')
        assert on != text
        path.write_text(on, encoding="utf-8")
        snapshot, _ = live_snapshot(load_config(path, env={}), FixedClock())
    return snapshot


@pytest.fixture(scope="module")
def clean() -> Snapshot:
    return run(None)


@pytest.fixture(scope="module")
def faulted() -> dict[str, Snapshot]:
    return {fault: run(fault) for fault in FAULTS}


def test_the_fault_free_run_reads_vertex(clean: Snapshot) -> None:
    status = clean.statuses["vertex"]
    assert (status.state, status.reason, status.warnings) == ("ok", None, ())
    data = clean.extra["vertex"]
    # the matrix's regions are us-central1 and europe-west1: acme-analytics us-central1's three runs
    # (two on page 1, one on page 2) and its monitoring job with the drift alert
    assert len(data.runs) == 3
    assert [len(j.alerts) for j in data.monitoring] == [1]
    assert all(clean.statuses[s].state == "ok" for s in BUILT_IN)


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ("401", ("401", "credentials refused", "gcloud auth application-default login")),
        ("403", ("403", "needs roles/aiplatform.viewer", "pipelineJobs.list")),
        ("404", ("404", "check the project and region")),
        ("429", ("429", "backs off")),
        ("500", ("500", "pipelineJobs.list")),
        ("503", ("503", "pipelineJobs.list")),
        ("slow", ("DEADLINE_EXCEEDED", "pipelineJobs.list")),
        ("garbage", ("GARBAGE", "not a JSON object")),
    ],
)
def test_a_failed_pipeline_listing_marks_vertex_and_leaves_the_rest(
    faulted: dict[str, Snapshot], clean: Snapshot, fault: str, said: tuple[str, ...]
) -> None:
    snapshot = faulted[fault]
    status = snapshot.statuses["vertex"]
    assert status.state == "error", status
    text = "\n".join([status.reason or "", *status.warnings])
    assert all(s in text for s in said), text
    for source in BUILT_IN:
        assert snapshot.statuses[source].state == "ok", (source, snapshot.statuses[source])
    assert parts(snapshot) == parts(clean)


def test_an_error_on_the_second_page_keeps_the_first_and_says_which_part(
    faulted: dict[str, Snapshot], clean: Snapshot
) -> None:
    snapshot = faulted["page2"]
    status = snapshot.statuses["vertex"]
    assert status.state != "error", status
    data = snapshot.extra["vertex"]
    assert data.incomplete == (f"{ANALYTICS}/{US}",)
    assert len(data.runs) == 2  # page 1's two runs
    assert any("needs roles/aiplatform.viewer" in w for w in status.warnings), status.warnings
    assert parts(snapshot) == parts(clean)


def test_a_failed_anomalies_search_is_a_warning_and_the_runs_stay() -> None:
    snapshot = run("503", kind="search")
    status = snapshot.statuses["vertex"]
    assert status.state != "error", status
    data = snapshot.extra["vertex"]
    assert len(data.runs) == 3
    (job,) = data.monitoring
    assert (job.alerts, job.anomalies_read) == ((), False)
    assert any("model monitoring alerts" in w and "503" in w for w in status.warnings), status.warnings
