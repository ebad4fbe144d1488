"""Laying columns out for a width: low-priority columns give way before names become unreadable, a
shrink column's floor is not its padding, and a cell loses text at its end, in its middle or at its start."""

from __future__ import annotations

from rich.text import Text

from dashboard.sources.jobs import view as jobs_view
from dashboard.views import grid
from dashboard.views.columns import Column, Row, table
from views.factory import render
from widgets._table_render import ColumnLayout

COLUMNS = (
    Column("ID", "id", min_width=10, max_width=30, shrink=True),
    Column("A", "a", justify="right"),
    Column("B", "b", drop=1),
    Column("C", "c", drop=2),
    Column("D", "d", drop=2),
)
ALL = [0, 1, 2, 3, 4]
NATURAL = [30, 8, 6, 5, 4]
"""The natural widths of COLUMNS (their widest cells)."""


def test_everything_fits_at_natural_width() -> None:
    # 30 + 8 + 6 + 5 + 4 = 53 cells and 4 gaps of 2: 61
    assert grid.fit_columns(COLUMNS, ALL, NATURAL, 61) == (ALL, NATURAL)


def test_the_shrink_column_gives_way_before_any_column_is_hidden() -> None:
    # 61 - 51 = 10 cells too many: the id narrows from 30 to 20, still above its floor of 10
    assert grid.fit_columns(COLUMNS, ALL, NATURAL, 51) == (ALL, [20, 8, 6, 5, 4])
    # 41 cells: the id at its floor of 10
    assert grid.fit_columns(COLUMNS, ALL, NATURAL, 41) == (ALL, [10, 8, 6, 5, 4])


def test_the_highest_drop_goes_first_the_rightmost_of_equals() -> None:
    # at 40 cells the floors need 41: D (drop 2, right of C) goes; 10+8+6+5 + 3 gaps = 35, the id
    # takes the 5 cells left over
    assert grid.fit_columns(COLUMNS, ALL, NATURAL, 40) == ([0, 1, 2, 3], [15, 8, 6, 5])
    # 34 cells: D and C hidden; 10+8+6 + 2 gaps = 28 leaves the id 6 more: 16
    assert grid.fit_columns(COLUMNS, ALL, NATURAL, 34) == ([0, 1, 2], [16, 8, 6])
    # 27 cells: B (drop 1) goes too; 10+8 + 1 gap = 20, the id 17
    assert grid.fit_columns(COLUMNS, ALL, NATURAL, 27) == ([0, 1], [17, 8])


def test_columns_without_a_drop_are_never_hidden() -> None:
    # nothing fits in 10 cells: the id at its floor, the rest cropped by the console
    assert grid.fit_columns(COLUMNS, ALL, NATURAL, 10) == ([0, 1], [10, 8])


def test_a_shrink_columns_min_width_is_a_floor_not_padding() -> None:
    rows = [Row.of("1", ["abc", "1", "b", "c", "d"])]
    # the id's cells are 3 wide, its header 2: it stays 3 wide though its min_width is 10
    assert grid.natural_widths(COLUMNS, rows, ALL) == [3, 1, 1, 1, 1]
    fixed = (Column("STATE", "s", min_width=7),)
    assert grid.natural_widths(fixed, [Row.of("1", ["OK"])], [0]) == [7]


def test_cut_at_the_end_in_the_middle_or_at_the_start() -> None:
    text = Text("abcdefghijklmnopqrstuvwxyz")
    # 11 cells: 10 of text and the ellipsis; the middle keeps 3/5 of them (6) in front, 4 behind
    assert grid.cut_text(text, 11, "middle").plain == "abcdef…wxyz"
    assert grid.cut_text(text, 5, "start").plain == "…wxyz"
    assert grid.cut_text(text, 5, "end").plain == "abcd…"
    # double-width text is cut at its end, never through a character
    assert grid.cut_text(Text("漢字漢字漢字"), 5, "middle").cell_len <= 5


def test_a_middle_cut_keeps_the_styles_of_both_ends() -> None:
    text = Text("")
    text.append("head-part-", style="red")
    text.append("tail-part", style="green")
    out = grid.cut_text(text, 11, "middle")
    assert out.plain == "head-p…part"
    assert [(s.start, s.end, str(s.style)) for s in out.spans] == [(0, 6, "red"), (7, 11, "green")]


def _jobs_rows() -> list[Row]:
    cells = [
        "DONE",
        "script_job_4fa5821c2c09c89f1ef3634edd7bba2a_2",
        "composer-airflow@acme-etl.iam.gserviceaccount.com",
        "acme-etl",
        "MERGE",
        "07:21:45",
        "1m20s",
        "9.44 GiB",
        "6h27m",
        "~$0.39",
        "-",
        "acme-admin:US.prod",
        "accessDenied: Access Denied: Table acme-etl:sales.orders",
        "MERGE `acme-etl.sales.orders` T USING (SELECT order_id FROM staging) S ON T.id = S.id",
        "12m ago",
    ]
    return [Row.of("k", cells)]


def test_the_jobs_table_at_120_cells_keeps_ids_and_principals_readable() -> None:
    out = render(table(jobs_view.COLUMNS, _jobs_rows()), width=120)
    header, row = out.splitlines()[:2]
    assert header.split()[:3] == ["STATE", "JOB", "PRINCIPAL"]
    for gone in ("CACHE", "ERROR", "RESERVATION", "PROJECT", "TABLE UPDATED"):
        assert gone not in header
    # the id cut in its middle keeps its kind and its child number; the principal its account name
    job = row.split()[1]
    assert job.startswith("script_job_")
    assert job.endswith("_2")
    assert "…" in job
    assert len(job) >= 20
    assert row.split()[2].startswith("composer-airflo")
    assert len(out.splitlines()[1]) <= 120


def test_the_app_layout_keeps_the_same_columns() -> None:
    layout = ColumnLayout(jobs_view.COLUMNS)
    layout.widen(_jobs_rows()[0].cells)
    shown, widths = layout.widths(118)
    keys = [jobs_view.COLUMNS[i].key for i in shown]
    assert keys[:3] == ["status", "job_id", "principal"]
    assert "cache_hit" not in keys
    assert "error" not in keys
    assert widths[1] >= 20
    assert widths[2] >= 16
    assert sum(widths) + 2 * (len(widths) - 1) <= 118
    # 200 cells and more: every column, the wide ones too
    shown, _ = layout.widths(220)
    assert len(shown) == len(jobs_view.COLUMNS)
