"""What each pane shows, built off the UI thread from a Snapshot: headings, table rows and static parts.

Pure (no Textual): the app's poll worker builds a :class:`Frame` of every pane after each poll, and the UI
thread only hands the prepared rows to the widgets. The rows and their formatting come from
``dashboard.views.*``; the items behind the rows are kept by row key so a drill-down finds the exact thing
the row shows (never by matching text).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from dashboard.cost import CostEstimate, estimate, prices_from_config
from dashboard.insights import Insight, InsightSettings, evaluate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.dataflow import view as dataflow_view
from dashboard.sources.dataproc import view as dataproc_view
from dashboard.sources.reservations import view as reservations_view
from dashboard.views import cost as cost_view
from dashboard.views import insights as insights_view
from dashboard.views import overview as overview_view
from dashboard.views import plugins as plugins_view
from dashboard.views.collect import (
    dataflow_section,
    dataproc_section,
    overview_section,
    reservations_section,
)
from dashboard.views.columns import table
from dashboard.views.status import pane_heading
from widgets.frame import PANES, Frame, PaneData, TableData

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

    reservations = reservations_section(snapshot, prices)
    overview = overview_section(snapshot, cost, reservations)
    panes["overview"] = PaneData(
        heading=Text(""),
        body=overview_view.render_overview(overview, cost, snapshot, now, insights),
    )

    # the jobs pane (widgets.jobs.JobsPane) formats its own rows, only those on screen
    panes["jobs"] = PaneData(heading=pane_heading("BigQuery jobs", snapshot, "jobs", now))

    panes["slots"] = PaneData(
        heading=pane_heading("Slots & reservations", snapshot, "reservations", now),
        table=TableData(
            reservations_view.COLUMNS,
            [reservations_view.reservation_row(r) for r in reservations.reservations],
            {r.reservation_key: r for r in reservations.reservations},
            "reservation",
        ),
        body=Group(
            table(
                reservations_view.COMMITMENT_COLUMNS,
                [reservations_view.commitment_row(c, now) for c in reservations.commitments],
                title="Commitments",
                empty="no commitment",
            ),
            Text(""),
            table(
                reservations_view.ASSIGNMENT_COLUMNS,
                [reservations_view.assignment_row(a) for a in reservations.assignments],
                title="Assignments",
                empty="no assignment",
            ),
        ),
    )

    panes["dataproc"] = dataproc_pane(snapshot, now, prices)

    flows = dataflow_section(snapshot, now, prices).jobs
    flow_rows = [dataflow_view.job_row(j) for j in flows]
    panes["dataflow"] = PaneData(
        heading=pane_heading("Dataflow", snapshot, "dataflow", now),
        table=TableData(
            dataflow_view.COLUMNS,
            flow_rows,
            {row.key: j for row, j in zip(flow_rows, flows, strict=True)},
            "dataflow",
        ),
        body=Text("FRESHNESS: data watermark age; $ SO FAR from Monitoring totals", style="dim"),
    )

    panes["cost"] = PaneData(heading=Text(""), body=cost_view.render_estimate(cost, snapshot, now))
    for spec in plugins_view.shown():
        assert spec.pane is not None
        plugin_rows = plugins_view.rows(spec, snapshot, now)
        panes[spec.name] = PaneData(
            heading=plugins_view.heading(spec, snapshot, now),
            table=TableData(spec.pane.columns, plugin_rows, plugins_view.items(spec, plugin_rows), spec.name),
        )
    panes["insights"] = PaneData(
        heading=insights_heading(insights, now),
        table=TableData(insights_view.COLUMNS, insights_view.rows(insights), {}, "insight"),
    )
    return Frame(snapshot, now, panes, insights=insights)


def dataproc_pane(snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    """Clusters, then the jobs on them, then Serverless batches: three tables, one row key space."""
    section = dataproc_section(snapshot, now, prices)
    clusters = section.clusters
    cluster_rows = [dataproc_view.cluster_row(c, now) for c in clusters]
    job_rows = [dataproc_view.job_row(j, now) for j in section.jobs]
    batch_rows = [dataproc_view.batch_row(b) for b in section.batches]
    return PaneData(
        heading=pane_heading("Dataproc", snapshot, "dataproc", now),
        table=TableData(
            dataproc_view.COLUMNS,
            cluster_rows,
            {row.key: c for row, c in zip(cluster_rows, clusters, strict=True)},
            "cluster",
        ),
        more=(
            (
                f"Jobs ({len(job_rows)}): running, and ended in the last 24 h",
                TableData(
                    dataproc_view.JOB_COLUMNS,
                    job_rows,
                    {row.key: j for row, j in zip(job_rows, section.jobs, strict=True)},
                    "dataproc_job",
                ),
            ),
            (
                f"Serverless batches ({len(batch_rows)})",
                TableData(
                    dataproc_view.BATCH_COLUMNS,
                    batch_rows,
                    {row.key: b for row, b in zip(batch_rows, section.batches, strict=True)},
                    "batch",
                ),
            ),
        ),
        body=Text(
            "NODES: m master, w workers, s secondary workers; $/H: VMs + Dataproc premium; "
            + dataproc_view.BATCH_CAPTION
            + "; tab: next table",
            style="dim",
        ),
    )


def insights_heading(insights: tuple[Insight, ...], now: datetime) -> Text:
    """The Insights pane's heading: the count per severity and the moment the rules looked at."""
    text = Text("Insights", style="bold underline")
    text.append("  ")
    text.append_text(insights_view.summary(insights))
    text.append(f"  at {now:%H:%M:%S} · $ at stake: list-price estimates · enter: go to it", style="dim")
    return text
