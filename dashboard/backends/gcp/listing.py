"""The moment a poll's primary listing is read, before its Monitoring reads: the app shows the listing at
once and the metrics when they come (a slow Monitoring delays only the metric columns).

The poller sets a hook for the thread that fetches a source (:func:`on_listing`);
:func:`~dashboard.backends.gcp.grpc_monitoring.read_metrics` calls :func:`listed` with the exchanges read
so far before its first ``ListTimeSeries``. Without a hook (``--once``, ``--record``) nothing happens: the
poll's exchanges stay one poll, as recordings hold them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from dashboard.recording.format import Exchange

Hook = Callable[[list[Exchange]], None]

_local = threading.local()


@contextmanager
def on_listing(hook: Hook) -> Iterator[None]:
    """Call ``hook`` with the listing's exchanges when a fetch in this thread reaches its metrics."""
    previous: Hook | None = getattr(_local, "hook", None)
    _local.hook = hook
    try:
        yield
    finally:
        _local.hook = previous


def listed(exchanges: Sequence[Exchange]) -> None:
    """The listing is read (``exchanges``, so far): tell this thread's hook, if any."""
    hook: Hook | None = getattr(_local, "hook", None)
    if hook is not None:
        hook(list(exchanges))
