"""The alert expression language: ``[critical: | warning:] METRIC OP NUMBER``, read by a small scanner.

``METRIC`` is a dotted name of the closed namespace :mod:`dashboard.alerts.metrics` lists, ``OP`` one of
``>``, ``>=``, ``<``, ``<=``, ``==``, ``!=``, and ``NUMBER`` a plain decimal number (``50``, ``0.5``,
``1e3``, ``1_000``); the unit is in the metric's name. One comparison per expression: give several
expressions for several conditions. Nothing of the text is ever evaluated as Python.
"""

from __future__ import annotations

import difflib
import math
import operator
import re
from collections.abc import Callable, Collection
from typing import Literal

import msgspec

from dashboard.errors import UsageError

AlertSeverity = Literal["warning", "critical"]
"""What a true condition does: ``warning`` exits 1, ``critical`` exits 2."""

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
"""The comparisons, longest first (the scanner tries them in this order)."""

_PREFIX = re.compile(r"\s*([A-Za-z_]\w*)\s*:", re.ASCII)
_METRIC = re.compile(r"[A-Za-z_]\w*(?:\.\w+)*", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d+)?", re.ASCII)
_WORD = re.compile(r"\S+")


class Condition(msgspec.Struct, frozen=True, kw_only=True):
    """One parsed condition."""

    expr: str
    """The comparison in its canonical spelling, ``metric op number`` (the number as written)."""
    severity: AlertSeverity
    metric: str
    op: str
    threshold: float
    origin: str
    """Where it was written: ``--fail-on`` or ``[alerts] critical`` (with the config file)."""

    def holds(self, value: float) -> bool:
        """Whether the condition is true of ``value``."""
        return OPERATORS[self.op](value, self.threshold)


def _near(word: str, names: Collection[str]) -> str:
    """``; did you mean a or b?`` with the names that start with ``word`` or are spelt close to it."""
    starting = sorted(n for n in names if n.startswith(word))[:3]
    close = [n for n in difflib.get_close_matches(word, list(names), n=3, cutoff=0.6) if n not in starting]
    found = [*starting, *close][:3]
    return f"; did you mean {' or '.join(found)}?" if found else ""


def _skip(text: str, pos: int) -> int:
    """The position of the first character at or after ``pos`` that is not white space."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _found(text: str, pos: int) -> str:
    """What stands at ``pos`` (its first word, quoted) for a message: ``'5TiB'`` or ``nothing``."""
    from dashboard.views.fmt import safe_line

    rest = _WORD.match(text, pos)
    return "nothing" if rest is None else repr(safe_line(rest.group(), 40))


def parse(
    text: str,
    names: Collection[str],
    *,
    severity: AlertSeverity | None = None,
    origin: str = "--fail-on",
) -> Condition:
    """One expression as a :class:`Condition`.

    Args:
        text: ``[critical: | warning:] METRIC OP NUMBER``.
        names: The metric names that exist (:func:`dashboard.alerts.metrics.metric_names`).
        severity: The severity the place it was written in gives (a config list); the text's own prefix
            may repeat it but not contradict it. Without either, ``warning``.
        origin: Where it was written, for messages.

    Raises:
        UsageError: The text is not such an expression; the one-line message says which part is wrong
            (its column) and, for a misspelt metric, the names it is close to.
    """
    from dashboard.views.fmt import safe_line

    shown = safe_line(text, 120)

    def bad(pos: int, why: str) -> UsageError:
        return UsageError(f"{origin} {shown!r}, column {pos + 1}: {why}")

    pos = 0
    prefix = _PREFIX.match(text)
    given: AlertSeverity | None = None
    if prefix is not None:
        word = prefix.group(1).lower()
        if word not in ("warning", "critical"):
            start = prefix.start(1)
            raise bad(
                start, f"{safe_line(prefix.group(1), 40)!r} is not a severity; write critical: or warning:"
            )
        given = "critical" if word == "critical" else "warning"
        if severity is not None and given != severity:
            raise bad(prefix.start(1), f"a {given} condition in the {severity} list; move it or drop {word}:")
        pos = prefix.end()
    pos = _skip(text, pos)
    found = _METRIC.match(text, pos)
    if found is None:
        raise bad(
            pos, f"expected a metric name such as cost.burn_rate_usd_per_hour, found {_found(text, pos)}"
        )
    metric = found.group()
    if metric not in names:
        near = _near(metric, names)
        raise bad(pos, f"unknown metric {safe_line(metric, 60)!r}{near} (docs/alerts.md lists them)")
    pos = _skip(text, found.end())
    op = next((o for o in OPERATORS if text.startswith(o, pos)), None)
    if op is None:
        tip = "; write == to compare" if text.startswith("=", pos) else ""
        raise bad(pos, f"expected one of > >= < <= == != after {metric}, found {_found(text, pos)}{tip}")
    pos = _skip(text, pos + len(op))
    number = _NUMBER.match(text, pos)
    if number is None or (
        number.end() < len(text) and (text[number.end()].isalnum() or text[number.end()] in "._$%")
    ):
        unit = "the unit is in the metric's name"
        raise bad(pos, f"expected a plain number after {op} ({unit}), found {_found(text, pos)}")
    threshold = float(number.group())
    if not math.isfinite(threshold):
        raise bad(pos, f"{number.group()} is too large a number (the largest is about 1.8e308)")
    end = _skip(text, number.end())
    if end < len(text):
        rest = safe_line(text[end:], 40)
        raise bad(
            end,
            f"unexpected {rest!r} after the number; one comparison per expression, give another "
            "--fail-on (or list entry) for another condition",
        )
    return Condition(
        expr=f"{metric} {op} {number.group()}",
        severity=given or severity or "warning",
        metric=metric,
        op=op,
        threshold=threshold,
        origin=origin,
    )


__all__ = ["OPERATORS", "AlertSeverity", "Condition", "parse"]
