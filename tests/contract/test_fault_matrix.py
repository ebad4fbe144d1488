"""The fault matrix: every call target (tests/contract/matrix.py: jobs.list, ListReservations, Dataproc's
ListClusters, ListJobs and ListBatches, Dataflow's AggregatedListJobs, Monitoring's ListTimeSeries, the
billing export query and ListBudgets) x every fault (401, 403, 404, 429, 500, 503, 504, failing from the
second call on, a hang past the call timeout, garbage, connection refused), each against its own fake
servers, as ``gcpdash --once`` reads it.

Each cell: nothing raises; the read ends within :data:`~tests.contract.matrix.BOUND`; every source the
fault does not touch is ``ok`` with exactly the data of a fault-free run; the faulted one says what
failed (the status as the API said it, the role for a 403, what to do for 401, 404 and 429), fails
(an error) when its primary listing failed, or else shows the rest of its data with a warning. A few cells
also run ``python -m dashboard --once`` as a subprocess: exit 0, no traceback.

Cells still failing for a known defect are marked ``xfail(strict=True)`` with the defect's name: when the
fix lands they pass, and the strict mark fails the suite until it is removed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard.models import Snapshot

from .matrix import ACTIONS, BOUND, REASONS, SOURCES, TARGETS, cells
from .matrix_run import Outcome, Runner, parts, shown

pytestmark = pytest.mark.timeout(240)

PARTIAL = (
    "partial failures dropping everything a source read: the listing's first call was served, a later "
    "one failed, and the poll keeps nothing"
)
XFAIL: dict[tuple[str, str], str] = {}
"""Cells that fail for a known defect, with which."""

SUBPROCESS_CELLS = (
    ("jobs", "hang"),
    ("reservations", "refused"),
    ("dataproc.clusters", "garbage"),
    ("dataflow", "second"),
    ("monitoring", "hang"),
    ("billing.export", "403"),
)


STALE = (
    "healthy sources reported stale when another is slow: the snapshot is taken once the slowest source "
    "gave up, and the others' data, read at the start, is older than 3 intervals by then"
)
MODES = {
    "test_subprocess_once_exits_0_without_a_traceback": "cli",
    "test_a_hang_leaves_the_other_sources_fresh": "stale",
}
"""Per test function, how its cells run (:func:`~tests.contract.matrix.run_cell`)."""


def _xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)


def _params(chosen: list[tuple[str, str]], xfail: dict[tuple[str, str], str]) -> list[object]:
    return [
        pytest.param(
            target,
            fault,
            id=f"{target}-{fault}",
            marks=[_xfail(xfail[(target, fault)])] if (target, fault) in xfail else [],
        )
        for target, fault in chosen
    ]


@pytest.fixture(scope="module")
def runner(request: pytest.FixtureRequest) -> Iterator[Runner]:
    """Runs the fault-free run and every cell this session selected, side by side, and waits for them all
    before any test: while a test runs, pytest rewrites ``PYTEST_CURRENT_TEST`` in ``os.environ``, which a
    cell's client library reads (proxy settings) from its own threads."""
    matrix = Runner()
    matrix.submit(None, None)
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if getattr(item, "module", None) is not request.module or callspec is None:
            continue
        params = callspec.params
        if "target" in params:
            matrix.submit(params["target"], params["fault"], MODES.get(item.originalname, "once"))  # type: ignore[attr-defined]
    matrix.wait()
    yield matrix
    matrix.close()


@pytest.fixture(scope="module")
def fault_free(runner: Runner) -> Outcome:
    outcome = runner.outcome(None, None)
    assert outcome.crashed is None, outcome.crashed
    assert outcome.snapshot is not None
    return outcome


@pytest.fixture(scope="module")
def baseline(fault_free: Outcome) -> Snapshot:
    assert fault_free.snapshot is not None
    return fault_free.snapshot


def test_the_fault_free_run_is_whole(baseline: Snapshot) -> None:
    """Every source ok and every list filled: a comparison with it means something."""
    for source in SOURCES:
        assert baseline.statuses[source].state == "ok", baseline.statuses[source]
        assert not baseline.statuses[source].warnings, baseline.statuses[source]
    empty = [name for name, items in parts(baseline).items() if not items]
    assert empty == [], empty


def _subset(got: list[bytes], whole: list[bytes]) -> bool:
    return all(item in whole for item in got)


TRIPPING = ("429", "503", "504", "second", "hang")
"""Faults after which the poll does not ask the service again (budget.trips)."""
PART_CALLS = {"dataproc.jobs": "ListJobs", "dataproc.batches": "ListBatches"}
"""The call that fills a part a tripping fault can leave unasked."""

