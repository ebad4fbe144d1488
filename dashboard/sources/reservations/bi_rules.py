"""BI Engine rules: a BI reservation that sits unused while it bills, and one full (queries fall back).

Both read BI Engine's bytes used (Monitoring ``bigquerybiengine.googleapis.com/reservation/used_bytes``,
one point a minute per project and location) against the reservation's size (``GetBiReservation``). A
reservation bills by its size every hour, used or not, at ``bigquery.bi_engine.gib_hour``.
"""

from __future__ import annotations

from collections.abc import Iterator

from dashboard.insights import Context, Insight, rule
from dashboard.insights.common import clock, last_minutes, per_month, span_minutes
from dashboard.sources.reservations.bi import USED_BYTES, bi_series
from dashboard.sources.reservations.cost import GIB, bi_usd_per_hour
from dashboard.views.fmt import money

UNUSED = "reservations.bi_unused"
FULL = "reservations.bi_full"


@rule(UNUSED, minutes=60.0, used_pct=1.0)
def bi_unused(ctx: Context) -> Iterator[Insight]:
    """A BI reservation whose bytes used stayed under ``used_pct`` % of its size in every minute of the last
    ``minutes`` (at least half of them read). At stake: its size x $/GiB-hour."""
    minutes = ctx.threshold(UNUSED, "minutes")
    used_pct = ctx.threshold(UNUSED, "used_pct")
    data = ctx.snapshot.reservations
    for r in data.bi_reservations:
        if r.size_bytes <= 0:
            continue
        points = last_minutes(bi_series(r, data.bi_usage, USED_BYTES), minutes)
        # a minute Monitoring has no data for has no point: half the minutes read, not only spanned
        if len(points) < max(2.0, minutes / 2) or span_minutes(points) < minutes / 2:
            continue
        top = max(p.value for p in points)
        if top >= r.size_bytes * used_pct / 100:
            continue
        usd = bi_usd_per_hour(r.size_bytes, ctx.prices)
        size = r.size_bytes / GIB
        yield Insight(
            rule=UNUSED,
            severity="warning",
            title=f"BI Engine in {r.project} ({r.location}): {size:,.1f} GiB reserved, unused",
            source="reservations",
            resource=f"{r.project}/{r.location}",
            resource_key="",  # not a row of the Slots table: the jump shows the pane
            evidence=(
                f"at most {top / GIB:,.2f} GiB used (under {used_pct:g}% of {size:,.1f} GiB) in each of "
                f"{len(points)} minutes since {clock(points[0].t)}; it bills {money(usd)}/h by its size"
            ),
            usd_per_hour=usd,
            usd_per_month=per_month(usd),
            fix=(
                f"Set the BI reservation of {r.project} in {r.location} to size 0 if no dashboard needs it "
                "(BigQuery > BI Engine in the console, or the Reservation API's UpdateBiReservation), or "
                "name preferred tables that are queried"
            ),
        )


@rule(FULL, full_pct=95.0)
def bi_full(ctx: Context) -> Iterator[Insight]:
    """A BI reservation whose newest bytes used reach ``full_pct`` % of its size: BI Engine evicts and
    queries fall back to slots. At stake: nothing more is billed for BI Engine, so none."""
    full_pct = ctx.threshold(FULL, "full_pct")
    data = ctx.snapshot.reservations
    for r in data.bi_reservations:
        series = bi_series(r, data.bi_usage, USED_BYTES)
        if r.size_bytes <= 0 or series is None or not series.points:
            continue
        used = series.points[-1]
        if used.value < r.size_bytes * full_pct / 100:
            continue
        size = r.size_bytes / GIB
        yield Insight(
            rule=FULL,
            severity="warning",
            title=f"BI Engine in {r.project} ({r.location}): {used.value / r.size_bytes * 100:.0f}% full",
            source="reservations",
            resource=f"{r.project}/{r.location}",
            resource_key="",  # not a row of the Slots table: the jump shows the pane
            evidence=(
                f"{used.value / GIB:,.2f} GiB used of {size:,.1f} GiB at {clock(used.t)} (threshold "
                f"{full_pct:g}%): tables that do not fit are not accelerated, their queries run on slots"
            ),
            usd_per_hour=None,
            usd_per_month=None,
            fix=(
                f"Raise the size of the BI reservation of {r.project} in {r.location} (BigQuery > BI Engine "
                "in the console, or UpdateBiReservation), or name the dashboards' tables as preferred tables "
                "so they are the ones kept"
            ),
        )
