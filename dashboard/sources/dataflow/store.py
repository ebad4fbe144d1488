"""How the store merges a Dataflow poll into what it holds."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from dashboard.merge import keep_parts
from dashboard.models import DataflowData, DataflowJob
from dashboard.series import DATAFLOW_TOTALS, merge_series


def merge_dataflow(
    old: DataflowData, data: DataflowData, *, series_window: timedelta, window: timedelta
) -> DataflowData:
    """The poll's jobs (those of a project that failed kept as last known), its series merged with the
    points kept; a job's last known totals (within ``window``) stay while the listing has the job."""
    series = merge_series(
        old.series,
        data.series,
        keep=series_window,
        keep_last=DATAFLOW_TOTALS,
        last_within=window,
    )
    flows = keep_parts(old.jobs, data.jobs, data.incomplete, _project_of, _flow_key)
    # a job's last known totals go with the job once the listing no longer has it
    listed = {job.job_id for job in flows}
    series = tuple(s for s in series if s.metric not in DATAFLOW_TOTALS or s.key in listed)
    return msgspec.structs.replace(data, jobs=flows, series=series)


def _project_of(job: DataflowJob) -> str:
    return job.project


def _flow_key(job: DataflowJob) -> str:
    return f"{job.project}/{job.job_id}"
