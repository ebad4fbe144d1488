"""What the command palette's commands do beyond showing a pane: change the time window or the theme
(both remembered across restarts), export the current view to CSV or JSON.

The app's methods of :class:`widgets.commands.Commandable` call these with itself.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.widgets import TabbedContent

from dashboard import ui_state
from widgets.paneset import TABLE_PANES

if TYPE_CHECKING:
    from dashboard.app import DashboardApp


def set_window(app: DashboardApp, label: str) -> None:
    """Show the last ``label`` (``1h``, ``6h``, ``24h``, ``7d``); remembered across restarts."""
    from dashboard.session import WINDOWS, rebuild

    window = WINDOWS[label]
    app.state.window = label
    ui_state.save(app.state, app._state_path)
    app.run_worker(app.poll_now(lambda s: rebuild(s, None, window)), group="window")


def set_theme(app: DashboardApp, name: str) -> None:
    """Change the theme; remembered across restarts."""
    app.theme = name
    app.state.theme = name
    ui_state.save(app.state, app._state_path)


def export_view_to(app: DashboardApp, fmt: str) -> None:
    """Ask for a path, then export the current view there."""
    from widgets.detail.screens import PathPrompt
    from widgets.export import default_name

    pane_id = app.query_one(TabbedContent).active
    moment = app._frame.now if app._frame else datetime.now().astimezone()

    def done(path: str | None) -> None:
        if path:
            export_view(app, fmt, Path(path).expanduser())

    prompt = PathPrompt(f"Export the {pane_id} view as {fmt.upper()} to:", default_name(pane_id, moment, fmt))
    app.push_screen(prompt, done)


def export_view(app: DashboardApp, fmt: str, path: Path | None = None) -> Path | None:
    """Write the current table's rows (as filtered and sorted) to CSV or JSON; a toast names the file."""
    from widgets.export import export_rows
    from widgets.panes import TablePane

    pane_id = app.query_one(TabbedContent).active
    if pane_id not in TABLE_PANES:
        app.notify("Nothing to export here: open a pane with a table", severity="warning")
        return None
    columns, rows = app.query_one(f"#pane-{pane_id}", TablePane).export_rows()
    moment = app._frame.now if app._frame else datetime.now().astimezone()
    try:
        written = export_rows(columns, rows, fmt=fmt, pane_id=pane_id, moment=moment, path=path)
    except OSError as exc:
        app.notify(f"Export failed: {exc}", severity="error")
        return None
    app.notify(f"Exported {len(rows)} rows to {written}", title="Export")
    return written
