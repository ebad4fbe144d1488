"""The BigQuery jobs pane: running jobs first, then the latest finished ones, then who ran what."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.cost import CostEstimate, window
from dashboard.models import Job, Snapshot
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.jobs.cost import job_cost
from dashboard.views import fmt
from dashboard.views.collect import RECENT_JOBS, job_item, jobs_section, reservation_editions
from dashboard.views.columns import Column, Row, line, table
from dashboard.views.items import JobItem, JobsSection, Overview, PrincipalGroup
from dashboard.views.overview import warn_style
from dashboard.views.states import look_of, state_look
from dashboard.views.status import pane_heading

COLUMNS = (
    Column("STATE", "status", min_width=7),
    Column("JOB", "job_id", min_width=20, max_width=30, shrink=True, cut="middle"),
    Column("PRINCIPAL", "principal", min_width=16, max_width=30, shrink=True),
    Column("PROJECT", "project", max_width=22, shrink=True, wide=True),
    Column("TYPE", "type", max_width=40, shrink=True, drop=3),
    Column("TIME", "time", drop=2),
    Column("DURATION", "duration_s", justify="right"),
    Column("BILLED", "bytes_billed", justify="right"),
    Column("SLOT TIME", "slot_ms", justify="right"),
    Column("$ EST", "cost_usd", justify="right"),
    Column("CACHE", "cache_hit", drop=5),
    Column("RESERVATION", "reservation", max_width=24, shrink=True, wide=True),
    Column("ERROR", "error", min_width=12, max_width=60, shrink=True, drop=4),
    Column("QUERY", "query_summary", min_width=12, max_width=100, shrink=True, drop=1),
    Column("TABLE UPDATED", "table_updated", drop=6),
)
"""The job table's columns. Narrow (120 cells) it keeps the state, id, principal, duration, bytes, slot time,
cost and the start of the query; the table updated, cache, error, type and time columns give way in that
order."""

PRINCIPAL_COLUMNS = (
    Column("PRINCIPAL", "principal", max_width=50, shrink=True, cut="middle"),
    Column("JOBS", "jobs", justify="right"),
    Column("RUNNING", "running", justify="right"),
    Column("FAILED", "failed", justify="right"),
    Column("TIB BILLED", "tib_billed", justify="right"),
    Column("SLOT-HOURS", "slot_hours", justify="right"),
    Column("$ EST", "cost_usd", justify="right"),
)
"""The by-principal table's columns. A principal too long for its column is cut in the middle, so a workforce
principal (``principal://iam.googleapis.com/locations/global/workforcePools/POOL/subject/SUBJECT``) keeps its
subject."""


def job_type(item: JobItem) -> str:
    """``SELECT``, ``LOAD``, ``SCRIPT``: the statement type of a query, else the job type; a BigQuery ML job
    that reports its model type with it (``CREATE_MODEL · BOOSTED_TREE_CLASSIFIER``)."""
    if item.statement_type and item.job_type == "QUERY":
        if item.ml_model_type:
            return f"{item.statement_type} · {item.ml_model_type}"
        return item.statement_type
    return item.job_type


def ml_fields(item: JobItem) -> list[tuple[str, str | None]]:
    """A BigQuery ML job's model type, training type, iterations and training loss per iteration, as
    ``mlStatistics`` reports them (the job detail's lines; none for another job). Cloud text, literal."""
    if not item.is_ml:
        return []
    iterations = None
    if item.ml_iterations is not None:
        iterations = str(item.ml_iterations)
        if item.ml_max_iterations:
            iterations += f" (at most {item.ml_max_iterations})"
    elif item.ml_max_iterations:
        iterations = f"at most {item.ml_max_iterations}"
    losses = " → ".join(f"{loss:.4g}" for loss in item.ml_losses[-12:]) or None
    if losses and len(item.ml_losses) > 12:
        losses = "… " + losses
    return [
        ("Model type", item.ml_model_type),
        ("Training", item.ml_training_type),
        ("Iterations", iterations),
        ("Training loss", losses),
    ]


def table_cell(item: JobItem, now: datetime | None) -> Text | None:
    """How long ago (before ``now``, else the job's end) the job's destination table last changed
    (Dataplex catalog): dim when the job refreshed it, red and marked ``!`` when it did not; None (a
    dash) when unknown."""
    if item.table_updated is None:
        return None
    ago = fmt.age(item.table_updated, now or item.ended or item.table_updated)
    return Text("! " + ago, style="bold red") if item.table_stale else Text(ago, style="dim")


def table_fields(item: JobItem, now: datetime) -> list[tuple[str, str | Text | None]]:
    """The job detail's lines on its destination table: which, and when it last changed (the catalog's)."""
    if not item.destination_table:
        return []
    updated: Text | None = None
    if item.table_updated is not None:
        said = f"{item.table_updated:%Y-%m-%d %H:%M:%S} UTC ({fmt.age(item.table_updated, now)})"
        updated = Text(said + " · not refreshed by this job", style="red") if item.table_stale else Text(said)
    return [("Destination", item.destination_table), ("Table updated", updated)]


def cache_label(hit: bool | None) -> str | None:
    """``hit``, ``-`` or None (unknown)."""
    return None if hit is None else "hit" if hit else "-"


def money_cell(usd: float | None, basis: str | None) -> Text:
    """A job's $ estimate; a slot attribution (paid by the reservation) is dim and marked ``~``."""
    if usd is None:
        return Text(fmt.DASH, style="dim")
    if basis == "slot_attribution":
        return Text("~" + fmt.money(usd), style="dim")
    return Text(fmt.money(usd))


_POOL_PRINCIPAL = re.compile(
    r"^principal://iam\.googleapis\.com/(?:projects/[^/]+/)?locations/[^/]+/"
    r"(?:workforcePools|workloadIdentityPools)/([^/]+)/subject/(.+)$"
)


def principal_label(principal: str | None) -> str | None:
    """A principal as a table cell shows it: a workforce or workload identity pool's subject first, its pool
    after (``ana@acme.example (acme-pool)``), since ``principal://iam.googleapis.com/locations/...`` cut
    to a column says nothing; any other principal (an email) as it is. The detail screen shows it whole."""
    if not principal or not principal.startswith("principal://"):  # an email: most rows, every refresh
        return principal
    found = _POOL_PRINCIPAL.match(principal)
    return f"{found.group(2)} ({found.group(1)})" if found else principal


def job_row(item: JobItem, *, dated: bool = False, now: datetime | None = None) -> Row:
    """One job as a table row (``now``: what the table's age is counted from, else the job's end)."""
    moment = item.ended if item.status in ("DONE", "FAILED") else item.started or item.created
    error = None
    if item.error_reason or item.error_message:
        error = line(f"{item.error_reason or ''}: {item.error_message or ''}".strip(": "), 200, style="red")
    return Row.of(
        item.key,
        [
            Text(item.status, style=look_of("job", item.status).style),
            item.job_id,
            principal_label(item.principal),
            item.project,
            job_type(item),
            fmt.when(moment, dated=dated),
            fmt.duration(item.duration_s),
            fmt.size(item.bytes_billed),
            fmt.duration(None if item.slot_ms is None else item.slot_ms / 1000),
            money_cell(item.cost_usd, item.cost_basis),
            cache_label(item.cache_hit),
            item.reservation,
            error,
            line(item.query_summary, 200) if item.query_summary else None,
            table_cell(item, now),
        ],
    )


def principal_row(group: PrincipalGroup) -> Row:
    """One principal's totals as a table row."""
    return Row.of(
        group.principal,
        [
            group.principal,
            fmt.count(group.jobs),
            fmt.count(group.running),
            Text(fmt.count(group.failed), style="red" if group.failed else ""),
            f"{group.tib_billed:,.3f}",
            fmt.number(group.slot_hours, 1),
            fmt.money(group.cost_usd),
        ],
    )


def running_title(items: Sequence[JobItem]) -> str:
    """``Running (2)``, or with queued (PENDING) jobs ``Running (2) · queued (1)``: a queued job is listed
    with the running ones but is not counted as running."""
    queued = sum(item.state == "PENDING" for item in items)
    title = f"Running ({len(items) - queued})"
    return f"{title} · queued ({queued})" if queued else title


def rows(items: Iterable[JobItem], *, dated: bool = False, now: datetime | None = None) -> list[Row]:
    """Job rows."""
    return [job_row(i, dated=dated, now=now) for i in items]


def render_section(
    section: JobsSection, snapshot: Snapshot, now: datetime, *, wide: bool | None = None
) -> RenderableType:
    """The pane from already collected data."""
    start, end = window(snapshot)
    dated = fmt.needs_dates(start, end)
    return Group(
        pane_heading("BigQuery jobs", snapshot, "jobs", now),
        table(
            COLUMNS,
            rows(section.running, dated=dated, now=now),
            title=running_title(section.running),
            wide=wide,
            empty="no job running",
        ),
        Text(""),
        table(
            COLUMNS,
            rows(section.recent, dated=dated, now=now),
            title=f"Recent (latest {len(section.recent)} of {fmt.count(section.total)} in the window)",
            caption="$ EST: bytes billed x on-demand $/TiB; ~$: slot-hours x edition $/slot-h (reservation)",
            wide=wide,
        ),
        Text(""),
        table(
            PRINCIPAL_COLUMNS,
            [principal_row(g) for g in section.by_principal],
            title=f"By principal, since {fmt.when(start, dated=True)} UTC",
        ),
        *_tables(snapshot, now, wide),
    )


def _tables(snapshot: Snapshot, now: datetime, wide: bool | None) -> list[RenderableType]:
    """The destination tables read from the catalog (nothing when none was)."""
    if not snapshot.job_tables:
        return []
    from dashboard.sources.jobs.tables_view import TABLE_COLUMNS, table_rows

    title = "Destination tables (Dataplex catalog; ! = not refreshed by its last job)"
    return [Text(""), table(TABLE_COLUMNS, table_rows(snapshot, now), title=title, wide=wide)]


def render(
    snapshot: Snapshot,
    now: datetime,
    *,
    prices: PriceTable | None = None,
    recent_limit: int = RECENT_JOBS,
    wide: bool | None = None,
) -> RenderableType:
    """The BigQuery jobs pane: running, recent (``recent_limit``), and totals by principal."""
    return render_section(
        jobs_section(snapshot, now, prices, recent_limit=recent_limit), snapshot, now, wide=wide
    )


def report(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> RenderableType:
    """Its section in ``--once``'s text report (its spec's ``report``)."""
    return render(snapshot, now, prices=prices, recent_limit=recent_limit)


def running(overview: Overview) -> list[Row]:
    """Its line in the Overview's Running table (its spec's ``running``)."""
    o = overview
    return [
        Row.of(
            "bigquery",
            [
                "BigQuery jobs",
                Text(fmt.count(o.bigquery_jobs_running), style="green" if o.bigquery_jobs_running else ""),
                Text.assemble(
                    (f"{o.bigquery_jobs_pending:,} pending", warn_style(o.bigquery_jobs_pending)),
                    " · ",
                    (f"{o.bigquery_jobs_failed:,} failed", warn_style(o.bigquery_jobs_failed, "red")),
                    f" · {o.bigquery_jobs_total:,} in the window",
                ),
            ],
        )
    ]


# ---------------------------------------------------------------- one job at a time (the app's table)


def row_builder(
    snapshot: Snapshot, now: datetime, prices: PriceTable | None = None, *, dated: bool | None = None
) -> Callable[[Job], Row]:
    """A function that formats one job as :func:`job_row` does, for a table that formats only the rows it
    draws (100,000 jobs are never formatted at once). ``dated``: whether times carry their date (default:
    when the snapshot spans more than a day, which looks at every job; pass it when known)."""
    prices = prices or default_prices()
    editions = reservation_editions(snapshot)
    catalog = snapshot.job_tables
    if dated is None:
        start, end = window(snapshot)
        dated = fmt.needs_dates(start, end)
    with_date = dated

    def build(job: Job) -> Row:
        return job_row(job_item(job, now, prices, editions, catalog), dated=with_date, now=now)

    return build


def _type_of(job: Job) -> str:
    if job.statement_type and job.job_type == "QUERY":
        return f"{job.statement_type} · {job.ml_model_type}" if job.ml_model_type else job.statement_type
    return job.job_type


def _moment(job: Job) -> datetime | None:
    return job.ended if job.state == "DONE" else job.started or job.created


def sort_keys(
    snapshot: Snapshot, now: datetime, prices: PriceTable | None = None
) -> dict[str, Callable[[Job], Any]]:
    """Per column key of :data:`COLUMNS`, a job's sort key from the job itself (never its formatted
    text); None when unknown."""
    prices = prices or default_prices()
    editions = reservation_editions(snapshot)

    def cost(job: Job) -> float | None:
        estimate = job_cost(job, prices, editions)
        return None if estimate is None else estimate.usd

    return {
        "status": lambda j: state_look(j).rank,
        "job_id": lambda j: j.job_id,
        "principal": lambda j: j.principal,
        "project": lambda j: j.project,
        "type": _type_of,
        "time": _moment,
        "duration_s": lambda j: j.duration_s(now),
        "bytes_billed": lambda j: j.bytes_billed,
        "slot_ms": lambda j: j.slot_ms,
        "cost_usd": cost,
        "cache_hit": lambda j: j.cache_hit,
        "reservation": lambda j: j.reservation,
        "error": lambda j: j.error_reason or j.error_message,
        "query_summary": lambda j: j.query,
    }


def search_text(job: Job) -> str:
    """What a filter matches in a job: its state, id, principal, project, type, reservation, error and
    the start of its query (the table lower-cases and keeps it)."""
    return (
        f"{state_look(job).label}\t{job.job_id}\t{job.principal or ''}\t{job.project}\t{_type_of(job)}\t"
        f"{job.reservation or ''}\t{job.error_reason or ''}\t{job.error_message or ''}\t"
        f"{(job.query or '')[:120]}"
    )
