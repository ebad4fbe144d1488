"""The messages of :class:`widgets.table.VirtualTable`, handled as ``on_virtual_table_row_selected`` and
so on (Textual's names for a widget's nested messages; the table exposes them as its attributes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from widgets.table import VirtualTable


class RowHighlighted(Message, namespace="virtual_table"):
    """The cursor moved to another row (by key, mouse, or a refresh that lost the old row)."""

    def __init__(self, table: VirtualTable[Any], key: str) -> None:
        self.table = table
        """The table."""
        self.key = key
        """The highlighted row's key."""
        super().__init__()

    @property
    def control(self) -> VirtualTable[Any]:
        """The table."""
        return self.table


class RowSelected(Message, namespace="virtual_table"):
    """A row was chosen: ``enter`` or a click."""

    def __init__(self, table: VirtualTable[Any], key: str) -> None:
        self.table = table
        """The table."""
        self.key = key
        """The selected row's key."""
        super().__init__()

    @property
    def control(self) -> VirtualTable[Any]:
        """The table."""
        return self.table


class SortChanged(Message, namespace="virtual_table"):
    """The sort changed (``None``: the rows' own order), for the app to remember."""

    def __init__(self, table: VirtualTable[Any], sort: tuple[str, bool] | None) -> None:
        self.table = table
        """The table."""
        self.sort = sort
        """``(column key, descending)`` or None."""
        super().__init__()

    @property
    def control(self) -> VirtualTable[Any]:
        """The table."""
        return self.table


class FilterChanged(Message, namespace="virtual_table"):
    """The filter changed (set, or cleared with ``escape``)."""

    def __init__(self, table: VirtualTable[Any], text: str, note: str | None) -> None:
        self.table = table
        """The table."""
        self.text = text
        """The filter as typed; ``""``: none."""
        self.note = note
        """Why it is not taken as written (an invalid regex), or None."""
        super().__init__()

    @property
    def control(self) -> VirtualTable[Any]:
        """The table."""
        return self.table
