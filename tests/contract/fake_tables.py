"""A fake BigQuery REST ``tables.get`` on 127.0.0.1: hand-written ``Table`` resources in the shape the
BigQuery REST reference documents (``lastModifiedTime`` and ``streamingBuffer.oldestEntryTime`` epoch
milliseconds as strings, int64 counts as strings), two projects, a table in europe-west1, one with a
streaming buffer and one without, one the caller may not read (403) and one that does not exist (404).

Serves ``GET /bigquery/v2/projects/P/datasets/D/tables/T``; anything else is 404. Faults per table: any of
:data:`~tests.contract.fake_rest_faults.FAULTS` (``slow`` answers after ``slow_seconds``).
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from .fake_rest_faults import answer, error_body

SEEN: set[tuple[str, str]] = set()
"""Every (HTTP method, path) a fake ``tables.get`` received in this process (the read-only tests)."""

SESSIONS = "acme-analytics.clickstream.sessions"
READINGS = "acme-etl.telemetry.readings"
APP_OPENS = "acme-analytics.events.app_opens"
RAW_EVENTS = "acme-etl.raw.events"
"""What the Pub/Sub fake's BigQuery export (tests/contract/fake_pubsub.py) writes."""
MISSING = "acme-etl.telemetry.missing"
"""Not found (404)."""
AUDIT = "acme-analytics.restricted.audit"
"""Denied (403: the caller lacks bigquery.tables.get on its dataset)."""


def _ref(table: str) -> dict[str, str]:
    project, dataset, name = table.split(".")
    return {"projectId": project, "datasetId": dataset, "tableId": name}


def resources() -> dict[str, dict[str, Any]]:
    """The tables served, as ``tables.get`` returns them."""
    return {
        SESSIONS: {
            "kind": "bigquery#table",
            "etag": "Jm1mNjZlYzYxNg==",
            "id": "acme-analytics:clickstream.sessions",
            "selfLink": "https://bigquery.googleapis.com/bigquery/v2/projects/acme-analytics/datasets/"
            "clickstream/tables/sessions",
            "tableReference": _ref(SESSIONS),
            "schema": {"fields": [{"name": "session_id", "type": "STRING", "mode": "REQUIRED"}]},
            "timePartitioning": {"type": "DAY", "field": "started_at"},
            "numBytes": "52428800000",
            "numLongTermBytes": "0",
            "numRows": "310000000",
            "creationTime": "1732000000000",
            "lastModifiedTime": "1764577200000",
            "type": "TABLE",
            "location": "europe-west1",
            "streamingBuffer": {
                "estimatedBytes": "7340032",
                "estimatedRows": "41250",
                "oldestEntryTime": "1764577080000",
            },
        },
        READINGS: {
            "kind": "bigquery#table",
            "id": "acme-etl:telemetry.readings",
            "tableReference": _ref(READINGS),
            "numBytes": "1099511627776",
            "numRows": "9876543210",
            "creationTime": "1700000000000",
            "lastModifiedTime": "1764576000000",
            "type": "TABLE",
            "location": "US",
        },
        APP_OPENS: {
            "kind": "bigquery#table",
            "id": "acme-analytics:events.app_opens",
            "tableReference": _ref(APP_OPENS),
            "numBytes": "0",
            "numRows": "0",
            "lastModifiedTime": "1764577230000",
            "type": "TABLE",
            "location": "EU",
            "streamingBuffer": {"estimatedBytes": "2048", "estimatedRows": "16"},
        },
        RAW_EVENTS: {
            "kind": "bigquery#table",
            "id": "acme-etl:raw.events",
            "tableReference": _ref(RAW_EVENTS),
            "numBytes": "37500000",
            "numRows": "125000",
            "lastModifiedTime": "1764577170000",
            "type": "TABLE",
            "location": "europe-west1",
        },
    }


_DEMO: dict[str, dict[str, Any]] = {}
_DEMO_LOCK = threading.Lock()


def demo_resources() -> dict[str, dict[str, Any]]:
    """What :mod:`.fake_rest` serves: the last ``tables.get`` answer of each table in the demo recording
    (its Dataflow and Pub/Sub logs, read once per process), and the tables of :func:`resources` that it
    does not hold."""
    with _DEMO_LOCK:  # servers of cells running side by side start at once
        if not _DEMO:
            from pathlib import Path

            found = resources()
            demo = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
            for name in ("dataflow.jsonl", "pubsub.jsonl"):
                with (demo / name).open(encoding="utf-8") as lines:
                    for line in lines:
                        if '"bigquery.tables.get"' in line:
                            ex = json.loads(line)
                            if isinstance(ex.get("response"), dict):
                                found[_table_of(ex["path"]) or ""] = ex["response"]
            _DEMO.update(found)
        return _DEMO


def table_answer(tables: dict[str, dict[str, Any]], path: str) -> tuple[int, bytes]:
    """``tables.get`` of ``path`` answered from ``tables`` (404 ``notFound`` for any other table)."""
    table = _table_of(path) or "?.?.?"
    found = tables.get(table)
    if found is None:
        project, dataset, name = table.split(".", 2)
        return 404, error_body(404, "notFound", f"Not found: Table {project}:{dataset}.{name}", "NOT_FOUND")
    return 200, json.dumps(found).encode()


class FakeTables:
    """``with FakeTables() as fake: fake.url``; ``fake.log`` holds every (HTTP method, path) asked."""

    def __init__(self, *, slow_seconds: float = 3.0) -> None:
        """Bind to a free port on 127.0.0.1; serve :func:`resources`."""
        self.tables = resources()
        self.faults: dict[str, str] = {}
        """Per ``project.dataset.table``, the fault it answers with."""
        self.slow_seconds = slow_seconds
        self.log: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeTables:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def asked(self) -> list[str]:
        """The tables asked for, in order (``project.dataset.table``)."""
        with self._lock:
            return [_table_of(path) or path for _, path in self.log]

    def respond(self, method: str, path: str) -> tuple[int, bytes]:
        """The status and body for one request."""
        with self._lock:
            self.log.append((method, path))
            SEEN.add((method, path))
        table = _table_of(path)
        if method != "GET" or table is None:
            return 404, error_body(404, "notFound", f"no such method {method} {path}", "NOT_FOUND")
        fault = self.faults.get(table)
        if fault is not None:
            faulted = answer(fault, None, self.slow_seconds)
            if faulted is not None:
                return faulted
        found = self.tables.get(table)
        project, dataset, name = table.split(".")
        if table == AUDIT:
            message = (
                f"Access Denied: Table {project}:{dataset}.{name}: Permission bigquery.tables.get denied on "
                f"table {project}:{dataset}.{name} (or it may not exist)."
            )
            return 403, error_body(403, "accessDenied", message, "PERMISSION_DENIED")
        if found is None:
            return 404, error_body(
                404, "notFound", f"Not found: Table {project}:{dataset}.{name}", "NOT_FOUND"
            )
        return 200, json.dumps(found).encode()


def _table_of(path: str) -> str | None:
    parts = urlsplit(path).path.rstrip("/").split("/")
    if (
        len(parts) != 9
        or parts[1:4] != ["bigquery", "v2", "projects"]
        or parts[5::2] != ["datasets", "tables"]
    ):
        return None
    return ".".join(unquote(p) for p in parts[4::2])


def _handler(fake: FakeTables) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            """No Nagle delay (as :mod:`.fake_rest`)."""
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            status, body = fake.respond(self.command, urlsplit(self.path).path)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up (a timeout test)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
