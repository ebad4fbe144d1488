"""Pub/Sub (proto JSON) → :class:`Topic` and :class:`Subscription`; one poll → :class:`PubsubData`.

Per project the subscription listing is primary (a failed one marks the project incomplete; the poll fails
only when no project's answered), the topic listing, the Monitoring reads and the ``tables.get`` of the
BigQuery export subscriptions' tables secondary (a warning). The
reading is tolerant: a field left out takes Pub/Sub's default, an enum value gcpdash does not know is kept
as it is sent.

Series are keyed ``project/subscription_id`` (``project/topic_id``): two projects may hold subscriptions
of the same name. Push requests are kept per response class, as ``subscription/push_request_count:<class>``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from dashboard.models import MetricSeries, Sample
from dashboard.parsers.bq_tables import TableCollector
from dashboard.parsers.common import Garbage, TimeCache, items, metric_short, opt_duration, str_map
from dashboard.parsers.monitoring import metrics_unavailable, warning_subject
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.pubsub.model import (
    LIST_SUBSCRIPTIONS,
    LIST_TOPICS,
    PUSH_REQUESTS,
    PubsubData,
    Subscription,
    SubscriptionType,
    Topic,
)

DEFAULT_RETENTION_S = 7 * 24 * 3600.0
"""A subscription's ``message_retention_duration`` when it sends none: 7 days."""
DEFAULT_ACK_DEADLINE_S = 10.0

_EMPTY: dict[str, Any] = {}
_NAME = re.compile(r"^projects/([^/]+)/(topics|subscriptions)/([^/]+)$")


def _split_name(name: Any, collection: str, project: str | None) -> tuple[str, str]:
    """``projects/P/<collection>/X`` → ``(P, X)``.

    Raises:
        Garbage: Not such a name.
    """
    found = _NAME.match(str(name)) if isinstance(name, str) else None
    if found is None or found.group(2) != collection:
        raise Garbage(f"{name!r} is not a {collection} name")
    return found.group(1), found.group(3)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else _EMPTY


def topic_from_json(resource: Any, project: str | None = None) -> Topic:
    """A ``Topic`` message."""
    body = _dict(resource)
    owner, topic_id = _split_name(body.get("name"), "topics", project)
    return Topic(
        project=owner,
        topic_id=topic_id,
        name=str(body["name"]),
        labels=str_map(body.get("labels")),
        retention_s=opt_duration(body.get("messageRetentionDuration")),
        kms_key=body.get("kmsKeyName") or None,
        regions=tuple(
            str(r) for r in items(_dict(body.get("messageStoragePolicy")), "allowedPersistenceRegions")
        ),
        state=str(body.get("state") or "STATE_UNSPECIFIED"),
    )


def _type_of(body: dict[str, Any]) -> SubscriptionType:
    if _dict(body.get("bigqueryConfig")).get("table"):
        return "bigquery"
    if _dict(body.get("cloudStorageConfig")).get("bucket"):
        return "cloud_storage"
    if _dict(body.get("bigtableConfig")).get("table"):
        return "bigtable"
    if _dict(body.get("pushConfig")).get("pushEndpoint"):
        return "push"
    return "pull"


