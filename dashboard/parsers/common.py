"""Small, fast converters shared by every parser: wire timestamps, int64 strings, durations, resource names.

The APIs write the same things in several ways: proto JSON timestamps as RFC 3339
(``"2026-11-26T06:00:00Z"``), BigQuery's REST statistics as epoch milliseconds in strings
(``"1795672821401"``), BigQuery row cells as epoch microseconds in strings (``"1795669447704000"``, with
``formatOptions.useInt64Timestamp``) or, in the older form, float seconds (``"1.7326E9"``). Every datetime
returned here is timezone-aware UTC.

These functions raise ``ValueError``, ``TypeError`` or ``OverflowError`` on garbage; the per-exchange
reader in :mod:`dashboard.parsers.poll` turns that into a :class:`~dashboard.errors.SourceError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

FLOAT_EXACT_US = 2**33 * 1_000_000
"""Below 2**33 seconds (the year 2242) in microseconds, ``micros / 1e6`` keeps microsecond precision: half
an ulp of the seconds stays under half a microsecond."""

_fromisoformat = datetime.fromisoformat
_fromtimestamp = datetime.fromtimestamp


class Garbage(ValueError):
    """A payload that is not the shape its API documents (a list where an object belongs, and so on)."""


def parse_rfc3339(value: str) -> datetime:
    """An RFC 3339 timestamp as proto JSON writes it (``Z``, 0 to 9 fractional digits) → aware UTC.

    Args:
        value: E.g. ``"2026-11-24T18:31:40.118204Z"``; an explicit offset is converted to UTC.

    Raises:
        ValueError: Not a timestamp.
        TypeError: Not a string.
    """
    parsed = _fromisoformat(value)
    tz = parsed.tzinfo
    if tz is UTC:
        return parsed
    if tz is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_epoch_ms(value: str | int) -> datetime:
    """Epoch milliseconds (BigQuery ``statistics.creationTime``, an int64 as a string) → aware UTC."""
    return _fromtimestamp(int(value) / 1000, UTC)


def parse_epoch_us(value: str | int) -> datetime:
    """Epoch microseconds (a BigQuery TIMESTAMP cell with ``useInt64Timestamp``) → aware UTC, exactly.

    ``int / 1e6`` is exact to the microsecond until the year 2242 (half an ulp of the seconds stays under
    half a microsecond) and ``fromtimestamp`` rounds to the nearest; beyond that a timedelta is exact.
    """
    micros = int(value)
    if -FLOAT_EXACT_US < micros < FLOAT_EXACT_US:
        return _fromtimestamp(micros / 1e6, UTC)
    return EPOCH + timedelta(microseconds=micros)


def parse_epoch_seconds(value: str | float) -> datetime:
    """Float epoch seconds (the older BigQuery TIMESTAMP cell form, ``"1.7326E9"``) → aware UTC."""
    return _fromtimestamp(float(value), UTC)


def parse_bq_timestamp(value: str) -> datetime:
    """A BigQuery REST TIMESTAMP cell in either form: integer microseconds, or float seconds."""
    try:
        micros = int(value)
    except ValueError:
        return _fromtimestamp(float(value), UTC)
    if -FLOAT_EXACT_US < micros < FLOAT_EXACT_US:
        return _fromtimestamp(micros / 1e6, UTC)
    return EPOCH + timedelta(microseconds=micros)


def opt_rfc3339(value: str | None) -> datetime | None:
    """:func:`parse_rfc3339`, or None for a missing or empty value."""
    return parse_rfc3339(value) if value else None


def opt_epoch_ms(value: str | int | None) -> datetime | None:
    """:func:`parse_epoch_ms`, or None for a missing or empty value."""
    return parse_epoch_ms(value) if value else None


def parse_int64(value: str | int | float) -> int:
    """An int64 as proto JSON and BigQuery write it (a string), or a plain JSON number.

    Raises:
        ValueError: Not an integer (a float with a fraction, a word).
        TypeError: Not a string or a number.
    """
    if isinstance(value, str):
        return int(value)
    if isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"expected an integer, got {value!r}")
        return int(value)
    if isinstance(value, int):
        return value
    raise TypeError(f"expected an integer, got {type(value).__name__}")


def opt_int64(value: str | int | float | None) -> int | None:
    """:func:`parse_int64`, or None for a missing or empty value."""
    return None if value is None or value == "" else parse_int64(value)


def parse_bool(value: bool | str) -> bool:
    """A JSON boolean, or BigQuery's ``"true"``/``"false"`` cell."""
    if value is True or value is False:
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise ValueError(f"expected a boolean, got {value!r}")


