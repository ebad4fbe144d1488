"""The Insights pane (key 7), the overview's top insights and the toast of a new critical insight, driven
with Pilot on the demo recording."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest
from textual.widgets import TabbedContent

from dashboard.app import DashboardApp
from dashboard.cost import estimate
from dashboard.insights import RULES, Context, Insight, evaluate, rule, settings_from
from dashboard.session import collect, poll_stop
from widgets.detail.screens import DetailScreen, RawScreen
from widgets.insights import InsightsPane

from .conftest import AT, demo_session
from .helpers import screen_text, settle, table

pytestmark = pytest.mark.timeout(90)

MakeApp = Callable[..., DashboardApp]
SIZE = (160, 45)

ML_FEATURES = "acme-etl/europe-west1/ml-features"
"""The demo's Dataproc cluster in ERROR (its VMs still bill): a critical insight at 07:25."""
ERROR_INSIGHT = "dataproc.error_cluster:ml-features"

LATE = AT + timedelta(minutes=2)
LATE_RULE = "test.late_critical"


def active(app: DashboardApp) -> str:
    """The pane shown (not narrowed by earlier checks)."""
    return app.query_one(TabbedContent).active


def current(app: DashboardApp) -> object:
    """The current screen (not narrowed by earlier checks)."""
    return app.screen


def toasts(app: DashboardApp) -> list[tuple[str, str, str]]:
    """Every toast so far: (title, message, severity)."""
    return [(n.title, n.message, n.severity) for n in app._notifications]


@pytest.fixture
def late_rule() -> Iterator[None]:
    """A rule that finds one critical insight once the demo's clock passes :data:`LATE`."""
    settings_from()  # the real rules first

    @rule(LATE_RULE)
    def late(context: Context) -> list[Insight]:
        if context.snapshot.at < LATE:
            return []
        return [
            Insight(
                rule=LATE_RULE,
                severity="critical",
                title="Cluster [bold]etl-nightly[/] is late",
                source="dataproc",
                resource="etl-nightly",
                resource_key="acme-etl/us-central1/etl-nightly",
                evidence="the clock passed 07:27",
                usd_per_hour=1.5,
                fix="none",
            )
        ]

    try:
        yield
    finally:
        RULES.pop(LATE_RULE, None)


