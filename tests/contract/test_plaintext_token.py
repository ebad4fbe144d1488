"""An OAuth token never travels in the clear: a plain ``http://`` BigQuery endpoint on a host that is not a
loopback address is refused before any request, with one line, exit 3.

Every request the run could make (the API call, a token refresh) is routed to a counting server on
127.0.0.1 through ``HTTP_PROXY``/``HTTPS_PROXY``, with credentials that look real, so that a request sent
despite the refusal would be seen, Authorization header and all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


class _Counting(BaseHTTPRequestHandler):
    seen: list[dict[str, str]]

    def _any(self) -> None:
        self.seen.append(dict(self.headers.items()))
        self.send_response(500)
        self.end_headers()

    do_GET = do_POST = do_CONNECT = _any

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []
    handler = type("Handler", (_Counting,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _authorized_user(tmp_path: Path) -> Path:
    path = tmp_path / "adc.json"
    path.write_text(
        json.dumps(
            {"type": "authorized_user", "client_id": "id.apps", "client_secret": "s", "refresh_token": "r"}
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.timeout(60)
@pytest.mark.parametrize("flag", ["--once", "--check"])
# never contacted (refused first; every request would go to the loopback proxy): a reserved name and the
# documentation address ranges (RFC 2606, 5737, 3849)
@pytest.mark.parametrize("host", ["bigquery.example.test", "192.0.2.10", "[2001:db8::1]"])
def test_plain_http_to_another_host_is_refused_before_any_request(
    tmp_path: Path, proxy: tuple[str, list[dict[str, str]]], flag: str, host: str
) -> None:
    url, seen = proxy
    config = tmp_path / "config.toml"
    config.write_text(
        f'[gcp]\nprojects = ["acme-etl"]\n[endpoints]\nbigquery = "http://{host}:9050"\n', encoding="utf-8"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GCPDASH_")},
        "HTTP_PROXY": url,
        "HTTPS_PROXY": url,
        "NO_PROXY": "",
        "GOOGLE_APPLICATION_CREDENTIALS": str(_authorized_user(tmp_path)),
    }
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", flag, "--config", str(config)],
        check=False, capture_output=True, text=True, env=env, timeout=50,
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    [line] = result.stderr.splitlines()
    assert "would send your OAuth token in the clear" in line
    assert "use https://" in line
    assert result.stdout == ""
    assert seen == []  # nothing was sent: no Authorization header can have left


def test_loopback_and_https_and_anonymous_are_accepted() -> None:
    from dashboard import validate

    for url in ("http://127.0.0.1:9050", "http://localhost:9050", "http://[::1]:9050", "https://bq.example"):
        assert validate.rest_endpoint(url, anonymous=False, where="x") == url
    assert validate.rest_endpoint("http://emulator.example.test:9050", anonymous=True, where="x")