def subscription_from_json(resource: Any, project: str | None = None) -> Subscription:
    """A ``Subscription`` message (as ``ListSubscriptions`` returns it)."""
    body = _dict(resource)
    owner, sub_id = _split_name(body.get("name"), "subscriptions", project)
    bigquery = _dict(body.get("bigqueryConfig"))
    storage = _dict(body.get("cloudStorageConfig"))
    dead = _dict(body.get("deadLetterPolicy"))
    attempts = dead.get("maxDeliveryAttempts")
    kind = _type_of(body)
    export = bigquery.get("state") if kind == "bigquery" else storage.get("state")
    return Subscription(
        project=owner,
        subscription_id=sub_id,
        name=str(body["name"]),
        topic=str(body.get("topic") or ""),
        type=kind,
        state=str(body.get("state") or "STATE_UNSPECIFIED"),
        ack_deadline_s=float(body.get("ackDeadlineSeconds") or DEFAULT_ACK_DEADLINE_S),
        retention_s=opt_duration(body.get("messageRetentionDuration")) or DEFAULT_RETENTION_S,
        retain_acked=body.get("retainAckedMessages") is True,
        dead_letter_topic=dead.get("deadLetterTopic") or None,
        max_delivery_attempts=int(attempts) if attempts is not None else None,
        filter=str(body.get("filter") or ""),
        labels=str_map(body.get("labels")),
        push_endpoint=_dict(body.get("pushConfig")).get("pushEndpoint") or None,
        bigquery_table=bigquery.get("table") or None,
        bigquery_state=bigquery.get("state") or None,
        cloud_storage_bucket=storage.get("bucket") or None,
        export_state=str(export) if export else None,
        detached=body.get("detached") is True,
        exactly_once=body.get("enableExactlyOnceDelivery") is True,
        ordering=body.get("enableMessageOrdering") is True,
    )


def topics_page(response: dict[str, Any], project: str) -> list[Topic]:
    """Every topic of one ``ListTopics`` page."""
    return [topic_from_json(t, project) for t in items(response, "topics")]


def subscriptions_page(response: dict[str, Any], project: str) -> list[Subscription]:
    """Every subscription of one ``ListSubscriptions`` page."""
    return [subscription_from_json(s, project) for s in items(response, "subscriptions")]


def _project(request: dict[str, Any]) -> str:
    """``projects/P`` (a listing's ``project``, a Monitoring read's ``name``) → ``P``."""
    value = str(request.get("project") or request.get("name") or "?")
    return value.removeprefix("projects/")


class _Series:
    """The poll's Monitoring series, keyed by project and subscription or topic id."""

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
        project = _project(request)
        found: list[tuple[tuple[str, str], str, list[Sample]]] = []
        for series in items(response, "timeSeries"):
            body = _dict(series)
            metric = _dict(body.get("metric"))
            short = metric_short(str(metric.get("type") or ""))
            if not short:
                raise Garbage("a time series names no metric type")
            labels = {**str_map(_dict(body.get("resource")).get("labels")), **str_map(metric.get("labels"))}
            thing = labels.get("subscription_id") or labels.get("topic_id") or ""
            if short == PUSH_REQUESTS:
                short = f"{short}:{labels.get('response_class') or 'unknown'}"
            points = []
            for point in items(body, "points"):
                value = _dict(point.get("value"))
                number = value.get("doubleValue", value.get("int64Value"))
                if number is None:
                    continue
                points.append(Sample(t=self.times[point["interval"]["endTime"]], value=float(number)))
            found.append(((short, f"{project}/{thing}"), str(body.get("unit") or ""), points))
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


def parse_pubsub(exchanges: Sequence[Exchange], ctx: PollContext) -> PubsubData:
    """The Pub/Sub source's data from every exchange of one poll.

    Raises:
        SourceError: No project's subscription listing answered.
    """
    topics: list[Topic] = []
    subscriptions: list[Subscription] = []
    collector = _Series(ctx.times)
    tables = TableCollector()
    for ex in exchanges:
        if ex.method == LIST_SUBSCRIPTIONS:
            project = _project(request_of(ex))
            page = ctx.listing(ex, project, subscriptions_page, project)
            if page is not None:
                subscriptions.extend(page)
        elif ex.method == LIST_TOPICS:
            project = _project(request_of(ex))
            found = ctx.secondary(ex, f"Pub/Sub topics of {project} not shown", topics_page, project)
            topics.extend(found or ())
        elif ex.method == fmt.MON_LIST_TIME_SERIES:
            collector.read(ctx, ex)
        elif ex.method == fmt.BQ_TABLES_GET:
            tables.read(ctx, ex)
    ctx.check()
    return PubsubData(
        topics=tuple(topics),
        subscriptions=tuple(subscriptions),
        series=collector.series(),
        tables=tables.tables(),
        incomplete=ctx.incomplete,
        warnings=ctx.warnings,
        metrics_unavailable=metrics_unavailable(collector.reads),
    )
