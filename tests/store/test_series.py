"""Monitoring series arrive incrementally; the store keeps a rolling window of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from msgspec.structs import replace as msgspec_replace

from dashboard.backends.base import Poll
from dashboard.models import DataflowData, DataflowJob, MetricSeries, Sample
from dashboard.series import merge_series
from dashboard.store import Store

T0 = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def minute(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def series(key: str, *points: tuple[int, float], metric: str = "job/system_lag") -> MetricSeries:
    return MetricSeries(metric=metric, key=key, points=tuple(Sample(t=minute(m), value=v) for m, v in points))


def test_new_points_extend_a_series_and_replace_the_same_minute() -> None:
    merged = merge_series(
        [series("a", (0, 1.0), (1, 2.0))], [series("a", (1, 5.0), (2, 3.0))], keep=timedelta(hours=1)
    )
    assert merged == (series("a", (0, 1.0), (1, 5.0), (2, 3.0)),)


def test_a_poll_overlapping_the_last_points_keeps_the_old_ones_it_does_not_repeat() -> None:
    # minute 3 is only in the store, 4 in both (the poll's wins), 6 only in the poll
    old = [series("a", (0, 1.0), (3, 2.0), (4, 3.0), (5, 4.0))]
    merged = merge_series(old, [series("a", (2, 9.0), (4, 8.0), (6, 7.0))], keep=timedelta(hours=1))
    assert merged == (series("a", (0, 1.0), (2, 9.0), (3, 2.0), (4, 8.0), (5, 4.0), (6, 7.0)),)


def test_points_in_any_order_are_merged_into_time_order() -> None:
    # Monitoring lists points newest first; a store's series may hold them as they came
    old = [series("a", (5, 1.0), (1, 2.0))]
    merged = merge_series(old, [series("a", (3, 3.0), (0, 4.0), (5, 6.0))], keep=timedelta(hours=1))
    assert merged == (series("a", (0, 4.0), (1, 2.0), (3, 3.0), (5, 6.0)),)


def test_a_poll_after_every_stored_point_is_appended() -> None:
    merged = merge_series([series("a", (0, 1.0), (1, 2.0))], [series("a", (2, 3.0))], keep=timedelta(hours=1))
    assert merged == (series("a", (0, 1.0), (1, 2.0), (2, 3.0)),)


def test_points_older_than_the_window_go_and_empty_series_with_them() -> None:
    old = [series("a", (0, 1.0), (10, 2.0)), series("gone", (0, 9.0))]
    merged = merge_series(old, [series("a", (70, 4.0))], keep=timedelta(hours=1))
    assert merged == (series("a", (10, 2.0), (70, 4.0)),)


def test_other_metrics_and_keys_stay_apart() -> None:
    old = [series("a", (0, 1.0)), series("a", (0, 7.0), metric="job/current_num_vcpus")]
    merged = merge_series(old, [series("b", (1, 2.0))], keep=timedelta(hours=1))
    assert sorted((s.metric, s.key, len(s.points)) for s in merged) == [
        ("job/current_num_vcpus", "a", 1),
        ("job/system_lag", "a", 1),
        ("job/system_lag", "b", 1),
    ]


def test_the_store_merges_each_dataflow_poll_into_its_series() -> None:
    store = Store()
    for n in range(5):
        data = DataflowData(series=(series("j1", (n, float(n))),))
        store.apply(Poll(source="dataflow", t=minute(n), data=data))
    (lag,) = store.snapshot(minute(5)).dataflow.series
    assert [p.value for p in lag.points] == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_a_finished_dataflow_job_keeps_its_last_known_totals_after_the_window() -> None:
    from dashboard import cost
    from dashboard.models import Job
    from dashboard.pricing import default_prices

    done = DataflowJob(
        project="acme-batch",
        location="us-central1",
        job_id="b1",
        name="nightly",
        job_type="JOB_TYPE_BATCH",
        state="JOB_STATE_DONE",
        started=minute(-60),
        state_time=minute(10),
    )
    store = Store()
    # b1 reports until 06:10 (10 vCPU-h so far), then only the streaming job s1 reports, until 09:00
    for n in range(0, 181, 10):
        got = [series("s1", (n, 30.0))]
        if n <= 10:
            got += [series("b1", (n, 5.0)), series("b1", (n, 10 * 3600.0), metric="job/total_vcpu_time")]
        store.apply(Poll(source="dataflow", t=minute(n), data=DataflowData(jobs=(done,), series=tuple(got))))
    snap = store.snapshot(minute(180))
    kept = {(s.metric, s.key): s for s in snap.dataflow.series}
    assert ("job/system_lag", "b1") not in kept  # an hour's history, as before
    assert [p.value for p in kept[("job/total_vcpu_time", "b1")].points] == [36000.0]  # its last total
    opener = Job(
        project="acme-batch", job_id="opener", created=minute(-60), ended=minute(-60), bytes_billed=0
    )
    estimate = cost.estimate(msgspec_replace(snap, jobs=(opener,)), default_prices())
    # 10 vCPU-h x $0.056 + no memory total: 10 vCPU-h x the assumed 3.75 GiB per vCPU x $0.003557,
    # all of it inside the 05:00-09:00 window
    assert estimate.service("dataflow").window_spend_usd == pytest.approx(10 * 0.056 + 10 * 3.75 * 0.003557)


def test_last_known_totals_go_with_the_job_and_after_the_store_window() -> None:
    total = series("b1", (0, 36000.0), metric="job/total_vcpu_time")
    merged = merge_series(
        [total], [series("s1", (200, 1.0))], keep=timedelta(hours=1), keep_last=frozenset({total.metric})
    )
    assert (total.metric, "b1") in {(s.metric, s.key) for s in merged}  # 200 minutes later: kept
    later = merge_series(
        [total], [series("s1", (25 * 60, 1.0))], keep=timedelta(hours=1), keep_last=frozenset({total.metric})
    )
    assert {s.key for s in later} == {"s1"}  # 25 hours later: gone (kept for 24 h)
    store = Store()
    listed = DataflowJob(project="p", location="us-central1", job_id="b1", name="n", state="JOB_STATE_DONE")
    store.apply(Poll(source="dataflow", t=minute(0), data=DataflowData(jobs=(listed,), series=(total,))))
    assert store.snapshot(minute(1)).dataflow.series == (total,)
    store.apply(Poll(source="dataflow", t=minute(10), data=DataflowData(jobs=(), series=())))
    assert store.snapshot(minute(11)).dataflow.series == ()  # no longer listed: its totals go
