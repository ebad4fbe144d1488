"""Columns, rows and tables: cloud text stays data, wide columns come and go with the width, the sparkline
renderable draws bars, and one function decides every state's look."""

from __future__ import annotations

from rich.text import Text

from dashboard.models import Cluster, DataflowJob, Job, SourceStatus
from dashboard.views.columns import Column, Row, cell, line, table
from dashboard.views.items import SourceItem
from dashboard.views.sparkline import Sparkline
from dashboard.views.states import look_of, state_look
from views.factory import render

COLUMNS = (
    Column("NAME", "name"),
    Column("NOTE", "note", shrink=True),
    Column("EXTRA", "extra", wide=True),
)


def test_str_cells_are_text_never_markup() -> None:
    row = Row.of("k", ["[bold red]boom[/]", "\x1b[2Jx", None])
    assert all(isinstance(c, Text) for c in row.cells)
    assert row.cells[0].plain == "[bold red]boom[/]"
    assert row.cells[1].plain == "\\x1b[2Jx"
    assert row.cells[2].plain == "—"
    assert row.key == "k"


def test_text_cells_are_kept_as_given() -> None:
    given = Text("styled", style="green")
    assert cell(given) is given
    assert line("a\nb", 10).plain == "a b"
    assert line(None).plain == "—"


def test_table_prints_markup_literally() -> None:
    row = Row.of("1", ["[link=https://x]y[/link]", "arr[OFFSET(0)]", "r'[/a-z]+'"])
    out = render(table(COLUMNS, [row], wide=True))
    assert "[link=https://x]y[/link]" in out
    assert "arr[OFFSET(0)]" in out
    assert "r'[/a-z]+'" in out


def test_wide_columns_follow_the_width_unless_told() -> None:
    rows = [Row.of("1", ["n", "note", "extra-value"])]
    assert "EXTRA" not in render(table(COLUMNS, rows), width=120)
    assert "EXTRA" in render(table(COLUMNS, rows), width=220)
    assert "EXTRA" in render(table(COLUMNS, rows, wide=True), width=120)
    assert "EXTRA" not in render(table(COLUMNS, rows, wide=False), width=220)


def test_shrink_columns_give_way_on_one_line() -> None:
    rows = [Row.of("1", ["name-stays-whole", "x" * 200, "e"])]
    out = render(table(COLUMNS, rows, title="T"), width=60)
    body = out.splitlines()
    assert "name-stays-whole" in out
    assert any(line_.rstrip().endswith("…") for line_ in body)
    assert len(body) == 3  # title, header, one row: the long note was cut, not wrapped


def test_empty_table_says_so() -> None:
    assert "no cluster" in render(table(COLUMNS, [], empty="no cluster"))


def test_sparkline_renderable() -> None:
    assert render(Sparkline([0, 1, 2, 3, 4, 5, 6, 7])).strip() == "▁▂▃▄▅▆▇█"
    assert render(Sparkline(list(range(100)), width=10)).strip() == Sparkline(list(range(100))).text(10)
    assert len(render(Sparkline(list(range(100)), width=10)).strip()) == 10
    assert len(render(Sparkline([1.0] * 50), width=20).strip()) == 20
    assert render(Sparkline([])).strip() == ""


def test_one_function_decides_each_state() -> None:
    running = Job(project="p", job_id="j", state="RUNNING")
    failed = Job(project="p", job_id="j", state="DONE", error_reason="invalidQuery")
    assert state_look(running).label == "RUNNING"
    assert state_look(failed) == look_of("job", "FAILED")
    assert state_look(failed).style == "bold red"
    error = Cluster(project="p", region="r", name="c", state="ERROR")
    assert state_look(error).label == "ERROR"
    assert (
        state_look(error).rank < state_look(Cluster(project="p", region="r", name="c", state="RUNNING")).rank
    )
    flow = DataflowJob(project="p", location="l", job_id="1", name="n", state="JOB_STATE_CANCELLED")
    assert state_look(flow).label == "CANCELLED"
    assert state_look(SourceStatus(source="jobs", state="error")) == state_look(SourceItem(state="error"))


def test_an_unknown_state_is_shown_as_it_is_made_visible() -> None:
    look = state_look(Cluster(project="p", region="r", name="c", state="NEW_STATE\x1b[2J"))
    assert look.label == "NEW_STATE\\x1b[2J"
    assert look.style == "magenta"
