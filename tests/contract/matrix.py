"""The fault matrix's cells: every call target x every fault, each run on its own pair of fake servers
(the demo recording over REST and gRPC, billing export and budgets included) so cells can run side by
side, with what a person should see for each written out by hand.

A *target* is one API call gcpdash makes (``jobs`` is BigQuery's jobs.list, ``jobs.history`` the
INFORMATION_SCHEMA query with its result pages, ``tables`` the Dataflow source's BigQuery tables.get,
``monitoring`` is ListTimeSeries, which reservations, Dataproc and Dataflow all call); a *fault* is what
the fake does to it. A cell
(tests/contract/matrix_run.py) runs :func:`~dashboard.backends.gcp.once.live_snapshot` (what ``gcpdash
--once`` shows) in-process or, for a few, ``python -m dashboard --once`` as a subprocess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

from .fake_grpc import FakeGrpcServer, Fault, closed_port, demo_polls
from .fake_recorded import BILLING_ACCOUNT, BILLING_TABLE, with_billing
from .fake_rest import FakeRest, Recorded, refused_url
from .platform_fakes import budgets
from .serve import REGISTERED

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
CALL = 2.5
RETRY_DEADLINE = 2.5
"""``[timeouts]`` of every cell: a call gives up after about RETRY_DEADLINE + CALL = 5 s. The fakes answer
in milliseconds, but six cells share one interpreter on a loaded 2-core machine: an attempt as long as the
retry deadline is not tried again, so a first call that a loaded machine slows past 1.5 s (the fake counts
it, answers 403 too late) no longer shows as a retry of a permanent error."""
BOUND = 2 * (CALL + RETRY_DEADLINE) + 2.0
"""Seconds a cell may take: two given-up calls in a row (a listing, then what follows it) and slack for a
loaded machine. A poll that retries call after call (a retry storm) goes over."""
STALE_INTERVAL = 0.5
"""``[intervals]`` of every source in a ``stale`` cell: data older than 3 intervals (1.5 s) is stale, less
than a given-up call (at least RETRY_DEADLINE), as a 10 s jobs interval against 20 s / 30 s timeouts in
production."""
ACCOUNT, TABLE = BILLING_ACCOUNT, BILLING_TABLE
"""The demo's billing account and export table (fixtures/demo/billing.jsonl)."""
SOURCES = ("jobs", "reservations", "dataproc", "dataflow", "billing")


@dataclass(frozen=True)
class Target:
    """One API call gcpdash makes, and who shows its failure."""

    source: str
    """The source whose status shows the fault (the first of ``affected``)."""
    affected: tuple[str, ...]
    """Every source whose status shows the fault."""
    primary: bool
    """A failure fails the source (its status is an error); else the source warns and shows the rest."""
    role: str
    """The role a 403 should name (GCP_REFERENCE.md section 8.3)."""
    grpc: str | None = None
    """The RPC path, for a gRPC target."""
    rest: tuple[str, ...] = ()
    """The REST fake's call kinds, for a BigQuery target."""
    projects: tuple[str, ...] = ()
    """The projects a REST fault is limited to (none: every project)."""
    endpoint: str | None = None
    """The ``[endpoints]`` key that a ``refused`` cell points at a closed port; None: the target shares its
    endpoint with another target (no refused cell of its own)."""
    parts: tuple[str, ...] = ()
    """For a target that only warns: the parts of its sources' data that it fills (may be partial)."""
    refused_affects: tuple[str, ...] = ()
    """The sources a closed endpoint fails, when more than ``affected`` (BigQuery serves billing too)."""
    refused_warns: tuple[str, ...] = ()
    """Parts of other sources (``source.field``) a closed endpoint leaves out with a warning only (the
    Dataflow source's ``tables.get`` goes to BigQuery)."""
    same_service: tuple[str, ...] = ()
    """Parts filled by other calls to the target's service: after a quota error, 503 or timeout the poll
    does not ask them (budget.PollBudget), and a warning must say so ("not asked: ...")."""
    first_call_data: bool = True
    """The target's first call holds data (a ``second`` cell must keep it); jobs.list's first call is one
    project's pending jobs, none in the demo."""


