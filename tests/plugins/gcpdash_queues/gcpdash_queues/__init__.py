"""A third party's gcpdash source, as the tests install it: the queues of the Acme Queue API (a REST API:
``GET /v1/projects/{project}/queues``, pages by ``pageToken``/``nextPageToken``), each with its backlog,
the age of its oldest unacknowledged message and the bytes it retains.

Everything about the source is here: its spec, models, parser, live fetch (:mod:`gcpdash_queues.api`),
pane, cost line and insight rule. Nothing of gcpdash changes to show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec
from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.cost.common import ServiceCost
from dashboard.insights import Insight
from dashboard.parsers.poll import PollContext
from dashboard.recording.format import Exchange
from dashboard.registry import Grant, PaneSpec, SourceSpec
from dashboard.views.columns import Column, Row

LIST = "acme.queues.list"
"""The one method the source calls (a list: read-only)."""
ROLE = "roles/acmequeue.viewer"
RETENTION_USD_PER_GIB_MONTH = 0.27
"""The Acme Queue API's list price for retained messages."""
OLD_UNACKED_S = 600.0
"""A queue whose oldest unacknowledged message is older than this is an insight."""


class Queue(msgspec.Struct, frozen=True, kw_only=True):
    project: str
    name: str
    backlog: int
    oldest_unacked_s: float
    retained_bytes: int

    @property
    def key(self) -> str:
        return f"{self.project}/{self.name}"


class QueuesData(msgspec.Struct, frozen=True, kw_only=True):
    items: tuple[Queue, ...] = ()
    warnings: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()


def _read_page(response: dict[str, object], project: str) -> list[Queue]:
    queues = response.get("queues", [])
    if not isinstance(queues, list):
        raise TypeError(f"'queues' is {type(queues).__name__}")
    return [
        Queue(
            project=project,
            name=str(q["name"]).rsplit("/", 1)[-1],
            backlog=int(q["numUndeliveredMessages"]),
            oldest_unacked_s=float(str(q["oldestUnackedMessageAge"]).removesuffix("s")),
            retained_bytes=int(q.get("retainedBytes", 0)),
        )
        for q in queues
    ]


def parse(exchanges: Sequence[Exchange], ctx: PollContext) -> QueuesData:
    """One poll's pages → the queues; a project whose listing failed is marked incomplete."""
    found: list[Queue] = []
    for ex in exchanges:
        if ex.method != LIST:
            continue
        project = (ex.path or "").split("/")[3]
        page = ctx.listing(ex, project, _read_page, project)
        if page is not None:
            found.extend(page)
    ctx.check()
    return QueuesData(items=tuple(found), warnings=ctx.warnings, incomplete=ctx.incomplete)


COLUMNS = (
    Column("QUEUE", "name", min_width=10),
    Column("PROJECT", "project"),
    Column("BACKLOG", "backlog", justify="right"),
    Column("OLDEST UNACKED", "oldest", justify="right"),
    Column("RETAINED", "retained", justify="right"),
)


def rows(data: QueuesData, now: datetime) -> list[Row]:
    return [
        Row.of(
            q.key,
            [
                q.name,
                q.project,
                f"{q.backlog:,}",
                f"{q.oldest_unacked_s:.0f}s",
                f"{q.retained_bytes / 2**20:.1f} MiB",
            ],
        )
        for q in sorted(data.items, key=lambda q: -q.backlog)
    ]


def item(data: QueuesData, key: str) -> Queue | None:
    return next((q for q in data.items if q.key == key), None)


def detail(queue: Queue, now: datetime) -> RenderableType:
    return Group(
        Text(f"Queue {queue.name}", style="bold"),
        Text(f"project {queue.project}"),
        Text(
            f"{queue.backlog:,} undelivered messages; oldest unacknowledged {queue.oldest_unacked_s:.0f}s old"
        ),
    )


def overview(data: QueuesData, now: datetime) -> tuple[int, str]:
    old = sum(1 for q in data.items if q.oldest_unacked_s > OLD_UNACKED_S)
    return len(data.items), f"{sum(q.backlog for q in data.items):,} messages waiting · {old} queue(s) behind"


def cost(data: QueuesData, start: datetime, now: datetime) -> ServiceCost:
    gib = sum(q.retained_bytes for q in data.items) / 2**30
    per_hour = gib * RETENTION_USD_PER_GIB_MONTH / 730
    hours = max(0.0, (now - start).total_seconds() / 3600)
    return ServiceCost(
        service="queues",
        title="Acme Queue retention",
        burn_rate_usd_per_hour=per_hour,
        window_spend_usd=per_hour * hours,
        items=len(data.items),
        basis=f"{gib:.2f} GiB retained × ${RETENTION_USD_PER_GIB_MONTH}/GiB-month",
    )


def behind(data: QueuesData, now: datetime) -> list[Insight]:
    return [
        Insight(
            rule="queues.behind",
            severity="warning",
            title=f"Queue {q.name} is {q.oldest_unacked_s / 60:.0f} min behind",
            source="queues",
            resource=q.name,
            resource_key=q.key,
            evidence=f"{q.backlog:,} undelivered; oldest unacknowledged {q.oldest_unacked_s:.0f}s",
            fix="scale the subscriber, or look for a poison message",
        )
        for q in data.items
        if q.oldest_unacked_s > OLD_UNACKED_S
    ]


def metrics(data: QueuesData) -> dict[str, float]:
    return {"backlog": float(sum(q.backlog for q in data.items))}


SPEC = SourceSpec(
    name="queues",
    title="Queues",
    interval=30.0,
    data=QueuesData,
    parse=parse,
    fetch="gcpdash_queues.api:fetch",
    methods=(LIST,),
    grants=(Grant(ROLE, "each monitored project", "list the queues and their backlog", (LIST,)),),
    packages=("urllib.request",),
    merge="replace",
    pane=PaneSpec(
        title="Queues",
        columns=COLUMNS,
        rows=rows,
        item=item,
        detail=detail,
        empty="no queue",
        overview=overview,
    ),
    cost=cost,
    rules=(behind,),
    metrics=metrics,
)
