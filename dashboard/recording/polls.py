"""A recorded poll as the reader leaves it: where its lines are in the exchange log, decoded again only
when its exchanges are read (:mod:`dashboard.recording.reader` says why), one line at a time.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import overload

import msgspec

from dashboard.errors import RecordingError
from dashboard.recording.format import EXCHANGE_DECODER, Exchange


@dataclass(frozen=True, slots=True)
class LogSpan:
    """Where one poll's lines are in its exchange log."""

    path: Path
    start: int
    """Byte offset of the poll's first line."""
    end: int
    """Byte offset just past its last line."""
    line: int
    """The first line's number (from 1)."""
    count: int
    """How many exchanges (non-blank lines) it holds."""


class RecordedPoll:
    """One poll of one source as recorded: its number, when it started, and its exchanges in order.

    Unpacks like the ``(number, t, exchanges)`` tuple it is. Made by the reader from a :class:`LogSpan`,
    its exchanges are decoded from the log one at a time as they are iterated (:class:`PollExchanges`:
    one page in memory at a time, none kept); made from exchanges in memory, it keeps them.
    """

    __slots__ = ("_source", "number", "t")

    def __init__(self, number: int, t: datetime, exchanges: Sequence[Exchange] | LogSpan) -> None:
        """A poll ``number`` started at ``t``, its exchanges given or where they are in the log."""
        self.number = number
        self.t = t
        self._source: tuple[Exchange, ...] | LogSpan = (
            exchanges if isinstance(exchanges, LogSpan) else tuple(exchanges)
        )

    @property
    def exchanges(self) -> Sequence[Exchange]:
        """The poll's exchanges, in the order they happened (iterating a poll read from a log raises
        :class:`RecordingError` when the log cannot be read again or its lines changed since)."""
        source = self._source
        return source if isinstance(source, tuple) else PollExchanges(source)

    def __iter__(self) -> Iterator[object]:
        """``number, t, exchanges = poll``."""
        return iter((self.number, self.t, self.exchanges))

    def __eq__(self, other: object) -> bool:
        """Equal when number, time and exchanges are."""
        if not isinstance(other, RecordedPoll):
            return NotImplemented
        return (self.number, self.t, self.exchanges) == (other.number, other.t, other.exchanges)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        """``RecordedPoll(number=3, t=…, exchanges=<where>)``."""
        source = self._source
        where = (
            f"{len(source)} exchanges" if isinstance(source, tuple) else f"{source.path.name}:{source.line}"
        )
        return f"RecordedPoll(number={self.number}, t={self.t.isoformat()}, exchanges=<{where}>)"


_SPACE = b" \t\r\x0b\x0c"
"""Bytes that may start a blank line (only such a line is copied to check it is all blank)."""


class PollExchanges(Sequence[Exchange]):
    """The exchanges of one poll, decoded from its lines in the log as they are iterated, never kept:
    a parser reading them in order holds one page's payload at a time. Indexing decodes up to the index.
    Compares equal to any sequence of the same exchanges."""

    __slots__ = ("_span",)

    def __init__(self, span: LogSpan) -> None:
        """The exchanges at ``span`` of its log."""
        self._span = span

    def __iter__(self) -> Iterator[Exchange]:
        """Read the poll's lines (one read: the bytes only) and decode them one at a time.

        Raises:
            RecordingError: The log cannot be read, or a line does not decode (the file changed since).
        """
        span = self._span
        where = str(span.path)
        size = span.end - span.start
        try:
            with span.path.open("rb") as fh:
                fh.seek(span.start)
                blob = fh.read(size)
        except OSError as exc:
            raise RecordingError(f"cannot read: {exc.strerror or exc}", path=where) from exc
        if len(blob) != size:
            raise RecordingError("the log is shorter than when it was read", path=where, line=span.line)
        decode = EXCHANGE_DECODER.decode
        view = memoryview(blob)
        find = blob.find
        lineno = span.line
        start = 0
        while start < size:
            end = find(b"\n", start)
            if end < 0:
                end = size
            if end > start and (blob[start] not in _SPACE or not blob[start:end].isspace()):
                try:
                    exchange = decode(view[start:end])
                except msgspec.DecodeError as exc:
                    raise line_error(exc, where, lineno) from exc
                yield exchange
            start = end + 1
            lineno += 1

    def __len__(self) -> int:
        """How many exchanges the poll has."""
        return self._span.count

    @overload
    def __getitem__(self, index: int) -> Exchange: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Exchange]: ...

    def __getitem__(self, index: int | slice) -> Exchange | Sequence[Exchange]:
        """An exchange by position (decoding those before it), or a slice as a tuple."""
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("exchange index out of range")
        return next(itertools.islice(self, index, None))

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence holding the same exchanges in the same order."""
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(other) == len(self) and tuple(other) == tuple(self)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        """``PollExchanges(jobs.jsonl:12, 3 exchanges)``."""
        return f"PollExchanges({self._span.path.name}:{self._span.line}, {self._span.count} exchanges)"


def line_error(exc: msgspec.DecodeError, where: str, lineno: int) -> RecordingError:
    if isinstance(exc, msgspec.ValidationError):
        return RecordingError(f"not a valid exchange: {exc}", path=where, line=lineno)
    return RecordingError(f"invalid JSON: {exc}", path=where, line=lineno)