TARGETS: dict[str, Target] = {
    "jobs": Target("jobs", ("jobs",), True, "roles/bigquery.resourceViewer", rest=("list",),
                   endpoint="bigquery", refused_affects=("jobs", "billing"), first_call_data=False,
                   refused_warns=("dataflow.tables",)),
    "jobs.history": Target("jobs", ("jobs",), False, "roles/bigquery.resourceViewer",
                           rest=("query", "results", "get"), projects=("acme-analytics", "acme-etl"),
                           parts=("jobs.jobs",)),
    "reservations": Target("reservations", ("reservations",), True, "roles/bigquery.resourceViewer",
                           grpc=fmt.RES_LIST_RESERVATIONS, endpoint="reservation"),
    "dataproc.clusters": Target("dataproc", ("dataproc",), True, "roles/dataproc.viewer",
                                grpc=fmt.DATAPROC_LIST_CLUSTERS, endpoint="dataproc"),
    "dataproc.jobs": Target("dataproc", ("dataproc",), False, "roles/dataproc.viewer",
                            grpc=fmt.DATAPROC_LIST_JOBS, parts=("dataproc.jobs",),
                            same_service=("dataproc.batches",)),
    "dataproc.batches": Target("dataproc", ("dataproc",), False, "roles/dataproc.viewer",
                               grpc=fmt.DATAPROC_LIST_BATCHES, parts=("dataproc.batches",),
                               same_service=("dataproc.jobs",)),
    "dataflow": Target("dataflow", ("dataflow",), True, "roles/dataflow.viewer",
                       grpc=fmt.DATAFLOW_AGGREGATED_LIST_JOBS, endpoint="dataflow"),
    "tables": Target("dataflow", ("dataflow",), False, "roles/bigquery.metadataViewer", rest=("table",),
                     parts=("dataflow.tables",)),
    "monitoring": Target("reservations", ("reservations", "dataproc", "dataflow"), False,
                         "roles/monitoring.viewer", grpc=fmt.MON_LIST_TIME_SERIES, endpoint="monitoring",
                         parts=("reservations.slot_usage", "reservations.bi_usage", "dataproc.series",
                                "dataflow.series")),
    "bi_engine": Target("reservations", ("reservations",), False, "roles/bigquery.resourceViewer",
                        grpc=fmt.RES_GET_BI_RESERVATION,
                        parts=("reservations.bi_reservations", "reservations.bi_usage")),
    "billing.export": Target("billing", ("billing",), True, "roles/bigquery.dataViewer",
                             rest=("query", "results", "get"), projects=("acme-admin",)),
    "billing.budgets": Target("billing", ("billing",), False, "roles/billing.viewer",
                              grpc=fmt.BUDGETS_LIST_BUDGETS, endpoint="budgets", parts=("billing.budgets",)),
}  # fmt: skip

FAULTS = ("401", "403", "404", "429", "500", "503", "504", "second", "hang", "garbage", "refused")
"""``second``: the target's first call is served, the second and every later one fails with 503 /
UNAVAILABLE; ``hang``: no answer before the call's timeout; ``garbage``: a body not of the protocol (HTML
for REST, undecodable bytes for gRPC); ``refused``: the endpoint is a closed loopback port."""

GRPC_FAULTS = {
    "401": Fault(code="UNAUTHENTICATED", message="Request had invalid authentication credentials."),
    "403": Fault(code="PERMISSION_DENIED", message="The caller does not have permission"),
    "404": Fault(code="NOT_FOUND", message="Project not found"),
    "429": Fault(code="RESOURCE_EXHAUSTED", message="Quota exceeded for quota metric 'Read requests'"),
    "500": Fault(code="INTERNAL", message="Internal error encountered."),
    "503": Fault(code="UNAVAILABLE", message="The service is currently unavailable."),
    "504": Fault(code="DEADLINE_EXCEEDED", message="Deadline expired before operation could complete."),
    "second": Fault(code="UNAVAILABLE", message="The service is currently unavailable.", page=None, after=1),
    "hang": Fault(kind="sleep", page=None, seconds=CALL + 2.0),
    "garbage": Fault(kind="garbage", page=None),
}
REST_FAULTS = {"401": "401", "403": "403", "404": "404", "429": "429", "500": "500", "503": "503"}
REST_FAULTS |= {"504": "504", "second": "503", "hang": "slow", "garbage": "garbage"}

REASONS: dict[str, tuple[str, ...]] = {
    "401": ("UNAUTHENTICATED", "401"),
    "403": ("PERMISSION_DENIED", "403"),
    "404": ("NOT_FOUND", "404"),
    "429": ("RESOURCE_EXHAUSTED", "429"),
    "500": ("INTERNAL", "500"),
    "503": ("UNAVAILABLE", "503"),
    "504": ("DEADLINE_EXCEEDED", "504"),
    "second": ("UNAVAILABLE", "503"),
    "hang": ("DEADLINE_EXCEEDED", "timed out", "timeout"),
    "garbage": ("could not be decoded", "not a JSON", "GARBAGE", "could not be read"),
    "refused": ("refused", "Connection refused"),
}
"""Per fault, words of which the reason shown must hold one: the status as the API said it."""
ACTIONS: dict[str, str] = {
    "401": "gcloud auth application-default login",
    "404": "check the project",
    "429": "quota or rate limit",
}
"""Per fault, what the reason must tell a person to do (403: the role, from the target)."""


def cells() -> list[tuple[str, str]]:
    """Every (target, fault) of the matrix: a refused cell only for a target with its own endpoint."""
    return [
        (name, fault)
        for name, target in TARGETS.items()
        for fault in FAULTS
        if fault != "refused" or target.endpoint is not None
    ]


# ------------------------------------------------------------------ the fakes


_SHARED: dict[str, Any] = {}


