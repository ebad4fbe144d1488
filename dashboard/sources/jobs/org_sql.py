"""The organisation (or folder) query: one statement per BigQuery location that reads
``INFORMATION_SCHEMA.JOBS_BY_ORGANIZATION`` (or ``JOBS_BY_FOLDER``) and brings back aggregates, the active
jobs and the top jobs, never every job (docs/organisation.md).

One result, rows told apart by ``kind``:

- ``agg``: per hour (``hour``) and dimension (``dim``: ``total``, ``principal``, ``project``,
  ``reservation``, ``label``, ``unlabelled``: a project's jobs without any label) one row per key
  (``key``; ``''`` for on-demand in ``reservation``, for the hour's total in ``total``, ``key=value`` in
  ``label``) with ``jobs``, ``failures``, ``bytes_billed``, ``ondemand_bytes`` (bytes billed of jobs
  without a reservation: what on-demand pricing charges), ``slot_ms`` and the slot time of the jobs on a
  reservation by the job's edition (``standard_slot_ms``, ``enterprise_slot_ms``: Enterprise or none said,
  priced as Enterprise as a job's own cost is; ``enterprise_plus_slot_ms``). Per hour and dimension the
  ``@top_k`` costliest keys (on-demand bytes, then slot time) come with their own row, the rest as one row
  whose ``key`` is NULL (the remainder). Pricing stays in Python, so the price table and its overrides apply.
- ``job``: the jobs not yet DONE (at most ``@max_active``) and the ``@top_jobs`` costliest DONE jobs of the
  window, with the history query's columns (:data:`dashboard.queries.JOBS_HISTORY_COLUMNS`, except
  ``query``, ``labels`` and ``destination_table``, which the organisation views may lack or which cost bytes).

Only the columns used are named (the view is columnar: ``query`` text is never scanned). The window is
``creation_time >= @since`` (the partition column; whole hours, see
:mod:`dashboard.sources.jobs.org_window`); the parent of a multi-statement script is left out (its children
are counted). Further finished jobs come a page at a time, on demand (:data:`ORG_PAGE_SQL`): the window's
DONE jobs in the same order, after the last one of the previous page (keyset), :data:`PAGE_SIZE` a page.

Only the region and the project the query runs in are spliced in, validated; values are parameters.
"""

from __future__ import annotations

from typing import Literal

from dashboard.models_aggregates import SUMS
from dashboard.queries import JOBS_HISTORY_COLUMNS, region_qualifier

Scope = Literal["organization", "folder"]

ORG_QUERY_LABEL = "jobs-org"
"""The ``gcpdash-query`` label of the organisation query (the history query's is ``jobs-history``)."""

VIEWS: dict[str, str] = {"organization": "JOBS_BY_ORGANIZATION", "folder": "JOBS_BY_FOLDER"}
"""The INFORMATION_SCHEMA view of each scope."""

ORG_JOB_COLUMNS = tuple(c for c in JOBS_HISTORY_COLUMNS if c not in ("query", "labels", "destination_table"))
"""The job columns of a ``job`` row (NULL in an ``agg`` row): the history query's, without the query text,
the labels and the destination (the organisation views may lack ``query``; GCP_REFERENCE.md §1.2)."""

AGG_COLUMNS = ("kind", "hour", "dim", "key", *SUMS)
"""The leading columns of every row (NULL but ``kind`` and ``hour`` in a ``job`` row)."""

