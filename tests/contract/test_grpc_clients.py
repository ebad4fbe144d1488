"""``make_clients``: which endpoint and channel each client gets, and the error exchanges calls end in."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.backends.gcp.grpc_clients import CallPolicy, error_of, make_clients
from dashboard.config import AuthConfig, Config, EndpointsConfig, GcpConfig
from dashboard.errors import UsageError
from dashboard.recording.format import ExchangeError


def test_default_endpoints_are_googles_with_a_dataproc_client_per_region() -> None:
    config = Config(
        gcp=GcpConfig(projects=["p"], regions=["us-central1", "asia-east1"]), auth=AuthConfig(anonymous=True)
    )
    clients = make_clients(config)
    try:
        assert {r: c.transport._host for r, c in clients.dataproc.items()} == {
            "us-central1": "us-central1-dataproc.googleapis.com:443",
            "asia-east1": "asia-east1-dataproc.googleapis.com:443",
        }
        assert clients.batches is not None
        assert clients.batches["asia-east1"].transport._host == "asia-east1-dataproc.googleapis.com:443"
        assert clients.monitoring.transport._host == "monitoring.googleapis.com:443"
        assert clients.reservation.transport._host == "bigqueryreservation.googleapis.com:443"
        assert clients.dataflow.transport._host == "dataflow.googleapis.com:443"
        assert type(clients.monitoring.transport._credentials).__name__ == "AnonymousCredentials"
        assert clients.channels == []
        assert clients.admin_projects == ("p",)
        assert clients.locations == ("US",)
    finally:
        clients.close()


def test_loopback_overrides_share_one_plaintext_channel() -> None:
    address = "127.0.0.1:9"
    config = Config(
        gcp=GcpConfig(projects=["p1", "p2"], reservation_admin_projects=["admin"]),
        endpoints=EndpointsConfig(
            reservation=address, dataproc=address, dataflow=address, monitoring=address
        ),
    )
    clients = make_clients(config, projects=["p3"], policy=CallPolicy(timeout=1.0), batches=False)
    try:
        assert len(clients.channels) == 1
        assert clients.projects == ("p3",)
        assert clients.admin_projects == ("admin",)
        assert clients.batches is None
        assert clients.policy.timeout == 1.0
        assert clients.dataproc["us-central1"].transport.grpc_channel is clients.channels[0]
    finally:
        clients.close()


def test_no_project_or_a_bad_endpoint_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no project to watch"):
        make_clients(Config(auth=AuthConfig(anonymous=True)))
    bad = Config(
        gcp=GcpConfig(projects=["p"]),
        endpoints=EndpointsConfig(dataflow=" "),
        auth=AuthConfig(anonymous=True),
    )
    with pytest.raises(UsageError, match=r"\[endpoints\] dataflow"):
        make_clients(bad)


def test_missing_credentials_say_how_to_get_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(UsageError, match="gcloud auth application-default login"):
        make_clients(Config(gcp=GcpConfig(projects=["p"])))


def test_call_failures_become_error_exchanges() -> None:
    from google.api_core import exceptions as gexc

    assert error_of(gexc.PermissionDenied("no")) == ExchangeError(code="PERMISSION_DENIED", message="no")
    retried = gexc.RetryError("Timeout of 1.0s exceeded", gexc.ServiceUnavailable("down"))
    assert error_of(retried) == ExchangeError(
        code="UNAVAILABLE", message="down (still failing after retries)"
    )
    assert error_of(gexc.RetryError("Timeout", None)).code == "DEADLINE_EXCEEDED"
    assert error_of(ValueError("bad bytes")) == ExchangeError(code="UNKNOWN", message="ValueError: bad bytes")
    refused = gexc.ServiceUnavailable(
        "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1: "
        "Failed to connect to remote host: Connection refused"
    )
    assert error_of(refused).message == "cannot connect to 127.0.0.1:1: Connection refused"


def test_the_retry_is_bounded_and_only_for_transient_codes() -> None:
    from google.api_core import exceptions as gexc

    retry = CallPolicy(retry_deadline=3.0).retry()
    assert retry._timeout == 3.0
    assert retry._predicate(gexc.ServiceUnavailable("x"))
    assert retry._predicate(gexc.DeadlineExceeded("x"))
    # a quota error is not retried within the call: the poll backs off
    assert not retry._predicate(gexc.ResourceExhausted("x"))
    assert not retry._predicate(gexc.PermissionDenied("x"))
    assert not retry._predicate(gexc.InternalServerError("x"))
    # three attempts at most: the third failure is not retried, and says so once it becomes an error
    retry = CallPolicy(retry_deadline=3.0).retry()
    assert retry._predicate(gexc.ServiceUnavailable("x"))
    assert retry._predicate(gexc.ServiceUnavailable("x"))
    last = gexc.ServiceUnavailable("down")
    assert not retry._predicate(last)
    assert error_of(last).message == "down (still failing after retries)"


def test_monitoring_windows() -> None:
    from datetime import UTC, datetime, timedelta

    from dashboard.backends.gcp.grpc_monitoring import window

    t = datetime(2026, 11, 26, 6, 0, 30, 123456, tzinfo=UTC)
    whole = t.replace(microsecond=0)
    assert window(None, t) == (whole - timedelta(hours=1), whole)
    assert window(whole - timedelta(seconds=30), t) == (whole - timedelta(minutes=3, seconds=30), whole)
    # A long outage: never more than the first window back.
    assert window(whole - timedelta(hours=5), t) == (whole - timedelta(hours=1), whole)
    # A clock that went back: still a window that ends after it starts.
    assert window(whole + timedelta(hours=1), t) == (whole - timedelta(minutes=3), whole)
