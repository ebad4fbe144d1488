"""The insights view: what is wrong, how bad, what it costs and what to do, as a table for the app's pane,
as blocks for the text report, and as a short list for the overview.

Everything an insight says may carry cloud text (a cluster's name in its title, a label in its evidence):
it goes into :class:`rich.text.Text` through :func:`dashboard.views.fmt.visible` or ``safe_line``, never
through Rich's markup parser. Money at stake is always labelled an estimate (list prices).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.text import Text

from dashboard.insights import SEVERITY_RANK, Insight, counts
from dashboard.views import fmt
from dashboard.views.columns import Column, Row, line, table

SEVERITY_STYLE: dict[str, str] = {"critical": "bold red", "warning": "yellow", "info": "cyan"}
"""How each severity is shown."""

SEVERITY_LABEL: dict[str, str] = {"critical": "CRITICAL", "warning": "WARNING", "info": "INFO"}


def where_of(source: str) -> str:
    """The WHERE of an insight of ``source``: its spec's ``short`` name, else its title (its name when no
    source of that name is registered)."""
    from dashboard import registry

    spec = registry.spec(source)
    return (spec.short or spec.title) if spec is not None else source


def pane_of(source: str) -> str:
    """The app pane an insight of ``source`` is shown in: its spec's ``pane_id``, else its name."""
    from dashboard import registry

    spec = registry.spec(source)
    return (spec.pane_id or spec.name) if spec is not None else "overview"


COLUMNS = (
    Column("SEVERITY", "severity"),
    Column("WHERE", "source", drop=1),
    Column("RESOURCE", "resource", min_width=14, max_width=28, shrink=True, cut="middle"),
    Column("$/H EST", "usd_per_hour", justify="right"),
    Column("$/MO EST", "usd_per_month", justify="right", drop=2),
    Column("INSIGHT", "title", min_width=30, max_width=90, shrink=True),
    Column("RULE", "rule", max_width=32, shrink=True, wide=True),
)
"""The insights table: severity, where, what, the money at stake (estimates), the finding, the rule.

A resource is cut in the middle, so two job ids that share their head (``bquxjob_2fc6…1a2166f4cb3``)
still read apart; 28 cells show a BigQuery job id whole. Below about 86 cells, where the finding would
get less than 30 cells, the monthly estimate gives way first (the hourly one says the same), then WHERE
(the finding names the resource)."""


def severity_text(severity: str, *, short: bool = False) -> Text:
    """The severity in its style (``CRITICAL`` in bold red); ``short`` gives ``CRIT``/``WARN``/``INFO``."""
    label = SEVERITY_LABEL.get(severity, severity.upper())
    return Text(label[:4] if short else label, style=SEVERITY_STYLE.get(severity, ""))


def month_text(usd_per_month: float | None) -> str:
    """Dollars per month (``$1,234/month``); a dash when unknown."""
    text = fmt.money(usd_per_month)
    return text if text == fmt.DASH else f"{text}/month"


def at_stake(insight: Insight) -> Text:
    """The money at stake as one phrase, labelled an estimate: ``$4.20/h · $3,024/month est.``; a dim
    ``no $ estimate`` when the rule cannot put it in money."""
    parts = []
    if insight.usd_per_hour is not None:
        parts.append(fmt.rate(insight.usd_per_hour))
    if insight.usd_per_month is not None:
        parts.append(month_text(insight.usd_per_month))
    if not parts:
        return Text("no $ estimate", style="dim")
    return Text.assemble((" · ".join(parts), "bold"), (" est.", "dim"))


def insight_row(insight: Insight) -> Row:
    """One insight as a table row, keyed by :attr:`Insight.key` (rule and resource)."""
    return Row.of(
        insight.key,
        [
            severity_text(insight.severity),
            where_of(insight.source),
            line(insight.resource, 200),
            fmt.rate(insight.usd_per_hour) if insight.usd_per_hour is not None else None,
            fmt.money(insight.usd_per_month) if insight.usd_per_month is not None else None,
            line(insight.title, 300),
            insight.rule,
        ],
    )


def rows(insights: Iterable[Insight]) -> list[Row]:
    """Rows in the order given (:func:`dashboard.insights.evaluate` gives critical first, then $)."""
    return [insight_row(i) for i in insights]


def ordered(insights: Iterable[Insight]) -> list[Insight]:
    """Critical first, then the most money at stake per hour (then per month), then rule and resource."""
    return sorted(
        insights,
        key=lambda i: (
            SEVERITY_RANK.get(i.severity, 9),
            -(i.usd_per_hour or 0.0),
            -(i.usd_per_month or 0.0),
            i.rule,
            i.resource,
        ),
    )


