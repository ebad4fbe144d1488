"""The interactive app: a Textual shell around the panes, fed by a backend polled off the UI thread.

Polling, parsing, merging, snapshotting and building every pane's rows run in a worker thread
(``asyncio.to_thread``); the UI thread only hands prepared rows to the widgets. Panes, screens, commands
and the remembered state live in their own modules (``widgets/``, ``dashboard/session.py``,
``dashboard/ui_state.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.widgets import Footer, Static, TabbedContent, TabPane

from dashboard import ui_state
from dashboard.session import WINDOWS, Session, collect, open_recording, poll_stop, rebuild
from widgets.frame import PANES, Frame
from widgets.insights import InsightsPane
from widgets.panes import JobsTablePane, StaticPane, TablePane
from widgets.table import VirtualTable

if TYPE_CHECKING:
    from dashboard.config import Config
    from dashboard.insights import InsightSettings
    from widgets.panedata import Rules

__all__ = ["DashboardApp", "Session", "open_recording", "run_app"]

TABLE_PANES = ("jobs", "slots", "dataproc", "dataflow", "insights")


def _commands() -> type[Provider]:
    """The palette's commands, imported when the palette first opens."""
    from widgets.commands import DashboardCommands

    return DashboardCommands


REPLAY_ACTIONS = frozenset({"toggle_replay", "speed", "step"})
"""The actions of the replay keys, offered only when the session replays a recording."""
SPEED = Binding.Group("Speed", compact=True)
STEP = Binding.Group("Step", compact=True)
"""The replay keys in the footer as ``+- Speed`` and ``[] Step`` (a poll back or forward): it fits 120
cells."""


