"""Formatting shared by every output: numbers, sizes, durations, ages, money, and cloud text made safe.

Pure string functions, no Rich: the Markdown and JSON reports use them without loading a renderer.

Cloud text (SQL, names, labels, error messages) is data. :func:`visible` replaces every character that a
terminal would act on instead of print (C0 and C1 controls, DEL, ESC, line separators, bidirectional
overrides and isolates) and every character that prints as nothing (zero-width spaces and joiners, soft
hyphens, fillers) with a visible escape such as ``\\x1b``, ``\\u202e`` or ``\\u200d``, so the text shows
what it contains and cannot move the cursor, recolour the screen, set the clipboard, reorder what follows
or pass for another name.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

DASH = "—"
"""What an unknown value shows as."""

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BIDI_AND_SEPARATORS = (
    0x061C,  # ARABIC LETTER MARK
    0x200E,  # LEFT-TO-RIGHT MARK
    0x200F,  # RIGHT-TO-LEFT MARK
    *range(0x202A, 0x202F),  # LRE RLE PDF LRO RLO
    *range(0x2066, 0x206A),  # LRI RLI FSI PDI
    0x2028,  # LINE SEPARATOR
    0x2029,  # PARAGRAPH SEPARATOR
)
_INVISIBLE = (
    0x00AD,  # SOFT HYPHEN
    0x034F,  # COMBINING GRAPHEME JOINER
    0x115F,  # HANGUL CHOSEONG FILLER
    0x1160,  # HANGUL JUNGSEONG FILLER
    0x180E,  # MONGOLIAN VOWEL SEPARATOR
    *range(0x200B, 0x200E),  # ZERO WIDTH SPACE, NON-JOINER, JOINER
    *range(0x2060, 0x2065),  # WORD JOINER, invisible operators
    0x3164,  # HANGUL FILLER
    0xFEFF,  # ZERO WIDTH NO-BREAK SPACE (BOM)
)
"""Characters that print as nothing: ``ad\u200dmin@acme.com`` must not read as ``admin@acme.com``."""


def _escape(code: int) -> str:
    char = chr(code)
    if char in _SHORT:
        return _SHORT[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_VISIBLE = {
    code: _escape(code)
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), *_BIDI_AND_SEPARATORS, *_INVISIBLE)
}
_VISIBLE_KEEP_LINES = {code: text for code, text in _VISIBLE.items() if code not in (0x0A, 0x09)}
_NEEDS_ESCAPE = re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_VISIBLE)) + "]")
_SPACE = re.compile(r"\s+")


def visible(text: str | None, *, keep_newlines: bool = False) -> str:
    """``text`` with every control and bidi character replaced by a visible escape (``\\x1b``, ``\\u202e``).

    Args:
        text: cloud text; None gives an empty string.
        keep_newlines: keep ``\\n`` and tabs as they are (multi-line detail views); escaped otherwise.
    """
    if not text:
        return ""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return text.translate(_VISIBLE_KEEP_LINES if keep_newlines else _VISIBLE)


def one_line(text: str | None, limit: int | None = 80) -> str:
    """Cloud text on one line: whitespace runs (newlines included) become one space, then cut at ``limit``
    characters with an ellipsis. Controls are *not* escaped here: pass the result through :func:`visible`
    for display (the JSON report keeps the original characters)."""
    if not text:
        return ""
    flat = _SPACE.sub(" ", text).strip()
    if limit is not None and len(flat) > limit:
        return flat[: max(0, limit - 1)].rstrip() + "…"
    return flat


def safe_line(text: str | None, limit: int | None = 80) -> str:
    """:func:`one_line` then :func:`visible`: cloud text for a table cell."""
    return visible(one_line(text, limit))


# ---------------------------------------------------------------- numbers


def count(n: int | float | None) -> str:
    """``1,234``; a dash when unknown."""
    if n is None:
        return DASH
    return f"{round(n):,}"


def number(x: float | None, digits: int = 1) -> str:
    """A float with ``digits`` decimals and thousands separators; a dash when unknown."""
    if x is None or math.isnan(x):
        return DASH
    return f"{x:,.{digits}f}"


def pct(x: float | None) -> str:
    """A percentage, ``x`` in percent: ``42%``, ``0.5%``; a dash when unknown."""
    if x is None or math.isnan(x):
        return DASH
    return f"{x:.1f}%" if 0 < abs(x) < 10 else f"{x:.0f}%"


_IEC = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def size(n: int | float | None) -> str:
    """Bytes in IEC units: ``0 B``, ``512 B``, ``1.50 KiB``, ``12.3 GiB``, ``4.00 TiB``; dash if unknown."""
    if n is None:
        return DASH
    value = float(n)
    unit = 0
    while abs(value) >= 1024 and unit < len(_IEC) - 1:
        value /= 1024
        unit += 1
    if unit == 0:
        return f"{int(value)} B"
    digits = 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
    return f"{value:.{digits}f} {_IEC[unit]}"


def tib(n: int | float | None) -> str:
    """Bytes as TiB with three decimals (``0.125``), for sums of bytes billed."""
    if n is None:
        return DASH
    return f"{n / 2**40:,.3f}"


def money(usd: float | None) -> str:
    """Dollars: ``$0.00``, ``<$0.01``, ``$12.34``, ``$1,234``; a dash when unknown."""
    if usd is None or math.isnan(usd):
        return DASH
    if usd == 0:
        return "$0.00"
    if 0 < usd < 0.005:
        return "<$0.01"
    if abs(usd) >= 1000:
        return f"${usd:,.0f}"
    return f"${usd:,.2f}"


def rate(usd_per_hour: float | None) -> str:
    """Dollars per hour: ``$12.34/h``; a dash when unknown."""
    text = money(usd_per_hour)
    return text if text == DASH else f"{text}/h"


# ---------------------------------------------------------------- time


def duration(seconds: float | None) -> str:
    """A duration, two units at most: ``0s``, ``45s``, ``3m12s``, ``2h05m``, ``3d04h``; dash if unknown."""
    if seconds is None or math.isnan(seconds):
        return DASH
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 86400}d{s % 86400 // 3600:02d}h"


def age(moment: datetime | None, now: datetime) -> str:
    """How long ago: ``just now``, ``45s ago``, ``5m ago``, ``2h05m ago``; ``in 3m`` for the future."""
    if moment is None:
        return DASH
    delta = (now - moment).total_seconds()
    if abs(delta) < 1:
        return "just now"
    if delta < 0:
        return f"in {_coarse(-delta)}"
    return f"{_coarse(delta)} ago"


def _coarse(seconds: float) -> str:
    """Like :func:`duration` but minutes without seconds once past ten minutes."""
    s = int(seconds)
    if 600 <= s < 3600:
        return f"{s // 60}m"
    return duration(s)


def when(moment: datetime | None, *, dated: bool = False) -> str:
    """A UTC time of day (``07:45:12``), with the date (``2026-11-26 07:45``) when ``dated``."""
    if moment is None:
        return DASH
    return f"{moment:%Y-%m-%d %H:%M}" if dated else f"{moment:%H:%M:%S}"


def needs_dates(start: datetime, end: datetime) -> bool:
    """Whether times in a window need their date: it spans more than a day."""
    return (end - start).total_seconds() > 86400


# ---------------------------------------------------------------- sparkline characters

BARS = "▁▂▃▄▅▆▇█"


def spark(values: list[float], width: int | None = None, *, floor: float | None = 0.0) -> str:
    """A sparkline as text: one bar character per value (or per bucket, the bucket's maximum, when there
    are more values than ``width``). ``floor`` is the value of the lowest bar (None: the minimum)."""
    clean = [v for v in values if not math.isnan(v)]
    if not clean:
        return ""
    if width is not None and width > 0 and len(clean) > width:
        step = len(clean) / width
        bounds = [(int(i * step), max(int((i + 1) * step), int(i * step) + 1)) for i in range(width)]
        clean = [max(clean[a:b]) for a, b in bounds]
    low = min(clean) if floor is None else min(floor, *clean)
    high = max(clean)
    if high <= low:
        return BARS[0 if high == 0 else len(BARS) // 2] * len(clean)
    top = len(BARS) - 1
    return "".join(BARS[round((v - low) / (high - low) * top)] for v in clean)
