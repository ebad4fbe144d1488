"""What the app remembers between runs: each table's sort, the theme and the time window.

A small JSON file, ``state.json`` in ``platformdirs.user_state_dir("gcpdash")`` (``GCPDASH_STATE_DIR``
overrides the directory, e.g. for tests). A missing or unreadable file is an empty state, never an error:
losing a remembered sort must not stop the app.
"""

from __future__ import annotations

import os
from pathlib import Path

import msgspec

ENV_DIR = "GCPDASH_STATE_DIR"
FILE_NAME = "state.json"


class SortState(msgspec.Struct, frozen=True, kw_only=True):
    """A table's sort: the column key and the direction."""

    column: str
    reverse: bool = False


class UiState(msgspec.Struct, kw_only=True):
    """The remembered state."""

    sorts: dict[str, SortState] = {}
    """Sort per table id (e.g. ``jobs``, ``dataproc``)."""
    theme: str | None = None
    window: str | None = None
    """``1h``, ``6h``, ``24h`` or ``7d``."""


def state_dir() -> Path:
    """The directory of the state file."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir("gcpdash"))


def state_path() -> Path:
    """The state file."""
    return state_dir() / FILE_NAME


def load(path: Path | None = None) -> UiState:
    """The remembered state; empty when there is none or it cannot be read."""
    path = path or state_path()
    try:
        return msgspec.json.decode(path.read_bytes(), type=UiState)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return UiState()


def save(state: UiState, path: Path | None = None) -> None:
    """Write the state atomically (a temporary file renamed over the old one); failures are ignored."""
    path = path or state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(msgspec.json.format(msgspec.json.encode(state)))
        tmp.replace(path)
    except OSError:
        pass
