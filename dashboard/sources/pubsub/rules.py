"""Pub/Sub insight rules, each a function of the source's data and its thresholds
(``rule(data, now, threshold)``), registered as ``pubsub.<rule>`` with their defaults (:data:`DEFAULTS`):
``[insights.thresholds]`` overrides them by ``pubsub.<rule>.<name>``.

- growing backlog: undelivered messages rose by ``min_growth`` over the last ``minutes``;
- retention risk: the oldest unacknowledged message is at ``warn_pct`` % of the subscription's retention
  (critical from ``critical_pct`` %), after which Pub/Sub drops it unread (data loss), with the time left;
- nobody reads: a pull subscription holds messages while its oldest is older than ``oldest_s`` and the
  backlog never fell over the window;
- dead letters: Pub/Sub forwarded ``min_publishes`` messages or more from a subscription to its
  dead-letter topic in the window (in a recording without that metric: its dead-letter topic received as
  many publishes);
- push failing: a push subscription whose push requests are ``error_pct`` % or more not ``success``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from statistics import median

from dashboard import registry
from dashboard.insights import Context, Insight, rule
from dashboard.models import MetricSeries, Sample
from dashboard.sources.pubsub.model import (
    DEAD_LETTERED,
    OLDEST_UNACKED,
    PUSH_REQUESTS,
    TOPIC_SENDS,
    UNDELIVERED,
    PubsubData,
    Subscription,
)

Index = Mapping[tuple[str, str], MetricSeries]

Threshold = Callable[[str], float]
"""A rule's threshold by name (``min_growth``): the config's override, else its default."""

DEFAULTS: dict[str, dict[str, float]] = {
    "growing_backlog": {"minutes": 15.0, "min_growth": 1000.0},
    "retention_risk": {"warn_pct": 80.0, "critical_pct": 95.0},
    "nobody_reads": {"oldest_s": 3600.0},
    "dead_letters": {"min_publishes": 1.0},
    "push_failing": {"error_pct": 10.0},
}
"""Each rule's thresholds with their defaults (docs/insights.md lists them)."""


RETENTION_WARN = DEFAULTS["retention_risk"]["warn_pct"] / 100
"""The default share of the retention from which the oldest unacked age is a risk (the pane's red)."""


def defaults(name: str) -> Threshold:
    """The default thresholds of the rule ``name`` (what a call without thresholds uses)."""
    return DEFAULTS[name].__getitem__


def index(data: PubsubData) -> dict[tuple[str, str], MetricSeries]:
    """The series by (metric, key)."""
    return {(s.metric, s.key): s for s in data.series}


def _recent(series: MetricSeries | None, minutes: float) -> tuple[Sample, ...]:
    if series is None or not series.points:
        return ()
    since = series.points[-1].t - timedelta(minutes=minutes)
    return tuple(p for p in series.points if p.t >= since)


def _dur(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} d"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


def _insight(rule: str, severity: str, sub: Subscription, *texts: str) -> Insight:
    title, evidence, fix = texts
    return Insight(
        rule=f"pubsub.{rule}",
        severity="critical" if severity == "critical" else "warning",
        title=title,
        source="pubsub",
        resource=sub.key,  # project/id: two projects may hold subscriptions of the same name
        resource_key=sub.key,
        evidence=evidence,
        fix=fix,
    )


