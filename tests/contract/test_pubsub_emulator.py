"""``$PUBSUB_EMULATOR_HOST``, as Google's client libraries honour it (``host:port``, plaintext, no
credentials): with no ``[sources.pubsub] endpoint`` the live fetch reaches the fake Pub/Sub server
(tests/contract/fake_pubsub.py) it names, with the real Publisher and Subscriber clients."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.gcp.endpoints import GrpcTarget
from dashboard.config import load_config
from dashboard.errors import SourceError, UsageError
from dashboard.parsers.poll import PollContext
from dashboard.sources.pubsub import api
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS, LIST_TOPICS
from dashboard.sources.pubsub.parse import parse_pubsub

from .fake_pubsub import ANALYTICS, ETL, T0, FakePubsubServer, world

pytestmark = pytest.mark.timeout(60)
NOW = T0 + timedelta(minutes=16)


@pytest.fixture
def fake() -> Iterator[FakePubsubServer]:
    with FakePubsubServer(world()) as server:
        yield server


def context(tmp_path: Path, monitoring: str, pubsub: str = "") -> FetchContext:
    """A live context for the two projects, anonymous, Monitoring on ``monitoring``; ``[sources.pubsub]``
    with ``endpoint = pubsub`` when given, else with no endpoint."""
    path = tmp_path / "gcpdash.toml"
    path.write_text(
        "[gcp]\n"
        f'projects = ["{ANALYTICS}", "{ETL}"]\n'
        "[endpoints]\n"
        f'monitoring = "{monitoring}"\n'
        "[auth]\n"
        "anonymous = true\n"
        "[timeouts]\n"
        "call = 2.0\n"
        "retry_deadline = 2.0\n"
        "[sources.pubsub]\n" + (f'endpoint = "{pubsub}"\n' if pubsub else "interval = 60\n"),
        encoding="utf-8",
    )
    return FetchContext(load_config(path, env={}))


def test_the_emulator_variable_alone_points_the_live_fetch_at_the_fake(
    fake: FakePubsubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", fake.address)  # 127.0.0.1:<port>
    ctx = context(tmp_path, monitoring=fake.address)
    try:
        exchanges = api.fetch(ctx, NOW)
        made = ctx.state["pubsub"]
        assert isinstance(made, api.PubsubClients)
    finally:
        ctx.close()
    assert [e for e in exchanges if e.error is not None] == []
    # both projects listed over the emulator's plaintext channel, the second project's two pages
    assert sorted(r["project"] for r in fake.requests(LIST_TOPICS)) == [
        f"projects/{ANALYTICS}",
        f"projects/{ETL}",
    ]
    assert len(fake.requests(LIST_SUBSCRIPTIONS)) == 1 + 2
    data = parse_pubsub(exchanges, PollContext("pubsub"))
    # acme-analytics: events-sub; acme-etl: events-sub, events-to-bq, events-push, events-archive
    assert sorted(s.key for s in data.subscriptions) == [
        "acme-analytics/events-sub",
        "acme-etl/events-archive",
        "acme-etl/events-push",
        "acme-etl/events-sub",
        "acme-etl/events-to-bq",
    ]


def test_a_configured_endpoint_wins_over_the_variable(
    fake: FakePubsubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the variable names a loopback port nothing listens on; the config's endpoint is the fake
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", "127.0.0.1:9")
    ctx = context(tmp_path, monitoring=fake.address, pubsub=fake.address)
    try:
        exchanges = api.fetch(ctx, NOW)
    finally:
        ctx.close()
    assert [e for e in exchanges if e.error is not None] == []
    assert len(fake.requests(LIST_TOPICS)) == 2


def test_anonymous_without_endpoint_or_variable_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", "  ")  # blank: not set
    ctx = context(tmp_path, monitoring="127.0.0.1:9")
    try:
        with pytest.raises(SourceError, match="PUBSUB_EMULATOR_HOST") as raised:
            api.fetch(ctx, NOW)
    finally:
        ctx.close()
    assert raised.value.code == "CONFIG"


def test_the_variable_is_read_as_host_and_port() -> None:
    assert api.emulator_host({"PUBSUB_EMULATOR_HOST": " localhost:8085 "}) == "localhost:8085"
    assert api.emulator_host({"PUBSUB_EMULATOR_HOST": ""}) is None
    assert api.emulator_host({}) is None


def test_where_the_clients_connect() -> None:
    # a docker-compose name, not loopback: plaintext all the same, as Google's libraries reach an emulator
    assert api.pubsub_target(None, "pubsub-emulator:8085") == GrpcTarget(
        "pubsub-emulator:8085", insecure=True
    )
    # a configured endpoint wins, plaintext only on loopback
    assert api.pubsub_target("127.0.0.1:9085", "pubsub-emulator:8085") == GrpcTarget("127.0.0.1:9085", True)
    assert api.pubsub_target("pubsub.p.example.com", "pubsub-emulator:8085") == GrpcTarget(
        "pubsub.p.example.com:443", insecure=False
    )
    # neither: Google's, over TLS
    assert api.pubsub_target(None, None) == GrpcTarget("pubsub.googleapis.com:443", insecure=False)
    with pytest.raises(UsageError, match=r"^\$PUBSUB_EMULATOR_HOST: the pubsub endpoint is empty"):
        api.pubsub_target(None, "http://")


def test_an_emulator_gets_a_plaintext_channel_and_no_credentials(fake: FakePubsubServer) -> None:
    from .fake_grpc import demo_clients

    def no_credentials() -> object:
        raise AssertionError("an emulator is reached without credentials")

    shared = demo_clients(fake.address, timeout=2.0, retry_deadline=2.0)
    before = len(shared.channels)
    try:
        made = api.make_clients(shared, None, no_credentials, emulator=fake.address)
        # one plaintext channel shared by the Publisher and the Subscriber, and it answers
        assert len(shared.channels) == before + 1
        exchanges = api.fetch_pubsub(made, NOW)
    finally:
        shared.close()
    assert [e for e in exchanges if e.error is not None] == []
