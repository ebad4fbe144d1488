"""Which job last wrote each destination table the Dataplex catalog was read for, and whether that job
refreshed it (:attr:`~dashboard.models.Snapshot.job_tables`): shared by the jobs view, the ``--once``
tables and the stale-table insight. Models only (no Rich): insight evaluation imports it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dashboard.models import CatalogEntry, Job, Snapshot

_MIN = datetime.min.replace(tzinfo=UTC)


def table_stale(job: Job, entry: CatalogEntry | None) -> bool:
    """True when ``job`` ended, its destination table's catalog entry was read after that, and it says the
    table last changed before the job started (or was created): the job did not refresh it."""
    if entry is None or entry.updated is None or entry.read_at is None or job.state != "DONE":
        return False
    begin = job.started or job.created
    if begin is None or job.ended is None:
        return False
    return entry.read_at >= job.ended and entry.updated < begin


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
