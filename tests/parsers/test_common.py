"""Converters shared by the parsers: timestamps in every wire form, int64 strings, durations, names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.parsers.common import (
    EPOCH,
    FLOAT_EXACT_US,
    Garbage,
    TimeCache,
    int_map,
    items,
    metric_short,
    name_segments,
    opt_epoch_ms,
    opt_int64,
    opt_rfc3339,
    parse_bool,
    parse_bq_timestamp,
    parse_duration,
    parse_epoch_ms,
    parse_epoch_seconds,
    parse_epoch_us,
    parse_int64,
    parse_rfc3339,
    short_name,
)

SIX = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-26T06:00:00Z", SIX),
        ("2026-11-26T06:00:00.5Z", SIX + timedelta(milliseconds=500)),
        ("2026-11-24T18:31:40.118204Z", datetime(2026, 11, 24, 18, 31, 40, 118204, tzinfo=UTC)),
        ("2026-11-24T18:31:40.118204999Z", datetime(2026, 11, 24, 18, 31, 40, 118204, tzinfo=UTC)),
        ("2026-11-26T07:00:00+01:00", SIX),
        ("2026-11-26T06:00:00", SIX),
    ],
)
def test_rfc3339_is_aware_utc(text: str, expected: datetime) -> None:
    parsed = parse_rfc3339(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


def test_rfc3339_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_rfc3339("yesterday")
    assert opt_rfc3339(None) is None
    assert opt_rfc3339("") is None


def test_epoch_milliseconds_as_bigquery_statistics_write_them() -> None:
    assert parse_epoch_ms("1795672800000") == SIX
    assert parse_epoch_ms("1795672821401") == SIX + timedelta(seconds=21, milliseconds=401)
    assert parse_epoch_ms(1795672800000) == SIX
    assert opt_epoch_ms(None) is None
    assert parse_epoch_ms("1795672821401").tzinfo is UTC


def test_epoch_microseconds_exact() -> None:
    assert parse_epoch_us("1795672800000001") == SIX + timedelta(microseconds=1)
    assert parse_epoch_us("0") == EPOCH
    assert parse_epoch_us("-1") == EPOCH - timedelta(microseconds=1)
    # beyond where a float keeps microseconds, and the last instant Python can hold
    for micros in (FLOAT_EXACT_US - 1, FLOAT_EXACT_US, FLOAT_EXACT_US + 1, 253402300799999999):
        assert parse_epoch_us(str(micros)) == EPOCH + timedelta(microseconds=micros)


def test_epoch_microseconds_exact_over_a_range_of_values() -> None:
    step = 1_000_003_417  # odd microseconds, so every sub-second digit is exercised
    for micros in range(1_700_000_000_000_000, 1_700_000_000_000_000 + 2000 * step, step):
        assert parse_epoch_us(str(micros)) == EPOCH + timedelta(microseconds=micros)


def test_float_seconds_and_both_bigquery_timestamp_forms() -> None:
    assert parse_epoch_seconds("1.7956728E9") == SIX
    assert parse_epoch_seconds(1795672800.25) == SIX + timedelta(milliseconds=250)
    assert parse_bq_timestamp("1795672800250000") == SIX + timedelta(milliseconds=250)
    assert parse_bq_timestamp("1.79567280025E9") == SIX + timedelta(milliseconds=250)
    assert parse_bq_timestamp("1795672800.25") == SIX + timedelta(milliseconds=250)
    assert parse_bq_timestamp("1.7956728e9") == SIX
    with pytest.raises(ValueError, match="could not convert"):
        parse_bq_timestamp("noon")


def test_int64_strings_and_numbers() -> None:
    assert parse_int64("9223372036854775807") == 2**63 - 1
    assert parse_int64(42) == 42
    assert parse_int64(42.0) == 42
    assert opt_int64(None) is None
    assert opt_int64("") is None
    for bad in ("4.5", "many"):
        with pytest.raises(ValueError, match="invalid literal"):
            parse_int64(bad)
    with pytest.raises(ValueError, match="expected an integer"):
        parse_int64(4.5)
    with pytest.raises(TypeError):
        parse_int64(True)
    with pytest.raises(TypeError):
        parse_int64([1])  # type: ignore[arg-type]


def test_booleans_from_json_and_from_bigquery_cells() -> None:
    assert parse_bool(True) is True
    assert parse_bool("false") is False
    with pytest.raises(ValueError, match="expected a boolean"):
        parse_bool("yes")


@pytest.mark.parametrize(("text", "seconds"), [("3600s", 3600.0), ("1.5s", 1.5), ("0s", 0.0), ("-2s", -2.0)])
def test_proto_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["3600", "1h", "s", ""])
def test_bad_durations(bad: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(bad)


def test_short_names_of_uris() -> None:
    uri = "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-f/machineTypes/n2-standard-4"
    assert short_name(uri) == "n2-standard-4"
    assert short_name("n2-standard-4") == "n2-standard-4"
    assert short_name("projects/p/zones/europe-west1-d/") == "europe-west1-d"
    assert short_name(None) is None
    assert short_name("") is None


def test_resource_name_segments() -> None:
    name = "projects/acme-admin/locations/US/reservations/adhoc/assignments/123"
    assert name_segments(name, "projects", "locations", "reservations") == ("acme-admin", "US", "adhoc")
    assert name_segments(name, "assignments") == ("123",)
    with pytest.raises(Garbage, match="capacityCommitments"):
        name_segments(name, "capacityCommitments")


def test_maps_and_lists() -> None:
    assert int_map({"yarn-apps-running": "4"}) == {"yarn-apps-running": 4}
    assert int_map(None) == {}
    with pytest.raises(Garbage):
        int_map(["a"])
    assert items({}, "jobs") == []
    assert items({"jobs": [1]}, "jobs") == [1]
    with pytest.raises(Garbage, match="'jobs' is str"):
        items({"jobs": "nope"}, "jobs")


def test_metric_types_lose_their_service_prefix() -> None:
    assert metric_short("dataflow.googleapis.com/job/system_lag") == "job/system_lag"
    assert metric_short("bigquery.googleapis.com/slots/allocated") == "slots/allocated"
    assert metric_short("custom/thing") == "custom/thing"


def test_time_cache_parses_once_and_returns_the_same_object() -> None:
    cache = TimeCache()
    first = cache["2026-11-26T06:00:00Z"]
    assert first == SIX
    assert cache["2026-11-26T06:00:00Z"] is first
    assert len(cache) == 1
