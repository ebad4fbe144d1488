"""The Composer source's worker thread imports nothing for the first time either (its client library is
in its spec's ``packages``, imported before the workers start): a whole live poll of every source with the
Composer fake behind ``[sources.composer] endpoint``, in a cold interpreter."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.sources.composer.model import LIST_ENVIRONMENTS

from .fake_composer import FakeComposerServer, world
from .test_first_imports import _cold
from .test_live_cli import served


@pytest.mark.timeout(180)
def test_a_poll_with_composer_imports_nothing_new_in_worker_threads(tmp_path: Path) -> None:
    with served(tmp_path) as config, FakeComposerServer(world()) as composer:
        text = config.read_text(encoding="utf-8")
        on = text.replace(
            "[sources.composer]\nenabled = false", f'[sources.composer]\nendpoint = "{composer.address}"'
        )
        assert on != text
        path = tmp_path / "with-composer.toml"
        path.write_text(on, encoding="utf-8")
        assert _cold(path) == {"in_threads": [], "errors": []}
        assert composer.requests(LIST_ENVIRONMENTS)  # it was read
