"""The SQL gcpdash runs. User values travel as query parameters, never by string formatting; only the
region qualifier, which BigQuery cannot take as a parameter, is spliced in after validation."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dashboard.errors import UsageError

JOBS_HISTORY_COLUMNS = (
    "creation_time",
    "start_time",
    "end_time",
    "project_id",
    "user_email",
    "principal_subject",
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
SELECT creation_time, start_time, end_time, project_id, user_email, principal_subject, job_id, job_type,
       statement_type, priority, state, total_bytes_processed, total_bytes_billed, total_slot_ms, cache_hit,
       reservation_id, edition, error_result, query, labels, parent_job_id, destination_table
FROM `region-{region}`.INFORMATION_SCHEMA.JOBS
WHERE creation_time >= @since
  AND creation_time < @until
ORDER BY creation_time
LIMIT @max_rows"""
"""Incremental history: ``@since`` is the newest creation time already seen minus an overlap;
``creation_time`` is the partition column, so each poll scans only its window. ``principal_subject`` names
who ran a job that has no ``user_email`` (a workforce or workload identity federation principal)."""


def region_qualifier(location: str) -> str:
    """``US`` → ``us``, ``europe-west4`` → ``europe-west4``, ``region-us`` → ``us`` (the qualifier as
    people paste it from SQL), checked by :func:`dashboard.validate.location`: anything else is refused
    before it is spliced into the SQL."""
    from dashboard.validate import location as checked

    return checked(location, where="BigQuery location")


def jobs_history_sql(location: str) -> str:
    """The history query for one BigQuery location."""
    return JOBS_HISTORY_SQL.format(region=region_qualifier(location))


_TABLE = re.compile(r"^[a-z][a-z0-9-]{4,61}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_]{1,1024}$")

BILLING_EXPORT_COLUMNS = ("period_start", "hourly", "service", "currency", "gross", "credits", "exported")

STORAGE_READ_SKU = "BigQuery Storage API - Read"
"""The billing SKU of Storage Read API reads (service ``BigQuery Storage API``, GCP_REFERENCE.md section
10.4; both names unconfirmed against a real export). The export query reports its rows apart, under this SKU
description instead of their service's: no job carries them, so the bill is all gcpdash knows of them."""

BILLING_EXPORT_SQL = """\
SELECT IF(usage_start_time >= @hourly_since, TIMESTAMP_TRUNC(usage_start_time, HOUR),
          TIMESTAMP_TRUNC(usage_start_time, DAY)) AS period_start,
       usage_start_time >= @hourly_since AS hourly,
       IF(sku.description = '{sku}', sku.description, service.description) AS service,
       currency,
       SUM(cost / IFNULL(currency_conversion_rate, 1)) AS gross,
       SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0) / IFNULL(currency_conversion_rate, 1))
         AS credits,
       MAX(export_time) AS exported
FROM `{table}`
WHERE invoice.month = @invoice_month
  AND _PARTITIONTIME >= @partition_since
GROUP BY period_start, hourly, service, currency
ORDER BY period_start, service"""
"""Net cost per service per day of the invoice month, and per hour from ``@hourly_since`` (the estimate's
window, :func:`billing_hourly_span`, across midnight), so that the estimate can be checked against the bill
hour by hour, from the standard Cloud Billing export (GCP_REFERENCE.md section 7.1). A row per
service per period (the Storage Read API's SKU counts as a service of its own:
:data:`STORAGE_READ_SKU`); ``exported`` is the newest ``export_time`` of that service's rows in it, so each
service's own export lag shows. Parameters: ``@invoice_month`` (``YYYYMM``, the month in Pacific time, as
invoices count it), ``@hourly_since`` (TIMESTAMP, a whole hour), ``@partition_since`` (TIMESTAMP, a few days
before the invoice month began: the table is partitioned by ingestion time, which prunes the scan).
``credits`` is zero or negative; net = gross + credits. Both are in US dollars: ``cost`` and the credits'
``amount`` are in the account's ``currency``, and ``currency_conversion_rate`` is the rate from US dollars
to it (the export's schema: "cost / currency_conversion_rate is the cost in US dollars"); ``currency`` says
which the bill is kept in."""


def billing_table(table: str) -> str:
    """``project.dataset.table`` of the billing export, validated so it can be spliced into the SQL.

    Raises:
        UsageError: Not a ``project.dataset.table`` name.
    """
    name = table.strip().strip("`")
    if not _TABLE.match(name):
        raise UsageError(
            f"not a billing export table: {table!r} (expected project.dataset.gcp_billing_export_v1_…)"
        )
    return name


def billing_export_sql(table: str) -> str:
    """The billing export query for one export table (``[billing] export_table``)."""
    return BILLING_EXPORT_SQL.format(table=billing_table(table), sku=STORAGE_READ_SKU)


BILLING_PARTITION_MARGIN = timedelta(days=3)
"""How far before the month's first day the export's ingestion-time partitions are read: rows of the month's
first hours can land in the previous month's last partitions."""

BILLING_HOURLY_SPAN = timedelta(hours=7)
"""How far back the export query returns hourly rows by default: the jobs history's default 6 h, and the hour
it began in (:func:`billing_hourly_span`), whether or not that crosses midnight."""


def billing_hourly_span(history_window_s: float) -> timedelta:
    """How far back the export query returns hourly rows: the estimate's window (the jobs history,
    ``[gcp] history_window``) rounded up to the hour, and one more (it rarely begins on the hour)."""
    return timedelta(hours=math.ceil(max(0.0, history_window_s) / 3600) + 1)


INVOICE_TZ = ZoneInfo("America/Los_Angeles")
"""Invoice months follow Pacific time: a month's usage starts at its first midnight there (08:00 UTC, 07:00
UTC in daylight saving time)."""


def invoice_month(now: datetime) -> str:
    """The invoice month (``YYYYMM``) usage at ``now`` is billed in: ``now``'s month in Pacific time."""
    return f"{now.astimezone(INVOICE_TZ):%Y%m}"


def invoice_month_bounds(month: str) -> tuple[datetime, datetime]:
    """Where an invoice month (``YYYYMM``) begins and ends, in UTC: midnights in Pacific time."""
    year, number = int(month[:4]), int(month[4:6])
    after = (year + 1, 1) if number == 12 else (year, number + 1)
    first = datetime(year, number, 1, tzinfo=INVOICE_TZ)
    last = datetime(*after, 1, tzinfo=INVOICE_TZ)
    return first.astimezone(UTC), last.astimezone(UTC)


def billing_export_params(
    now: datetime, hourly_span: timedelta = BILLING_HOURLY_SPAN
) -> dict[str, tuple[str, str | datetime]]:
    """The billing export query's parameters at ``now``: ``{name: (BigQuery type, value)}`` (UTC).

    ``invoice_month`` is :func:`invoice_month` (Pacific time: at 03:00 UTC on 1 December it is still
    November); ``hourly_since`` the hour ``hourly_span`` before now's (:func:`billing_hourly_span`), so the
    estimate's window comes per hour, across midnight if it does; ``partition_since`` the UTC midnight
    :data:`BILLING_PARTITION_MARGIN` before the invoice month began.
    """
    utc = now.astimezone(UTC)
    hour = utc.replace(minute=0, second=0, microsecond=0)
    month = invoice_month(utc)
    first, _ = invoice_month_bounds(month)
    partitions = (first - BILLING_PARTITION_MARGIN).replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "invoice_month": ("STRING", month),
        "hourly_since": ("TIMESTAMP", hour - hourly_span),
        "partition_since": ("TIMESTAMP", partitions),
    }
