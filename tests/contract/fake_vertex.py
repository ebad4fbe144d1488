"""A fake Vertex AI REST API on 127.0.0.1, serving hand-written resources in the shapes of Google's v1 REST
reference (``PipelineJob``, ``PipelineTaskDetail``, ``ModelDeploymentMonitoringJob``,
``ModelMonitoringStatsAnomalies``): two projects, runs in us-central1 and europe-west4, a QUEUED run (no
``startTime`` yet), a FAILED run whose ``train-model`` task ran out of memory, a listing of two pages, a
monitoring job whose drift search holds one feature over its threshold.

Serves ``GET /v1/projects/P/locations/R/pipelineJobs``, ``GET .../modelDeploymentMonitoringJobs`` and
``POST .../modelDeploymentMonitoringJobs/J:searchModelDeploymentMonitoringStatsAnomalies``; anything else
404. Faults by kind (``pipelines``, ``monitoring``, ``search``): any of
:data:`~tests.contract.fake_rest_faults.FAULTS`.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .fake_rest_faults import answer, error_body

ANALYTICS = "acme-analytics"
ETL = "acme-etl"
US = "us-central1"
EU = "europe-west4"
SEARCH = ":searchModelDeploymentMonitoringStatsAnomalies"
MONITOR = f"projects/{ANALYTICS}/locations/{US}/modelDeploymentMonitoringJobs/4872265380302536704"

SEEN: set[tuple[str, str]] = set()
"""Every (HTTP method, path) a fake received in this process (the read-only tests)."""


def _run(project: str, region: str, run_id: str, state: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": f"projects/{project}/locations/{region}/pipelineJobs/{run_id}",
        "displayName": run_id,
        "state": state,
        **fields,
    }


def _task(name: str, state: str, start: str, end: str | None = None, **fields: Any) -> dict[str, Any]:
    task = {"taskId": str(abs(hash(name)) % 10**18), "taskName": name, "state": state, "startTime": start}
    if end:
        task["endTime"] = end
    return {**task, **fields}


OOM = (
    "The replica workerpool0-0 ran out of memory and exited with a non-zero status of 137(SIGKILL). "
    "To find out more about why your job exited please check the logs: https://console.cloud.google.com/"
    "logs/viewer?project=123456789012&resource=ml_job%2Fjob_id%2F5316170493384032256"
)

RUNS: dict[tuple[str, str], list[list[dict[str, Any]]]] = {
    # acme-analytics, us-central1: two pages, newest first
    (ANALYTICS, US): [
        [
            _run(
                ANALYTICS,
                US,
                "churn-training-20261126034000",
                "PIPELINE_STATE_SUCCEEDED",
                createTime="2026-11-26T03:40:00.123456Z",
                startTime="2026-11-26T03:40:20.5Z",
                endTime="2026-11-26T04:22:20.5Z",
                updateTime="2026-11-26T04:22:21Z",
                labels={"vertex-ai-pipelines-run-billing-id": "8821", "team": "ds"},
                pipelineSpec={"pipelineInfo": {"name": "churn-training"}},
                jobDetail={
                    "taskDetails": [
                        _task("churn-training", "SUCCEEDED", "2026-11-26T03:40:21Z", "2026-11-26T04:22:19Z"),
                        _task("train-model", "SUCCEEDED", "2026-11-26T03:41:00Z", "2026-11-26T04:20:00Z"),
                    ]
                },
            ),
            _run(
                ANALYTICS,
                US,
                "churn-training-20261126031000",
                "PIPELINE_STATE_FAILED",
                createTime="2026-11-26T03:10:00Z",
                startTime="2026-11-26T03:10:15Z",
                endTime="2026-11-26T03:31:15Z",
                labels={"team": "ds"},
                pipelineSpec={"pipelineInfo": {"name": "churn-training"}},
                error={
                    "code": 9,
                    "message": "The DAG failed because some tasks failed. "
                    "The failed tasks are: [train-model].",
                },
                jobDetail={
                    "taskDetails": [
                        _task("churn-training", "FAILED", "2026-11-26T03:10:16Z", "2026-11-26T03:31:14Z"),
                        _task("prepare-data", "SUCCEEDED", "2026-11-26T03:10:20Z", "2026-11-26T03:14:00Z"),
                        _task(
                            "train-model",
                            "FAILED",
                            "2026-11-26T03:14:10Z",
                            "2026-11-26T03:31:10Z",
                            error={"code": 9, "message": OOM},
                        ),
                    ]
                },
            ),
        ],
        [
            _run(
                ANALYTICS,
                US,
                "churn-training-20261125094000",
                "PIPELINE_STATE_SUCCEEDED",
                createTime="2026-11-25T09:40:00Z",
                startTime="2026-11-25T09:40:10Z",
                endTime="2026-11-25T10:20:10Z",
                pipelineSpec={"pipelineInfo": {"name": "churn-training"}},
            ),
        ],
    ],
    # acme-etl, europe-west4: a queued run (no start yet) and a run without pipelineInfo (its template)
    (ETL, EU): [
        [
            _run(
                ETL,
                EU,
                "feature-backfill-20261126050000",
                "PIPELINE_STATE_QUEUED",
                createTime="2026-11-26T05:00:00Z",
                templateUri="https://europe-west4-kfp.pkg.dev/acme-etl/pipelines/feature-backfill/v3",
            ),
            _run(
                ETL,
                EU,
                "feature-backfill-20261126040000",
                "PIPELINE_STATE_RUNNING",
                createTime="2026-11-26T04:00:00Z",
                startTime="2026-11-26T04:00:30Z",
                templateUri="https://europe-west4-kfp.pkg.dev/acme-etl/pipelines/feature-backfill/v3",
            ),
        ]
    ],
}
"""Per (project, region), the pages of ``pipelineJobs.list``."""

MONITORING: dict[tuple[str, str], list[dict[str, Any]]] = {
    (ANALYTICS, US): [
        {
            "name": MONITOR,
            "displayName": "churn-endpoint-monitor",
            "endpoint": f"projects/123456789012/locations/{US}/endpoints/churn-endpoint",
            "state": "JOB_STATE_RUNNING",
            "scheduleState": "OFFLINE",
            "latestMonitoringPipelineMetadata": {"runTime": "2026-11-26T05:00:00Z", "status": {}},
            "modelDeploymentMonitoringObjectiveConfigs": [
                {
                    "deployedModelId": "7406227412736999424",
                    "objectiveConfig": {
                        "predictionDriftDetectionConfig": {
                            "driftThresholds": {"tenure_months": {"value": 0.3}, "plan": {"value": 0.2}},
                            "defaultDriftThreshold": {"value": 0.25},
                        },
                        "trainingPredictionSkewDetectionConfig": {
                            "skewThresholds": {"tenure_months": {"value": 0.3}}
                        },
                    },
                }
            ],
            "modelDeploymentMonitoringScheduleConfig": {"monitorInterval": "3600s", "monitorWindow": "3600s"},
            "nextScheduleTime": "2026-11-26T06:00:00Z",
            "createTime": "2026-10-01T12:00:00Z",
        }
    ],
}

ANOMALIES = {
    "monitoringStats": [
        {
            "objective": "RAW_FEATURE_DRIFT",
            "deployedModelId": "7406227412736999424",
            "anomalyCount": 1,
            "featureStats": [
                {
                    "featureDisplayName": "tenure_months",
                    "threshold": {"value": 0.3},
                    "predictionStats": [
                        {
                            "distributionDeviation": 0.12,
                            "anomalyDetectionThreshold": {"value": 0.3},
                            "startTime": "2026-11-26T03:00:00Z",
                            "endTime": "2026-11-26T04:00:00Z",
                        },
                        {
                            "distributionDeviation": 0.42,
                            "anomalyDetectionThreshold": {"value": 0.3},
                            "startTime": "2026-11-26T04:00:00Z",
                            "endTime": "2026-11-26T05:00:00Z",
                        },
                    ],
                },
                {
                    "featureDisplayName": "plan",
                    "threshold": {"value": 0.2},
                    "predictionStats": [
                        {
                            "distributionDeviation": 0.05,
                            "anomalyDetectionThreshold": {"value": 0.2},
                            "startTime": "2026-11-26T04:00:00Z",
                            "endTime": "2026-11-26T05:00:00Z",
                        }
                    ],
                },
            ],
        },
        {"objective": "RAW_FEATURE_SKEW", "deployedModelId": "7406227412736999424", "anomalyCount": 0},
    ]
}


class FakeVertex:
    """``with FakeVertex() as fake: fake.url``; ``fake.requests`` holds (method, path, params, body)."""

    def __init__(self, *, slow_seconds: float = 3.0) -> None:
        """Bind to a free port on 127.0.0.1."""
        self.faults: dict[str, str] = {}
        """Per kind (``pipelines``, ``monitoring``, ``search``), the fault it answers with."""
        self.slow_seconds = slow_seconds
        self.requests: list[tuple[str, str, dict[str, str], dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeVertex:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def respond(self, method: str, url: str, body: dict[str, Any]) -> tuple[int, bytes]:
        """The status and body for one request."""
        parts = urlsplit(url)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        path = parts.path
        with self._lock:
            self.requests.append((method, path, params, body))
            SEEN.add((method, path))
        segments = path.split("/")
        if len(segments) < 7 or segments[1:3] != ["v1", "projects"] or segments[4] != "locations":
            return 404, error_body(404, None, f"no such path {path}", "NOT_FOUND")
        project, region, collection = segments[3], segments[5], segments[6]
        if method == "GET" and len(segments) == 7 and collection == "pipelineJobs":
            kind = "pipelines"
        elif method == "GET" and len(segments) == 7 and collection == "modelDeploymentMonitoringJobs":
            kind = "monitoring"
        elif method == "POST" and len(segments) == 8 and segments[7].endswith(SEARCH):
            kind = "search"
        else:
            return 404, error_body(404, None, f"no such method {method} {path}", "NOT_FOUND")
        token = params.get("pageToken") or str(body.get("pageToken") or "")
        fault = self.faults.get(kind)
        if fault is not None:
            faulted = answer(fault, token or None, self.slow_seconds)
            if faulted is not None:
                return faulted
        if kind == "pipelines":
            pages = RUNS.get((project, region), [[]])
            index = int(token.removeprefix("page-") or 1) - 1 if token else 0
            if index >= len(pages):
                return 400, error_body(400, None, "Invalid page token.", "INVALID_ARGUMENT")
            page: dict[str, Any] = {"pipelineJobs": pages[index]} if pages[index] else {}
            if index + 1 < len(pages):
                page["nextPageToken"] = f"page-{index + 2}"
            return 200, json.dumps(page).encode()
        if kind == "monitoring":
            jobs = MONITORING.get((project, region))
            return 200, json.dumps({"modelDeploymentMonitoringJobs": jobs} if jobs else {}).encode()
        if path.removeprefix("/v1/").removesuffix(SEARCH) != MONITOR:
            return 404, error_body(404, None, "ModelDeploymentMonitoringJob not found.", "NOT_FOUND")
        return 200, json.dumps(ANOMALIES).encode()


def _handler(fake: FakeVertex) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            """No Nagle delay."""
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {}
            status, out = fake.respond(self.command, self.path, body if isinstance(body, dict) else {})
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
            except OSError:
                pass  # the client gave up (a timeout test)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
