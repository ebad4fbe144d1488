"""Full listings replace each other; every source has its own status, and data ages into staleness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.backends.base import Poll
from dashboard.models import (
    Cluster,
    DataflowData,
    DataflowJob,
    DataprocData,
    JobsData,
    Reservation,
    ReservationsData,
    SourceName,
    SourceStatus,
)
from dashboard.sources import default_intervals, span
from dashboard.store import Store

T0 = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def clusters(seconds: float, *names: str, warnings: tuple[str, ...] = ()) -> Poll:
    data = DataprocData(
        clusters=tuple(Cluster(project="p1", region="r1", name=n) for n in names), warnings=warnings
    )
    return Poll(source="dataproc", t=at(seconds), data=data)


def failure(source: SourceName, seconds: float, reason: str = "403: needs roles/dataproc.viewer") -> Poll:
    return Poll(source=source, t=at(seconds), error=reason, error_code="PERMISSION_DENIED")


def test_snapshot_carries_the_constructor_fields_and_now() -> None:
    store = Store(mode="replay", projects=("p1", "p2"), regions=("us-central1",))
    snap = store.snapshot(at(5))
    assert (snap.at, snap.mode, snap.projects, snap.regions) == (
        at(5),
        "replay",
        ("p1", "p2"),
        ("us-central1",),
    )
    assert snap.jobs == ()
    assert snap.statuses == {
        s: SourceStatus(source=s)
        for s in (
            "jobs",
            "reservations",
            "dataproc",
            "dataflow",
            "billing",
            "pubsub",
            "composer",
            "dataquality",
            "datafusion",
            "vertex",
        )
    }
    assert {s.state for s in snap.statuses.values()} == {"loading"}


def test_listings_are_replaced_by_the_latest_successful_poll() -> None:
    store = Store()
    store.apply(clusters(0, "a", "b"))
    store.apply(clusters(30, "b"))
    store.apply(failure("dataproc", 60))
    assert [c.name for c in store.snapshot(at(60)).dataproc.clusters] == ["b"]
    res = ReservationsData(
        reservations=(Reservation(name="n", project="a", location="US", reservation_id="r"),)
    )
    store.apply(Poll(source="reservations", t=at(1), data=res))
    flow = DataflowData(jobs=(DataflowJob(project="p", location="l", job_id="j", name="n"),))
    store.apply(Poll(source="dataflow", t=at(2), data=flow))
    snap = store.snapshot(at(60))
    assert snap.reservations == res
    assert snap.dataflow == flow


def test_ok_then_stale_then_ok_again() -> None:
    store = Store()
    store.apply(clusters(0, "a", warnings=("region r9 unreachable",)))
    assert store.snapshot(at(1)).statuses["dataproc"] == SourceStatus(
        source="dataproc", state="ok", updated_at=at(0), checked_at=at(0), warnings=("region r9 unreachable",)
    )
    store.apply(failure("dataproc", 30))
    assert store.snapshot(at(31)).statuses["dataproc"] == SourceStatus(
        source="dataproc",
        state="stale",
        reason="403: needs roles/dataproc.viewer",
        updated_at=at(0),
        checked_at=at(30),
        warnings=("region r9 unreachable",),
    )
    store.apply(clusters(60, "a"))
    assert store.snapshot(at(61)).statuses["dataproc"] == SourceStatus(
        source="dataproc", state="ok", updated_at=at(60), checked_at=at(60)
    )


def test_error_when_a_source_never_had_data() -> None:
    store = Store()
    store.apply(failure("dataflow", 10, "UNAVAILABLE: The service is currently unavailable."))
    store.apply(failure("dataflow", 40, "DEADLINE_EXCEEDED: no answer in 20s"))
    status = store.snapshot(at(41)).statuses["dataflow"]
    assert status == SourceStatus(
        source="dataflow", state="error", reason="DEADLINE_EXCEEDED: no answer in 20s", checked_at=at(40)
    )
    assert store.snapshot(at(41)).statuses["jobs"].state == "loading"


def test_a_poll_with_neither_data_nor_error_counts_as_failed() -> None:
    store = Store()
    store.apply(Poll(source="jobs", t=at(0)))
    assert store.snapshot(at(0)).statuses["jobs"].state == "error"


def test_data_older_than_three_intervals_is_stale() -> None:
    assert default_intervals() == {
        "jobs": 10.0,
        "reservations": 60.0,
        "dataproc": 30.0,
        "dataflow": 30.0,
        "billing": 3600.0,
        "datafusion": 300.0,
        "dataquality": 300.0,
        "composer": 120.0,
        "pubsub": 60.0,
        "vertex": 300.0,
    }
    store = Store()
    store.apply(clusters(0, "a"))
    assert store.snapshot(at(90)).statuses["dataproc"].state == "ok"
    status = store.snapshot(at(300)).statuses["dataproc"]
    assert status.state == "stale"
    assert status.reason == "no data for 5m (expected every 30s)"
    assert status.updated_at == at(0)


def test_data_read_since_a_run_started_is_fresh_however_long_the_run_took() -> None:
    """``--once``: dataproc read 1 s into a run that ended 300 s in (another source hung) is fresh; data
    read before the run started still ages (300 s > 3 x 30 s), and so does a poll that failed."""
    store = Store()
    store.apply(clusters(1, "a"))
    status = store.snapshot(at(300), fresh_since=at(0)).statuses["dataproc"]
    assert (status.state, status.reason, status.updated_at) == ("ok", None, at(1))
    assert store.snapshot(at(300), fresh_since=at(2)).statuses["dataproc"].state == "stale"
    store.apply(failure("dataproc", 5))
    assert store.snapshot(at(300), fresh_since=at(0)).statuses["dataproc"].state == "stale"


def test_intervals_can_be_overridden() -> None:
    store = Store(intervals={"dataproc": 120})
    assert store.intervals["dataproc"] == 120
    assert store.intervals["jobs"] == default_intervals()["jobs"]
    store.apply(clusters(0, "a"))
    assert store.snapshot(at(300)).statuses["dataproc"].state == "ok"
    assert store.snapshot(at(361)).statuses["dataproc"].reason == "no data for 6m (expected every 2m)"


def test_a_poll_with_another_sources_data_is_refused() -> None:
    with pytest.raises(TypeError, match="a dataproc poll carries JobsData"):
        Store().apply(Poll(source="dataproc", t=at(0), data=JobsData()))


@pytest.mark.parametrize(
    ("seconds", "text"), [(-3, "0s"), (45, "45s"), (60, "1m"), (299, "4m"), (3600, "1h"), (4980, "1h 23m")]
)
def test_span(seconds: float, text: str) -> None:
    assert span(seconds) == text


def test_a_listing_alone_keeps_the_warnings_and_metrics_state_until_its_poll_ends() -> None:
    """The live app applies a poll's listing before its Monitoring reads end (``partial``): the clusters
    change, the previous poll's warnings and missing-metrics line stand until the whole poll says."""
    metrics = "metrics unavailable: 503 from Monitoring (retrying)"
    warning = "metric cluster/yarn/apps not shown: UNAVAILABLE (ListTimeSeries, project p1)"
    whole = DataprocData(
        clusters=(Cluster(project="p1", region="r1", name="a"),),
        warnings=(warning,),
        metrics_unavailable=metrics,
    )
    store = Store()
    store.apply(Poll(source="dataproc", t=at(0), data=whole))
    listing = DataprocData(clusters=(Cluster(project="p1", region="r1", name="b"),))
    store.apply(Poll(source="dataproc", t=at(30), data=listing, partial=True))
    snap = store.snapshot(at(31))
    status = snap.statuses["dataproc"]
    assert [c.name for c in snap.dataproc.clusters] == ["b"]
    assert (status.updated_at, status.warnings, status.metrics) == (at(30), (warning,), metrics)
    store.apply(Poll(source="dataproc", t=at(30), data=listing))
    status = store.snapshot(at(32)).statuses["dataproc"]
    assert (status.warnings, status.metrics) == ((), None)
