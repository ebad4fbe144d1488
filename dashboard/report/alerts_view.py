"""The Alerts section of the ``--once`` reports: each condition given, whether it fired, and the value
it was checked against: a line each in the text report (wrapped, never cut), a table in Markdown."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.alerts import AlertResult, because, exit_code, number
from dashboard.views.columns import Column, Row, heading
from dashboard.views.fmt import visible

COLUMNS = (
    Column("", "status"),
    Column("SEVERITY", "severity"),
    Column("CONDITION", "expr"),
    Column("VALUE", "value", justify="right"),
    Column("FROM", "origin"),
)
"""The Markdown table: fired or not, the severity it has when it fires, the condition, the metric's value,
where it was written."""

SEVERITY_STYLE = {"critical": "bold red", "warning": "yellow"}


def alert_row(result: AlertResult) -> Row:
    """One condition: ``FIRED`` in its severity's style, or a dim ``ok`` (``n/a``: the metric has no
    value, so the condition cannot be true)."""
    style = SEVERITY_STYLE.get(result.severity, "")
    if result.fired:
        status = Text("FIRED", style=style)
    else:
        status = Text("n/a" if result.value is None else "ok", style="dim")
    return Row.of(
        result.expr,
        [
            status,
            Text(result.severity, style=style if result.fired else "dim"),
            result.expr,
            number(result.value),
            Text(result.origin, style="dim"),
        ],
    )


def ordered(results: Iterable[AlertResult]) -> list[AlertResult]:
    """Fired conditions first (critical before warning), then the others, each group in the order given."""
    return sorted(results, key=lambda r: (not r.fired, r.severity != "critical"))


def rows(results: Iterable[AlertResult]) -> list[Row]:
    """The table's rows, :func:`ordered`."""
    return [alert_row(r) for r in ordered(results)]


def summary(results: Sequence[AlertResult]) -> str:
    """``2 of 3 fired: 1 critical, 1 warning; exit 2`` or ``none of 3 fired; exit 0``."""
    fired = [r for r in results if r.fired]
    code = exit_code(results)
    if not fired:
        return f"none of {len(results)} fired; exit {code}"
    by = [f"{sum(r.severity == s for r in fired)} {s}" for s in ("critical", "warning")]
    return f"{len(fired)} of {len(results)} fired: {', '.join(by)}; exit {code}"


def render(results: Sequence[AlertResult]) -> RenderableType:
    """The text section: a heading with the summary, then one line per condition (:func:`ordered`) that
    wraps rather than cuts on a narrow console: ``FIRED  critical  insights.critical > 0  (value 1:
    dataproc.error_cluster:ml-features; --fail-on)``. A fired condition on an ``insights.*`` metric names
    the first insights it counts (cloud text, made visible)."""
    lines: list[Text] = [heading("Alerts", summary(results))]
    for result in ordered(results):
        status, severity, expr, _value, origin = alert_row(result).cells
        why = because(result) if result.fired else f"value {number(result.value)}"
        lines.append(
            Text.assemble(
                status,
                " " * (7 - len(status)),
                severity,
                " " * (10 - len(severity)),
                expr,
                ("  (", "dim"),
                visible(why),
                ("; ", "dim"),
                origin,
                (")", "dim"),
            )
        )
    return Group(*lines)


__all__ = ["COLUMNS", "alert_row", "ordered", "render", "rows", "summary"]
