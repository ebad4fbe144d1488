"""Errors gcpdash reports to the user, each with the exit code it ends the program with."""

from __future__ import annotations

EXIT_OK = 0
EXIT_WARN = 1
EXIT_CRITICAL = 2
EXIT_FAILURE = 3
"""gcpdash could not do its job: bad flags, bad config, an unreadable recording, no credentials."""


class GcpdashError(Exception):
    """A failure that ends the program with one line saying why and what to do."""

    exit_code: int = EXIT_FAILURE


class UsageError(GcpdashError):
    """Flags or configuration that do not make sense."""


class RecordingError(GcpdashError):
    """A recording that cannot be read. The message names the file and, where known, the line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.line = line


class SourceError(Exception):
    """A source could not be read this time (403, 429, 503, a timeout, garbage). The source goes stale."""

    def __init__(self, reason: str, *, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
