"""The app's parts that need no App: row filters and sort values, the remembered state, exports, the
replay moves of a session, raw payloads of the fixture backend, and the detail screens' content."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from dashboard import ui_state
from dashboard.app import open_recording
from dashboard.backends.base import SupportsRaw
from dashboard.pricing import default_prices
from dashboard.recording.demo import demo_path
from dashboard.session import collect, poll_stop, rebuild
from dashboard.views.collect import job_item, reservation_editions
from dashboard.views.columns import Column, Row
from dashboard.views.fmt import visible
from widgets.detail.content import job_detail, sql_syntax
from widgets.export import default_name, export_rows
from widgets.rowops import filter_rows, matcher, sort_rows, sort_value

AT = datetime(2026, 11, 26, 7, 25, tzinfo=UTC)
COLUMNS = (Column("NAME", "name"), Column("DURATION", "duration"), Column("SIZE", "size"))


def rows() -> list[Row]:
    return [
        Row.of("a", ["etl-nightly", "2h05m", "1.50 GiB"]),
        Row.of("b", ["adhoc-spark", "45s", "512 B"]),
        Row.of("c", ["reporting-tmp", "3m12s", None]),
    ]


def test_filters_substring_regex_inverted() -> None:
    assert [r.key for r in filter_rows(rows(), "SPARK")] == ["b"]
    assert [r.key for r in filter_rows(rows(), "^(etl|rep)")] == ["a", "c"]
    assert [r.key for r in filter_rows(rows(), "!spark")] == ["a", "c"]
    assert [r.key for r in filter_rows(rows(), "[unclosed")] == []  # taken as text
    assert matcher("") is None
    assert matcher("!") is None


def test_sort_values_read_numbers_back() -> None:
    assert sort_value("2h05m") == (0, 7500.0, "")
    assert sort_value("1.50 GiB") == (0, 1.5 * 2**30, "")
    assert sort_value("$1,234") == (0, 1234.0, "")
    assert sort_value("~$0.09") == (0, 0.09, "")
    assert sort_value("$12.34/h")[1] == 12.34
    assert sort_value("42%")[1] == 42.0
    assert sort_value("—")[0] == 2
    assert sort_value("RUNNING") == (1, 0.0, "running")
    assert [r.key for r in sort_rows(rows(), 1)] == ["b", "c", "a"]
    assert [r.key for r in sort_rows(rows(), 2, reverse=True)] == ["a", "b", "c"]  # unknown last


def test_state_round_trips_and_survives_garbage(tmp_path: Path) -> None:
    path = tmp_path / "s" / "state.json"
    assert ui_state.load(path) == ui_state.UiState()
    state = ui_state.UiState(sorts={"jobs": ui_state.SortState(column="cost_usd", reverse=True)}, window="6h")
    ui_state.save(state, path)
    assert ui_state.load(path) == state
    path.write_text("{not json")
    assert ui_state.load(path) == ui_state.UiState()


def test_state_dir_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GCPDASH_STATE_DIR", str(tmp_path))
    assert ui_state.state_path() == tmp_path / "state.json"


def test_export_csv_and_json_keep_cloud_text_exact(tmp_path: Path) -> None:
    hostile = [Row.of("x", ["[bold]boom[/]", "a,b", "\x1b[31m"])]
    out = export_rows(COLUMNS, hostile, fmt="csv", pane_id="p", moment=AT, path=tmp_path / "x.csv")
    assert out.read_text().splitlines() == ["NAME,DURATION,SIZE", '[bold]boom[/],"a,b",\\x1b[31m']
    out = export_rows(COLUMNS, hostile, fmt="json", pane_id="p", moment=AT, path=tmp_path / "x.json")
    assert json.loads(out.read_text()) == [{"name": "[bold]boom[/]", "duration": "a,b", "size": "\\x1b[31m"}]
    assert default_name("jobs", AT, "csv") == "gcpdash-jobs-20261126-072500.csv"
    with pytest.raises(ValueError, match="csv or json"):
        export_rows(COLUMNS, hostile, fmt="xml", pane_id="p", moment=AT)


def test_stepping_back_replays_into_a_fresh_store() -> None:
    session = open_recording(demo_path(), "demo", at=AT, paused=True)
    before, _ = collect(session)
    target = poll_stop(session, -1)
    assert target == datetime(2026, 11, 26, 7, 24, 30, tzinfo=UTC)
    rebuild(session, target)
    back, now = collect(session)
    assert now == target
    assert back.at == target
    assert poll_stop(session, 1) == AT
    session.clock.seek(AT)  # type: ignore[attr-defined]
    again, _ = collect(session)
    assert {j.key: j.state for j in again.jobs} == {j.key: j.state for j in before.jobs}


def test_raw_payloads_by_exact_key() -> None:
    session = open_recording(demo_path(), "demo", at=AT, paused=True)
    backend = session.backend
    assert isinstance(backend, SupportsRaw)
    cluster = backend.raw("cluster", "acme-analytics/us-central1/reporting-tmp")
    assert cluster is not None
    assert cluster["clusterName"] == "reporting-tmp"
    reservation = backend.raw("reservation", "acme-admin:US.adhoc")
    assert reservation is not None
    assert reservation["name"].endswith("/reservations/adhoc")
    assert backend.raw("cluster", "acme-analytics/us-central1/no-such-cluster") is None
    assert backend.raw("unknown", "x") is None
    row = backend.raw("job", "acme-etl:US.script_job_d0cc4176edf107f128a871560af1d562")
    assert row is not None  # a history row, its cells named by the result's schema
    assert row["job_id"] == "script_job_d0cc4176edf107f128a871560af1d562"
    assert row["statement_type"] == "SCRIPT"


def test_job_detail_shows_hostile_sql_literally() -> None:
    session = open_recording(demo_path(), "demo", at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC), paused=True)
    snapshot, now = collect(session)
    prices, editions = default_prices(), reservation_editions(snapshot)
    job = next(j for j in snapshot.jobs if j.job_id == "hostile_ansi")
    console = Console(width=120, file=io.StringIO(), color_system="truecolor")
    with console.capture() as capture:
        console.print(job_detail(job_item(job, now, prices, editions), snapshot, now))
    out = capture.get()
    assert "\\x1b" in out  # the escape in the SQL is shown, not sent
    markup = next(j for j in snapshot.jobs if j.job_id == "hostile_markup")
    plain = Console(width=200, file=io.StringIO(), color_system=None)
    with plain.capture() as capture:
        plain.print(job_detail(job_item(markup, now, prices, editions), snapshot, now))
    assert markup.query is not None
    shown = capture.get()
    for line in markup.query.splitlines():  # every line as written (markup not parsed), controls visible
        assert visible(line)[:60] in shown
    assert "[" in markup.query
    assert isinstance(sql_syntax("SELECT 1").highlight("SELECT 1"), Text)


def test_the_demo_opens_where_things_happen() -> None:
    session = open_recording(demo_path(), "demo", paused=True)
    snapshot, now = collect(session)
    assert now == datetime(2026, 11, 26, 7, 25, tzinfo=UTC)  # 85 minutes in
    assert any(c.name == "reporting-tmp" for c in snapshot.dataproc.clusters)  # deleted at 07:30
    assert any(j.state == "RUNNING" for j in snapshot.jobs)
    replay = open_recording(demo_path(), "replay", paused=True)
    assert collect(replay)[1] == datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def test_a_new_frame_only_when_polls_came_the_clock_went_back_or_time_passed() -> None:
    from dashboard.session import REFRESH_EVERY, needs_frame

    last = datetime(2026, 11, 26, 7, 25, tzinfo=UTC)
    assert needs_frame(0, last, None)  # none yet
    assert not needs_frame(0, last, last)  # a paused replay: nothing to build
    assert needs_frame(1, last, last)  # a poll came
    assert not needs_frame(0, last + REFRESH_EVERY / 2, last)
    assert needs_frame(0, last + REFRESH_EVERY, last)  # the data's ages moved on
    assert needs_frame(0, last - timedelta(seconds=1), last)  # stepped back


@pytest.mark.timeout(60)
async def test_a_paused_replay_builds_no_frame_per_tick() -> None:
    from app.helpers import settle
    from dashboard.app import DashboardApp

    app = DashboardApp(lambda: open_recording(demo_path(), "demo", at=AT, paused=True), poll_every=0.05)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, app)
        first = app._frame
        await pilot.pause(0.5)  # ten ticks
        assert app._frame is first
        await pilot.press("r")  # refresh now: a new frame all the same
        await pilot.pause(0.3)
        assert app._frame is not first
        await pilot.press("q")
