"""The data-quality source's worker thread imports nothing for the first time either (its client library
is in its spec's ``packages``, imported before the workers start): a whole live poll of every source with
the Dataplex fake behind ``[sources.dataquality] endpoint``, in a cold interpreter."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.sources.dataquality.model import LIST_DATA_SCANS

from .fake_dataplex import FakeDataplexServer, world
from .test_first_imports import _cold
from .test_live_cli import served


@pytest.mark.timeout(180)
def test_a_poll_with_dataquality_imports_nothing_new_in_worker_threads(tmp_path: Path) -> None:
    with served(tmp_path) as config, FakeDataplexServer(world()) as dataplex:
        text = config.read_text(encoding="utf-8")
        on = text.replace(
            "[sources.dataquality]\nenabled = false",
            f'[sources.dataquality]\nendpoint = "{dataplex.address}"',
        )
        assert on != text
        path = tmp_path / "with-dataquality.toml"
        path.write_text(on, encoding="utf-8")
        assert _cold(path) == {"in_threads": [], "errors": []}
        assert dataplex.requests(LIST_DATA_SCANS)  # it was read
