"""The slots and reservations pane: each reservation's capacity and use, commitments, assignments."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.sources.reservations.collect import reservations_section
from dashboard.views import fmt
from dashboard.views.columns import Column, Row, table
from dashboard.views.items import (
    AssignmentItem,
    BiReservationItem,
    CommitmentItem,
    Overview,
    ReservationItem,
    ReservationsSection,
)
from dashboard.views.sparkline import Sparkline
from dashboard.views.status import pane_heading

SPARK_WIDTH = 30

COLUMNS = (
    Column("RESERVATION", "reservation_id", max_width=28, shrink=True),
    Column("LOCATION", "location", drop=2),
    Column("EDITION", "edition", drop=1),
    Column("BASELINE", "baseline_slots", justify="right"),
    Column("AUTOSCALE", "autoscale", justify="right"),
    Column("USED NOW", "slots_used", justify="right"),
    Column("UTIL", "utilisation_pct", justify="right"),
    Column("USE, LAST HOUR", "usage", min_width=16, shrink=True, cut="start"),
    Column("$/H EST", "usd_per_hour", justify="right"),
    Column("ADMIN PROJECT", "project", max_width=24, shrink=True, wide=True),
)

COMMITMENT_COLUMNS = (
    Column("COMMITMENT", "commitment_id", max_width=28, shrink=True),
    Column("LOCATION", "location"),
    Column("EDITION", "edition"),
    Column("PLAN", "plan"),
    Column("RENEWAL", "renewal_plan"),
    Column("STATE", "state"),
    Column("SLOTS", "slot_count", justify="right"),
    Column("ENDS", "end"),
)

ASSIGNMENT_COLUMNS = (
    Column("RESERVATION", "reservation_id", max_width=40, shrink=True),
    Column("ASSIGNEE", "assignee", max_width=48, shrink=True),
    Column("JOB TYPE", "job_type"),
    Column("STATE", "state"),
)


BI_COLUMNS = (
    Column("PROJECT", "project", max_width=28, shrink=True),
    Column("LOCATION", "location"),
    Column("SIZE GIB", "size_gib", justify="right"),
    Column("USED GIB", "used_gib", justify="right"),
    Column("USE", "use_pct", justify="right"),
    Column("PREFERRED TABLES", "preferred_tables", max_width=48, shrink=True),
    Column("$/H EST", "usd_per_hour", justify="right"),
)


def util_style(pct: float | None) -> str:
    """Red from 95 %, yellow from 80 %: a reservation near or past its capacity."""
    if pct is None:
        return "dim"
    return "bold red" if pct >= 95 else "yellow" if pct >= 80 else "green"


def reservation_row(item: ReservationItem) -> Row:
    """One reservation as a table row."""
    autoscale = f"{item.autoscale_current_slots:,}/{item.autoscale_max_slots:,}"
    spark = Sparkline([p.value for p in item.usage], width=SPARK_WIDTH, style="cyan")
    return Row.of(
        item.reservation_key,
        [
            item.reservation_id,
            item.location,
            item.edition,
            fmt.count(item.baseline_slots),
            autoscale,
            fmt.number(item.slots_used, 0),
            Text(fmt.pct(item.utilisation_pct), style=util_style(item.utilisation_pct)),
            Text(spark.text(), style="cyan") if item.usage else None,
            fmt.rate(item.usd_per_hour),
            item.project,
        ],
    )


def commitment_row(item: CommitmentItem, now: datetime) -> Row:
    """One capacity commitment as a table row."""
    ends = None
    if item.end is not None:
        ends = f"{item.end:%Y-%m-%d} ({fmt.age(item.end, now)})"
    return Row.of(
        item.name,
        [
            item.commitment_id,
            item.location,
            item.edition,
            item.plan,
            item.renewal_plan,
            Text(item.state, style="green" if item.state == "ACTIVE" else "yellow"),
            fmt.count(item.slot_count),
            ends,
        ],
    )


def bi_row(item: BiReservationItem) -> Row:
    """One BI Engine reservation as a table row (no preferred table: every table may be accelerated)."""
    return Row.of(
        item.name,
        [
            item.project,
            item.location,
            fmt.number(item.size_gib, 1),
            fmt.number(item.used_gib, 1),
            Text(fmt.pct(item.use_pct), style=util_style(item.use_pct)),
            ", ".join(item.preferred_tables) or "(any)",
            fmt.rate(item.usd_per_hour),
        ],
    )


def assignment_row(item: AssignmentItem) -> Row:
    """One assignment as a table row."""
    return Row.of(item.name, [item.reservation_id, item.assignee, item.job_type, item.state])


def render_section(
    section: ReservationsSection, snapshot: Snapshot, now: datetime, *, wide: bool | None = None
) -> RenderableType:
    """The pane from already collected data."""
    return Group(
        pane_heading("Slots & reservations", snapshot, "reservations", now),
        table(
            COLUMNS,
            [reservation_row(r) for r in section.reservations],
            title="Reservations",
            caption="AUTOSCALE: current/max slots; UTIL: slots used now / (baseline + autoscale current)",
            wide=wide,
            empty="no reservation",
        ),
        Text(""),
        *commitments_and_assignments(section, now),
    )


def commitments_and_assignments(section: ReservationsSection, now: datetime) -> tuple[RenderableType, ...]:
    """The tables below the reservations: commitments, assignments, then BI Engine (in the pane and
    ``--once``)."""
    return (
        table(
            COMMITMENT_COLUMNS,
            [commitment_row(c, now) for c in section.commitments],
            title="Commitments",
            empty="no commitment",
        ),
        Text(""),
        table(
            ASSIGNMENT_COLUMNS,
            [assignment_row(a) for a in section.assignments],
            title="Assignments",
            empty="no assignment",
        ),
        Text(""),
        table(
            BI_COLUMNS,
            [bi_row(b) for b in section.bi_reservations],
            title="BI Engine",
            caption="USED: BI Engine's bytes in use now (Monitoring) / the reservation's size",
            empty="no BI reservation",
        ),
    )


def render(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable | None = None, wide: bool | None = None
) -> RenderableType:
    """The slots and reservations pane."""
    return render_section(reservations_section(snapshot, prices), snapshot, now, wide=wide)


def report(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> RenderableType:
    """Its section in ``--once``'s text report (its spec's ``report``)."""
    return render(snapshot, now, prices=prices)


def running(overview: Overview) -> list[Row]:
    """Its line in the Overview's Running table (its spec's ``running``)."""
    o = overview
    slots = fmt.number(o.slots_in_use, 0) if o.slots_in_use is not None else fmt.DASH
    return [
        Row.of(
            "slots",
            [
                "Slots in use",
                slots,
                f"of {o.slot_capacity:,} (baseline + autoscale) in {o.reservations} reservation(s)",
            ],
        )
    ]
