"""Dataproc clusters, the jobs on them and Serverless batches, with the clusters' YARN metrics.

Registered in the entry-point group ``gcpdash.sources`` (``pyproject.toml``) like any source.
"""

from __future__ import annotations

from dashboard.iam import roles_for
from dashboard.models import DataprocData
from dashboard.recording import format as fmt
from dashboard.registry import SourceSpec
from dashboard.sources import modules

SPEC = SourceSpec(
    name="dataproc",
    title="Dataproc",
    interval=30.0,
    data=DataprocData,
    parse="dashboard.parsers.dataproc:parse_dataproc",
    fetch="dashboard.backends.gcp.sources:fetch_dataproc",
    methods=(
        fmt.DATAPROC_LIST_CLUSTERS,
        fmt.DATAPROC_LIST_BATCHES,
        fmt.DATAPROC_LIST_JOBS,
        fmt.MON_LIST_TIME_SERIES,
    ),
    grants=roles_for("dataproc"),
    packages=(*modules.GRPC, "google.cloud.dataproc_v1"),
    merge="series",
    builtin=True,
)
