"""``tables.get`` of the BigQuery tables a source's pipelines write, for the Dataflow and Pub/Sub sources:
when each was last modified, its rows and bytes, its streaming buffer.

The calls go through the live backend's BigQuery REST client (``ctx.bigquery()``), whose HTTP session
keeps every exchange (:mod:`~dashboard.backends.gcp.bq_wire`) and lets only reads out; each table's answer
or failure is one ``bigquery.tables.get`` exchange of the calling source's poll. The read is secondary: a
failure is that table's error exchange (its source's parser makes it a warning), never an exception.

Imported only by the live fetches; the client library is imported inside :func:`read_tables`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from dashboard.backends.gcp.bq_client import retry
from dashboard.backends.gcp.bq_wire import Capture
from dashboard.backends.gcp.budget import PollBudget
from dashboard.backends.gcp.threads import daemon_map
from dashboard.parsers.bq_tables import table_path
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange, ExchangeError

if TYPE_CHECKING:
    from google.cloud import bigquery

    from dashboard.backends.gcp.context import FetchContext

MAX_TABLES = 25
"""Tables one poll of a source reads at most (the first named, in order); the rest wait for a later
change of the pipelines (a table is read again at every poll)."""
PARALLEL = 4
"""``tables.get`` calls in flight at once."""
BUDGET_KEY = "bigquery"


def wanted(tables: Iterable[str]) -> list[str]:
    """The distinct ``project.dataset.table`` names among ``tables``, in order, at most
    :data:`MAX_TABLES`; a name that is not three non-empty parts is left out."""
    found: dict[str, None] = {}
    for table in tables:
        parts = table.split(".", 2)
        if len(parts) == 3 and all(parts) and "/" not in table:
            found[table] = None
    return list(found)[:MAX_TABLES]


def read_tables(
    ctx: FetchContext, tables: Iterable[str], *, source: str, poll: int, t: datetime
) -> list[Exchange]:
    """``tables.get`` of each of :func:`wanted` ``(tables)``, as exchanges of poll ``poll`` of ``source``
    started at ``t``, in the order of the tables.

    Nothing is asked with ``[auth] anonymous`` and no ``[endpoints] bigquery``: Google's endpoint refuses
    anonymous requests.
    """
    names = wanted(tables)
    if not names or (ctx.anonymous and not ctx.config.endpoints.bigquery):
        return []
    try:
        client = ctx.bigquery()
    except Exception as exc:  # no credentials, a bad endpoint: every table's read failed the same way
        code = str(getattr(exc, "code", None) or "UNAVAILABLE")
        error = ExchangeError(code=code, message=str(getattr(exc, "reason", exc))[:300])
        return [_exchange(name, poll, t, source, error) for name in names]
    budget = PollBudget(per_method=True)

    def read(name: str) -> list[Exchange]:
        return read_table(ctx, client, name, source=source, poll=poll, t=t, budget=budget)

    if len(names) == 1:
        results = [read(names[0])]
    else:
        workers = min(PARALLEL, len(names))
        results = daemon_map(read, names, workers=workers, name=f"gcpdash-{source}-tables")
    return [ex for found in results for ex in found]


def read_table(
    ctx: FetchContext,
    client: bigquery.Client,
    name: str,
    *,
    source: str,
    poll: int,
    t: datetime,
    budget: PollBudget | None = None,
) -> list[Exchange]:
    """``tables.get`` of ``project.dataset.table`` ``name``: its exchange (the answer, or the error)."""
    from google.cloud.bigquery import TableReference

    skipped = budget.skip(BUDGET_KEY, "tables.get") if budget is not None else None
    if skipped is not None:
        return [_exchange(name, poll, t, source, skipped)]
    with Capture(poll, t, source) as capture:
        try:
            client.get_table(TableReference.from_string(name), retry=retry(ctx), timeout=ctx.timeout)
        except Exception as exc:  # every failure becomes the call's error exchange
            last = capture.exchanges[-1] if capture.exchanges else None
            if last is None or last.error is not None or capture.pending:
                capture.failed(exc, fmt.BQ_TABLES_GET, table_path(name), {})
            # else: the answer came and only the client could not read it; the parser judges the answer
    if budget is not None:
        for ex in capture.exchanges:
            if ex.error is not None:
                budget.spend(BUDGET_KEY, "tables.get", ex.error)
    return capture.exchanges


def _exchange(name: str, poll: int, t: datetime, source: str, error: ExchangeError) -> Exchange:
    return Exchange(
        v=1,
        poll=poll,
        t=t,
        source=source,
        api="rest",
        method=fmt.BQ_TABLES_GET,
        error=error,
        http_method="GET",
        path=table_path(name),
    )
