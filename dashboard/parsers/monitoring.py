"""Cloud Monitoring ``ListTimeSeries`` → :class:`MetricSeries`, one per value of the grouped-by label.

Every request gcpdash sends groups by one field (``metric.label.job_id``, ``resource.label.cluster_name``,
``metric.label.reservation``): each returned series is keyed by that label's value, read from
``metric.labels`` or ``resource.labels``; one labelled ``storage_type`` SSD is kept apart (``:ssd``). The
API sends points newest first; a series comes back oldest first. A series continued on a later page of the
same request is joined into one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from operator import attrgetter
from typing import Any

from dashboard.iam import MONITORING_VIEWER
from dashboard.models import MetricSeries, Sample
from dashboard.parsers.common import Garbage, TimeCache, metric_short
from dashboard.parsers.faults import is_denied
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording.format import Exchange

_METRIC_TYPE = re.compile(r'metric\.type\s*=\s*"([^"]+)"')
_time = attrgetter("t")

STORAGE_TYPE = "storage_type"
SSD_SUFFIX = ":ssd"
"""A series whose metric label ``storage_type`` is ``SSD`` (Dataflow's ``job/total_pd_usage_time`` when
a request keeps that label) is stored as ``<metric>:ssd``, apart from the rest (HDD, or unlabelled)."""

SeriesKey = tuple[str, str, str, str]
"""(request name, request filter, metric, key): what makes two pages' series the same series."""


def group_label(request: Any) -> tuple[str, str] | None:
    """Where the grouped-by label lives: ``metric.label.job_id`` → ``("metric", "job_id")``.

    Returns:
        ``(part, label)`` with part ``metric`` or ``resource``, or None when the request groups by nothing
        gcpdash reads (every series then gets the key ``""``).
    """
    aggregation = request.get("aggregation") if isinstance(request, dict) else None
    fields = aggregation.get("groupByFields") if isinstance(aggregation, dict) else None
    if not fields or not isinstance(fields, list) or not isinstance(fields[0], str):
        return None
    return group_field(fields[0])


def group_field(field: str) -> tuple[str, str] | None:
    """``metric.label.X``, ``metric.labels.X`` or ``resource.label.X`` → ``(part, X)``."""
    part, _, rest = field.partition(".")
    kind, _, label = rest.partition(".")
    if part not in ("metric", "resource") or kind not in ("label", "labels") or not label:
        return None
    return part, label


def requested_metric(request: Any) -> str | None:
    """The metric type a request's filter selects, without its service prefix."""
    if not isinstance(request, dict):
        return None
    found = _METRIC_TYPE.search(str(request.get("filter", "")))
    return metric_short(found.group(1)) if found else None


def warning_subject(exchange: Exchange) -> str:
    """What a failed ``ListTimeSeries`` leaves out: all Monitoring metrics when it was denied (one warning
    for the lot), else the one metric."""
    if is_denied(exchange):
        return "Monitoring metrics not shown"
    metric = requested_metric(exchange.request)
    return f"metric {metric} not shown" if metric else "a Monitoring metric not shown"


class SeriesCollector:
    """Gathers the series of every ``ListTimeSeries`` page of a poll, then builds them oldest first."""

    __slots__ = ("_groups", "_metrics", "_points", "_reads", "_units", "times")

    def __init__(self, times: TimeCache) -> None:
        """Start empty; ``times`` is the poll's timestamp cache."""
        self.times = times
        self._points: dict[SeriesKey, list[Sample]] = {}
        self._units: dict[SeriesKey, str] = {}
        self._metrics: dict[str, str] = {}
        self._groups: dict[str, tuple[str, str] | None] = {}
        self._reads: dict[tuple[str, str], str | None] = {}
        """Per read (project, filter): None once a page answered, else the code its failure last had."""

    def read(self, ctx: PollContext, exchange: Exchange) -> None:
        """Take one ``ListTimeSeries`` exchange of the poll: its page, or its failure as a warning (through
        ``ctx``) and for :meth:`unavailable`."""
        request = request_of(exchange)
        ctx.secondary(exchange, warning_subject, self.add_page, request)
        key = (str(request.get("name", "")), str(request.get("filter", "")))
        code = (exchange.error.code or "error") if exchange.error is not None else None
        if exchange.error is None and not isinstance(exchange.response, dict):
            code = "garbage"
        if code is not None or key not in self._reads:
            self._reads[key] = code

    def unavailable(self) -> str | None:
        """:func:`metrics_unavailable` of the reads taken so far."""
        return metrics_unavailable(self._reads)

    def add_page(self, response: dict[str, Any], request: dict[str, Any]) -> None:
        """Take one page.

        Raises:
            Garbage, KeyError, TypeError, ValueError: The page is not ``ListTimeSeriesResponse`` JSON.
        """
        raw_series = response.get("timeSeries")
        if not raw_series:
            return
        if type(raw_series) is not list:
            raise Garbage(f"'timeSeries' is {type(raw_series).__name__}, expected a list")
        aggregation = request.get("aggregation")
        fields = aggregation.get("groupByFields") if type(aggregation) is dict else None
        field = fields[0] if fields and type(fields) is list else None
        if type(field) is str:
            try:
                group = self._groups[field]
            except KeyError:
                group = self._groups[field] = group_field(field)
        else:
            group = None
        name, filt = str(request.get("name", "")), str(request.get("filter", ""))
        times = self.times
        metrics = self._metrics
        page: list[tuple[SeriesKey, str, list[Sample]]] = []
        for series in raw_series:
            if type(series) is not dict:
                raise Garbage(f"a time series is {type(series).__name__}, expected an object")
            metric = series.get("metric")
            metric_type = metric.get("type") if metric else None
            if metric_type:
                short = metrics.get(metric_type)
                if short is None:
                    short = metrics[metric_type] = metric_short(metric_type)
            else:
                short = requested_metric(request) or ""
                if not short:
                    raise Garbage("a time series names no metric type")
            metric_labels = metric.get("labels") if metric else None
            if metric_labels and metric_labels.get(STORAGE_TYPE) == "SSD":
                short += SSD_SUFFIX
            key = ""
            if group is not None:
                part = series.get(group[0])
                labels = part.get("labels") if part else None
                if labels:
                    key = labels.get(group[1], "")
                    if type(key) is not str:
                        key = str(key)
            points: list[Sample] = []
            raw_points = series.get("points")
            if raw_points:
                if type(raw_points) is not list:
                    raise Garbage(f"'points' is {type(raw_points).__name__}, expected a list")
                for point in raw_points:
                    value = point["value"]
                    number = value.get("doubleValue")
                    if number is None:
                        number = _value(value)
                        if number is None:
                            continue
                    points.append(Sample(t=times[point["interval"]["endTime"]], value=float(number)))
            page.append(((name, filt, short, key), series.get("unit") or "", points))
        # only a page read whole joins the poll's series
        for ident, unit, points in page:
            known = self._points.get(ident)
            if known is None:
                self._points[ident] = points
                self._units[ident] = str(unit)
            else:
                known.extend(points)

    def series(self) -> tuple[MetricSeries, ...]:
        """Every series gathered, points oldest first, in the order first seen."""
        out: list[MetricSeries] = []
        units = self._units
        for ident, points in self._points.items():
            if len(points) > 1:
                if points[0].t > points[-1].t:
                    points.reverse()
                points.sort(key=_time)
            out.append(MetricSeries(metric=ident[2], key=ident[3], unit=units[ident], points=tuple(points)))
        return tuple(out)


