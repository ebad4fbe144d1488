"""Export a table's rows, as shown (filtered and sorted), to CSV or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from dashboard.views.columns import Column, Row
from widgets.rowops import to_csv, to_json


def default_name(pane_id: str, moment: datetime, fmt: str) -> str:
    """``gcpdash-jobs-20261126-072512.csv``: the pane and the (recorded) moment shown."""
    return f"gcpdash-{pane_id}-{moment:%Y%m%d-%H%M%S}.{fmt}"


def export_rows(
    columns: Sequence[Column],
    rows: Sequence[Row],
    *,
    fmt: str,
    pane_id: str,
    moment: datetime,
    path: Path | None = None,
) -> Path:
    """Write ``rows`` to ``path`` (default: :func:`default_name` in the current directory).

    Raises:
        ValueError: ``fmt`` is neither ``csv`` nor ``json``.
        OSError: The file cannot be written.
    """
    if fmt not in ("csv", "json"):
        raise ValueError(f"export format must be csv or json, not {fmt!r}")
    target = path or Path.cwd() / default_name(pane_id, moment, fmt)
    body = to_csv(columns, rows) if fmt == "csv" else to_json(columns, rows)
    target.write_text(body, encoding="utf-8", newline="")
    return target
