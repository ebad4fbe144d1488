"""The documented formats, checked by hand-picked examples: project ids as Resource Manager describes them
(6 to 30 lowercase letters, digits or hyphens, a letter first, no hyphen last; the older domain-scoped
``example.com:proj``), regions, BigQuery locations, and finite, positive seconds."""

from __future__ import annotations

import pytest

from dashboard import validate
from dashboard.errors import UsageError


@pytest.mark.parametrize(
    "good",
    ["acme-etl", "a23456", "a" * 30, "my-project-123", "example.com:analytics", "google.com:bq-test"],
)
def test_project_ids_google_allows(good: str) -> None:
    assert validate.project_id(f" {good} ", where="--project") == good


@pytest.mark.parametrize(
    "bad",
    [
        "../../etc",
        "acme",
        "a" * 31,
        "1acme-etl",
        "acme-etl-",
        "Acme-ETL",
        "acme_etl",
        "acme etl",
        "",
        "acme/x",
        "acme-etl?x=1",
        "acme-etl%2F..",
        "ac\u200dme-etl",
        "acme-etl\nx",
    ],
)
def test_project_ids_google_refuses(bad: str) -> None:
    with pytest.raises(UsageError, match="is not a project id: 6 to 30 lowercase"):
        validate.project_id(bad, where="--project")


@pytest.mark.parametrize("good", ["us-central1", "europe-west4", "northamerica-northeast2", "me-central2"])
def test_regions(good: str) -> None:
    assert validate.region(good, where="--region") == good


@pytest.mark.parametrize("bad", ["", "US", "us central1", "us-central", "../us-central1", "us-central1/x"])
def test_not_regions(bad: str) -> None:
    with pytest.raises(UsageError, match="is not a region"):
        validate.region(bad, where="--region")


@pytest.mark.parametrize(
    ("given", "qualifier"),
    [("US", "us"), ("EU", "eu"), ("region-us", "us"), ("europe-west4", "europe-west4")],
)
def test_locations(given: str, qualifier: str) -> None:
    assert validate.location(given, where="--location") == qualifier


@pytest.mark.parametrize("bad", ["", "us central", "US;DROP", "europe-west4`", "eu/x"])
def test_not_locations(bad: str) -> None:
    with pytest.raises(UsageError, match="is not a BigQuery location"):
        validate.location(bad, where="--location")


@pytest.mark.parametrize("bad", [-5.0, 0.0, float("nan"), float("inf"), 8 * 24 * 3600.0])
def test_seconds_refused(bad: float) -> None:
    with pytest.raises(UsageError, match="give a number of seconds"):
        validate.seconds(bad, where="[intervals] jobs")


def test_seconds_allowed() -> None:
    assert validate.seconds(0.5, where="x") == 0.5
    assert validate.seconds(0.0, where="x", allow_zero=True) == 0.0


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf"), 1e308])
def test_speed_refused(bad: float) -> None:
    with pytest.raises(UsageError, match="--speed"):
        validate.speed(bad)


def test_moments() -> None:
    assert validate.moment("2026-11-26T07:30:00").isoformat() == "2026-11-26T07:30:00+00:00"
    assert validate.moment("2026-11-26T07:30:00-08:00").isoformat() == "2026-11-26T15:30:00+00:00"
    for bad in ("9999-12-31T23:59:59-01:00", "yesterday", "0000-01-01"):
        with pytest.raises(UsageError, match="is not an ISO 8601 time"):
            validate.moment(bad)
