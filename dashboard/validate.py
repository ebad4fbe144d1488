"""Every value a user gives that reaches a URL, a query or a timer is checked here, against Google's
documented format, before it is used; a bad one is a :class:`~dashboard.errors.UsageError` (exit 3) that
names where it came from and the format expected.

- Project ids: "6 to 30 lowercase ASCII letters, digits, or hyphens; it must start with a letter and
  cannot end with a hyphen" (Resource Manager, *Creating and managing projects*), or the older
  domain-scoped form ``example.com:my-project``.
- Regions: ``<area>-<direction><n>`` (``us-central1``, ``europe-west4``, ``northamerica-northeast2``).
- BigQuery locations: a multi-region (``US``, ``EU``) or a region, as :func:`location` reads them.
- Seconds (intervals, timeouts), the replay speed, a moment in time and alert thresholds: finite numbers
  in a range that makes sense, never ``nan``, ``inf`` or a year that overflows.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from dashboard.errors import UsageError

_PROJECT = re.compile(r"^(?:[a-z0-9][a-z0-9.-]{0,61}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$")
PROJECT_FORMAT = (
    "6 to 30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen "
    "(e.g. acme-etl)"
)
_REGION = re.compile(r"^[a-z]{2,}(?:-[a-z]+)+[0-9]{1,2}$")
REGION_FORMAT = "a Google Cloud region such as us-central1 or europe-west4"
_LOCATION = re.compile(r"^(?:[a-z]{2,}|[a-z]{2,}(?:-[a-z]+)+[0-9]{1,2})$")
LOCATION_FORMAT = "a BigQuery location such as US, EU or europe-west4"

MAX_SECONDS = 7 * 24 * 3600.0
"""The longest interval or timeout accepted: a week."""
MAX_SPEED = 100_000.0
"""The fastest replay: a day of recording in under a second."""


def _show(text: str) -> str:
    """User text in a one-line message, controls made visible."""
    from dashboard.views.fmt import safe_line

    return safe_line(text, 80)


def project_id(value: str, *, where: str) -> str:
    """``value`` if it is a project id.

    Raises:
        UsageError: It is not (``../../etc``, ``My Project``, ``p``).
    """
    text = value.strip()
    if not _PROJECT.fullmatch(text):
        raise UsageError(f"{where}: {_show(value)!r} is not a project id: {PROJECT_FORMAT}")
    return text


def region(value: str, *, where: str) -> str:
    """``value`` if it is a Google Cloud region (lowercase).

    Raises:
        UsageError: It is not (empty, ``us central1``, ``US``).
    """
    text = value.strip()
    if not _REGION.fullmatch(text):
        raise UsageError(f"{where}: {_show(value)!r} is not a region: {REGION_FORMAT}")
    return text


def location(value: str, *, where: str) -> str:
    """The lowercase qualifier of a BigQuery location: ``US`` → ``us``, ``region-eu`` → ``eu``,
    ``europe-west4`` → ``europe-west4``.

    Raises:
        UsageError: It is not one (``us central``, ``../x``).
    """
    text = value.strip().lower().removeprefix("region-")
    if not _LOCATION.fullmatch(text):
        raise UsageError(f"{where}: {_show(value)!r} is not a BigQuery location: {LOCATION_FORMAT}")
    return text


def seconds(value: float, *, where: str, minimum: float = 0.0, allow_zero: bool = False) -> float:
    """``value`` if it is a finite number of seconds above ``minimum`` (or equal to 0 when
    ``allow_zero``) and at most a week.

    Raises:
        UsageError: ``-5``, ``0`` where a wait must be positive, ``nan``, ``inf``.
    """
    if allow_zero and value == 0:
        return value
    if not math.isfinite(value) or value <= minimum or value > MAX_SECONDS:
        low = f"more than {minimum:g}" if minimum else "more than 0"
        raise UsageError(f"{where} = {value!r}: give a number of seconds, {low} and at most {MAX_SECONDS:g}")
    return value


def speed(value: float) -> float:
    """The ``--speed`` of a replay.

    Raises:
        UsageError: Not finite, not positive, or faster than :data:`MAX_SPEED`.
    """
    if not math.isfinite(value) or value <= 0 or value > MAX_SPEED:
        raise UsageError(f"--speed {value!r}: give a number more than 0 and at most {MAX_SPEED:g} (e.g. 10)")
    return value


def moment(text: str, *, where: str = "--at") -> datetime:
    """An ISO 8601 moment (``2026-11-26T07:30:00Z``), UTC when it has no offset.

    Raises:
        UsageError: Not such a time, or one that cannot be represented once converted to UTC.
    """
    example = f"give e.g. {where} 2026-11-26T07:30:00Z"
    try:
        parsed = datetime.fromisoformat(text.strip())
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise UsageError(f"{where} {_show(text)!r} is not an ISO 8601 time; {example}") from None


def within(at: datetime, start: datetime, end: datetime, *, where: str = "--at") -> datetime:
    """``at`` if the recording (``start`` to ``end``) covers it.

    Raises:
        UsageError: It lies outside: a snapshot there would show figures nobody recorded.
    """
    if not start <= at <= end:
        span = f"{start:%Y-%m-%dT%H:%M:%SZ} to {end:%Y-%m-%dT%H:%M:%SZ}"
        raise UsageError(f"{where} {at:%Y-%m-%dT%H:%M:%SZ} is outside the recording, which covers {span}")
    return at


def rest_endpoint(url: str, *, anonymous: bool, where: str) -> str:
    """``url``, a REST endpoint (``[endpoints] bigquery``) that never carries a credential in the clear:
    ``https://`` anywhere, ``http://`` only to a loopback host (an emulator, a test's fake server) or with
    ``[auth] anonymous = true`` (no credential to carry). gRPC endpoints are plaintext only for loopback
    hosts by construction (:func:`~dashboard.backends.gcp.endpoints.grpc_target`).

    Raises:
        UsageError: Plain ``http://`` to another host while credentials would be sent, or no scheme.
    """
    from urllib.parse import urlsplit

    from dashboard.backends.gcp.endpoints import is_loopback

    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{where} = {_show(url)!r}: give a URL, https://host[:port] (http:// for loopback)")
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not anonymous:
        raise UsageError(
            f"{where} = {_show(url)!r}: plain http:// to {_show(parts.hostname)} would send your OAuth "
            "token in the clear; use https://, a loopback host (127.0.0.1, ::1, localhost), or "
            "[auth] anonymous = true for an emulator"
        )
    return text


__all__ = [
    "LOCATION_FORMAT",
    "PROJECT_FORMAT",
    "REGION_FORMAT",
    "location",
    "moment",
    "project_id",
    "region",
    "rest_endpoint",
    "seconds",
    "speed",
    "within",
]
