"""One copy of the values that repeat across jobs, so 100,000 jobs do not hold 100,000 copies of each.

A decoder makes a new string for every occurrence of a value: each job's project, principal, location,
state and statement type, its SQL (a dashboard runs the same query all day), its labels, its destination
table. The jobs parsers pass those through here so that equal values become the same object: with the
large benchmark recording, the jobs took 160 MiB of which two thirds were such copies.

- :func:`name` interns (:func:`sys.intern`) values from small sets: projects, locations, states, types,
  principals, reservations, editions, error reasons. Their number is bounded by the platform, not by time.
- :func:`text` and :func:`labels` share values that can be unique (SQL, error messages, labels,
  destination tables, parent job ids) through a bounded cache: the newest values are remembered, older
  ones forgotten in bulk once it is full, so a long-running app never accumulates what the store dropped.

Shared values are read-only like the frozen jobs holding them: never mutate a job's ``labels``. Safe from
several threads (the dict operations are atomic; a race at worst makes two copies).
"""

from __future__ import annotations

import sys
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

TEXT_CHARS = 16_000_000
"""How many characters of texts the cache keeps referring to at most (per generation, two generations)."""
LABEL_SETS = 20_000
"""How many distinct label sets the cache remembers (per generation)."""

NO_LABELS: dict[str, str] = {}
"""The one empty label map of every job without labels."""


class SharedCache(Generic[K, V]):
    """Equal keys → one shared value, remembering about ``limit`` units of weight.

    Two generations: lookups hit the current one or the previous one (moving the entry forward); when the
    current one reaches its limit it becomes the previous one and the oldest is dropped, so what is still
    coming in stays shared while what stopped coming is forgotten.
    """

    __slots__ = ("_current", "_limit", "_previous", "_weight")

    def __init__(self, limit: int) -> None:
        """A cache forgetting its older half once ``limit`` weight went in."""
        self._limit = limit
        self._current: dict[K, V] = {}
        self._previous: dict[K, V] = {}
        self._weight = 0

    def get(self, key: K) -> V | None:
        """The shared value of ``key``, or None when not remembered."""
        found = self._current.get(key)
        if found is None:
            found = self._previous.get(key)
            if found is not None:
                self._current[key] = found
        return found

    def put(self, key: K, value: V, weight: int = 1) -> V:
        """Remember ``value`` as the shared one for ``key``; returns it."""
        self._weight += weight
        if self._weight > self._limit:
            self._previous = self._current
            self._current = {}
            self._weight = weight
        self._current[key] = value
        return value

    def clear(self) -> None:
        """Forget everything."""
        self._current = {}
        self._previous = {}
        self._weight = 0


_TEXTS: SharedCache[str, str] = SharedCache(TEXT_CHARS)
_LABELS: SharedCache[tuple[tuple[str, str], ...], dict[str, str]] = SharedCache(LABEL_SETS)

name = sys.intern
"""A value from a small set (a project, a state, a principal) → its one interned copy."""


def opt_name(value: str | None) -> str | None:
    """:func:`name`, passing None (and anything not exactly a ``str``) through unchanged."""
    return sys.intern(value) if type(value) is str else value


def text(value: str | None) -> str | None:
    """A text that may repeat (SQL, an error message, a table name) → one shared copy of it."""
    if type(value) is not str:
        return value
    found = _TEXTS.get(value)
    if found is not None:
        return found
    return _TEXTS.put(value, value, len(value) + 64)


def labels(value: dict[str, str]) -> dict[str, str]:
    """A label map → one shared map per distinct set of labels (in the same order)."""
    if not value:
        return NO_LABELS
    key = tuple(value.items())
    try:
        found = _LABELS.get(key)
    except TypeError:  # an unhashable value: keep the map as it is
        return value
    if found is not None:
        return found
    shared = {sys.intern(k) if type(k) is str else k: v for k, v in key}
    return _LABELS.put(key, shared)


def clear() -> None:
    """Forget every shared text and label set (tests; interned names stay)."""
    _TEXTS.clear()
    _LABELS.clear()
