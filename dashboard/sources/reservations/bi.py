"""BI Engine in the reservations source: ``GetBiReservation`` (proto JSON) → :class:`BiReservation`, and
BI Engine's bytes used from Monitoring, one series per project and location.

A project without a BI reservation in a location answers with size 0 (the reservation is a singleton that
always exists): it is kept, so the pane can say "none". A failed ``GetBiReservation`` (a 403 without
``bigquery.bireservations.get``) is a warning; the slot reservations still show.
"""

from __future__ import annotations

from typing import Any

from dashboard.models import BiReservation, MetricSeries
from dashboard.parsers.common import Garbage, TimeCache, items, name_segments, obj, opt_int64, opt_rfc3339
from dashboard.parsers.monitoring import SeriesCollector
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording.format import Exchange

BI_SERVICE = "bigquerybiengine.googleapis.com/"
USED_BYTES = "reservation/used_bytes"
TOTAL_BYTES = "reservation/total_bytes"


def bi_reservation_from_json(resource: Any, requested: Any = None) -> BiReservation:
    """A ``BiReservation`` message (``projects/P/locations/L/biReservation``); without a name, the one
    ``requested`` (an empty message: proto JSON leaves every default out).

    Raises:
        Garbage: No name, or a name of another shape.
    """
    r = obj(resource, "a BI reservation")
    name = r.get("name") or requested
    if not isinstance(name, str):
        raise Garbage("a BI reservation without a name")
    project, location = name_segments(name, "projects", "locations")
    tables = []
    for t in items(r, "preferredTables"):
        table = obj(t, "a preferred table")
        tables.append(".".join(str(table.get(k) or "?") for k in ("projectId", "datasetId", "tableId")))
    return BiReservation(
        name=name,
        project=project,
        location=location,
        size_bytes=opt_int64(r.get("size")) or 0,
        update_time=opt_rfc3339(r.get("updateTime")),
        preferred_tables=tuple(tables),
    )


def is_bi_metric(exchange: Exchange) -> bool:
    """A ``ListTimeSeries`` of a BI Engine metric."""
    return BI_SERVICE in str(request_of(exchange).get("filter", ""))


class BiUsage:
    """BI Engine's series of a poll, one collector per project so that two projects' locations stay apart."""

    def __init__(self, times: TimeCache) -> None:
        """Start empty; ``times`` is the poll's timestamp cache."""
        self.times = times
        self._by_project: dict[str, SeriesCollector] = {}

    def read(self, ctx: PollContext, exchange: Exchange) -> None:
        """Take one BI Engine ``ListTimeSeries`` exchange."""
        project = str(request_of(exchange).get("name", "")).removeprefix("projects/")
        collector = self._by_project.setdefault(project, SeriesCollector(self.times))
        collector.read(ctx, exchange)

    def series(self) -> tuple[MetricSeries, ...]:
        """Every series, keyed ``project/location`` (the location as Monitoring labels it)."""
        out: list[MetricSeries] = []
        for project, collector in self._by_project.items():
            for s in collector.series():
                key = f"{project}/{s.key}"
                out.append(MetricSeries(metric=s.metric, key=key, unit=s.unit, points=s.points))
        return tuple(out)

    def unavailable(self) -> str | None:
        """Why some BI Engine metric is missing, if one is."""
        return next((u for c in self._by_project.values() if (u := c.unavailable()) is not None), None)


def bi_series(
    reservation: BiReservation, series: tuple[MetricSeries, ...], metric: str
) -> MetricSeries | None:
    """A BI reservation's series of ``metric`` (its location matched without regard to case)."""
    key = f"{reservation.project}/{reservation.location}".lower()
    return next((s for s in series if s.metric == metric and s.key.lower() == key), None)
