"""Alerts: conditions on a snapshot that make ``gcpdash --once`` exit non-zero, for cron and CI.

A condition is ``METRIC OP NUMBER`` (:mod:`.expr`) on a metric of a closed namespace (:mod:`.metrics`),
from ``--fail-on`` (a warning unless written ``critical: ...``) or the config's ``[alerts] warning`` and
``critical`` lists. :func:`check` tells which hold; :func:`exit_code` is 2 when a critical one does, else 1
when a warning one does, else 0. Insights do not fail a run by themselves: ``critical: insights.critical
> 0`` says that they should (docs/alerts.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import msgspec

from dashboard.alerts.expr import AlertSeverity, Condition, parse
from dashboard.alerts.metrics import metric_names
from dashboard.errors import EXIT_CRITICAL, EXIT_OK, EXIT_WARN
from dashboard.insights import Insight

if TYPE_CHECKING:
    from dashboard.config import Config


class AlertResult(msgspec.Struct, frozen=True, kw_only=True):
    """A condition checked against one snapshot."""

    expr: str
    """``metric op number``, e.g. ``insights.critical > 0``."""
    severity: AlertSeverity
    """What the condition does when true: ``warning`` exits 1, ``critical`` exits 2."""
    metric: str
    op: str
    threshold: float
    value: float | None
    """The metric's value; null when it has none (then the condition is not true)."""
    fired: bool
    """The condition is true."""
    origin: str
    """Where it was written: ``--fail-on``, or ``[alerts] warning``/``critical`` and the config file."""
    findings: tuple[str, ...] = ()
    """For an ``insights.*`` metric: the insights it counts, as ``rule:resource`` (critical first, then
    the most money at stake); empty for other metrics."""


FINDINGS_SHOWN = 3
"""Insights a stderr line names (then ``+N more``)."""


def counted(metric: str, insights: Sequence[Insight]) -> tuple[Insight, ...]:
    """The insights an ``insights.*`` metric counts (none for another metric)."""
    if metric == "insights.total":
        return tuple(insights)
    if metric in ("insights.critical", "insights.warning", "insights.info"):
        return tuple(i for i in insights if i.severity == metric.removeprefix("insights."))
    if metric.startswith("insights.rule."):
        return tuple(i for i in insights if i.rule == metric.removeprefix("insights.rule."))
    return ()


def conditions(flags: Sequence[str] = (), config: Config | None = None) -> tuple[Condition, ...]:
    """The conditions of ``--fail-on`` (each a warning unless prefixed ``critical:``) and of the config's
    ``[alerts]`` lists, parsed before anything is read.

    Raises:
        UsageError: An expression that does not parse (exit 3), naming where it was written.
    """
    if not flags and (config is None or not (config.alerts.warning or config.alerts.critical)):
        return ()
    names = metric_names()
    out = [parse(text, names) for text in flags]
    if config is not None:
        where = f" in {config.source}" if config.source else ""
        severity: AlertSeverity
        for severity in ("critical", "warning"):
            for text in getattr(config.alerts, severity):
                out.append(parse(text, names, severity=severity, origin=f"[alerts] {severity}{where}"))
    return tuple(out)


def check(
    conditions: Iterable[Condition],
    values: Mapping[str, float | None],
    insights: Sequence[Insight] = (),
) -> tuple[AlertResult, ...]:
    """Each condition against the metrics' values, in the order given; a condition on an ``insights.*``
    metric names the ``insights`` it counts."""
    out = []
    for condition in conditions:
        value = values.get(condition.metric)
        found = counted(condition.metric, insights)
        out.append(
            AlertResult(
                expr=condition.expr,
                severity=condition.severity,
                metric=condition.metric,
                op=condition.op,
                threshold=condition.threshold,
                value=value,
                fired=value is not None and condition.holds(value),
                origin=condition.origin,
                findings=tuple(i.key for i in found),
            )
        )
    return tuple(out)


def exit_code(results: Iterable[AlertResult]) -> int:
    """2 when a critical condition fired, else 1 when a warning one did, else 0."""
    fired = {r.severity for r in results if r.fired}
    if "critical" in fired:
        return EXIT_CRITICAL
    return EXIT_WARN if "warning" in fired else EXIT_OK


def number(value: float | None) -> str:
    """A metric's value for people: ``5``, ``37.12``, ``0.004``; ``n/a`` when it has none."""
    if value is None:
        return "n/a"
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if abs(value) >= 0.01:
        return f"{value:.2f}"
    return f"{value:.3g}"


def because(result: AlertResult, limit: int = FINDINGS_SHOWN) -> str:
    """The value and, for an ``insights.*`` metric, the first insights it counts: ``value 2:
    dataproc.error_cluster:ml-features, dataflow.failed_job:backfill``; ``+3 more`` beyond ``limit``."""
    text = f"value {number(result.value)}"
    if result.findings:
        named = ", ".join(result.findings[:limit])
        more = len(result.findings) - limit
        text += f": {named}" + (f" +{more} more" if more > 0 else "")
    return text


def stderr_lines(results: Iterable[AlertResult]) -> list[str]:
    """One line per fired condition, critical first (what cron mails and CI logs show):
    ``gcpdash: critical: insights.critical > 0 (value 1: dataproc.error_cluster:ml-features)``. Insight
    resources are cloud text: the caller makes the line safe to print."""
    fired = sorted((r for r in results if r.fired), key=lambda r: r.severity != "critical")
    return [f"gcpdash: {r.severity}: {r.expr} ({because(r)})" for r in fired]


__all__ = [
    "AlertResult",
    "AlertSeverity",
    "Condition",
    "because",
    "check",
    "conditions",
    "counted",
    "exit_code",
    "number",
    "parse",
    "stderr_lines",
]
