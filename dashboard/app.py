"""The interactive app: a Textual shell around the views, fed by a backend polled off the UI thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.console import RenderableType
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, TabbedContent, TabPane

from dashboard.backends.base import Backend
from dashboard.clock import Clock, ReplayClock
from dashboard.models import SOURCES, Snapshot
from dashboard.store import Store
from widgets import SnapshotPane


@dataclass(frozen=True)
class PaneSpec:
    """One pane of the app: its id, tab title, key and the view that draws it."""

    id: str
    title: str
    key: str
    render: Callable[[Snapshot, datetime], RenderableType]


def _panes() -> tuple[PaneSpec, ...]:
    from dashboard.views import cost, dataflow, dataproc, jobs, overview, reservations

    return (
        PaneSpec("overview", "Overview", "1", overview.render),
        PaneSpec("jobs", "BigQuery jobs", "2", jobs.render),
        PaneSpec("slots", "Slots & reservations", "3", reservations.render),
        PaneSpec("dataproc", "Dataproc", "4", dataproc.render),
        PaneSpec("dataflow", "Dataflow", "5", dataflow.render),
        PaneSpec("cost", "Cost", "6", cost.render),
    )


@dataclass
class Session:
    """What the app runs on: a backend, the clock it reads, and the store its polls go into."""

    backend: Backend
    clock: Clock
    store: Store


class DashboardApp(App[int]):
    """gcpdash: every pane of the data platform in one terminal."""

    TITLE = "gcpdash"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        *(
            Binding(str(n), f"show({n})", title, show=False)
            for n, title in enumerate(("Overview", "Jobs", "Slots", "Dataproc", "Dataflow", "Cost"), start=1)
        ),
        Binding("space", "toggle_pause", "Pause/Play"),
        Binding("plus,equals_sign", "speed(2)", "Faster", key_display="+"),
        Binding("minus", "speed(0.5)", "Slower", key_display="-"),
        Binding("r", "refresh", "Refresh"),
    ]

    def __init__(self, open_session: Callable[[], Session], *, subtitle: str = "") -> None:
        super().__init__()
        self._open_session = open_session
        self._session: Session | None = None
        self._panes = _panes()
        self._busy = False
        self._latest: tuple[Snapshot, datetime] | None = None
        self.sub_title = subtitle

    def compose(self) -> ComposeResult:
        """Header, one tab per pane, footer."""
        yield Header()
        with TabbedContent(initial="overview"):
            for pane in self._panes:
                with TabPane(f"{pane.key} {pane.title}", id=pane.id):
                    yield SnapshotPane(id=f"view-{pane.id}")
        yield Footer()

    async def on_mount(self) -> None:
        """Open the session off the UI thread (a recording takes a moment to decode), then poll."""
        self._session = await asyncio.to_thread(self._open_session)
        await self._tick()
        self.set_interval(1.0, self._tick)

    async def _tick(self) -> None:
        session = self._session
        if session is None or self._busy:
            return
        self._busy = True
        try:
            snapshot, now = await asyncio.to_thread(self._collect, session)
            self._show(snapshot, now)
        finally:
            self._busy = False

    @staticmethod
    def _collect(session: Session) -> tuple[Snapshot, datetime]:
        for source in SOURCES:
            for poll in session.backend.poll(source):
                session.store.apply(poll)
        now = session.clock.now()
        return session.store.snapshot(now), now

    def _show(self, snapshot: Snapshot, now: datetime) -> None:
        self._latest = (snapshot, now)
        active = self.query_one(TabbedContent).active
        for pane in self._panes:
            if pane.id == active:
                self.query_one(f"#view-{pane.id}", SnapshotPane).show(pane.render(snapshot, now))
        clock = self._session.clock if self._session else None
        state = ""
        if isinstance(clock, ReplayClock):
            state = f"  {'paused' if clock.paused else f'x{clock.speed:g}'}"
        self.title = f"gcpdash  {now:%Y-%m-%d %H:%M:%S} UTC{state}"

    def action_show(self, number: int) -> None:
        """Switch to pane ``number`` (1-6)."""
        self.query_one(TabbedContent).active = self._panes[number - 1].id
        if self._latest is not None:
            self._show(*self._latest)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Draw a pane as soon as its tab is chosen, from the latest snapshot."""
        if self._latest is not None:
            self._show(*self._latest)

    def action_toggle_pause(self) -> None:
        """Pause or resume the replay clock."""
        clock = self._session.clock if self._session else None
        if isinstance(clock, ReplayClock):
            clock.resume() if clock.paused else clock.pause()

    def action_speed(self, factor: float) -> None:
        """Replay faster or slower."""
        clock = self._session.clock if self._session else None
        if isinstance(clock, ReplayClock):
            clock.set_speed(min(3600.0, max(0.25, clock.speed * factor)))

    async def action_refresh(self) -> None:
        """Poll now."""
        await self._tick()


def run_app(*, recording: Path, mode: str, speed: float = 1.0) -> int:
    """Run the app on a recording (``--demo`` or ``--replay``) until the user quits."""

    def open_session() -> Session:
        from dashboard.backends.fixture import FixtureBackend
        from dashboard.recording.reader import read_recording

        rec = read_recording(recording)
        clock = ReplayClock(rec.manifest.recorded_at, speed=speed)
        backend = FixtureBackend(rec, clock, mode="demo" if mode == "demo" else "replay")
        clock.seek(backend.start)
        store = Store(
            mode="demo" if mode == "demo" else "replay",
            projects=tuple(rec.manifest.projects),
            regions=tuple(rec.manifest.regions),
            intervals=backend.intervals(),
        )
        return Session(backend, clock, store)

    app = DashboardApp(open_session, subtitle=f"{mode}: {recording}")
    result = app.run()
    return result or 0
