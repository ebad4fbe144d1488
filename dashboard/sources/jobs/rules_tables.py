"""The jobs' destination tables: a table that the last job writing it did not refresh, by the Dataplex
catalog (:attr:`~dashboard.models.Snapshot.job_tables`).

A job is judged only once the catalog was read after it ended: the entry then says the table last changed
before the job started (:func:`~dashboard.sources.jobs.writers.table_stale`). A failed job is a warning (the
refresh did not happen), a job that succeeded without changing the table is info.
"""

from __future__ import annotations

from collections.abc import Iterator

from dashboard.insights import Context, Insight, rule
from dashboard.insights.common import clock
from dashboard.sources.jobs.writers import last_writers, table_stale

STALE_TABLE = "bigquery.stale_table"


@rule(STALE_TABLE, min_hours=1.0)
def stale_table(ctx: Context) -> Iterator[Insight]:
    """A destination table the catalog says last changed ``min_hours`` or more ago, before the start of the
    last job that writes it (which ended before the catalog was read)."""
    floor = ctx.threshold(STALE_TABLE, "min_hours")
    now = ctx.snapshot.at
    writers = last_writers(ctx.snapshot)
    for table, entry in sorted(ctx.snapshot.job_tables.items()):
        job = writers.get(table)
        if job is None or entry.updated is None or not table_stale(job, entry):
            continue
        hours = (now - entry.updated).total_seconds() / 3600
        if hours < floor:
            continue
        failed = job.status == "failed"
        how = f"failed ({job.error_reason})" if failed else "succeeded without changing it"
        yield Insight(
            rule=STALE_TABLE,
            severity="warning" if failed else "info",
            title=f"Table {table} not refreshed: its last job {how}",
            source="jobs",
            resource=table,
            resource_key=job.key,
            evidence=(
                f"catalog: last changed {entry.updated:%Y-%m-%d %H:%M} ({hours:.1f} h ago; threshold "
                f"{floor:g} h); job {job.job_id} started {clock(job.started or job.created)}, ended "
                f"{clock(job.ended)}"
            ),
            fix=(
                "Open the job: fix its error and run it again (or its schedule's next run); a job that "
                "succeeds without changing the table may read an empty source"
            ),
        )