def opt_bool(value: bool | str | None) -> bool | None:
    """:func:`parse_bool`, or None for a missing value."""
    return None if value is None else parse_bool(value)


def parse_duration(value: str) -> float:
    """A proto JSON duration (``"3600s"``, ``"1.5s"``, ``"-2s"``) → seconds.

    Raises:
        ValueError: Not a duration.
    """
    if isinstance(value, str) and value.endswith("s"):
        try:
            return float(value[:-1])
        except ValueError:
            pass
    raise ValueError(f"not a duration: {value!r}")


def opt_duration(value: str | None) -> float | None:
    """:func:`parse_duration`, or None for a missing or empty value."""
    return parse_duration(value) if value else None


def short_name(uri: str | None) -> str | None:
    """The last segment of a resource URI: a machine type URI → ``n2-standard-4``, a zone URI → the zone.

    ``https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-f/machineTypes/n2-standard-4`` and
    the bare ``n2-standard-4`` both give ``n2-standard-4``.
    """
    if not uri:
        return None
    return uri.rstrip("/").rsplit("/", 1)[-1] or None


def name_segments(name: str, *collections: str) -> tuple[str, ...]:
    """The ids that follow each collection in a resource name, in the order asked.

    ``name_segments("projects/a/locations/US/reservations/prod", "projects", "locations", "reservations")``
    is ``("a", "US", "prod")``.

    Raises:
        Garbage: The name lacks one of the collections.
    """
    parts = name.split("/")
    found: dict[str, str] = {}
    for i in range(0, len(parts) - 1, 2):
        found.setdefault(parts[i], parts[i + 1])
    try:
        return tuple(found[c] for c in collections)
    except KeyError as exc:
        raise Garbage(f"resource name {name!r} has no {exc.args[0]!r} segment") from None


def str_map(value: Any) -> dict[str, str]:
    """A ``map<string,string>`` (labels): a dict of strings, or empty for a missing one.

    Raises:
        Garbage: Not an object.
    """
    if not value:
        return {}
    if not isinstance(value, dict):
        raise Garbage(f"expected an object of labels, got {type(value).__name__}")
    return value


def int_map(value: Any) -> dict[str, int]:
    """A ``map<string,int64>`` (Dataproc metrics): values as ints, or empty for a missing one.

    Raises:
        Garbage: Not an object.
    """
    if not value:
        return {}
    if not isinstance(value, dict):
        raise Garbage(f"expected an object of counters, got {type(value).__name__}")
    return {k: int(v) for k, v in value.items()}


def items(container: Mapping[str, Any], key: str) -> list[Any]:
    """The list under ``key`` of a response (missing means empty, as proto JSON omits empty lists).

    Raises:
        Garbage: The value is not a list.
    """
    value = container.get(key)
    if value is None:
        return []
    if type(value) is not list:
        raise Garbage(f"{key!r} is {type(value).__name__}, expected a list")
    return value


def obj(value: Any, what: str) -> dict[str, Any]:
    """``value`` if it is a JSON object, else :class:`Garbage` naming ``what`` it should have been."""
    if type(value) is not dict:
        raise Garbage(f"{what} is {type(value).__name__}, expected an object")
    return value


class TimeCache(dict[str, datetime]):
    """RFC 3339 strings already parsed in one poll, e.g. the minute marks every Monitoring series repeats.

    Make one per poll (never a global): ``cache[text]`` parses on first sight.
    """

    def __missing__(self, key: str) -> datetime:
        value = parse_rfc3339(key)
        self[key] = value
        return value


def metric_short(metric_type: str) -> str:
    """A Monitoring metric type without its service prefix: ``dataflow.googleapis.com/job/system_lag`` →
    ``job/system_lag``."""
    head, sep, tail = metric_type.partition("/")
    return tail if sep and "." in head else metric_type