def growing_backlog(data: PubsubData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """Undelivered messages up by at least ``min_growth`` over the last ``minutes``, the newer half of the
    points higher than the older half (a trend, not one spike)."""
    threshold = threshold or defaults("growing_backlog")
    trend, growth = threshold("minutes"), threshold("min_growth")
    found = index(data)
    out = []
    for sub in data.subscriptions:
        points = _recent(found.get((UNDELIVERED, sub.key)), trend)
        if len(points) < 3:
            continue
        first, last = points[0], points[-1]
        half = len(points) // 2
        older = median(p.value for p in points[:half])
        newer = median(p.value for p in points[-half:])
        rise = last.value - first.value
        if rise < growth or newer <= older:  # a trend, not one high point at the end
            continue
        minutes = (last.t - first.t).total_seconds() / 60
        out.append(
            _insight(
                "growing_backlog",
                "warning",
                sub,
                f"Subscription {sub.subscription_id} falls behind: {last.value:,.0f} undelivered and growing",
                f"{first.value:,.0f} → {last.value:,.0f} undelivered messages in {minutes:.0f} min "
                f"(+{rise:,.0f}; threshold +{growth:,.0f} in {trend:.0f} min)",
                "Scale the subscriber (more workers, a higher max_num_workers for a Dataflow reader) or look "
                "for a message it keeps failing on",
            )
        )
    return out


def retention_risk(data: PubsubData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """The oldest unacknowledged message at ``warn_pct`` % of the retention or more: warning;
    ``critical_pct`` % or more: critical. Past the retention Pub/Sub deletes it unread."""
    threshold = threshold or defaults("retention_risk")
    warn, critical = threshold("warn_pct") / 100, threshold("critical_pct") / 100
    found = index(data)
    out = []
    for sub in data.subscriptions:
        series = found.get((OLDEST_UNACKED, sub.key))
        age = series.last if series is not None else None
        if age is None or sub.retention_s <= 0 or age < warn * sub.retention_s:
            continue
        left = max(0.0, sub.retention_s - age)
        share = age / sub.retention_s
        out.append(
            _insight(
                "retention_risk",
                "critical" if share >= critical else "warning",
                sub,
                f"Subscription {sub.subscription_id} loses messages in {_dur(left)}: oldest unacked "
                f"{_dur(age)} of {_dur(sub.retention_s)} retention",
                f"oldest unacknowledged message {age:,.0f} s old = {share:.0%} of the "
                f"{sub.retention_s:,.0f} s retention; {left:,.0f} s left before Pub/Sub drops it unread",
                "Drain the backlog now (scale the reader, fix what it fails on) or raise "
                "message_retention_duration (up to 31 days); seek a snapshot if messages are already lost",
            )
        )
    return out


def nobody_reads(data: PubsubData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """A pull subscription with messages waiting, its oldest at least ``oldest_s`` old, whose backlog
    never fell over the window: nothing acknowledges."""
    threshold = threshold or defaults("nobody_reads")
    unread = threshold("oldest_s")
    found = index(data)
    out = []
    for sub in data.subscriptions:
        if sub.type != "pull" or sub.detached:
            continue
        backlog = found.get((UNDELIVERED, sub.key))
        oldest = found.get((OLDEST_UNACKED, sub.key))
        if backlog is None or oldest is None or not backlog.points or (oldest.last or 0.0) < unread:
            continue
        values = [p.value for p in backlog.points]
        if values[-1] <= 0 or any(b < a for a, b in itertools.pairwise(values)):
            continue
        out.append(
            _insight(
                "nobody_reads",
                "warning",
                sub,
                f"Nobody reads subscription {sub.subscription_id}",
                f"{values[-1]:,.0f} undelivered messages, never fewer over the window; oldest unacked "
                f"{_dur(oldest.last or 0.0)} (threshold {_dur(unread)})",
                "Start its subscriber, or delete the subscription if nothing needs it (it keeps messages "
                "and bills their storage)",
            )
        )
    return out


def dead_letters(data: PubsubData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """A subscription from which Pub/Sub forwarded ``min_publishes`` messages or more (and at least one)
    to its dead-letter topic over the window (``subscription/dead_letter_message_count``).

    Without any such series (a recording made before the metric was read) the dead-letter topic's
    publish requests stand in; they cannot tell apart the subscriptions that share a dead-letter topic,
    which the per-subscription count does (a subscription that forwards nothing has no series).
    """
    threshold = threshold or defaults("dead_letters")
    least = threshold("min_publishes")
    found = index(data)
    counted = any(s.metric == DEAD_LETTERED for s in data.series)
    out = []
    for sub in data.subscriptions:
        if not sub.dead_letter_topic:
            continue
        if counted:
            series = found.get((DEAD_LETTERED, sub.key))
            what = "messages forwarded to"
        else:
            parts = sub.dead_letter_topic.split("/")
            series = found.get(
                (TOPIC_SENDS, f"{parts[1]}/{parts[3]}" if len(parts) == 4 else sub.dead_letter_topic)
            )
            what = "publish requests to"
        sent = sum(p.value for p in series.points) if series is not None else 0.0
        if sent <= 0 or sent < least:
            continue
        out.append(
            _insight(
                "dead_letters",
                "warning",
                sub,
                f"Subscription {sub.subscription_id} sends messages to its dead-letter topic",
                f"{sent:,.0f} {what} {sub.dead_letter_topic} over the window "
                f"(after {sub.max_delivery_attempts or 5} delivery attempts each)",
                "Read the dead-letter topic's messages to find why the subscriber rejects them; fix and "
                "republish them",
            )
        )
    return out


def push_failing(data: PubsubData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """A push subscription whose push requests over the window are ``error_pct`` % or more not
    ``success``."""
    threshold = threshold or defaults("push_failing")
    share = threshold("error_pct") / 100
    out = []
    prefix = PUSH_REQUESTS + ":"
    for sub in data.subscriptions:
        if sub.type != "push":
            continue
        by_class = {
            s.metric.removeprefix(prefix): sum(p.value for p in s.points)
            for s in data.series
            if s.key == sub.key and s.metric.startswith(prefix)
        }
        total = sum(by_class.values())
        failed = total - by_class.get("success", 0.0)
        if total <= 0 or failed / total < share:
            continue
        classes = ", ".join(f"{k} {v:,.0f}" for k, v in sorted(by_class.items()) if k != "success")
        out.append(
            _insight(
                "push_failing",
                "critical" if failed == total else "warning",
                sub,
                f"Push subscription {sub.subscription_id} fails: {failed / total:.0%} of pushes",
                f"{failed:,.0f} of {total:,.0f} push requests failed ({classes}) to {sub.push_endpoint}",
                "Check the endpoint's logs and status; it must answer 102, 200, 201, 202 or 204 within the "
                "ack deadline",
            )
        )
    return out


RULES = (growing_backlog, retention_risk, nobody_reads, dead_letters, push_failing)


def _data(ctx: Context) -> PubsubData:
    spec = registry.spec("pubsub")
    found = PubsubData() if spec is None else spec.data_in(ctx.snapshot)
    return found if isinstance(found, PubsubData) else PubsubData()


def _register(fn: Callable[[PubsubData, datetime, Threshold], list[Insight]]) -> None:
    """``fn`` as the insight rule ``pubsub.<its name>`` of the context, with its thresholds."""
    rule_id = f"pubsub.{fn.__name__}"

    def run(ctx: Context) -> list[Insight]:
        return fn(_data(ctx), ctx.snapshot.at, lambda name: ctx.threshold(rule_id, name))

    run.__name__ = run.__qualname__ = fn.__name__
    rule(rule_id, **DEFAULTS[fn.__name__])(run)


for _fn in RULES:
    _register(_fn)


def metrics(data: PubsubData) -> dict[str, float]:
    """``--fail-on`` values: ``pubsub.undelivered`` (all subscriptions' newest backlog) and
    ``pubsub.oldest_unacked_s`` (the oldest of all)."""
    found = index(data)
    backlog = [found[(UNDELIVERED, s.key)].last for s in data.subscriptions if (UNDELIVERED, s.key) in found]
    ages = [
        found[(OLDEST_UNACKED, s.key)].last for s in data.subscriptions if (OLDEST_UNACKED, s.key) in found
    ]
    return {
        "undelivered": float(sum(b for b in backlog if b is not None)),
        "oldest_unacked_s": float(max((a for a in ages if a is not None), default=0.0)),
    }
