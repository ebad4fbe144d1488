"""The billing export query: its SQL takes user values as parameters, and its parameters follow the invoice
month, which runs on Pacific time (PST UTC-8, PDT UTC-7), with the hourly rows reaching back over the jobs
history and the partitions three days before the month began."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.queries import (
    BILLING_EXPORT_COLUMNS,
    billing_export_params,
    billing_export_sql,
    billing_hourly_span,
    billing_table,
    invoice_month,
    invoice_month_bounds,
)

TABLE = "billing-proj.billing_ds.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9"


def test_the_sql_takes_user_values_as_parameters() -> None:
    sql = billing_export_sql(TABLE)
    assert f"FROM `{TABLE}`" in sql
    for name in ("@invoice_month", "@hourly_since", "@partition_since"):
        assert name in sql
    assert all(column in sql for column in BILLING_EXPORT_COLUMNS)
    with pytest.raises(Exception, match="not a billing export table"):
        billing_table("proj.ds.t`; DROP TABLE x; --")
    # at 9:40 UTC on 1 December it is 01:40 PST: December's invoice, which began at 08:00 UTC; per hour the
    # default 6 h history and the hour it began in; partitions from the UTC midnight 3 days before 08:00 UTC
    # on 1 December
    assert billing_export_params(datetime(2026, 12, 1, 9, 40, tzinfo=UTC)) == {
        "invoice_month": ("STRING", "202612"),
        "hourly_since": ("TIMESTAMP", datetime(2026, 12, 1, 2, tzinfo=UTC)),
        "partition_since": ("TIMESTAMP", datetime(2026, 11, 28, tzinfo=UTC)),
    }
    # at 03:00 UTC on 1 December it is still 19:00 PST on 30 November: November's invoice, which began at
    # 00:00 PDT = 07:00 UTC on 1 November; partitions from 29 October; a 24 h history: hourly rows from 02:00
    # on 30 November (the hourly span is the history rounded up to the hour, and one more)
    assert billing_hourly_span(24 * 3600 - 1) == timedelta(hours=25)
    assert billing_export_params(datetime(2026, 12, 1, 3, tzinfo=UTC), timedelta(hours=25)) == {
        "invoice_month": ("STRING", "202611"),
        "hourly_since": ("TIMESTAMP", datetime(2026, 11, 30, 2, tzinfo=UTC)),
        "partition_since": ("TIMESTAMP", datetime(2026, 10, 29, tzinfo=UTC)),
    }


@pytest.mark.parametrize(
    ("now", "month"),
    [
        ("2026-12-01T07:59:59", "202611"),  # 23:59:59 PST on 30 November
        ("2026-12-01T08:00:00", "202612"),  # 00:00 PST
        ("2026-11-01T06:59:00", "202610"),  # 23:59 PDT on 31 October (DST ends at 02:00 PDT that day)
        ("2026-11-01T07:00:00", "202611"),  # 00:00 PDT
        ("2026-11-01T10:30:00", "202611"),  # 02:30 PST, after the clocks went back
        ("2026-03-01T07:30:00", "202602"),  # 23:30 PST on 28 February
        ("2026-03-08T10:30:00", "202603"),  # 03:30 PDT, after the clocks went forward
        ("2026-04-01T06:30:00", "202603"),  # 23:30 PDT on 31 March
        ("2027-01-01T07:00:00", "202612"),  # 23:00 PST on 31 December
    ],
)
def test_the_invoice_month_is_the_month_in_pacific_time(now: str, month: str) -> None:
    at = datetime.fromisoformat(now).replace(tzinfo=UTC)
    assert invoice_month(at) == month
    assert billing_export_params(at)["invoice_month"] == ("STRING", month)


def test_invoice_months_begin_at_pacific_midnight() -> None:
    # PST is UTC-8, PDT UTC-7 (from the second Sunday of March to the first Sunday of November)
    assert invoice_month_bounds("202611") == (
        datetime(2026, 11, 1, 7, tzinfo=UTC),  # 00:00 PDT
        datetime(2026, 12, 1, 8, tzinfo=UTC),  # 00:00 PST: November has 30 x 24 + 1 hours
    )
    assert invoice_month_bounds("202603") == (
        datetime(2026, 3, 1, 8, tzinfo=UTC),
        datetime(2026, 4, 1, 7, tzinfo=UTC),  # March has 31 x 24 - 1 hours
    )
    assert invoice_month_bounds("202612") == (
        datetime(2026, 12, 1, 8, tzinfo=UTC),
        datetime(2027, 1, 1, 8, tzinfo=UTC),
    )
