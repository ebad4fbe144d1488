"""The jobs pane's destination tables (``--once`` text and Markdown): each table whose Dataplex catalog
entry was read, when it last changed, and the last job that wrote it before the entry was read; a table that
job did not refresh is red and marked ``!``."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

from dashboard.models import Job, Snapshot
from dashboard.views import fmt
from dashboard.views.collect import table_stale
from dashboard.views.columns import Column, Row
from dashboard.views.states import look_of, state_look

_MIN = datetime.min.replace(tzinfo=UTC)

TABLE_COLUMNS = (
    Column("TABLE", "table", max_width=60, shrink=True, cut="middle"),
    Column("UPDATED", "updated"),
    Column("LAST JOB", "job_id", max_width=40, shrink=True, cut="middle"),
    Column("STATE", "status"),
    Column("JOB ENDED", "ended"),
)


def last_writers(snapshot: Snapshot) -> dict[str, Job]:
    """Per table with a catalog entry, the job in the window that writes it which the entry can judge: the
    newest that ended before the entry was read, else the newest (by creation)."""
    wanted = snapshot.job_tables
    judged: dict[str, Job] = {}
    newest: dict[str, Job] = {}
    for job in snapshot.jobs:
        table = job.destination_table
        if table is None or table not in wanted:
            continue
        if _later(job, newest.get(table)):
            newest[table] = job
        read_at = wanted[table].read_at
        if (
            job.ended is not None
            and read_at is not None
            and job.ended <= read_at
            and _later(job, judged.get(table))
        ):
            judged[table] = job
    return {**newest, **judged}


def _later(job: Job, than: Job | None) -> bool:
    if than is None:
        return True
    return (job.created or _MIN) > (than.created or _MIN)


def table_rows(snapshot: Snapshot, now: datetime) -> list[Row]:
    """One row per destination table read from the catalog: stale ones first, then the latest changed."""
    writers = last_writers(snapshot)
    rows: list[tuple[bool, float, Row]] = []
    for table, entry in snapshot.job_tables.items():
        job = writers.get(table)
        stale = job is not None and table_stale(job, entry)
        updated = fmt.age(entry.updated, now)
        label = state_look(job).label if job is not None else None
        cells: list[Text | str | None] = [
            table,
            Text(("! " if stale else "") + updated, style="bold red" if stale else "dim"),
            None if job is None else job.job_id,
            None if label is None else Text(label, style=look_of("job", label).style),
            None if job is None else fmt.age(job.ended, now),
        ]
        moment = entry.updated.timestamp() if entry.updated else 0.0
        rows.append((not stale, -moment, Row.of(table, cells)))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]
