"""A fast single-line table layout for :class:`~dashboard.views.columns.PaneTable`.

Rich's ``Table`` measures and pads every cell through its renderable protocol, about 0.15 ms a cell: a jobs
pane of a hundred rows took 200 ms to print. Cells of pane tables are one-line Texts, so their widths are
known at once; this module lays columns out from those widths (``shrink`` columns give way first, widest
first, cut with an ellipsis) and builds each line as one Text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from dashboard.views.columns import Column, Row

GAP = 2
"""Spaces between columns."""
SHRINK_FLOOR = 6
"""A shrinking column keeps at least this many cells (or its header, if shorter)."""


def natural_widths(columns: Sequence[Column], rows: Sequence[Row], shown: Sequence[int]) -> list[int]:
    """Each shown column's width: its widest cell or header, within its min and max width."""
    widths = []
    for i in shown:
        column = columns[i]
        width = max((row.cells[i].cell_len for row in rows), default=0)
        width = max(width, len(column.header))
        if column.max_width is not None:
            width = min(width, column.max_width)
        if column.min_width is not None:
            width = max(width, column.min_width)
        widths.append(width)
    return widths


def fit_widths(
    columns: Sequence[Column], shown: Sequence[int], widths: list[int], max_width: int
) -> list[int]:
    """Narrow the ``shrink`` columns, widest first, until the line fits ``max_width`` (or they are at their
    floor; the console then crops what is left)."""
    out = list(widths)
    excess = sum(out) + GAP * max(0, len(out) - 1) - max_width
    floors = [
        min(out[k], max(columns[i].min_width or 0, min(len(columns[i].header), SHRINK_FLOOR)))
        if columns[i].shrink
        else out[k]
        for k, i in enumerate(shown)
    ]
    while excess > 0:
        candidates = [k for k in range(len(out)) if out[k] > floors[k]]
        if not candidates:
            break
        widest = max(candidates, key=lambda k: out[k])
        others = [out[k] for k in candidates if k != widest]
        target = max(floors[widest], max(others, default=floors[widest]), out[widest] - excess)
        step = max(1, out[widest] - target)
        out[widest] -= step
        excess -= step
    return out


def fit_cell(text: Text, width: int, justify: str, last: bool) -> Text:
    """``text`` cut (with an ellipsis) or padded to ``width`` cells; the last cell of a line is not padded.
    Shared by the report's tables and the app's virtual table, so both lay out a cell the same way."""
    length = text.cell_len
    if length > width:
        text = text.copy()
        text.truncate(width, overflow="ellipsis")
        length = text.cell_len
    pad = width - length
    if pad <= 0:
        return text
    if justify == "right":
        return Text.assemble(" " * pad, text)
    if justify == "center":
        left = pad // 2
        return Text.assemble(" " * left, text, "" if last else " " * (pad - left))
    return text if last else Text.assemble(text, " " * pad)


def lines(
    columns: Sequence[Column], rows: Sequence[Row], shown: Sequence[int], widths: Sequence[int], *, empty: str
) -> list[Text]:
    """The header line and one line per row (or the ``empty`` note)."""
    gap = " " * GAP
    last = len(shown) - 1

    def line(cells: Sequence[Text], style: str = "") -> Text:
        out = Text(style=style, no_wrap=True, overflow="crop", end="")
        for k, (i, cell) in enumerate(zip(shown, cells, strict=True)):
            if k:
                out.append(gap)
            out.append_text(fit_cell(cell, widths[k], columns[i].justify, k == last))
        return out

    header = line([Text(columns[i].header) for i in shown], style="bold")
    if not rows:
        return [header, Text(empty, style="dim", end="")]
    return [header, *(line([row.cells[i] for i in shown], row.style) for row in rows)]
