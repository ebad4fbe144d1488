"""Start the fake BigQuery REST and gRPC servers on 127.0.0.1 and write a config file pointing at them, so
that the live path can be run by hand:

    .venv/bin/python -m tests.contract.serve --config-out /tmp/fake.toml [--fail dataproc]
    .venv/bin/gcpdash --once --config /tmp/fake.toml --format json

The servers serve the demo recording (projects ``acme-analytics`` and ``acme-etl``, regions
``us-central1`` and ``europe-west1``: jobs, reservations, Dataproc, Dataflow, the billing export and
budgets) and the estates of the registered sources' contract tests (Pub/Sub, Composer, Vertex AI, data
quality, Data Fusion: tests/contract/platform_fakes.py) until interrupted; ``--built-ins`` serves the
built-in sources only (billing and the registered sources off). ``--fail SOURCE`` makes that source's primary
listing fail with a permission error (repeatable). ``--monitoring hang`` makes every Monitoring read hang
until its deadline; ``--monitoring 503`` (or ``429``) makes it fail with UNAVAILABLE (or
RESOURCE_EXHAUSTED); ``--hang SOURCE`` makes that source's primary listing hang. ``--world`` serves
tests/contract/world.py instead: job projects ``acme-etl`` and ``acme-bi`` in BigQuery locations US and
europe-west4, reservations in ``acme-admin``, BigQuery history evaluated per project around the time the
servers start (the registered sources and billing off).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

from .fake_rest import FakeRest

REGISTERED = ("pubsub", "composer", "vertex", "dataquality", "datafusion")
"""The repo's registered sources (past the built-ins), each with a fake of its own elsewhere: switched off
in the configs of ``--world`` and of the fault matrix."""

GRPC_SOURCES = ("reservations", "dataproc", "dataflow")
PRIMARY = {
    "reservations": fmt.RES_LIST_RESERVATIONS,
    "dataproc": fmt.DATAPROC_LIST_CLUSTERS,
    "dataflow": fmt.DATAFLOW_AGGREGATED_LIST_JOBS,
}
"""The listing whose failure fails each gRPC source."""

HANG_SECONDS = 600.0
"""How long a hung call waits before answering (the client's deadline ends it first)."""


def _monitoring_faults() -> dict[str, Any]:
    from .fake_grpc import Fault

    return {
        "hang": Fault(kind="sleep", seconds=HANG_SECONDS),
        "503": Fault(code="UNAVAILABLE", message="The service is currently unavailable."),
        "429": Fault(
            code="RESOURCE_EXHAUSTED", message="Quota exceeded for quota metric 'Time series queries'"
        ),
    }


def demo_exchanges() -> list[Exchange]:
    """Per gRPC source, the exchanges of the demo's last poll in which nothing failed."""
    from .fake_grpc import demo_polls

    chosen: list[Exchange] = []
    for source in GRPC_SOURCES:
        good = [p for p in demo_polls(source) if all(ex.error is None for ex in p.exchanges)]
        chosen.extend(good[-1].exchanges)
    return chosen


DEMO_GCP = {
    "projects": ("acme-analytics", "acme-etl"),
    "regions": ("us-central1", "europe-west1"),
    "bigquery_locations": ("US",),
}
WORLD_GCP = {
    "projects": ("acme-etl", "acme-bi"),
    "regions": ("europe-west4",),
    "bigquery_locations": ("US", "europe-west4"),
}


def config_text(
    rest_url: str,
    grpc_address: str,
    *,
    timeout: float = 2.0,
    deadline: float = 2.0,
    gcp: dict[str, tuple[str, ...]] | None = None,
    platform: list[str] | None = None,
) -> str:
    """A config file for the fake servers (``gcp``: projects, regions and locations; default the demo's;
    ``platform``: the billing and plugin sources' lines, else those sources are off)."""
    gcp = gcp or DEMO_GCP
    lines = [
        "# gcpdash against the fake servers of tests/contract/serve.py",
        "[gcp]",
        *(f"{key} = {list(values)!r}".replace("'", '"') for key, values in gcp.items()),
        'reservation_admin_projects = ["acme-admin"]',
        "",
        "[endpoints]",
        f'bigquery = "{rest_url}"',
        *(f'{name} = "{grpc_address}"' for name in ("reservation", "dataproc", "dataflow", "monitoring")),
        *([f'budgets = "{grpc_address}"'] if platform is not None else []),
        "",
        "[auth]",
        "anonymous = true",
        "",
        "[timeouts]",
        f"call = {timeout}",
        f"retry_deadline = {deadline}",
        "",
    ]
    if platform is not None:
        return "\n".join([*lines, *platform])
    # without the platform's fakes, anonymous calls to Google's endpoints would only fail
    lines += [line for name in REGISTERED for line in (f"[sources.{name}]", "enabled = false", "")]
    return "\n".join(lines)


class Servers:
    """Both fake servers, serving the demo; ``with Servers() as s: s.rest.url, s.grpc.address``."""

    def __init__(
        self,
        fail: Iterable[str] = (),
        *,
        world: bool = False,
        monitoring: str | None = None,
        hang: Iterable[str] = (),
        platform: bool = False,
    ) -> None:
        """Make the servers; ``fail``: sources whose primary listing is denied; ``world``: serve
        tests/contract/world.py around now instead of the demo; ``monitoring``: ``hang``, ``503`` or
        ``429`` on every Monitoring read; ``hang``: sources whose primary listing never answers in time;
        ``platform`` (not with ``world``): the billing export, budgets and the registered sources too."""
        from .fake_grpc import FakeGrpcServer, Fault

        self.gcp = WORLD_GCP if world else DEMO_GCP
        self.vertex: Any = None
        if world:
            from datetime import UTC, datetime

            from .world import fake_jobs, reservation_exchanges

            self.rest = FakeRest(world=fake_jobs(datetime.now(UTC)))
            self.grpc: Any = FakeGrpcServer(reservation_exchanges())
        elif platform:
            from . import platform_fakes as fakes
            from .fake_recorded import with_billing

            self.rest = FakeRest(with_billing())
            served = [*demo_exchanges(), *fakes.budgets(), *fakes.plugin_exchanges()]
            self.grpc = fakes.PlatformGrpcServer(served)
            self.vertex = fakes.vertex_fake()
        else:
            self.rest = FakeRest()
            self.grpc = FakeGrpcServer(demo_exchanges())
        for source in fail:
            if source == "jobs":
                self.rest.inject("list", "403")
            else:
                self.grpc.fault(PRIMARY[source], Fault(code="PERMISSION_DENIED", message="Permission denied"))
        for source in hang:
            if source == "jobs":
                self.rest.slow_seconds = HANG_SECONDS
                self.rest.inject("list", "slow")
            else:
                self.grpc.fault(PRIMARY[source], Fault(kind="sleep", seconds=HANG_SECONDS))
        if monitoring is not None:
            self.grpc.fault(fmt.MON_LIST_TIME_SERIES, _monitoring_faults()[monitoring])

    def __enter__(self) -> Servers:
        """Start both."""
        self.rest.start()
        self.grpc.start()
        if self.vertex is not None:
            self.vertex.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop both."""
        self.rest.stop()
        self.grpc.stop()
        if self.vertex is not None:
            self.vertex.__exit__()

    def config(self, *, timeout: float = 2.0, deadline: float = 2.0) -> str:
        """The config text pointing at these servers."""
        platform = None
        if self.vertex is not None:
            from .platform_fakes import config_lines

            platform = config_lines(self.grpc.address, self.vertex.url)
        return config_text(
            self.rest.url,
            self.grpc.address,
            timeout=timeout,
            deadline=deadline,
            gcp=self.gcp,
            platform=platform,
        )

    @staticmethod
    def config_for(rest_url: str, grpc_address: str, *, timeout: float = 2.0, deadline: float = 2.0) -> str:
        """The config text pointing at any endpoints (e.g. ones that refuse connections)."""
        return config_text(rest_url, grpc_address, timeout=timeout, deadline=deadline)


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted (SIGINT or SIGTERM)."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.contract.serve", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--config-out", type=Path, required=True, help="where to write the config file")
    parser.add_argument("--fail", action="append", default=[], choices=("jobs", *GRPC_SOURCES))
    parser.add_argument("--world", action="store_true", help="serve tests/contract/world.py, not the demo")
    parser.add_argument(
        "--monitoring", choices=("hang", "503", "429"), help="make every Monitoring read fail"
    )
    parser.add_argument("--hang", action="append", default=[], choices=("jobs", *GRPC_SOURCES))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    parser.add_argument(
        "--built-ins", action="store_true", help="only the built-in sources' fakes (no billing, no plugins)"
    )
    args = parser.parse_args(argv)
    platform = not (args.world or args.built_ins)
    with Servers(
        args.fail, world=args.world, monitoring=args.monitoring, hang=args.hang, platform=platform
    ) as servers:
        # generous timeouts: the loopback fakes answer in milliseconds, but a loaded CI machine starting
        # gcpdash and gRPC in other processes can stall a call for seconds
        args.config_out.write_text(servers.config(timeout=10.0, deadline=10.0), encoding="utf-8")
        print(f"serving: bigquery {servers.rest.url}, gRPC {servers.grpc.address}; config {args.config_out}")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