ORG_JOBS_SQL = """\
SELECT * FROM (
WITH windowed AS (
  SELECT creation_time, start_time, end_time, project_id, user_email, principal_subject, job_id, job_type,
         statement_type, priority, state, total_bytes_processed, total_bytes_billed, total_slot_ms, cache_hit,
         reservation_id, edition, error_result, parent_job_id, labels,
         TIMESTAMP_TRUNC(creation_time, HOUR) AS hour_start,
         IF(reservation_id IS NULL, IFNULL(total_bytes_billed, 0), 0) AS job_ondemand_bytes,
         IF(reservation_id IS NULL, 0, IFNULL(total_slot_ms, 0)) AS reserved_slots
  FROM `{project}`.`region-{region}`.INFORMATION_SCHEMA.{view}
  WHERE creation_time >= @since
    AND IFNULL(statement_type, '') != 'SCRIPT'
),
facts AS (
  SELECT hour_start, project_id,
         IFNULL(user_email, IFNULL(principal_subject, '')) AS principal,
         IFNULL(reservation_id, '') AS reservation,
         IF(error_result IS NULL, 0, 1) AS failed,
         IFNULL(total_bytes_billed, 0) AS billed,
         job_ondemand_bytes AS ondemand,
         IFNULL(total_slot_ms, 0) AS slots,
         IF(edition = 'STANDARD', reserved_slots, 0) AS standard_slots,
         IF(IFNULL(edition, '') IN ('STANDARD', 'ENTERPRISE_PLUS'), 0, reserved_slots) AS enterprise_slots,
         IF(edition = 'ENTERPRISE_PLUS', reserved_slots, 0) AS plus_slots,
         labels
  FROM windowed
),
grouped AS (
  SELECT hour_start,
         CASE WHEN principal IS NOT NULL THEN 'principal'
              WHEN project_id IS NOT NULL THEN 'project'
              WHEN reservation IS NOT NULL THEN 'reservation'
              ELSE 'total' END AS dim,
         IFNULL(principal, IFNULL(project_id, IFNULL(reservation, ''))) AS key,
         COUNT(*) AS jobs, SUM(failed) AS failures, SUM(billed) AS bytes_billed,
         SUM(ondemand) AS ondemand_bytes, SUM(slots) AS slot_ms,
         SUM(standard_slots) AS standard_slot_ms, SUM(enterprise_slots) AS enterprise_slot_ms,
         SUM(plus_slots) AS enterprise_plus_slot_ms
  FROM facts
  GROUP BY GROUPING SETS ((hour_start, principal), (hour_start, project_id), (hour_start, reservation),
                          (hour_start))
  UNION ALL
  SELECT hour_start, 'label' AS dim, CONCAT(label.key, '=', IFNULL(label.value, '')) AS key,
         COUNT(*) AS jobs, SUM(failed) AS failures, SUM(billed) AS bytes_billed,
         SUM(ondemand) AS ondemand_bytes, SUM(slots) AS slot_ms,
         SUM(standard_slots) AS standard_slot_ms, SUM(enterprise_slots) AS enterprise_slot_ms,
         SUM(plus_slots) AS enterprise_plus_slot_ms
  FROM facts CROSS JOIN UNNEST(labels) AS label
  GROUP BY hour_start, key
  UNION ALL
  SELECT hour_start, 'unlabelled' AS dim, project_id AS key,
         COUNT(*) AS jobs, SUM(failed) AS failures, SUM(billed) AS bytes_billed,
         SUM(ondemand) AS ondemand_bytes, SUM(slots) AS slot_ms,
         SUM(standard_slots) AS standard_slot_ms, SUM(enterprise_slots) AS enterprise_slot_ms,
         SUM(plus_slots) AS enterprise_plus_slot_ms
  FROM facts
  WHERE IFNULL(ARRAY_LENGTH(labels), 0) = 0
  GROUP BY hour_start, project_id
),
ranked AS (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY hour_start, dim
                               ORDER BY ondemand_bytes DESC, slot_ms DESC, key) AS place
  FROM grouped
),
capped AS (
  SELECT hour_start, dim, IF(place <= @top_k, key, NULL) AS capped_key,
         jobs, failures, bytes_billed, ondemand_bytes, slot_ms,
         standard_slot_ms, enterprise_slot_ms, enterprise_plus_slot_ms
  FROM ranked
)
SELECT 'agg' AS kind, hour_start AS hour, dim, capped_key AS key,
       SUM(jobs) AS jobs, SUM(failures) AS failures, SUM(bytes_billed) AS bytes_billed,
       SUM(ondemand_bytes) AS ondemand_bytes, SUM(slot_ms) AS slot_ms,
       SUM(standard_slot_ms) AS standard_slot_ms, SUM(enterprise_slot_ms) AS enterprise_slot_ms,
       SUM(enterprise_plus_slot_ms) AS enterprise_plus_slot_ms,
       NULL AS creation_time, NULL AS start_time, NULL AS end_time, NULL AS project_id, NULL AS user_email,
       NULL AS principal_subject, NULL AS job_id, NULL AS job_type, NULL AS statement_type, NULL AS priority,
       NULL AS state, NULL AS total_bytes_processed, NULL AS total_bytes_billed, NULL AS total_slot_ms,
       NULL AS cache_hit, NULL AS reservation_id, NULL AS edition, NULL AS error_result, NULL AS parent_job_id
FROM capped
GROUP BY hour_start, dim, capped_key
UNION ALL
SELECT 'job' AS kind, hour_start AS hour, NULL AS dim, NULL AS key, NULL AS jobs, NULL AS failures,
       NULL AS bytes_billed, NULL AS ondemand_bytes, NULL AS slot_ms,
       NULL AS standard_slot_ms, NULL AS enterprise_slot_ms, NULL AS enterprise_plus_slot_ms,
       creation_time, start_time, end_time, project_id, user_email, principal_subject, job_id, job_type,
       statement_type, priority, state, total_bytes_processed, total_bytes_billed, total_slot_ms, cache_hit,
       reservation_id, edition, error_result, parent_job_id
FROM windowed
WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY state = 'DONE'
                           ORDER BY job_ondemand_bytes DESC, IFNULL(total_slot_ms, 0) DESC, job_id)
        <= IF(state = 'DONE', @top_jobs, @max_active)
)"""
"""The statement (see the module's docstring), a SELECT around the WITH (gcpdash sends only statements
that start with SELECT: :func:`dashboard.backends.gcp.bq_wire.is_select`). ``@since`` TIMESTAMP,
``@top_k``, ``@top_jobs`` and ``@max_active`` INT64."""


