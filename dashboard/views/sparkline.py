"""A small sparkline renderable for Rich, without Textual: one bar character per value or per bucket."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from dashboard.views.fmt import spark


class Sparkline:
    """Values as a row of bars (``▁▂▃▄▅▆▇█``), scaled from ``floor`` (default 0) to the maximum.

    Args:
        values: oldest first.
        width: at most this many characters (values are bucketed by their maximum); None fits the values.
        style: Rich style of the bars.
        floor: the value of the lowest bar; None scales from the minimum.
    """

    def __init__(
        self, values: Sequence[float], *, width: int | None = None, style: str = "", floor: float | None = 0.0
    ) -> None:
        self.values = list(values)
        self.width = width
        self.style = style
        self.floor = floor

    def text(self, width: int | None = None) -> str:
        """The bars as plain text."""
        limit = self.width if width is None else min(width, self.width or width)
        return spark(self.values, limit, floor=self.floor)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """One line of bars, no wider than the space given."""
        bars = self.text(options.max_width)
        yield Segment(bars, Style.parse(self.style) if self.style else None)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the bars, shrinking to one character."""
        width = len(self.text(options.max_width))
        return Measurement(min(1, width), width)