async def test_key_7_lists_insights_critical_first_with_evidence_below(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("7")
        await pilot.pause()
        assert active(app) == "insights"
        insights = table(app, "insights")
        keys = [row.key for row in insights.view]
        assert ERROR_INSIGHT in keys
        severities = [row.cells[0].plain for row in insights.view]
        rank = {"CRITICAL": 0, "WARNING": 1, "INFO": 2}
        assert severities == sorted(severities, key=rank.__getitem__)
        assert severities[0] == "CRITICAL"
        # among the critical ones, the most $/h first: ml-features (in ERROR, 1m + 6w billing) leads
        assert keys[0] == ERROR_INSIGHT
        text = screen_text(app)
        assert "Insights" in text
        assert "ml-features" in text
        # the evidence and fix of the row under the cursor, below the table
        pane = app.query_one("#pane-insights", InsightsPane)
        first = pane.insights[keys[0]]
        assert f"Evidence  {first.evidence[:30]}" in text
        assert f"Fix       {first.fix[:30]}" in text
        await pilot.press("down")
        await pilot.pause()
        assert insights.cursor_key == keys[1]
        second = pane.insights[keys[1]]
        assert second.title[:30] in screen_text(app)


async def test_enter_goes_to_the_resource_row_by_exact_key(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        # a filter on the Dataproc pane that hides ml-features is cleared by the jump
        await pilot.press("4")
        await pilot.pause()
        dataproc = table(app, "dataproc")
        dataproc.set_filter("reporting")
        await pilot.pause()
        assert ML_FEATURES not in [row.key for row in dataproc.view]
        await pilot.press("7")
        await pilot.pause()
        table(app, "insights").move_cursor(key=ERROR_INSIGHT)
        await pilot.press("enter")
        await pilot.pause()
        assert active(app) == "dataproc"
        assert dataproc.filter_text == ""
        assert dataproc.cursor_key == ML_FEATURES
        assert app.focused is dataproc
        # enter again opens the cluster's detail screen
        await pilot.press("enter")
        await pilot.pause()
        screen = current(app)
        assert isinstance(screen, DetailScreen)
        assert screen.key == ML_FEATURES
        await pilot.press("escape")
        await pilot.pause()
        assert active(app) == "dataproc"


async def test_every_insight_with_a_key_finds_its_row(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert app._frame is not None
        found = [i for i in app._frame.insights if i.resource_key]
        assert found
        for insight in found:
            await pilot.press("7")
            await pilot.pause()
            table(app, "insights").move_cursor(key=insight.key)
            await pilot.press("enter")
            await pilot.pause()
            pane_id = {"reservations": "slots", "billing": "cost"}.get(insight.source, insight.source)
            assert active(app) == pane_id, insight.key
            if pane_id == "cost":  # the Cost pane has no table: the jump shows the pane
                continue
            shown = table(app, pane_id)
            if "@" in insight.resource_key:  # a principal: exactly its jobs
                assert shown.view, insight.key
                assert all(job.principal == insight.resource_key for job in shown.view)
                assert len(shown.view) == sum(
                    1 for j in app._frame.snapshot.jobs if j.principal == insight.resource_key
                )
            else:
                assert shown.cursor_key == insight.resource_key, insight.key


async def test_overview_lists_the_top_insights_with_counts(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert app._frame is not None
        found = app._frame.insights
        critical = sum(1 for i in found if i.severity == "critical")
        warning = sum(1 for i in found if i.severity == "warning")
        text = screen_text(app)
        assert f"Insights {critical} critical · {warning} warning" in text
        assert critical >= 2  # ml-features in ERROR, adhoc-spark idle with no TTL
        assert "Cluster ml-features" in text
        lines = [line for line in text.splitlines() if "CRIT " in line]
        assert len(lines) == min(critical, 5)


async def test_a_new_critical_insight_toasts_once(make_app: MakeApp, late_rule: None) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        # the first frame: one summary toast for the criticals already there
        first = toasts(app)
        assert len(first) == 1
        title, message, severity = first[0]
        assert title == "Critical insight"
        assert severity == "error"
        assert "critical insights" in message
        for _ in range(30):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert app._frame is not None
            if app._frame.now >= LATE:
                break
        assert app._frame is not None
        assert app._frame.now >= LATE
        late = [t for t in toasts(app) if "etl-nightly" in t[1]]
        assert len(late) == 1
        # markup in a title is text: the brackets stay
        assert late[0][1].startswith("Cluster [bold]etl-nightly[/] is late (Dataproc; $1.50/h est.)")
        assert late[0][2] == "error"
        # still critical on the next poll: no second toast
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert len([t for t in toasts(app) if "etl-nightly" in t[1]]) == 1


async def test_insights_sort_and_filter_like_every_table(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("7")
        await pilot.pause()
        insights = table(app, "insights")
        total = len(insights.view)
        # S: reverse sort by the first column (severity): the least severe first
        await pilot.press("S")
        await pilot.pause()
        assert insights.view[-1].cells[0].plain == "CRITICAL"
        assert insights.view[0].cells[0].plain != "CRITICAL"
        # money by value, unknown last, whichever the direction
        for column, index in (("usd_per_hour", 3), ("usd_per_month", 4)):
            insights.sort_by(column, True)
            await pilot.pause()
            cells = [row.cells[index].plain for row in insights.view]
            known = [float(c.strip("$/h").replace(",", "")) for c in cells if c != "—"]
            assert known == sorted(known, reverse=True)
            assert len(known) >= 3
            assert cells[len(known) :] == ["—"] * (len(cells) - len(known))
        insights.sort_by(None)
        await pilot.press("slash", *"ml-features", "enter")
        await pilot.pause()
        assert 0 < len(insights.view) < total
        assert all("ml-features" in row.cells[2].plain for row in insights.view)


def first_new_critical() -> tuple[datetime, datetime, Insight]:
    """The demo's first poll after :data:`AT` that brings a critical insight the poll before did not have:
    the poll before, that poll, and the insight (found with the library, poll by poll)."""
    session = demo_session(AT)
    snapshot, before = collect(session)
    known = {i.key for i in evaluate(snapshot, estimate(snapshot)) if i.severity == "critical"}
    while (target := poll_stop(session, 1)) is not None:
        session.clock.seek(target)
        snapshot, now = collect(session)
        critical = [i for i in evaluate(snapshot, estimate(snapshot)) if i.severity == "critical"]
        new = [i for i in critical if i.key not in known]
        if new:
            return before, now, new[0]
        known, before = {i.key for i in critical}, now
    raise AssertionError("the demo never brings a new critical insight after 07:25")


async def test_stepping_the_demo_toasts_its_new_critical_insight(make_app: MakeApp) -> None:
    before, moment, insight = first_new_critical()
    app = make_app(before)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert app._frame is not None
        assert insight.key not in {i.key for i in app._frame.insights if i.severity == "critical"}
        seen = len(toasts(app))
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app._frame.now == moment
        new = toasts(app)[seen:]
        assert [t for t in new if t[1].startswith(insight.title[:40])], (insight.title, new)
        assert all(t[2] == "error" for t in new)
        # the Insights pane lists it among the critical ones
        await pilot.press("7")
        await pilot.pause()
        rows = table(app, "insights").view
        assert any(r.key == insight.key and r.cells[0].plain == "CRITICAL" for r in rows)


async def test_y_goes_to_the_resource_and_shows_its_raw_payload(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("7")
        await pilot.pause()
        table(app, "insights").move_cursor(key=ERROR_INSIGHT)
        await pilot.press("y")
        for _ in range(50):
            await pilot.pause(0.05)
            if isinstance(current(app), RawScreen):
                break
        screen = current(app)
        assert isinstance(screen, RawScreen)
        assert "ml-features" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert active(app) == "dataproc"
        assert table(app, "dataproc").cursor_key == ML_FEATURES


@pytest.fixture
def gone_rule() -> Iterator[None]:
    """A rule about a cluster the Dataproc pane does not list."""
    settings_from()

    @rule("test.gone")
    def gone(context: Context) -> list[Insight]:
        return [
            Insight(
                rule="test.gone",
                severity="warning",
                title="Cluster gone-cluster was deleted",
                source="dataproc",
                resource="gone-cluster",
                resource_key="acme-etl/us-central1/gone-cluster",
                evidence="-",
                fix="-",
            )
        ]

    try:
        yield
    finally:
        RULES.pop("test.gone", None)


async def test_enter_on_a_resource_not_listed_says_so(make_app: MakeApp, gone_rule: None) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("7")
        await pilot.pause()
        table(app, "insights").move_cursor(key="test.gone:gone-cluster")
        await pilot.press("enter")
        await pilot.pause()
        assert active(app) == "dataproc"
        dataproc = table(app, "dataproc")
        assert dataproc.view  # the pane is shown, no row picked for a cluster it does not list
        assert dataproc.cursor_key != "acme-etl/us-central1/gone-cluster"
        assert ("", "gone-cluster is not listed now", "warning") in toasts(app)
