"""Which function fetches each source live: its spec's ``fetch`` (:mod:`dashboard.registry`;
``dashboard/sources/<name>/api.py`` for the built-ins), imported on first use so a source whose module is
missing is only that source unavailable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from dashboard.errors import SourceError
from dashboard.recording.format import Exchange

if TYPE_CHECKING:
    from dashboard.backends.gcp.context import FetchContext

Fetch = Callable[["FetchContext", datetime], list[Exchange]]
"""``fetch(ctx, t)``: read a source once at poll time ``t``; its exchanges in the order they happened."""


def fetcher(source: str) -> Fetch:
    """The live fetch of ``source``.

    Raises:
        SourceError: The source has no live fetch in this build (``UNIMPLEMENTED``).
    """
    from dashboard import registry

    spec = registry.spec(source)
    try:
        if spec is None:
            raise LookupError(source)
        return spec.load_fetch()
    except (ImportError, AttributeError, LookupError) as exc:
        raise SourceError(f"{source}: no live reader in this build of gcpdash", code="UNIMPLEMENTED") from exc
