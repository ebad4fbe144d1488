"""Parsers: the APIs' own payloads, as recorded (docs/recording.md), → domain models (dashboard/models.py).

Pure functions, shared by the live backend (which turns each response into the same JSON) and the fixture
backend (which replays recordings), so a recording tests the code production runs. The entry point is
:func:`parse_poll`, which finds each source's parser through its spec (:mod:`dashboard.registry`; the
built-ins' are ``dashboard/sources/<name>/parse*.py``). What the parsers share is here:

- :mod:`~dashboard.parsers.common`: timestamps (RFC 3339, epoch ms/µs, float seconds), int64 strings,
  durations, resource names;
- :mod:`~dashboard.parsers.bqrows`: BigQuery's REST row format;
- :mod:`~dashboard.parsers.monitoring`: Monitoring's time series;
- :mod:`~dashboard.parsers.poll` and :mod:`~dashboard.parsers.faults`: primary and secondary exchanges,
  and the reasons a failed one is reported with (naming the IAM role of :mod:`dashboard.iam`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from dashboard.models import SourceData, SourceName
from dashboard.parsers.poll import PollContext
from dashboard.recording.format import Exchange

__all__ = ["parse_poll"]

Parser = Callable[[Sequence[Exchange], PollContext], SourceData]
_PARSERS: dict[str, Parser] = {}
"""The parsers imported so far, by source (its spec's ``parse``)."""


def _parser(source: str) -> Parser:
    found = _PARSERS.get(source)
    if found is None:
        from dashboard import registry

        spec = registry.spec(source)
        if spec is None:
            raise ValueError(f"unknown source {source!r}; expected one of {', '.join(registry.names())}")
        found = _PARSERS[source] = spec.load_parse()
    return found


def parse_poll(source: SourceName, exchanges: Sequence[Exchange]) -> SourceData:
    """One poll of one source → that source's data.

    Args:
        source: ``jobs``, ``reservations``, ``dataproc``, ``dataflow``, ``billing`` or another registered
            source (:mod:`dashboard.registry`: its spec's ``parse``).
        exchanges: Every exchange of the poll, in the order they happened (all pages, errors included).
            Exchanges of methods the source does not use are ignored.

    Returns:
        :class:`~dashboard.models.JobsData`, :class:`~dashboard.models.ReservationsData`,
        :class:`~dashboard.models.DataprocData`, :class:`~dashboard.models.DataflowData` or
        :class:`~dashboard.models.BillingData`. What a
        secondary exchange (Monitoring, the history query, commitments, assignments) could not deliver is
        said in its ``warnings``; missing Monitoring metrics are also summed up in one line, the data's
        ``metrics_unavailable``.

    Raises:
        SourceError: A primary listing (``jobs.list``, ``ListReservations``, ``ListClusters``,
            ``AggregatedListJobs``) failed, or a response is not the shape its API documents. The reason is
            short and actionable: a denied call names the IAM role it needs.
        ValueError: ``source`` is not a registered source.
    """
    return _parser(source)(exchanges, PollContext(source))
