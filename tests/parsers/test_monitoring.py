"""Monitoring ListTimeSeries → MetricSeries: keyed by the grouped-by label, oldest first, every value type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.models import DataflowData, MetricSeries, Sample
from dashboard.parsers import parse_poll
from dashboard.parsers.common import Garbage
from dashboard.parsers.monitoring import group_label, parse_time_series, requested_metric

from .wire import grpc_error, points, time_series

SIX = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
LAG = "dataflow.googleapis.com/job/system_lag"


def minute(n: int) -> str:
    return (SIX - timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def lag_series(job_id: str, *values: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "metric": {"type": LAG, "labels": {"job_id": job_id}},
        "resource": {"type": "dataflow_job", "labels": {"project_id": "acme-etl", "job_name": "x"}},
        "metricKind": "GAUGE",
        "valueType": "INT64",
        "points": points(*values),
    }


def dataflow(*exchanges: Any) -> DataflowData:
    data = parse_poll("dataflow", exchanges)
    assert isinstance(data, DataflowData)
    return data


def test_series_keyed_by_metric_label_oldest_first() -> None:
    exchange = time_series(
        "acme-etl",
        LAG,
        "dataflow_job",
        "metric.label.job_id",
        [
            lag_series("job-a", (minute(1), {"int64Value": "30"}), (minute(2), {"int64Value": "20"})),
            lag_series("job-b", (minute(1), {"int64Value": "5"})),
        ],
    )
    data = dataflow(exchange)
    assert data.series == (
        MetricSeries(
            metric="job/system_lag",
            key="job-a",
            points=(
                Sample(t=SIX - timedelta(minutes=2), value=20.0),
                Sample(t=SIX - timedelta(minutes=1), value=30.0),
            ),
        ),
        MetricSeries(
            metric="job/system_lag", key="job-b", points=(Sample(t=SIX - timedelta(minutes=1), value=5.0),)
        ),
    )
    assert data.series[0].last == 30.0
    assert data.warnings == ()


def test_series_keyed_by_resource_label() -> None:
    series = {
        "metric": {"type": "dataproc.googleapis.com/cluster/yarn/apps", "labels": {"status": "running"}},
        "resource": {
            "type": "cloud_dataproc_cluster",
            "labels": {"cluster_name": "etl-nightly", "project_id": "p"},
        },
        "metricKind": "GAUGE",
        "valueType": "INT64",
        "points": points((minute(0), {"int64Value": "4"})),
    }
    request = {
        "name": "projects/p",
        "filter": 'metric.type = "dataproc.googleapis.com/cluster/yarn/apps"',
        "aggregation": {"groupByFields": ["resource.label.cluster_name"]},
    }
    (parsed,) = parse_time_series([(request, {"timeSeries": [series]})])
    assert (parsed.metric, parsed.key, parsed.last) == ("cluster/yarn/apps", "etl-nightly", 4.0)


def test_int64_double_bool_distribution_and_string_values() -> None:
    exchange = time_series(
        "acme-etl",
        LAG,
        "dataflow_job",
        "metric.label.job_id",
        [
            lag_series(
                "job-a",
                (minute(0), {"stringValue": "RUNNING"}),
                (minute(1), {"distributionValue": {"count": "3", "mean": 2.5}}),
                (minute(2), {"boolValue": True}),
                (minute(3), {"boolValue": False}),
                (minute(4), {"doubleValue": 0.125}),
                (minute(5), {"int64Value": "9007199254740993"}),
                (minute(6), {"doubleValue": "NaN"}),
            )
        ],
    )
    (series,) = dataflow(exchange).series
    values = [p.value for p in series.points]
    assert values[1:] == [9007199254740992.0, 0.125, 0.0, 1.0, 2.5]  # the string point is left out
    assert values[0] != values[0]  # NaN, as proto JSON writes it
    assert [p.t for p in series.points] == sorted(p.t for p in series.points)


def test_a_series_continued_on_the_next_page_is_joined() -> None:
    first = time_series(
        "acme-etl",
        LAG,
        "dataflow_job",
        "metric.label.job_id",
        [lag_series("job-a", (minute(0), {"int64Value": "3"}), (minute(1), {"int64Value": "2"}))],
    )
    second = time_series(
        "acme-etl",
        LAG,
        "dataflow_job",
        "metric.label.job_id",
        [lag_series("job-a", (minute(2), {"int64Value": "1"}))],
        page_token="next",
    )
    (series,) = dataflow(first, second).series
    assert [p.value for p in series.points] == [1.0, 2.0, 3.0]


def test_points_in_any_order_come_back_oldest_first() -> None:
    exchange = time_series(
        "acme-etl",
        LAG,
        "dataflow_job",
        "metric.label.job_id",
        [
            lag_series(
                "job-a",
                (minute(1), {"int64Value": "2"}),
                (minute(3), {"int64Value": "0"}),
                (minute(2), {"int64Value": "1"}),
                (minute(0), {"int64Value": "3"}),
            )
        ],
    )
    (series,) = dataflow(exchange).series
    assert [p.value for p in series.points] == [0.0, 1.0, 2.0, 3.0]


def test_a_series_without_the_grouped_label_is_keyed_empty() -> None:
    unlabelled = lag_series("x", (minute(0), {"int64Value": "1"}))
    del unlabelled["metric"]["labels"]
    exchange = time_series("acme-etl", LAG, "dataflow_job", "metric.label.job_id", [unlabelled])
    assert dataflow(exchange).series[0].key == ""


def test_the_metric_type_falls_back_to_the_request_filter() -> None:
    series = lag_series("job-a", (minute(0), {"int64Value": "1"}))
    del series["metric"]["type"]
    exchange = time_series("acme-etl", LAG, "dataflow_job", "metric.label.job_id", [series])
    assert dataflow(exchange).series[0].metric == "job/system_lag"


def test_a_denied_metric_is_one_warning_naming_the_role() -> None:
    denied = grpc_error(
        "PERMISSION_DENIED", "Permission monitoring.timeSeries.list denied (or it may not exist)."
    )
    exchanges = [
        time_series(
            "acme-etl",
            f"dataflow.googleapis.com/job/{m}",
            "dataflow_job",
            "metric.label.job_id",
            error=denied,
        )
        for m in ("system_lag", "data_watermark_age", "current_num_vcpus")
    ]
    data = dataflow(*exchanges)
    assert data.series == ()
    assert data.warnings == (
        "Monitoring metrics not shown: PERMISSION_DENIED: needs roles/monitoring.viewer on project acme-etl "
        "(ListTimeSeries)",
    )


def test_a_failed_metric_names_itself_and_the_others_still_show() -> None:
    ok = time_series(
        "acme-etl",
        LAG,
        "dataflow_job",
        "metric.label.job_id",
        [lag_series("job-a", (minute(0), {"int64Value": "1"}))],
    )
    failed = time_series(
        "acme-etl",
        "dataflow.googleapis.com/job/data_watermark_age",
        "dataflow_job",
        "metric.label.job_id",
        error=grpc_error("UNAVAILABLE", "The service is currently unavailable."),
    )
    data = dataflow(ok, failed)
    assert [s.metric for s in data.series] == ["job/system_lag"]
    assert data.warnings == (
        "metric job/data_watermark_age not shown: UNAVAILABLE: The service is currently unavailable. "
        "(ListTimeSeries, project acme-etl)",
    )


@pytest.mark.parametrize(
    ("response", "match"),
    [
        ({"timeSeries": "x"}, "'timeSeries' is str"),
        ({"timeSeries": [1]}, "a time series is int"),
        ({"timeSeries": [{"metric": {"type": LAG}, "points": {"a": 1}}]}, "'points' is dict"),
        (
            {"timeSeries": [{"metric": {"type": LAG}, "points": [{"value": {"weird": 1}}]}]},
            "no value of a known type",
        ),
        (
            {"timeSeries": [{"metric": {"type": LAG}, "points": [{"value": {"int64Value": "1"}}]}]},
            "missing 'interval'",
        ),
        ([], "response is list"),
    ],
)
def test_garbage_monitoring_is_a_warning(response: Any, match: str) -> None:
    import msgspec

    exchange = time_series("acme-etl", LAG, "dataflow_job", "metric.label.job_id")
    exchange = msgspec.structs.replace(exchange, response=response)
    data = dataflow(exchange)
    assert data.series == ()
    (warning,) = data.warnings
    assert warning.startswith("metric job/system_lag not shown: unexpected response from ListTimeSeries")
    assert match in warning


def test_a_bad_page_adds_none_of_its_points() -> None:
    good = lag_series("job-a", (minute(0), {"int64Value": "1"}))
    bad = lag_series("job-b", (minute(0), {"weird": 1}))
    exchange = time_series("acme-etl", LAG, "dataflow_job", "metric.label.job_id", [good, bad])
    data = dataflow(exchange)
    assert data.series == ()
    assert len(data.warnings) == 1


def test_group_labels_and_metric_filters() -> None:
    assert group_label({"aggregation": {"groupByFields": ["metric.label.reservation"]}}) == (
        "metric",
        "reservation",
    )
    assert group_label({"aggregation": {"groupByFields": ["resource.labels.cluster_name"]}}) == (
        "resource",
        "cluster_name",
    )
    assert group_label({"aggregation": {"groupByFields": ["metadata.user_labels.x"]}}) is None
    assert group_label({}) is None
    assert (
        requested_metric({"filter": 'metric.type = "bigquery.googleapis.com/slots/allocated"'})
        == "slots/allocated"
    )
    assert requested_metric({}) is None


def test_series_without_metric_anywhere_is_garbage() -> None:
    with pytest.raises(Garbage):
        parse_time_series([({"name": "projects/p"}, {"timeSeries": [{"points": []}]})])