def _value(value: dict[str, Any]) -> float | None:
    """A ``TypedValue`` as a float: double, int64 (a string), bool as 0/1, a distribution's mean.

    Returns:
        None for a string value, which no chart can show.
    """
    number = value.get("doubleValue")
    if number is not None:
        return float(number)
    number = value.get("int64Value")
    if number is not None:
        return float(int(number))
    flag = value.get("boolValue")
    if flag is not None:
        return 1.0 if flag is True else 0.0
    distribution = value.get("distributionValue")
    if distribution is not None:
        return float(distribution.get("mean", 0.0))
    if "stringValue" in value:
        return None
    raise Garbage(f"a point has no value of a known type ({', '.join(value) or 'none'})")


def parse_time_series(
    pages: Iterable[tuple[dict[str, Any], dict[str, Any]]], times: TimeCache | None = None
) -> tuple[MetricSeries, ...]:
    """``(request, response)`` pages of ``ListTimeSeries`` → series, for callers outside a poll."""
    collector = SeriesCollector(times if times is not None else TimeCache())
    for request, response in pages:
        collector.add_page(response, request)
    return collector.series()


_SHORT_CODES = {
    "UNAVAILABLE": "503",
    "RESOURCE_EXHAUSTED": "429 (quota)",
    "DEADLINE_EXCEEDED": "no answer in time",
    "INTERNAL": "500",
    "UNKNOWN": "500",
    "CANCELLED": "call cancelled",
    "PERMISSION_DENIED": f"403 (needs {MONITORING_VIEWER})",
    "UNAUTHENTICATED": "401 (credentials refused)",
    "NOT_FOUND": "404",
}
"""How a failed read's gRPC status is said in the one-line summary (the HTTP status Google maps it to)."""

_TRANSIENT = frozenset({"UNAVAILABLE", "RESOURCE_EXHAUSTED", "DEADLINE_EXCEEDED", "INTERNAL", "UNKNOWN"})
"""Failures the next poll may not meet: the summary says the metrics are asked for again."""


def metrics_unavailable(reads: dict[tuple[str, str], str | None]) -> str | None:
    """One line saying why a poll's Monitoring metrics are missing, for the pane heading and the status
    line (each failed read keeps its own warning too), from the poll's reads (project, filter: the code
    of its failure, None when it answered), as :class:`SeriesCollector` keeps them.

    ``metrics unavailable: 503 from Monitoring (retrying)`` when every ``ListTimeSeries`` failed;
    ``metrics partly unavailable: ... on acme-etl (retrying)`` when some did, naming the projects whose
    reads failed; the most frequent failure is the one named. None when every read answered (or none was
    made).
    """
    failed = [(name, code) for (name, _), code in reads.items() if code is not None]
    if not failed:
        return None
    codes = Counter(code for _, code in failed)
    code = codes.most_common(1)[0][0]
    said = "an answer that is not Monitoring's JSON" if code == "garbage" else _SHORT_CODES.get(code, code)
    scope = "metrics unavailable"
    where = ""
    if len(failed) < len(reads):
        scope = "metrics partly unavailable"
        projects = sorted({name.removeprefix("projects/") for name, _ in failed if name})
        where = f" on {', '.join(projects)}" if projects else ""
    retry = " (retrying)" if code in _TRANSIENT else ""
    return f"{scope}: {said} from Monitoring{where}{retry}"
