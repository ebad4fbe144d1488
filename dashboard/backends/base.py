"""The backend contract: where a source's data comes from (live APIs, a recording, a plugin).

Backends are synchronous, like the Google clients: the poller runs them in worker threads. They return
domain models only, and report a failed read by returning a :class:`Poll` whose ``error`` is set, never by
raising past ``poll``.

A backend registers in the entry-point group ``gcpdash.backends`` as a callable ``create(options) ->
Backend`` (options: its ``[backend.options]``, checked against its ``OPTIONS``, plus ``config`` and
``clock``) and is chosen with ``--backend NAME`` (:mod:`dashboard.backends.named`); docs/plugins.md
documents the whole contract with an example.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import msgspec

from dashboard.models import SourceData, SourceName

if TYPE_CHECKING:
    from collections.abc import Mapping

    from dashboard.sources.jobs.paging import Cursor, JobPage


class Poll(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of asking one source once: its data, or why there is none."""

    source: SourceName
    t: datetime
    """When the poll ran (recorded time for a replay)."""
    data: SourceData | None = None
    error: str | None = None
    """A reason a person can act on, e.g. ``403 accessDenied: needs roles/bigquery.resourceViewer``."""
    error_code: str | None = None
    number: int = 0
    """The recording's poll number, 0 for live polls."""
    partial: bool = False
    """Only the listing of a poll whose Monitoring reads are still running (the live app shows it at
    once); the whole poll, with its metrics and warnings, follows as a Poll of its own."""


@runtime_checkable
class Backend(Protocol):
    """A source of polls. One instance serves every source it lists."""

    name: str
    """``live``, ``fixture`` or a plugin's name."""

    def sources(self) -> tuple[SourceName, ...]:
        """The sources this backend can poll."""
        ...

    def poll(self, source: SourceName) -> list[Poll]:
        """Read ``source`` now. A live backend returns one Poll; a replaying one returns every recorded
        poll that has come due on its clock since the last call (possibly none)."""
        ...

    def close(self) -> None:
        """Release clients and files."""
        ...


@runtime_checkable
class SupportsRaw(Protocol):
    """Optional: a backend that can show the API payload an item came from (the app's ``y`` key)."""

    def raw(self, kind: str, key: str) -> dict[str, Any] | None:
        """The newest API payload item for one thing, or None when there is none.

        Args:
            kind: ``job``, ``reservation``, ``cluster`` or ``dataflow``.
            key: The item's key as the views key it: ``project:LOCATION.job_id``,
                ``admin-project:LOCATION.reservation``, ``project/region/cluster``,
                ``project/location/job_id``.
        """
        ...


@runtime_checkable
class SupportsJobPages(Protocol):
    """Optional: a backend that can read further jobs on demand (organisation mode's jobs pane, ``m``)."""

    def job_page(
        self, since: datetime, after: Mapping[str, Cursor | None], size: int = ...
    ) -> JobPage | None:
        """The next ``size`` finished jobs (by default a page, 500) of each location in ``after`` (its
        cursor; None: the first page), created since ``since``; None when this backend cannot read
        pages (:mod:`dashboard.sources.jobs.paging`)."""
        ...
