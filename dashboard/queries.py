"""The SQL gcpdash runs. User values travel as query parameters, never by string formatting; only the
region qualifier, which BigQuery cannot take as a parameter, is spliced in after validation."""

from __future__ import annotations

import re

from dashboard.errors import UsageError

_REGION = re.compile(r"^[a-z]+(?:-[a-z]+[0-9]*)?$")

JOBS_HISTORY_COLUMNS = (
    "creation_time",
    "start_time",
    "end_time",
    "project_id",
    "user_email",
    "job_id",
    "job_type",
    "statement_type",
    "priority",
    "state",
    "total_bytes_processed",
    "total_bytes_billed",
    "total_slot_ms",
    "cache_hit",
    "reservation_id",
    "edition",
    "error_result",
    "query",
    "labels",
    "parent_job_id",
    "destination_table",
)

JOBS_HISTORY_SQL = """\
SELECT creation_time, start_time, end_time, project_id, user_email, job_id, job_type, statement_type,
       priority, state, total_bytes_processed, total_bytes_billed, total_slot_ms, cache_hit,
       reservation_id, edition, error_result, query, labels, parent_job_id, destination_table
FROM `region-{region}`.INFORMATION_SCHEMA.JOBS
WHERE creation_time >= @since
  AND creation_time < @until
ORDER BY creation_time
LIMIT @max_rows"""
"""Incremental history: ``@since`` is the newest creation time already seen minus an overlap;
``creation_time`` is the partition column, so each poll scans only its window."""


def region_qualifier(location: str) -> str:
    """``US`` → ``us``, ``europe-west4`` → ``europe-west4``; anything else is refused."""
    region = location.strip().lower()
    if not _REGION.match(region):
        raise UsageError(f"not a BigQuery location: {location!r} (expected e.g. US, EU, europe-west4)")
    return region


def jobs_history_sql(location: str) -> str:
    """The history query for one BigQuery location."""
    return JOBS_HISTORY_SQL.format(region=region_qualifier(location))
