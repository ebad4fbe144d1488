"""``gcpdash --once`` (text): every pane's renderable, the same ones the app shows, printed by Rich."""

from __future__ import annotations

from datetime import datetime
from typing import IO, TYPE_CHECKING

from rich.console import Console, RenderableType
from rich.text import Text

from dashboard import registry
from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.report import alerts_view
from dashboard.report.assess import Assessment, assess

if TYPE_CHECKING:
    from dashboard.config import Config
from dashboard.views import collect, cost, overview, plugins, status
from dashboard.views import insights as insights_view
from dashboard.views.collect import RECENT_JOBS
from dashboard.views.fmt import visible


def renderables(
    snapshot: Snapshot,
    *,
    prices: PriceTable | None = None,
    recent_limit: int = RECENT_JOBS,
    config: Config | None = None,
    assessment: Assessment | None = None,
) -> list[RenderableType]:
    """The report's parts: a header, the alerts (when conditions were given), then overview, insights,
    each registered source's section (:func:`sections`), cost and sources.

    ``assessment`` is what :func:`dashboard.report.assess.assess` made of ``snapshot`` (with ``config``
    and ``prices``); it is made here when not given.
    """
    now = snapshot.at
    if assessment is None:
        assessment = assess(snapshot, config=config, prices=prices)
    prices = assessment.prices
    estimated = assessment.cost
    header = Text.assemble(
        ("gcpdash", "bold"),
        f" · {snapshot.mode} · {now:%Y-%m-%d %H:%M:%S} UTC · projects: ",
        visible(", ".join(snapshot.projects) or "none"),
        " · regions: ",
        visible(", ".join(snapshot.regions) or "none"),
        (
            f" · costs are estimates (price table {estimated.price_version})"
            + (", and billed from the billing export where said" if estimated.billing is not None else ""),
            "dim",
        ),
    )
    parts: list[RenderableType] = [
        header,
        *([alerts_view.render(assessment.alerts)] if assessment.alerts else []),
        overview.render_overview(collect.overview_section(snapshot, estimated), estimated, snapshot, now),
        insights_view.render(assessment.insights, title="Insights (money at stake: estimates)"),
        *sections(snapshot, now, prices=prices, recent_limit=recent_limit, cost=estimated),
        cost.render_estimate(estimated, snapshot, now),
        status.render(snapshot, now),
    ]
    return parts


def sections(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> list[RenderableType]:
    """Each registered source's section, in the order they are shown: its spec's ``report``, else its
    pane's table (a plugin's); a source with neither has none."""
    out: list[RenderableType] = []
    for spec in registry.sources():
        if spec.report:
            hook = spec.report_hook(spec.report)
            out.append(hook(snapshot, now, prices=prices, recent_limit=recent_limit, cost=cost))
        elif spec.pane is not None:
            out.append(plugins.section(spec, snapshot, now))
    return out


def console_for(file: IO[str], *, width: int | None = None, color: bool | None = None) -> Console:
    """A console that never interprets text: no markup, no emoji codes, no highlighting.

    Args:
        file: where to print.
        width: columns; None: the terminal's, or 160 when not a terminal.
        color: force colour on or off; None: only on a terminal (and not with NO_COLOR).
    """
    terminal = file.isatty()
    return Console(
        file=file,
        width=width or (None if terminal else 160),
        color_system=("auto" if color is None and terminal else "standard" if color else None),
        force_terminal=color if color else None,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )


def print_report(
    snapshot: Snapshot,
    console: Console,
    *,
    prices: PriceTable | None = None,
    recent_limit: int = RECENT_JOBS,
    config: Config | None = None,
    assessment: Assessment | None = None,
) -> None:
    """Print every pane, a blank line between them."""
    parts = renderables(
        snapshot, prices=prices, recent_limit=recent_limit, config=config, assessment=assessment
    )
    for i, part in enumerate(parts):
        if i > 1:
            console.print()
        console.print(part)
