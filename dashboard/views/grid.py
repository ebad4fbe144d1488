"""A fast single-line table layout for :class:`~dashboard.views.columns.PaneTable`.

Rich's ``Table`` measures and pads every cell through its renderable protocol, about 0.15 ms a cell: a jobs
pane of a hundred rows took 200 ms to print. Cells of pane tables are one-line Texts, so their widths are
known at once; this module lays columns out from those widths (columns of a ``drop`` priority are hidden
when even the narrowest layout does not fit, then ``shrink`` columns give way, widest first, cut with an
ellipsis) and builds each line as one Text.
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
ELLIPSIS = "…"


def natural_widths(columns: Sequence[Column], rows: Sequence[Row], shown: Sequence[int]) -> list[int]:
    """Each shown column's width: its widest cell or header, within its min and max width."""
    widths = []
    for i in shown:
        column = columns[i]
        width = max((row.cells[i].cell_len for row in rows), default=0)
        width = max(width, len(column.header))
        if column.max_width is not None:
            width = min(width, column.max_width)
        if column.min_width is not None and not column.shrink:
            width = max(width, column.min_width)
        widths.append(width)
    return widths


def floors(columns: Sequence[Column], shown: Sequence[int], widths: Sequence[int]) -> list[int]:
    """How narrow each shown column may get: a ``shrink`` column its ``min_width`` (else its header, at
    most :data:`SHRINK_FLOOR`), never wider than it is; any other column its width."""
    return [
        min(widths[k], max(columns[i].min_width or 0, min(len(columns[i].header), SHRINK_FLOOR)))
        if columns[i].shrink
        else widths[k]
        for k, i in enumerate(shown)
    ]


def line_width(widths: Sequence[int]) -> int:
    """How wide a line of columns this wide is, gaps included."""
    return sum(widths) + GAP * max(0, len(widths) - 1)


def fit_columns(
    columns: Sequence[Column], shown: Sequence[int], widths: Sequence[int], max_width: int
) -> tuple[list[int], list[int]]:
    """The columns kept for a line of ``max_width`` cells and their widths: while the line does not fit
    with every ``shrink`` column at its floor, the column of the highest ``drop`` is hidden (the
    rightmost of equals); then :func:`fit_widths` narrows the ``shrink`` columns.

    Args:
        columns: every column of the table.
        shown: indexes of the columns to lay out (``wide`` ones already left out or not).
        widths: the natural width of each shown column, in the order of ``shown``.
        max_width: the cells the line may take.

    Returns:
        The indexes still shown, and their widths.
    """
    kept = list(shown)
    natural = list(widths)
    while line_width(floors(columns, kept, natural)) > max_width:
        droppable = [k for k, i in enumerate(kept) if columns[i].drop > 0]
        if not droppable:
            break
        gone = max(droppable, key=lambda k: (columns[kept[k]].drop, k))
        del kept[gone], natural[gone]
    return kept, fit_widths(columns, kept, natural, max_width)


def fit_widths(
    columns: Sequence[Column], shown: Sequence[int], widths: list[int], max_width: int
) -> list[int]:
    """Narrow the ``shrink`` columns, widest first, until the line fits ``max_width`` (or they are at their
    floor; the console then crops what is left)."""
    out = list(widths)
    excess = line_width(out) - max_width
    least = floors(columns, shown, out)
    while excess > 0:
        candidates = [k for k in range(len(out)) if out[k] > least[k]]
        if not candidates:
            break
        widest = max(candidates, key=lambda k: out[k])
        others = [out[k] for k in candidates if k != widest]
        target = max(least[widest], max(others, default=least[widest]), out[widest] - excess)
        step = max(1, out[widest] - target)
        out[widest] -= step
        excess -= step
    return out


def fit_cell(text: Text, width: int, justify: str, last: bool, cut: str = "end") -> Text:
    """``text`` cut (with an ellipsis, where ``cut`` says: ``end``, ``middle`` or ``start``) or padded to
    ``width`` cells; the last cell of a line is not padded. Shared by the report's tables and the app's
    virtual table, so both lay out a cell the same way."""
    length = text.cell_len
    if length > width:
        text = cut_text(text, width, cut)
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


def cut_text(text: Text, width: int, cut: str = "end") -> Text:
    """``text`` in ``width`` cells, an ellipsis where text went: at the ``end``, in the ``middle`` (three
    fifths of the room for the head) or at the ``start``. Text of double-width characters is cut at the
    end whatever ``cut`` says."""
    if cut == "end" or width < 3 or len(text.plain) != text.cell_len:
        out = text.copy()
        out.truncate(width, overflow="ellipsis")
        return out
    room = width - 1
    plain = text.plain
    head = 0 if cut == "start" else room - room * 2 // 5
    tail = room - head
    if not text.spans:  # the common cell, one style: cut the string (a third of the time of slicing Text)
        return Text(plain[:head] + ELLIPSIS + plain[len(plain) - tail :], style=text.style, end=text.end)
    return Text.assemble(text[:head], ELLIPSIS, text[len(plain) - tail :], end=text.end)


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
            column = columns[i]
            out.append_text(fit_cell(cell, widths[k], column.justify, k == last, column.cut))
        return out

    header = line([Text(columns[i].header) for i in shown], style="bold")
    if not rows:
        return [header, Text(empty, style="dim", end="")]
    return [header, *(line([row.cells[i] for i in shown], row.style) for row in rows)]
