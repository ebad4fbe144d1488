"""Module names the built-in sources' live fetches import (strings only: nothing is imported here), for
their specs' ``packages``."""

from __future__ import annotations

GRPC = (
    "grpc",
    "grpc._interceptor",
    "dashboard.backends.gcp.grpc_errors",
    "dashboard.backends.gcp.grpc_clients",
    "dashboard.backends.gcp.grpc_monitoring",
    "google.cloud.monitoring_v3",
)
"""What every gRPC source's fetch imports: gRPC, the shared clients and Monitoring."""

BQ_TABLES = ("google.cloud.bigquery", "dashboard.backends.gcp.bq_tables")
"""What reading the tables a source's pipelines write (``tables.get``) imports: the BigQuery REST client."""
