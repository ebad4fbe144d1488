"""What each pane shows, built off the UI thread from a Snapshot: headings, table rows and static parts.

Pure (no Textual): the app's poll worker builds a :class:`Frame` of every pane after each poll, and the UI
thread only hands the prepared rows to the widgets. The rows and their formatting come from
``dashboard.views.*``; the items behind the rows are kept by row key so a drill-down finds the exact thing
the row shows (never by matching text).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text

from dashboard.cost import CostEstimate, estimate, prices_from_config
from dashboard.insights import Insight, InsightSettings, evaluate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable, default_prices
from dashboard.views import cost as cost_view
from dashboard.views import insights as insights_view
from dashboard.views import overview as overview_view
from dashboard.views.collect import overview_section
from widgets.frame import PANES, Frame, PaneData, TableData
from widgets.sourcepane import source_panes

if TYPE_CHECKING:
    from dashboard.config import Config

__all__ = ["PANES", "Frame", "PaneData", "Rules", "TableData", "build"]

RERUN_AFTER = timedelta(seconds=15)
"""How long (of the snapshot's time) the insights of unchanged data are kept before the rules run again."""


class Rules:
    """The insight rules as the app runs them after each poll: with the config's settings, and not again
    while the data is the same.

    The app polls every second, and the rules read every job (about 140 ms at 100,000 jobs): they run
    again when a source brought data (its ``updated_at`` or state changed), the number of jobs changed
    (a new window), the clock went back (a step back), or :data:`RERUN_AFTER` of the snapshot's time
    passed (rules about time, such as an idle cluster, move on while no poll comes). Used by the poll
    worker only (one poll at a time).
    """

    def __init__(self, settings: InsightSettings | None = None) -> None:
        self.settings = settings
        self._key: tuple[object, ...] | None = None
        self._at: datetime | None = None
        self._found: tuple[Insight, ...] = ()
        self.runs = 0
        """How many times the rules ran."""

    def run(self, snapshot: Snapshot, cost: CostEstimate, prices: PriceTable) -> tuple[Insight, ...]:
        """The insights of ``snapshot``: those found last time when nothing changed, else evaluated."""
        key = (
            snapshot.mode,
            len(snapshot.jobs),
            tuple((name, s.state, s.updated_at) for name, s in sorted(snapshot.statuses.items())),
        )
        at = snapshot.at
        if key == self._key and self._at is not None and self._at <= at < self._at + RERUN_AFTER:
            return self._found
        self._found = evaluate(snapshot, cost, self.settings, prices=prices)
        self._key, self._at = key, at
        self.runs += 1
        return self._found


def build(
    snapshot: Snapshot,
    now: datetime,
    prices: PriceTable | None = None,
    *,
    config: Config | None = None,
    rules: Rules | None = None,
) -> Frame:
    """Every pane's data from ``snapshot`` at ``now``.

    Args:
        snapshot: What gcpdash knows now.
        now: The moment shown (the replay clock's in a replay).
        prices: The price table (default: ``config``'s, else the shipped one).
        config: Supplies ``[prices]``, ``[cost]`` and ``[[budgets]]`` to the estimate, when given.
        rules: Runs the insight rules with the config's ``[insights]`` and keeps their findings while
            the data is the same (default: every rule, default thresholds, run now).
    """
    if prices is None:
        prices = default_prices() if config is None else prices_from_config(config)
    cost = estimate(snapshot, prices, config=config)
    insights = (rules or Rules()).run(snapshot, cost, prices)
    panes: dict[str, PaneData] = {}

    overview = overview_section(snapshot, cost)
    panes["overview"] = PaneData(
        heading=Text(""),
        body=overview_view.render_overview(overview, cost, snapshot, now, insights),
    )
    shown = source_panes()
    for pane_id, (spec, pane) in shown.items():
        if spec.builtin:
            panes[pane_id] = pane.build(spec, snapshot, now, prices)
    panes["cost"] = PaneData(heading=Text(""), body=cost_view.render_estimate(cost, snapshot, now))
    for pane_id, (spec, pane) in shown.items():
        if not spec.builtin:
            panes[pane_id] = pane.build(spec, snapshot, now, prices)
    panes["insights"] = PaneData(
        heading=insights_heading(insights, now),
        table=TableData(insights_view.COLUMNS, insights_view.rows(insights), {}, "insight"),
    )
    return Frame(snapshot, now, panes, insights=insights)


def insights_heading(insights: tuple[Insight, ...], now: datetime) -> Text:
    """The Insights pane's heading: the count per severity and the moment the rules looked at."""
    text = Text("Insights", style="bold underline")
    text.append("  ")
    text.append_text(insights_view.summary(insights))
    text.append(f"  at {now:%H:%M:%S} · $ at stake: list-price estimates · enter: go to it", style="dim")
    return text
