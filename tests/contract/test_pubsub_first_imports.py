"""The Pub/Sub source's worker thread imports nothing for the first time either (its client library is
in its spec's ``packages``, imported before the workers start): a whole live poll of every source with the
Pub/Sub fake behind ``[sources.pubsub] endpoint``, in a cold interpreter."""

from __future__ import annotations

from pathlib import Path

import pytest

from .fake_pubsub import FakePubsubServer, world
from .test_first_imports import _cold
from .test_live_cli import served


@pytest.mark.timeout(180)
def test_a_poll_with_pubsub_imports_nothing_new_in_worker_threads(tmp_path: Path) -> None:
    with served(tmp_path) as config, FakePubsubServer(world()) as pubsub:
        text = config.read_text(encoding="utf-8")
        on = text.replace(
            "[sources.pubsub]\nenabled = false", f'[sources.pubsub]\nendpoint = "{pubsub.address}"'
        )
        assert on != text
        path = tmp_path / "with-pubsub.toml"
        path.write_text(on, encoding="utf-8")
        assert _cold(path) == {"in_threads": [], "errors": []}
        assert pubsub.requests("google.pubsub.v1.Subscriber/ListSubscriptions")  # it was read
