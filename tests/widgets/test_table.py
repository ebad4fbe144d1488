"""Pilot tests of the virtual table: the cursor follows its key across refreshes, the scroll stays, sorting,
filtering, selection, and cloud text drawn literally."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from dashboard.views.columns import Column, Row
from widgets.table import VirtualTable


@dataclass(frozen=True)
class Thing:
    """A row's domain object."""

    name: str
    size: int | None
    note: str = ""


COLUMNS = (Column("NAME", "name"), Column("SIZE", "size", justify="right"), Column("NOTE", "note"))


def _row(thing: Thing) -> Row:
    return Row.of(thing.name, [thing.name, Text(str(thing.size)), thing.note])


def _things(names: range, prefix: str = "t") -> list[Thing]:
    return [Thing(f"{prefix}{i:05d}", (i * 7919) % 1000, f"note {i}") for i in names]


class TableApp(App[None]):
    """One table filling the screen."""

    def __init__(self, rows: list[Thing]) -> None:
        super().__init__()
        self.rows = rows
        self.events: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        """The table."""
        yield VirtualTable[Thing](
            COLUMNS,
            key=lambda t: t.name,
            format=_row,
            sort_keys={"name": lambda t: t.name, "size": lambda t: t.size},
            search=lambda t: f"{t.name} {t.note}",
        )

    def on_mount(self) -> None:
        """Fill it."""
        self.table.set_rows(self.rows)
        self.table.focus()

    @property
    def table(self) -> VirtualTable[Thing]:
        """The table."""
        return self.query_one(VirtualTable)  # type: ignore[no-any-return]

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        """Remember selections."""
        self.events.append(("selected", event.key))

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        """Remember highlights."""
        self.events.append(("highlighted", event.key))


def _screen_lines(app: App[Any]) -> list[str]:
    table = app.query_one(VirtualTable)
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_cursor_keeps_its_key_and_line_when_rows_arrive_above() -> None:
    app = TableApp(_things(range(1000)))
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.table
        table.move_cursor(row=29)
        await pilot.press("down")
        assert table.cursor_key == "t00030"
        line_before = table.cursor_row - int(table.scroll_y)
        screen_before = _screen_lines(app)
        table.set_rows(_things(range(100), prefix="a") + app.rows)
        await pilot.pause()
        assert table.cursor_key == "t00030"
        assert table.cursor_row == 130
        assert table.cursor_row - int(table.scroll_y) == line_before
        assert _screen_lines(app) == screen_before


async def test_sort_numeric_and_text_both_ways() -> None:
    rows = _things(range(200))
    app = TableApp(rows)
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.table
        table.sort_by("size")
        sizes = [t.size for t in table.view]
        assert sizes == sorted(s for s in sizes if s is not None)
        table.toggle_sort("size")
        assert table.sort == ("size", True)
        assert [t.size for t in table.view] == sorted(sizes, reverse=True)
        table.sort_by("name", reverse=True)
        assert [t.name for t in table.view] == sorted((t.name for t in rows), reverse=True)
        table.toggle_sort("name")
        assert table.sort == ("name", False)
        assert table.view[0].name == "t00000"
        await pilot.pause()
        assert "NAME ▲" in _screen_lines(app)[0]
        table.sort_by(None)
        assert list(table.view) == rows


async def test_sort_puts_unknown_values_last_and_keeps_the_cursor_row() -> None:
    rows = [Thing("b", None), Thing("a", 5), Thing("c", 1)]
    app = TableApp(rows)
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.table
        await pilot.press("down")
        assert table.cursor_key == "a"
        table.sort_by("size")
        assert [t.name for t in table.view] == ["c", "a", "b"]
        table.sort_by("size", reverse=True)
        assert [t.name for t in table.view] == ["a", "c", "b"]
        assert table.cursor_key == "a"


async def test_header_click_sorts() -> None:
    app = TableApp(_things(range(50)))
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.click(VirtualTable, offset=(1, 0))
        assert app.table.sort == ("name", False)
        await pilot.click(VirtualTable, offset=(1, 0))
        assert app.table.sort == ("name", True)


