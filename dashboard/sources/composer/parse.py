"""Composer (proto JSON) → :class:`Environment` and :class:`Workload`; one poll → :class:`ComposerData`.

Per project and region the environment listing is primary (a failed one marks ``project/region``
incomplete; the poll fails only when no listing answered); an environment's workloads and the Monitoring
reads are secondary (a warning). The reading is tolerant: a field left out is None or Composer's default,
an enum value gcpdash does not know is kept as it is sent.

Environment series are keyed ``project/location/env`` and DAG series ``project/location/env/dag``: two
regions may hold environments of the same name, two environments DAGs of the same id. Run counts are kept
per run state, as ``workflow/run_count:<state>``; a read over the last 24 h as one alignment period (86,400 s)
is kept under ``day/`` (``day/workflow/run_count:failed``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import msgspec

from dashboard.models import MetricSeries, Sample
from dashboard.parsers.common import Garbage, TimeCache, items, metric_short, opt_int64, str_map
from dashboard.parsers.monitoring import metrics_unavailable, warning_subject
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.composer.model import (
    DAY,
    LIST_ENVIRONMENTS,
    LIST_WORKLOADS,
    RUN_COUNT,
    ComposerData,
    Environment,
    Workload,
)

_EMPTY: dict[str, Any] = {}
_NAME = re.compile(r"^projects/([^/]+)/locations/([^/]+)/environments/([^/]+)$")
_SIZE = "ENVIRONMENT_SIZE_"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else _EMPTY


def split_name(name: Any) -> tuple[str, str, str]:
    """``projects/P/locations/R/environments/E`` → ``(P, R, E)``.

    Raises:
        Garbage: Not such a name.
    """
    found = _NAME.match(name) if isinstance(name, str) else None
    if found is None:
        raise Garbage(f"{name!r} is not an environment name")
    return found.group(1), found.group(2), found.group(3)


def _count(value: Any) -> int | None:
    return opt_int64(value) if isinstance(value, int | str) else None


def environment_from_json(resource: Any) -> Environment:
    """An ``Environment`` message (as ``ListEnvironments`` returns it)."""
    body = _dict(resource)
    project, location, env_id = split_name(body.get("name"))
    config = _dict(body.get("config"))
    software = _dict(config.get("softwareConfig"))
    workloads = _dict(config.get("workloadsConfig"))
    worker = _dict(workloads.get("worker"))
    size = str(config.get("environmentSize") or "")
    schedulers = _count(_dict(workloads.get("scheduler")).get("count"))
    return Environment(
        project=project,
        location=location,
        env_id=env_id,
        name=str(body["name"]),
        state=str(body.get("state") or "STATE_UNSPECIFIED"),
        image_version=str(software.get("imageVersion") or ""),
        size=size.removeprefix(_SIZE) if size and size != _SIZE + "UNSPECIFIED" else None,
        airflow_uri=str(config["airflowUri"]) if config.get("airflowUri") else None,
        node_count=_count(config.get("nodeCount")),
        schedulers=schedulers if schedulers is not None else _count(software.get("schedulerCount")),
        workers_min=_count(worker.get("minCount")),
        workers_max=_count(worker.get("maxCount")),
        labels=str_map(body.get("labels")),
        uuid=str(body.get("uuid") or ""),
        create_time=str(body["createTime"]) if body.get("createTime") else None,
        update_time=str(body["updateTime"]) if body.get("updateTime") else None,
    )


def environments_page(response: dict[str, Any]) -> list[Environment]:
    """Every environment of one ``ListEnvironments`` page."""
    return [environment_from_json(e) for e in items(response, "environments")]


def workload_from_json(resource: Any) -> Workload:
    """A ``ComposerWorkload`` message."""
    body = _dict(resource)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise Garbage("a workload has no name")
    status = _dict(body.get("status"))
    return Workload(
        name=name,
        type=str(body.get("type") or "COMPOSER_WORKLOAD_TYPE_UNSPECIFIED"),
        state=str(status.get("state") or "COMPOSER_WORKLOAD_STATE_UNSPECIFIED"),
        message=str(status.get("statusMessage") or ""),
        detail=str(status.get("detailedStatusMessage") or ""),
    )


def workloads_page(response: dict[str, Any]) -> list[Workload]:
    """Every workload of one ``ListWorkloads`` page."""
    return [workload_from_json(w) for w in items(response, "workloads")]


def environment_names(exchanges: Sequence[Exchange]) -> list[str]:
    """The full names of the environments a poll's listings hold, in the order listed (a page that cannot
    be read names none): whose workloads the fetch lists."""
    names: list[str] = []
    for ex in exchanges:
        if ex.method != LIST_ENVIRONMENTS or ex.error is not None or not isinstance(ex.response, dict):
            continue
        found = ex.response.get("environments")
        for env in found if isinstance(found, list) else ():
            name = _dict(env).get("name")
            if isinstance(name, str) and _NAME.match(name):
                names.append(name)
    return names


class _Series:
    """The poll's Monitoring series, keyed by project, location, environment (and DAG)."""

    def __init__(self, times: TimeCache) -> None:
        self.times = times
        self.points: dict[tuple[str, str], list[Sample]] = {}
        self.units: dict[tuple[str, str], str] = {}
        self.reads: dict[tuple[str, str], str | None] = {}

    def read(self, ctx: PollContext, exchange: Exchange) -> None:
        request = request_of(exchange)
        ctx.secondary(exchange, warning_subject, self.page, request)
        key = (str(request.get("name", "")), str(request.get("filter", "")))
        code = (exchange.error.code or "error") if exchange.error is not None else None
        if exchange.error is None and not isinstance(exchange.response, dict):
            code = "garbage"
        if code is not None or key not in self.reads:
            self.reads[key] = code

    def page(self, response: dict[str, Any], request: dict[str, Any]) -> None:
        project = str(request.get("name") or "?").removeprefix("projects/")
        period = str(_dict(request.get("aggregation")).get("alignmentPeriod") or "")
        day = period == "86400s"  # a DAY_METRICS read: one point over the last 24 h
        found: list[tuple[tuple[str, str], str, list[Sample]]] = []
        for series in items(response, "timeSeries"):
            body = _dict(series)
            metric = _dict(body.get("metric"))
            short = metric_short(str(metric.get("type") or ""))
            if not short:
                raise Garbage("a time series names no metric type")
            labels = {**str_map(_dict(body.get("resource")).get("labels")), **str_map(metric.get("labels"))}
            key = f"{project}/{labels.get('location') or '?'}/{labels.get('environment_name') or '?'}"
            if short.startswith("workflow/"):
                key = f"{key}/{labels.get('workflow_name') or '?'}"
            if short == RUN_COUNT:
                short = f"{short}:{labels.get('state') or 'unknown'}"
            if day:
                short = DAY + short
            points = []
            for point in items(body, "points"):
                value = _dict(_dict(point).get("value"))
                number = value.get("doubleValue", value.get("int64Value"))
                if number is None and "boolValue" in value:
                    number = 1.0 if value["boolValue"] is True else 0.0
                if number is None:
                    continue
                points.append(Sample(t=self.times[point["interval"]["endTime"]], value=float(number)))
            found.append(((short, key), str(body.get("unit") or ""), points))
        for ident, unit, points in found:  # only a page read whole joins the poll's series
            self.points.setdefault(ident, []).extend(points)
            self.units.setdefault(ident, unit)

    def series(self) -> tuple[MetricSeries, ...]:
        return tuple(
            MetricSeries(
                metric=metric,
                key=key,
                unit=self.units[(metric, key)],
                points=tuple(sorted(points, key=lambda p: p.t)),
            )
            for (metric, key), points in self.points.items()
        )


