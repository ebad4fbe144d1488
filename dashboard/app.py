"""The interactive app: a Textual shell around the panes, fed by a backend polled off the UI thread.

Polling, parsing, merging, snapshotting and building every pane's rows run in a worker thread
(``asyncio.to_thread``); the UI thread only hands prepared rows to the widgets. Panes, screens, commands
and the remembered state live in their own modules (``widgets/``, ``dashboard/session.py``,
``dashboard/ui_state.py``): the replay keys in ``widgets/replay.py``, the drill-downs and further jobs in
``widgets/navigate.py``, the palette's commands in ``widgets/palette.py``, the start in ``launch.py``.

The first frame comes first: this module imports only what it draws (the header, the tab bar, a
``Loading…`` line in the first tab, the footer). Once it is on the screen, a thread opens the session while
another imports the panes (``widgets/paneset.py``) and the pane shown is mounted; the first poll's data
is drawn in it at once, then the other panes are mounted, and only then is the frame the app's
(``_frame``): from there on every pane is in place.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Footer, Static, TabbedContent, TabPane

from dashboard import ui_state
from dashboard.launch import run_app
from widgets import palette, panenav, replay
from widgets.panenav import LOADING

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.widget import Widget

    from dashboard.config import Config
    from dashboard.insights import InsightSettings
    from dashboard.session import Session, open_recording
    from widgets.frame import Frame
    from widgets.insights import InsightsPane
    from widgets.panedata import Rules
    from widgets.panes import JobsTablePane, TablePane
    from widgets.table import VirtualTable

__all__ = ["DashboardApp", "Session", "open_recording", "run_app"]


def __getattr__(name: str) -> object:
    """``Session`` and ``open_recording``, imported when asked for (not before the first frame)."""
    if name in ("Session", "open_recording"):
        from dashboard import session

        return getattr(session, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _commands() -> type[Provider]:
    """The palette's commands, imported when the palette first opens."""
    from widgets.commands import DashboardCommands

    return DashboardCommands


