"""One live poll cycle against the loopback fake servers: requests per source and wall time.

A benchmark, not a test: the real Google clients, the fake servers of ``tests/contract`` serving the demo
recording, and the live fetch plus parse of each source.
"""

from __future__ import annotations

import os
import time


def grpc_cycle(*, warm: bool = True) -> dict[str, tuple[int, float]]:
    """One poll of each gRPC source (reservations, Dataproc, Dataflow) against the fake gRPC server.

    The configuration is the demo's: 2 projects, 2 Dataproc regions, 1 reservation admin project and 1
    BigQuery location, Serverless batches listed.

    Args:
        warm: Measure a steady-state poll (the second: channels open, Monitoring windows incremental)
            rather than the first.

    Returns:
        Per source, (requests the server received, wall seconds of fetch and parse).
    """
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    from dashboard.parsers import parse_poll
    from tests.contract.fake_grpc import SOURCES, FakeGrpcServer, demo_clients, demo_polls, fetcher

    out: dict[str, tuple[int, float]] = {}
    with FakeGrpcServer() as fake:
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
                parse_poll(source, fetch(clients, poll.t))  # type: ignore[arg-type]
                out[source] = (len(fake.received), time.perf_counter() - start)
        finally:
            clients.close()
    return out


if __name__ == "__main__":
    for name, (requests, seconds) in grpc_cycle().items():
        print(f"{name:<13} {requests:>3} requests  {seconds * 1000:7.1f} ms")
