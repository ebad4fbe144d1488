"""One live poll cycle against the loopback fake servers: requests per source and wall time.

A benchmark, not a test: the real Google clients, the fake servers of ``tests/contract`` serving the demo
recording, and the live fetch plus parse of each source.
"""

from __future__ import annotations

import os
import time


def grpc_cycle(*, warm: bool = True, latency: float = 0.0) -> dict[str, tuple[int, float]]:
    """One poll of each gRPC source (reservations, Dataproc, Dataflow) against the fake gRPC server.

    The configuration is the demo's: 2 projects, 2 Dataproc regions, 1 reservation admin project and 1
    BigQuery location, Serverless batches listed.

    Args:
        warm: Measure a steady-state poll (the second: channels open, Monitoring windows incremental)
            rather than the first.
        latency: Seconds the server waits before each answer, to stand in for a round trip to Google.

    Returns:
        Per source, (requests the server received, wall seconds of fetch and parse).
    """
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    from dashboard.parsers import parse_poll
    from tests.contract.fake_grpc import SOURCES, FakeGrpcServer, demo_clients, demo_polls, fetcher

    out: dict[str, tuple[int, float]] = {}
    with FakeGrpcServer() as fake:
        fake.latency = latency
        clients = demo_clients(fake.address)
        try:
            for source in SOURCES:
                polls = iter(demo_polls(source))
                poll = next(polls)
                fetch = fetcher(source)
                if warm:
                    fake.serve(poll.exchanges)
                    fetch(clients, poll.t)
                    poll = next(polls)
                fake.serve(poll.exchanges)
                fake.received.clear()
                start = time.perf_counter()
                parse_poll(source, fetch(clients, poll.t))
                out[source] = (len(fake.received), time.perf_counter() - start)
        finally:
            clients.close()
    return out


def bigquery_cycle(*, warm: bool = True) -> tuple[int, int, float]:
    """One poll of the BigQuery jobs source against the fake REST server (2 projects, location US).

    Args:
        warm: Measure a poll after a first one (client made, one history query already run).

    Returns:
        (requests the server received, billed queries among them, wall seconds of fetch and parse).
    """
    from datetime import UTC, datetime, timedelta

    from dashboard.backends.gcp.live import LiveBackend
    from tests.contract.fake_rest import FakeRest, bq_config

    class _Clock:
        at = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

        def now(self) -> datetime:
            return self.at

    clock = _Clock()
    with FakeRest() as fake:
        backend = LiveBackend(bq_config(fake.url), clock)
        try:
            if warm:
                backend.poll("jobs")
                clock.at += timedelta(seconds=60)  # the next project's history is due
                fake.log.clear()
            start = time.perf_counter()
            backend.poll("jobs")
            seconds = time.perf_counter() - start
        finally:
            backend.close()
        billed = sum(1 for r in fake.log if r.method == "POST")
        return len(fake.log), billed, seconds


def whole_cycle() -> tuple[dict[str, int], int, float, str]:
    """One poll cycle of every source through the live backend, in parallel, against both fake servers
    (the demo's 2 projects, 2 regions, 1 location), plus the monthly polling cost ``--check`` computes.

    Returns:
        (requests per source, billed queries, wall seconds of the cycle, the polling cost as a sentence).
    """
    import tempfile
    from pathlib import Path

    from dashboard.backends.gcp.check import polling_cost
    from dashboard.backends.gcp.live import LiveBackend
    from dashboard.backends.gcp.once import poll_all
    from dashboard.config import load_config
    from dashboard.models import SourceName
    from dashboard.recording import format as fmt
    from tests.contract.serve import Servers

    grpc_sources: tuple[SourceName, ...] = ("reservations", "dataproc", "dataflow")
    with Servers() as servers, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fake.toml"
        path.write_text(servers.config(), encoding="utf-8")
        config = load_config(path, env={})
        backend = LiveBackend(config)
        try:
            start = time.perf_counter()
            polls = poll_all(backend)
            seconds = time.perf_counter() - start
        finally:
            backend.close()
        failed = [p.source for p in polls if p.data is None]
        counts = {"jobs": len(servers.rest.log)}
        for source in grpc_sources:
            exchanges = [ex for ex in backend.last_exchanges.get(source, []) if ex.api == "grpc"]
            counts[source] = len(exchanges)
        counts["monitoring (in the above)"] = sum(
            1
            for source in grpc_sources
            for ex in backend.last_exchanges.get(source, [])
            if ex.method == fmt.MON_LIST_TIME_SERIES
        )
        billed = sum(1 for r in servers.rest.log if r.method == "POST")
        cost = polling_cost(config, len(config.gcp.projects))
        sentence = (
            f"{cost.queries_per_location:,.0f} history queries/month/location x {cost.locations}, "
            f">= {cost.bytes_billed / 1024**3:,.1f} GiB billed = ${cost.usd:,.2f}/month on demand"
        )
        if failed:
            sentence += f" (failed: {', '.join(failed)})"
        return counts, billed, seconds, sentence
