"""The braille line chart, rendered with a plain Console (no App)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from rich.console import Console

from dashboard.views.chart import ChartSeries, LineChart
from dashboard.views.fmt import duration

T0 = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def render(chart: LineChart, width: int = 60) -> list[str]:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(chart)
    return capture.get().splitlines()


def test_a_rising_line_goes_from_bottom_left_to_top_right() -> None:
    points = [(T0 + timedelta(minutes=i), float(i)) for i in range(61)]
    lines = render(LineChart([ChartSeries("used", points)], height=4, title="Slots"), width=40)
    assert lines[0] == "Slots"
    plot = lines[1:5]
    assert plot[0].startswith("60 ┤")
    assert plot[3].startswith(" 0 ┤")
    # the top row is drawn only at the right, the bottom row only at the left
    top, bottom = plot[0][4:], plot[3][4:]
    assert top.strip()
    assert top.rstrip() == top.rstrip().rjust(len(top.rstrip()))
    assert bottom[0] != " "
    assert top[0] == " "
    assert bottom.rstrip()[-1:] != top.rstrip()[-1:]
    assert lines[5].split() == ["06:00:00", "07:00:00"]
    assert lines[6].strip() == "⣿ used 60"
    assert all(len(line) <= 40 for line in lines)


def test_a_flat_line_and_labels_of_the_callers_unit() -> None:
    flat = [(T0, 600.0), (T0 + timedelta(hours=1), 600.0)]
    lines = render(LineChart([ChartSeries("lag", flat)], height=3, label=duration), width=30)
    assert lines[0].startswith("10m00s ┤")
    assert "⠉" in lines[0]
    assert lines[-1].strip() == "⣿ lag 10m00s"


def test_times_carry_dates_past_a_day_and_no_data_says_so() -> None:
    points = [(T0, 1.0), (T0 + timedelta(days=2), 2.0)]
    lines = render(LineChart([ChartSeries("x", points)], height=2), width=50)
    assert "2026-11-26 06:00" in lines[-2]
    assert "2026-11-28 06:00" in lines[-2]
    assert render(LineChart([ChartSeries("x", [])], title="Empty")) == ["Empty", "no data"]


def test_several_series_share_one_scale_and_cloud_names_stay_literal() -> None:
    used = [(T0 + timedelta(minutes=i), 100.0 + i) for i in range(30)]
    base = [(T0, 200.0), (T0 + timedelta(minutes=29), 200.0)]
    lines = render(LineChart([ChartSeries("[bold]base[/]", base), ChartSeries("used", used)], height=4))
    assert lines[0].startswith("200 ┤")
    assert "[bold]base[/] 200" in lines[-1]
    assert "used 129" in lines[-1]
