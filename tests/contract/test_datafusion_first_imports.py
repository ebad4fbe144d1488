"""The Data Fusion source's worker thread imports nothing for the first time either (its client library is
in its spec's ``packages``, imported before the workers start): a whole live poll of every source with the
Data Fusion fake behind ``[sources.datafusion] endpoint``, in a cold interpreter."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.sources.datafusion.model import LIST_INSTANCES

from .fake_datafusion import FakeDatafusionServer, world
from .test_first_imports import _cold
from .test_live_cli import served


@pytest.mark.timeout(180)
def test_a_poll_with_datafusion_imports_nothing_new_in_worker_threads(tmp_path: Path) -> None:
    with served(tmp_path) as config, FakeDatafusionServer(world()) as fusion:
        text = config.read_text(encoding="utf-8")
        on = text.replace(
            "[sources.datafusion]\nenabled = false", f'[sources.datafusion]\nendpoint = "{fusion.address}"'
        )
        assert on != text
        path = tmp_path / "with-datafusion.toml"
        path.write_text(on, encoding="utf-8")
        assert _cold(path) == {"in_threads": [], "errors": []}
        assert fusion.requests(LIST_INSTANCES)  # it was read
