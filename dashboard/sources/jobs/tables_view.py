"""The jobs pane's destination tables (``--once`` text and Markdown): each table whose Dataplex catalog
entry was read, when it last changed, and the last job that wrote it before the entry was read; a table that
job did not refresh is red and marked ``!``."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from dashboard.models import Snapshot
from dashboard.sources.jobs.writers import last_writers, table_stale
from dashboard.views import fmt
from dashboard.views.columns import Column, Row
from dashboard.views.states import look_of, state_look

TABLE_COLUMNS = (
    Column("TABLE", "table", max_width=60, shrink=True, cut="middle"),
    Column("UPDATED", "updated"),
    Column("LAST JOB", "job_id", max_width=40, shrink=True, cut="middle"),
    Column("STATE", "status"),
    Column("JOB ENDED", "ended"),
)


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
