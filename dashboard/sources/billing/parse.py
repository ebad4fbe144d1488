"""One poll of the billing source → :class:`~dashboard.models.BillingData`.

The poll is one query of the Cloud Billing export (``dashboard.queries.BILLING_EXPORT_SQL``, labelled
``gcpdash-query: billing-export``): its ``jobs.query`` and, for further pages, ``jobs.getQueryResults``.
The query is the source's primary call: its failure fails the poll. A later page that fails only adds a
warning (the rows read so far are kept). When a billing account is configured the poll also holds the Budget
API's ``ListBudgets`` pages: secondary after the export query (a failure is a warning), primary when the
poll is only budgets (no export table configured).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from dashboard.models import ApiBudget, BillingData, BillingRow
from dashboard.parsers.bqrows import RowDecoder
from dashboard.parsers.common import Garbage, items
from dashboard.parsers.poll import PollContext, request_of
from dashboard.queries import BILLING_EXPORT_COLUMNS
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

__all__ = ["is_billing_query", "parse_billing", "rows_from_records"]


def is_billing_query(exchange: Exchange) -> bool:
    """True for the ``jobs.query`` of the billing export (by its label)."""
    labels = request_of(exchange).get("labels")
    return isinstance(labels, dict) and labels.get(fmt.QUERY_LABEL) == fmt.BILLING_EXPORT_QUERY


class _Result:
    """The query's result as its pages arrive: the decoder once a page carried the schema."""

    __slots__ = ("decoder", "exported", "rows")

    def __init__(self) -> None:
        self.decoder: RowDecoder | None = None
        self.rows: list[BillingRow] = []
        self.exported: datetime | None = None


def parse_billing(exchanges: Sequence[Exchange], ctx: PollContext) -> BillingData:
    """Build the billing source's data from every exchange of one poll.

    Raises:
        SourceError: The export query failed, or its first page is not BigQuery's query response.
    """
    result = _Result()
    month: str | None = None
    hourly_since: datetime | None = None
    asked = False
    budgets: list[ApiBudget] = []
    for ex in exchanges:
        if ex.method == fmt.BUDGETS_LIST_BUDGETS:
            if asked:
                ctx.secondary(ex, "budgets not read", _read_budgets, budgets, ctx)
            else:
                ctx.primary(ex, _read_budgets, budgets, ctx)
            continue
        if ex.method == fmt.BQ_JOBS_QUERY:
            if not is_billing_query(ex):
                continue
            asked = True
            month = _param(ex, "invoice_month") or month
            hourly_since = _timestamp(_param(ex, "hourly_since")) or hourly_since
            ctx.primary(ex, _read_page, result)
        elif asked and _later_page(ex):
            ctx.secondary(ex, "billing export incomplete, later rows missing", _read_page, result)
    rows = sorted(result.rows, key=lambda r: (r.start, r.hours, r.service))
    return BillingData(
        rows=tuple(rows),
        invoice_month=month,
        exported_through=result.exported,
        hourly_since=hourly_since,
        warnings=ctx.warnings,
        budgets=tuple(budgets),
        exported=asked,
    )


def _later_page(ex: Exchange) -> bool:
    """A result page after the first, or a failed ``jobs.get``: the client asks for the job before it
    reads the later pages, so the rows after the first page were not read."""
    return ex.method == fmt.BQ_GET_QUERY_RESULTS or (ex.method == fmt.BQ_JOBS_GET and ex.error is not None)


def _read_budgets(response: dict[str, Any], out: list[ApiBudget], ctx: PollContext) -> None:
    """One ``ListBudgetsResponse`` page: each budget through :func:`dashboard.cost.parse_budget`; one that is
    not a budget is left out with a warning."""
    from dashboard.cost.budget import parse_budget

    for payload in items(response, "budgets"):
        if not isinstance(payload, dict):
            ctx.warn(f"a budget is {type(payload).__name__}, expected an object")
            continue
        try:
            spec = parse_budget(payload)
        except (ValueError, TypeError, AttributeError) as exc:
            ctx.warn(f"budget left out: {exc}")
            continue
        out.append(
            ApiBudget(
                name=spec.name,
                amount_usd=spec.amount_usd,
                services=spec.services,
                thresholds_pct=spec.thresholds_pct,
                unevaluated=spec.unevaluated,
            )
        )


def _param(ex: Exchange, name: str) -> str | None:
    """The value of the query's parameter ``name``, from its request's ``queryParameters``."""
    for param in request_of(ex).get("queryParameters") or ():
        if isinstance(param, dict) and param.get("name") == name:
            value = (param.get("parameterValue") or {}).get("value")
            return value if isinstance(value, str) else None
    return None


def _timestamp(value: str | None) -> datetime | None:
    """A TIMESTAMP parameter as the client sends it (``2026-11-26 09:00:00+00:00``), or None."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _read_page(response: dict[str, Any], result: _Result) -> None:
    schema = response.get("schema")
    if schema is not None and result.decoder is None:
        if type(schema) is not dict:
            raise Garbage(f"schema is {type(schema).__name__}, expected an object")
        result.decoder = RowDecoder(schema.get("fields") or [])
    records = items(response, "rows")
    if not records:
        return
    if result.decoder is None:
        raise Garbage("rows arrived before any page carried the schema")
    rows, exported = rows_from_records(result.decoder, records)
    result.rows.extend(rows)
    if exported is not None and (result.exported is None or exported > result.exported):
        result.exported = exported


def rows_from_records(decoder: RowDecoder, records: list[Any]) -> tuple[list[BillingRow], datetime | None]:
    """Decoded export rows, and the newest ``exported`` time among them.

    Raises:
        Garbage: A column the query selects is missing, or a value has the wrong type.
    """
    missing = [c for c in BILLING_EXPORT_COLUMNS if c not in decoder.names]
    if missing:
        raise Garbage(f"billing export result lacks column(s) {', '.join(missing)}")
    out: list[BillingRow] = []
    newest: datetime | None = None
    for row in decoder.rows(records):
        start = row["period_start"]
        if not isinstance(start, datetime):
            raise Garbage("billing export row without a period_start")
        exported = row["exported"]
        if isinstance(exported, datetime) and (newest is None or exported > newest):
            newest = exported
        out.append(
            BillingRow(
                start=start,
                hours=1 if row["hourly"] else 24,
                service=str(row["service"] or "(unknown service)"),
                currency=str(row["currency"] or "USD"),
                gross=float(row["gross"] or 0.0),
                credits=float(row["credits"] or 0.0),
                exported=exported if isinstance(exported, datetime) else None,
            )
        )
    return out, newest