PERMANENT = ("401", "403", "404", "garbage")
"""Faults that no retry mends: the call is not repeated."""


def check(outcome: Outcome, fault_free: Outcome, target_name: str, fault: str) -> None:
    """The assertions of one cell (see the module's docstring)."""
    target = TARGETS[target_name]
    assert outcome.crashed is None, outcome.crashed
    assert outcome.elapsed < BOUND, f"took {outcome.elapsed:.1f}s"
    if fault in PERMANENT:  # no retry: at most the calls of the fault-free run
        assert outcome.calls[target_name] <= fault_free.calls[target_name], outcome.calls
    baseline = fault_free.snapshot
    assert baseline is not None
    snapshot = outcome.snapshot
    assert snapshot is not None
    affected = target.refused_affects if fault == "refused" and target.refused_affects else target.affected
    got, whole = parts(snapshot), parts(baseline)
    for source in SOURCES:
        names = [name for name in whole if name.startswith(source + ".")]
        status = snapshot.statuses[source]
        warned = [n for n in names if fault == "refused" and n in target.refused_warns]
        if warned and source not in affected:  # a secondary call of this source went there: a warning
            assert status.state == "ok", (source, status)
            assert any(word in shown(snapshot, source) for word in REASONS[fault]), (source, status)
            assert {n: got[n] for n in names if n not in warned} == {
                n: whole[n] for n in names if n not in warned
            }
            assert all(got[n] == [] for n in warned), source
            continue
        if source not in affected:  # untouched: ok, with all of the fault-free data
            assert status.state == "ok", (source, status)
            assert not status.warnings, (source, status)
            assert {n: got[n] for n in names} == {n: whole[n] for n in names}, source
            continue
        text = shown(snapshot, source)
        assert any(word in text for word in REASONS[fault]), (source, REASONS[fault], status)
        if fault == "403":
            assert target.role in text, (source, status)
        if fault in ACTIONS:
            assert ACTIONS[fault] in text, (source, status)
        if not target.primary and source in target.affected:  # only warns: the rest is whole
            assert status.state == "ok", (source, status)
            for name in names:
                if name in target.parts:
                    assert _subset(got[name], whole[name]), name
                elif name in target.same_service and fault in TRIPPING and not got[name]:
                    call = PART_CALLS[name]  # not asked, and said so
                    assert any(call in w and "not shown" in w for w in status.warnings), (name, status)
                else:
                    assert got[name] == whole[name], name
        elif fault == "second":  # what the first call read is still shown, and the failure said
            assert status.state == "ok", (source, status)
            assert all(_subset(got[n], whole[n]) for n in names), source
            if target.first_call_data:
                assert any(got[n] for n in names), (source, "nothing kept of what was read")
        else:
            assert status.state == "error", (source, status)


@pytest.mark.parametrize(("target", "fault"), _params(cells(), XFAIL))
def test_cell(runner: Runner, fault_free: Outcome, target: str, fault: str) -> None:
    check(runner.outcome(target, fault), fault_free, target, fault)


@pytest.mark.parametrize(("target", "fault"), _params(list(SUBPROCESS_CELLS), {}))
def test_subprocess_once_exits_0_without_a_traceback(runner: Runner, target: str, fault: str) -> None:
    outcome = runner.outcome(target, fault, "cli")
    assert outcome.returncode == 0, outcome.stderr
    assert "Traceback" not in outcome.stderr, outcome.stderr
    statuses = outcome.report["sources"]
    spec = TARGETS[target]
    for source in SOURCES:
        status = statuses[source]
        if source not in spec.affected:
            assert status["state"] == "ok", (source, status)
            continue
        text = "\n".join([status.get("reason") or "", *status.get("warnings", [])])
        assert any(word in text for word in REASONS[fault]), (source, status)


@pytest.mark.parametrize(("target", "fault"), _params([(t, "hang") for t in TARGETS], {}))
def test_a_hang_leaves_the_other_sources_fresh(runner: Runner, target: str, fault: str) -> None:
    """On a clock that moves, sources due every 0.5 s (stale after 1.5 s): a hang of one target (a given-up
    call takes at least RETRY_DEADLINE = 2.5 s) leaves every source it does not touch ``ok``."""
    outcome = runner.outcome(target, fault, "stale")
    assert outcome.crashed is None, outcome.crashed
    snapshot = outcome.snapshot
    assert snapshot is not None
    for source in SOURCES:
        if source not in TARGETS[target].affected:
            assert snapshot.statuses[source].state == "ok", snapshot.statuses[source]