class DashboardApp(App[int]):
    """gcpdash: every pane of the data platform in one terminal.

    | Key | Action |
    | --- | --- |
    | `1`-`7` | show a pane (7: insights; a new critical one pops up a toast) |
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
        *(
            Binding(key, f"show({n})", title, show=False, id=f"app.pane.{pane_id}")
            for n, (pane_id, title, key) in enumerate(PANES, start=1)
        ),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("colon", "command_palette", "Palette", key_display=":", id="app.palette"),
        Binding("p", "toggle_polling", "Pause polling", id="app.poll_pause"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
        Binding("space", "toggle_replay", "Play/Pause", id="app.replay_pause"),
        *(
            Binding(key, action, title, key_display=shown, id=f"app.{name}", group=group)
            for key, action, title, shown, name, group in (
                ("plus,equals_sign", "speed(2)", "Faster", "+", "faster", SPEED),
                ("minus", "speed(0.5)", "Slower", "-", "slower", SPEED),
                ("left_square_bracket", "step(-1)", "Poll back", "[", "step_back", STEP),
                ("right_square_bracket", "step(1)", "Poll fwd", "]", "step_forward", STEP),
            )
        ),
    ]
    CSS = """
    Screen { overflow: hidden; }
    #header { height: 1; background: $panel; padding: 0 1; }
    TabbedContent { height: 1fr; }
    TabbedContent > ContentSwitcher { height: 1fr; }
    TabPane { height: 1fr; padding: 0; }
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
    ) -> None:
        """The app, not yet running.

        Args:
            open_session: Opens the session (run off the UI thread: decoding a recording takes a moment).
            subtitle: What runs (``demo: fixtures/demo``), shown in the header.
            poll_every: Seconds between polls; None polls only on ``r`` and replay steps (tests).
            state_path: Where the sort, theme and window are remembered (default: the user state dir).
            config: Prices, cost modes and budgets for the estimate (``--config``), when given.
            insight_settings: The insight rules' switches and thresholds (default: all on, defaults).
        """
        super().__init__()
        self._open_session = open_session
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
        self.state = ui_state.load(state_path)
        if self.state.theme:
            self.theme = self.state.theme

    def compose(self) -> ComposeResult:
        """Header line, one tab per pane, footer."""
        yield Static("gcpdash  loading…", id="header", markup=False)
        with TabbedContent(initial="overview"):
            for pane_id, title, key in PANES:
                with TabPane(f"{key} {title}", id=pane_id):
                    if pane_id == "jobs":
                        yield JobsTablePane(pane_id, id=f"pane-{pane_id}")
                    elif pane_id == "insights":
                        yield InsightsPane(pane_id, id=f"pane-{pane_id}")
                    elif pane_id in TABLE_PANES:
                        yield TablePane(pane_id, id=f"pane-{pane_id}")
                    else:
                        yield StaticPane(pane_id, id=f"pane-{pane_id}")
        yield Footer()

    def on_mount(self) -> None:
        """Paint at once; open the session and poll in a worker (decoding a recording takes a moment)."""
        self.run_worker(self._start(), name="start", group="start")

    async def _start(self) -> None:
        """Open the session off the UI thread, restore the window, then poll."""
        self._session = await asyncio.to_thread(self._open_session)
        self.refresh_bindings()  # the replay keys show only now that it is known whether it replays
        window = WINDOWS.get(self.state.window or "")
        if window is not None and window != self._session.window:
            await asyncio.to_thread(rebuild, self._session, None, window)
        await self.poll_now()
        if self._poll_every is not None:
            self.set_interval(self._poll_every, self._tick)

    # ---------------------------------------------------------------- polling

    async def _tick(self) -> None:
        if self.polling and not self._busy.locked():
            await self.poll_now()

    async def poll_now(self, before: Callable[[Session], None] | None = None) -> None:
        """Poll, snapshot and build the panes off the UI thread (``before`` runs first, in the thread)."""
        session = self._session
        if session is None:
            return
        jobs = self.query_one("#pane-jobs", JobsTablePane).jobs
        async with self._busy:

            def work() -> Frame:
                from dataclasses import replace

                from widgets.panedata import Rules, build

                if before is not None:
                    before(session)
                snapshot, now = collect(session)
                self._rules = self._rules or Rules(self._insight_settings)
                frame = build(snapshot, now, config=self._config, rules=self._rules)
                return replace(frame, jobs=jobs.prepare(snapshot, now))

            self._show(await asyncio.to_thread(work))

    def _show(self, frame: Frame) -> None:
        from widgets.insights import critical_toasts

        previous, self._frame = self._frame, frame
        for message in critical_toasts(previous.insights if previous else None, frame.insights):
            self.notify(message, title="Critical insight", severity="error", timeout=10, markup=False)
        self._update_header()
        self._update_pane(self.query_one(TabbedContent).active)
        self._update_detail(frame)

    def _update_detail(self, frame: Frame) -> None:
        """An open detail screen follows its thing (found again by its exact key)."""
        from widgets.detail.open import detail_body
        from widgets.detail.screens import DetailScreen

        screen = self.screen
        if not isinstance(screen, DetailScreen) or not screen.pane_id:
            return
        pane = self.query_one(f"#pane-{screen.pane_id}")
        found = pane.item(screen.key) if isinstance(pane, TablePane) else None
        if found is None:
            screen.update_body(None, gone_since=f"{frame.now:%H:%M:%S}")
        else:
            screen.update_body(detail_body(found[1], frame))

    def _update_pane(self, pane_id: str) -> None:
        if self._frame is None or not pane_id:
            return
        pane = self.query_one(f"#pane-{pane_id}")
        if isinstance(pane, TablePane | StaticPane):
            pane.update(self._frame, self.state.sorts.get(pane_id))

    def _update_header(self) -> None:
        frame, session = self._frame, self._session
        if frame is None or session is None:
            return
        snap = frame.snapshot
        window = next((k for k, v in WINDOWS.items() if v == session.window), str(session.window))
        text = Text.assemble(
            ("gcpdash", "bold"),
            "  ",
            (", ".join(snap.projects) or "no project", "cyan"),
            "  ",
            (", ".join(snap.regions) or "no region", "cyan"),
            f"  window {window}",
        )
        clock = session.replay
        if clock is not None:
            text.append(f"  {snap.mode} {frame.now:%Y-%m-%d %H:%M:%S} UTC ", style="bold")
            text.append("paused" if clock.paused else f"x{clock.speed:g}", style="yellow")
        if not self.polling:
            text.append("  polling paused", style="bold yellow")
        self.query_one("#header", Static).update(text)

    # ---------------------------------------------------------------- events

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        """Draw a pane as soon as its tab is chosen, from the latest frame, and focus its table."""
        pane_id = event.pane.id or ""
        self._update_pane(pane_id)
        pane = self.query_one(f"#pane-{pane_id}")
        (pane.table if isinstance(pane, TablePane) else pane).focus()

    def on_virtual_table_sort_changed(self, event: VirtualTable.SortChanged) -> None:
        """Remember a table's sort across restarts."""
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
        from widgets.detail.open import detail_screen

        title = {p: t for p, t, _ in PANES}[event.pane.pane_id]
        if event.raw:
            self.open_raw(event.kind, event.key, (title, event.key))
            return
        if self._frame is not None:
            pane_id = event.pane.pane_id
            self.push_screen(
                detail_screen(
                    event.item, self._frame, kind=event.kind, key=event.key, pane_id=pane_id, pane_title=title
                )
            )

    def on_insights_pane_jump(self, event: InsightsPane.Jump) -> None:
        """Go to an insight's resource: its pane, the cursor on its row found by its exact key."""
        from widgets.insights import show_row

        self.query_one(TabbedContent).active = event.pane_id
        self._update_pane(event.pane_id)
        pane = self.query_one(f"#pane-{event.pane_id}")
        if isinstance(pane, TablePane) and event.key:
            note = show_row(pane, event.insight)
            if note is not None:
                self.notify(note, severity="warning", markup=False)
            elif event.raw:
                pane.action_raw()

    def open_raw(self, kind: str, key: str, trail: tuple[str, ...]) -> None:
        """Show the raw API payload of an item, read off the UI thread."""
        from dashboard.backends.base import SupportsRaw
        from widgets.detail.screens import RawScreen

        backend: object = self._session.backend if self._session else None

        async def fetch() -> None:
            payload = None
            if isinstance(backend, SupportsRaw):
                payload = await asyncio.to_thread(backend.raw, kind, key)
            await self.push_screen(RawScreen(trail, payload))

        self.run_worker(fetch(), exclusive=True, group="raw")

    # ---------------------------------------------------------------- actions

    def action_show(self, number: int) -> None:
        """Switch to pane ``number`` (1-7)."""
        self.query_one(TabbedContent).active = PANES[number - 1][0]

    def action_help(self) -> None:
        """Show every key."""
        from widgets.detail.screens import HelpScreen

        self.push_screen(HelpScreen())

    def action_toggle_polling(self) -> None:
        """Pause or resume polling (the replay clock runs on)."""
        self.polling = not self.polling
        self._update_header()
        self.notify("Polling paused" if not self.polling else "Polling resumed")

    async def action_refresh(self) -> None:
        """Poll now."""
        await self.poll_now()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The replay keys (space, ``+``, ``-``, ``[``, ``]``) only when the session replays a recording:
        live (or before the session is open) they are left out of the footer and do nothing."""
        if action in REPLAY_ACTIONS:
            return self._session is not None and self._session.replay is not None
        return True

    def action_toggle_replay(self) -> None:
        """Pause or resume the replay clock."""
        clock = self._session.replay if self._session else None
        if clock is not None:
            clock.resume() if clock.paused else clock.pause()
            self._update_header()

    def action_speed(self, factor: float) -> None:
        """Replay faster or slower (x0.25 to x3600)."""
        clock = self._session.replay if self._session else None
        if clock is not None:
            clock.set_speed(min(3600.0, max(0.25, clock.speed * factor)))
            self._update_header()

    async def action_step(self, direction: int) -> None:
        """Pause the replay and step to the next or previous poll."""
        session = self._session
        clock = session.replay if session else None
        if session is None or clock is None:
            return
        clock.pause()
        target = poll_stop(session, direction)
        if target is None:
            self.notify("No poll that way", severity="warning")
            return
        if direction > 0:
            clock.seek(target)
            await self.poll_now()
        else:
            await self.poll_now(lambda s: rebuild(s, target))

    # ---------------------------------------------------------------- palette commands

    def set_window(self, label: str) -> None:
        """Show the last ``label`` (``1h``, ``6h``, ``24h``, ``7d``); remembered across restarts."""
        window = WINDOWS[label]
        self.state.window = label
        ui_state.save(self.state, self._state_path)
        self.run_worker(self.poll_now(lambda s: rebuild(s, None, window)), group="window")

    def set_theme(self, name: str) -> None:
        """Change the theme; remembered across restarts."""
        self.theme = name
        self.state.theme = name
        ui_state.save(self.state, self._state_path)

    def export_view_to(self, fmt: str) -> None:
        """Ask for a path, then export the current view there."""
        from widgets.detail.screens import PathPrompt
        from widgets.export import default_name

        pane_id = self.query_one(TabbedContent).active
        moment = self._frame.now if self._frame else datetime.now().astimezone()

        def done(path: str | None) -> None:
            if path:
                self.export_view(fmt, Path(path).expanduser())

        prompt = PathPrompt(
            f"Export the {pane_id} view as {fmt.upper()} to:", default_name(pane_id, moment, fmt)
        )
        self.push_screen(prompt, done)

    def export_view(self, fmt: str, path: Path | None = None) -> Path | None:
        """Write the current table's rows (as filtered and sorted) to CSV or JSON; a toast names the file."""
        from widgets.export import export_rows

        pane_id = self.query_one(TabbedContent).active
        if pane_id not in TABLE_PANES:
            self.notify("Nothing to export here: open a pane with a table", severity="warning")
            return None
        columns, rows = self.query_one(f"#pane-{pane_id}", TablePane).export_rows()
        moment = self._frame.now if self._frame else datetime.now().astimezone()
        try:
            written = export_rows(columns, rows, fmt=fmt, pane_id=pane_id, moment=moment, path=path)
        except OSError as exc:
            self.notify(f"Export failed: {exc}", severity="error")
            return None
        self.notify(f"Exported {len(rows)} rows to {written}", title="Export")
        return written


def run_app(*, recording: Path, mode: str, speed: float = 1.0, config: Config | None = None) -> int:
    """Run the app on a recording (``--demo`` or ``--replay``) until the user quits; ``config``
    (``--config``) supplies prices, budgets and the insight rules' settings.

    Raises:
        UsageError: An ``[insights]`` rule or threshold that does not exist.
    """
    settings = None
    if config is not None:
        from dashboard.insights import config_settings

        settings = config_settings(config)
    app = DashboardApp(
        lambda: open_recording(recording, mode, speed),
        subtitle=f"{mode}: {recording}",
        config=config,
        insight_settings=settings,
    )
    result = app.run()
    return result or 0
