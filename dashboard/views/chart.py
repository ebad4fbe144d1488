"""A line chart for Rich, drawn in braille dots: values over time, several series on one plot.

The detail screens plot slot use against baseline and baseline + autoscale, Dataflow lag and throughput,
YARN memory and spend. No Textual and no plotting library: each character cell holds a 2x4 braille dot
matrix, so a chart 60 cells wide and 8 high has 120x32 points of resolution.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from dashboard.views import fmt

_BRAILLE = 0x2800
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""Braille dot bits by (row within the cell, column within the cell)."""


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One line of a chart: ``points`` are (time, value), oldest first."""

    name: str
    points: Sequence[tuple[datetime, float]]
    style: str = ""


def _labeller(high: float) -> Callable[[float], str]:
    """Numbers with as many decimals as the axis' top needs: none from 10 up."""
    digits = 0 if abs(high) >= 10 else 1
    return lambda value: fmt.number(value, digits)


class LineChart:
    """Series of values over time as a braille line chart with a y axis, time labels and a legend.

    Args:
        series: The lines, drawn in order (a later line wins a shared cell's colour).
        height: Rows of the plot area.
        width: Columns in all (axis included); None takes the width given.
        title: A bold line above the plot.
        label: Formats a y-axis value (e.g. :func:`dashboard.views.fmt.duration`); by default a number
            with the decimals the axis' top needs.
        floor: The bottom of the y axis; None scales from the smallest value.
        span: The time axis' (start, end); None: from the first point to the last. Charts stacked with
            the same ``span`` and ``axis`` put one moment in one column.
        axis: Cells of the y-axis labels (at least); None: as wide as its labels.
    """

    def __init__(
        self,
        series: Sequence[ChartSeries],
        *,
        height: int = 8,
        width: int | None = None,
        title: str | None = None,
        label: Callable[[float], str] | None = None,
        floor: float | None = 0.0,
        span: tuple[datetime, datetime] | None = None,
        axis: int | None = None,
    ) -> None:
        self.series = [s for s in series if s.points]
        self.span = span
        self.axis = axis
        self.height = max(2, height)
        self.width = width
        self.title = title
        self.label = label
        self.floor = floor

    def lines(self, width: int) -> list[Text]:
        """The chart as lines of at most ``width`` cells."""
        out: list[Text] = []
        if self.title:
            out.append(Text(self.title, style="bold", no_wrap=True, overflow="ellipsis", end=""))
        if not self.series:
            out.append(Text("no data", style="dim", end=""))
            return out
        times = [t for s in self.series for t, _ in s.points]
        t0, t1 = self.span or (min(times), max(times))
        values = [v for s in self.series for t, v in s.points if t0 <= t <= t1] or [0.0]
        low = min(values) if self.floor is None else min(self.floor, *values)
        high = max(values)
        if high <= low:
            high = low + 1.0
        label = self.label or _labeller(high)
        labels = [label(high), label((high + low) / 2), label(low)]
        axis = max(max(len(x) for x in labels) + 1, self.axis or 0)
        cols = max(4, width - axis - 1)
        dots_x, dots_y = cols * 2, self.height * 4
        bits = [[0] * cols for _ in range(self.height)]
        owner: list[list[int]] = [[-1] * cols for _ in range(self.height)]
        span = max((t1 - t0).total_seconds(), 1e-9)

        def to_xy(t: datetime, v: float) -> tuple[int, int]:
            x = round((t - t0).total_seconds() / span * (dots_x - 1)) if t1 > t0 else 0
            y = round((v - low) / (high - low) * (dots_y - 1))
            return x, dots_y - 1 - max(0, min(dots_y - 1, y))

        def plot(x: int, y: int, index: int) -> None:
            row, col = y // 4, x // 2
            bits[row][col] |= _DOTS[y % 4][x % 2]
            owner[row][col] = index

        for index, s in enumerate(self.series):
            previous: tuple[int, int] | None = None
            for t, v in s.points:
                if not t0 <= t <= t1:
                    continue
                x, y = to_xy(t, v)
                if previous is None:
                    plot(x, y, index)
                else:
                    px, py = previous
                    steps = max(abs(x - px), abs(y - py), 1)
                    for k in range(1, steps + 1):
                        plot(px + round((x - px) * k / steps), py + round((y - py) * k / steps), index)
                previous = (x, y)

        styles = [Style.parse(s.style) if s.style else Style() for s in self.series]
        label_rows = {0: labels[0], self.height // 2: labels[1], self.height - 1: labels[2]}
        for row in range(self.height):
            line = Text(no_wrap=True, overflow="crop", end="")
            line.append(label_rows.get(row, "").rjust(axis - 1) + " ", style="dim")
            line.append("┤" if row in label_rows else "│", style="dim")
            for col in range(cols):
                value = bits[row][col]
                who = owner[row][col]
                line.append(chr(_BRAILLE + value) if value else " ", styles[who] if who >= 0 else None)
            out.append(line)
        dated = fmt.needs_dates(t0, t1)
        start, end = fmt.when(t0, dated=dated), fmt.when(t1, dated=dated)
        gap = max(1, cols + 1 - len(start) - len(end))
        out.append(Text(" " * axis + start + " " * gap + end, style="dim", no_wrap=True, end=""))
        legend = Text(" " * axis, no_wrap=True, overflow="ellipsis", end="")
        for index, s in enumerate(self.series):
            if index:
                legend.append("  ")
            legend.append("⣿ ", style=self.series[index].style)
            legend.append(f"{s.name} {label(s.points[-1][1])}")
        out.append(legend)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The chart, as wide as asked (or as the space given)."""
        width = min(self.width or options.max_width, options.max_width)
        for line in self.lines(width):
            if line.cell_len > width:
                line.truncate(width)
            yield from line.render(console)
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """Its width when given, otherwise any width from 20 columns."""
        width = self.width or options.max_width
        return Measurement(min(20, width), width).clamp(max_width=options.max_width)