async def test_filter_substring_regex_inverted_invalid_and_escape() -> None:
    app = TableApp(_things(range(300)))
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.table
        assert table.set_filter("NOTE 12") is None
        assert {t.name for t in table.view} == {"t00012", *(f"t{i:05d}" for i in range(120, 130))}
        assert table.set_filter(r"^t0000[1-3] |note 299$") is None
        assert {t.name for t in table.view} == {"t00001", "t00002", "t00003", "t00299"}
        table.set_filter("!note 1")
        assert len(table.view) == 300 - 111
        assert all("note 1" not in t.note for t in table.view)
        note = table.set_filter("note (1")
        assert note is not None
        assert "invalid regex" in note
        assert table.view == []
        await pilot.pause()
        assert "no match" in _screen_lines(app)[1]
        table.set_filter("note 2")
        assert len(table.view) == 111
        await pilot.press("escape")
        assert table.filter_text == ""
        assert len(table.view) == 300


async def test_filter_keeps_cursor_on_its_row_when_still_shown() -> None:
    app = TableApp(_things(range(300)))
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.table
        table.move_cursor(key="t00024")
        await pilot.press("down")
        assert table.cursor_key == "t00025"
        table.set_filter("t0002")
        assert table.cursor_key == "t00025"
        assert table.cursor_row == 5


async def test_enter_and_click_select_the_row() -> None:
    app = TableApp(_things(range(100)))
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert ("selected", "t00002") in app.events
        assert ("highlighted", "t00001") in app.events
        await pilot.click(VirtualTable, offset=(2, 5))
        await pilot.pause()
        assert app.events[-1] == ("selected", "t00004")
        assert app.table.cursor_key == "t00004"


async def test_paging_keys_move_the_cursor_and_scroll() -> None:
    app = TableApp(_things(range(1000)))
    async with app.run_test(size=(80, 21)) as pilot:
        table = app.table
        await pilot.press("pagedown")
        assert table.cursor_row == 20
        await pilot.press("end")
        assert table.cursor_key == "t00999"
        assert int(table.scroll_y) == 1000 - 20
        assert _screen_lines(app)[-1].startswith("t00999")
        await pilot.press("pageup")
        assert table.cursor_row == 979
        await pilot.press("home")
        assert table.cursor_row == 0
        assert int(table.scroll_y) == 0


async def test_hostile_text_is_drawn_literally() -> None:
    rows = [Thing("[bold red]boom[/]", 1, "esc \x1b[2J here"), Thing("[link=http://x]y[/link]", 2)]
    app = TableApp(rows)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        lines = _screen_lines(app)
        assert lines[1].startswith("[bold red]boom[/]")
        assert "esc \\x1b[2J here" in lines[1]
        assert lines[2].startswith("[link=http://x]y[/link]")
        assert all("\x1b" not in text for text in lines)


@pytest.mark.parametrize("width", [40, 200])
async def test_columns_fit_or_scroll_horizontally(width: int) -> None:
    rows = [Thing(f"n{i}", i, "x" * 120) for i in range(10)]
    app = TableApp(rows)
    async with app.run_test(size=(width, 10)) as pilot:
        table = app.table
        await pilot.pause()
        assert all(len(text) == table.scrollable_content_region.width for text in _screen_lines(app))
        await pilot.press("right")
        assert (table.scroll_x > 0) == (table.virtual_size.width > table.scrollable_content_region.width)


async def test_literal_alternation_and_escape_without_filter_goes_to_the_app() -> None:
    app = TableApp(_things(range(300)))
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.table
        table.set_filter("NOTE 7|note 299")
        assert {t.name for t in table.view} == {"t00007", "t00299", *(f"t{i:05d}" for i in range(70, 80))}
        table.set_filter("")
        table.warm_search()
        assert table.set_filter("t0029") is None
        assert len(table.view) == 10
        await pilot.press("escape")
        assert len(table.view) == 300
        assert table.check_action("clear_filter", ()) is False


async def test_refresh_leaves_a_view_scrolled_away_from_the_cursor_where_it_is() -> None:
    app = TableApp(_things(range(1000)))
    async with app.run_test(size=(80, 20)) as pilot:
        table = app.table
        table.scroll_to(y=500, animate=False, immediate=True)
        await pilot.pause()
        screen = _screen_lines(app)
        table.set_rows(list(app.rows))
        await pilot.pause()
        assert int(table.scroll_y) == 500
        assert table.cursor_key == "t00000"
        assert _screen_lines(app) == screen
