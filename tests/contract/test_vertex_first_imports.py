"""The Vertex AI source's worker thread imports nothing for the first time (``google.auth.transport.requests``
and the modules its fetch needs are in its spec's ``packages``, imported before the workers start): a whole
live poll of every source with the Vertex AI fake behind ``[sources.vertex] endpoint``, in a cold
interpreter. (``--once`` on the demo recording importing no ``google.*`` at all, Vertex AI's log included,
is tests/test_layering.py's.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from .fake_vertex import FakeVertex
from .test_first_imports import _cold
from .test_live_cli import served


@pytest.mark.timeout(180)
def test_a_poll_with_vertex_imports_nothing_new_in_worker_threads(tmp_path: Path) -> None:
    with served(tmp_path) as config, FakeVertex() as vertex:
        text = config.read_text(encoding="utf-8")
        on = text.replace("[sources.vertex]\nenabled = false", f'[sources.vertex]\nendpoint = "{vertex.url}"')
        assert on != text
        path = tmp_path / "with-vertex.toml"
        path.write_text(on, encoding="utf-8")
        assert _cold(path) == {"in_threads": [], "errors": []}
        assert any(p.endswith("/pipelineJobs") for _, p, _, _ in vertex.requests)  # it was read