def summary(found: Iterable[Insight] | Mapping[str, int]) -> Text:
    """Counts per severity, each in its style: ``2 critical · 3 warning · 1 info`` (``none`` when none)."""
    by = dict(found) if isinstance(found, Mapping) else counts(found)
    if not any(by.values()):
        return Text("no insight", style="green")
    text = Text()
    for severity in SEVERITY_RANK:
        if text:
            text.append(" · ", style="dim")
        n = by.get(severity, 0)
        text.append(f"{n} {severity}", style=SEVERITY_STYLE[severity] if n else "dim")
    return text


def detail(insight: Insight) -> RenderableType:
    """One insight in full: severity, title, where, money at stake, evidence and fix (wrapped)."""
    head = Text.assemble(
        severity_text(insight.severity),
        "  ",
        (fmt.visible(insight.title), "bold"),
    )
    facts = Text.assemble(
        ("Resource  ", "dim"),
        fmt.visible(insight.resource),
        ("  in ", "dim"),
        where_of(insight.source),
        ("  rule ", "dim"),
        fmt.visible(insight.rule),
    )
    stake = Text.assemble(("At stake  ", "dim"), at_stake(insight))
    evidence = Text.assemble(("Evidence  ", "dim"), fmt.visible(insight.evidence))
    fix = Text.assemble(("Fix       ", "dim"), (fmt.visible(insight.fix), "green"))
    return Group(head, facts, stake, evidence, fix)


def render(
    insights: Sequence[Insight], *, title: str = "Insights", empty: str = "nothing to report"
) -> RenderableType:
    """Every insight as a block (for the text report and the app's detail): a heading with the counts per
    severity, then per insight its severity, title, resource, money at stake, evidence and fix."""
    head = Text.assemble((title, "bold underline"), "  ", summary(insights))
    if not insights:
        return Group(head, Text(empty, style="dim"))
    blocks: list[RenderableType] = [head]
    for insight in insights:
        blocks.append(Text(""))
        blocks.append(_block(insight))
    return Group(*blocks)


def _block(insight: Insight) -> RenderableType:
    head = Text.assemble(
        severity_text(insight.severity),
        "  ",
        (fmt.visible(insight.title), "bold"),
    )
    where = Text.assemble(
        fmt.visible(insight.resource),
        (f"  ({where_of(insight.source)}, {fmt.visible(insight.rule)})", "dim"),
        "  ",
        at_stake(insight),
    )
    body = Group(
        where,
        Text.assemble(("evidence: ", "dim"), fmt.visible(insight.evidence)),
        Text.assemble(("fix: ", "dim"), (fmt.visible(insight.fix), "green")),
    )
    return Group(head, Indented(body))


class Indented:
    """A renderable indented by ``indent`` spaces, its lines not padded to the width (a text report
    keeps no trailing blanks)."""

    def __init__(self, renderable: RenderableType, indent: int = 2) -> None:
        self.renderable = renderable
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The lines, wrapped at the width less the indent."""
        inner = options.update_width(max(1, options.max_width - self.indent))
        for row in console.render_lines(self.renderable, inner, pad=False):
            yield Segment(" " * self.indent)
            yield from row
            yield Segment.line()


def table_view(insights: Sequence[Insight], *, wide: bool | None = None) -> RenderableType:
    """The insights as a table (the app pane's rows), with the counts in the title."""
    title = f"Insights ({len(insights)})"
    return table(COLUMNS, rows(insights), title=title, wide=wide, empty="no insight")


TOP_COLUMNS = (
    Column("SEVERITY", "severity"),
    Column("INSIGHT", "title", max_width=90, shrink=True),
    Column("AT STAKE (EST.)", "at_stake", justify="right"),
)


def top(insights: Sequence[Insight], n: int = 5) -> RenderableType:
    """The overview's part: the counts per severity and the first ``n`` insights (already ordered)."""
    shown = list(insights)[:n]
    more = len(insights) - len(shown)
    head = Text.assemble(("Insights ", "bold"), summary(insights))
    if more > 0:
        head.append(f"  (top {len(shown)}; key 7 lists all)", style="dim")
    elif insights:
        head.append("  (key 7 for evidence and fix)", style="dim")
    if not shown:
        return head
    top_rows = [
        Row.of(
            i.key,
            [
                severity_text(i.severity, short=True),
                line(i.title, 300),
                Text(_stake_short(i)),
            ],
        )
        for i in shown
    ]
    return Group(head, table(TOP_COLUMNS, top_rows))


def _stake_short(insight: Insight) -> str:
    if insight.usd_per_hour is not None:
        return fmt.rate(insight.usd_per_hour)
    if insight.usd_per_month is not None:
        return month_text(insight.usd_per_month)
    return fmt.DASH


__all__ = [
    "COLUMNS",
    "SEVERITY_STYLE",
    "TOP_COLUMNS",
    "at_stake",
    "detail",
    "insight_row",
    "month_text",
    "ordered",
    "pane_of",
    "render",
    "rows",
    "severity_text",
    "summary",
    "table_view",
    "top",
    "where_of",
]
