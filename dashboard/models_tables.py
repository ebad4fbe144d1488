"""A BigQuery table's metadata as ``tables.get`` gives it: what the Dataflow and Pub/Sub sources read of the
tables their jobs and BigQuery export subscriptions write (when each was last written to, its streaming
buffer)."""

from __future__ import annotations

from datetime import datetime

from dashboard.models_base import Model


class BigQueryTable(Model, frozen=True):
    """One table's ``tables.get`` resource (BigQuery REST ``Table``), read leniently: a field left out or
    not the documented shape is None."""

    table_id: str
    """``project.dataset.table``."""
    last_modified: datetime | None = None
    """``lastModifiedTime`` (epoch milliseconds): the last change of the table's data or metadata. Rows
    still in the streaming buffer are not counted in it."""
    num_rows: int | None = None
    """``numRows``: rows in managed storage (the streaming buffer not included)."""
    num_bytes: int | None = None
    """``numBytes``: logical bytes in managed storage (the streaming buffer not included)."""
    streaming_rows: int | None = None
    """``streamingBuffer.estimatedRows``; None when the table has no streaming buffer."""
    streaming_bytes: int | None = None
    """``streamingBuffer.estimatedBytes``."""
    streaming_oldest: datetime | None = None
    """``streamingBuffer.oldestEntryTime`` (epoch milliseconds): the oldest row still buffered."""
    type: str | None = None
    """``TABLE``, ``VIEW``, ``MATERIALIZED_VIEW``, ``EXTERNAL``, ``SNAPSHOT``, or a newer value as sent."""
    location: str | None = None
    """Where its dataset lives: ``EU``, ``US``, ``europe-west1``."""

    @property
    def project(self) -> str:
        """The project that holds it."""
        return self.table_id.split(".", 1)[0]

    @property
    def has_streaming_buffer(self) -> bool:
        """True when ``tables.get`` sent a ``streamingBuffer`` (rows streamed in and not yet flushed)."""
        return self.streaming_rows is not None or self.streaming_oldest is not None