def _recorded() -> Recorded:
    """The demo's jobs.jsonl and billing.jsonl payloads (read once; the fakes only read them)."""
    if "rest" not in _SHARED:
        _SHARED["rest"] = with_billing()
    found: Recorded = _SHARED["rest"]
    return found


def _exchanges() -> list[Exchange]:
    """Per gRPC source, the demo's last poll in which nothing failed among those making every kind of call
    (BI reservations are read every 5 polls); and the first poll's budgets."""
    if "grpc" not in _SHARED:
        chosen: list[Exchange] = []
        for source in ("reservations", "dataproc", "dataflow"):
            good = [p for p in demo_polls(source) if all(ex.error is None for ex in p.exchanges)]
            fullest = max(good, key=lambda p: (len({ex.method for ex in p.exchanges}), p.number))
            chosen.extend(fullest.exchanges)
        chosen.extend(budgets())
        _SHARED["grpc"] = chosen
    found: list[Exchange] = _SHARED["grpc"]
    return found


class Fakes:
    """A REST and a gRPC fake serving the demo, awkwardly: jobs.list pages of 2 jobs, query results in
    pages of 50 rows, each recorded gRPC page served as two."""

    def __init__(self) -> None:
        self.rest = FakeRest(_recorded(), slow_seconds=CALL + 2.0)
        self.rest.page_size = 2
        self.rest.result_rows = 50
        self.grpc = FakeGrpcServer(_exchanges(), split_pages=True)
        self.endpoints: dict[str, str] = {"bigquery": self.rest.url}
        for name in ("reservation", "dataproc", "dataflow", "monitoring", "budgets"):
            self.endpoints[name] = self.grpc.address
        self._refused: str | None = None
        self._late: list[FakeRest | FakeGrpcServer] = []

    def __enter__(self) -> Fakes:
        self.rest.start()
        self.grpc.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.rest.stop()
        self.grpc.stop()
        for late in self._late:
            late.stop()

    def inject(self, target: Target, fault: str) -> None:
        """Make ``fault`` happen to ``target``'s calls."""
        if fault == "refused":
            assert target.endpoint is not None
            closed = refused_url() if target.endpoint == "bigquery" else f"127.0.0.1:{closed_port()}"
            self.endpoints[target.endpoint] = closed
            self._refused = target.endpoint
        elif target.grpc is not None:
            self.grpc.fault(target.grpc, GRPC_FAULTS[fault])
        else:
            after = 1 if fault == "second" else 0
            self.rest.inject(target.rest, REST_FAULTS[fault], *target.projects, after=after)

    def clear(self) -> None:
        """No faults: the fakes answer every call again, and a refused endpoint now has a server behind it
        (what a running session was configured with answers; a new config points at the first fakes)."""
        self.rest.rules.clear()
        self.grpc.clear_faults()
        if self._refused is not None:
            port = int(self.endpoints[self._refused].rsplit(":", 1)[1])
            if self._refused == "bigquery":
                rest = FakeRest(_recorded(), port=port)
                rest.page_size, rest.result_rows = 2, 50
                self._late.append(rest.start())
            else:
                self._late.append(FakeGrpcServer(_exchanges(), split_pages=True, port=port).start())
            self._refused = None
        self.endpoints["bigquery"] = self.rest.url
        for name in ("reservation", "dataproc", "dataflow", "monitoring", "budgets"):
            self.endpoints[name] = self.grpc.address

    def config_text(
        self, *, intervals: float | None = None, call: float = CALL, deadline: float = RETRY_DEADLINE
    ) -> str:
        """A config file for these fakes: the demo's projects, billing export and account, short timeouts
        (and ``intervals`` seconds between polls of every source, when given)."""
        lines = [
            "[gcp]",
            'projects = ["acme-analytics", "acme-etl"]',
            'regions = ["us-central1", "europe-west1"]',
            'bigquery_locations = ["US"]',
            'reservation_admin_projects = ["acme-admin"]',
            "",
            "[endpoints]",
            *(f'{name} = "{address}"' for name, address in self.endpoints.items()),
            "",
            "[auth]",
            "anonymous = true",
            "",
            "[billing]",
            f'export_table = "{TABLE}"',
            f'billing_account = "{ACCOUNT}"',
            "",
            "[timeouts]",
            f"call = {call}",
            f"retry_deadline = {deadline}",
            "",
            # no fake here of the repo's registered sources (each has its own: tests/contract/fake_pubsub.py,
            # fake_composer.py, fake_vertex.py, fake_dataplex.py, fake_datafusion.py), and anonymous calls to
            # Google's endpoints would only fail
            *(line for name in REGISTERED for line in (f"[sources.{name}]", "enabled = false", "")),
        ]
        if intervals is not None:
            lines += ["[intervals]"]
            lines += [f"{s} = {intervals}" for s in ("jobs", "jobs_history", *SOURCES[1:])]
            lines += ["billed_query_gap = 0.1", ""]
        return "\n".join(lines)
