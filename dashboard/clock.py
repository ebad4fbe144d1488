"""Clocks: the system's, and one a replay drives, so that a recording plays on its own time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Where gcpdash reads the time. Everything that ages data asks a Clock, never ``datetime.now``."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """The current time."""
        return datetime.now(UTC)


class ReplayClock:
    """Recorded time: starts at ``start``, runs at ``speed`` times real time, can pause, seek and step."""

    def __init__(self, start: datetime, *, speed: float = 1.0, paused: bool = False) -> None:
        self._origin = start
        self._anchor = time.monotonic()
        self._speed = speed
        self._paused_at: datetime | None = start if paused else None

    def now(self) -> datetime:
        """The recorded moment being shown."""
        if self._paused_at is not None:
            return self._paused_at
        elapsed = (time.monotonic() - self._anchor) * self._speed
        return self._origin + timedelta(seconds=elapsed)

    @property
    def speed(self) -> float:
        """How many recorded seconds pass per real second."""
        return self._speed

    @property
    def paused(self) -> bool:
        """True while the clock stands still."""
        return self._paused_at is not None

    def seek(self, moment: datetime) -> None:
        """Jump to ``moment`` (keeps running or paused as before)."""
        self._origin = moment
        self._anchor = time.monotonic()
        if self._paused_at is not None:
            self._paused_at = moment

    def set_speed(self, speed: float) -> None:
        """Change the speed without a jump in time."""
        self.seek(self.now())
        self._speed = speed

    def pause(self) -> None:
        """Stop the clock where it is."""
        self._paused_at = self.now()

    def resume(self) -> None:
        """Let the clock run again from where it stood."""
        if self._paused_at is not None:
            moment = self._paused_at
            self._paused_at = None
            self.seek(moment)