class DashboardApp(App[int]):
    """gcpdash: every pane of the data platform in one terminal.

    | Key | Action |
    | --- | --- |
    | `1`-`9` | show a pane (7: insights; a new critical one pops up a toast; 8, 9: sources' panes) |
    | `0` | the pane list: every pane, filtered as one types |
    | `>` `<` | the next / previous pane, round the end (also `ctrl+right` / `ctrl+left`) |
    | `?` | help |
    | `:` | command palette |
    | `p` | pause / resume polling |
    | `r` | refresh now |
    | `space` `+` `-` `[` `]` | replay: pause, faster, slower, a poll back, a poll forward |
    | `q` | quit |
    """

    TITLE = "gcpdash"
    COMMANDS = App.COMMANDS | {_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        *panenav.BINDINGS,
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("colon", "command_palette", "Palette", key_display=":", id="app.palette"),
        Binding("p", "toggle_polling", "Pause polling", id="app.poll_pause"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
        *replay.BINDINGS,
    ]
    CSS = """
    Screen { overflow: hidden; }
    #header { height: 1; background: $panel; padding: 0 1; }
    TabbedContent { height: 1fr; }
    TabbedContent > ContentSwitcher { height: 1fr; }
    TabPane { height: 1fr; padding: 0; }
    .pane-loading { width: 100%; }
    """

    def __init__(
        self,
        open_session: Callable[[], Session],
        *,
        subtitle: str = "",
        poll_every: float | None = 1.0,
        state_path: Path | None = None,
        config: Config | None = None,
        insight_settings: InsightSettings | None = None,
        extra_panes: Sequence[tuple[str, str]] | None = None,
    ) -> None:
        """The app, not yet running.

        Args:
            open_session: Opens the session (run off the UI thread: decoding a recording takes a moment).
            subtitle: What runs (``demo: fixtures/demo``), shown in the header.
            poll_every: Seconds between polls; None polls only on ``r`` and replay steps (tests).
            state_path: Where the sort, theme and window are remembered (default: the user state dir).
            config: Prices, cost modes and budgets for the estimate (``--config``), when given.
            insight_settings: The insight rules' switches and thresholds (default: all on, defaults).
            extra_panes: Panes (pane id, title) after the built-in seven, each showing its part of the frame;
                by default the registered sources' panes (:func:`widgets.panenav.source_panes`).
        """
        super().__init__()
        self._open_session = open_session
        extra = panenav.source_panes() if extra_panes is None else extra_panes
        self.pane_entries = panenav.pane_entries(extra)
        """Every pane's id, title and key (``1``-``9``, then ``""``), in tab order."""
        self._session: Session | None = None
        self._busy = asyncio.Lock()
        self._frame: Frame | None = None
        self._poll_every = poll_every
        self.polling = True
        self.sub_title = subtitle
        self._state_path = state_path
        self._config = config
        self._insight_settings = insight_settings
        self._rules: Rules | None = None
        self._panes: dict[str, Widget] = {}
        """Each pane's widget by pane id, made after the first frame."""
        self._mounted: set[str] = set()
        """The panes in their tabs (the others are empty, or show ``Loading…`` once chosen)."""
        self._focus_pending: str | None = None
        """A pane chosen before it was mounted: it gets the focus once it is."""
        self.state = ui_state.load(state_path)
        if self.state.theme:
            self.theme = self.state.theme

    def compose(self) -> ComposeResult:
        """Header line, one tab per pane (the first says ``Loading…`` until its pane is mounted), footer."""
        yield Static("gcpdash  loading…", id="header", markup=False)
        with panenav.PaneTabs(initial="overview"):
            for entry in self.pane_entries:
                with TabPane(Content(panenav.tab_label(entry)), id=entry[0]):
                    if entry[0] == "overview":  # the others are hidden: theirs is added if chosen
                        yield Static(LOADING, classes="pane-loading", markup=False)
        yield Footer()

    def on_ready(self) -> None:
        """The first frame is on the screen (Textual's ``Ready``): open the session and poll in a worker."""
        self.run_worker(self._start(), name="start", group="start")

    async def _start(self) -> None:
        """Open the session off the UI thread while the panes are imported and the one shown is mounted,
        restore the window, then poll (the first poll mounts the other panes)."""
        from dashboard.session import WINDOWS, rebuild
        from widgets.paneset import import_panes, make_panes, mount_panes

        opening = asyncio.ensure_future(asyncio.to_thread(self._open_session))
        await asyncio.to_thread(import_panes)
        self._panes = make_panes(self.pane_entries)
        await mount_panes(self, [self.query_one(TabbedContent).active])
        self._session = session = await opening
        self.refresh_bindings()  # the replay keys show only now that it is known whether it replays
        window = WINDOWS.get(self.state.window or "")
        if window is not None and window != session.window:
            await asyncio.to_thread(rebuild, session, None, window)
        await self.poll_now()
        if self._poll_every is not None:
            self.set_interval(self._poll_every, self._tick)

    # ---------------------------------------------------------------- polling

    async def _tick(self) -> None:
        if self.polling and not self._busy.locked():
            await self.poll_now()

    async def poll_now(self, before: Callable[[Session], None] | None = None, *, force: bool = False) -> None:
        """Poll, snapshot and build the panes off the UI thread (``before`` runs first, in the thread).

        Without ``before`` or ``force``, a new frame is built only when :func:`~dashboard.session.needs_frame`
        says so; otherwise only the header's clock moves."""
        from widgets.panes import JobsTablePane
        from widgets.paneset import mount_panes, painted

        session = self._session
        jobs_pane = self._panes.get("jobs")
        if session is None or not isinstance(jobs_pane, JobsTablePane):
            return
        jobs = jobs_pane.jobs
        async with self._busy:

            def work() -> Frame | datetime:
                from dataclasses import replace

                from dashboard.session import apply_due, needs_frame
                from widgets.panedata import Rules, build

                if before is not None:
                    before(session)
                applied = apply_due(session)
                now = session.clock.now()
                fresh = force or before is not None
                last = self._frame.now if self._frame is not None and not fresh else None
                if not needs_frame(applied, now, last):
                    return now  # nothing new: only the header's clock moves
                snapshot = session.store.snapshot(now)
                self._rules = self._rules or Rules(self._insight_settings)
                frame = build(snapshot, now, config=self._config, rules=self._rules)
                return replace(frame, jobs=jobs.prepare(snapshot, now))

            frame = await asyncio.to_thread(work)
            if not self.is_running:
                return  # quit while the frame was built: its widgets are gone
            if isinstance(frame, datetime):
                if self._frame is not None and frame != self._frame.now:
                    from dataclasses import replace

                    self.update_header(replace(self._frame, now=frame))
                return
            drawn = ""
            if len(self._mounted) < len(self._panes):  # the first poll: its data on screen at once
                drawn = self.query_one(TabbedContent).active
                await mount_panes(self, [drawn])
                self.update_header(frame)
                self.update_pane(drawn, frame)
                await painted(self)
                await mount_panes(self, self._panes)
            self._show(frame, drawn=drawn)

    def _show(self, frame: Frame, *, drawn: str = "") -> None:
        """Make ``frame`` the app's: toasts, header, the pane shown (unless it is ``drawn`` already), an
        open detail screen."""
        from widgets.insights import critical_toasts
        from widgets.navigate import follow_detail

        previous, self._frame = self._frame, frame
        for message in critical_toasts(previous.insights if previous else None, frame.insights):
            self.notify(message, title="Critical insight", severity="error", timeout=10, markup=False)
        self.update_header()
        active = self.query_one(TabbedContent).active
        if active != drawn:
            self.update_pane(active)
        follow_detail(self, frame)

    def update_pane(self, pane_id: str, frame: Frame | None = None) -> None:
        """Draw pane ``pane_id`` from ``frame`` (default: the latest), once it is mounted."""
        frame = frame or self._frame
        if frame is None or pane_id not in self._mounted:
            return
        from widgets.panes import StaticPane, TablePane

        pane = self._panes[pane_id]
        if isinstance(pane, TablePane | StaticPane):
            pane.update(frame, self.state.sorts.get(pane_id))

    def update_header(self, frame: Frame | None = None) -> None:
        """Show the projects, regions, window, replay clock and polling state of ``frame`` (default: the
        latest)."""
        frame, session = frame or self._frame, self._session
        if frame is None or session is None:
            return
        from widgets.header import header_text

        self.query_one("#header", Static).update(header_text(frame, session, polling=self.polling))

    # ---------------------------------------------------------------- events

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Draw a pane as soon as its tab is chosen, from the latest frame, and focus its table."""
        from widgets.paneset import focus_pane, loading

        pane_id = event.pane.id or ""
        if pane_id not in self._mounted:  # chosen while loading (or the first tab): focused once mounted
            self._focus_pending = pane_id
            loading(event.pane)
            return
        self.update_pane(pane_id)
        focus_pane(self, pane_id)

    def on_virtual_table_sort_changed(self, event: VirtualTable.SortChanged) -> None:
        """Remember a table's sort across restarts."""
        from widgets.panes import TablePane

        pane = next((n for n in event.table.ancestors if isinstance(n, TablePane)), None)
        if pane is None:
            return
        sorts = dict(self.state.sorts)
        if event.sort is None:
            sorts.pop(pane.pane_id, None)
        else:
            sorts[pane.pane_id] = ui_state.SortState(column=event.sort[0], reverse=event.sort[1])
        self.state.sorts = sorts
        ui_state.save(self.state, self._state_path)

    def on_table_pane_opened(self, event: TablePane.Opened) -> None:
        """Open a row's detail screen (or its raw payload), by the row's exact key."""
        from widgets.navigate import open_row

        open_row(self, event)

    def on_jobs_table_pane_more_wanted(self, event: JobsTablePane.MoreWanted) -> None:
        """Read further jobs (organisation mode's ``m``), off the UI thread."""
        from widgets.navigate import more_jobs

        more_jobs(self)

    def on_insights_pane_jump(self, event: InsightsPane.Jump) -> None:
        """Go to an insight's resource: its pane, the cursor on its row found by its exact key."""
        from widgets.navigate import jump

        jump(self, event)

    def open_raw(self, kind: str, key: str, trail: tuple[str, ...]) -> None:
        """Show the raw API payload of an item, read off the UI thread."""
        from widgets.navigate import open_raw

        open_raw(self, kind, key, trail)

    # ---------------------------------------------------------------- actions

    def action_show(self, number: int) -> None:
        """Switch to pane ``number`` (from 1; nothing when there is none)."""
        panenav.show(self, number)

    def action_cycle_pane(self, step: int) -> None:
        """Show the next (1) or previous (-1) pane, round the end."""
        panenav.cycle(self, step)

    def action_pane_list(self) -> None:
        """Show the pane list."""
        panenav.open_list(self)

    def action_help(self) -> None:
        """Show every key."""
        from widgets.detail.screens import HelpScreen

        self.push_screen(HelpScreen(self.pane_entries))

    def action_toggle_polling(self) -> None:
        """Pause or resume polling (the replay clock runs on)."""
        self.polling = not self.polling
        self.update_header()
        self.notify("Polling paused" if not self.polling else "Polling resumed")

    async def action_refresh(self) -> None:
        """Poll now."""
        await self.poll_now(force=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The replay keys (space, ``+``, ``-``, ``[``, ``]``) only when the session replays a recording:
        live (or before the session is open) they are left out of the footer and do nothing."""
        if action in replay.REPLAY_ACTIONS:
            return self._session is not None and self._session.replay is not None
        return True

    def action_toggle_replay(self) -> None:
        """Pause or resume the replay clock."""
        replay.toggle(self)

    def action_speed(self, factor: float) -> None:
        """Replay faster or slower (x0.25 to x3600)."""
        replay.change_speed(self, factor)

    async def action_step(self, direction: int) -> None:
        """Pause the replay and step to the next or previous poll."""
        await replay.step(self, direction)

    # ---------------------------------------------------------------- palette commands

    def set_window(self, label: str) -> None:
        """Show the last ``label`` (``1h``, ``6h``, ``24h``, ``7d``); remembered across restarts."""
        palette.set_window(self, label)

    def set_theme(self, name: str) -> None:
        """Change the theme; remembered across restarts."""
        palette.set_theme(self, name)

    def export_view_to(self, fmt: str) -> None:
        """Ask for a path, then export the current view there."""
        palette.export_view_to(self, fmt)

    def export_view(self, fmt: str, path: Path | None = None) -> Path | None:
        """Write the current table's rows (as filtered and sorted) to CSV or JSON; a toast names the file."""
        return palette.export_view(self, fmt, path)
