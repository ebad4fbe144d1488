"""Formatting: sizes, money, durations, ages, dates, sparklines, and cloud text made visible."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.views import fmt

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("bell\x07", "bell\\x07"),
        ("nul\x00", "nul\\x00"),
        ("cr\rlf\ntab\t", "cr\\rlf\\ntab\\t"),
        ("del\x7f", "del\\x7f"),
        ("c1\x9b2J", "c1\\x9b2J"),
        ("\u202egnp.exe", "\\u202egnp.exe"),
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
        ("\u200fmark\u061c", "\\u200fmark\\u061c"),
        ("line\u2028sep", "line\\u2028sep"),
        ("ad\u200dmin@acme.com", "ad\\u200dmin@acme.com"),  # zero-width joiner: not admin@acme.com
        ("\ufeffacme-etl", "\\ufeffacme-etl"),
        ("acme\u200b-etl\u00ad\u2060", "acme\\u200b-etl\\xad\\u2060"),
        ("[bold red]boom[/] 🔥 تقرير 売上", "[bold red]boom[/] 🔥 تقرير 売上"),
    ],
)
def test_visible_escapes_controls_and_bidi_only(raw: str, shown: str) -> None:
    assert fmt.visible(raw) == shown


def test_visible_can_keep_newlines() -> None:
    assert fmt.visible("a\nb\tc\x1b", keep_newlines=True) == "a\nb\tc\\x1b"
    assert fmt.visible(None) == ""


def test_one_line_collapses_whitespace_and_cuts() -> None:
    assert fmt.one_line("SELECT a,\n\n   b\tFROM t  ") == "SELECT a, b FROM t"
    assert fmt.one_line("x" * 100, 10) == "x" * 9 + "…"
    assert fmt.one_line("short", 10) == "short"
    assert fmt.one_line(None) == ""
    assert fmt.safe_line("a\n\x1b[2J b", 40) == "a \\x1b[2J b"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (None, "—"),
        (0, "0 B"),
        (1023, "1023 B"),
        (1536, "1.50 KiB"),
        (10 * 2**20, "10.0 MiB"),
        (int(13.25 * 2**30), "13.2 GiB"),
        (512 * 2**30, "512 GiB"),
        (4 * 2**40, "4.00 TiB"),
        (3 * 2**50, "3.00 PiB"),
    ],
)
def test_size_in_iec_units(n: int | None, text: str) -> None:
    assert fmt.size(n) == text


@pytest.mark.parametrize(
    ("usd", "text"),
    [
        (None, "—"),
        (0, "$0.00"),
        (0.001, "<$0.01"),
        (12.345, "$12.35"),
        (999.994, "$999.99"),
        (12345.6, "$12,346"),
    ],
)
def test_money(usd: float | None, text: str) -> None:
    assert fmt.money(usd) == text


def test_rate_and_counts() -> None:
    assert fmt.rate(3.5) == "$3.50/h"
    assert fmt.rate(None) == "—"
    assert fmt.count(1234567) == "1,234,567"
    assert fmt.pct(93.33) == "93%"
    assert fmt.pct(4.25) == "4.2%"
    assert fmt.tib(2**40 // 8) == "0.125"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (0, "0s"),
        (0.4, "0s"),
        (45, "45s"),
        (192, "3m12s"),
        (7500, "2h05m"),
        (3 * 86400 + 4 * 3600, "3d04h"),
    ],
)
def test_duration(seconds: float | None, text: str) -> None:
    assert fmt.duration(seconds) == text


def test_age() -> None:
    assert fmt.age(NOW, NOW) == "just now"
    assert fmt.age(NOW - timedelta(seconds=45), NOW) == "45s ago"
    assert fmt.age(NOW - timedelta(minutes=5, seconds=3), NOW) == "5m03s ago"
    assert fmt.age(NOW - timedelta(minutes=25), NOW) == "25m ago"
    assert fmt.age(NOW - timedelta(hours=2, minutes=5), NOW) == "2h05m ago"
    assert fmt.age(NOW + timedelta(minutes=3), NOW) == "in 3m00s"
    assert fmt.age(None, NOW) == "—"


def test_dates_appear_once_the_window_spans_more_than_a_day() -> None:
    moment = datetime(2026, 11, 26, 7, 45, 12, tzinfo=UTC)
    assert fmt.when(moment) == "07:45:12"
    assert fmt.when(moment, dated=True) == "2026-11-26 07:45"
    assert not fmt.needs_dates(NOW - timedelta(hours=24), NOW)
    assert fmt.needs_dates(NOW - timedelta(hours=25), NOW)


def test_spark_scales_from_zero_and_buckets_by_maximum() -> None:
    assert fmt.spark([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█"
    assert fmt.spark([]) == ""
    assert fmt.spark([0, 0]) == "▁▁"
    assert fmt.spark([7, 7]) == "██"
    # 8 values into 4 buckets: each bucket shows its larger value
    assert fmt.spark([0, 7, 0, 0, 0, 0, 0, 7], 4) == "█▁▁█"
    assert fmt.spark([10, 20], floor=None) == "▁█"
