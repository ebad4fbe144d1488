"""A fake of the (fictional) Acme Queue API that the test source plugin (tests/plugins/gcpdash_queues)
reads: ``GET /v1/projects/{project}/queues`` on 127.0.0.1, a page of at most two queues per answer, paged
by ``pageToken``/``nextPageToken``; every request logged."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

GIB = 2**30
MIB = 2**20
QUEUES: dict[str, list[dict[str, Any]]] = {
    "acme-analytics": [
        {
            "name": "projects/acme-analytics/queues/clickstream-sub",
            "numUndeliveredMessages": "125000",
            "oldestUnackedMessageAge": "1800s",
            "retainedBytes": str(3 * GIB),
        },
        {
            "name": "projects/acme-analytics/queues/orders-sub",
            "numUndeliveredMessages": "12",
            "oldestUnackedMessageAge": "4s",
            "retainedBytes": str(64 * MIB),
        },
    ],
    "acme-etl": [
        {
            "name": "projects/acme-etl/queues/etl-events",
            "numUndeliveredMessages": "0",
            "oldestUnackedMessageAge": "0s",
            "retainedBytes": "0",
        },
        {
            "name": "projects/acme-etl/queues/etl-events-retry",
            "numUndeliveredMessages": "3",
            "oldestUnackedMessageAge": "20s",
            "retainedBytes": "0",
        },
        {
            "name": "projects/acme-etl/queues/etl-dlq",
            "numUndeliveredMessages": "37",
            "oldestUnackedMessageAge": "86400s",
            "retainedBytes": str(1 * MIB),
        },
    ],
}
"""What the API holds: two projects, acme-etl's three queues on two pages."""


class FakeQueues:
    """The fake, on a free loopback port; ``with FakeQueues() as fake: fake.url``."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.deny: set[str] = set()
        """Projects whose listing answers 403."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(self.path)
                url = urlsplit(self.path)
                parts = url.path.strip("/").split("/")
                if len(parts) != 4 or parts[:2] != ["v1", "projects"] or parts[3] != "queues":
                    self._send(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})
                    return
                project = parts[2]
                if project in fake.deny:
                    denied = {
                        "code": 403,
                        "message": "caller lacks acmequeue.queues.list",
                        "status": "PERMISSION_DENIED",
                    }
                    self._send(403, {"error": denied})
                    return
                start = int(parse_qs(url.query).get("pageToken", ["0"])[0])
                queues = QUEUES.get(project, [])
                body: dict[str, Any] = {"queues": queues[start : start + 2]}
                if start + 2 < len(queues):
                    body["nextPageToken"] = str(start + 2)
                self._send(200, body)

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeQueues:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
