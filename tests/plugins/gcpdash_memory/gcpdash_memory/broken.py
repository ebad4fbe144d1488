"""A backend whose client library is not installed: importing it fails, and gcpdash names it and runs
the others."""

from __future__ import annotations

from typing import Any

import acme_metadata_client  # type: ignore[import-not-found]  # deliberately absent


def create(options: Any) -> Any:
    """Never reached."""
    return acme_metadata_client.Backend(options)
