"""Endpoint selection for the gRPC services: Google's (regional for Dataproc) by default, overrides
plaintext only on loopback."""

from __future__ import annotations

import pytest

from dashboard.backends.gcp.endpoints import GrpcTarget, grpc_target, is_loopback, split_host_port


@pytest.mark.parametrize(
    ("service", "region", "expected"),
    [
        ("dataproc", "us-central1", "us-central1-dataproc.googleapis.com:443"),
        ("dataproc", "europe-west1", "europe-west1-dataproc.googleapis.com:443"),
        ("monitoring", None, "monitoring.googleapis.com:443"),
        ("reservation", None, "bigqueryreservation.googleapis.com:443"),
        ("dataflow", "us-central1", "dataflow.googleapis.com:443"),
    ],
)
def test_default_endpoints_are_googles_over_tls(service: str, region: str | None, expected: str) -> None:
    assert grpc_target(service, None, region) == GrpcTarget(address=expected, insecure=False)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("127.0.0.1:9060", GrpcTarget("127.0.0.1:9060", insecure=True)),
        ("localhost:9060", GrpcTarget("localhost:9060", insecure=True)),
        ("[::1]:9060", GrpcTarget("[::1]:9060", insecure=True)),
        ("http://127.0.0.1:9060/", GrpcTarget("127.0.0.1:9060", insecure=True)),
        ("127.0.0.2:9060", GrpcTarget("127.0.0.2:9060", insecure=True)),
        ("10.0.0.5:9060", GrpcTarget("10.0.0.5:9060", insecure=False)),
        ("dataproc.p.example.com", GrpcTarget("dataproc.p.example.com:443", insecure=False)),
        ("https://localhost.example.com:8443", GrpcTarget("localhost.example.com:8443", insecure=False)),
    ],
)
def test_overrides_are_plaintext_only_on_loopback(override: str, expected: GrpcTarget) -> None:
    assert grpc_target("dataproc", override, "us-central1") == expected


def test_a_region_placeholder_in_an_override_is_filled() -> None:
    target = grpc_target("dataproc", "{region}-dataproc.p.example.com:443", "asia-east1")
    assert target == GrpcTarget("asia-east1-dataproc.p.example.com:443", insecure=False)


def test_dataproc_without_a_region_and_empty_overrides_are_refused() -> None:
    with pytest.raises(ValueError, match="needs a region"):
        grpc_target("dataproc")
    with pytest.raises(ValueError, match="empty"):
        grpc_target("monitoring", "  ")


def test_host_and_port_parsing() -> None:
    assert split_host_port("[::1]:9060") == ("::1", 9060)
    assert split_host_port("host:80") == ("host", 80)
    assert split_host_port("host") == ("host", None)
    assert split_host_port("::1") == ("::1", None)
    assert is_loopback("LOCALHOST")
    assert is_loopback("127.8.9.1")
    assert not is_loopback("localhost.example.com")
    assert not is_loopback("192.168.1.1")