def _part(request: dict[str, Any]) -> str:
    """``projects/P/locations/R`` (a listing's ``parent``) → ``P/R``."""
    parent = str(request.get("parent") or "?")
    return parent.removeprefix("projects/").replace("/locations/", "/")


def parse_composer(exchanges: Sequence[Exchange], ctx: PollContext) -> ComposerData:
    """The Composer source's data from every exchange of one poll.

    Raises:
        SourceError: No project's and region's environment listing answered.
    """
    environments: list[Environment] = []
    workloads: dict[str, list[Workload]] = {}
    read: set[str] = set()
    failed: set[str] = set()
    collector = _Series(ctx.times)
    for ex in exchanges:
        if ex.method == LIST_ENVIRONMENTS:
            page = ctx.listing(ex, _part(request_of(ex)), environments_page)
            environments.extend(page or ())
        elif ex.method == LIST_WORKLOADS:
            parent = str(request_of(ex).get("parent") or "")
            short = parent.rsplit("/", 1)[-1] or "?"
            found = ctx.secondary(ex, f"Composer workloads of {short} not shown", workloads_page)
            if found is None:
                failed.add(parent)
            else:
                read.add(parent)
                workloads.setdefault(parent, []).extend(found)
        elif ex.method == fmt.MON_LIST_TIME_SERIES:
            collector.read(ctx, ex)
    ctx.check()
    return ComposerData(
        environments=tuple(
            msgspec.structs.replace(
                env,
                workloads=tuple(workloads.get(env.name, ())),
                workloads_read=env.name in read and env.name not in failed,
            )
            for env in environments
        ),
        series=collector.series(),
        incomplete=ctx.incomplete,
        warnings=ctx.warnings,
        metrics_unavailable=metrics_unavailable(collector.reads),
    )