def org_jobs_sql(scope: Scope, project: str, location: str) -> str:
    """The organisation (``scope``) query of ``location``, run in ``project`` (the view is that project's
    organisation, or its parent folder and the subfolders).

    Raises:
        UsageError: A project or location not in Google's format.
    """
    from dashboard import validate

    return ORG_JOBS_SQL.format(
        project=validate.project_id(project, where="the query project"),
        region=region_qualifier(location),
        view=VIEWS[scope],
    )


ORG_PAGE_LABEL = "jobs-org-page"
"""The ``gcpdash-query`` label of a page of further jobs."""

PAGE_SIZE = 500
"""Finished jobs a page (about 200 KB of REST JSON)."""

ORG_PAGE_SQL = """\
SELECT * FROM (
  SELECT {columns},
         IF(reservation_id IS NULL, IFNULL(total_bytes_billed, 0), 0) AS job_ondemand_bytes,
         IFNULL(total_slot_ms, 0) AS job_slot_ms
  FROM `{project}`.`region-{region}`.INFORMATION_SCHEMA.{view}
  WHERE creation_time >= @since
    AND state = 'DONE'
    AND IFNULL(statement_type, '') != 'SCRIPT'
)
WHERE @first
   OR job_ondemand_bytes < @after_bytes
   OR (job_ondemand_bytes = @after_bytes
       AND (job_slot_ms < @after_slot_ms
            OR (job_slot_ms = @after_slot_ms
                AND (job_id > @after_job OR (job_id = @after_job AND project_id > @after_project)))))
ORDER BY job_ondemand_bytes DESC, job_slot_ms DESC, job_id, project_id
LIMIT {page_size}"""
"""A page of the window's finished jobs, costliest first (the order of the main query's ``job`` rows, then
the project: job ids are unique per project only), after the previous page's last job: ``@first`` BOOL
(the first page: no cursor), ``@after_bytes``, ``@after_slot_ms`` INT64, ``@after_job``,
``@after_project`` STRING; ``@since`` TIMESTAMP, the window's start. The page size is spliced in: a
constant of gcpdash's, not a value from outside."""


def org_page_sql(scope: Scope, project: str, location: str, size: int = PAGE_SIZE) -> str:
    """A page of ``size`` further jobs of ``location`` (:data:`ORG_PAGE_SQL`), run in ``project``.

    Raises:
        UsageError: A project or location not in Google's format.
    """
    from dashboard import validate

    return ORG_PAGE_SQL.format(
        columns=", ".join(ORG_JOB_COLUMNS),
        project=validate.project_id(project, where="the query project"),
        region=region_qualifier(location),
        view=VIEWS[scope],
        page_size=int(size),
    )


ROW_BUDGET = 5_000
"""The most rows one poll's query may return (about 2 MB of REST JSON at ~400 bytes per row)."""
TOP_K = 25
"""Keys per hour and dimension with a row of their own (the rest: one remainder row)."""
TOP_JOBS = 100
"""The costliest finished jobs of the window the query brings back."""
MAX_ACTIVE = 500
"""The most pending and running jobs the query brings back."""
DIMENSIONS = 6
"""``total``, ``principal``, ``project``, ``reservation``, ``label``, ``unlabelled``."""


def top_k(hours: int) -> int:
    """Keys per hour and dimension so that ``hours`` hour buckets stay within :data:`ROW_BUDGET` with the
    jobs: at most :data:`TOP_K`, at least 1 (each dimension's rows: the top keys and one remainder)."""
    room = ROW_BUDGET - TOP_JOBS - MAX_ACTIVE
    per_dimension = room // max(1, hours) // DIMENSIONS
    return max(1, min(TOP_K, per_dimension - 1))
