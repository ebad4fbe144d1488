"""Table building blocks shared by every pane (k9s's header and row): a :class:`Column` says how a field is
laid out, a :class:`Row` holds one keyed line of cells, and :func:`table` turns them into a Rich table.

Cells are always :class:`rich.text.Text`. A plain ``str`` handed to :meth:`Row.of` is cloud text: it goes
through :func:`dashboard.views.fmt.visible` into a Text, never through Rich's markup parser, so
``[bold red]boom[/]`` prints as written and an escape sequence prints as ``\\x1b``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from dashboard.views import grid
from dashboard.views.fmt import DASH, safe_line, visible

Justify = Literal["left", "center", "right"]
Cut = Literal["end", "middle", "start"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a pane's table."""

    header: str
    key: str
    """Stable id, e.g. for a DataTable column key or a sort key."""
    justify: Justify = "left"
    min_width: int | None = None
    """The narrowest the column is; for a ``shrink`` column, the narrowest it shrinks to (its cells are
    not padded to it)."""
    max_width: int | None = None
    shrink: bool = False
    """Gives up width first when the table is too wide; its cells are cut with an ellipsis."""
    wrap: bool = False
    """Its cells wrap onto further lines (explanations), instead of being cut."""
    wide: bool = False
    """Shown only in wide mode (k9s's ``wide`` attribute): consoles of :data:`WIDE_AT` columns or more."""
    drop: int = 0
    """Hidden when the line does not fit with every ``shrink`` column at its floor: the highest ``drop``
    gives way first; 0: never hidden (see :func:`dashboard.views.grid.fit_columns`)."""
    cut: Cut = "end"
    """Where a cell too long for its column loses text: ``end`` (``airflow_load…``), ``middle``
    (``script_job_4f…bba2a_2``: ids whose head and tail both tell them apart) or ``start`` (``…▅▆█``: a
    sparkline keeps its latest points)."""


WIDE_AT = 200
"""Console width from which ``wide`` columns are shown (when a table is not told)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a table: a stable key and one Text per column."""

    key: str
    cells: tuple[Text, ...]
    style: str = ""

    @classmethod
    def of(cls, key: str, cells: Iterable[Text | str | None], *, style: str = "") -> Row:
        """A row from Text cells (kept), str cells (cloud text, made visible) and None (a dash)."""
        return cls(key, tuple(cell(c) for c in cells), style)


def cell(value: Text | str | None, style: str = "") -> Text:
    """A cell: Text as it is, ``str`` with controls made visible (never parsed as markup), None as a dash."""
    if isinstance(value, Text):
        return value
    if value is None:
        return Text(DASH, style="dim")
    return Text(visible(value), style=style)


def line(value: str | None, limit: int | None = 80, style: str = "") -> Text:
    """Cloud text on one line (whitespace collapsed, cut at ``limit``) as a safe cell."""
    if value is None:
        return Text(DASH, style="dim")
    return Text(safe_line(value, limit), style=style)


class PaneTable:
    """A table of :class:`Row` under :class:`Column`, laid out when rendered: ``wide`` columns appear when
    asked or when the console is at least :data:`WIDE_AT` wide; ``shrink`` columns give up width first."""

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Iterable[Row],
        *,
        title: str | None = None,
        caption: str | None = None,
        wide: bool | None = None,
        empty: str = "none",
    ) -> None:
        self.columns = tuple(columns)
        self.rows = list(rows)
        self.title = title
        self.caption = caption
        self.wide = wide
        self.empty = empty

    def build(self, wide: bool) -> Table:
        """The Rich table, with or without the wide columns."""
        shown = [i for i, c in enumerate(self.columns) if wide or not c.wide]
        out = Table(
            title=Text(self.title, style="bold") if self.title else None,
            caption=Text(self.caption, style="dim") if self.caption else None,
            title_justify="left",
            caption_justify="left",
            header_style="bold",
            pad_edge=False,
            show_edge=False,
            box=None,
        )
        for i in shown:
            c = self.columns[i]
            out.add_column(
                Text(c.header),
                justify=c.justify,
                min_width=c.min_width,
                max_width=c.max_width,
                no_wrap=not (c.shrink or c.wrap),
            )
        for row in self.rows:
            out.add_row(*(_fit(row.cells[i], self.columns[i]) for i in shown), style=row.style or None)
        if not self.rows and shown:
            out.add_row(Text(self.empty, style="dim"), *(Text("") for _ in shown[1:]))
        return out

    def _shown(self, options: ConsoleOptions) -> list[int]:
        wide = self.wide if self.wide is not None else options.max_width >= WIDE_AT
        return [i for i, c in enumerate(self.columns) if wide or not c.wide]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """The table laid out for the width given: one line per row (cells cut to fit), or a Rich table
        when a column wraps."""
        shown = self._shown(options)
        if any(self.columns[i].wrap for i in shown):
            yield self.build(len(shown) == len(self.columns))
            return
        width = options.max_width
        shown, widths = grid.fit_columns(
            self.columns, shown, grid.natural_widths(self.columns, self.rows, shown), width
        )
        if self.title:
            yield Text(self.title, style="bold", no_wrap=True, overflow="ellipsis")
        for line in grid.lines(self.columns, self.rows, shown, widths, empty=self.empty):
            if line.cell_len > width:
                line.truncate(width)
            yield from line.render(console)
            yield Segment.line()
        if self.caption:
            yield Text(self.caption, style="dim", no_wrap=True, overflow="ellipsis")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the natural layout, at most the width given."""
        shown = self._shown(options)
        widths = grid.natural_widths(self.columns, self.rows, shown)
        natural = sum(widths) + grid.GAP * max(0, len(widths) - 1)
        return Measurement(min(natural, 20), natural).clamp(max_width=options.max_width)


def _fit(text: Text, column: Column) -> Text:
    """A cell of a ``shrink`` column stays on one line, cut with an ellipsis."""
    if not column.shrink or text.no_wrap:
        return text
    fitted = text.copy()
    fitted.no_wrap = True
    fitted.overflow = "ellipsis"
    return fitted


def table(
    columns: Sequence[Column],
    rows: Iterable[Row],
    *,
    title: str | None = None,
    caption: str | None = None,
    wide: bool | None = None,
    empty: str = "none",
) -> PaneTable:
    """A :class:`PaneTable` of ``rows`` under ``columns``."""
    return PaneTable(columns, rows, title=title, caption=caption, wide=wide, empty=empty)


def heading(title: str, detail: str = "") -> Text:
    """A pane's heading line: the title in bold, then a dim detail (data age, price version)."""
    text = Text(title, style="bold underline")
    if detail:
        text.append("  ")
        text.append(detail, style="dim")
    return text
