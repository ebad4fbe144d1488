"""How a registered source's poll joins what the store holds, by its spec's merge kind
(:data:`dashboard.registry.Merge`), for the sources that are not built in (the built-ins' merges are the
store's own).

- ``replace``: the poll's data replaces the last (a full listing);
- ``series``: the same, but its ``series`` (Monitoring points, :class:`~dashboard.series.Series`) are merged
  with those kept, over the store's series window;
- ``incremental``: its ``items`` are merged by the spec's ``key`` with those kept (polls bring what
  changed); the rest of the data is the poll's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import msgspec

from dashboard.registry import SourceSpec
from dashboard.series import merge_series


def merge(spec: SourceSpec, old: Any, new: Any, *, series_window: timedelta) -> Any:
    """``new`` (a poll's data of ``spec``'s source) joined with ``old`` (what the store held, or None).

    Raises:
        TypeError: ``new`` is not the source's data type.
    """
    if not isinstance(new, spec.data):
        raise TypeError(f"a {spec.name} poll carries {type(new).__name__}, not {spec.data.__name__}")
    if old is None or spec.merge == "replace":
        return new
    if spec.merge == "series":
        series = merge_series(old.series, new.series, keep=series_window)
        return msgspec.structs.replace(new, series=series)
    key = spec.key
    if key is None:
        raise TypeError(f"the {spec.name} source merges incrementally but its spec gives no key")
    items = {key(item): item for item in old.items}
    items.update((key(item), item) for item in new.items)
    return msgspec.structs.replace(new, items=tuple(items.values()))


T = TypeVar("T")


def keep_parts(
    old: tuple[T, ...],
    new: tuple[T, ...],
    incomplete: tuple[str, ...],
    part: Callable[[T], str],
    key: Callable[[T], str],
) -> tuple[T, ...]:
    """``new``, plus the items of ``old`` in an ``incomplete`` part that ``new`` does not hold (what the
    store last knew of a part whose listing failed); ``new`` alone when every part answered."""
    if not incomplete:
        return new
    failed = set(incomplete)
    have = {key(item) for item in new}
    return (*new, *(item for item in old if part(item) in failed and key(item) not in have))
